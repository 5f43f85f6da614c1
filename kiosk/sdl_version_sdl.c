/* Logs which SDL the kiosk runs on; also keeps the SDL layer library non-empty. */
#include <SDL.h>
#include "hall/log.h"

void hall_sdl_log_version(void);
void hall_sdl_log_version(void)
{
	SDL_version v;
	SDL_GetVersion(&v);
	hall_info("SDL %d.%d.%d, video driver %s", v.major, v.minor, v.patch,
	          SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "(none)");
}
