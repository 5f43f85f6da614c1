#!/usr/bin/env bash
# test_report_cli.sh: `hall-controller report` as the facility team runs it, with the built
# binary and no broker: exit codes (0 done, 1 no database / failure, 2 usage), JSON alone
# on stdout, --out, --format text|csv|json|html, --lang en|ko, a wrong --data (one line
# naming the path, no database created), and a kiosk of the config's list never seen.
set -uo pipefail
BIN="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}/hall-controller"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-report-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

. "${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}/tests/support/cli_lib.sh" # expect, check

cd "$TMP" || exit 1
D="$TMP/data"
mkdir -p "$D"
echo '{"time_zone":"Asia/Seoul","report_lang":"ko"}' > plain.json
echo '{"time_zone":"Asia/Seoul","kiosks":["k1","lobby-09"]}' > listed.json

# A wrong --data: one line naming the path, exit 1, and no database created.
expect wrong_data_should_name_the_path 1 "$TMP/nowhere/controller.db: no database here" -- \
	"$BIN" report --date 2026-11-24 --data "$TMP/nowhere" --config plain.json
[ ! -e "$TMP/nowhere/controller.db" ] || { echo "FAIL report created a database"; fails=$((fails + 1)); }
lines=$("$BIN" report --date 2026-11-24 --data "$TMP/nowhere" --config plain.json 2>&1 | wc -l)
check wrong_data_error_should_be_one_line [ "$lines" = 1 ]

# A database with one visit of k1 on 2026-11-24 (10:00-10:01 in Seoul = 01:00 UTC). The
# database is made by serve --create (stopped as soon as it is there: no broker needed);
# report opens it read-only and never adds tables itself.
"$BIN" serve --create --data "$D" --broker 127.0.0.1:1 --config plain.json 2>/dev/null &
spid=$!
for _ in $(seq 1 100); do [ -s "$D/controller.db" ] && break; sleep 0.05; done
sleep 0.2
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
expect empty_database_should_report 0 '"complete":true' -- "$BIN" report --date 2026-11-24 --format json --data "$D" --config plain.json
T0=1795482000000
sqlite3 "$D/controller.db" <<SQL || { echo "FAIL sqlite3"; exit 1; }
INSERT INTO events(kiosk, seq, ts, type, exhibit, target, session, lang, dwell_ms, poll, received) VALUES
 ('k1', 1, $T0, 'session_start', '', '', 1, 'ko', NULL, '', $T0),
 ('k1', 2, $T0 + 1000, 'view', 'brand', 'p1', 1, 'ko', 15000, '', $T0),
 ('k1', 3, $T0 + 2000, 'tap', 'brand', 'next', 1, 'ko', NULL, '', $T0),
 ('k1', 4, $T0 + 60000, 'session_end', '', 'finish', 1, 'ko', 60000, '', $T0);
INSERT INTO event_spans(kiosk, hour, lo, hi) VALUES ('k1', $T0 / 3600000, 1, 4);
SQL

expect json_should_go_alone_to_stdout 0 '"taps":1' -- "$BIN" report --date 2026-11-24 --format json --data "$D" --config plain.json
"$BIN" report --date 2026-11-24 --format json --data "$D" --config plain.json > out.json 2> err.txt
check json_stdout_should_parse python3 -c 'import json,sys; j=json.load(open("out.json")); sys.exit(0 if j["kiosks"][0]["dwell_median_ms"]==60000 and j["exhibits"][0]["dwell_median_ms"]==15000 else 1)'
check json_should_leave_stderr_empty [ ! -s err.txt ]
expect text_should_be_korean_by_default 0 "시민청 키오스크 이용 보고서" -- "$BIN" report --date 2026-11-24 --data "$D" --config plain.json
expect lang_en_should_give_english 0 "Citizen Hall kiosk usage report" -- "$BIN" report --date 2026-11-24 --lang en --data "$D" --config plain.json
# The five languages of the hall, by --lang and by report_lang: each report carries that
# language's headings (the title, the visitor interactions and the kiosk table's "events
# expected"), in text and in HTML, and the HTML says its language.
heads_ko="시민청 키오스크 이용 보고서|== 방문객 이용|받아야 할 이벤트"
heads_en="Citizen Hall kiosk usage report|== Visitor interactions|Events expected"
heads_ja="ソウル市民庁 キオスク端末 利用報告書|== 来場者の操作|受信すべきイベント"
heads_zh_Hans="首尔市民厅自助终端使用报告|== 访客互动|应收事件"
heads_zh_Hant="首爾市民廳自助服務機使用報告|== 訪客互動|應收事件"
for l in ko en ja zh-Hans zh-Hant; do
	var="heads_${l//-/_}"
	"$BIN" report --date 2026-11-24 --lang "$l" --data "$D" --config plain.json > "lang-$l.txt" 2>&1
	echo "{\"time_zone\":\"Asia/Seoul\",\"report_lang\":\"$l\"}" > "lang-$l.json"
	"$BIN" report --date 2026-11-24 --format html --data "$D" --config "lang-$l.json" > "lang-$l.html" 2>&1
	IFS='|' read -r h1 h2 h3 <<<"${!var}"
	check "lang_${l}_text_should_carry_its_headings" bash -c "grep -qF '$h1' lang-$l.txt && grep -qF -- '$h2' lang-$l.txt && grep -qF '$h3' lang-$l.txt"
	check "report_lang_${l}_html_should_carry_its_headings" bash -c "grep -qF '$h1' lang-$l.html && grep -qF '<th>$h3</th>' lang-$l.html && grep -qF '<html lang=\"$l\">' lang-$l.html"
done
check ja_text_should_not_fall_back_to_english bash -c "! grep -qF 'Visitor interactions' lang-ja.txt"
expect out_should_write_the_file 0 "report written to $TMP/r.txt (complete)" -- "$BIN" report --date 2026-11-24 --lang en --out "$TMP/r.txt" --data "$D" --config plain.json
check out_file_should_hold_the_report grep -qF "Data complete: no events missing" "$TMP/r.txt"
expect csv_should_be_written 0 "report written" -- "$BIN" report --date 2026-11-24 --format csv --out "$TMP/r.csv" --data "$D" --config plain.json
check csv_should_start_with_a_bom [ "$(head -c 3 "$TMP/r.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
check csv_should_carry_kiosk_dwell grep -qF "kiosk,2026-11-24..2026-11-24,k1,,,dwell_median_ms,60000" "$TMP/r.csv"
# A cell from an event that starts like a formula is neutralised (quoted, apostrophe first):
# a spreadsheet shows it as text instead of running it.
cp -r "$D" "$TMP/inj"
sqlite3 "$TMP/inj/controller.db" "INSERT INTO events(kiosk, seq, ts, type, exhibit, target, session, lang, dwell_ms, poll, received) VALUES ('k1', 5, $T0 + 3000, 'tap', 'brand', '=HYPERLINK(\"http://x.example/\",\"y\")', 1, 'ko', NULL, '', $T0), ('k1', 6, $T0 + 3500, 'tap', 'brand', '@SUM(1)', 1, 'ko', NULL, '', $T0); UPDATE event_spans SET hi = 6 WHERE kiosk = 'k1';" || { echo "FAIL sqlite3"; exit 1; }
"$BIN" report --date 2026-11-24 --format csv --data "$TMP/inj" --config plain.json > "$TMP/inj.csv" 2>&1
check csv_formula_cell_should_be_neutralised grep -qF \"\''=HYPERLINK(' "$TMP/inj.csv"
check csv_at_cell_should_be_neutralised grep -qF \"\''@SUM(1)' "$TMP/inj.csv"
check csv_should_hold_no_live_formula bash -c "! grep -qE '(^|,)[=@+-][A-Z]' '$TMP/inj.csv'"
# Versions and seqs are integers end to end (issue 10 item 8): one above 2^53 stored in the
# database comes out exact in JSON (never through a double: ...993 would print ...992),
# text and CSV.
cp -r "$D" "$TMP/big"
V=9007199254740993
sqlite3 "$TMP/big/controller.db" "INSERT INTO kiosks(id, content_version, seq_max, first_seen) VALUES ('k1', $V, 4, $T0); INSERT INTO shown(kiosk, ts, scope, version, pack) VALUES ('k1', $T0 + 500, 'all', $V, 'p'); INSERT INTO history(ts, user, action, kind, target, version, ref, detail) VALUES ($T0 + 100, 'kim', 'push', 'content', 'all', $V, 'r', '');" || { echo "FAIL sqlite3"; exit 1; }
"$BIN" report --date 2026-11-24 --format json --data "$TMP/big" --config plain.json > big.json 2>&1
check big_version_should_print_exactly_in_json grep -qF "\"content_version\":$V" big.json
check big_version_should_read_back_exactly python3 -c "import json,sys; j=json.load(open('big.json')); k=j['kiosks'][0]; sys.exit(0 if k['content_version']==$V and k['versions_shown'][-1]['version']==$V and j['content'][0]['version']==$V else 1)"
"$BIN" report --date 2026-11-24 --lang en --data "$TMP/big" --config plain.json > big.txt 2>&1
check big_version_should_print_exactly_in_text grep -qF "v$V from 10:00" big.txt
"$BIN" report --date 2026-11-24 --format csv --data "$TMP/big" --config plain.json > big.csv 2>&1
check big_version_should_print_exactly_in_csv grep -qF "content,2026-11-24 10:00,,all,push,version,$V," big.csv
expect html_should_be_written 0 "report written" -- "$BIN" report --date 2026-11-24 --format html --lang en --out "$TMP/r.html" --data "$D" --config plain.json
check html_should_be_a_document grep -qF "<!DOCTYPE html>" "$TMP/r.html"
check html_should_say_complete grep -qF 'class="status ok"' "$TMP/r.html"

# A kiosk of the config's list never seen: in the report, and the report is incomplete.
expect listed_kiosk_never_seen_should_be_reported 0 '"id":"lobby-09"' -- "$BIN" report --date 2026-11-24 --format json --data "$D" --config listed.json
expect listed_kiosk_never_seen_should_make_it_incomplete 0 '"complete":false' -- "$BIN" report --date 2026-11-24 --format json --data "$D" --config listed.json
expect listed_kiosk_never_seen_out_should_say_incomplete 0 "(INCOMPLETE)" -- "$BIN" report --date 2026-11-24 --out "$TMP/l.txt" --data "$D" --config listed.json

# Usage errors: exit 2, one line naming the option.
expect unknown_format_should_exit_2 2 '--format: expected text, csv, json or html, got "pdf"' -- "$BIN" report --format pdf --data "$D" --config plain.json
expect unknown_lang_should_exit_2 2 '--lang: expected ko, en, ja, zh-Hans or zh-Hant, got "xx"' -- "$BIN" report --lang xx --data "$D" --config plain.json
check unknown_lang_error_should_be_one_line [ "$("$BIN" report --lang xx --data "$D" --config plain.json 2>&1 | wc -l)" = 1 ]
echo '{"time_zone":"Asia/Seoul","report_lang":"fr"}' > fr.json
expect report_lang_fr_should_exit_2 2 'fr.json: report_lang: expected "ko", "en", "zh-Hans", "zh-Hant" or "ja", got "fr"' -- "$BIN" report --date 2026-11-24 --data "$D" --config fr.json
check report_lang_fr_error_should_be_one_line [ "$("$BIN" report --date 2026-11-24 --data "$D" --config fr.json 2>&1 | wc -l)" = 1 ]
expect bad_date_should_exit_2 2 '--date: expected a date YYYY-MM-DD' -- "$BIN" report --date 2026-13-40 --data "$D" --config plain.json
expect date_and_range_should_exit_2 2 'not both' -- "$BIN" report --date 2026-11-24 --from 2026-11-23 --data "$D" --config plain.json
expect unknown_option_should_exit_2 2 'unknown option --frobnicate' -- "$BIN" report --frobnicate x --data "$D" --config plain.json
expect reversed_range_should_exit_2 2 '--to' -- "$BIN" report --from 2026-11-24 --to 2026-11-20 --data "$D" --config plain.json
expect unwritable_out_should_exit_1 1 "" -- "$BIN" report --date 2026-11-24 --out "$TMP/no/such/dir/r.txt" --data "$D" --config plain.json

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
