/* fuzz_protocol.c: every decoder of core/protocol.c and core/config.c on the same bytes.
 * Beyond "no crash, no leak", each message that decodes must encode again and decode to
 * the same struct: the encoder and decoder share their rules, so a difference is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/config.h"
#include "hall/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                                  \
	do {                                                                                                             \
		if (!(cond)) {                                                                                               \
			fprintf(stderr, "fuzz_protocol: %s:%d: %s\n", __FILE__, __LINE__, #cond);                               \
			abort();                                                                                                 \
		}                                                                                                            \
	} while (0)

/* Decode, re-encode, decode again, compare. T is the struct, NAME the message. */
#define ROUND_TRIP(T, NAME)                                                                                          \
	static void rt_##NAME(const uint8_t *data, size_t size)                                                         \
	{                                                                                                                \
		T a, b;                                                                                                      \
		char *out = NULL;                                                                                            \
		size_t len = 0;                                                                                              \
		hall_error err;                                                                                              \
		if (hall_proto_decode_##NAME(data, size, &a, &err) != HALL_OK)                                               \
			return;                                                                                                  \
		CHECK(hall_proto_encode_##NAME(&a, &out, &len, &err) == HALL_OK);                                            \
		CHECK(hall_proto_decode_##NAME(out, len, &b, &err) == HALL_OK);                                              \
		CHECK(memcmp(&a, &b, sizeof a) == 0);                                                                        \
		free(out);                                                                                                   \
	}

ROUND_TRIP(hall_hello, hello)
ROUND_TRIP(hall_status, status)
ROUND_TRIP(hall_confirm, confirm)
ROUND_TRIP(hall_ack, ack)
ROUND_TRIP(hall_help, help)
ROUND_TRIP(hall_fetch, fetch)
ROUND_TRIP(hall_command, command)
ROUND_TRIP(hall_poll_results, poll_results)
ROUND_TRIP(hall_controller_status, controller_status)

static void on_event(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	(void)index;
	size_t *seen = user;
	(*seen)++;
	if (!ev) {
		CHECK(ev_err != NULL && ev_err->msg[0] != '\0');
		return;
	}
	char *out = NULL;
	size_t len = 0;
	hall_event_batch back;
	CHECK(hall_proto_encode_event(ev, &out, &len, NULL) == HALL_OK);
	CHECK(hall_proto_decode_event_batch(out, len, ev->kiosk, &back, NULL) == HALL_OK);
	CHECK(back.count == 1 && back.n_ok == 1);
	CHECK(memcmp(&back.items[0].ev, ev, sizeof *ev) == 0);
	hall_event_batch_free(&back);
	free(out);
}

/* The fast batch decoder must give what the tree reader gives: the same verdict, counts
 * and a hash of every event and error. */
static void hash_event(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	uint64_t *h = user;
	const unsigned char *p = ev ? (const void *)ev : (const void *)ev_err;
	size_t n = ev ? sizeof *ev : sizeof *ev_err;
	*h = (*h ^ index) * UINT64_C(1099511628211);
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ p[i]) * UINT64_C(1099511628211);
}

static void same_as_tree(const uint8_t *data, size_t size, const char *kiosk)
{
	uint64_t ha = 1469598103934665603u, hb = ha;
	size_t ok_a = 0, bad_a = 0, ok_b = 0, bad_b = 0;
	hall_error ea, eb;
	memset(&ea, 0, sizeof ea);
	memset(&eb, 0, sizeof eb);
	hall_err ra = hall_proto_decode_events(data, size, kiosk, hash_event, &ha, &ok_a, &bad_a, &ea);
	hall_err rb = hall_proto_decode_events_tree(data, size, kiosk, hash_event, &hb, &ok_b, &bad_b, &eb);
	CHECK(ra == rb && ok_a == ok_b && bad_a == bad_b && ha == hb);
	CHECK(strcmp(ea.path, eb.path) == 0 && strcmp(ea.msg, eb.msg) == 0);
}

static void rt_events(const uint8_t *data, size_t size)
{
	size_t seen = 0, ok = 0, bad = 0;
	same_as_tree(data, size, NULL);
	same_as_tree(data, size, "lobby-01");
	if (hall_proto_decode_events(data, size, NULL, on_event, &seen, &ok, &bad, NULL) == HALL_OK)
		CHECK(seen == ok + bad && seen <= HALL_PROTO_BATCH_MAX);
	else
		CHECK(seen == 0);
	hall_event_batch b;
	if (hall_proto_decode_event_batch(data, size, "lobby-01", &b, NULL) == HALL_OK) {
		CHECK(b.n_ok + b.n_bad == b.count);
		hall_event_batch_free(&b);
	}
}

static void rt_envelope(hall_envelope_kind kind, const uint8_t *data, size_t size)
{
	hall_envelope a, b;
	char *out = NULL;
	size_t len = 0;
	if (hall_proto_decode_envelope(kind, data, size, &a, NULL) != HALL_OK) {
		CHECK(a.body == NULL);
		return;
	}
	CHECK(a.cleared == (a.body == NULL));
	CHECK(hall_proto_encode_envelope(&a, &out, &len, NULL) == HALL_OK);
	CHECK(hall_proto_decode_envelope(kind, out, len, &b, NULL) == HALL_OK);
	/* Bodies are compared by the modules that parse them (a manifest may hold numbers
	 * like 1e400 that cJSON prints as null); here the envelope fields must survive. */
	CHECK(a.version == b.version && a.cleared == b.cleared && a.scope.kind == b.scope.kind &&
	      strcmp(a.scope.name, b.scope.name) == 0);
	if (kind == HALL_ENVELOPE_NOTICE && !a.cleared) {
		hall_notice na, nb;
		CHECK(hall_proto_notice_from_json(a.body, "notice", &na, NULL) == HALL_OK);
		CHECK(hall_proto_notice_from_json(b.body, "notice", &nb, NULL) == HALL_OK);
		CHECK(memcmp(&na, &nb, sizeof na) == 0);
	}
	hall_envelope_free(&a);
	hall_envelope_free(&b);
	free(out);
}

static void rt_chunk(const uint8_t *data, size_t size)
{
	hall_asset_chunk a, b;
	char *out = NULL;
	size_t len = 0;
	if (hall_proto_decode_asset_chunk(data, size, &a, NULL) != HALL_OK)
		return;
	CHECK(a.len == 0 || (a.data >= data && a.data + a.len == data + size));
	CHECK(hall_proto_encode_asset_chunk(&a, &out, &len, NULL) == HALL_OK);
	CHECK(hall_proto_decode_asset_chunk(out, len, &b, NULL) == HALL_OK);
	CHECK(a.size == b.size && a.offset == b.offset && a.len == b.len && strcmp(a.sha256, b.sha256) == 0);
	CHECK(a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
	free(out);
}

static void rt_shot(const uint8_t *data, size_t size)
{
	hall_shot a, b;
	char *out = NULL;
	size_t len = 0;
	if (hall_proto_decode_shot(data, size, &a, NULL) != HALL_OK)
		return;
	CHECK(hall_proto_encode_shot(&a, &out, &len, NULL) == HALL_OK);
	CHECK(hall_proto_decode_shot(out, len, &b, NULL) == HALL_OK);
	CHECK(a.size == b.size && strcmp(a.command, b.command) == 0 && memcmp(a.data, b.data, a.size) == 0);
	free(out);
}

static void configs(const uint8_t *data, size_t size)
{
	hall_kiosk_config k;
	hall_error err;
	hall_kiosk_config_defaults(&k);
	if (hall_kiosk_config_parse((const char *)data, size, "fuzz", &k, &err) == HALL_OK) {
		if (hall_kiosk_config_finish(&k, &err) == HALL_OK)
			CHECK(hall_id_is_valid(k.id) && k.data_dir[0] != '\0');
	} else {
		CHECK(err.msg[0] != '\0');
	}
	hall_controller_config c;
	hall_controller_config_defaults(&c);
	if (hall_controller_config_parse((const char *)data, size, "fuzz", &c, &err) == HALL_OK)
		CHECK(c.closing_hour >= 0 && c.closing_hour < 24 && c.closing_minute >= 0 && c.closing_minute < 60);
	hall_controller_config_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_hello(data, size);
	rt_status(data, size);
	rt_confirm(data, size);
	rt_ack(data, size);
	rt_help(data, size);
	rt_fetch(data, size);
	rt_command(data, size);
	rt_poll_results(data, size);
	rt_controller_status(data, size);
	rt_events(data, size);
	rt_envelope(HALL_ENVELOPE_CONTENT, data, size);
	rt_envelope(HALL_ENVELOPE_SCHEDULE, data, size);
	rt_envelope(HALL_ENVELOPE_NOTICE, data, size);
	rt_chunk(data, size);
	rt_shot(data, size);
	configs(data, size);
	return 0;
}
