/*
 * Resident memory over many face_verify calls in one process: after a warm-up, RSS may grow
 * by less than FACE_MEMTEST_LIMIT_MB (20) over FACE_MEMTEST_CALLS (10000) calls (measured as
 * the trend of one reading per 1000 calls; see main), spread over
 * FACE_MEMTEST_THREADS (2) threads sharing one engine. The engine config defaults to a light
 * pack so the run takes minutes, not an hour; FACE_MEMTEST_CONFIG overrides it.
 * Ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facenative.h"

typedef struct blob {
  uint8_t *data;
  size_t size;
} blob;

static face_engine *g_engine;
static blob g_a, g_b;
static int g_errors;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static blob read_file(const char *dir, const char *name) {
  char path[1024];
  blob b = {NULL, 0};
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  b.size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = malloc(b.size);
  if (!b.data || fread(b.data, 1, b.size, f) != b.size) exit(2);
  fclose(f);
  return b;
}

static double rss_mb(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2) return -1;
  fclose(f);
  return (double)resident * sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *verify_loop(void *arg) {
  long calls = *(long *)arg;
  face_image a = {g_a.data, g_a.size, FACE_IMAGE_ENCODED, 0, 0, 0};
  face_image b = {g_b.data, g_b.size, FACE_IMAGE_ENCODED, 0, 0, 0};
  face_verify_result r;
  for (long i = 0; i < calls; i++) {
    if (face_verify(g_engine, &a, &b, 0, 0, &r) != FACE_OK) {
      pthread_mutex_lock(&g_lock);
      if (g_errors++ == 0) fprintf(stderr, "face_verify failed: %s\n", face_last_error());
      pthread_mutex_unlock(&g_lock);
    }
  }
  return NULL;
}

/* Runs `calls` verifies split over `threads` threads. */
static void run_calls(long calls, int threads) {
  pthread_t t[64];
  long share[64];
  for (int i = 0; i < threads; i++) {
    share[i] = calls / threads + (i < calls % threads ? 1 : 0);
    pthread_create(&t[i], NULL, verify_loop, &share[i]);
  }
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(const double *values, int count) {
  double sorted[1000];
  memcpy(sorted, values, (size_t)count * sizeof(double));
  qsort(sorted, (size_t)count, sizeof(double), compare_doubles);
  return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

static long env_long(const char *name, long fallback) {
  const char *v = getenv(name);
  return v && *v ? atol(v) : fallback;
}

int main(void) {
  const char *faces = getenv("FACENATIVE_FACES") ? getenv("FACENATIVE_FACES") : "../shared/faces";
  const char *config = getenv("FACE_MEMTEST_CONFIG")
                           ? getenv("FACE_MEMTEST_CONFIG")
                           : "pack: yunet; skip_optional: true; det_size: 320; threads: 1";
  long calls = env_long("FACE_MEMTEST_CALLS", 10000);
  int threads = (int)env_long("FACE_MEMTEST_THREADS", 2);
  double limit = (double)env_long("FACE_MEMTEST_LIMIT_MB", 20);
  int passed = 0, failed = 0;

  if (threads < 1 || threads > 64) threads = 2;
  g_a = read_file(faces, "id10/agt_obama_small.jpg");
  g_b = read_file(faces, "id10/agt_obama-240p.jpg");
  if (face_load(config, &g_engine) != FACE_OK) {
    fprintf(stderr, "face_load(\"%s\") failed: %s\n", config, face_last_error());
    printf("0 passed, 1 failed\n");
    return 1;
  }

  /* Warm-up: thread pools, ONNX Runtime arenas and the GC heap reach their working size. */
  run_calls(300, threads);
  double before = rss_mb(), start = now_s();
  double samples[1000];
  int n = 0;
  fprintf(stderr, "after 300 warm-up calls: RSS %.1f MB; config \"%s\", %d threads\n", before,
          config, threads);

  for (long done = 0; done < calls;) {
    long step = calls - done < 1000 ? calls - done : 1000;
    run_calls(step, threads);
    done += step;
    double rss = rss_mb();
    if (n < 1000) samples[n++] = rss;
    fprintf(stderr, "  %6ld calls: RSS %.1f MB, %.1f ms/call\n", done, rss,
            (now_s() - start) * 1000.0 / done);
  }
  double after = rss_mb();
  face_free(g_engine);

  /* RSS swings by 20-odd MB as the GC heap grows and is collected, so single readings make a
   * poor baseline. The trend is the median of the second half of the readings minus the
   * median of the first half, scaled from their distance (half the run) to the whole run. */
  int half = n / 2;
  double growth = n >= 2 ? 2.0 * (median(samples + n - half, half) - median(samples, half))
                         : after - before;
  double low = n ? samples[0] : after, high = low;
  for (int i = 0; i < n; i++) {
    if (samples[i] < low) low = samples[i];
    if (samples[i] > high) high = samples[i];
  }
  fprintf(stderr,
          "%ld face_verify: RSS %.1f MB after warm-up, %.1f at the end, readings %.1f..%.1f; "
          "trend over the run %+.1f MB (limit %.0f)\n",
          calls, before, after, low, high, growth, limit);
  (growth < limit) ? passed++ : failed++;
  fprintf(stderr, "%s  rss_growth_below_limit\n", growth < limit ? "ok  " : "FAIL");
  (g_errors == 0) ? passed++ : failed++;
  fprintf(stderr, "%s  every_call_succeeded (%d errors)\n", g_errors ? "FAIL" : "ok  ", g_errors);
  (face_live_handles() == 0) ? passed++ : failed++;
  fprintf(stderr, "%s  live_handles_end_at_zero\n", face_live_handles() ? "FAIL" : "ok  ");

  free(g_a.data);
  free(g_b.data);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
