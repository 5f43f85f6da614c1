/* hall/lang.h: the five languages of the hall's screens (DESIGN.md: the city's
 * foreign-language sites). Codes on the wire and in content: "ko", "en", "zh-Hans",
 * "zh-Hant", "ja". Every module uses this enum; nothing defines its own. */
#ifndef HALL_LANG_H
#define HALL_LANG_H

typedef enum hall_lang {
	HALL_LANG_KO,
	HALL_LANG_EN,
	HALL_LANG_ZH_HANS,
	HALL_LANG_ZH_HANT,
	HALL_LANG_JA,
	HALL_LANG_COUNT
} hall_lang;

/* "ko", "en", "zh-Hans", "zh-Hant", "ja"; "?" for an out-of-range value. */
const char *hall_lang_code(hall_lang lang);
/* The code's language into *out; returns 0, or -1 for an unknown code. */
int hall_lang_from_code(const char *code, hall_lang *out);
/* The language's own name, for the language menu ("한국어", "English", "简体中文", "繁體中文", "日本語"). */
const char *hall_lang_native_name(hall_lang lang);

#endif
