/* Images through stb_image, with the limits checked from the header first. */
#include "scalp/image.h"

#include <stb_image.h>
#include <zlib.h>

#include <assert.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

scalp_image_limits scalp_image_limits_default(void)
{
    return (scalp_image_limits){
        .max_file_bytes = (int64_t)256 << 20, .max_side = 16384, .max_pixels = 64000000};
}

void scalp_image_free(scalp_image *img)
{
    if (!img) return;
    free(img->rgb);
    memset(img, 0, sizeof *img);
}

static bool is_png(const uint8_t *d, size_t n)
{
    return n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
}
static bool is_jpeg(const uint8_t *d, size_t n)
{
    return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}
static uint32_t be32(const uint8_t *p)
{
    return be16(p) << 16 | be16(p + 2);
}

/* The width and height a header declares, read here rather than by stb_image, which refuses very large
 * images with only "unknown image type": a PNG's IHDR, a JPEG's first start-of-frame marker. False when
 * the header cannot be read so far (stb_image then says what is damaged). */
static bool declared_size(const uint8_t *d, size_t n, int64_t *w, int64_t *h)
{
    if (is_png(d, n)) {
        if (n < 24 || memcmp(d + 12, "IHDR", 4) != 0) return false;
        *w = be32(d + 16);
        *h = be32(d + 20);
        return true;
    }
    /* JPEG: markers from byte 2; every segment but the standalone ones carries its length. */
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) return false;
        uint8_t m = d[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        uint32_t len = be16(d + i + 2);
        if (len < 2) return false;
        /* Start of frame: SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (i + 9 > n) return false;
            *h = be16(d + i + 5);
            *w = be16(d + i + 7);
            return true;
        }
        if (m == 0xDA || m == 0xD9) return false; /* scan data or the end before any frame */
        i += 2 + (size_t)len;
    }
    return false;
}

/* A PNG's compressed image data must inflate to exactly the rows its header declares: a filter byte and the
 * row's bytes per row, per Adam7 pass when interlaced. stb_image's own inflater grows its buffer without
 * bound on a damaged stream (an 89-byte PNG asked it for 1 GB: found by fuzzing, tests/fuzz/corpus/image/
 * regress-png-zlib-1GB), so the stream is inflated here first with zlib, its output never beyond that size.
 * NULL when the PNG may go to stb_image; otherwise what is wrong with it, for the message. */
static const char *png_stream_check(const uint8_t *d, size_t n)
{
    static const int channels[7] = {1, 0, 3, 1, 2, 0, 4};
    uint32_t w = 0, h = 0;
    int bits = 0, interlace = 0;
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK) return "zlib could not start";
    const char *why = NULL;
    uint64_t expected = 0, out = 0;
    bool header = false, ended = false;
    uint8_t scratch[16384];
    for (size_t i = 8; !why;) {
        if (i + 8 > n) {
            why = "its image data ends early";
            break;
        }
        uint32_t len = be32(d + i);
        const uint8_t *type = d + i + 4, *body = d + i + 8;
        if (len > n - i - 8) {
            why = "a chunk runs past the end of the file";
            break;
        }
        if (memcmp(type, "IHDR", 4) == 0 && len >= 13 && !header) {
            w = be32(body), h = be32(body + 4);
            int depth = body[8], colour = body[9];
            interlace = body[12];
            if (colour > 6 || channels[colour] == 0 || depth == 0 || depth > 16 || interlace > 1) {
                why = "its header's colour type, depth or interlacing is not PNG's";
                break;
            }
            bits = channels[colour] * depth;
            /* Adam7's passes: origin and step in x and y. */
            static const int px[7] = {0, 4, 0, 2, 0, 1, 0}, py[7] = {0, 0, 4, 0, 2, 0, 1};
            static const int sx[7] = {8, 8, 4, 4, 2, 2, 1}, sy[7] = {8, 8, 8, 4, 4, 2, 2};
            for (int p = 0; p < (interlace ? 7 : 1); ++p) {
                uint64_t pw = interlace ? (w + (uint64_t)(sx[p] - px[p] - 1)) / (uint64_t)sx[p] : w;
                uint64_t ph = interlace ? (h + (uint64_t)(sy[p] - py[p] - 1)) / (uint64_t)sy[p] : h;
                if (pw && ph) expected += ph * (1 + (pw * (uint64_t)bits + 7) / 8);
            }
            header = true;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (!header) {
                why = "its image data comes before its header";
                break;
            }
            if (ended) { /* data after the stream's end: stb_image would read it on, unchecked */
                why = "its image data goes on after its stream ends";
                break;
            }
            z.next_in = (Bytef *)body;
            z.avail_in = len;
            while (z.avail_in > 0 && !ended) {
                z.next_out = scratch;
                z.avail_out = sizeof scratch;
                int r = inflate(&z, Z_NO_FLUSH);
                out += sizeof scratch - z.avail_out;
                if (out > expected) {
                    why = "its image data inflates beyond the size its header gives";
                    break;
                }
                if (r == Z_STREAM_END) {
                    ended = true;
                } else if (r != Z_OK) {
                    why = "its image data is not a zlib stream";
                    break;
                }
            }
        } else if (memcmp(type, "IEND", 4) == 0) {
            break;
        }
        i += 12 + (size_t)len;
    }
    if (!why && (!ended || out != expected)) why = "its image data ends before its rows do";
    inflateEnd(&z);
    return why;
}

smp_status scalp_image_load_memory(const uint8_t *data, size_t size, const char *name,
                                   const scalp_image_limits *limits, scalp_image *img, smp_error *err)
{
    assert(img && name && (data || size == 0));
    memset(img, 0, sizeof *img);
    scalp_image_limits d = scalp_image_limits_default(), lim = limits ? *limits : d;
    if (lim.max_file_bytes <= 0) lim.max_file_bytes = d.max_file_bytes;
    if (lim.max_side <= 0) lim.max_side = d.max_side;
    if (lim.max_pixels <= 0) lim.max_pixels = d.max_pixels;
    if (size == 0) return smp_error_set(err, SMP_ERR_INPUT, "%s: empty; expected a JPEG or PNG image", name);
    if ((int64_t)size > lim.max_file_bytes || size > (size_t)INT32_MAX)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: %zu bytes; an image has at most %lld", name, size,
                             (long long)lim.max_file_bytes);
    if (!is_png(data, size) && !is_jpeg(data, size))
        return smp_error_set(err, SMP_ERR_INPUT, "%s: not a JPEG or PNG image", name);
    int64_t dw = 0, dh = 0;
    if (declared_size(data, size, &dw, &dh) &&
        (dw <= 0 || dh <= 0 || dw > lim.max_side || dh > lim.max_side || dw * dh > lim.max_pixels))
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: %lld x %lld pixels in its header; an image has at most %d on a side and %lld "
            "million pixels",
            name, (long long)dw, (long long)dh, lim.max_side, (long long)(lim.max_pixels / 1000000));
    const char *damage = is_png(data, size) ? png_stream_check(data, size) : NULL;
    if (damage) return smp_error_set(err, SMP_ERR_INPUT, "%s: damaged PNG: %s", name, damage);
    int w = 0, h = 0, comp = 0;
    if (!stbi_info_from_memory(data, (int)size, &w, &h, &comp))
        return smp_error_set(err, SMP_ERR_INPUT, "%s: damaged %s header (%s)", name,
                             is_png(data, size) ? "PNG" : "JPEG", stbi_failure_reason());
    if (w <= 0 || h <= 0 || w > lim.max_side || h > lim.max_side || (int64_t)w * h > lim.max_pixels)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: damaged header (%d x %d pixels)", name, w, h);
    int got_w = 0, got_h = 0;
    uint8_t *rgb = stbi_load_from_memory(data, (int)size, &got_w, &got_h, &comp, 3);
    if (!rgb) {
        const char *why = stbi_failure_reason();
        if (why && strcmp(why, "outofmem") == 0)
            return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory decoding %d x %d pixels", name, w, h);
        return smp_error_set(err, SMP_ERR_INPUT, "%s: damaged image (%s)", name,
                             why ? why : "no reason given");
    }
    if (got_w != w || got_h != h) { /* the header read twice must agree; anything else is a decoder fault */
        stbi_image_free(rgb);
        return smp_error_set(err, SMP_ERR_INPUT, "%s: damaged image (size changed while decoding)", name);
    }
    /* stb's buffer is freed with stbi_image_free; copy into our own so scalp_image_free is plain free. */
    size_t bytes = (size_t)w * (size_t)h * 3;
    img->rgb = malloc(bytes);
    if (!img->rgb) {
        stbi_image_free(rgb);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for %d x %d pixels", name, w, h);
    }
    memcpy(img->rgb, rgb, bytes);
    stbi_image_free(rgb);
    img->width = w;
    img->height = h;
    return SMP_OK;
}

smp_status scalp_image_load(const char *path, const scalp_image_limits *limits, scalp_image *img,
                            smp_error *err)
{
    assert(path && img);
    memset(img, 0, sizeof *img);
    scalp_image_limits lim = limits ? *limits : scalp_image_limits_default();
    if (lim.max_file_bytes <= 0) lim.max_file_bytes = scalp_image_limits_default().max_file_bytes;
    char *data = NULL;
    size_t size = 0;
    smp_status st = smp_file_read_max(path, (size_t)lim.max_file_bytes, "an image", &data, &size, err);
    if (st == SMP_OK) st = scalp_image_load_memory((const uint8_t *)data, size, path, &lim, img, err);
    free(data);
    return st;
}
