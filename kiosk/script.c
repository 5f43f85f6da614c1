/* script.c: parser and player of the --script format (see script.h, docs/script.md). */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/fsutil.h"

static const char *const op_names[] = {"wait", "tap",  "tap-id",       "key",       "shot",   "dump",
                                       "quit", "wait-content", "wait-file", "find-id", "pages", "notice"};

const char *hall_script_op_name(hall_script_op op)
{
	return (unsigned)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split a line (already without its comment) into at most `max` words in place. */
static int split_words(char *s, char **words, int max)
{
	int n = 0;
	while (*s) {
		while (is_blank(*s))
			*s++ = '\0';
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		words[n++] = s;
		while (*s && !is_blank(*s))
			s++;
	}
	return n;
}

static int parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || end == s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

/* Parse one line's words into *a; 0, or -1 with the reason in err. */
static int parse_action(char **w, int nw, hall_script_action *a, const char *where, hall_error *err)
{
	const char *op = w[0];
	long long v, v2;
	if (strcmp(op, "wait-content") == 0) {
		if (nw != 2 || parse_int(w[1], 0, HALL_SCRIPT_WAIT_MAX, &v) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, where, "wait-content: expected one integer MS 0..%d",
			                      HALL_SCRIPT_WAIT_MAX), -1;
		a->op = HALL_SCRIPT_WAIT_CONTENT;
		a->ms = v;
	} else if (strcmp(op, "wait-file") == 0) {
		if (nw != 3 || !valid_name(w[1]) || parse_int(w[2], 0, HALL_SCRIPT_WAIT_MAX, &v) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, where,
			                      "wait-file: expected a NAME (1..64 letters, digits, '.', '_' or '-', not "
			                      "starting with '.') and an integer MS 0..%d", HALL_SCRIPT_WAIT_MAX), -1;
		a->op = HALL_SCRIPT_WAIT_FILE;
		strcpy(a->arg, w[1]);
		a->ms = v;
	} else if (strcmp(op, "wait") == 0) {
		if (nw != 2 || parse_int(w[1], 0, HALL_SCRIPT_WAIT_MAX, &v) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, where, "wait: expected one integer MS 0..%d",
			                      HALL_SCRIPT_WAIT_MAX), -1;
		a->op = HALL_SCRIPT_WAIT;
		a->ms = v;
	} else if (strcmp(op, "tap") == 0) {
		if (nw != 3 || parse_int(w[1], 0, 100000, &v) != 0 || parse_int(w[2], 0, 100000, &v2) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, where, "tap: expected X and Y as integers >= 0"), -1;
		a->op = HALL_SCRIPT_TAP;
		a->x = (int)v;
		a->y = (int)v2;
	} else if (strcmp(op, "tap-id") == 0 || strcmp(op, "find-id") == 0) {
		if (nw != 2 || strlen(w[1]) >= HALL_SCRIPT_ARG_MAX)
			return hall_error_set(err, HALL_ERR_INVALID, where, "%s: expected one ID (no spaces, < %d bytes)", op,
			                      HALL_SCRIPT_ARG_MAX), -1;
		a->op = op[0] == 't' ? HALL_SCRIPT_TAP_ID : HALL_SCRIPT_FIND_ID;
		strcpy(a->arg, w[1]);
	} else if (strcmp(op, "pages") == 0) {
		/* NAME is shot with "-<page>" after it: 60 more bytes leave room for it */
		if (nw != 3 || !valid_name(w[1]) || strlen(w[1]) > 60 || strlen(w[2]) >= HALL_SCRIPT_ARG_MAX)
			return hall_error_set(err, HALL_ERR_INVALID, where,
			                      "pages: expected a NAME (1..60 letters, digits, '.', '_' or '-', not starting "
			                      "with '.') and the ID of the control that turns the page"), -1;
		a->op = HALL_SCRIPT_PAGES;
		strcpy(a->arg, w[1]);
		strcpy(a->arg2, w[2]);
	} else if (strcmp(op, "key") == 0) {
		if (nw < 2)
			return hall_error_set(err, HALL_ERR_INVALID, where, "key: expected a key NAME"), -1;
		/* SDL key names may hold spaces ("Keypad Enter"): the rest of the line is the name */
		size_t len = 0;
		for (int i = 1; i < nw; i++)
			len += strlen(w[i]) + 1;
		if (len > HALL_SCRIPT_ARG_MAX)
			return hall_error_set(err, HALL_ERR_INVALID, where, "key: name too long"), -1;
		a->op = HALL_SCRIPT_KEY;
		a->arg[0] = '\0';
		for (int i = 1; i < nw; i++) {
			if (i > 1)
				strcat(a->arg, " ");
			strcat(a->arg, w[i]);
		}
	} else if (strcmp(op, "shot") == 0 || strcmp(op, "dump") == 0) {
		if (nw != 2 || !valid_name(w[1]))
			return hall_error_set(err, HALL_ERR_INVALID, where,
			                      "%s: expected one NAME of 1..64 letters, digits, '.', '_' or '-' "
			                      "(not starting with '.')", op), -1;
		a->op = op[0] == 's' ? HALL_SCRIPT_SHOT : HALL_SCRIPT_DUMP;
		strcpy(a->arg, w[1]);
	} else if (strcmp(op, "notice") == 0) {
		if (nw != 2 || !valid_name(w[1]))
			return hall_error_set(err, HALL_ERR_INVALID, where,
			                      "notice: expected one NAME of 1..64 letters, digits, '.', '_' or '-' "
			                      "(not starting with '.'), or off"), -1;
		a->op = HALL_SCRIPT_NOTICE;
		if (strcmp(w[1], "off") != 0)
			strcpy(a->arg, w[1]);
	} else if (strcmp(op, "quit") == 0) {
		if (nw != 1)
			return hall_error_set(err, HALL_ERR_INVALID, where, "quit: takes no arguments"), -1;
		a->op = HALL_SCRIPT_QUIT;
	} else {
		return hall_error_set(err, HALL_ERR_INVALID, where,
		                      "unknown action \"%.40s\" (expected wait, wait-content, wait-file, tap, tap-id, find-id, key, "
		                      "shot, pages, dump, notice or quit)", op), -1;
	}
	return 0;
}

hall_err hall_script_parse(const char *buf, size_t len, const char *source, hall_script **out, hall_error *err)
{
	hall_err rc = HALL_OK;
	hall_script *s = NULL;
	char *copy = NULL;
	*out = NULL;
	if (!source)
		source = "script";
	if (!buf && len > 0)
		return hall_error_set(err, HALL_ERR_INVALID, source, "no script text");
	s = calloc(1, sizeof(*s));
	copy = malloc(len + 1);
	if (!s || !copy) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, source, "out of memory");
		goto fail;
	}
	snprintf(s->source, sizeof(s->source), "%s", source);
	if (len)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	if (strlen(copy) != len) {
		rc = hall_error_set(err, HALL_ERR_INVALID, source, "the script holds a NUL byte");
		goto fail;
	}
	size_t cap = 0;
	int line = 0;
	char *p = copy;
	while (p && *p) {
		line++;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		char *w[HALL_SCRIPT_ARG_MAX];
		int nw = split_words(p, w, HALL_SCRIPT_ARG_MAX);
		if (nw > 0) {
			char where[300];
			snprintf(where, sizeof(where), "%s:%d", source, line);
			if (nw > HALL_SCRIPT_ARG_MAX) {
				rc = hall_error_set(err, HALL_ERR_INVALID, where, "too many words");
				goto fail;
			}
			if (s->n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				hall_script_action *na = realloc(s->actions, ncap * sizeof(*na));
				if (!na) {
					rc = hall_error_set(err, HALL_ERR_NOMEM, source, "out of memory");
					goto fail;
				}
				s->actions = na;
				cap = ncap;
			}
			hall_script_action *a = &s->actions[s->n];
			memset(a, 0, sizeof(*a));
			a->line = line;
			if (parse_action(w, nw, a, where, err) != 0) {
				rc = HALL_ERR_INVALID;
				goto fail;
			}
			s->n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	free(copy);
	*out = s;
	return HALL_OK;
fail:
	free(copy);
	hall_script_free(s);
	return rc;
}

hall_err hall_script_load(const char *path, hall_script **out, hall_error *err)
{
	char *data = NULL;
	size_t len = 0;
	*out = NULL;
	hall_err rc = hall_fs_read_file(path, HALL_SCRIPT_FILE_MAX, &data, &len, err);
	if (rc != HALL_OK)
		return rc;
	rc = hall_script_parse(data, len, path, out, err);
	free(data);
	return rc;
}

void hall_script_free(hall_script *s)
{
	if (!s)
		return;
	free(s->actions);
	free(s);
}

void hall_script_player_init(hall_script_player *p, const hall_script *s, int64_t now_ms)
{
	p->script = s;
	p->next = 0;
	p->due_ms = now_ms;
}

const hall_script_action *hall_script_player_next(hall_script_player *p, int64_t now_ms)
{
	while (p->script && p->next < p->script->n && now_ms >= p->due_ms) {
		const hall_script_action *a = &p->script->actions[p->next++];
		if (a->op == HALL_SCRIPT_WAIT) {
			p->due_ms = now_ms + a->ms;
			continue;
		}
		return a;
	}
	return NULL;
}

int hall_script_player_done(const hall_script_player *p)
{
	return !p->script || p->next >= p->script->n;
}

int64_t hall_script_player_due(const hall_script_player *p)
{
	return hall_script_player_done(p) ? INT64_MAX : p->due_ms;
}
