/* Replays a fuzz corpus through one harness without libFuzzer: `replay_<target> DIR|FILE...` feeds every
 * file (a folder's files in name order) to LLVMFuzzerTestOneInput, as libFuzzer would, one at a time. A
 * harness that finds a broken promise aborts; a folder with no file fails, so a corpus that went missing
 * cannot pass quietly. */
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: cannot open\n", path);
        return -1;
    }
    size_t cap = 4096, size = 0;
    uint8_t *data = malloc(cap);
    for (size_t n; data && (n = fread(data + size, 1, cap - size, f)) > 0;) {
        size += n;
        if (size == cap) {
            uint8_t *bigger = realloc(data, cap *= 2);
            if (!bigger) free(data);
            data = bigger;
        }
    }
    int bad = ferror(f) != 0;
    fclose(f);
    if (!data || bad) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        free(data);
        return -1;
    }
    /* libFuzzer's buffer is exactly size bytes long, so a read past its end is caught; so is it here. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 1;
}

static int name_order(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Number of files replayed, -1 on a read error. */
static int replay_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "replay: %s: not found\n", path);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) return replay_file(path);
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, name_order), count = 0;
    if (n < 0) {
        fprintf(stderr, "replay: %s: cannot list\n", path);
        return -1;
    }
    for (int i = 0; i < n; ++i) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(file, &sb) == 0 && S_ISREG(sb.st_mode)) {
            int r = replay_file(file);
            if (r < 0)
                count = -1;
            else if (count >= 0)
                count += r;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; ++i) {
        int n = replay_path(argv[i]);
        if (n <= 0) {
            if (n == 0) fprintf(stderr, "replay: %s: no input to replay\n", argv[i]);
            return 1;
        }
        printf("replay: %d input%s of %s: ok\n", n, n == 1 ? "" : "s", argv[i]);
    }
    return 0;
}
