/* kiosk/link_state.c: the link's persisted state, <data_dir>/link-state.json: per kind and
 * scope the latest version held and whether it cleared the scope, the content keys shown,
 * the commands carried out (link_priv.h). */
#include "link_priv.h"

/* ---- persisted state ----------------------------------------------------------------- */

static cJSON *slots_to_json(const hall_link *link, int kind)
{
	cJSON *arr = cJSON_CreateArray();
	for (int s = 0; arr && s < S_COUNT; s++) {
		const slot *sl = &link->slots[kind][s];
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddNumberToObject(o, "version", (double)sl->version);
		cJSON_AddBoolToObject(o, "cleared", sl->cleared);
		cJSON_AddBoolToObject(o, "failed", sl->failed);
		if (sl->body) {
			cJSON *body = cJSON_ParseWithLength(sl->body, sl->body_len);
			if (body)
				cJSON_AddItemToObject(o, "body", body);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

void link__save_state(hall_link *link)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *cmds;
	char *text = NULL;
	size_t len = 0;
	hall_error err = {0};
	if (!root)
		goto done;
	cJSON_AddStringToObject(root, "kiosk", link->cfg.id);
	cJSON_AddStringToObject(root, "group", link->cfg.group);
	cJSON_AddStringToObject(root, "current", link->current_key);
	cJSON_AddNumberToObject(root, "current_version", (double)link->current_version);
	cJSON_AddNumberToObject(root, "current_scope", link->current_scope);
	cJSON_AddStringToObject(root, "previous", link->previous_key);
	for (int k = 0; k < K_COUNT; k++)
		cJSON_AddItemToObject(root, link__kind_leaf[k], slots_to_json(link, k));
	cmds = cJSON_AddArrayToObject(root, "commands");
	for (size_t i = 0; cmds && i < link->n_commands; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "id", link->commands[i].id);
		cJSON_AddNumberToObject(o, "state", link->commands[i].state);
		cJSON_AddItemToArray(cmds, o);
	}
	/* Calls for staff not yet acknowledged (issue 12): a restart keeps trying them until
	 * their limit; their numbers never repeat. */
	cJSON_AddNumberToObject(root, "help_last", (double)link->help_last);
	cJSON *help = cJSON_AddArrayToObject(root, "help");
	for (size_t i = 0; help && i < HELP_CALLS_MAX; i++) {
		const help_call *hc = &link->help[i];
		cJSON *o = hc->call ? cJSON_CreateObject() : NULL;
		if (!o)
			continue;
		cJSON_AddNumberToObject(o, "call", (double)hc->call);
		cJSON_AddNumberToObject(o, "ts", (double)hc->ts);
		cJSON_AddStringToObject(o, "exhibit", hc->exhibit);
		cJSON_AddNumberToObject(o, "session", (double)hc->session);
		cJSON_AddNumberToObject(o, "give_up", (double)hc->give_up);
		cJSON_AddItemToArray(help, o);
	}
	text = hall_json_print(root, &len);
	if (!text) {
		hall_error_log("link: out of memory saving %s", link->state_path);
		goto done;
	}
	if (hall_fs_write_atomic(link->state_path, text, len, &err) != HALL_OK)
		hall_error_log("link: cannot save %s: %s", link->state_path, err.msg);
done:
	free(text);
	cJSON_Delete(root);
}

static void read_key(const cJSON *root, const char *name, char *out, size_t len)
{
	const char *s = NULL;
	hall_error err = {0};
	if (hall_json_opt_string(root, "", name, len - 1, &s, &err) == HALL_OK && s)
		snprintf(out, len, "%s", s);
}

/* Calls for staff an earlier run had not delivered, while their limit lasts. */
static void load_help(hall_link *link, const cJSON *root)
{
	hall_error err = {0};
	int64_t last = 0, now = hall_clock_now_ms();
	if (hall_json_opt_int(root, "", "help_last", 0, HALL_PROTO_SEQ_MAX, &last, &err) == HALL_OK)
		link->help_last = last;
	size_t n = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root, "help"))
	{
		help_call hc = {0};
		const char *ex = NULL;
		if (n >= HELP_CALLS_MAX ||
		    hall_json_get_int(o, "", "call", 1, HALL_PROTO_SEQ_MAX, &hc.call, &err) != HALL_OK ||
		    hall_json_get_int(o, "", "ts", 0, HALL_PROTO_SEQ_MAX, &hc.ts, &err) != HALL_OK ||
		    hall_json_get_int(o, "", "give_up", 0, HALL_PROTO_SEQ_MAX, &hc.give_up, &err) != HALL_OK ||
		    hall_json_get_int(o, "", "session", -1, HALL_PROTO_SEQ_MAX, &hc.session, &err) != HALL_OK ||
		    hall_json_get_string(o, "", "exhibit", HALL_STR_BUF - 1, &ex, &err) != HALL_OK)
			continue;
		if (hc.give_up <= now) {
			hall_warn("link: call-staff %lld from before the restart is past its limit: given up", (long long)hc.call);
			continue;
		}
		hall_proto_copy(hc.exhibit, sizeof hc.exhibit, ex);
		hc.backoff_ms = 1000;
		if (hc.call > link->help_last)
			link->help_last = hc.call;
		hall_info("link: call-staff %lld from before the restart is sent again", (long long)hc.call);
		link->help[n++] = hc;
	}
}

/* Read what an earlier run kept. A missing or damaged file is not fatal: the kiosk starts
 * from its last good pack if named, else from the default, and the controller re-sends
 * what differs after the next hello. */
void link__load_state(hall_link *link)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *root = NULL;
	hall_error err = {0};
	bool same_group;
	const char *group = NULL;
	if (!hall_fs_exists(link->state_path))
		return;
	if (hall_fs_read_file(link->state_path, STATE_MAX, &text, &len, &err) != HALL_OK ||
	    hall_json_parse(text, len, STATE_MAX, &root, &err) != HALL_OK ||
	    hall_json_expect_object(root, "", &err) != HALL_OK) {
		hall_warn("link: ignoring %s: %s: %s", link->state_path, err.path, err.msg);
		goto done;
	}
	/* Keys and group slots name the group: a kiosk moved to another group forgets them. */
	hall_json_opt_string(root, "", "group", HALL_ID_MAX, &group, &err);
	same_group = group && strcmp(group, link->cfg.group) == 0;
	read_key(root, "current", link->current_key, sizeof link->current_key);
	read_key(root, "previous", link->previous_key, sizeof link->previous_key);
	if (!same_group) {
		if (strncmp(link->current_key, "group.", 6) == 0)
			link->current_key[0] = '\0';
		if (strncmp(link->previous_key, "group.", 6) == 0)
			link->previous_key[0] = '\0';
	}
	int64_t v = 0, sc = -1;
	if (hall_json_opt_int(root, "", "current_version", 0, HALL_PROTO_SEQ_MAX, &v, &err) == HALL_OK)
		link->current_version = v;
	if (hall_json_opt_int(root, "", "current_scope", -1, S_COUNT - 1, &sc, &err) == HALL_OK)
		link->current_scope = (int)sc;
	for (int k = 0; k < K_COUNT; k++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, link__kind_leaf[k]);
		if (!cJSON_IsArray(arr))
			continue;
		for (int s = 0; s < S_COUNT; s++) {
			const cJSON *o = cJSON_GetArrayItem(arr, s);
			slot *sl = &link->slots[k][s];
			int64_t ver = 0;
			bool b = false;
			if (!cJSON_IsObject(o) || (s == S_GROUP && !same_group))
				continue;
			if (hall_json_opt_int(o, "", "version", 0, HALL_PROTO_SEQ_MAX, &ver, &err) != HALL_OK)
				continue;
			sl->version = ver;
			if (hall_json_opt_bool(o, "", "cleared", &b, &err) == HALL_OK)
				sl->cleared = b;
			b = false;
			if (hall_json_opt_bool(o, "", "failed", &b, &err) == HALL_OK)
				sl->failed = b;
			const cJSON *body = cJSON_GetObjectItemCaseSensitive(o, "body");
			if (k != K_CONTENT && cJSON_IsObject(body) && !sl->cleared) {
				sl->body = hall_json_print(body, &sl->body_len);
			} else if (k != K_CONTENT && !sl->cleared) {
				sl->version = 0; /* a schedule/notice without its body is nothing held */
			}
		}
	}
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(root, "commands");
	const cJSON *c;
	cJSON_ArrayForEach(c, cmds)
	{
		const char *id = NULL;
		int64_t state = 0;
		if (link->n_commands >= COMMANDS_KEPT)
			break;
		if (hall_json_get_string(c, "", "id", HALL_ID_MAX, &id, &err) != HALL_OK || !hall_id_is_valid(id))
			continue;
		hall_json_opt_int(c, "", "state", 0, 2, &state, &err);
		hall_proto_copy(link->commands[link->n_commands].id, HALL_ID_BUF, id);
		link->commands[link->n_commands].state = state == 0 ? 2 : (int)state; /* interrupted = failed */
		link->n_commands++;
	}
	link->next_command = link->n_commands % COMMANDS_KEPT;
	load_help(link, root);
done:
	cJSON_Delete(root);
	free(text);
}

/* console helper (issue 11): the render health the status carries (frame_p99_ms). A still
 * screen draws nothing: the value stays the one last measured while it drew. The first
 * figure, and one at least twice or at most half the last one said, go out at once (as
 * the first frame rate does): the status period is a minute, and a kiosk turning slow,
 * or measured for the first time, should not wait that long to show in the Fleet page
 * (a clean-clone ASan run of test_console_browser waited 30 s for the first figure and
 * saw none). At most once a figure, and a figure comes at most every 5 s (kiosk/main.c). */
void hall_link_set_frame_p99(hall_link *link, double ms)
{
	if (ms <= 0)
		return;
	if (ms > 60000)
		ms = 60000;
	double said = link->frame_p99_said;
	if (said <= 0 || ms >= 2 * said || ms <= said / 2) {
		link->frame_p99_said = ms;
		link->status_due = 0;
	}
	link->frame_p99_ms = ms;
}
