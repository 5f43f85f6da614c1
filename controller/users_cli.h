/* controller/users_cli.h: `hall-controller user add NAME --role ROLE | list | remove NAME |
 * passwd NAME`: the staff console's accounts (store_users.h). Passwords are read from
 * standard input, one line. Returns the exit code (0, 1 failed, 2 usage). Every change is
 * recorded in the history under the OS user who made it. */
#ifndef HALL_CTL_USERS_CLI_H
#define HALL_CTL_USERS_CLI_H

#include "hall/config.h"

int hall_users_cli(const hall_controller_config *cfg, int argc, char **argv);

#endif
