/* voice.c: espeak-ng synthesis on a worker thread into a bounded ring of PCM, mixed with
 * generated input tones by whoever plays it (see voice.h for the contract).
 *
 * Locking: one mutex guards the request slot, the settings, the ring and the tone
 * cursor. The worker holds it only to take a request and to copy samples into the ring;
 * espeak-ng runs without it, so hall_voice_speak never waits for a synthesis. Every
 * request bumps `gen`; the synth callback compares it with the generation of the job it
 * is making and aborts (returns 1) as soon as they differ, and samples of an old job are
 * never copied into the ring because the copy happens under the lock after that check. */
#include "voice.h"

#include <espeak-ng/espeak_ng.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hall/log.h"

#ifdef HALL_HAVE_MECAB
#include <mecab.h>
/* Node format: the pronunciation (ipadic feature 8, in katakana: は as ワ, long vowels
 * as ー), keeping the spaces before each word; unknown words (Latin, numbers) as written. */
#define MECAB_ARGS "--node-format=%pS%f[8] --unk-format=%M --eos-format="
#endif

#define VOICE_RING_S 4          /* seconds of speech buffered at most */
#define PIECE_MAX 400           /* bytes handed to espeak-ng at once (a sentence, or part) */
#define DEFAULT_TEXT_MAX 8192
#define TONE_AMP 0.30           /* tones at about -10 dBFS before the volume: clear, not harsh */

struct hall_voice {
	pthread_mutex_t lock;
	pthread_cond_t work;     /* worker: a request or quit */
	pthread_cond_t space;    /* worker: room in the ring, a new gen, or quit */
	pthread_t thread;
	int thread_started;
	int quit;
	int rate;                /* samples per second */
	size_t text_max;
	/* request slot (one: the newest replaces the pending one) */
	char *pending, *last, *job;
	char *spoken;            /* worker-only: a part of the job as said (spoken_cap bytes) */
	size_t spoken_cap;
	hall_lang pending_lang, last_lang;
	int has_pending, has_last, job_active;
	unsigned gen;
	/* settings */
	int enabled, volume_pct, rate_pct, paused;
	int volume_cap, base_wpm;
	/* ring of speech samples */
	int16_t *ring;
	size_t ring_cap, ring_head, ring_count;
	/* tones, made once at create */
	int16_t *tone[3];
	size_t tone_len[3];
	int tone_cur;            /* -1: none */
	size_t tone_pos;
	/* worker-only */
	unsigned job_gen;
	unsigned warned_lang;    /* bit per hall_lang whose voice failed, logged once */
#ifdef HALL_HAVE_MECAB
	mecab_t *mecab;          /* NULL: no dictionary; Japanese kanji are then named */
#endif
	hall_voice_stats st;
};

/* espeak-ng's state is process-wide and its synth callback carries no engine pointer we
 * control in every version, hence one engine at a time, found through `g_voice`. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_espeak;             /* 0 not started, 1 ready, -1 failed */
static int g_rate;
static char g_fail[512];
static hall_voice *g_voice;

static const char *const voice_names[HALL_LANG_COUNT][2] = {
	[HALL_LANG_KO] = {"ko", NULL},
	[HALL_LANG_EN] = {"en-us", "en"},
	[HALL_LANG_ZH_HANS] = {"cmn-latn-pinyin", "cmn"},
	[HALL_LANG_ZH_HANT] = {"cmn-latn-pinyin", "cmn"},
	[HALL_LANG_JA] = {"ja", NULL},
};

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---------------------------------------------------------------- tones */

int hall_voice_tone_ms(hall_app_sound s)
{
	switch (s) {
	case HALL_APP_SOUND_TAP: return 60;
	case HALL_APP_SOUND_DONE: return 180;
	case HALL_APP_SOUND_WARNING: return 280;
	}
	return 60;
}

hall_err hall_voice_tone(hall_app_sound s, int sample_rate, int16_t *out, size_t cap, size_t *n)
{
	double f0 = 880, f1 = 880;
	switch (s) {
	case HALL_APP_SOUND_TAP: break;
	case HALL_APP_SOUND_DONE: f0 = 660; f1 = 990; break;
	case HALL_APP_SOUND_WARNING: f0 = 520; f1 = 390; break;
	}
	if (sample_rate < 8000 || !n)
		return HALL_ERR_INVALID;
	size_t len = (size_t)hall_voice_tone_ms(s) * (size_t)sample_rate / 1000;
	*n = len;
	if (!out || cap < len)
		return HALL_ERR_TOO_BIG;
	/* One glide with raised-cosine edges: no click at either end and no amplitude
	 * pattern that repeats (a pulse train at 3..50 Hz is the audio cousin of flashing). */
	size_t attack = (size_t)sample_rate * 8 / 1000, release = (size_t)sample_rate * 25 / 1000;
	double phase = 0;
	for (size_t i = 0; i < len; i++) {
		double t = (double)i / (double)len;
		double f = f0 * pow(f1 / f0, t); /* exponential glide: even in pitch */
		double env = 1.0;
		if (i < attack)
			env = 0.5 - 0.5 * cos(M_PI * (double)i / (double)attack);
		else if (len - i < release)
			env = 0.5 - 0.5 * cos(M_PI * (double)(len - i) / (double)release);
		out[i] = (int16_t)lrint(32767.0 * TONE_AMP * env * sin(phase));
		phase += 2 * M_PI * f / sample_rate;
		if (phase > 2 * M_PI)
			phase -= 2 * M_PI;
	}
	return HALL_OK;
}

/* ---------------------------------------------------------------- text */

/* Length of at most cap bytes of s that ends at a sentence end, a space, or at least a
 * UTF-8 character boundary: so a cut never splits a character. */
static size_t cut_len(const char *s, size_t len, size_t cap)
{
	if (len <= cap)
		return len;
	size_t best = 0;
	for (size_t i = cap / 2; i < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' || c == '!' || c == '?' || c == '\n')
			best = i + 1;
		else if (c == 0xE3 && i + 2 < cap && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82)
			best = i + 3; /* 。 */
	}
	if (best)
		return best;
	for (size_t i = cap; i > cap / 2; i--)
		if (s[i - 1] == ' ')
			return i;
	size_t i = cap;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* End (exclusive) of the piece of s[pos..len) to speak next: through the first sentence
 * end (". ", "! ", "? ", newline, or the CJK full stops 。！？ which need no space), or
 * at most PIECE_MAX bytes, cut like cut_len. */
static size_t next_piece(const char *s, size_t len, size_t pos)
{
	size_t lim = len - pos > PIECE_MAX ? pos + PIECE_MAX : len;
	for (size_t i = pos; i < lim; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == '.' || c == '!' || c == '?' || c == ';') && (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\n'))
			return i + 1;
		if (c == '\n')
			return i + 1;
		if (i + 2 < len && (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82))
			return i + 3; /* 。 */
		if (i + 2 < len && c == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
		    ((unsigned char)s[i + 2] == 0x81 || (unsigned char)s[i + 2] == 0x9F))
			return i + 3; /* ！ ？ */
	}
	return pos + cut_len(s + pos, len - pos, lim - pos);
}

/* espeak-ng's Japanese names the katakana middle dot (U+30FB, as in the pronunciation
 * ソウル・マイ・ソウル) "Japanese letter": read it as the pause it is, 、 (same length). */
static void ja_middle_dots(char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if ((unsigned char)s[i] == 0xE3 && (unsigned char)s[i + 1] == 0x83 && (unsigned char)s[i + 2] == 0xBB) {
			s[i + 1] = (char)0x80;
			s[i + 2] = (char)0x81;
		}
}

/* ---------------------------------------------------------------- numbers */

/* How the voices misread numbers (found by reading the kiosk's tour in each language
 * with espeak-ng 1.51's phonemes, issue 12 Build 9): Korean, Mandarin and Japanese drop
 * a decimal point ("25.7%" was "이십오 칠 percent", "69.7%" "liushijiu qi percent"), every
 * voice reads a page counter "1 / 7" as "one slash seven", Korean reads a dotted date
 * "(2022. 12. 28.~2023. 1. 31.)" as bare numbers split into sentences and "~" as
 * "tilde", Mandarin says "percent" in English after the number, English reads
 * "Zoom 2x" as "two x", and every voice reads the closed screen's "2026-12-08 10:00" as
 * "two thousand twenty six dash twelve dash zero eight ten zero zero", and English
 * reads "Jan to Mar 2023" as "jan to mar". Written out in
 * words here, in the language spoken, before the text is cut into sentences. */
static const char *const point_word[HALL_LANG_COUNT] = {
	[HALL_LANG_KO] = "점", [HALL_LANG_ZH_HANS] = "点", [HALL_LANG_ZH_HANT] = "點", [HALL_LANG_JA] = "てん",
};
static const char *const percent_word[HALL_LANG_COUNT] = {
	[HALL_LANG_KO] = "퍼센트", [HALL_LANG_JA] = "パーセント", /* Chinese: 百分之 before the number */
};
/* "{1} / {2}" (ui_strings.c HALL_STR_PAGE_OF) as said: page {1} of {2}. */
static const char *const page_words[HALL_LANG_COUNT] = {
	[HALL_LANG_KO] = "{2}쪽 중 {1}쪽",
	[HALL_LANG_EN] = "{1} of {2}",
	[HALL_LANG_ZH_HANS] = "第{1}页，共{2}页",
	[HALL_LANG_ZH_HANT] = "第{1}頁，共{2}頁",
	[HALL_LANG_JA] = "{2}ページ中{1}ページ",
};

typedef struct out_buf {
	char *s;
	size_t n, cap; /* cap > 0: room for n < cap bytes and the NUL */
	int full;      /* something did not fit: nothing more is added */
} out_buf;

static void put(out_buf *b, const char *s, size_t len)
{
	if (b->full)
		return;
	if (b->n + len >= b->cap) {
		b->full = 1;
		len = b->cap - 1 - b->n;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* never half a character */
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static void put_str(out_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Digits from s (at most max, at least one): their count, 0 when s does not start with
 * a digit or holds more than max in a row. */
static size_t digits(const char *s, size_t max)
{
	size_t k = 0;
	while (is_digit(s[k]))
		k++;
	return k <= max ? k : 0;
}

/* A number as written (digits, "," between digit groups, one "." before a fraction),
 * with its point said in lang and the fraction's digits one by one, as the languages with
 * a point word read them ("3.81": 삼 점 팔 일). */
static void put_number(out_buf *b, const char *s, size_t len, hall_lang lang)
{
	const char *point = point_word[lang];
	int fraction = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && point) {
			put_str(b, point);
			fraction = 1;
			continue;
		}
		if (fraction && i > 0 && s[i - 1] != '.')
			put(b, " ", 1);
		put(b, s + i, 1);
	}
}

/* Korean dotted dates: "2022. 12. 28." (after a year) or "3. 16." (after "~"): month and
 * day as 월 and 일. s is at the month; returns the bytes taken (0: no month here). */
static size_t ko_month_day(out_buf *b, const char *s)
{
	size_t m = digits(s, 2);
	if (!m || s[m] != '.' || is_digit(s[m + 1]))
		return 0;
	put(b, s, m);
	put_str(b, "월");
	size_t k = m + 1;
	size_t d = s[k] == ' ' ? digits(s + k + 1, 2) : 0;
	if (d && s[k + 1 + d] == '.' && !is_digit(s[k + 2 + d])) {
		put(b, " ", 1);
		put(b, s + k + 1, d);
		put_str(b, "일");
		k += 2 + d;
	}
	return k;
}

static const char *const months[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};

/* The value of n digits at s (n <= 4). */
static int value_of(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "2026-12-08" (how the closed screen wrote its next opening before issue #12 Build 11;
 * an ISO date anywhere) as a date in words of lang: the voices
 * read "two thousand twenty six dash twelve dash zero eight". s is at the year; returns
 * the bytes taken (0: no date here). */
static size_t iso_date(out_buf *b, const char *s, hall_lang lang)
{
	if (digits(s, 4) != 4 || s[4] != '-' || digits(s + 5, 2) != 2 || s[7] != '-' || digits(s + 8, 2) != 2)
		return 0; /* digits() also refuses a longer run: "2026-12-081" is no date */
	int y = value_of(s, 4), m = value_of(s + 5, 2), d = value_of(s + 8, 2);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	char w[64];
	if (lang == HALL_LANG_EN)
		snprintf(w, sizeof(w), "%d %s %d", d, months[m - 1], y);
	else if (lang == HALL_LANG_KO)
		snprintf(w, sizeof(w), "%d년 %d월 %d일", y, m, d);
	else
		snprintf(w, sizeof(w), "%d年%d月%d日", y, m, d);
	put_str(b, w);
	return 10;
}

/* "10:00" / "9:30" as a time in words of lang ("ten zero zero" in English, bare numbers
 * elsewhere); returns the bytes taken (0: no time here). */
static size_t clock_time(out_buf *b, const char *s, hall_lang lang)
{
	size_t h = digits(s, 2);
	if (!h || s[h] != ':' || digits(s + h + 1, 2) != 2)
		return 0; /* digits() also refuses "10:000" */
	int hh = value_of(s, h), mm = value_of(s + h + 1, 2);
	if (hh > 24 || mm > 59)
		return 0;
	char w[64];
	static const char *const hour_word[HALL_LANG_COUNT] = {
		[HALL_LANG_KO] = "시", [HALL_LANG_ZH_HANS] = "点", [HALL_LANG_ZH_HANT] = "點", [HALL_LANG_JA] = "時"};
	static const char *const minute_word[HALL_LANG_COUNT] = {
		[HALL_LANG_KO] = "분", [HALL_LANG_ZH_HANS] = "分", [HALL_LANG_ZH_HANT] = "分", [HALL_LANG_JA] = "分"};
	if (lang == HALL_LANG_EN)
		snprintf(w, sizeof(w), mm ? "%d %02d" : "%d o'clock", hh, mm);
	else if (mm)
		snprintf(w, sizeof(w), "%d%s %d%s", hh, hour_word[lang], mm, minute_word[lang]);
	else
		snprintf(w, sizeof(w), "%d%s", hh, hour_word[lang]);
	put_str(b, w);
	return h + 3;
}

/* English month abbreviations in a date ("Jan to Mar 2023": the voice said "jan to
 * mar"), as the whole month: a capitalised abbreviation, a whole word, next to a number
 * or "to". s is at the word; returns the bytes taken (0: none here). */
static size_t month_abbr(out_buf *b, const char *s)
{
	static const char *const abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int m = 0; m < 12; m++) {
		size_t n = strncmp(s, abbr[m], 3) == 0 ? 3 : 0;
		if (n && m == 8 && s[3] == 't')
			n = 4; /* Sept */
		if (!n || is_letter(s[n]))
			continue;
		const char *after = s[n] == '.' ? s + n + 1 : s + n;
		if (!(after[0] == ' ' && (is_digit(after[1]) || strncmp(after + 1, "to ", 3) == 0)))
			continue;
		put_str(b, months[m]);
		return (size_t)(after - s);
	}
	return 0;
}

/* closed helper (issue #12 Build 11): the closed screen writes the weekday of its next
 * opening as one character in brackets after the date, "12월 8일 (화)" and
 * "12月8日（火）" (ui_strings.c hall_ui_opening_time); said alone it is a bare syllable
 * (火 reads as "hi", fire), so it is said whole: 화요일, 火曜日. s is at the bracket, after
 * "일 " (Korean) or "日" (Japanese); returns the bytes taken (0: no weekday here). */
static size_t bracketed_weekday(out_buf *b, const char *in, size_t i, hall_lang lang)
{
	static const char *const ko[7] = {"일", "월", "화", "수", "목", "금", "토"};
	static const char *const ja[7] = {"日", "月", "火", "水", "木", "金", "土"};
	const char *const *day = lang == HALL_LANG_KO ? ko : ja;
	const char *open = lang == HALL_LANG_KO ? "(" : "（", *close = lang == HALL_LANG_KO ? ")" : "）";
	const char *after = lang == HALL_LANG_KO ? "일 " : "日";
	size_t o = strlen(open), c = strlen(close), a = strlen(after);
	if ((lang != HALL_LANG_KO && lang != HALL_LANG_JA) || i < a || strncmp(in + i - a, after, a) != 0 ||
	    strncmp(in + i, open, o) != 0)
		return 0;
	for (int d = 0; d < 7; d++) {
		size_t n = strlen(day[d]);
		if (strncmp(in + i + o, day[d], n) == 0 && strncmp(in + i + o + n, close, c) == 0) {
			put_str(b, day[d]);
			put_str(b, lang == HALL_LANG_KO ? "요일" : "曜日");
			return o + n + c;
		}
	}
	return 0;
}

size_t hall_voice_spoken_form(hall_lang lang, const char *in, char *out, size_t cap)
{
	if (!out || cap == 0)
		return 0;
	out_buf b = {out, 0, cap, 0};
	out[0] = '\0';
	if (!in)
		return 0;
	if ((unsigned)lang >= HALL_LANG_COUNT)
		lang = HALL_LANG_EN;
	int zh = lang == HALL_LANG_ZH_HANS || lang == HALL_LANG_ZH_HANT;
	size_t i = 0;
	while (in[i] && !b.full) {
		char c = in[i];
		if (lang == HALL_LANG_KO && c == '~' && i > 0) {
			/* A range: "1~3월" 일에서 삼월, "28.~2023. 1." ...일에서 ...년 1월 */
			size_t k = i + 1;
			while (in[k] == ' ')
				k++;
			if (is_digit(in[k])) {
				put_str(&b, "에서 ");
				size_t t = ko_month_day(&b, in + k);
				i = k + t;
				continue;
			}
		}
		size_t wd = bracketed_weekday(&b, in, i, lang); /* closed helper: "(화)" 화요일 */
		if (wd) {
			i += wd;
			continue;
		}
		size_t mon = lang == HALL_LANG_EN && (i == 0 || !is_letter(in[i - 1])) ? month_abbr(&b, in + i) : 0;
		if (mon) {
			i += mon;
			continue;
		}
		if (!is_digit(c) || (i > 0 && (is_digit(in[i - 1]) || in[i - 1] == '.' || in[i - 1] == ','))) {
			put(&b, in + i, 1);
			i++;
			continue;
		}
		/* A date or a time as the kiosk writes them (the closed screen's next opening). */
		size_t dt = iso_date(&b, in + i, lang);
		if (!dt)
			dt = clock_time(&b, in + i, lang);
		if (dt) {
			i += dt;
			continue;
		}
		/* A number starts: its length with groups and one fraction. */
		size_t j = i, dots = 0;
		while (is_digit(in[j]) || ((in[j] == ',' || (in[j] == '.' && !dots)) && is_digit(in[j + 1]))) {
			dots += in[j] == '.';
			j++;
		}
		size_t second = in[j] == ' ' && in[j + 1] == '/' && in[j + 2] == ' ' ? digits(in + j + 3, 6) : 0;
		if (second && !dots && j - i <= 6 && !is_digit(in[j + 3 + second])) {
			/* "1 / 7": page 1 of 7 */
			const char *w = page_words[lang];
			for (const char *p = w; *p; p++) {
				if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
					if (p[1] == '1')
						put(&b, in + i, j - i);
					else
						put(&b, in + j + 3, second);
					p += 2;
				} else {
					put(&b, p, 1);
				}
			}
			i = j + 3 + second;
			continue;
		}
		if (lang == HALL_LANG_KO && !dots && j - i == 4 && in[j] == '.' && in[j + 1] == ' ') {
			/* "2022. 12. 28.": 2022년 12월 28일 */
			out_buf mark = b;
			put(&b, in + i, 4);
			put_str(&b, "년 ");
			size_t t = ko_month_day(&b, in + j + 2);
			if (t) {
				i = j + 2 + t;
				continue;
			}
			b = mark;
			b.s[b.n] = '\0';
		}
		if (lang == HALL_LANG_EN && in[j] == 'x' && !is_letter(in[j + 1])) {
			/* "Zoom 2x" (ui_strings.c HALL_STR_ZOOM_LEVEL): "zoom two x" */
			put(&b, in + i, j - i);
			put_str(&b, " times");
			i = j + 1;
			continue;
		}
		int pct = in[j] == '%';
		if (pct && zh)
			put_str(&b, "百分之");
		put_number(&b, in + i, j - i, lang);
		if (pct && (zh || percent_word[lang])) {
			if (!zh)
				put_str(&b, percent_word[lang]);
			j++;
		}
		i = j;
	}
	return b.n;
}

/* ---------------------------------------------------------------- worker */

/* espeak-ng calls this (on the worker thread, inside espeak_ng_Synthesize) with each
 * block of samples, and with wav == NULL at the end. Returning 1 aborts the synthesis. */
static int synth_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	(void)events;
	hall_voice *v = g_voice;
	if (!v)
		return 1;
	if (!wav || numsamples <= 0) {
		pthread_mutex_lock(&v->lock);
		int stop = v->quit || v->gen != v->job_gen;
		pthread_mutex_unlock(&v->lock);
		return stop;
	}
	size_t n = (size_t)numsamples, done = 0;
	int stop = 0;
	pthread_mutex_lock(&v->lock);
	while (done < n) {
		while (!v->quit && v->gen == v->job_gen && v->ring_count == v->ring_cap)
			pthread_cond_wait(&v->space, &v->lock);
		if (v->quit || v->gen != v->job_gen) {
			stop = 1;
			break;
		}
		size_t room = v->ring_cap - v->ring_count, k = n - done < room ? n - done : room;
		for (size_t i = 0; i < k; i++)
			v->ring[(v->ring_head + v->ring_count + i) % v->ring_cap] = wav[done + i];
		v->ring_count += k;
		done += k;
		v->st.samples_made += k;
		if (v->ring_count > v->st.ring_peak)
			v->st.ring_peak = v->ring_count;
	}
	pthread_mutex_unlock(&v->lock);
	return stop;
}

static int set_voice(hall_voice *v, hall_lang lang)
{
	if ((unsigned)lang >= HALL_LANG_COUNT)
		lang = HALL_LANG_EN;
	espeak_ng_STATUS s = ENS_VOICE_NOT_FOUND;
	for (int i = 0; i < 2 && voice_names[lang][i]; i++) {
		s = espeak_ng_SetVoiceByName(voice_names[lang][i]);
		if (s == ENS_OK)
			return 0;
	}
	if (!(v->warned_lang & (1u << lang))) {
		char msg[160];
		espeak_ng_GetStatusCodeMessage(s, msg, sizeof(msg));
		hall_warn("voice: no espeak-ng voice \"%s\" for %s (%s); that language stays silent "
		          "(install espeak-ng-data)",
		          voice_names[lang][0], hall_lang_code(lang), msg);
		v->warned_lang |= 1u << lang;
	}
	return -1;
}

/* Speak text[0..len) in lang piece by piece. Returns 0 when done, -1 when superseded,
 * stopped or refused (the rest of the job is dropped). */
static int speak_part(hall_voice *v, const char *text, size_t len, hall_lang lang)
{
	char piece[PIECE_MAX + 1];
#ifdef HALL_HAVE_MECAB
	char reading[4 * PIECE_MAX + 1];
#endif
	if (set_voice(v, lang) != 0) {
		pthread_mutex_lock(&v->lock);
		v->st.failures++;
		pthread_mutex_unlock(&v->lock);
		return -1;
	}
	size_t pos = 0;
	while (pos < len) {
		size_t end = next_piece(text, len, pos);
		if (end <= pos) /* only for text that is not UTF-8: still advance, within piece[] */
			end = len - pos > PIECE_MAX ? pos + PIECE_MAX : len;
		size_t n = end - pos;
		memcpy(piece, text + pos, n);
		piece[n] = '\0';
		pos = end;
		if (lang == HALL_LANG_JA)
			ja_middle_dots(piece, n);
		const char *say = piece;
#ifdef HALL_HAVE_MECAB
		/* espeak-ng's Japanese reads kana only: give it MeCab's reading of the kanji.
		 * The reading of a piece is a few times its length at most; a longer one (never
		 * seen) falls back to the piece as written. */
		if (lang == HALL_LANG_JA && v->mecab) {
			const char *r = mecab_sparse_tostr2(v->mecab, piece, n);
			if (r && strlen(r) < sizeof(reading)) {
				memcpy(reading, r, strlen(r) + 1);
				say = reading;
			}
		}
#endif
		pthread_mutex_lock(&v->lock);
		int stop = v->quit || v->gen != v->job_gen;
		int wpm = v->base_wpm * v->rate_pct / 100;
		v->st.sentences++;
		pthread_mutex_unlock(&v->lock);
		if (stop)
			return -1;
		espeak_ng_SetParameter(espeakRATE, clampi(wpm, espeakRATE_MINIMUM, espeakRATE_MAXIMUM), 0);
		espeak_ng_STATUS s =
			espeak_ng_Synthesize(say, strlen(say) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
		if (s != ENS_OK && s != ENS_SPEECH_STOPPED) {
			char msg[160];
			espeak_ng_GetStatusCodeMessage(s, msg, sizeof(msg));
			hall_warn("voice: espeak-ng could not speak a %s sentence: %s", hall_lang_code(lang), msg);
			pthread_mutex_lock(&v->lock);
			v->st.failures++;
			pthread_mutex_unlock(&v->lock);
			return -1;
		}
	}
	return 0;
}

/* Speak v->job (len bytes) until done or superseded, part by part: each
 * HALL_APP_SPEAK_LANG + code + space starts a part in that language (app.h); a marker
 * without a known code is skipped and the text goes on in the language in force. */
static void run_job(hall_voice *v, size_t len, hall_lang lang)
{
	const char *s = v->job, *end = v->job + len;
	while (s < end) {
		const char *mark = memchr(s, HALL_APP_SPEAK_LANG, (size_t)(end - s));
		const char *stop = mark ? mark : end;
		if (stop > s) {
			/* The part with its numbers in words (hall_voice_spoken_form), logged at
			 * debug when that changed it: what the visitor hears. */
			size_t n = (size_t)(stop - s);
			char keep = s[n];
			v->job[stop - v->job] = '\0';
			size_t said = hall_voice_spoken_form(lang, s, v->spoken, v->spoken_cap);
			v->job[stop - v->job] = keep;
			if (said != n || memcmp(s, v->spoken, n) != 0)
				hall_debug("voice (%s) reads: %s", hall_lang_code(lang), v->spoken);
			if (speak_part(v, v->spoken, said, lang) != 0)
				return;
		}
		if (!mark)
			return;
		hall_lang next;
		size_t k = hall_app_speak_switch(mark + 1, &next); /* the job is NUL-terminated */
		if (k)
			lang = next;
		s = mark + 1 + k;
	}
}

static void *worker_main(void *arg)
{
	hall_voice *v = arg;
	pthread_mutex_lock(&v->lock);
	for (;;) {
		while (!v->quit && !v->has_pending)
			pthread_cond_wait(&v->work, &v->lock);
		if (v->quit)
			break;
		size_t len = strlen(v->pending);
		memcpy(v->job, v->pending, len + 1);
		hall_lang lang = v->pending_lang;
		v->has_pending = 0;
		v->job_gen = v->gen;
		v->job_active = 1;
		pthread_mutex_unlock(&v->lock);
		run_job(v, len, lang);
		pthread_mutex_lock(&v->lock);
		v->job_active = 0;
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* ---------------------------------------------------------------- create / destroy */

static hall_err start_espeak(const char *data_dir, hall_error *err)
{
	if (g_espeak == 0) {
		espeak_ng_ERROR_CONTEXT ctx = NULL;
		espeak_ng_InitializePath(data_dir);
		espeak_ng_STATUS s = espeak_ng_Initialize(&ctx);
		espeak_ng_ClearErrorContext(&ctx);
		if (s == ENS_OK)
			s = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 100, NULL);
		if (s == ENS_OK && espeak_ng_GetSampleRate() < 8000)
			s = ENS_NOT_INITIALIZED;
		if (s != ENS_OK) {
			char msg[160];
			espeak_ng_GetStatusCodeMessage(s, msg, sizeof(msg));
			snprintf(g_fail, sizeof(g_fail), "espeak-ng could not start with data from %.200s: %s",
			         data_dir ? data_dir : "the system's espeak-ng-data", msg);
			g_espeak = -1;
		} else {
			g_rate = espeak_ng_GetSampleRate();
			espeak_SetSynthCallback(synth_cb);
			g_espeak = 1;
		}
	}
	if (g_espeak < 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "voice", "%s (install espeak-ng-data)", g_fail);
	return HALL_OK;
}

hall_err hall_voice_create(const hall_voice_options *opts, hall_voice **out, hall_error *err)
{
	hall_err rc = HALL_OK;
	hall_voice *v = NULL;
	int locked_inited = 0, cond_inited = 0;
	if (!opts || !out)
		return hall_error_set(err, HALL_ERR_INVALID, "voice", "no options or no result pointer");
	*out = NULL;
	pthread_mutex_lock(&g_lock);
	if (g_voice) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "voice", "a voice engine is already running in this process");
		goto fail;
	}
	rc = start_espeak(opts->data_dir, err);
	if (rc != HALL_OK)
		goto fail;
	v = calloc(1, sizeof(*v));
	if (!v)
		goto nomem;
	v->rate = g_rate;
	v->text_max = opts->max_text_bytes ? opts->max_text_bytes : DEFAULT_TEXT_MAX;
	v->volume_cap = clampi(opts->volume, 0, 100);
	v->base_wpm = clampi(opts->rate_wpm > 0 ? opts->rate_wpm : espeakRATE_NORMAL, espeakRATE_MINIMUM,
	                     espeakRATE_MAXIMUM);
	v->volume_pct = 100;
	v->rate_pct = 100;
	v->tone_cur = -1;
	v->ring_cap = (size_t)v->rate * VOICE_RING_S;
	v->st.ring_capacity = v->ring_cap;
	v->pending = malloc(v->text_max + 1);
	v->last = malloc(v->text_max + 1);
	v->job = malloc(v->text_max + 1);
	v->spoken_cap = 4 * v->text_max + 1; /* "%" is "百分之": a few times longer at most */
	v->spoken = malloc(v->spoken_cap);
	v->ring = malloc(v->ring_cap * sizeof(int16_t));
	if (!v->pending || !v->last || !v->job || !v->spoken || !v->ring)
		goto nomem;
	for (int i = 0; i < 3; i++) {
		size_t n = 0;
		hall_voice_tone((hall_app_sound)i, v->rate, NULL, 0, &n);
		v->tone[i] = malloc(n * sizeof(int16_t));
		if (!v->tone[i])
			goto nomem;
		hall_voice_tone((hall_app_sound)i, v->rate, v->tone[i], n, &v->tone_len[i]);
	}
#ifdef HALL_HAVE_MECAB
	v->mecab = mecab_new2(MECAB_ARGS);
	if (!v->mecab)
		hall_warn("voice: Japanese kanji will be named, not read: MeCab could not start (%s; install "
		          "mecab-ipadic-utf8)",
		          mecab_strerror(NULL));
#endif
	if (pthread_mutex_init(&v->lock, NULL) != 0)
		goto nomem;
	locked_inited = 1;
	if (pthread_cond_init(&v->work, NULL) != 0)
		goto nomem;
	if (pthread_cond_init(&v->space, NULL) != 0) {
		pthread_cond_destroy(&v->work);
		goto nomem;
	}
	cond_inited = 1;
	g_voice = v;
	if (pthread_create(&v->thread, NULL, worker_main, v) != 0) {
		g_voice = NULL;
		rc = hall_error_set(err, HALL_ERR_NOMEM, "voice", "cannot start the speech thread");
		goto fail;
	}
	v->thread_started = 1;
	pthread_mutex_unlock(&g_lock);
	*out = v;
	return HALL_OK;
nomem:
	rc = hall_error_set(err, HALL_ERR_NOMEM, "voice", "out of memory");
fail:
	pthread_mutex_unlock(&g_lock);
	if (v) {
		if (cond_inited) {
			pthread_cond_destroy(&v->work);
			pthread_cond_destroy(&v->space);
		}
		if (locked_inited)
			pthread_mutex_destroy(&v->lock);
		for (int i = 0; i < 3; i++)
			free(v->tone[i]);
#ifdef HALL_HAVE_MECAB
		if (v->mecab)
			mecab_destroy(v->mecab);
#endif
		free(v->pending);
		free(v->last);
		free(v->job);
		free(v->spoken);
		free(v->ring);
		free(v);
	}
	return rc;
}

void hall_voice_destroy(hall_voice *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->quit = 1;
	v->gen++;
	pthread_cond_broadcast(&v->work);
	pthread_cond_broadcast(&v->space);
	pthread_mutex_unlock(&v->lock);
	if (v->thread_started)
		pthread_join(v->thread, NULL);
	pthread_mutex_lock(&g_lock);
	g_voice = NULL;
	pthread_mutex_unlock(&g_lock);
	pthread_cond_destroy(&v->work);
	pthread_cond_destroy(&v->space);
	pthread_mutex_destroy(&v->lock);
	for (int i = 0; i < 3; i++)
		free(v->tone[i]);
#ifdef HALL_HAVE_MECAB
	if (v->mecab)
		mecab_destroy(v->mecab);
#endif
	free(v->pending);
	free(v->last);
	free(v->job);
	free(v->spoken);
	free(v->ring);
	free(v);
}

int hall_voice_reads_kanji(const hall_voice *v)
{
#ifdef HALL_HAVE_MECAB
	return v && v->mecab;
#else
	(void)v;
	return 0;
#endif
}

int hall_voice_sample_rate(const hall_voice *v)
{
	return v ? v->rate : 0;
}

/* ---------------------------------------------------------------- requests */

/* Caller holds the lock: cancel the job in progress, drop its audio, empty the slot. */
static void stop_locked(hall_voice *v)
{
	v->gen++;
	v->has_pending = 0;
	v->ring_head = v->ring_count = 0;
	pthread_cond_broadcast(&v->space);
}

static void queue_locked(hall_voice *v, const char *text, size_t len, hall_lang lang)
{
	stop_locked(v);
	if (len == 0)
		return;
	memcpy(v->pending, text, len);
	v->pending[len] = '\0';
	v->pending_lang = lang;
	v->has_pending = 1;
	pthread_cond_signal(&v->work);
}

void hall_voice_speak(hall_voice *v, const char *utf8, hall_lang lang)
{
	if (!v)
		return;
	if (!utf8)
		utf8 = "";
	size_t len = strlen(utf8), n = cut_len(utf8, len, v->text_max);
	pthread_mutex_lock(&v->lock);
	if (n < len)
		v->st.truncated++;
	memcpy(v->last, utf8, n);
	v->last[n] = '\0';
	v->last_lang = lang;
	v->has_last = n > 0;
	queue_locked(v, utf8, n, lang);
	pthread_mutex_unlock(&v->lock);
}

void hall_voice_replay(hall_voice *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	if (v->has_last)
		queue_locked(v, v->last, strlen(v->last), v->last_lang);
	pthread_mutex_unlock(&v->lock);
}

void hall_voice_stop(hall_voice *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	stop_locked(v);
	pthread_mutex_unlock(&v->lock);
}

void hall_voice_set_speech(hall_voice *v, const hall_app_speech *s)
{
	if (!v || !s)
		return;
	pthread_mutex_lock(&v->lock);
	if (v->enabled && !s->enabled)
		stop_locked(v);
	v->enabled = s->enabled != 0;
	v->volume_pct = clampi(s->volume_pct, 0, 100);
	v->rate_pct = clampi(s->rate_pct, 50, 200);
	v->paused = s->paused != 0;
	pthread_mutex_unlock(&v->lock);
}

void hall_voice_play_sound(hall_voice *v, hall_app_sound s)
{
	if (!v || (unsigned)s > HALL_APP_SOUND_WARNING)
		return;
	pthread_mutex_lock(&v->lock);
	v->tone_cur = (int)s;
	v->tone_pos = 0;
	pthread_mutex_unlock(&v->lock);
}

/* ---------------------------------------------------------------- playing */

size_t hall_voice_mix(hall_voice *v, int16_t *out, size_t frames)
{
	if (!out)
		return 0;
	memset(out, 0, frames * sizeof(int16_t));
	if (!v)
		return 0;
	size_t spoken = 0;
	pthread_mutex_lock(&v->lock);
	/* Loudest = the configured level; the visitor's volume is a share of it. */
	double gain = (double)v->volume_cap / 100.0 * (double)v->volume_pct / 100.0;
	if (!v->paused && v->ring_count > 0) {
		spoken = frames < v->ring_count ? frames : v->ring_count;
		for (size_t i = 0; i < spoken; i++)
			out[i] = (int16_t)lrint(v->ring[(v->ring_head + i) % v->ring_cap] * gain);
		v->ring_head = (v->ring_head + spoken) % v->ring_cap;
		v->ring_count -= spoken;
		pthread_cond_signal(&v->space);
	}
	if (v->tone_cur >= 0) {
		const int16_t *t = v->tone[v->tone_cur];
		size_t len = v->tone_len[v->tone_cur];
		for (size_t i = 0; i < frames && v->tone_pos < len; i++, v->tone_pos++) {
			long s = out[i] + lrint(t[v->tone_pos] * gain);
			out[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
		}
		if (v->tone_pos >= len)
			v->tone_cur = -1;
	}
	pthread_mutex_unlock(&v->lock);
	return spoken;
}

int hall_voice_busy(hall_voice *v)
{
	if (!v)
		return 0;
	pthread_mutex_lock(&v->lock);
	int busy = v->has_pending || v->job_active || v->ring_count > 0;
	pthread_mutex_unlock(&v->lock);
	return busy;
}

void hall_voice_get_stats(hall_voice *v, hall_voice_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	*out = v->st;
	pthread_mutex_unlock(&v->lock);
}
