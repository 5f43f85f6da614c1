/* text_sdl.c: SDL_ttf fonts by language, a measurement cache and an LRU texture cache. */
#include "text_sdl.h"

#include <SDL_ttf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/log.h"

/* Open (face, weight) fonts, least recently used closed first. Each open Noto CJK face
 * costs about 2.7 MB (FreeType's and HarfBuzz's tables), and the full tour of
 * bench/kiosk (five languages, large text) opens 18: at 48 the kiosk peaked at 111 MB.
 * 6 holds the language dialog (four faces) and the current language's regular and bold.
 * A font serves every size: it is switched to the size asked for (TTF_SetFontSize, a
 * FreeType size change and SDL_ttf's glyph cache emptied, well under a millisecond)
 * instead of a font per (face, size, weight): with fonts by size the tour's type scale
 * (six sizes, twice that in large text) turned the six slots over and reopened faces 283
 * times a run (about 1 ms each, 25-180 ms on the loaded machine), most of them in the
 * frame of an input (bench/kiosk, BENCHMARKS.md). */
#define MAX_FONTS 6
#define TEX_MAX_ENTRIES 2048
/* 12 MiB of RGBA: a large-text screen's lines are big (a paragraph line of 1,800 x 80 px
 * is 576 KB), and with 8 MiB the screen on show and the one being warmed evicted each
 * other: the first large-text views took 9-14 ms to show (bench/kiosk, BENCHMARKS.md).
 * 16 MiB put the tour's peak RSS over 100 MB once every language drew its attract poster. */
#define TEX_MAX_PIXELS (3u * 1024u * 1024u)
#define TEX_BUCKETS 4096                    /* power of two */
/* Measurements: MEASURE_SLOTS in sets of MEASURE_WAYS, least recently used replaced in
 * a set. Direct-mapped (and keyed by FNV-1a's poorly mixed low bits, see text_hash), a
 * screen's strings evicted each other's sizes and those of the screens being warmed, and
 * the input that showed such a screen measured them again in its frame (bench/kiosk).
 * Sets of 16: 4,000 strings measured twice in turn are measured once (8,192 slots in sets of 4 measured
 * 518 of them again, LRU in a set overfilled by a cycle misses every time). */
#define MEASURE_SLOTS 16384                 /* power of two; 40 bytes each */
#define MEASURE_WAYS 16                     /* power of two */
#define MAX_PX 1024
/* A deferring draw (hall_ttf_defer_until) opens a font only with this much time left
 * before its deadline: opening a Noto CJK face took 1-3 ms here, 25-90 ms on the loaded
 * machine, and in the frame of an input (after a language change) it was that input's
 * whole delay. */
#define FONT_OPEN_RESERVE_US 3000

typedef struct font_slot {
	int face, px, bold;
	TTF_Font *font;
	uint64_t used; /* tick of last use, for eviction */
} font_slot;

typedef struct tex_entry {
	struct tex_entry *hnext;             /* bucket chain */
	struct tex_entry *lru_prev, *lru_next; /* most recent at head */
	uint32_t hash;
	int face, px, bold;
	hall_rgba color;
	SDL_Texture *tex;
	int w, h;
	char *text;
	unsigned long drawn; /* hall_ttf.draw_no of the last draw that used it */
} tex_entry;

/* A measured string is kept as its 64-bit hash and length, not a copy: the cache's
 * thousands of strings (paragraph prefixes of large text, hundreds of bytes each) cost a
 * megabyte or two of the resident set, close to the 100 MB limit. Two strings of one
 * length in one face and size with the same 64-bit hash: about one chance in 10^11 over
 * a whole tour of the kiosk's strings; its cost would be one line laid out at the other
 * string's width. */
typedef struct measure_slot {
	uint64_t hash;
	uint32_t len;
	int face, px, bold;
	int w, h;
	uint32_t used;  /* hall_ttf.measure_tick at the last hit or fill; 0 = empty slot */
} measure_slot;

/* A font file open for reading. SDL_ttf hands FreeType a stream over an SDL_RWops; over
 * SDL_RWFromFile that is stdio, and every access (each glyph outline, each table) is an
 * fseek that drops stdio's buffer (an lseek) and a read() that refills 4 KB: bench/kiosk's
 * profile showed those syscalls at about a tenth of the kiosk's CPU (263,000 lseek and
 * read calls in the first 120 lines of the tour). Here reads are served from a window of
 * PREAD_WINDOW bytes that one pread() refills at the offset asked for: FreeType reads a
 * table in small pieces, and a glyph's outline in turns with the offsets that find it, so
 * a few windows (least recently used refilled) make most reads a memcpy. (A mapping of the file would cost no syscall at
 * all, but its pages count in the resident set: the tour's peak RSS went from 92 to
 * 116 MB, over the 100 MB target.) */
typedef struct font_file {
	int fd; /* -1: not open, the font is opened by path */
} font_file;

#define PREAD_WINDOW 4096
#define PREAD_WINDOWS 4

typedef struct pread_win {
	Sint64 at;      /* file offset of data[0] */
	size_t len;     /* bytes valid in data */
	unsigned long used;
	unsigned char data[PREAD_WINDOW];
} pread_win;

typedef struct pread_rw {
	int fd;
	Sint64 size, pos;
	unsigned long tick;
	pread_win win[PREAD_WINDOWS];
} pread_rw;
struct hall_ttf {
	SDL_Renderer *renderer;
	char *regular_path, *bold_path;
	font_file regular_file, bold_file;
	int have_bold_file;
	font_slot fonts[MAX_FONTS];
	size_t nfonts;
	uint64_t tick;
	tex_entry *buckets[TEX_BUCKETS];
	tex_entry *lru_head, *lru_tail;
	size_t ntex;
	size_t tex_pixels;
	unsigned long created;
	unsigned long draw_no; /* draws begun (hall_ttf_draw_begin) */
	int drawing;           /* between hall_ttf_draw_begin and _end */
	measure_slot *measure;
	uint32_t measure_tick;
	char *buf;       /* scratch for NUL-terminating measured ranges */
	size_t buf_cap;
	int warned_font, warned_render;
	unsigned checked_faces; /* bit per face index whose script coverage was checked */
	hall_ttf_cost cost;
	Uint64 defer_deadline;  /* hall_ttf_defer_until; 0 = none */
	unsigned long deferred;
};

static double ms_since(Uint64 t0)
{
	return (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

void hall_ttf_get_cost(const hall_ttf *t, hall_ttf_cost *out)
{
	if (t)
		*out = t->cost;
	else
		memset(out, 0, sizeof(*out));
}

int hall_ttf_face_index(hall_lang lang)
{
	switch (lang) {
	case HALL_LANG_JA: return 0;
	case HALL_LANG_KO: return 1;
	case HALL_LANG_EN: return 1;
	case HALL_LANG_ZH_HANS: return 2;
	case HALL_LANG_ZH_HANT: return 3;
	case HALL_LANG_COUNT: break;
	}
	return 1;
}

/* The caches' key: FNV-1a (64-bit) of the key's ints, then of the text, with murmur3's
 * 64-bit finaliser. FNV-1a's low bits depend only on the low bits of each byte (a
 * multiply carries upwards only): with them picking the slot, strings that differ in a
 * digit or two fell in a few slots of the measurement cache and evicted each other; the
 * finaliser mixes the high bits down first. */
static uint64_t text_hash(const char *s, size_t n, const int *k, size_t nk)
{
	uint64_t h = 14695981039346656037u;
	const unsigned char *b = (const unsigned char *)k;
	for (size_t i = 0; i < nk * sizeof(int); i++)
		h = (h ^ b[i]) * 1099511628211u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return h;
}

/* The texture cache's key. */
static uint32_t key_hash(const char *s, size_t n, int face, int px, int bold, hall_rgba c)
{
	int k[4] = {face, px, bold, (int)((uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a)};
	return (uint32_t)text_hash(s, n, k, 4);
}

/* The measurement cache's key. */
static uint64_t measure_hash(const char *s, size_t n, int face, int px, int bold)
{
	int k[3] = {face, px, bold};
	return text_hash(s, n, k, 3);
}

static font_file open_font_file(const char *path)
{
	font_file f = {open(path, O_RDONLY | O_CLOEXEC)};
	return f;
}

static void close_font_file(font_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static Sint64 prw_size(SDL_RWops *rw)
{
	return ((pread_rw *)rw->hidden.unknown.data1)->size;
}

static Sint64 prw_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
	pread_rw *p = rw->hidden.unknown.data1;
	Sint64 base = whence == RW_SEEK_SET ? 0 : whence == RW_SEEK_CUR ? p->pos : p->size;
	if (base + offset < 0)
		return SDL_SetError("seek before the start of the font");
	p->pos = base + offset;
	return p->pos;
}

static size_t prw_read(SDL_RWops *rw, void *ptr, size_t size, size_t maxnum)
{
	pread_rw *p = rw->hidden.unknown.data1;
	if (size == 0 || maxnum == 0 || p->pos >= p->size)
		return 0;
	size_t want = size * maxnum, got = 0;
	if ((Sint64)want > p->size - p->pos)
		want = (size_t)(p->size - p->pos);
	while (got < want) {
		Sint64 at = p->pos + (Sint64)got;
		pread_win *w = NULL, *lru = &p->win[0];
		for (int i = 0; i < PREAD_WINDOWS && !w; i++) {
			if (at >= p->win[i].at && at < p->win[i].at + (Sint64)p->win[i].len)
				w = &p->win[i];
			else if (p->win[i].used < lru->used)
				lru = &p->win[i];
		}
		if (w) {
			size_t off = (size_t)(at - w->at), k = w->len - off;
			if (k > want - got)
				k = want - got;
			memcpy((char *)ptr + got, w->data + off, k);
			w->used = ++p->tick;
			got += k;
			continue;
		}
		if (want - got >= PREAD_WINDOW) { /* a large read goes straight to the caller */
			ssize_t n = pread(p->fd, (char *)ptr + got, want - got, (off_t)at);
			if (n <= 0)
				break;
			got += (size_t)n;
			continue;
		}
		ssize_t n = pread(p->fd, lru->data, PREAD_WINDOW, (off_t)at);
		if (n <= 0)
			break;
		lru->at = at;
		lru->len = (size_t)n;
	}
	p->pos += (Sint64)got;
	return got / size;
}

static size_t prw_write(SDL_RWops *rw, const void *ptr, size_t size, size_t num)
{
	(void)rw;
	(void)ptr;
	(void)size;
	(void)num;
	SDL_SetError("fonts are read-only");
	return 0;
}

static int prw_close(SDL_RWops *rw)
{
	free(rw->hidden.unknown.data1); /* the fd is the hall_ttf's, shared by its fonts */
	SDL_FreeRW(rw);
	return 0;
}

/* Face `face` of the font at path at px, read through f's descriptor with pread when it
 * is open (by path otherwise). */
static TTF_Font *open_font(const font_file *f, const char *path, int px, int face)
{
	struct stat st;
	if (f->fd < 0 || fstat(f->fd, &st) != 0)
		return TTF_OpenFontIndex(path, px, face);
	pread_rw *p = malloc(sizeof(*p));
	SDL_RWops *rw = p ? SDL_AllocRW() : NULL;
	if (!rw) {
		free(p);
		return NULL;
	}
	static const SDL_RWops prw_ops = {.size = prw_size, .seek = prw_seek, .read = prw_read, .write = prw_write,
	                                  .close = prw_close, .type = SDL_RWOPS_UNKNOWN};
	memset(p, 0, sizeof(*p));
	p->fd = f->fd;
	p->size = (Sint64)st.st_size;
	*rw = prw_ops;
	rw->hidden.unknown.data1 = p;
	return TTF_OpenFontIndexRW(rw, 1, px, face);
}

static int file_readable(const char *path)
{
	SDL_RWops *rw = SDL_RWFromFile(path, "rb");
	if (!rw)
		return 0;
	SDL_RWclose(rw);
	return 1;
}

hall_err hall_ttf_create(SDL_Renderer *renderer, const char *regular_ttc, const char *bold_ttc, hall_ttf **out,
                          hall_error *err)
{
	hall_err rc = HALL_OK;
	hall_ttf *t = NULL;
	int ttf_up = 0;
	*out = NULL;
	if (!regular_ttc)
		regular_ttc = HALL_FONT_REGULAR_DEFAULT;
	if (!bold_ttc)
		bold_ttc = HALL_FONT_BOLD_DEFAULT;
	if (TTF_Init() != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "SDL_ttf init failed: %s", TTF_GetError());
		goto fail;
	}
	ttf_up = 1;
	if (!file_readable(regular_ttc)) {
		rc = hall_error_set(err, HALL_ERR_NOT_FOUND, regular_ttc,
		                    "cannot open the font file (install fonts-noto-cjk or set the font path)");
		goto fail;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->measure = calloc(MEASURE_SLOTS, sizeof(measure_slot))) ||
	    !(t->regular_path = strdup(regular_ttc)) || !(t->bold_path = strdup(bold_ttc))) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
		goto fail;
	}
	t->renderer = renderer;
	t->regular_file = open_font_file(regular_ttc);
	t->bold_file = (font_file){-1};
	t->have_bold_file = file_readable(bold_ttc);
	if (t->have_bold_file)
		t->bold_file = open_font_file(bold_ttc);
	if (!t->have_bold_file)
		hall_warn("%s: bold font not found, using synthetic bold", bold_ttc);
	*out = t;
	return HALL_OK;
fail:
	if (t) {
		free(t->measure);
		free(t->regular_path);
		free(t->bold_path);
		free(t);
	}
	if (ttf_up)
		TTF_Quit();
	return rc;
}

static void tex_unlink(hall_ttf *t, tex_entry *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		t->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else
		t->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void tex_push_front(hall_ttf *t, tex_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = e;
	t->lru_head = e;
	if (!t->lru_tail)
		t->lru_tail = e;
}

static void tex_free(hall_ttf *t, tex_entry *e)
{
	tex_entry **pp = &t->buckets[e->hash & (TEX_BUCKETS - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	tex_unlink(t, e);
	t->ntex--;
	t->tex_pixels -= (size_t)e->w * (size_t)e->h;
	if (e->tex)
		SDL_DestroyTexture(e->tex);
	free(e->text);
	free(e);
}

void hall_ttf_destroy(hall_ttf *t)
{
	if (!t)
		return;
	while (t->lru_head)
		tex_free(t, t->lru_head);
	for (size_t i = 0; i < t->nfonts; i++)
		TTF_CloseFont(t->fonts[i].font);
	free(t->measure);
	free(t->buf);
	close_font_file(&t->regular_file);
	close_font_file(&t->bold_file);
	free(t->regular_path);
	free(t->bold_path);
	free(t);
	TTF_Quit();
}

/* 1 when a font of (face, bold) is open (at any size). */
static int font_is_open(const hall_ttf *t, int face, int bold)
{
	for (size_t i = 0; i < t->nfonts; i++)
		if (t->fonts[i].face == face && t->fonts[i].bold == bold)
			return 1;
	return 0;
}

/* The font for (face, px, bold), opened on first use; NULL when it cannot be opened. */
static TTF_Font *get_font(hall_ttf *t, int face, int px, int bold)
{
	t->tick++;
	for (size_t i = 0; i < t->nfonts; i++) {
		font_slot *f = &t->fonts[i];
		if (f->face == face && f->bold == bold) {
			if (f->px != px) {
				if (TTF_SetFontSize(f->font, px) != 0) {
					/* close it and open the face afresh at px below */
					TTF_CloseFont(f->font);
					*f = t->fonts[--t->nfonts];
					break;
				}
				f->px = px;
				t->cost.font_sizes++;
			}
			f->used = t->tick;
			return f->font;
		}
	}
	int bold_file = bold && t->have_bold_file;
	const char *path = bold_file ? t->bold_path : t->regular_path;
	Uint64 t0 = SDL_GetPerformanceCounter();
	TTF_Font *font = open_font(bold_file ? &t->bold_file : &t->regular_file, path, px, face);
	t->cost.font_opens++;
	t->cost.font_open_ms += ms_since(t0);
	if (!font) {
		if (!t->warned_font++)
			hall_error_log("%s face %d at %d px: cannot open font: %s", path, face, px, TTF_GetError());
		return NULL;
	}
	/* A font without the face's script draws nothing for its text (no tofu either): say
	 * so once, loudly, instead of showing empty buttons (a wrong fonts path in the config). */
	static const Uint32 sample[4] = {0x3042 /* あ */, 0xD55C /* 한 */, 0x4E2D /* 中 */, 0x4E2D};
	if (face >= 0 && face < 4 && !(t->checked_faces & (1u << face))) {
		t->checked_faces |= 1u << face;
		if (!TTF_GlyphIsProvided32(font, sample[face]))
			hall_error_log("%s face %d has no glyph for U+%04X: text in %s will not show (check fonts in the config)",
			               path, face, (unsigned)sample[face],
			               face == 0 ? "Japanese" : face == 1 ? "Korean" : "Chinese");
	}
	TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
	if (bold && !t->have_bold_file)
		TTF_SetFontStyle(font, TTF_STYLE_BOLD);
	font_slot *slot;
	if (t->nfonts < MAX_FONTS) {
		slot = &t->fonts[t->nfonts++];
	} else {
		/* evict the least recently used font; textures made with it stay valid */
		slot = &t->fonts[0];
		for (size_t i = 1; i < t->nfonts; i++)
			if (t->fonts[i].used < slot->used)
				slot = &t->fonts[i];
		TTF_CloseFont(slot->font);
	}
	*slot = (font_slot){face, px, bold, font, t->tick};
	return font;
}

static int clamp_px(int px)
{
	return px < 1 ? 1 : px > MAX_PX ? MAX_PX : px;
}

/* The measurement slot of a string and whether it holds that string's size: on a miss
 * the slot to fill (an empty one of its set, else the least recently used). */
static measure_slot *measure_slot_of(hall_ttf *t, const char *utf8, size_t len, int face, int px, int bold,
                                     uint64_t *hash, int *hit)
{
	*hash = measure_hash(utf8, len, face, px, bold);
	measure_slot *set = &t->measure[(*hash & (MEASURE_SLOTS / MEASURE_WAYS - 1)) * MEASURE_WAYS];
	measure_slot *victim = set;
	for (int i = 0; i < MEASURE_WAYS; i++) {
		measure_slot *m = &set[i];
		if (m->used && m->hash == *hash && m->len == len && m->face == face && m->px == px && m->bold == bold) {
			*hit = 1;
			m->used = ++t->measure_tick;
			return m;
		}
		if (m->used < victim->used)
			victim = m;
	}
	*hit = 0;
	return victim;
}

int hall_ttf_measure_cached(hall_ttf *t, const char *utf8, size_t len, int font_px, hall_lang lang, int bold)
{
	uint64_t hash;
	int hit = 0;
	if (t && utf8)
		measure_slot_of(t, utf8, len, hall_ttf_face_index(lang), clamp_px(font_px), bold ? 1 : 0, &hash, &hit);
	return hit;
}

int hall_ttf_measure(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
                      int *h)
{
	hall_ttf *t = ctx;
	int face = hall_ttf_face_index(lang);
	int px = clamp_px(font_px);
	bold = bold ? 1 : 0;
	if (!t || !utf8 || len > UINT32_MAX)
		return -1;
	uint64_t hash;
	int hit;
	measure_slot *m = measure_slot_of(t, utf8, len, face, px, bold, &hash, &hit);
	if (hit) {
		*w = m->w;
		*h = m->h;
		return 0;
	}
	Uint64 t0 = SDL_GetPerformanceCounter();
	t->cost.measures++;
	TTF_Font *font = get_font(t, face, px, bold);
	if (!font)
		return -1;
	if (len + 1 > t->buf_cap) {
		size_t cap = len + 1 > 256 ? len + 1 : 256;
		char *nb = realloc(t->buf, cap);
		if (!nb)
			return -1;
		t->buf = nb;
		t->buf_cap = cap;
	}
	memcpy(t->buf, utf8, len);
	t->buf[len] = '\0';
	int tw = 0, th = 0;
	if (len == 0) {
		th = TTF_FontHeight(font);
	} else if (TTF_SizeUTF8(font, t->buf, &tw, &th) != 0) {
		return -1;
	}
	*w = tw;
	*h = th;
	t->cost.measure_ms += ms_since(t0);
	*m = (measure_slot){hash, (uint32_t)len, face, px, bold, tw, th, ++t->measure_tick};
	return 0;
}

void hall_ttf_defer_until(hall_ttf *t, Uint64 deadline)
{
	if (t)
		t->defer_deadline = deadline;
}

unsigned long hall_ttf_deferred(const hall_ttf *t)
{
	return t ? t->deferred : 0;
}

void hall_ttf_draw_begin(hall_ttf *t)
{
	if (t) {
		t->draw_no++;
		t->drawing = 1;
	}
}

void hall_ttf_draw_end(hall_ttf *t)
{
	if (t)
		t->drawing = 0;
}

static void evict_textures(hall_ttf *t)
{
	/* Least recently used first, but never the head (the texture just made: the caller
	 * is about to draw it) nor one the last draw used (the screen on show: textures
	 * made for warming must not cost its next redraw a texture). */
	tex_entry *e = t->lru_tail;
	while (e && e != t->lru_head && (t->ntex > TEX_MAX_ENTRIES || t->tex_pixels > TEX_MAX_PIXELS)) {
		tex_entry *prev = e->lru_prev;
		if (e->drawn != t->draw_no || t->draw_no == 0)
			tex_free(t, e);
		e = prev;
	}
}

SDL_Texture *hall_ttf_texture(hall_ttf *t, const char *utf8, int font_px, hall_lang lang, int bold, hall_rgba c,
                               int *w, int *h)
{
	SDL_Surface *surf = NULL;
	SDL_Texture *tex = NULL;
	tex_entry *e = NULL;
	if (!t || !t->renderer || !utf8 || !utf8[0])
		return NULL;
	int face = hall_ttf_face_index(lang);
	int px = clamp_px(font_px);
	bold = bold ? 1 : 0;
	size_t len = strlen(utf8);
	uint32_t hash = key_hash(utf8, len, face, px, bold, c);
	for (e = t->buckets[hash & (TEX_BUCKETS - 1)]; e; e = e->hnext) {
		if (e->hash == hash && e->face == face && e->px == px && e->bold == bold && e->color.r == c.r &&
		    e->color.g == c.g && e->color.b == c.b && e->color.a == c.a && strcmp(e->text, utf8) == 0) {
			tex_unlink(t, e);
			tex_push_front(t, e);
			if (t->drawing)
				e->drawn = t->draw_no;
			*w = e->w;
			*h = e->h;
			return e->tex;
		}
	}
	Uint64 t0 = SDL_GetPerformanceCounter();
	if (t->defer_deadline && (t0 >= t->defer_deadline ||
	                          (!font_is_open(t, face, bold) &&
	                           t->defer_deadline - t0 < SDL_GetPerformanceFrequency() * FONT_OPEN_RESERVE_US / 1000000))) {
		t->deferred++; /* a fade's frame out of time: a later frame makes it */
		return NULL;
	}
	TTF_Font *font = get_font(t, face, px, bold);
	if (!font)
		return NULL;
	/* Colour alpha is applied as texture alpha so one blended surface serves any alpha. */
	surf = TTF_RenderUTF8_Blended(font, utf8, (SDL_Color){c.r, c.g, c.b, 255});
	if (!surf)
		goto fail;
	tex = SDL_CreateTextureFromSurface(t->renderer, surf);
	if (!tex)
		goto fail;
	SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	if (c.a != 255)
		SDL_SetTextureAlphaMod(tex, c.a);
	e = calloc(1, sizeof(*e));
	if (!e || !(e->text = strdup(utf8)))
		goto fail;
	*e = (tex_entry){.hash = hash, .face = face, .px = px, .bold = bold, .color = c, .tex = tex, .text = e->text,
	                 .drawn = t->drawing ? t->draw_no : 0, .w = surf->w, .h = surf->h};
	SDL_FreeSurface(surf);
	e->hnext = t->buckets[hash & (TEX_BUCKETS - 1)];
	t->buckets[hash & (TEX_BUCKETS - 1)] = e;
	tex_push_front(t, e);
	t->ntex++;
	t->tex_pixels += (size_t)e->w * (size_t)e->h;
	t->created++;
	t->cost.texts++;
	t->cost.text_ms += ms_since(t0);
	*w = e->w;
	*h = e->h;
	evict_textures(t);
	return tex;
fail:
	if (!t->warned_render++)
		hall_error_log("text rendering failed (%d px, face %d): %s", px, face, SDL_GetError());
	if (e)
		free(e->text);
	free(e);
	if (tex)
		SDL_DestroyTexture(tex);
	if (surf)
		SDL_FreeSurface(surf);
	return NULL;
}

unsigned long hall_ttf_textures_created(const hall_ttf *t)
{
	return t ? t->created : 0;
}

size_t hall_ttf_textures_cached(const hall_ttf *t)
{
	return t ? t->ntex : 0;
}
