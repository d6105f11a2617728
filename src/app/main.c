/* smpsim entry point: dispatches to the subcommands of DESIGN.md. */
#include "app/app.h"

int main(int argc, char **argv)
{
    return app_main(argc, argv);
}
