/* controller/staff.h: the staff subcommands other than push and rollback. Each takes
 * argv with argv[0] = the program and the subcommand removed, the config options already
 * taken out; each prints for people and returns the process exit code (0 ok, 1 failed,
 * 2 usage: one line naming the argument). */
#ifndef HALL_CTL_STAFF_H
#define HALL_CTL_STAFF_H

#include "hall/config.h"

int hall_staff_status(const hall_controller_config *cfg, int argc, char **argv);
int hall_staff_history(const hall_controller_config *cfg, int argc, char **argv);
int hall_staff_notice(const hall_controller_config *cfg, int argc, char **argv);
int hall_staff_schedule(const hall_controller_config *cfg, int argc, char **argv);
int hall_staff_command(const hall_controller_config *cfg, int argc, char **argv);
/* validate DIR: every problem with its path; 1 when there are errors. */
int hall_staff_validate(int argc, char **argv);
/* preview DIR: run hall-kiosk (next to this binary) on the pack with no broker. */
int hall_staff_preview(int argc, char **argv);

#endif
