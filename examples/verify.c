/* verify.c: compares the faces in two photos through the C ABI (include/facenative.h).
 *
 *   cc -std=c99 examples/verify.c -Idist/include -Ldist/lib -lfacenative \
 *     -Wl,-rpath,$PWD/dist/lib -o dist/verify-c && dist/verify-c a.jpg b.jpg
 *
 * Models come from $FACENATIVE_MODELS (or dist/models). Prints
 * "distance=0.123456 verified=true"; on failure the library's message, and exit 1. */
#include <stdio.h>
#include <stdlib.h>

#include "facenative.h"

/* Reads a whole file into a malloc'd buffer, or returns NULL (errno says why). */
static void *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  long n = -1;

  if (f != NULL && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
  if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) data = malloc(n > 0 ? (size_t)n : 1);
  if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
    free(data);
    data = NULL;
  }
  if (f != NULL) fclose(f);
  *size = (size_t)n;
  return data;
}

int main(int argc, char **argv) {
  size_t size1 = 0, size2 = 0;
  void *data1, *data2;

  if (argc != 3) {
    fprintf(stderr, "usage: %s IMAGE1 IMAGE2\n", argv[0]);
    return 2;
  }
  data1 = read_file(argv[1], &size1);
  data2 = read_file(argv[2], &size2);
  if (data1 == NULL || data2 == NULL) {
    perror(data1 == NULL ? argv[1] : argv[2]);
    return 1;
  }

  face_engine *engine = NULL;
  face_verify_result r;
  face_image img1 = {data1, size1, FACE_IMAGE_ENCODED, 0, 0, 0};
  face_image img2 = {data2, size2, FACE_IMAGE_ENCODED, 0, 0, 0};
  int status = face_load("pack: default", &engine);
  if (status == FACE_OK) status = face_verify(engine, &img1, &img2, 0, 0, &r);
  if (status == FACE_OK)
    printf("distance=%.6f verified=%s\n", r.distance, r.verified ? "true" : "false");
  else
    fprintf(stderr, "%s: %s\n", face_status_string(status), face_last_error());
  face_free(engine);

  free(data1);
  free(data2);
  return status == FACE_OK ? 0 : 1;
}
