/* topics.c: the topic tree of docs/protocol.md, built and split in one place. */
#include "hall/topics.h"

#include <stdio.h>
#include <string.h>

#include "hall/sha256.h"

int hall_id_is_valid(const char *id)
{
	if (!id)
		return 0;
	size_t n = strlen(id);
	if (n < 1 || n > HALL_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int leaf_is_valid(const char *leaf)
{
	return leaf && *leaf && !strchr(leaf, '/') && !strchr(leaf, '+') && !strchr(leaf, '#');
}

/* snprintf's result to 0 (fitted) or -1 (error or truncated). */
static int fitted(int n, size_t len)
{
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

#define PFX(prefix) ((prefix) ? (prefix) : HALL_TOPIC_PREFIX_DEFAULT)

int hall_topic_kiosk(char *out, size_t len, const char *prefix, const char *id, const char *leaf)
{
	if (!hall_id_is_valid(id) || !leaf_is_valid(leaf))
		return -1;
	return fitted(snprintf(out, len, "%s/kiosk/%s/%s", PFX(prefix), id, leaf), len);
}

int hall_topic_ctl_kiosk(char *out, size_t len, const char *prefix, const char *id, const char *leaf)
{
	if (!hall_id_is_valid(id) || !leaf_is_valid(leaf))
		return -1;
	return fitted(snprintf(out, len, "%s/ctl/kiosk/%s/%s", PFX(prefix), id, leaf), len);
}

int hall_topic_ctl_group(char *out, size_t len, const char *prefix, const char *group, const char *leaf)
{
	if (!hall_id_is_valid(group) || !leaf_is_valid(leaf))
		return -1;
	return fitted(snprintf(out, len, "%s/ctl/group/%s/%s", PFX(prefix), group, leaf), len);
}

int hall_topic_ctl_all(char *out, size_t len, const char *prefix, const char *leaf)
{
	if (!leaf_is_valid(leaf))
		return -1;
	return fitted(snprintf(out, len, "%s/ctl/all/%s", PFX(prefix), leaf), len);
}

int hall_topic_ctl_asset(char *out, size_t len, const char *prefix, const char *sha256_hex)
{
	if (!hall_sha256_is_hex(sha256_hex))
		return -1;
	return fitted(snprintf(out, len, "%s/ctl/asset/%s", PFX(prefix), sha256_hex), len);
}

int hall_topic_ctl_poll_results(char *out, size_t len, const char *prefix, const char *poll_id)
{
	if (!hall_id_is_valid(poll_id))
		return -1;
	return fitted(snprintf(out, len, "%s/ctl/poll/%s/results", PFX(prefix), poll_id), len);
}

int hall_topic_ctl_controller_status(char *out, size_t len, const char *prefix)
{
	return fitted(snprintf(out, len, "%s/ctl/controller/status", PFX(prefix)), len);
}

int hall_topic_parse_kiosk(const char *topic, const char *prefix, char *id, size_t id_len, char *leaf,
                           size_t leaf_len)
{
	if (!topic)
		return -1;
	if (!prefix)
		prefix = HALL_TOPIC_PREFIX_DEFAULT;
	size_t pl = strlen(prefix);
	if (strncmp(topic, prefix, pl) != 0 || strncmp(topic + pl, "/kiosk/", 7) != 0)
		return -1;
	const char *p = topic + pl + 7;
	const char *slash = strchr(p, '/');
	if (!slash)
		return -1;
	size_t il = (size_t)(slash - p);
	const char *l = slash + 1;
	size_t ll = strlen(l);
	if (il == 0 || il >= id_len || ll == 0 || ll >= leaf_len || strchr(l, '/'))
		return -1;
	memcpy(id, p, il);
	id[il] = '\0';
	if (!hall_id_is_valid(id))
		return -1;
	memcpy(leaf, l, ll + 1);
	return 0;
}
