/* controller/console_assets.h: the staff console's files (every file in controller/web), compiled in
 * by cmake/embed_web.cmake. The table ends with a {NULL, NULL, 0} row; data is static. */
#ifndef HALL_CTL_CONSOLE_ASSETS_H
#define HALL_CTL_CONSOLE_ASSETS_H

#include <stddef.h>

typedef struct hall_console_asset {
	const char *name;            /* file name under web/, e.g. "app.js" */
	const unsigned char *data;   /* len bytes (plus a NUL) */
	size_t len;
} hall_console_asset;

extern const hall_console_asset hall_console_assets[];

#endif
