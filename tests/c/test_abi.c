/*
 * C tests of libfacenative.so through include/facenative.h, on the real photos in
 * $FACENATIVE_FACES (default ../shared/faces) with the models in $FACENATIVE_MODELS.
 * Each test prints "ok" or "FAIL" with the failed checks; the last line is
 * "N passed, N failed" (one count per test).
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facenative.h"
#include "png_lite.h"

/* ----------------------------------------------------------------------------- harness */

static int g_checks_failed; /* failed checks in the running test */
static int g_passed, g_failed;

#define CHECK(cond)                                                                       \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      g_checks_failed++;                                                                  \
      fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);        \
    }                                                                                     \
  } while (0)

/* Checks a status and, for an error, that face_last_error() says something. */
#define CHECK_STATUS(call, want)                                                          \
  do {                                                                                    \
    int got_ = (call);                                                                    \
    if (got_ != (want)) {                                                                 \
      g_checks_failed++;                                                                  \
      fprintf(stderr, "    %s:%d: %s returned %d (%s), wanted %d; last error: %s\n",      \
              __FILE__, __LINE__, #call, got_, face_status_string(got_), (want),          \
              face_last_error());                                                         \
    } else if ((want) != FACE_OK && face_last_error()[0] == '\0') {                       \
      g_checks_failed++;                                                                  \
      fprintf(stderr, "    %s:%d: %s failed with no message\n", __FILE__, __LINE__, #call);  \
    }                                                                                     \
  } while (0)

static void run(const char *name, void (*test)(void)) {
  g_checks_failed = 0;
  test();
  if (g_checks_failed == 0) {
    g_passed++;
    fprintf(stderr, "ok    %s\n", name);
  } else {
    g_failed++;
    fprintf(stderr, "FAIL  %s (%d checks)\n", name, g_checks_failed);
  }
}

#define RUN(test) run(#test, test)

/* ----------------------------------------------------------------------------- fixtures */

typedef struct blob {
  uint8_t *data;
  size_t size;
} blob;

static const char *g_faces = "../shared/faces";
static face_engine *g_engine; /* default pack: every model */
static face_engine *g_fast;   /* fast pack, no optional models, 1 thread, deterministic */

static blob read_file(const char *relative) {
  char path[1024];
  blob b = {NULL, 0};
  snprintf(path, sizeof path, "%s/%s", g_faces, relative);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s (set FACENATIVE_FACES to the photos folder)\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  b.size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = malloc(b.size);
  if (!b.data || fread(b.data, 1, b.size, f) != b.size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  return b;
}

static face_image encoded(blob b) {
  face_image img = {b.data, b.size, FACE_IMAGE_ENCODED, 0, 0, 0};
  return img;
}

static face_image raw(const void *data, size_t size, int format, int w, int h, int stride) {
  face_image img = {data, size, format, w, h, stride};
  return img;
}

static blob g_img1, g_img2, g_other, g_group, g_png, g_live, g_spoof;

static const char *PAIR_A = "id01/deepface_img1.jpg";
static const char *PAIR_B = "id01/deepface_img2.jpg";

/* --------------------------------------------------------------------- version, status */

static void version_matches_header(void) {
  CHECK(face_abi_version() == FACE_ABI_VERSION);
  CHECK(strstr(face_version_string(), "FaceNative") != NULL);
}

static void status_strings_cover_every_code(void) {
  int codes[] = {FACE_OK, FACE_E_INVALID_ARGUMENT, FACE_E_DECODE, FACE_E_NO_FACE, FACE_E_MODEL,
                 FACE_E_NO_LIVENESS_MODEL, FACE_E_NO_ATTRIBUTE_MODEL, FACE_E_BUFFER_TOO_SMALL,
                 FACE_E_TOO_LARGE, FACE_E_INTERNAL};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECK(face_status_string(codes[i]) != NULL);
    CHECK(strcmp(face_status_string(codes[i]), "unknown status") != 0);
  }
  CHECK(strcmp(face_status_string(-1000), "unknown status") == 0);
  CHECK(strcmp(face_status_string(5), "unknown status") == 0);
  CHECK(strcmp(face_status_string(INT_MIN), "unknown status") == 0);
  CHECK(strcmp(face_status_string(INT_MAX), "unknown status") == 0);
}

/* Struct sizes the C# mirrors in src/FaceNative.Exports/NativeTypes.cs were written for. */
static void struct_layouts_match_exports(void) {
  CHECK(sizeof(face_image) == 32);
  CHECK(sizeof(face_box) == 16);
  CHECK(sizeof(face_detection) == 60);
  CHECK(sizeof(face_verify_result) == 72);
  CHECK(sizeof(face_analysis) == 88);
  CHECK(sizeof(face_analysis_result) == 16);
  CHECK(sizeof(face_engine_info) == 48);
  CHECK(offsetof(face_analysis_result, faces) == 8);
  CHECK(offsetof(face_engine_info, recognizer) == 24);
}

static void last_error_is_cleared_by_a_successful_call(void) {
  face_engine_info info;
  CHECK_STATUS(face_engine_get_info(NULL, &info), FACE_E_INVALID_ARGUMENT);
  CHECK(strlen(face_last_error()) > 0);
  CHECK(strlen(face_last_error()) > 0); /* reading it twice does not clear it */
  CHECK_STATUS(face_engine_get_info(g_engine, &info), FACE_OK);
  CHECK(strcmp(face_last_error(), "") == 0);
}

/* ------------------------------------------------------------------------------ load */

static void load_rejects_bad_arguments_and_config(void) {
  face_engine *e = (face_engine *)1;
  CHECK_STATUS(face_load(NULL, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("bogus_key: 1", &e), FACE_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
  CHECK(strstr(face_last_error(), "bogus_key") != NULL);
  CHECK_STATUS(face_load("threads: -3", &e), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("det_thresh: lots", &e), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("provider: tpu", &e), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("selection: random", &e), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("det_size: 0x0", &e), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_load("no separator here", &e), FACE_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
}

static void load_missing_model_returns_model_error(void) {
  face_engine *e = NULL;
  CHECK_STATUS(face_load("detector: no_such_detector.onnx\nskip_optional: true", &e), FACE_E_MODEL);
  CHECK(e == NULL);
  CHECK(strstr(face_last_error(), "no_such_detector.onnx") != NULL);
  CHECK_STATUS(face_load("pack: no_such_pack", &e), FACE_E_MODEL);
  CHECK_STATUS(face_load("recognizer: /nonexistent/model.onnx", &e), FACE_E_MODEL);
  CHECK(strstr(face_last_error(), "model.onnx") != NULL);

  /* A file that exists but is not an ONNX model. */
  FILE *f = fopen("/tmp/facenative_garbage.onnx", "wb");
  CHECK(f != NULL);
  if (f) {
    fputs("not a model", f);
    fclose(f);
  }
  CHECK_STATUS(face_load("recognizer: /tmp/facenative_garbage.onnx", &e), FACE_E_MODEL);
  CHECK(e == NULL);
  remove("/tmp/facenative_garbage.onnx");
}

static void free_accepts_null_and_twice(void) {
  face_engine *e = NULL;
  face_engine_info info;
  face_free(NULL);
  CHECK_STATUS(face_load("pack: fast; skip_optional: true; det_size: 320", &e), FACE_OK);
  CHECK(e != NULL);
  face_free(e);
  face_free(e); /* ignored */
  CHECK_STATUS(face_engine_get_info(e, &info), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_engine_get_info((face_engine *)&info, &info), FACE_E_INVALID_ARGUMENT);
}

static void engine_info_describes_models(void) {
  face_engine_info info;
  CHECK_STATUS(face_engine_get_info(g_engine, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_engine_get_info(g_engine, &info), FACE_OK);
  CHECK(info.embedding_dim == 512);
  CHECK(fabsf(info.verify_threshold - 0.66f) < 1e-6f);
  CHECK(info.has_liveness == 1);
  CHECK(info.has_attributes == 1);
  CHECK(info.detector_width == 640 && info.detector_height == 640);
  CHECK(strcmp(info.recognizer, "w600k_mbf_uint8_dynamic") == 0);
  CHECK(strcmp(info.detector, "scrfd_2.5g_kps") == 0);
  CHECK(strcmp(info.pack, "default") == 0);

  CHECK_STATUS(face_engine_get_info(g_fast, &info), FACE_OK);
  CHECK(info.has_liveness == 0 && info.has_attributes == 0);
  CHECK(info.detector_width == 320);
}

/* ---------------------------------------------------------------------------- detect */

static void detect_finds_one_face_in_a_portrait(void) {
  face_detection faces[16];
  size_t count = 99;
  face_image img = encoded(g_img1);
  CHECK_STATUS(face_detect(g_engine, &img, 0, faces, 16, &count), FACE_OK);
  CHECK(count == 1);
  CHECK(faces[0].score > 0.5f && faces[0].score <= 1.0f);
  CHECK(faces[0].box.x2 > faces[0].box.x1 && faces[0].box.y2 > faces[0].box.y1);
  /* Eyes above the mouth, left eye left of right eye (image terms). */
  CHECK(faces[0].landmarks[0].x < faces[0].landmarks[1].x);
  CHECK(faces[0].landmarks[0].y < faces[0].landmarks[3].y);
}

static void detect_group_too_small_buffer_reports_needed_count(void) {
  face_detection all[16], top[2];
  size_t count = 0, count_small = 0;
  face_image img = encoded(g_group);

  CHECK_STATUS(face_detect(g_engine, &img, 0, all, 16, &count), FACE_OK);
  CHECK(count == 6);
  for (size_t i = 1; i < count && i < 16; i++) CHECK(all[i - 1].score >= all[i].score);

  CHECK_STATUS(face_detect(g_engine, &img, 0, top, 2, &count_small), FACE_E_BUFFER_TOO_SMALL);
  CHECK(count_small == count);
  CHECK(memcmp(top, all, sizeof top) == 0); /* the best two were written */

  CHECK_STATUS(face_detect(g_engine, &img, 0, NULL, 0, &count_small), FACE_E_BUFFER_TOO_SMALL);
  CHECK(count_small == count);
}

static void detect_rejects_bad_arguments(void) {
  face_detection faces[4];
  size_t count;
  static const uint8_t garbage[] = "this is not an image, just some bytes............";
  face_image img = encoded(g_img1);
  face_image bad = raw(garbage, sizeof garbage, FACE_IMAGE_ENCODED, 0, 0, 0);
  face_image empty = raw(g_img1.data, 0, FACE_IMAGE_ENCODED, 0, 0, 0);
  face_image null_data = raw(NULL, 100, FACE_IMAGE_ENCODED, 0, 0, 0);
  face_image truncated = raw(g_img1.data, 100, FACE_IMAGE_ENCODED, 0, 0, 0);
  face_image bad_format = raw(g_img1.data, g_img1.size, 7, 10, 10, 0);

  CHECK_STATUS(face_detect(NULL, &img, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect((face_engine *)faces, &img, 0, faces, 4, &count),
               FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, NULL, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &img, 0, faces, 4, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &img, 0, NULL, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &img, -0.5f, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &img, NAN, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &empty, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &null_data, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_engine, &bad, 0, faces, 4, &count), FACE_E_DECODE);
  CHECK_STATUS(face_detect(g_engine, &truncated, 0, faces, 4, &count), FACE_E_DECODE);
  CHECK_STATUS(face_detect(g_engine, &bad_format, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
}

static void raw_pixels_reject_bad_geometry(void) {
  static uint8_t pixels[64 * 64 * 3];
  face_detection faces[4];
  size_t count;
  face_image zero_size = raw(pixels, sizeof pixels, FACE_PIXEL_BGR24, 0, 64, 0);
  face_image short_stride = raw(pixels, sizeof pixels, FACE_PIXEL_BGR24, 64, 64, 100);
  face_image short_buffer = raw(pixels, 1000, FACE_PIXEL_BGR24, 64, 64, 0);
  face_image huge = raw(pixels, sizeof pixels, FACE_PIXEL_GRAY8, 100000, 100000, 0);
  face_image blank = raw(pixels, sizeof pixels, FACE_PIXEL_BGR24, 64, 64, 0);

  CHECK_STATUS(face_detect(g_fast, &zero_size, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_fast, &short_stride, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_fast, &short_buffer, 0, faces, 4, &count), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_detect(g_fast, &huge, 0, faces, 4, &count), FACE_E_TOO_LARGE);
  CHECK_STATUS(face_detect(g_fast, &blank, 0, faces, 4, &count), FACE_OK);
  CHECK(count == 0);
}

/* Hostile files (docs/robustness.md): a PNG whose header claims 30000 x 30000 pixels is refused
 * from the header; a photo cut at every tenth decodes, fails to decode or has no face, never
 * more; the engine works afterwards. */
static void hostile_files_give_typed_statuses(void) {
  face_detection faces[8];
  size_t count;
  uint8_t *bomb = malloc(g_png.size);
  CHECK(bomb != NULL);
  if (bomb == NULL) return;
  memcpy(bomb, g_png.data, g_png.size);
  for (int i = 0; i < 2; i++) { /* IHDR width and height, big-endian, at bytes 16 and 20 */
    uint8_t *field = bomb + 16 + 4 * i;
    field[0] = 0; field[1] = 0; field[2] = 30000 >> 8; field[3] = 30000 & 0xFF;
  }
  face_image huge = raw(bomb, g_png.size, FACE_IMAGE_ENCODED, 0, 0, 0);
  CHECK_STATUS(face_detect(g_fast, &huge, 0, faces, 8, &count), FACE_E_TOO_LARGE);
  CHECK(strstr(face_last_error(), "30000x30000") != NULL);
  free(bomb);

  for (int tenth = 1; tenth < 10; tenth++) {
    face_image cut = raw(g_img1.data, g_img1.size * tenth / 10, FACE_IMAGE_ENCODED, 0, 0, 0);
    int status = face_detect(g_fast, &cut, 0, faces, 8, &count);
    CHECK(status == FACE_OK || status == FACE_E_DECODE || status == FACE_E_NO_FACE);
  }
  face_image whole = encoded(g_img1);
  CHECK_STATUS(face_detect(g_fast, &whole, 0, faces, 8, &count), FACE_OK);
  CHECK(count >= 1);
}

static void max_pixels_limit_returns_too_large(void) {
  face_engine *small = NULL;
  face_detection faces[4];
  size_t count;
  face_image img = encoded(g_img1);
  CHECK_STATUS(face_load("pack: fast; skip_optional: true; det_size: 320; max_pixels: 10000", &small),
               FACE_OK);
  CHECK_STATUS(face_detect(small, &img, 0, faces, 4, &count), FACE_E_TOO_LARGE);
  face_free(small);
}

/* Every raw layout fed the PNG's own pixels gives exactly what decoding the file gives. */
static void raw_pixel_formats_match_encoded(void) {
  png_pixels png;
  float want[512], got[512];
  size_t dim = 0;
  face_image img = encoded(g_png);

  CHECK(png_lite_decode(g_png.data, g_png.size, &png) == 0);
  if (!png.data) return;
  CHECK(png.channels == 4);
  CHECK_STATUS(face_embed(g_engine, &img, want, 512, &dim, NULL), FACE_OK);

  int w = png.width, h = png.height;
  int stride3 = w * 3 + 13, stride4 = w * 4 + 8; /* padded rows exercise the stride */
  uint8_t *bgr = calloc((size_t)stride3 * h, 1), *rgb = calloc((size_t)stride3 * h, 1);
  uint8_t *bgra = calloc((size_t)stride4 * h, 1);
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      const uint8_t *p = png.data + ((size_t)y * w + x) * 4;
      uint8_t *o3 = bgr + (size_t)y * stride3 + x * 3, *r3 = rgb + (size_t)y * stride3 + x * 3;
      uint8_t *o4 = bgra + (size_t)y * stride4 + x * 4;
      o3[0] = p[2], o3[1] = p[1], o3[2] = p[0];
      r3[0] = p[0], r3[1] = p[1], r3[2] = p[2];
      o4[0] = p[2], o4[1] = p[1], o4[2] = p[0], o4[3] = p[3];
    }
  }

  face_image views[] = {
      raw(png.data, (size_t)w * h * 4, FACE_PIXEL_RGBA32, w, h, 0),
      raw(bgr, (size_t)stride3 * h, FACE_PIXEL_BGR24, w, h, stride3),
      raw(rgb, (size_t)stride3 * h, FACE_PIXEL_RGB24, w, h, stride3),
      raw(bgra, (size_t)stride4 * h, FACE_PIXEL_BGRA32, w, h, stride4),
  };
  for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
    CHECK_STATUS(face_embed(g_engine, &views[i], got, 512, &dim, NULL), FACE_OK);
    CHECK(dim == 512 && memcmp(got, want, sizeof want) == 0);
  }

  /* Gray loses colour, so only ask that a face is still found. */
  {
    uint8_t *gray = malloc((size_t)w * h);
    face_detection faces[4];
    size_t count = 0;
    for (size_t i = 0; i < (size_t)w * h; i++) gray[i] = png.data[i * 4 + 1];
    face_image g = raw(gray, (size_t)w * h, FACE_PIXEL_GRAY8, w, h, 0);
    CHECK_STATUS(face_detect(g_engine, &g, 0, faces, 4, &count), FACE_OK);
    CHECK(count == 1);
    free(gray);
  }
  free(bgr);
  free(rgb);
  free(bgra);
  free(png.data);
}

/* ----------------------------------------------------------------------------- embed */

static void embed_is_unit_length_and_reports_its_face(void) {
  float e[512];
  size_t dim = 0;
  face_detection face;
  face_image img = encoded(g_img1);
  double norm = 0;
  CHECK_STATUS(face_embed(g_engine, &img, e, 512, &dim, &face), FACE_OK);
  CHECK(dim == 512);
  for (size_t i = 0; i < dim; i++) norm += (double)e[i] * e[i];
  CHECK(fabs(norm - 1.0) < 1e-4);
  CHECK(face.score > 0.5f);
  CHECK_STATUS(face_embed(g_engine, &img, e, 512, &dim, NULL), FACE_OK);
}

static void embed_small_buffer_reports_dim(void) {
  float e[16] = {0};
  size_t dim = 0;
  face_image img = encoded(g_img1);
  CHECK_STATUS(face_embed(g_engine, &img, e, 16, &dim, NULL), FACE_E_BUFFER_TOO_SMALL);
  CHECK(dim == 512);
  CHECK(e[0] == 0.0f); /* nothing written */
  CHECK_STATUS(face_embed(g_engine, &img, NULL, 0, &dim, NULL), FACE_E_BUFFER_TOO_SMALL);
  CHECK(dim == 512);
  CHECK_STATUS(face_embed(g_engine, &img, NULL, 512, &dim, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_embed(g_engine, &img, e, 16, NULL, NULL), FACE_E_INVALID_ARGUMENT);
}

static void embed_without_a_face_returns_no_face(void) {
  static uint8_t gray[200 * 200];
  float e[512];
  size_t dim;
  memset(gray, 128, sizeof gray);
  face_image img = raw(gray, sizeof gray, FACE_PIXEL_GRAY8, 200, 200, 0);
  CHECK_STATUS(face_embed(g_engine, &img, e, 512, &dim, NULL), FACE_E_NO_FACE);
}

/* ---------------------------------------------------------------------------- verify */

static void verify_same_person_below_threshold(void) {
  face_verify_result r;
  face_image a = encoded(g_img1), b = encoded(g_img2);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 0, &r), FACE_OK);
  CHECK(r.verified == 1);
  CHECK(r.distance >= 0 && r.distance < r.threshold);
  CHECK(fabsf(r.threshold - 0.66f) < 1e-6f);
  CHECK(r.confidence > 0 && r.confidence <= 100);
  CHECK(r.box1.x2 > r.box1.x1 && r.box2.x2 > r.box2.x1);
  CHECK(r.processing_time_ms > 0);
  CHECK(r.liveness_checked == 0);
  fprintf(stderr, "      distance %s vs %s: %.6f\n", PAIR_A, PAIR_B, r.distance);
}

static void verify_different_people_not_verified(void) {
  face_verify_result r;
  face_image a = encoded(g_img1), b = encoded(g_other);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 0, &r), FACE_OK);
  CHECK(r.verified == 0);
  CHECK(r.distance > r.threshold);
  /* A custom threshold is used as given. */
  CHECK_STATUS(face_verify(g_engine, &a, &b, 1.99f, 0, &r), FACE_OK);
  CHECK(r.verified == 1 && fabsf(r.threshold - 1.99f) < 1e-6f);
}

/* Verify agrees with embedding both photos and comparing the stored vectors. */
static void verify_equals_embed_then_verify_embeddings(void) {
  float e1[512], e2[512];
  size_t dim;
  face_verify_result direct, stored, no_engine;
  face_image a = encoded(g_img1), b = encoded(g_img2);
  CHECK_STATUS(face_embed(g_engine, &a, e1, 512, &dim, NULL), FACE_OK);
  CHECK_STATUS(face_embed(g_engine, &b, e2, 512, &dim, NULL), FACE_OK);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 0, &direct), FACE_OK);
  CHECK_STATUS(face_verify_embeddings(g_engine, e1, e2, 512, 0, &stored), FACE_OK);
  CHECK(stored.distance == direct.distance);
  CHECK(stored.verified == direct.verified && stored.threshold == direct.threshold);
  CHECK(stored.box1.x1 == 0 && stored.processing_time_ms == 0);
  CHECK_STATUS(face_verify_embeddings(NULL, e1, e2, 512, 0.66f, &no_engine), FACE_OK);
  CHECK(no_engine.distance == direct.distance);
}

/* The CLI (dist/bin/facenative) prints the distance rounded to 6 decimals. */
static void verify_distance_matches_cli(void) {
  char command[2048], line[4096];
  const char *cli = getenv("FACENATIVE_CLI") ? getenv("FACENATIVE_CLI") : "dist/bin/facenative";
  face_verify_result r;
  face_image a = encoded(g_img1), b = encoded(g_img2);
  double cli_distance = -1;

  snprintf(command, sizeof command, "%s verify %s/%s %s/%s 2>&1", cli, g_faces, PAIR_A, g_faces,
           PAIR_B);
  FILE *p = popen(command, "r");
  CHECK(p != NULL);
  if (!p) return;
  while (fgets(line, sizeof line, p)) {
    const char *d = strstr(line, "\"distance\":");
    if (d) cli_distance = atof(d + strlen("\"distance\":"));
  }
  if (pclose(p) != 0 || cli_distance < 0)
    fprintf(stderr, "      '%s' failed or printed no distance (build the CLI: ./build.sh)\n", command);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 0, &r), FACE_OK);
  CHECK(fabs(cli_distance - r.distance) <= 1e-6);
}

static void verify_errors(void) {
  static uint8_t gray[200 * 200];
  face_verify_result r;
  face_image a = encoded(g_img1), b = encoded(g_img2);
  face_image blank = raw(gray, sizeof gray, FACE_PIXEL_GRAY8, 200, 200, 0);
  static const uint8_t garbage[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  face_image bad = raw(garbage, sizeof garbage, FACE_IMAGE_ENCODED, 0, 0, 0);

  CHECK_STATUS(face_verify(g_engine, &a, &blank, 0, 0, &r), FACE_E_NO_FACE);
  CHECK(strstr(face_last_error(), "image 2") != NULL);
  CHECK_STATUS(face_verify(g_engine, &a, &bad, 0, 0, &r), FACE_E_DECODE);
  CHECK_STATUS(face_verify(g_engine, &a, NULL, 0, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 0, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 0, 64, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(g_engine, &a, &b, 3.0f, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(g_engine, &a, &b, INFINITY, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(NULL, &a, &b, 0, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify(g_fast, &a, &b, 0, FACE_ANTI_SPOOFING, &r), FACE_E_NO_LIVENESS_MODEL);
}

static void verify_anti_spoofing_reports_liveness(void) {
  face_verify_result r;
  face_image live = encoded(g_live), spoof = encoded(g_spoof);
  CHECK_STATUS(face_verify(g_engine, &live, &spoof, 1.99f, FACE_ANTI_SPOOFING, &r), FACE_OK);
  CHECK(r.liveness_checked == 1);
  CHECK(r.is_real1 == 1 && r.is_real2 == 0);
  CHECK(r.real_score1 > r.real_score2);
  CHECK(r.verified == 0); /* a spoof never verifies, whatever the distance */
}

static void verify_embeddings_errors(void) {
  float a[4] = {1, 0, 0, 0}, b[4] = {0, 1, 0, 0}, zero[4] = {0}, nan[4] = {NAN, 0, 0, 0};
  face_verify_result r;
  CHECK_STATUS(face_verify_embeddings(NULL, a, b, 4, 0.5f, &r), FACE_OK);
  CHECK(fabsf(r.distance - 1.0f) < 1e-6f && r.verified == 0);
  CHECK_STATUS(face_verify_embeddings(NULL, a, a, 4, 0.5f, &r), FACE_OK);
  CHECK(fabsf(r.distance) < 1e-6f && r.verified == 1 && fabsf(r.confidence - 100) < 1e-4f);
  CHECK_STATUS(face_verify_embeddings(NULL, a, b, 4, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, a, zero, 4, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, a, nan, 4, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, a, b, 0, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, NULL, b, 4, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, a, b, 4, 0, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_verify_embeddings(g_engine, a, b, 4, -1, &r), FACE_E_INVALID_ARGUMENT);
}

/* --------------------------------------------------------------------------- analyze */

static void analyze_group_returns_every_face(void) {
  face_analysis_result *r = NULL;
  face_image img = encoded(g_group);
  CHECK_STATUS(face_analyze(g_engine, &img, 0, &r), FACE_OK);
  CHECK(r != NULL);
  if (!r) return;
  CHECK(r->count == 6);
  for (size_t i = 0; i < r->count; i++) {
    CHECK(r->faces[i].has_age_gender == 1);
    CHECK(r->faces[i].age > 0 && r->faces[i].age < 120);
    CHECK(r->faces[i].male_probability >= 0 && r->faces[i].male_probability <= 1);
    CHECK(r->faces[i].is_male == (r->faces[i].male_probability >= 0.5f));
    CHECK(r->faces[i].has_liveness == 0);
  }
  face_analysis_free(r);
}

static void analyze_flags(void) {
  face_analysis_result *r = NULL;
  face_image img = encoded(g_live);
  CHECK_STATUS(face_analyze(g_engine, &img, FACE_ANTI_SPOOFING | FACE_NO_ATTRIBUTES, &r), FACE_OK);
  if (r) {
    CHECK(r->count == 1);
    CHECK(r->faces[0].has_age_gender == 0 && r->faces[0].has_liveness == 1);
    CHECK(r->faces[0].is_real == 1 && r->faces[0].real_score > 0.5f);
    face_analysis_free(r);
  }
  r = NULL;
  CHECK_STATUS(face_analyze(g_fast, &img, 0, &r), FACE_OK);
  if (r) {
    CHECK(r->count == 1 && r->faces[0].has_age_gender == 0);
    face_analysis_free(r);
  }
}

static void analyze_errors(void) {
  static uint8_t gray[100 * 100];
  face_analysis_result *r = (face_analysis_result *)&r;
  face_image img = encoded(g_img1);
  face_image blank = raw(gray, sizeof gray, FACE_PIXEL_GRAY8, 100, 100, 0);

  CHECK_STATUS(face_analyze(g_engine, &img, 0, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_analyze(g_engine, &img, 8, &r), FACE_E_INVALID_ARGUMENT);
  CHECK(r == NULL);
  CHECK_STATUS(face_analyze(g_fast, &img, FACE_ANTI_SPOOFING, &r), FACE_E_NO_LIVENESS_MODEL);
  CHECK_STATUS(face_analyze(g_fast, &img, FACE_REQUIRE_ATTRIBUTES, &r), FACE_E_NO_ATTRIBUTE_MODEL);
  CHECK_STATUS(face_analyze(NULL, &img, 0, &r), FACE_E_INVALID_ARGUMENT);
  CHECK(r == NULL);

  CHECK_STATUS(face_analyze(g_engine, &blank, 0, &r), FACE_OK);
  CHECK(r != NULL && r->count == 0);
  face_analysis_free(r);
  face_analysis_free(r);    /* already freed: ignored */
  face_analysis_free(NULL); /* ignored */
}

/* ---------------------------------------------------------------------------- logging */

static int g_log_calls, g_log_level;
static char g_log_message[512];

static void on_log(int level, const char *message, void *user_data) {
  g_log_calls++;
  g_log_level = level;
  snprintf(g_log_message, sizeof g_log_message, "%s", message);
  CHECK(user_data == &g_log_calls);
}

static void log_callback_receives_warnings(void) {
  face_analysis_result fake;
  CHECK_STATUS(face_set_log_callback(on_log, 9, NULL), FACE_E_INVALID_ARGUMENT);
  CHECK_STATUS(face_set_log_callback(on_log, FACE_LOG_WARNING, &g_log_calls), FACE_OK);
  face_analysis_free(&fake); /* not a live result: ignored, with a warning */
  CHECK(g_log_calls == 1 && g_log_level == FACE_LOG_WARNING);
  CHECK(strstr(g_log_message, "face_analysis_free") != NULL);
  CHECK_STATUS(face_set_log_callback(NULL, FACE_LOG_WARNING, NULL), FACE_OK);
  face_analysis_free(&fake);
  CHECK(g_log_calls == 1);
}

/* Asking for CUDA where there is none falls back to the CPU with a logged warning, and the
 * library (ONNX Runtime included) writes nothing to stderr. */
static void cuda_falls_back_to_cpu_silently(void) {
  face_engine *e = NULL;
  face_detection faces[4];
  size_t count = 0;
  face_image img = encoded(g_img1);
  FILE *capture = tmpfile();
  int saved = dup(2);
  CHECK(capture != NULL && saved >= 0);
  if (!capture || saved < 0) return;

  g_log_calls = 0;
  CHECK_STATUS(face_set_log_callback(on_log, FACE_LOG_DEBUG, &g_log_calls), FACE_OK);
  fflush(stderr);
  dup2(fileno(capture), 2);
  int load = face_load("pack: fast; skip_optional: true; det_size: 320; provider: cuda", &e);
  int detect = face_detect(e, &img, 0, faces, 4, &count);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  face_set_log_callback(NULL, FACE_LOG_WARNING, NULL);

  CHECK(load == FACE_OK && detect == FACE_OK && count == 1);
  CHECK(g_log_calls >= 1);
  fseek(capture, 0, SEEK_END);
  CHECK(ftell(capture) == 0);
  fclose(capture);
  face_free(e);
}

/* --------------------------------------------------------------------------- threads */

#define THREADS 8
#define CALLS 50
#define PHOTOS 5

static const char *k_photos[PHOTOS] = {
    "id01/deepface_img5.jpg", "id02/deepface_img3.jpg", "id01/deepface_img2.jpg",
    "antispoof/sf_image_T1.jpg", "id04/deepface_img13.jpg"};
static blob g_photos[PHOTOS];
static float g_serial[PHOTOS][512];
static face_detection g_serial_face[PHOTOS];

typedef struct worker {
  int index;
  int mismatches;
  int errors;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  for (int i = 0; i < CALLS; i++) {
    int k = (w->index + i) % PHOTOS;
    float e[512];
    size_t dim = 0;
    face_detection face;
    face_image img = encoded(g_photos[k]);
    if (face_embed(g_fast, &img, e, 512, &dim, &face) != FACE_OK) {
      w->errors++;
      continue;
    }
    if (memcmp(e, g_serial[k], sizeof e) != 0 || memcmp(&face, &g_serial_face[k], sizeof face))
      w->mismatches++;
  }
  return NULL;
}

static void threads_match_serial_results(void) {
  pthread_t threads[THREADS];
  worker workers[THREADS];
  size_t dim;
  int mismatches = 0, errors = 0;

  for (int k = 0; k < PHOTOS; k++) {
    g_photos[k] = read_file(k_photos[k]);
    face_image img = encoded(g_photos[k]);
    CHECK_STATUS(face_embed(g_fast, &img, g_serial[k], 512, &dim, &g_serial_face[k]), FACE_OK);
  }
  for (int t = 0; t < THREADS; t++) {
    workers[t].index = t, workers[t].mismatches = 0, workers[t].errors = 0;
    CHECK(pthread_create(&threads[t], NULL, work, &workers[t]) == 0);
  }
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    mismatches += workers[t].mismatches;
    errors += workers[t].errors;
  }
  fprintf(stderr, "      %d threads x %d face_embed: %d errors, %d differ from serial\n", THREADS,
          CALLS, errors, mismatches);
  CHECK(errors == 0);
  CHECK(mismatches == 0);
  for (int k = 0; k < PHOTOS; k++) free(g_photos[k].data);
}

/* Each thread has its own last error: one thread's failure is not another's message. */
static void *fail_on_purpose(void *arg) {
  (void)arg;
  face_engine_info info;
  face_engine_get_info(NULL, &info);
  return NULL;
}

static void last_error_is_per_thread(void) {
  pthread_t t;
  face_engine_info info;
  CHECK_STATUS(face_engine_get_info(g_engine, &info), FACE_OK);
  CHECK(pthread_create(&t, NULL, fail_on_purpose, NULL) == 0);
  pthread_join(t, NULL);
  CHECK(strcmp(face_last_error(), "") == 0);
}

/* ------------------------------------------------------------------------------ main */

int main(void) {
  if (getenv("FACENATIVE_FACES")) g_faces = getenv("FACENATIVE_FACES");
  g_img1 = read_file(PAIR_A);
  g_img2 = read_file(PAIR_B);
  g_other = read_file("id02/deepface_img3.jpg");
  g_group = read_file("groups/isf_t1.jpg");
  g_png = read_file("id12/agt_alex-lacamoire.png");
  g_live = read_file("antispoof/sf_image_T1.jpg");
  g_spoof = read_file("antispoof/sf_image_F1.jpg");

  if (face_load(NULL, &g_engine) != FACE_OK ||
      face_load("pack: fast\nskip_optional: true\ndet_size: 320\nthreads: 1", &g_fast) != FACE_OK) {
    fprintf(stderr, "cannot load the engines (models from $FACENATIVE_MODELS): %s\n",
            face_last_error());
    printf("0 passed, 1 failed\n");
    return 1;
  }

  RUN(version_matches_header);
  RUN(status_strings_cover_every_code);
  RUN(struct_layouts_match_exports);
  RUN(last_error_is_cleared_by_a_successful_call);
  RUN(load_rejects_bad_arguments_and_config);
  RUN(load_missing_model_returns_model_error);
  RUN(free_accepts_null_and_twice);
  RUN(engine_info_describes_models);
  RUN(detect_finds_one_face_in_a_portrait);
  RUN(detect_group_too_small_buffer_reports_needed_count);
  RUN(detect_rejects_bad_arguments);
  RUN(raw_pixels_reject_bad_geometry);
  RUN(hostile_files_give_typed_statuses);
  RUN(max_pixels_limit_returns_too_large);
  RUN(raw_pixel_formats_match_encoded);
  RUN(embed_is_unit_length_and_reports_its_face);
  RUN(embed_small_buffer_reports_dim);
  RUN(embed_without_a_face_returns_no_face);
  RUN(verify_same_person_below_threshold);
  RUN(verify_different_people_not_verified);
  RUN(verify_equals_embed_then_verify_embeddings);
  RUN(verify_distance_matches_cli);
  RUN(verify_errors);
  RUN(verify_anti_spoofing_reports_liveness);
  RUN(verify_embeddings_errors);
  RUN(analyze_group_returns_every_face);
  RUN(analyze_flags);
  RUN(analyze_errors);
  RUN(log_callback_receives_warnings);
  RUN(cuda_falls_back_to_cpu_silently);
  RUN(threads_match_serial_results);
  RUN(last_error_is_per_thread);

  /* Every engine and result handed out has been freed. */
  face_free(g_engine);
  face_free(g_fast);
  g_checks_failed = 0;
  CHECK(face_live_handles() == 0);
  fprintf(stderr, "%s  live_handles_end_at_zero (%lld)\n", g_checks_failed ? "FAIL" : "ok  ",
          (long long)face_live_handles());
  g_checks_failed ? g_failed++ : g_passed++;

  free(g_img1.data), free(g_img2.data), free(g_other.data), free(g_group.data);
  free(g_png.data), free(g_live.data), free(g_spoof.data);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
