/* lang.c: language codes of the hall's five screen languages. */
#include "hall/lang.h"

#include <string.h>

static const char *const codes[HALL_LANG_COUNT] = {"ko", "en", "zh-Hans", "zh-Hant", "ja"};
static const char *const native[HALL_LANG_COUNT] = {"한국어", "English", "简体中文", "繁體中文", "日本語"};

const char *hall_lang_code(hall_lang lang)
{
	return (unsigned)lang < HALL_LANG_COUNT ? codes[lang] : "?";
}

int hall_lang_from_code(const char *code, hall_lang *out)
{
	if (!code)
		return -1;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		if (strcmp(code, codes[i]) == 0) {
			if (out)
				*out = (hall_lang)i;
			return 0;
		}
	}
	return -1;
}

const char *hall_lang_native_name(hall_lang lang)
{
	return (unsigned)lang < HALL_LANG_COUNT ? native[lang] : "?";
}
