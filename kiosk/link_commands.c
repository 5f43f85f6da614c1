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

hall_err hall_link_help(hall_link *link, const char *exhibit, int64_t session, hall_error *err)
{
	hall_help h;
	char *buf = NULL;
	size_t len = 0;
	hall_err rc;
	memset(&h, 0, sizeof h);
	hall_proto_copy(h.kiosk, sizeof h.kiosk, link->cfg.id);
	h.ts = hall_clock_now_ms();
	if (exhibit && hall_proto_copy(h.exhibit, sizeof h.exhibit, exhibit) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "exhibit", "too long");
	h.session = link__session_id(link, session, false);
	if ((rc = hall_proto_encode_help(&h, &buf, &len, err)) != HALL_OK)
		return rc;
	rc = link__publish(link, "help", buf, len, false);
	free(buf);
	if (rc != HALL_OK)
		return hall_error_set(err, rc, "help", "not sent: no broker connection");
	return HALL_OK;
}
