/* kiosk/audio_sdl.h: plays the voice engine (voice.h) on SDL's default audio device, and
 * is what main.c calls from the app's speak/speech/sound callbacks.
 *
 * hall_audio_sdl_open returns NULL, after ONE logged warning, when voice guidance cannot
 * work here (config voice.enabled false is silent; espeak-ng or its data missing, no
 * audio device): every other function accepts NULL and does nothing, so the kiosk runs
 * on without voice and never waits for audio. SDL_AUDIODRIVER=dummy counts as a working
 * (silent) device: speech is made and consumed in real time, nothing is heard.
 *
 * Threading: main thread only (the device's callback runs on SDL's audio thread and only
 * calls hall_voice_mix). Ownership: open/close pair; the config is read, not kept. */
#ifndef HALL_KIOSK_AUDIO_SDL_H
#define HALL_KIOSK_AUDIO_SDL_H

#include "app.h"
#include "hall/config.h"
#include "hall/lang.h"
#include "voice.h"

typedef struct hall_audio_sdl hall_audio_sdl;

/* After SDL_Init: initialises SDL's audio subsystem, starts the voice engine with
 * cfg->voice (volume = the loudest level, rate = words per minute at 100 %), opens the
 * default device. NULL when voice is off (see above). */
hall_audio_sdl *hall_audio_sdl_open(const hall_kiosk_config *cfg);
/* Closes the device (waiting for its callback to return), stops the engine, quits the
 * audio subsystem. NULL is allowed. */
void hall_audio_sdl_close(hall_audio_sdl *a);

/* The app's callbacks (app.h), forwarded to the engine. */
void hall_audio_sdl_speak(hall_audio_sdl *a, const char *utf8, hall_lang lang);
void hall_audio_sdl_speech(hall_audio_sdl *a, const hall_app_speech *settings);
void hall_audio_sdl_sound(hall_audio_sdl *a, hall_app_sound s);

/* The engine, for replay/stop and tests; NULL when a is NULL. Borrowed. */
hall_voice *hall_audio_sdl_voice(hall_audio_sdl *a);

#endif
