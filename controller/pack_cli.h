/* controller/pack_cli.h: `pack new DIR` and `pack update DIR` (pack_cli.c). argv[0] is
 * "pack"; returns the exit code (0 written, 1 a file is missing or not an image, 2 usage). */
#ifndef HALL_CTL_PACK_CLI_H
#define HALL_CTL_PACK_CLI_H

int hall_pack_cli(int argc, char **argv);

#endif
