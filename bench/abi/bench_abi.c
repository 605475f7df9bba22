/*
 * Per-call cost of the C ABI, to compare with calling Core from C# (CoreBaseline/):
 *   face_abi_version       the bare transition into the NativeAOT library and back
 *   face_engine_get_info   a call with no work: handle lookup, reference count, try/catch
 *   face_verify_embeddings two 512-d embeddings: handle lookup, validation, cosine, result
 *   face_embed             one photo, encoded: decode + detect + align + embed
 * Usage: bench_abi [photo] [config]; the photo defaults to id01/deepface_img5.jpg in
 * $FACENATIVE_FACES (or ../shared/faces), the config to the default pack with 1 thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facenative.h"

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  char path[1024];
  const char *faces = getenv("FACENATIVE_FACES") ? getenv("FACENATIVE_FACES") : "../shared/faces";
  const char *config = argc > 2 ? argv[2] : "threads: 1";
  face_engine *engine = NULL;
  face_verify_result r;
  float e1[512], e2[512];
  size_t dim;
  volatile int sink = 0;

  if (argc > 1) snprintf(path, sizeof path, "%s", argv[1]);
  else snprintf(path, sizeof path, "%s/id01/deepface_img5.jpg", faces);
  FILE *f = fopen(path, "rb");
  if (!f) return fprintf(stderr, "cannot open %s\n", path), 2;
  fseek(f, 0, SEEK_END);
  size_t size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *data = malloc(size);
  if (!data || fread(data, 1, size, f) != size) return 2;
  fclose(f);

  if (face_load(config, &engine) != FACE_OK)
    return fprintf(stderr, "face_load: %s\n", face_last_error()), 1;
  face_image img = {data, size, FACE_IMAGE_ENCODED, 0, 0, 0};
  if (face_embed(engine, &img, e1, 512, &dim, NULL) != FACE_OK)
    return fprintf(stderr, "face_embed: %s\n", face_last_error()), 1;
  memcpy(e2, e1, sizeof e1);
  for (int i = 0; i < 512; i += 7) e2[i] = -e2[i];

  /* Tight loops: 15 rounds, each long enough to dwarf the clock. The minimum is the figure
   * least disturbed by other processes; the median is printed beside it. */
  const int rounds = 15, calls = 200000;
  double bare[15], info[15], verify[15];
  face_engine_info engine_info;
  for (int k = 0; k < rounds; k++) {
    double t0 = now_ns();
    for (int i = 0; i < calls; i++) sink += face_abi_version();
    double t1 = now_ns();
    for (int i = 0; i < calls; i++) sink += face_verify_embeddings(engine, e1, e2, 512, 0, &r);
    double t2 = now_ns();
    for (int i = 0; i < calls; i++) sink += face_engine_get_info(engine, &engine_info);
    double t3 = now_ns();
    bare[k] = (t1 - t0) / calls;
    verify[k] = (t2 - t1) / calls;
    info[k] = (t3 - t2) / calls;
  }
  qsort(bare, rounds, sizeof(double), compare_doubles);
  qsort(verify, rounds, sizeof(double), compare_doubles);
  qsort(info, rounds, sizeof(double), compare_doubles);

  const int embeds = 30;
  double embed_ms[30];
  for (int i = 0; i < 5; i++) face_embed(engine, &img, e1, 512, &dim, NULL); /* warm-up */
  for (int i = 0; i < embeds; i++) {
    double t0 = now_ns();
    sink += face_embed(engine, &img, e1, 512, &dim, NULL);
    embed_ms[i] = (now_ns() - t0) / 1e6;
  }
  qsort(embed_ms, embeds, sizeof(double), compare_doubles);

  printf("photo %s, config \"%s\"\n", path, config);
  printf("face_abi_version        %10.1f ns/call min, %10.1f median (%d x %d)\n", bare[0],
         bare[rounds / 2], rounds, calls);
  printf("face_engine_get_info    %10.1f ns/call min, %10.1f median (%d x %d)\n", info[0],
         info[rounds / 2], rounds, calls);
  printf("face_verify_embeddings  %10.1f ns/call min, %10.1f median (%d x %d), distance %.6f\n",
         verify[0], verify[rounds / 2], rounds, calls, r.distance);
  printf("face_embed              %10.3f ms/call min, %10.3f median (%d calls)\n", embed_ms[0],
         embed_ms[embeds / 2], embeds);
  face_free(engine);
  free(data);
  return sink == 42 ? 3 : 0;
}
