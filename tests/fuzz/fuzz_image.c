/* Fuzz target: the image loader (scalp/image.h), as a plan's head.photo drives it: the input is the file.
 * Promises checked: a refusal has a one-line message and leaves the image empty; an accepted image has the
 * size its header gave within the limits, and every one of its bytes is readable (ASan sees a short buffer).
 * The limits are smaller than the defaults so that the fuzzer's large headers stay fast. */
#include "fuzz/fuzz.h"

#include "scalp/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_scratch_write("photo.img", data, size);
    scalp_image_limits lim = {.max_side = 2048, .max_pixels = 1 << 20};
    scalp_image img;
    smp_error err = {0};
    if (scalp_image_load(path, &lim, &img, &err) != SMP_OK) {
        fuzz_check_message("scalp_image_load", err.message);
        if (img.rgb || img.width || img.height) fuzz_fail("a refused image is not empty: %s", err.message);
        return 0;
    }
    if (img.width <= 0 || img.height <= 0 || img.width > lim.max_side || img.height > lim.max_side ||
        (int64_t)img.width * img.height > lim.max_pixels || !img.rgb)
        fuzz_fail("an accepted image is %d x %d (limits %d a side, %lld pixels)", img.width, img.height,
                  lim.max_side, (long long)lim.max_pixels);
    unsigned sum = 0;
    for (size_t i = 0; i < (size_t)img.width * (size_t)img.height * 3; ++i)
        sum += img.rgb[i];
    scalp_image_free(&img);
    return (int)(sum & 0u);
}
