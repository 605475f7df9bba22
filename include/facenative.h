/*
 * facenative.h: the C interface of libfacenative.so (FaceNative face recognition).
 *
 * One engine (face_engine) holds the loaded models: detector, recognizer and the optional
 * age/gender and liveness heads. Images go in as encoded file bytes (JPEG, PNG, WebP, BMP)
 * or as raw pixel buffers; results come back in plain structs.
 *
 * Conventions, true for every function unless its comment says otherwise:
 *   - Functions return an int status: FACE_OK (0) or a negative FACE_E_* code. On failure
 *     face_last_error() says what exactly went wrong; out-parameters are left unspecified.
 *   - The caller owns everything it passes in; the library never keeps a caller pointer
 *     after a call returns (except the log callback and its user_data).
 *   - What the library allocates is freed by the function its doc names, never by free().
 *   - Out-parameters come last. A NULL where a pointer is required, a zero length, an unknown
 *     or already-freed handle is FACE_E_INVALID_ARGUMENT, not a crash.
 *   - Strings are UTF-8 and NUL-terminated.
 *   - No function writes to stdout or stderr; see face_set_log_callback().
 *
 * The library is a NativeAOT build of the C# pipeline. libonnxruntime.so and
 * libOpenCvSharpExtern.so must sit in the same folder as libfacenative.so (it is linked
 * with RUNPATH $ORIGIN). Known limitations: Linux x86-64 with AVX2 only; the library cannot
 * be unloaded (dlclose does not free the .NET runtime inside it); each thread that ever
 * failed a call keeps one small error-message buffer until the process ends.
 */
#ifndef FACENATIVE_H
#define FACENATIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FACE_API __attribute__((visibility("default")))
#else
#define FACE_API
#endif

/* ======================================================================================
 * Version
 * ==================================================================================== */

/* Bumped whenever a struct layout or a function signature changes. New functions may be
 * added without a bump; none is ever removed. Bindings refuse a library whose
 * face_abi_version() differs from the FACE_ABI_VERSION they were written against. */
#define FACE_ABI_VERSION 1

/* The library's FACE_ABI_VERSION. Thread-safe; never fails. */
FACE_API int face_abi_version(void);

/* A human-readable version, e.g. "FaceNative 0.1.0 (ABI 1)". The string is static:
 * owned by the library, never freed. Thread-safe. */
FACE_API const char *face_version_string(void);

/* ======================================================================================
 * Status codes and errors
 * ==================================================================================== */

#define FACE_OK 0
#define FACE_E_INVALID_ARGUMENT (-1)   /* NULL/empty argument, bad value, unknown handle */
#define FACE_E_DECODE (-2)             /* image bytes are not a readable image */
#define FACE_E_NO_FACE (-3)            /* no face found where one was needed */
#define FACE_E_MODEL (-4)              /* a model file is missing, unreadable or unusable */
#define FACE_E_NO_LIVENESS_MODEL (-5)  /* anti-spoofing asked for, no liveness model loaded */
#define FACE_E_NO_ATTRIBUTE_MODEL (-6) /* age/gender asked for, no attribute model loaded */
#define FACE_E_BUFFER_TOO_SMALL (-7)   /* caller array too small; the count needed is written */
#define FACE_E_TOO_LARGE (-8)          /* image over the engine's pixel limit (max_pixels) */
#define FACE_E_INTERNAL (-9)           /* a bug or an unexpected runtime failure */

/* A static description of a status code ("no face found", ...), or "unknown status".
 * Owned by the library, never freed. Thread-safe. */
FACE_API const char *face_status_string(int status);

/* The message of the calling thread's most recent failed call, or "" when the thread's most
 * recent call that returns a status (or face_free / face_analysis_free) succeeded. The
 * string is owned by the library and stays valid until this thread's next call into the
 * library (the functions returning static strings or counts excepted). Thread-local, so
 * thread-safe; never NULL. */
FACE_API const char *face_last_error(void);

/* ======================================================================================
 * Logging
 * ==================================================================================== */

#define FACE_LOG_DEBUG 0
#define FACE_LOG_INFO 1
#define FACE_LOG_WARNING 2
#define FACE_LOG_ERROR 3

/* Receives one message. `message` is valid only during the call. It may be called from any
 * thread that is inside a library call, and from several at once. */
typedef void (*face_log_fn)(int level, const char *message, void *user_data);

/* Installs the process-wide log callback, receiving messages at min_level and above; NULL
 * removes it. The library is silent until a callback is installed. `user_data` is passed
 * back untouched and must stay valid until the callback is replaced or removed.
 * Thread-safe; calls already running may still deliver to the previous callback.
 * Returns FACE_E_INVALID_ARGUMENT for a min_level outside FACE_LOG_DEBUG..FACE_LOG_ERROR. */
FACE_API int face_set_log_callback(face_log_fn callback, int min_level, void *user_data);

/* ======================================================================================
 * Engine
 * ==================================================================================== */

/* Opaque. One engine may be used from many threads at once. */
typedef struct face_engine face_engine;

/* Loads an engine. `config` is NULL (all defaults) or text of `key: value` entries, one per
 * line or separated by ';' (`key = value` is accepted too; '#' starts a comment line; keys
 * are case-insensitive, '-' and '_' interchangeable). Unknown keys are an error. Keys:
 *   models              folder holding the model files
 *                       (default: $FACENATIVE_MODELS, then `models` beside the library's
 *                       folder (dist/lib/../models), then ~/.cache/facenative/models)
 *   pack                built-in pack name or a .pack file (default "default")
 *   detector, recognizer, age, gender, genderage, liveness_v2, liveness_v1se
 *                       a model file overriding the pack's for that role
 *   detector_format     scrfd | yunet          recognizer_format   arcface | faceplugin
 *   skip_optional       true | false: skip the pack's age/gender and liveness models
 *   det_size            detector input, "WxH" or "N"      det_thresh, nms_thresh  0..1
 *   max_faces, min_face_size   keep at most N faces / drop faces smaller than N pixels
 *   selection           score | largest: which face embed and verify use
 *   verify_threshold    cosine distance (default: the recognizer's calibrated value)
 *   antispoof_threshold 0..1      threads   ONNX Runtime threads per model (0 = its choice)
 *   provider            cpu | cuda (cuda falls back to cpu, with a logged warning)
 *   max_pixels          largest image accepted, in pixels (default 67108864)
 * On success *out receives a new engine, freed with face_free(). On failure *out is set to
 * NULL. Thread-safe. Loading reads every model file, so it takes from tens of milliseconds
 * to seconds. */
FACE_API int face_load(const char *config, face_engine **out);

/* Frees an engine; NULL and already-freed engines are ignored. Calls still running on
 * other threads finish first: the models are released when the last one returns. Using
 * the engine after face_free is FACE_E_INVALID_ARGUMENT. Thread-safe. */
FACE_API void face_free(face_engine *engine);

typedef struct face_engine_info {
  int32_t embedding_dim;    /* floats per embedding (face_embed's capacity) */
  float verify_threshold;   /* default cosine-distance threshold of face_verify */
  int32_t has_liveness;     /* 1 when FACE_ANTI_SPOOFING can be used */
  int32_t has_attributes;   /* 1 when face_analyze reports age and gender */
  int32_t detector_width;   /* detector input size */
  int32_t detector_height;
  const char *recognizer;   /* model names; owned by the engine, valid until face_free */
  const char *detector;
  const char *pack;
} face_engine_info;

/* Describes a loaded engine into *out. Thread-safe. */
FACE_API int face_engine_get_info(const face_engine *engine, face_engine_info *out);

/* ======================================================================================
 * Images and results
 * ==================================================================================== */

/* face_image.format: an encoded file, or one of the raw pixel layouts. */
#define FACE_IMAGE_ENCODED (-1) /* data holds a whole JPEG/PNG/WebP/BMP file */
#define FACE_PIXEL_BGR24 0
#define FACE_PIXEL_RGB24 1
#define FACE_PIXEL_RGBA32 2
#define FACE_PIXEL_GRAY8 3
#define FACE_PIXEL_BGRA32 4

/* An input image; the library reads it during the call only.
 * Encoded: format = FACE_IMAGE_ENCODED, data/size = the file's bytes, the rest 0.
 * Raw: format = FACE_PIXEL_*, width/height in pixels, stride = bytes from one row's start
 * to the next (0: rows packed), size = bytes readable at data (at least
 * stride * (height - 1) + width * bytes_per_pixel). */
typedef struct face_image {
  const void *data;
  size_t size;
  int32_t format;
  int32_t width;
  int32_t height;
  int32_t stride;
} face_image;

/* Image pixels: x right, y down. Boxes are not clipped to the image. */
typedef struct face_box {
  float x1, y1, x2, y2;
} face_box;

typedef struct face_point {
  float x, y;
} face_point;

/* Landmarks, in image terms: left eye, right eye, nose tip, left and right mouth corner. */
typedef struct face_detection {
  face_box box;
  float score;
  face_point landmarks[5];
} face_detection;

/* Flags for face_verify and face_analyze. */
#define FACE_ANTI_SPOOFING 1   /* also run liveness (needs a liveness model) */
#define FACE_NO_ATTRIBUTES 2   /* face_analyze: skip age/gender even when loaded */
#define FACE_REQUIRE_ATTRIBUTES 4 /* face_analyze: FACE_E_NO_ATTRIBUTE_MODEL when not loaded */

/* ======================================================================================
 * Detection and embedding (caller-allocated results)
 * ==================================================================================== */

/* Detects every face, highest score first, into the caller's array faces[0..capacity).
 * score_threshold overrides the engine's detector threshold when in (0, 1]; 0 keeps it.
 * *count receives the number of faces found (0 is success, not an error). When that is
 * more than capacity, the best `capacity` faces are written and FACE_E_BUFFER_TOO_SMALL is
 * returned with *count still the total, so a caller may retry with a larger array or keep
 * the top ones. faces may be NULL when capacity is 0. Thread-safe. */
FACE_API int face_detect(const face_engine *engine, const face_image *image,
                         float score_threshold, face_detection *faces, size_t capacity,
                         size_t *count);

/* Embeds the image's selected face (by the engine's `selection`) into the caller's
 * embedding[0..capacity): embedding_dim floats, L2-normalised. *dim receives the number of
 * floats; when capacity is smaller, nothing is written and FACE_E_BUFFER_TOO_SMALL is
 * returned with *dim set to the size needed. face, when not NULL, receives the face that
 * was embedded. FACE_E_NO_FACE when the image has none. Thread-safe. */
FACE_API int face_embed(const face_engine *engine, const face_image *image, float *embedding,
                        size_t capacity, size_t *dim, face_detection *face);

/* ======================================================================================
 * Verification (result written into a caller struct)
 * ==================================================================================== */

typedef struct face_verify_result {
  int32_t verified;         /* 1: same person (distance < threshold, and live if checked) */
  float distance;           /* cosine distance, 1 - cosine similarity, in [0, 2] */
  float threshold;          /* threshold used */
  float confidence;         /* clamp((1 - distance / threshold) * 100, 0, 100) */
  face_box box1;            /* faces compared (zero for face_verify_embeddings) */
  face_box box2;
  float processing_time_ms; /* time inside the engine (0 for face_verify_embeddings) */
  int32_t liveness_checked; /* 1 when FACE_ANTI_SPOOFING ran; then: */
  int32_t is_real1;
  int32_t is_real2;
  float real_score1;        /* liveness score in 0..1, higher is more likely real */
  float real_score2;
} face_verify_result;

/* Compares the selected faces of two images. threshold: a cosine distance in (0, 2], or 0
 * for the engine's default. flags: 0 or FACE_ANTI_SPOOFING (FACE_E_NO_LIVENESS_MODEL when
 * the engine has no liveness model). FACE_E_NO_FACE when either image has no face; the
 * message says which. Result written into *out. Thread-safe. */
FACE_API int face_verify(const face_engine *engine, const face_image *image1,
                         const face_image *image2, float threshold, int flags,
                         face_verify_result *out);

/* Compares two stored embeddings of `dim` floats (any norm; zero or non-finite vectors are
 * FACE_E_INVALID_ARGUMENT). engine supplies the default threshold and may be NULL when
 * threshold is given (> 0). No image, no detection: box and liveness fields are zero.
 * Thread-safe. */
FACE_API int face_verify_embeddings(const face_engine *engine, const float *embedding1,
                                    const float *embedding2, size_t dim, float threshold,
                                    face_verify_result *out);

/* ======================================================================================
 * Analysis (library-allocated result)
 * ==================================================================================== */

typedef struct face_analysis {
  face_detection face;
  int32_t has_age_gender;   /* 1 when the fields below were estimated: */
  float age;                /* years */
  float male_probability;   /* 0..1 */
  int32_t is_male;          /* male_probability >= 0.5 */
  int32_t has_liveness;     /* 1 when FACE_ANTI_SPOOFING ran: */
  int32_t is_real;
  float real_score;
} face_analysis;

typedef struct face_analysis_result {
  size_t count;             /* faces, highest detection score first; may be 0 */
  face_analysis *faces;     /* count entries, inside the same allocation as this struct */
} face_analysis_result;

/* Every face with age/gender (when an attribute model is loaded, unless
 * FACE_NO_ATTRIBUTES) and liveness (with FACE_ANTI_SPOOFING). Without an attribute model
 * has_age_gender is 0, or, with FACE_REQUIRE_ATTRIBUTES, the call fails with
 * FACE_E_NO_ATTRIBUTE_MODEL. FACE_ANTI_SPOOFING without a liveness model is
 * FACE_E_NO_LIVENESS_MODEL. An image without faces gives count 0. On success *out receives a
 * result owned by the caller, freed with face_analysis_free(); on failure *out is NULL.
 * Thread-safe. */
FACE_API int face_analyze(const face_engine *engine, const face_image *image, int flags,
                          face_analysis_result **out);

/* Frees a face_analyze result; NULL and pointers the library did not hand out (or already
 * freed) are ignored. Thread-safe. */
FACE_API void face_analysis_free(face_analysis_result *result);

/* ======================================================================================
 * Diagnostics
 * ==================================================================================== */

/* Engines plus analysis results currently alive (handed out and not yet freed). Meant for
 * leak checks in tests: it reads 0 once everything is freed. Thread-safe. */
FACE_API int64_t face_live_handles(void);

#ifdef __cplusplus
}
#endif

#endif /* FACENATIVE_H */
