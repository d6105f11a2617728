/* smpsim entry point: dispatches to the subcommands of DESIGN.md. */
#include "app/app.h"

#include <stdlib.h> /* defines __GLIBC__ under glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), after which render
     * targets and Mesa's texture storage come from the heap and stay resident when freed. A fixed 128 KiB
     * threshold returns them: the window's peak resident memory falls by about 20 MB (docs/benchmarks.md). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    return app_main(argc, argv);
}
