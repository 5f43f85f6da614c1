#!/usr/bin/env bash
# test_controller_cli.sh: hall-controller's exit codes and messages that need no broker:
# validate (0 clean, 0 with warnings printed, 1 with every error and its path), schedule
# push of a bad file (1, every error and its path, nothing stored), usage
# errors (2, one line naming the argument), reading commands on a missing database (1),
# serve on a folder without a database (1, one line, nothing made), the reading commands
# on a read-only folder (they open the database read-only).
set -uo pipefail
BIN="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}/hall-controller"
FX="${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}/tests/fixtures/controller"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-ctl-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

. "${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}/tests/support/cli_lib.sh" # expect, check

cd "$TMP" || exit 1
expect validate_should_accept_a_clean_pack 0 "ok: 1 exhibits, 1 assets, 0 warnings" -- "$BIN" validate "$FX/pack-good"
expect validate_should_print_warnings_and_accept 0 "warning: exhibits[0].title: missing ja" -- "$BIN" validate "$FX/pack-v2"
expect validate_should_name_the_field_of_an_error 1 'error: exhibits[0].kind: unknown kind "video"' -- "$BIN" validate "$FX/pack-bad"
expect validate_should_refuse_a_missing_folder 1 "manifest.json" -- "$BIN" validate "$TMP/nothing-here"
expect validate_without_dir_should_be_a_usage_error 2 "DIR: missing" -- "$BIN" validate
expect no_subcommand_should_print_usage 2 "usage: hall-controller" -- "$BIN"
expect unknown_subcommand_should_exit_2 2 'unknown subcommand "frobnicate"' -- "$BIN" frobnicate
expect bad_config_field_should_be_named 2 "retain: expected" -- bash -c "echo '{\"retain\":\"yes\"}' > bad.json && '$BIN' status --config bad.json"
expect missing_config_file_should_be_named 2 "missing.json" -- "$BIN" status --config missing.json
expect status_should_not_create_a_database 1 "no database here" -- "$BIN" status --data "$TMP/empty"
[ ! -e "$TMP/empty/controller.db" ] || { echo "FAIL status created a database"; fails=$((fails + 1)); }
expect push_without_target_should_name_it 2 "--to: missing" -- "$BIN" push "$FX/pack-good" --data "$TMP/d"
expect notice_with_a_past_until_should_be_refused 2 "--until" -- "$BIN" notice hello --to all --until 2020-01-01T10:00 --data "$TMP/d"
expect command_to_an_unknown_group_should_be_refused 2 "group:lobby: no such group (known: none yet" -- "$BIN" command identify --to group:lobby --data "$TMP/d"
# schedule push checks the file before it opens the store or reaches a broker: every
# problem with its path, exit 1, no database created, nothing published.
cat > "$TMP/sched-bad.json" <<'JSON'
{"opening_hours": {"mon": [["25:00", "18:00"]]},
 "closures": ["2026-01-01", "2026-13-40"],
 "items": [{"id": "a", "show": {"exhibit": "brand"}, "weekday": ["mon"]}]}
JSON
expect schedule_push_should_print_every_problem 1 "refused (3 errors): nothing published" -- "$BIN" schedule push "$TMP/sched-bad.json" --to all --data "$TMP/sd"
expect schedule_push_should_name_the_opening_time 1 'error: opening_hours.mon[0][0]: "25:00" is not a time of day' -- "$BIN" schedule push "$TMP/sched-bad.json" --to all --data "$TMP/sd"
expect schedule_push_should_name_the_closure 1 'error: closures[1]: expected a date "YYYY-MM-DD"' -- "$BIN" schedule push "$TMP/sched-bad.json" --to all --data "$TMP/sd"
expect schedule_push_should_name_the_item_field 1 "error: items[0].weekday: unknown field" -- "$BIN" schedule push "$TMP/sched-bad.json" --to all --data "$TMP/sd"
[ ! -e "$TMP/sd/controller.db" ] || { echo "FAIL schedule push created a database"; fails=$((fails + 1)); }
# validate lists every problem in one run: the manifest's own error AND a wrong hash AND a
# missing file (it used to stop at the manifest's errors).
cp -r "$FX/pack-good" "$TMP/pv"
python3 - "$TMP/pv/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["exhibits"][0]["kind"] = "video"
m["assets"][0]["sha256"] = "0" * 64
m["assets"].append(dict(m["assets"][0], name="missing.png"))
json.dump(m, open(sys.argv[1], "w"))
PY
expect validate_should_list_every_problem_in_one_run 1 "refused (3 errors)" -- "$BIN" validate "$TMP/pv"
expect validate_should_name_the_wrong_hash_with_the_manifest_error 1 "error: assets[0]: file mark.png has sha256" -- "$BIN" validate "$TMP/pv"
expect validate_should_name_the_missing_file_with_the_manifest_error 1 "error: assets[1]: file missing.png is missing" -- "$BIN" validate "$TMP/pv"
# pack update writes the hashes and sizes nobody should type; pack new lists the images.
cp -r "$FX/pack-good" "$TMP/pu"
python3 - "$TMP/pu/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["assets"][0]["sha256"] = "0" * 64
m["assets"][0]["size"] = 1
json.dump(m, open(sys.argv[1], "w"))
PY
expect validate_should_refuse_typed_hashes 1 "the manifest says 1" -- "$BIN" validate "$TMP/pu"
expect pack_update_should_write_hash_and_size 0 "the pack is valid" -- "$BIN" pack update "$TMP/pu"
expect validate_after_pack_update_should_pass 0 "ok: 1 exhibits, 1 assets" -- "$BIN" validate "$TMP/pu"
rm "$TMP/pu/mark.png"
expect pack_update_should_name_a_missing_file 1 "error: assets[0]: mark.png" -- "$BIN" pack update "$TMP/pu"
mkdir "$TMP/pn" && cp "$FX/pack-good/mark.png" "$TMP/pn/"
expect pack_new_should_list_the_images 0 "1 image listed with sha256 and size" -- "$BIN" pack new "$TMP/pn"
check pack_new_should_write_the_hash grep -q "$(sha256sum "$TMP/pn/mark.png" | cut -c1-64)" "$TMP/pn/manifest.json"
expect pack_new_should_not_overwrite 1 "exists already" -- "$BIN" pack new "$TMP/pn"
expect pack_without_verb_should_exit_2 2 "pack new DIR" -- "$BIN" pack "$TMP/pn"

# preview: with no display it says so at once instead of running forever unseen; with
# --shots it renders every exhibit in every language headless, writes the PNGs and exits.
expect preview_without_display_should_say_so 2 "no display here: use --shots OUT" -- env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$BIN" preview "$FX/pack-good"
expect preview_shots_should_render_and_exit 0 "ko-vote.png" -- timeout 120 env -u DISPLAY "$BIN" preview "$FX/pack-good" --shots "$TMP/shots"
for f in ko-home ko-vote en-home en-vote; do
  check "preview_shots_should_write_$f" test -s "$TMP/shots/$f.png"
done
check preview_shots_should_differ_by_language bash -c "! cmp -s '$TMP/shots/ko-vote.png' '$TMP/shots/en-vote.png'"
# console4: --notice draws a notice on the home of each language it is written in (the
# console's notice preview); it needs --shots, and a notice with no text is refused.
printf '{"level":"urgent","text":{"ko":"점검 중","en":"Maintenance"}}' > "$TMP/notice.json"
printf '{"level":"info","text":{}}' > "$TMP/notice-empty.json"
expect preview_notice_should_need_shots 2 "--notice: needs --shots OUT" -- "$BIN" preview "$FX/pack-good" --notice "$TMP/notice.json"
expect preview_notice_should_refuse_no_text 1 "no text in any language" -- timeout 60 "$BIN" preview "$FX/pack-good" --shots "$TMP/nshots0" --notice "$TMP/notice-empty.json"
expect preview_notice_should_render_and_exit 0 "en-notice.png" -- timeout 120 env -u DISPLAY "$BIN" preview "$FX/pack-good" --shots "$TMP/nshots" --notice "$TMP/notice.json"
check preview_notice_should_draw_each_language bash -c "test -s '$TMP/nshots/ko-notice.png' && test -s '$TMP/nshots/en-notice.png' && ! cmp -s '$TMP/nshots/ko-notice.png' '$TMP/nshots/en-notice.png' && ! test -e '$TMP/nshots/ko-home.png'"

# --id after the subcommand's name: accepted (the controller's MQTT client id), a bad one is
# one line naming it with exit 2 (test_controller_id.sh covers every subcommand with a broker).
expect validate_should_take_id 0 "ok: 1 exhibits" -- "$BIN" validate "$FX/pack-good" --id ops-1
expect status_should_take_id 1 "no database here" -- "$BIN" status --id ops-1 --data "$TMP/empty"
expect bad_id_should_exit_2_naming_it 2 '--id: "Bad Id" is not an id' -- "$BIN" history --id "Bad Id" --data "$TMP/d"

# serve on a folder holding no database (a mistyped --data): one line saying how to make
# one, exit 1, nothing created; it refuses before it reaches for a broker.
expect serve_without_a_database_should_be_refused 1 "no database here" -- "$BIN" serve --data "$TMP/typo" --broker 127.0.0.1:1
expect serve_refusal_should_say_how_to_make_one 1 "hall-controller init --data $TMP/typo" -- "$BIN" serve --data "$TMP/typo" --broker 127.0.0.1:1
check serve_refusal_should_be_one_line [ "$("$BIN" serve --data "$TMP/typo" --broker 127.0.0.1:1 2>&1 | wc -l)" = 1 ]
check serve_refusal_should_create_nothing [ ! -e "$TMP/typo" ]

# report, status and history on a read-only folder: a database made by serve --create
# (stopped as soon as the file is there), then the folder made read-only (for root, whom
# permissions do not stop, the commands run as nobody).
mkdir -p "$TMP/ro"
chmod 0755 "$TMP" # the reader (nobody, for root) must reach the folder
"$BIN" serve --create --data "$TMP/ro" --broker 127.0.0.1:1 2>/dev/null &
spid=$!
for _ in $(seq 1 100); do [ -s "$TMP/ro/controller.db" ] && break; sleep 0.05; done
sleep 0.2
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
before=$(ls -A "$TMP/ro")
chmod 0555 "$TMP/ro"
chmod 0444 "$TMP/ro/controller.db"
as_reader() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
check read_only_folder_should_not_be_writable as_reader bash -c "! touch '$TMP/ro/x' 2>/dev/null"
expect report_should_work_on_a_read_only_folder 0 "" -- as_reader "$BIN" report --date 2026-11-24 --format json --data "$TMP/ro"
expect status_should_work_on_a_read_only_folder 0 "no kiosk has connected yet" -- as_reader "$BIN" status --data "$TMP/ro"
expect history_should_work_on_a_read_only_folder 0 "" -- as_reader "$BIN" history --data "$TMP/ro"
check read_only_reads_should_leave_no_file [ "$(ls -A "$TMP/ro")" = "$before" ]

# The same on a database an older controller made and no serve has migrated yet (schema
# version 0: no unrecorded, help.call, showing or outcome columns; sessions numbered from 1
# at every kiosk start): report, status and history read it as this version does (through
# a private migrated copy) and leave the file as it was.
mkdir -p "$TMP/old"
cp "$TMP/ro/controller.db" "$TMP/old/controller.db"
T0=1795482000000
sqlite3 "$TMP/old/controller.db" <<SQL || { echo "FAIL sqlite3"; exit 1; }
DROP INDEX help_call; ALTER TABLE help DROP COLUMN call;
ALTER TABLE kiosks DROP COLUMN unrecorded; DROP TABLE unrecorded_log;
ALTER TABLE kiosks DROP COLUMN showing_scope; ALTER TABLE kiosks DROP COLUMN showing_pack;
ALTER TABLE kiosks DROP COLUMN fps_milli;
ALTER TABLE history DROP COLUMN outcome; ALTER TABLE history DROP COLUMN reason;
DROP TABLE shown;
PRAGMA user_version=0;
INSERT INTO kiosks(id, grp, first_seen, last_seen, seq_max, confirmed) VALUES ('old-1', 'lobby', $T0, $T0, 3, 3);
INSERT INTO events(kiosk, seq, ts, type, exhibit, target, session, lang, dwell_ms, poll, received) VALUES
 ('old-1', 1, $T0, 'session_start', '', '', 1, 'ko', NULL, '', $T0),
 ('old-1', 2, $T0 + 1000, 'tap', 'brand', 'next', 1, 'ko', NULL, '', $T0),
 ('old-1', 3, $T0 + 2000, 'vote', 'poll', 'a', 1, 'ko', NULL, 'brand-vote', $T0);
INSERT INTO event_spans(kiosk, hour, lo, hi) VALUES ('old-1', $T0 / 3600000, 1, 3);
INSERT INTO votes(kiosk, session, poll, option, ts) VALUES ('old-1', 1, 'brand-vote', 'a', $T0 + 2000);
INSERT INTO history(ts, user, action, kind, target, version, ref, detail) VALUES ($T0, 'kim', 'push', 'content', 'all', 4, 'r', '');
SQL
chmod 0555 "$TMP/old"
chmod 0444 "$TMP/old/controller.db"
sum_before=$(sha256sum < "$TMP/old/controller.db")
list_before=$(ls -A "$TMP/old")
expect report_should_read_an_old_database_read_only 0 '"taps":1' -- as_reader "$BIN" report --date 2026-11-24 --format json --data "$TMP/old"
expect report_of_an_old_database_should_count_its_vote 0 '"votes":1' -- as_reader "$BIN" report --date 2026-11-24 --format json --data "$TMP/old"
expect status_should_read_an_old_database_read_only 0 "old-1" -- as_reader "$BIN" status --data "$TMP/old"
expect history_should_read_an_old_database_read_only 0 "push" -- as_reader "$BIN" history --data "$TMP/old"
check old_database_file_should_be_unchanged [ "$(sha256sum < "$TMP/old/controller.db")" = "$sum_before" ]
check old_database_folder_should_gain_no_file [ "$(ls -A "$TMP/old")" = "$list_before" ]
chmod 0755 "$TMP/ro" "$TMP/old"

# Packs: only regular files inside the pack folder are read, and nothing opens in a way
# that blocks. A FIFO (push hung on one for good), a link that leaves the folder (it was
# followed and published) and a link to /etc/passwd (whose size was printed) are refused
# at once, in one line naming the file and nothing about what a link leads to. (A hang
# would run into timeout's 5 s, exit 124.)
mkpack() { rm -rf "$TMP/$1"; mkdir -p "$TMP/$1"; cp "$FX/pack-good/manifest.json" "$FX/pack-good/mark.png" "$TMP/$1/"; }
mkpack fifo; rm "$TMP/fifo/mark.png"; mkfifo "$TMP/fifo/mark.png"
expect fifo_in_a_pack_should_be_refused_at_once 1 "mark.png: refused: a FIFO" -- timeout 5 "$BIN" validate "$TMP/fifo"
expect push_of_a_fifo_should_be_refused_at_once 1 "mark.png: refused: a FIFO" -- \
	timeout 5 "$BIN" push "$TMP/fifo" --to all --data "$TMP/fifo-data" --broker 127.0.0.1:1
mkpack fifo-manifest; rm "$TMP/fifo-manifest/manifest.json"; mkfifo "$TMP/fifo-manifest/manifest.json"
expect fifo_manifest_should_be_refused_at_once 1 "manifest.json: refused: a FIFO" -- \
	timeout 5 "$BIN" validate "$TMP/fifo-manifest"
mkdir -p "$TMP/outside"; cp "$FX/pack-good/mark.png" "$TMP/outside/mark.png"
mkpack escape; ln -sf "$TMP/outside/mark.png" "$TMP/escape/mark.png"
expect link_out_of_the_pack_should_be_refused 1 "mark.png: refused: a symbolic link" -- timeout 5 "$BIN" validate "$TMP/escape"
expect push_of_a_link_out_should_publish_nothing 1 "mark.png: refused" -- \
	timeout 5 "$BIN" push "$TMP/escape" --to all --data "$TMP/escape-data" --broker 127.0.0.1:1
check push_of_a_link_out_should_store_nothing [ ! -e "$TMP/escape-data/packs" ]
mkpack lnk; ln -sf /etc/passwd "$TMP/lnk/mark.png"
out=$(timeout 5 "$BIN" validate "$TMP/lnk" 2>&1)
check link_to_passwd_should_be_refused grep -qF "mark.png: refused: a symbolic link" <<<"$out"
check link_to_passwd_should_say_nothing_of_its_target bash -c "! grep -qE 'passwd|bytes|sha256' <<<'$out'"

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
