/* kiosk/voice.h: the voice-guidance engine (DESIGN.md "Accessibility is law here", row
 * "voice"): espeak-ng speech in the visitor's language, and three short input sounds.
 * No SDL here: the engine makes 16-bit mono PCM at hall_voice_sample_rate(), and an audio
 * layer (audio_sdl.c, or a test) pulls it with hall_voice_mix.
 *
 * Voices: ko -> "ko", en -> "en-us", ja -> "ja", and both Chinese scripts -> Mandarin
 * ("cmn-latn-pinyin", falling back to "cmn"). Traditional characters go to Mandarin, not
 * Cantonese, because most visitors who read them come from Taiwan, where Mandarin is
 * spoken and Cantonese is not understood, while most Hong Kong and Macau visitors follow
 * Mandarin. "cmn-latn-pinyin" rather than "cmn": espeak-ng 1.51 (Debian 12) reads the
 * tone digits of its own pinyin aloud in English with "cmn" (espeak-ng issue #1370);
 * the pinyin variant reads hanzi correctly. espeak-ng's Japanese reads kana only and
 * names each kanji ("Chinese letter"), so Japanese text is first turned into its katakana
 * pronunciation by MeCab (ipadic) when the build has it (hall_voice_reads_kanji).
 *
 * Threads: synthesis runs on the engine's worker thread, so hall_voice_speak returns at
 * once and never blocks the frame loop. Requests form a queue of one: a new request
 * replaces the pending one and cancels the one being spoken (its buffered audio is
 * dropped). Synthesised audio waits in a fixed ring of VOICE_RING_S seconds; when it is
 * full the worker waits for the player, so a long text never holds more than that in
 * memory. Long texts are also capped (max_text_bytes) and spoken sentence by sentence.
 * Every function except hall_voice_mix is for one (main) thread; hall_voice_mix is for
 * the audio thread. espeak-ng has process-wide state: one engine may exist at a time.
 *
 * Ownership: create/destroy pair; texts are copied; nothing returned needs freeing. */
#ifndef HALL_KIOSK_VOICE_H
#define HALL_KIOSK_VOICE_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "hall/err.h"
#include "hall/lang.h"

typedef struct hall_voice hall_voice;

typedef struct hall_voice_options {
	const char *data_dir;  /* espeak-ng data ("espeak-ng-data" or the folder holding it);
	                          NULL = the system's */
	int volume;            /* 0..100, config voice.volume: the loudest the kiosk plays.
	                          The app's volume_pct is a share of it. */
	int rate_wpm;          /* 80..450, config voice.rate: words per minute at rate_pct 100 */
	size_t max_text_bytes; /* longest text spoken (longer ones are cut at a sentence end);
	                          0 = 8192 */
} hall_voice_options;

/* Start espeak-ng (once per process; it is never shut down, because espeak-ng 1.51 hangs
 * when initialised a second time) and the worker thread. Errors: HALL_ERR_NOT_FOUND when
 * the espeak-ng data cannot be loaded (install espeak-ng-data), HALL_ERR_INVALID when
 * another engine exists or the first engine of the process failed, HALL_ERR_NOMEM. */
hall_err hall_voice_create(const hall_voice_options *opts, hall_voice **out, hall_error *err);
/* Stops the worker (cancelling any synthesis) and frees the engine. NULL is allowed.
 * The audio layer must have stopped calling hall_voice_mix before. */
void hall_voice_destroy(hall_voice *v);

/* 1 when Japanese kanji are read (MeCab and its dictionary loaded), 0 when they are
 * named one by one as espeak-ng does alone. */
int hall_voice_reads_kanji(const hall_voice *v);

/* Samples per second of what hall_voice_mix produces (22050 with espeak-ng). */
int hall_voice_sample_rate(const hall_voice *v);

/* Speak utf8 (NUL-terminated) in lang, replacing what is being spoken; a
 * HALL_APP_SPEAK_LANG marker in it (app.h) switches the voice for what follows, so one
 * request can hold lines in several languages (replay repeats them all). Empty text just
 * stops. Speaks whether or not guidance is enabled: the app decides what to speak
 * (it warns "more time?" aloud even without voice mode). */
void hall_voice_speak(hall_voice *v, const char *utf8, hall_lang lang);
/* The text the voice reads for utf8 in lang (NUL-terminated), numbers written out where
 * espeak-ng misreads them: a decimal point in Korean (점), Chinese (点/點) and Japanese
 * (てん) with the fraction digit by digit; a percentage in Korean and Japanese (퍼센트,
 * パーセント) and in Chinese (百分之 before the number); a page counter "1 / 7" in each
 * language ("1 of 7", "7쪽 중 1쪽", "第1页，共7页"...); Korean dotted dates
 * ("2022. 12. 28." 2022년 12월 28일) and ranges ("~" 에서); English "Zoom 2x" as "2 times";
 * a date "2026-12-08" and a time "10:00" in each language's words (8 December 2026,
 * 10 o'clock; 2026년 12월 8일 10시; 2026年12月8日10点); English month abbreviations in a
 * date ("Jan to Mar 2023": January to March 2023).
 * hall_voice_speak applies it
 * to every part it speaks. Writes at most cap bytes with the NUL (cut if longer);
 * returns the bytes written without the NUL. */
size_t hall_voice_spoken_form(hall_lang lang, const char *utf8, char *out, size_t cap);
/* Speak the last text again from its start. */
void hall_voice_replay(hall_voice *v);
/* Stop speaking and drop what is pending. */
void hall_voice_stop(hall_voice *v);
/* Apply the app's settings: enabled 1 -> 0 stops speech; volume_pct (clamped 0..100) is a
 * share of the configured volume; rate_pct (clamped 50..200) scales rate_wpm from the
 * next sentence on; paused holds the speech where it is (input sounds still play). */
void hall_voice_set_speech(hall_voice *v, const hall_app_speech *s);
/* Play one input sound over the speech, replacing a sound still playing. */
void hall_voice_play_sound(hall_voice *v, hall_app_sound s);

/* Audio thread: fill out[0..frames) with speech and sound at the set volume (silence
 * when there is nothing). Returns the number of frames that carried speech. */
size_t hall_voice_mix(hall_voice *v, int16_t *out, size_t frames);

/* 1 while speech is pending, being synthesised or waiting to be played. */
int hall_voice_busy(hall_voice *v);

typedef struct hall_voice_stats {
	uint64_t samples_made;     /* speech samples synthesised since create */
	size_t ring_capacity;      /* samples the ring holds */
	size_t ring_peak;          /* most samples ever buffered at once */
	unsigned long sentences;   /* pieces handed to espeak-ng */
	unsigned long truncated;   /* texts cut at max_text_bytes */
	unsigned long failures;    /* utterances espeak-ng refused (voice missing, ...) */
} hall_voice_stats;
void hall_voice_get_stats(hall_voice *v, hall_voice_stats *out);

/* The tone for sound s at sample_rate into out (cap samples), its length in *n. Tones
 * are single glides with soft edges (no pulse train: nothing repeats at 3..50 Hz):
 * TAP 60 ms at 880 Hz; DONE 180 ms rising 660 -> 990 Hz; WARNING 280 ms falling
 * 520 -> 390 Hz. HALL_ERR_TOO_BIG when cap is short (see hall_voice_tone_ms). */
hall_err hall_voice_tone(hall_app_sound s, int sample_rate, int16_t *out, size_t cap, size_t *n);
/* Length of sound s in ms. */
int hall_voice_tone_ms(hall_app_sound s);

#endif
