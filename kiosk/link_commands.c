/* kiosk/link_commands.c: staff commands (run once by id), screenshots, help calls and
 * poll results (link_priv.h). */
#include "link_priv.h"

/* ---- commands, polls, confirms ---------------------------------------------------------- */

static command_seen *find_command(hall_link *link, const char *id)
{
	for (size_t i = 0; i < link->n_commands; i++)
		if (strcmp(link->commands[i].id, id) == 0)
			return &link->commands[i];
	return NULL;
}

void link__handle_command(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_command c;
	hall_error err = {0};
	char reason[REASON_BUF];
	if (hall_proto_decode_command(msg->payload, msg->len, &c, &err) != HALL_OK) {
		/* Answer when the id can be read, so the controller stops queueing it. */
		cJSON *root = NULL;
		const char *id = NULL;
		hall_error ignore = {0};
		link__reason_from_error(reason, sizeof reason, &err);
		if (hall_json_parse((const char *)msg->payload, msg->len, HALL_PROTO_JSON_MAX, &root, &ignore) == HALL_OK &&
		    hall_json_get_string(root, "", "id", HALL_ID_MAX, &id, &ignore) == HALL_OK && hall_id_is_valid(id))
			link__send_command_ack(link, id, false, reason);
		else
			hall_warn("link: unreadable command: %s", reason);
		cJSON_Delete(root);
		return;
	}
	command_seen *seen = find_command(link, c.id);
	if (seen) {
		if (seen->state != 0)
			link__send_command_ack(link, c.id, seen->state == 1, seen->state == 1 ? "" : "failed earlier");
		return;
	}
	if (hall_command_expired(&c, hall_clock_now_ms())) {
		snprintf(reason, sizeof reason, "expired: issued at %lld with ttl_s %lld", (long long)c.ts, (long long)c.ttl_s);
		link__send_command_ack(link, c.id, false, reason);
		return;
	}
	command_seen *slotp = &link->commands[link->next_command];
	hall_proto_copy(slotp->id, sizeof slotp->id, c.id);
	slotp->state = 0;
	link->next_command = (link->next_command + 1) % COMMANDS_KEPT;
	if (link->n_commands < COMMANDS_KEPT)
		link->n_commands++;
	link__save_state(link);
	hall_link_update *u = link__update_new(HALL_LINK_COMMAND);
	if (!u)
		return;
	switch (c.cmd) {
	case HALL_CMD_SCREENSHOT:
		u->cmd = HALL_LINK_CMD_SCREENSHOT;
		break;
	case HALL_CMD_RELOAD:
		u->cmd = HALL_LINK_CMD_RELOAD;
		break;
	case HALL_CMD_SHOW:
		u->cmd = HALL_LINK_CMD_SHOW;
		break;
	case HALL_CMD_IDENTIFY:
		u->cmd = HALL_LINK_CMD_IDENTIFY;
		break;
	}
	snprintf(u->cmd_id, sizeof u->cmd_id, "%s", c.id);
	snprintf(u->cmd_exhibit, sizeof u->cmd_exhibit, "%s", c.exhibit);
	link__queue_push(link, u);
}

void link__handle_poll_results(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_poll_results r;
	hall_error err = {0};
	if (hall_proto_decode_poll_results(msg->payload, msg->len, &r, &err) != HALL_OK) {
		hall_warn("link: bad poll results on %s: %s: %s", msg->topic, err.path, err.msg);
		return;
	}
	hall_link_update *u = link__update_new(HALL_LINK_POLL_RESULTS);
	if (!u)
		return;
	snprintf(u->poll_id, sizeof u->poll_id, "%s", r.poll);
	u->poll_ts = r.ts;
	u->poll_total = r.total;
	u->poll_noptions = (int)(r.n_options < HALL_LINK_POLL_OPTIONS_MAX ? r.n_options : HALL_LINK_POLL_OPTIONS_MAX);
	for (int i = 0; i < u->poll_noptions; i++) {
		snprintf(u->poll_options[i].id, sizeof u->poll_options[i].id, "%s", r.options[i].id);
		u->poll_options[i].votes = r.options[i].votes;
	}
	link__queue_push(link, u);
}

/* Resend every unconfirmed event from the lowest seq on, at once. */
void hall_link_command_result(hall_link *link, const char *cmd_id, bool ok, const char *reason)
{
	command_seen *c = find_command(link, cmd_id);
	if (c) {
		c->state = ok ? 1 : 2;
		link__save_state(link);
	}
	link__send_command_ack(link, cmd_id, ok, ok ? "" : reason);
}

hall_err hall_link_publish_shot(hall_link *link, const char *cmd_id, const void *png, size_t len, hall_error *err)
{
	hall_shot shot;
	char *buf = NULL;
	size_t n = 0;
	hall_err rc;
	memset(&shot, 0, sizeof shot);
	if (hall_proto_copy(shot.command, sizeof shot.command, cmd_id) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "command", "bad command id");
	hall_proto_copy(shot.format, sizeof shot.format, "png");
	shot.size = len;
	shot.data = png;
	if ((rc = hall_proto_encode_shot(&shot, &buf, &n, err)) != HALL_OK) {
		char reason[REASON_BUF];
		link__reason_from_error(reason, sizeof reason, err);
		hall_link_command_result(link, cmd_id, false, reason);
		return rc;
	}
	rc = link__publish(link, "shot", buf, n, false);
	free(buf);
	if (rc != HALL_OK) {
		hall_link_command_result(link, cmd_id, false, "the screenshot could not be published");
		return hall_error_set(err, rc, "shot", "link__publish failed (%s)", hall_err_str(rc));
	}
	hall_link_command_result(link, cmd_id, true, "");
	return HALL_OK;
}

/* ---- calls for staff (issue 12: the screen says staff have been called only once the
 * controller has the call) ---------------------------------------------------------------- */

#define HELP_RETRY_MIN_MS 1000
#define HELP_RETRY_MAX_MS 8000

static void help_done(hall_link *link, help_call *hc, bool delivered)
{
	hall_link_update *u = link__update_new(HALL_LINK_HELP);
	if (u) {
		u->help_call = hc->call;
		u->help_delivered = delivered;
		link__queue_push(link, u);
	}
	memset(hc, 0, sizeof *hc);
	link__save_state(link);
}

static hall_err help_send(hall_link *link, const help_call *hc)
{
	hall_help h;
	char *buf = NULL;
	size_t len = 0;
	hall_error err = {0};
	memset(&h, 0, sizeof h);
	hall_proto_copy(h.kiosk, sizeof h.kiosk, link->cfg.id);
	h.ts = hc->ts;
	hall_proto_copy(h.exhibit, sizeof h.exhibit, hc->exhibit);
	h.session = hc->session;
	h.call = hc->call;
	hall_err rc = hall_proto_encode_help(&h, &buf, &len, &err);
	if (rc == HALL_OK)
		rc = link__publish(link, "help", buf, len, false);
	free(buf);
	return rc;
}

void link__help_step(hall_link *link, int64_t now)
{
	int64_t utc = hall_clock_now_ms();
	for (size_t i = 0; i < HELP_CALLS_MAX; i++) {
		help_call *hc = &link->help[i];
		if (!hc->call)
			continue;
		if (utc >= hc->give_up) {
			hall_warn("call-staff %lld not acknowledged by the controller within %d s (%u tries): given up, the "
			          "visitor is told to ask at the desk",
			          (long long)hc->call, link->cfg.session.help_give_up_s, hc->tries);
			help_done(link, hc, false);
			continue;
		}
		if (now < hc->next_try)
			continue;
		hc->tries++;
		bool sent = link->started && link->online && help_send(link, hc) == HALL_OK;
		if (hc->backoff_ms < HELP_RETRY_MIN_MS)
			hc->backoff_ms = HELP_RETRY_MIN_MS;
		hc->next_try = now + hc->backoff_ms;
		hall_info("call-staff %lld: %s (try %u), %s in %lld ms", (long long)hc->call,
		          sent ? "sent" : "not sent: no broker connection", hc->tries,
		          sent ? "sent again unless acknowledged" : "trying again", (long long)hc->backoff_ms);
		hc->backoff_ms = hc->backoff_ms * 2 > HELP_RETRY_MAX_MS ? HELP_RETRY_MAX_MS : hc->backoff_ms * 2;
	}
}

void link__help_reconnected(hall_link *link)
{
	for (size_t i = 0; i < HELP_CALLS_MAX; i++) {
		link->help[i].next_try = 0;
		link->help[i].backoff_ms = HELP_RETRY_MIN_MS;
	}
}

int64_t link__help_due(const hall_link *link, int64_t now)
{
	int64_t due = INT64_MAX, utc = hall_clock_now_ms();
	for (size_t i = 0; i < HELP_CALLS_MAX; i++) {
		const help_call *hc = &link->help[i];
		if (!hc->call)
			continue;
		int64_t give_up = now + (hc->give_up > utc ? hc->give_up - utc : 0);
		if (give_up < due)
			due = give_up;
		if (hc->next_try < due)
			due = hc->next_try;
	}
	return due;
}

void link__handle_help_ack(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_help_ack a;
	hall_error err = {0};
	if (hall_proto_decode_help_ack(msg->payload, msg->len, &a, &err) != HALL_OK) {
		hall_warn("link: bad help-ack on %s: %s: %s", msg->topic, err.path, err.msg);
		return;
	}
	for (size_t i = 0; i < HELP_CALLS_MAX; i++) {
		help_call *hc = &link->help[i];
		if (hc->call == a.call && hc->ts == a.ts) {
			hall_info("call-staff %lld delivered: the controller acknowledged it (after %u tries)", (long long)a.call,
			          hc->tries);
			help_done(link, hc, true);
			return;
		}
	}
	hall_debug("link: help-ack for call %lld: not pending (acknowledged before, or given up)", (long long)a.call);
}

hall_err hall_link_help(hall_link *link, const char *exhibit, int64_t session, int64_t *call, hall_error *err)
{
	help_call *hc = NULL, *oldest = NULL;
	if (call)
		*call = 0;
	if (exhibit && strlen(exhibit) >= sizeof hc->exhibit)
		return hall_error_set(err, HALL_ERR_INVALID, "exhibit", "too long");
	for (size_t i = 0; i < HELP_CALLS_MAX && !hc; i++) {
		if (!link->help[i].call)
			hc = &link->help[i];
		else if (!oldest || link->help[i].call < oldest->call)
			oldest = &link->help[i];
	}
	if (!hc) {
		hall_warn("call-staff %lld given up: %d newer calls wait", (long long)oldest->call, HELP_CALLS_MAX);
		help_done(link, oldest, false);
		hc = oldest;
	}
	memset(hc, 0, sizeof *hc);
	hc->call = ++link->help_last;
	hc->ts = hall_clock_now_ms();
	hall_proto_copy(hc->exhibit, sizeof hc->exhibit, exhibit ? exhibit : "");
	hc->session = link__session_id(link, session, false);
	hc->give_up = hc->ts + (int64_t)link->cfg.session.help_give_up_s * 1000;
	hc->backoff_ms = HELP_RETRY_MIN_MS;
	link__save_state(link);
	if (call)
		*call = hc->call;
	link__help_step(link, link__mono_now());
	return HALL_OK;
}
