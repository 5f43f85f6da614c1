/* audio_sdl.c: SDL audio output for the voice engine. The device callback only pulls
 * mixed samples from the engine (hall_voice_mix holds the engine's lock for a copy of one
 * buffer), so the audio thread never waits for synthesis. */
#include "audio_sdl.h"

#include <SDL.h>
#include <stdlib.h>

#include "hall/log.h"

struct hall_audio_sdl {
	hall_voice *voice;
	SDL_AudioDeviceID dev;
};

static void SDLCALL audio_cb(void *user, Uint8 *stream, int len)
{
	hall_audio_sdl *a = user;
	hall_voice_mix(a->voice, (int16_t *)(void *)stream, (size_t)len / sizeof(int16_t));
}

hall_audio_sdl *hall_audio_sdl_open(const hall_kiosk_config *cfg)
{
	if (!cfg || !cfg->voice.enabled)
		return NULL;
	hall_audio_sdl *a = calloc(1, sizeof(*a));
	int audio_up = 0;
	char why[400] = "out of memory";
	if (!a)
		goto fail;
	hall_error err = {{0}, {0}};
	hall_voice_options o = {.data_dir = NULL, .volume = cfg->voice.volume, .rate_wpm = cfg->voice.rate};
	if (hall_voice_create(&o, &a->voice, &err) != HALL_OK) {
		hall_error_format(&err, why, sizeof(why));
		goto fail;
	}
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		snprintf(why, sizeof(why), "no audio: %s", SDL_GetError());
		goto fail;
	}
	audio_up = 1;
	SDL_AudioSpec want, have;
	SDL_zero(want);
	want.freq = hall_voice_sample_rate(a->voice);
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024; /* ~46 ms at 22 kHz: a tap sound starts promptly */
	want.callback = audio_cb;
	want.userdata = a;
	/* No allowed changes: SDL converts to whatever the device wants. */
	a->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
	if (a->dev == 0) {
		snprintf(why, sizeof(why), "cannot open the audio device (%s): %s", SDL_GetCurrentAudioDriver()
		         ? SDL_GetCurrentAudioDriver() : "no driver", SDL_GetError());
		goto fail;
	}
	SDL_PauseAudioDevice(a->dev, 0);
	hall_info("voice guidance on: %s audio, %d Hz, volume %d, %d words/min", SDL_GetCurrentAudioDriver(), have.freq,
	          cfg->voice.volume, cfg->voice.rate);
	return a;
fail:
	hall_warn("voice guidance off: %s", why);
	if (a) {
		hall_voice_destroy(a->voice);
		free(a);
	}
	if (audio_up)
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
	return NULL;
}

void hall_audio_sdl_close(hall_audio_sdl *a)
{
	if (!a)
		return;
	SDL_CloseAudioDevice(a->dev);
	hall_voice_stats st;
	hall_voice_get_stats(a->voice, &st);
	hall_log(st.failures ? HALL_LOG_WARN : HALL_LOG_DEBUG,
	         "voice: %llu samples spoken in %lu pieces, %lu texts cut, %lu not spoken (see above)",
	         (unsigned long long)st.samples_made, st.sentences, st.truncated, st.failures);
	hall_voice_destroy(a->voice);
	free(a);
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

void hall_audio_sdl_speak(hall_audio_sdl *a, const char *utf8, hall_lang lang)
{
	if (a)
		hall_voice_speak(a->voice, utf8, lang);
}

void hall_audio_sdl_speech(hall_audio_sdl *a, const hall_app_speech *settings)
{
	if (a)
		hall_voice_set_speech(a->voice, settings);
}

void hall_audio_sdl_sound(hall_audio_sdl *a, hall_app_sound s)
{
	if (a)
		hall_voice_play_sound(a->voice, s);
}

hall_voice *hall_audio_sdl_voice(hall_audio_sdl *a)
{
	return a ? a->voice : NULL;
}
