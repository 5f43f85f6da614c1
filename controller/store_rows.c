/* store_rows.c: the rows both backends read, written once against store__row (see
 * store_internal.h), so that SQLite and PostgreSQL fill every row type alike: the
 * column orders of the SELECTs, the names stored for enums, the skipped unknown rows. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

void store__read_kiosk(const store__row *row, hall_store_kiosk *k)
{
	memset(k, 0, sizeof *k);
	row->text(row, 0, k->id, sizeof k->id);
	row->text(row, 1, k->group, sizeof k->group);
	k->first_seen = row->i64(row, 2);
	k->last_seen = row->i64(row, 3);
	k->online = row->i64(row, 4) != 0;
	k->online_since = row->i64(row, 5);
	k->content_version = row->i64(row, 6);
	k->schedule_version = row->i64(row, 7);
	k->notice_version = row->i64(row, 8);
	k->seq_max = row->i64(row, 9);
	k->spool_first = row->i64(row, 10);
	k->confirmed = row->i64(row, 11);
	row->text(row, 12, k->app, sizeof k->app);
	row->text(row, 13, k->last_error, sizeof k->last_error);
	k->alert = row->i64(row, 14) != 0;
	row->text(row, 15, k->alert_reason, sizeof k->alert_reason);
	k->help_count = row->i64(row, 16);
	k->last_help = row->i64(row, 17);
	row->text(row, 18, k->showing_scope, sizeof k->showing_scope);
	row->text(row, 19, k->showing_pack, sizeof k->showing_pack);
	k->unrecorded = row->i64(row, 20);
	k->fps_milli = row->opt_i64(row, 21);
	row->text(row, 22, k->broker, sizeof k->broker);
	k->frame_p99_us = row->opt_i64(row, 23); /* console helper */
}

/* The ack enums by their wire names (as stored): -1 for a name this version does not know. */
static int ack_enums(const char *kind, const char *result, hall_ack *out)
{
	static const hall_ack_kind kinds[] = {HALL_ACK_CONTENT, HALL_ACK_SCHEDULE, HALL_ACK_NOTICE, HALL_ACK_COMMAND};
	static const hall_ack_result results[] = {HALL_ACK_APPLIED, HALL_ACK_REJECTED, HALL_ACK_DONE, HALL_ACK_FAILED,
	                                          HALL_ACK_DEFERRED};
	int found = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(hall_ack_kind_name(kinds[i]), kind) == 0) {
			out->kind = kinds[i];
			found |= 1;
		}
	for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
		if (strcmp(hall_ack_result_name(results[i]), result) == 0) {
			out->result = results[i];
			found |= 2;
		}
	return found == 3 ? 0 : -1;
}

hall_err store__read_ack(const store__row *row, hall_store_ack *out, hall_error *err)
{
	char k[16], res[16];
	memset(out, 0, sizeof *out);
	row->text(row, 0, out->ack.kiosk, sizeof out->ack.kiosk);
	row->text(row, 1, k, sizeof k);
	row->text(row, 2, out->ack.scope, sizeof out->ack.scope);
	out->ack.version = row->i64(row, 3);
	row->text(row, 4, out->ack.id, sizeof out->ack.id);
	row->text(row, 5, res, sizeof res);
	row->text(row, 6, out->ack.reason, sizeof out->ack.reason);
	out->ts = row->i64(row, 7);
	if (ack_enums(k, res, &out->ack) != 0)
		return hall_error_set(err, HALL_ERR_DB, "", "ack row with unknown kind or result");
	return HALL_OK;
}

static void read_history(const store__row *row, hall_store_history *h)
{
	h->id = row->i64(row, 0);
	h->ts = row->i64(row, 1);
	row->text(row, 2, h->user, sizeof h->user);
	row->text(row, 3, h->action, sizeof h->action);
	row->text(row, 4, h->kind, sizeof h->kind);
	row->text(row, 5, h->target, sizeof h->target);
	h->version = row->i64(row, 6);
	row->text(row, 7, h->ref, sizeof h->ref);
	row->text(row, 8, h->detail, sizeof h->detail);
	row->text(row, 9, h->outcome, sizeof h->outcome);
	row->text(row, 10, h->reason, sizeof h->reason);
}

/* -1 for a command this version does not know (the row is skipped). */
static int read_command(const store__row *row, hall_store_command *c)
{
	static const hall_command_cmd all[] = {HALL_CMD_SCREENSHOT, HALL_CMD_RELOAD, HALL_CMD_SHOW, HALL_CMD_IDENTIFY};
	char name[32];
	row->text(row, 0, c->cmd.id, sizeof c->cmd.id);
	row->text(row, 1, c->kiosk, sizeof c->kiosk);
	row->text(row, 2, name, sizeof name);
	row->text(row, 3, c->cmd.exhibit, sizeof c->cmd.exhibit);
	c->cmd.ts = row->i64(row, 4);
	c->cmd.ttl_s = row->i64(row, 5);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(hall_command_cmd_name(all[i]), name) == 0) {
			c->cmd.cmd = all[i];
			return 0;
		}
	return -1;
}

static void read_daily(const store__row *row, hall_store_daily *d)
{
	row->text(row, 0, d->day, sizeof d->day);
	row->text(row, 1, d->kiosk, sizeof d->kiosk);
	row->text(row, 2, d->exhibit, sizeof d->exhibit);
	d->hour = (int)row->i64(row, 3);
	row->text(row, 4, d->lang, sizeof d->lang);
	row->text(row, 5, d->type, sizeof d->type);
	d->count = row->i64(row, 6);
	d->dwell_ms = row->i64(row, 7);
}

hall_err store__visit_row(const store__visit *v, const store__row *row, bool *stop, hall_error *err)
{
	union {
		hall_store_kiosk kiosk;
		hall_store_status_change status;
		hall_store_history history;
		hall_store_command command;
		hall_store_ack ack;
		hall_store_tally tally;
		hall_store_daily daily;
		hall_store_shown shown;
		char name[128];
	} u;
	hall_err rc = HALL_OK;
	int halt = 0;
	memset(&u, 0, sizeof u);
	switch (v->kind) {
	case ROW_KIOSK:
		store__read_kiosk(row, &u.kiosk);
		halt = v->cb.kiosk(v->user, &u.kiosk);
		break;
	case ROW_STATUS:
		row->text(row, 0, u.status.kiosk, sizeof u.status.kiosk);
		u.status.ts = row->i64(row, 1);
		u.status.online = row->i64(row, 2) != 0;
		halt = v->cb.status(v->user, &u.status);
		break;
	case ROW_HISTORY:
		read_history(row, &u.history);
		halt = v->cb.history(v->user, &u.history);
		break;
	case ROW_COMMAND:
		if (read_command(row, &u.command) == 0)
			halt = v->cb.command(v->user, &u.command);
		break;
	case ROW_ACK:
		if ((rc = store__read_ack(row, &u.ack, err)) == HALL_OK)
			halt = v->cb.ack(v->user, &u.ack);
		break;
	case ROW_TALLY:
		row->text(row, 0, u.tally.poll, sizeof u.tally.poll);
		row->text(row, 1, u.tally.option, sizeof u.tally.option);
		u.tally.votes = row->i64(row, 2);
		halt = v->cb.tally(v->user, &u.tally);
		break;
	case ROW_COUNTER:
		row->text(row, 0, u.name, sizeof u.name);
		halt = v->cb.counter(v->user, u.name, row->i64(row, 1));
		break;
	case ROW_DAILY:
		read_daily(row, &u.daily);
		halt = v->cb.daily(v->user, &u.daily);
		break;
	case ROW_SHOWN:
		snprintf(u.shown.kiosk, sizeof u.shown.kiosk, "%s", v->kiosk);
		u.shown.ts = row->i64(row, 0);
		row->text(row, 1, u.shown.showing.scope, sizeof u.shown.showing.scope);
		u.shown.showing.version = row->i64(row, 2);
		row->text(row, 3, u.shown.showing.pack, sizeof u.shown.showing.pack);
		halt = v->cb.shown(v->user, &u.shown);
		break;
	}
	*stop = halt != 0;
	return rc;
}
