/* controller/enroll.h: setting up a hall and enrolling its kiosks (DESIGN.md decision 7).
 *
 *   hall-controller init --data DIR [--broker HOST:PORT] [--name DNSNAME ...]
 *   hall-controller kiosk add ID --group NAME --out FILE [--rotate]
 *   hall-controller kiosk remove ID
 *   hall-controller kiosk list
 *
 * init makes everything a hall needs in DIR and never overwrites a key: the signing key
 * (keys/), the hall's CA and the broker's certificate (tls/), the controller's broker
 * account, DIR/controller.json, the database and DIR/broker/ (mosquitto.conf and the
 * dynamic-security plugin's accounts). kiosk add/remove change the running broker's
 * accounts (dynsec.h) and the controller's known kiosks (the config's "kiosks").
 *
 * Exit codes as every subcommand: 0 done, 1 refused (an enrolled id, a broker that
 * refused), 2 usage or configuration; every refusal is one line. */
#ifndef HALL_CTL_ENROLL_H
#define HALL_CTL_ENROLL_H

#include "hall/config.h"

/* argv after the shared options were taken out (args holds --data and --broker). */
int hall_enroll_init_cli(const hall_config_args *args, int argc, char **argv);
int hall_enroll_kiosk_cli(const hall_controller_config *cfg, int argc, char **argv);

/* The public key (base64, 44 characters + NUL) of the secret key file `path` (one line,
 * base64 of libsodium's 64-byte ed25519 secret key). HALL_ERR_INVALID naming the file
 * when it is malformed. */
hall_err hall_enroll_public_key(const char *path, char out[HALL_CONFIG_KEY_B64_MAX], hall_error *err);

#endif
