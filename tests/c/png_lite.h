/* A minimal PNG reader for the tests: 8-bit RGB or RGBA, not interlaced. It exists so that
 * the raw-pixel paths can be fed the same pixels the library decodes from the file. */
#ifndef PNG_LITE_H
#define PNG_LITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct png_pixels {
  uint8_t *data; /* rows packed, `channels` bytes per pixel (R, G, B[, A]); free() it */
  int width;
  int height;
  int channels;
} png_pixels;

/* 0 on success; -1 for anything this reader does not handle. */
int png_lite_decode(const uint8_t *file, size_t size, png_pixels *out);

#endif
