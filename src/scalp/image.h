/* scalp/image: the images a patient's data comes with (a photo of the scalp, a scan's texture), read from
 * JPEG or PNG files or memory with stb_image (Debian's libstb). The file's size and the header's width and
 * height are checked against limits before a pixel is decoded, so a 100000 x 100000 header is refused
 * without allocating. Plain C: no GL, no SDL, no printing.
 *
 *     scalp_image img;
 *     if (scalp_image_load("photo.jpg", NULL, &img, &err) != SMP_OK) ...; // err: "photo.jpg: ..." one line
 *     ... img.rgb[3 * (y * img.width + x) + c] ...
 *     scalp_image_free(&img);
 *
 * Every refusal is SMP_ERR_INPUT with one line starting with the image's name (a missing file, a directory,
 * an empty file, a file that is not a JPEG or a PNG, a damaged one, one too large); SMP_ERR_NOMEM when the
 * decoded pixels cannot be allocated; SMP_ERR_IO when the file cannot be read.
 * Thread safety: reentrant (stb_image keeps its last failure reason per thread where the build allows it;
 * the message may then name another thread's reason, never a wrong result).
 */
#ifndef SMP_SCALP_IMAGE_H
#define SMP_SCALP_IMAGE_H

#include "core/core.h"

/* What an image may be; 0 in a field means its default (scalp_image_limits_default). */
typedef struct scalp_image_limits {
    int64_t max_file_bytes; /* default 256 MiB */
    int max_side;           /* pixels on the longer side; default 16384 (a 50-megapixel phone: 8160) */
    int64_t max_pixels;     /* default 64 million: decoded 192 MB in RGB8 */
} scalp_image_limits;
scalp_image_limits scalp_image_limits_default(void);

/* A decoded image: 8-bit sRGB, 3 bytes a pixel (grey images expanded, alpha dropped), top row first. */
typedef struct scalp_image {
    int width, height;
    uint8_t *rgb; /* owned */
} scalp_image;

/* Reads a JPEG or PNG file (known by its first bytes, whatever its name). On failure img is zeroed. */
smp_status scalp_image_load(const char *path, const scalp_image_limits *limits, scalp_image *img,
                            smp_error *err);
/* The same from size bytes in memory (a texture inside a GLB, a fuzzer's input); name starts the messages. */
smp_status scalp_image_load_memory(const uint8_t *data, size_t size, const char *name,
                                   const scalp_image_limits *limits, scalp_image *img, smp_error *err);
void scalp_image_free(scalp_image *img); /* safe on a zeroed or freed image */

#endif
