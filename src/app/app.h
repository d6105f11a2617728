/* app: the command line. Each subcommand is a function taking the arguments after its name and returning
 * the process exit status: 0 success, 2 bad input (one line on stderr naming file, field and range),
 * 1 any other failure. No subcommand leaves a partial output file behind. */
#ifndef SMP_APP_H
#define SMP_APP_H

int app_main(int argc, char **argv);

int app_cmd_view(int argc, char **argv);   /* `smpsim [options]`: the window, or PNGs without a display */
int app_cmd_render(int argc, char **argv); /* `smpsim render [options] -o out.png` */
int app_cmd_mc(int argc, char **argv);     /* `smpsim mc FILE.mci [--photons N] [--seed S] [--threads T]` */
int app_cmd_bench(int argc, char **argv);  /* `smpsim bench [options]` */
int app_cmd_match(int argc, char **argv);
int app_cmd_visibility(int argc, char **argv); /* `smpsim visibility [--plan F] [-o vis.png]` */
int app_cmd_report(int argc, char **argv);     /* `smpsim report [--plan F] -o DIR` */
int app_cmd_fade(int argc, char **argv);
/* `smpsim fade [--plan F] [--years-max Y] [-o fade.png] [--csv]` */ /* `smpsim match [--plan F] [--set
                                                                        PATH=VALUE] [-o plan.json]` */

#endif
