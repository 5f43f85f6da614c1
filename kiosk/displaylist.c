/* displaylist.c: the display list: items in pointer-stable chunks, strings and points in a
 * chunked arena. hall_dl_clear() rewinds both without freeing, so a steady frame (the same
 * screen built again) allocates nothing once the list has grown to its size.
 *
 * Pointer stability: an item returned by an append stays at its address until the next
 * hall_dl_clear() or hall_dl_destroy() (items are never moved), so an exhibit may keep
 * the pointer and set more fields (border, bold, focus_order) after appending others. */
#include "displaylist.h"

#include <stdlib.h>
#include <string.h>

#define ITEMS_PER_CHUNK 256
#define ARENA_BLOCK_MIN (64 * 1024)

typedef struct arena_block {
	struct arena_block *next;
	size_t cap, used;
	/* data follows, aligned for int */
	_Alignas(max_align_t) unsigned char data[];
} arena_block;

struct hall_dl {
	hall_dl_item **chunks; /* each ITEMS_PER_CHUNK items */
	size_t nchunks, chunk_cap;
	size_t count;
	arena_block *blocks;   /* all blocks, in order of creation */
	arena_block *cur;      /* block being filled; earlier blocks in the list are full */
};

hall_dl *hall_dl_create(void)
{
	return calloc(1, sizeof(hall_dl));
}

void hall_dl_destroy(hall_dl *dl)
{
	if (!dl)
		return;
	for (size_t i = 0; i < dl->nchunks; i++)
		free(dl->chunks[i]);
	free(dl->chunks);
	arena_block *b = dl->blocks;
	while (b) {
		arena_block *n = b->next;
		free(b);
		b = n;
	}
	free(dl);
}

void hall_dl_clear(hall_dl *dl)
{
	if (!dl)
		return;
	dl->count = 0;
	for (arena_block *b = dl->blocks; b; b = b->next)
		b->used = 0;
	dl->cur = dl->blocks;
}

size_t hall_dl_count(const hall_dl *dl)
{
	return dl ? dl->count : 0;
}

const hall_dl_item *hall_dl_at(const hall_dl *dl, size_t i)
{
	if (!dl || i >= dl->count)
		return NULL;
	return &dl->chunks[i / ITEMS_PER_CHUNK][i % ITEMS_PER_CHUNK];
}

/* n bytes aligned to max_align_t from the arena; NULL on out-of-memory. Walks to the next
 * kept block (after a clear) before allocating a new one. */
static void *arena_alloc(hall_dl *dl, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	while (dl->cur) {
		if (dl->cur->cap - dl->cur->used >= n) {
			void *p = dl->cur->data + dl->cur->used;
			dl->cur->used += n;
			return p;
		}
		if (!dl->cur->next)
			break;
		dl->cur = dl->cur->next;
	}
	size_t cap = n > ARENA_BLOCK_MIN ? n : ARENA_BLOCK_MIN;
	arena_block *b = malloc(sizeof(arena_block) + cap);
	if (!b)
		return NULL;
	b->next = NULL;
	b->cap = cap;
	b->used = n;
	if (dl->cur)
		dl->cur->next = b; /* cur is the last block here */
	else
		dl->blocks = b;
	dl->cur = b;
	return b->data;
}

static const char *arena_strdup(hall_dl *dl, const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(dl, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static int str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A zeroed item at the end of the list, or NULL on out-of-memory. */
static hall_dl_item *push(hall_dl *dl, hall_dl_kind kind, hall_rect r)
{
	if (!dl)
		return NULL;
	size_t ci = dl->count / ITEMS_PER_CHUNK;
	if (ci >= dl->nchunks) {
		if (dl->nchunks == dl->chunk_cap) {
			size_t ncap = dl->chunk_cap ? dl->chunk_cap * 2 : 8;
			hall_dl_item **nc = realloc(dl->chunks, ncap * sizeof(*nc));
			if (!nc)
				return NULL;
			dl->chunks = nc;
			dl->chunk_cap = ncap;
		}
		hall_dl_item *chunk = malloc(ITEMS_PER_CHUNK * sizeof(hall_dl_item));
		if (!chunk)
			return NULL;
		dl->chunks[dl->nchunks++] = chunk;
	}
	hall_dl_item *it = &dl->chunks[ci][dl->count % ITEMS_PER_CHUNK];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->rect = r;
	it->text = "";
	it->image = "";
	it->id = "";
	it->label = "";
	dl->count++;
	return it;
}

hall_dl_item *hall_dl_box(hall_dl *dl, hall_rect r, hall_rgba fill)
{
	hall_dl_item *it = push(dl, HALL_DL_BOX, r);
	if (it)
		it->color = fill;
	return it;
}

hall_dl_item *hall_dl_text(hall_dl *dl, hall_rect r, const char *utf8, int font_px, hall_lang lang,
                           hall_rgba color, hall_rgba bg)
{
	const char *copy = dl ? arena_strdup(dl, utf8) : NULL;
	if (!copy)
		return NULL;
	hall_dl_item *it = push(dl, HALL_DL_TEXT, r);
	if (!it)
		return NULL;
	it->text = copy;
	it->font_px = font_px;
	it->lang = lang;
	it->color = color;
	it->bg = bg;
	return it;
}

hall_dl_item *hall_dl_image(hall_dl *dl, hall_rect r, const char *path, int fill)
{
	const char *copy = dl ? arena_strdup(dl, path) : NULL;
	if (!copy)
		return NULL;
	hall_dl_item *it = push(dl, HALL_DL_IMAGE, r);
	if (!it)
		return NULL;
	it->image = copy;
	it->fill = fill;
	it->color = (hall_rgba){255, 255, 255, 255}; /* opaque; a cross-fade lowers color.a */
	return it;
}

hall_dl_item *hall_dl_line(hall_dl *dl, int x0, int y0, int x1, int y1, hall_rgba color, int width_px)
{
	hall_dl_item *it = push(dl, HALL_DL_LINE, (hall_rect){x0, y0, x1 - x0, y1 - y0});
	if (it) {
		it->color = color;
		it->border_px = width_px > 0 ? width_px : 1;
	}
	return it;
}

hall_dl_item *hall_dl_polygon(hall_dl *dl, const int *xy, int npoints, hall_rgba fill)
{
	if (!dl || npoints < 0 || (npoints > 0 && !xy))
		return NULL;
	int *pts = NULL;
	hall_rect bb = {0, 0, 0, 0};
	if (npoints > 0) {
		pts = arena_alloc(dl, (size_t)npoints * 2 * sizeof(int));
		if (!pts)
			return NULL;
		memcpy(pts, xy, (size_t)npoints * 2 * sizeof(int));
		int minx = xy[0], maxx = xy[0], miny = xy[1], maxy = xy[1];
		for (int i = 1; i < npoints; i++) {
			int x = xy[2 * i], y = xy[2 * i + 1];
			minx = x < minx ? x : minx;
			maxx = x > maxx ? x : maxx;
			miny = y < miny ? y : miny;
			maxy = y > maxy ? y : maxy;
		}
		bb = (hall_rect){minx, miny, maxx - minx, maxy - miny};
	}
	hall_dl_item *it = push(dl, HALL_DL_POLYGON, bb);
	if (!it)
		return NULL;
	it->points = pts;
	it->npoints = npoints;
	it->color = fill;
	return it;
}

hall_dl_item *hall_dl_hit(hall_dl *dl, hall_rect r, const char *id, hall_dl_role role, const char *label)
{
	if (!dl)
		return NULL;
	const char *idc = arena_strdup(dl, id);
	const char *lc = idc ? arena_strdup(dl, label) : NULL;
	if (!lc)
		return NULL;
	hall_dl_item *it = push(dl, HALL_DL_HIT, r);
	if (!it)
		return NULL;
	it->id = idc;
	it->label = lc;
	it->role = role;
	return it;
}

static int rect_holds(hall_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x - r.x < r.w && y - r.y < r.h;
}

const hall_dl_item *hall_dl_hit_test(const hall_dl *dl, int x, int y)
{
	for (size_t i = hall_dl_count(dl); i-- > 0;) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_HIT && rect_holds(it->rect, x, y))
			return it;
	}
	return NULL;
}

const hall_dl_item *hall_dl_find(const hall_dl *dl, const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < hall_dl_count(dl); i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_HIT && str_eq(it->id, id))
			return it;
	}
	return NULL;
}

static int rgba_eq(hall_rgba a, hall_rgba b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static int item_eq(const hall_dl_item *a, const hall_dl_item *b)
{
	if (a->kind != b->kind || a->rect.x != b->rect.x || a->rect.y != b->rect.y || a->rect.w != b->rect.w ||
	    a->rect.h != b->rect.h || !rgba_eq(a->color, b->color) || !rgba_eq(a->border, b->border) ||
	    a->border_px != b->border_px || a->radius_px != b->radius_px || a->font_px != b->font_px ||
	    a->lang != b->lang || a->bold != b->bold || !rgba_eq(a->bg, b->bg) || a->fill != b->fill ||
	    a->npoints != b->npoints || a->role != b->role || a->focus_order != b->focus_order ||
	    a->focused != b->focused || a->act.kind != b->act.kind || a->act.arg != b->act.arg)
		return 0;
	if (!str_eq(a->text, b->text) || !str_eq(a->image, b->image) || !str_eq(a->id, b->id) ||
	    !str_eq(a->label, b->label))
		return 0;
	if (a->npoints > 0 && a->points && b->points && memcmp(a->points, b->points, (size_t)a->npoints * 2 * sizeof(int)) != 0)
		return 0;
	return 1;
}

int hall_dl_equal(const hall_dl *a, const hall_dl *b)
{
	size_t n = hall_dl_count(a);
	if (n != hall_dl_count(b))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!item_eq(hall_dl_at(a, i), hall_dl_at(b, i)))
			return 0;
	return 1;
}
