#include "png_lite.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c) {
  int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

int png_lite_decode(const uint8_t *file, size_t size, png_pixels *out) {
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  uint8_t *idat = NULL, *raw = NULL;
  size_t idat_size = 0, pos = 8;
  int width = 0, height = 0, channels = 0;

  out->data = NULL;
  if (size < 8 || memcmp(file, signature, 8) != 0) return -1;

  /* Gather the header and every IDAT chunk (the zlib stream may be split across them). */
  while (pos + 12 <= size) {
    uint32_t length = be32(file + pos);
    const uint8_t *type = file + pos + 4, *data = file + pos + 8;
    if (length > size - pos - 12) goto fail;
    if (memcmp(type, "IHDR", 4) == 0) {
      width = (int)be32(data);
      height = (int)be32(data + 4);
      if (data[8] != 8 || data[12] != 0 || (data[9] != 2 && data[9] != 6)) goto fail;
      channels = data[9] == 6 ? 4 : 3;
    } else if (memcmp(type, "IDAT", 4) == 0) {
      uint8_t *grown = realloc(idat, idat_size + length);
      if (!grown) goto fail;
      idat = grown;
      memcpy(idat + idat_size, data, length);
      idat_size += length;
    } else if (memcmp(type, "IEND", 4) == 0) {
      break;
    }
    pos += 12 + length;
  }
  if (channels == 0 || width <= 0 || height <= 0 || idat == NULL) goto fail;

  /* Inflate: each row is one filter-type byte followed by the filtered row. */
  {
    size_t row = (size_t)width * channels;
    uLongf raw_size = (uLongf)((row + 1) * height);
    raw = malloc(raw_size);
    out->data = malloc(row * height);
    if (!raw || !out->data) goto fail;
    if (uncompress(raw, &raw_size, idat, idat_size) != Z_OK || raw_size != (row + 1) * height)
      goto fail;

    for (int y = 0; y < height; y++) {
      const uint8_t *src = raw + y * (row + 1) + 1;
      uint8_t *dst = out->data + y * row;
      const uint8_t *up = y > 0 ? dst - row : NULL;
      for (size_t x = 0; x < row; x++) {
        int a = x >= (size_t)channels ? dst[x - channels] : 0;
        int b = up ? up[x] : 0;
        int c = up && x >= (size_t)channels ? up[x - channels] : 0;
        int predictor;
        switch (src[-1]) {
          case 0: predictor = 0; break;
          case 1: predictor = a; break;
          case 2: predictor = b; break;
          case 3: predictor = (a + b) / 2; break;
          case 4: predictor = paeth(a, b, c); break;
          default: goto fail;
        }
        dst[x] = (uint8_t)(src[x] + predictor);
      }
    }
  }

  free(raw);
  free(idat);
  out->width = width;
  out->height = height;
  out->channels = channels;
  return 0;

fail:
  free(raw);
  free(idat);
  free(out->data);
  out->data = NULL;
  return -1;
}
