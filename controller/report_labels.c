/* report_labels.c: every word of the report in the hall's five languages, in one table
 * (label x language), and the formatting every writer shares (report_internal.h).
 *
 * The words are those a facility team uses, not the protocol's: "events expected,
 * received, missing", not seq_min or dwell_p90_ms (JSON keeps its keys: programs read it). */
#include "report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"

#define KO HALL_LANG_KO
#define EN HALL_LANG_EN
#define JA HALL_LANG_JA
#define HANS HALL_LANG_ZH_HANS
#define HANT HALL_LANG_ZH_HANT

static const char *const LABELS[L_COUNT_][HALL_LANG_COUNT] = {
	[L_TITLE] = {[EN] = "Citizen Hall kiosk usage report", [KO] = "시민청 키오스크 이용 보고서",
	             [JA] = "ソウル市民庁 キオスク端末 利用報告書", [HANS] = "首尔市民厅自助终端使用报告",
	             [HANT] = "首爾市民廳自助服務機使用報告"},
	[L_PERIOD] = {[EN] = "Period", [KO] = "기간", [JA] = "期間", [HANS] = "期间", [HANT] = "期間"},
	[L_GENERATED] = {[EN] = "Generated", [KO] = "작성 시각", [JA] = "作成日時", [HANS] = "生成时间", [HANT] = "產生時間"},
	[L_TZ] = {[EN] = "Time zone", [KO] = "시간대", [JA] = "タイムゾーン", [HANS] = "时区", [HANT] = "時區"},
	[L_COMPLETE] = {[EN] = "Data complete: no events missing", [KO] = "데이터 완전: 빠진 이벤트 없음",
	                [JA] = "データ完全：欠落したイベントはありません", [HANS] = "数据完整：没有缺失的事件",
	                [HANT] = "資料完整：沒有缺漏的事件"},
	[L_INCOMPLETE] = {[EN] = "Data INCOMPLETE", [KO] = "데이터 불완전", [JA] = "データ不完全",
	                  [HANS] = "数据不完整", [HANT] = "資料不完整"},
	[L_SESSIONS] = {[EN] = "Visitor sessions", [KO] = "방문 세션", [JA] = "来場者の利用回数",
	                [HANS] = "访客使用次数", [HANT] = "訪客使用次數"},
	[L_TAPS] = {[EN] = "Taps", [KO] = "터치", [JA] = "タッチ数", [HANS] = "触摸次数", [HANT] = "觸控次數"},
	[L_VIEWS] = {[EN] = "Page views", [KO] = "화면 조회", [JA] = "画面表示数", [HANS] = "页面浏览次数",
	             [HANT] = "頁面瀏覽次數"},
	[L_EVENTS] = {[EN] = "Events", [KO] = "이벤트", [JA] = "イベント", [HANS] = "事件", [HANT] = "事件"},
	[L_DWELL_MEDIAN] = {[EN] = "Dwell time, median", [KO] = "체류 시간 중앙값", [JA] = "滞在時間（中央値）",
	                    [HANS] = "停留时间（中位数）", [HANT] = "停留時間（中位數）"},
	[L_DWELL_P90] = {[EN] = "Dwell time, 90th percentile", [KO] = "체류 시간 90번째 백분위",
	                 [JA] = "滞在時間（90パーセンタイル）", [HANS] = "停留时间（第90百分位）",
	                 [HANT] = "停留時間（第90百分位）"},
	[L_VOTES] = {[EN] = "Votes", [KO] = "투표", [JA] = "投票数", [HANS] = "投票数", [HANT] = "投票數"},
	[L_HELP] = {[EN] = "Staff calls", [KO] = "직원 호출", [JA] = "係員の呼び出し", [HANS] = "呼叫工作人员",
	            [HANT] = "呼叫工作人員"},
	[L_REJECTED] = {[EN] = "Rejected events (all time)", [KO] = "거부된 이벤트(누적)",
	                [JA] = "受け付けなかったイベント（累計）", [HANS] = "被拒收的事件（累计）",
	                [HANT] = "遭拒收的事件（累計）"},
	[L_KIOSKS] = {[EN] = "Per kiosk", [KO] = "키오스크별", [JA] = "キオスク端末別", [HANS] = "按自助终端",
	              [HANT] = "依自助服務機"},
	[L_KIOSK] = {[EN] = "Kiosk", [KO] = "키오스크", [JA] = "キオスク端末", [HANS] = "自助终端", [HANT] = "自助服務機"},
	[L_GROUP] = {[EN] = "Group", [KO] = "그룹", [JA] = "グループ", [HANS] = "分组", [HANT] = "群組"},
	[L_SEQ_MIN] = {[EN] = "First event no.", [KO] = "첫 이벤트 번호", [JA] = "最初のイベント番号",
	               [HANS] = "首个事件编号", [HANT] = "第一個事件編號"},
	[L_SEQ_MAX] = {[EN] = "Last event no.", [KO] = "마지막 이벤트 번호", [JA] = "最後のイベント番号",
	               [HANS] = "最后事件编号", [HANT] = "最後事件編號"},
	[L_EXPECTED] = {[EN] = "Events expected", [KO] = "받아야 할 이벤트", [JA] = "受信すべきイベント",
	                [HANS] = "应收事件", [HANT] = "應收事件"},
	[L_RECEIVED] = {[EN] = "Received", [KO] = "받은 이벤트", [JA] = "受信済み", [HANS] = "已收到",
	                [HANT] = "已收到"},
	[L_MISSING] = {[EN] = "Missing", [KO] = "빠진 이벤트", [JA] = "欠落", [HANS] = "缺失", [HANT] = "缺漏"},
	[L_UNRECORDED] = {[EN] = "Could not be recorded", [KO] = "기록하지 못한 이벤트", [JA] = "記録できなかったイベント",
	                  [HANS] = "未能记录的事件", [HANT] = "未能記錄的事件"},
	[L_UPTIME] = {[EN] = "Uptime in opening hours", [KO] = "운영시간 중 가동률", [JA] = "開館時間中の稼働率",
	              [HANS] = "开放时间内运行率", [HANT] = "開放時間內運作率"},
	[L_OUTAGES] = {[EN] = "Outages", [KO] = "중단", [JA] = "停止", [HANS] = "中断", [HANT] = "中斷"},
	[L_NONE] = {[EN] = "none", [KO] = "없음", [JA] = "なし", [HANS] = "无", [HANT] = "無"},
	[L_EXHIBITS] = {[EN] = "Per exhibit", [KO] = "전시별", [JA] = "展示別", [HANS] = "按展项", [HANT] = "依展項"},
	[L_EXHIBIT] = {[EN] = "Exhibit", [KO] = "전시", [JA] = "展示", [HANS] = "展项", [HANT] = "展項"},
	[L_ITEMS] = {[EN] = "Taps per item", [KO] = "항목별 터치", [JA] = "項目別タッチ数", [HANS] = "各项目触摸次数",
	             [HANT] = "各項目觸控次數"},
	[L_ITEM] = {[EN] = "Item", [KO] = "항목", [JA] = "項目", [HANS] = "项目", [HANT] = "項目"},
	[L_HOURS] = {[EN] = "By hour of day", [KO] = "시간대별", [JA] = "時間帯別", [HANS] = "按时段", [HANT] = "依時段"},
	[L_HOUR] = {[EN] = "Hour", [KO] = "시", [JA] = "時", [HANS] = "时", [HANT] = "時"},
	[L_LANGUAGES] = {[EN] = "Page views by language", [KO] = "언어별 화면 조회", [JA] = "言語別の画面表示数",
	                 [HANS] = "按语言的页面浏览次数", [HANT] = "依語言的頁面瀏覽次數"},
	[L_LANGUAGE] = {[EN] = "Language", [KO] = "언어", [JA] = "言語", [HANS] = "语言", [HANT] = "語言"},
	[L_MODES] = {[EN] = "Accessibility modes used", [KO] = "접근성 모드 사용", [JA] = "アクセシビリティ機能の利用",
	             [HANS] = "无障碍模式使用情况", [HANT] = "無障礙模式使用情形"},
	[L_MODE] = {[EN] = "Mode", [KO] = "모드", [JA] = "モード", [HANS] = "模式", [HANT] = "模式"},
	[L_POLLS] = {[EN] = "Poll results", [KO] = "투표 결과", [JA] = "投票結果", [HANS] = "投票结果", [HANT] = "投票結果"},
	[L_POLL] = {[EN] = "Poll", [KO] = "투표", [JA] = "投票", [HANS] = "投票", [HANT] = "投票"},
	[L_OPTION] = {[EN] = "Option", [KO] = "선택지", [JA] = "選択肢", [HANS] = "选项", [HANT] = "選項"},
	[L_CONTENT] = {[EN] = "Content versions", [KO] = "콘텐츠 버전", [JA] = "コンテンツの版", [HANS] = "内容版本",
	               [HANT] = "內容版本"},
	[L_VERSION] = {[EN] = "Version", [KO] = "버전", [JA] = "版", [HANS] = "版本", [HANT] = "版本"},
	[L_ACTION] = {[EN] = "Action", [KO] = "작업", [JA] = "操作", [HANS] = "操作", [HANT] = "操作"},
	[L_TARGET] = {[EN] = "Target", [KO] = "대상", [JA] = "対象", [HANS] = "对象", [HANT] = "對象"},
	[L_TIME] = {[EN] = "Time", [KO] = "시각", [JA] = "時刻", [HANS] = "时间", [HANT] = "時間"},
	[L_TREND] = {[EN] = "Day by day", [KO] = "일별 추이", [JA] = "日別の推移", [HANS] = "每日趋势", [HANT] = "每日趨勢"},
	[L_DAY] = {[EN] = "Day", [KO] = "날짜", [JA] = "日付", [HANS] = "日期", [HANT] = "日期"},
	[L_OPEN_HOURS_ALL] = {[EN] = "Opening hours: the whole day (no schedule)", [KO] = "운영시간: 하루 전체(일정 없음)",
	                      [JA] = "開館時間：終日（スケジュールなし）", [HANS] = "开放时间：全天（无时间表）",
	                      [HANT] = "開放時間：全天（無時間表）"},
	[L_OPEN_HOURS_SCHED] = {[EN] = "Opening hours: from the published schedule", [KO] = "운영시간: 게시된 일정 기준",
	                        [JA] = "開館時間：公開したスケジュールによる", [HANS] = "开放时间：按已发布的时间表",
	                        [HANT] = "開放時間：依已發布的時間表"},
	[L_COUNT] = {[EN] = "Count", [KO] = "건수", [JA] = "件数", [HANS] = "次数", [HANT] = "次數"},
	[L_COMPLETENESS] = {[EN] = "Data completeness", [KO] = "데이터 완전성", [JA] = "データの完全性",
	                    [HANS] = "数据完整性", [HANT] = "資料完整性"},
	[L_LANG_CHANGES] = {[EN] = "Language changes", [KO] = "언어 변경", [JA] = "言語の切り替え", [HANS] = "语言切换",
	                    [HANT] = "語言切換"},
	[L_UNKNOWN] = {[EN] = "unknown", [KO] = "알 수 없음", [JA] = "不明", [HANS] = "未知", [HANT] = "未知"},
	[L_SIGN] = {[EN] = "Signed off by", [KO] = "확인자 서명", [JA] = "確認者署名", [HANS] = "确认人签名",
	            [HANT] = "確認人簽名"},
	[L_NO_DATA] = {[EN] = "No events were recorded in this period.", [KO] = "이 기간에 기록된 이벤트가 없습니다.",
	               [JA] = "この期間に記録されたイベントはありません。", [HANS] = "本期间没有记录到任何事件。",
	               [HANT] = "本期間沒有記錄到任何事件。"},
	[L_USER] = {[EN] = "User", [KO] = "사용자", [JA] = "担当者", [HANS] = "操作人", [HANT] = "操作人"},
	[L_OUTSIDE] = {[EN] = "(attract and home screens)", [KO] = "(대기·홈 화면)", [JA] = "（待機・ホーム画面）",
	               [HANS] = "（待机及主页画面）", [HANT] = "（待機及首頁畫面）"},
	[L_NEVER_SEEN] = {[EN] = "never seen: sent nothing", [KO] = "한 번도 연결되지 않음: 보낸 것 없음",
	                  [JA] = "一度も接続していません：送信なし", [HANS] = "从未连接：未发送任何数据",
	                  [HANT] = "從未連線：未傳送任何資料"},
	[L_DWELL] = {[EN] = "Dwell median / p90", [KO] = "체류 시간 중앙값 / 90%", [JA] = "滞在時間 中央値 / 90%",
	             [HANS] = "停留时间 中位数 / 90%", [HANT] = "停留時間 中位數 / 90%"},
	[L_SHOWN] = {[EN] = "Content versions shown", [KO] = "표시된 콘텐츠 버전", [JA] = "表示したコンテンツの版",
	             [HANS] = "显示过的内容版本", [HANT] = "顯示過的內容版本"},
	[L_BEFORE] = {[EN] = "before the period", [KO] = "기간 이전부터", [JA] = "期間の前から", [HANS] = "期间开始前起",
	              [HANT] = "期間開始前起"},
	[L_SHOWN_FROM] = {[EN] = "v{v} from {t}", [KO] = "v{v} ({t}부터)", [JA] = "v{v}（{t}から）",
	                  [HANS] = "v{v}（{t}起）", [HANT] = "v{v}（{t}起）"},
	[L_INTERACTIONS] = {[EN] = "Visitor interactions", [KO] = "방문객 이용", [JA] = "来場者の操作",
	                    [HANS] = "访客互动", [HANT] = "訪客互動"},
	[L_CAUSE_NEVER] = {[EN] = "kiosk {kiosk} never connected", [KO] = "키오스크 {kiosk} 연결된 적 없음",
	                   [JA] = "端末 {kiosk} は一度も接続していません", [HANS] = "终端 {kiosk} 从未连接",
	                   [HANT] = "服務機 {kiosk} 從未連線"},
	[L_CAUSE_UNRECORDED] = {[EN] = "{kiosk}: {n} events could not be recorded",
	                        [KO] = "{kiosk}: 기록하지 못한 이벤트 {n}건",
	                        [JA] = "{kiosk}：記録できなかったイベント {n} 件",
	                        [HANS] = "{kiosk}：{n} 个事件未能记录", [HANT] = "{kiosk}：{n} 個事件未能記錄"},
	[L_CAUSE_MISSING] = {[EN] = "{kiosk}: {n} events missing", [KO] = "{kiosk}: 빠진 이벤트 {n}건",
	                     [JA] = "{kiosk}：欠落したイベント {n} 件", [HANS] = "{kiosk}：缺失 {n} 个事件",
	                     [HANT] = "{kiosk}：缺漏 {n} 個事件"},
	[L_CANNOT_SHOW] = {[EN] = "Data completeness CANNOT be shown: raw events were removed {after}, so per-seq "
	                          "completeness cannot be shown ({from}..{to} counted from the daily aggregates)",
	                   [KO] = "데이터 완전성 확인 불가: 원시 이벤트가 {after} 삭제되어 seq별 완전성을 보일 수 "
	                          "없습니다 ({from}..{to}는 일별 집계로 작성)",
	                   [JA] = "データの完全性を確認できません：生のイベントが{after}削除されたため、番号ごとの"
	                          "完全性を示せません（{from}..{to} は日次集計から作成）",
	                   [HANS] = "无法确认数据完整性：原始事件已在{after}删除，无法逐一核对编号的完整性"
	                            "（{from}..{to} 按每日汇总统计）",
	                   [HANT] = "無法確認資料完整性：原始事件已在{after}刪除，無法逐一核對編號的完整性"
	                            "（{from}..{to} 依每日彙總統計）"},
	[L_AFTER_DAYS] = {[EN] = "after {n} days", [KO] = "{n}일 보존 후", [JA] = "{n}日間の保存期間の後に",
	                  [HANS] = "保存{n}天后", [HANT] = "保存{n}天後"},
	[L_AFTER_RETENTION] = {[EN] = "after the retention period", [KO] = "보존 기간이 지나",
	                       [JA] = "保存期間の経過後に", [HANS] = "保存期限届满后", [HANT] = "保存期限屆滿後"},
	[L_F_COMPLETE] = {[EN] = "Data complete (1 = yes)", [KO] = "데이터 완전 (1 = 예)", [JA] = "データ完全（1 = はい）",
	                  [HANS] = "数据完整（1 = 是）", [HANT] = "資料完整（1 = 是）"},
	[L_F_RETENTION] = {[EN] = "Raw events kept (days)", [KO] = "원시 이벤트 보존 기간(일)",
	                   [JA] = "生のイベントの保存期間（日）", [HANS] = "原始事件保存天数", [HANT] = "原始事件保存天數"},
	[L_F_RAW_REMOVED] = {[EN] = "Raw events removed (1 = yes)", [KO] = "원시 이벤트 삭제됨 (1 = 예)",
	                     [JA] = "生のイベント削除済み（1 = はい）", [HANS] = "原始事件已删除（1 = 是）",
	                     [HANT] = "原始事件已刪除（1 = 是）"},
	[L_F_DWELL_MEDIAN_MS] = {[EN] = "Dwell time, median (ms)", [KO] = "체류 시간 중앙값(ms)",
	                         [JA] = "滞在時間 中央値（ミリ秒）", [HANS] = "停留时间中位数（毫秒）",
	                         [HANT] = "停留時間中位數（毫秒）"},
	[L_F_DWELL_P90_MS] = {[EN] = "Dwell time, 90th percentile (ms)", [KO] = "체류 시간 90번째 백분위(ms)",
	                      [JA] = "滞在時間 90パーセンタイル（ミリ秒）", [HANS] = "停留时间第90百分位（毫秒）",
	                      [HANT] = "停留時間第90百分位（毫秒）"},
	[L_F_OPEN_S] = {[EN] = "Opening hours in the period (s)", [KO] = "기간 중 운영시간(초)",
	                [JA] = "期間中の開館時間（秒）", [HANS] = "期间内开放时间（秒）", [HANT] = "期間內開放時間（秒）"},
	[L_F_ONLINE_S] = {[EN] = "Online in opening hours (s)", [KO] = "운영시간 중 연결 시간(초)",
	                  [JA] = "開館時間中の接続時間（秒）", [HANS] = "开放时间内在线时长（秒）",
	                  [HANT] = "開放時間內連線時長（秒）"},
	[L_F_OUTAGE_S] = {[EN] = "Outage (s)", [KO] = "중단 시간(초)", [JA] = "停止時間（秒）", [HANS] = "中断时长（秒）",
	                  [HANT] = "中斷時長（秒）"},
	[L_F_VERSION_SHOWN] = {[EN] = "Content version shown", [KO] = "표시된 콘텐츠 버전",
	                       [JA] = "表示したコンテンツの版", [HANS] = "显示过的内容版本", [HANT] = "顯示過的內容版本"},
};

const char *report__label(hall_lang lang, report_label l)
{
	if ((unsigned)l >= L_COUNT_)
		return "";
	const char *s = (unsigned)lang < HALL_LANG_COUNT ? LABELS[l][lang] : NULL;
	return s ? s : LABELS[l][EN] ? LABELS[l][EN] : "";
}

void report__fill(hall_strbuf *b, const char *tmpl, const report_args *a)
{
	for (const char *p = tmpl; *p;) {
		const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			hall_strbuf_puts(b, p);
			return;
		}
		hall_strbuf_append(b, p, (size_t)(open - p));
		size_t n = (size_t)(close - open - 1);
		const char *name = open + 1, *s = NULL;
		if (n == 1 && *name == 'n')
			hall_strbuf_printf(b, "%lld", (long long)a->n);
		else if (n == 1 && *name == 'v')
			hall_strbuf_printf(b, "%lld", (long long)a->v);
		else {
			s = n == 5 && !strncmp(name, "kiosk", 5) ? a->kiosk
			    : n == 1 && *name == 't'             ? a->t
			    : n == 5 && !strncmp(name, "after", 5) ? a->after
			    : n == 4 && !strncmp(name, "from", 4)  ? a->from
			    : n == 2 && !strncmp(name, "to", 2)    ? a->to
			                                           : NULL;
			hall_strbuf_puts(b, s ? s : "");
		}
		p = close + 1;
	}
}

void report__completeness(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	if (r->n_days_daily == 0) {
		hall_strbuf_puts(b, report__label(lang, r->complete ? L_COMPLETE : L_INCOMPLETE));
		static const report_label cause[] = {[HALL_REPORT_CAUSE_NEVER_CONNECTED] = L_CAUSE_NEVER,
		                                     [HALL_REPORT_CAUSE_UNRECORDED] = L_CAUSE_UNRECORDED,
		                                     [HALL_REPORT_CAUSE_MISSING] = L_CAUSE_MISSING};
		for (size_t i = 0; i < r->n_causes; i++) {
			const hall_report_cause *c = &r->causes[i];
			hall_strbuf_puts(b, i ? "; " : ": ");
			report__fill(b, report__label(lang, cause[c->kind]), &(report_args){.kiosk = c->kiosk, .n = c->count});
		}
		return;
	}
	const char *first = "", *last = "";
	for (size_t i = 0; i < r->n_days; i++)
		if (r->days[i].from_daily) {
			if (!*first)
				first = r->days[i].day;
			last = r->days[i].day;
		}
	hall_strbuf after;
	hall_strbuf_init(&after);
	report__fill(&after, report__label(lang, r->retention_days > 0 ? L_AFTER_DAYS : L_AFTER_RETENTION),
	             &(report_args){.n = r->retention_days});
	char *a = hall_strbuf_take(&after, NULL);
	report__fill(b, report__label(lang, L_CANNOT_SHOW), &(report_args){.after = a, .from = first, .to = last});
	free(a);
}

void report__local(const hall_report *r, char *out, size_t len, int64_t ms)
{
	hall_civil c;
	if (hall_clock_to_civil(ms, r->tz, &c) != 0) {
		snprintf(out, len, "%lld", (long long)ms);
		return;
	}
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute);
}

void report__duration(char *out, size_t len, int64_t ms)
{
	int64_t s = (ms + 500) / 1000;
	if (s >= 3600)
		snprintf(out, len, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(out, len, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(out, len, "%llds", (long long)s);
}

void report__dwell(const hall_report_dwell *d, char *out, size_t len)
{
	if (!d->n) {
		snprintf(out, len, "-");
		return;
	}
	char a[24], b[24]; /* "123456h 59m": fits, and both fit a 64-byte out */
	report__duration(a, sizeof a, d->median);
	report__duration(b, sizeof b, d->p90);
	snprintf(out, len, "%s / %s", a, b);
}

void report__dwell_one(const hall_report_dwell *d, int p90, char *out, size_t len)
{
	if (!d->n)
		snprintf(out, len, "-");
	else
		report__duration(out, len, p90 ? d->p90 : d->median);
}

double report__uptime_pct(const hall_report_kiosk *k)
{
	return k->open_ms > 0 ? 100.0 * (double)k->online_ms / (double)k->open_ms : 0.0;
}

void report__uptime(const hall_report_kiosk *k, char *out, size_t len)
{
	if (k->open_ms)
		snprintf(out, len, "%.1f%%", report__uptime_pct(k));
	else
		snprintf(out, len, "-");
}

void report__shown(const hall_report *r, const hall_report_kiosk *k, hall_lang lang, hall_strbuf *b)
{
	if (!k->n_shown) {
		hall_strbuf_puts(b, report__label(lang, L_NONE));
		return;
	}
	for (size_t j = 0; j < k->n_shown; j++) {
		const hall_report_shown *v = &k->shown[j];
		char when[32];
		report__local(r, when, sizeof when, v->applied_ms);
		const char *t = r->n_days > 1 || strlen(when) != 16 ? when : when + 11;
		hall_strbuf_puts(b, j ? ", " : "");
		if (v->before_period)
			report__fill(b, "v{v} ({t})", &(report_args){.v = v->version, .t = report__label(lang, L_BEFORE)});
		else
			report__fill(b, report__label(lang, L_SHOWN_FROM), &(report_args){.v = v->version, .t = t});
	}
}

const char *report__name(const hall_report_title *t, const char *id, hall_lang lang)
{
	const char *s = hall_report_title_in(t, lang);
	return s && *s ? s : id;
}

const char *report__exhibit_name(const hall_report_title *t, const char *id, hall_lang lang)
{
	return id[0] ? report__name(t, id, lang) : report__label(lang, L_OUTSIDE);
}

const char *report__with_id(char *buf, size_t len, const hall_report_title *t, const char *id, hall_lang lang)
{
	const char *title = hall_report_title_in(t, lang);
	if (!title || !*title || strcmp(title, id) == 0)
		return id;
	snprintf(buf, len, "%s (%s)", title, id);
	return buf;
}

const char *report__exhibit_label(char *buf, size_t len, const hall_report_title *t, const char *id, hall_lang lang)
{
	return id[0] ? report__with_id(buf, len, t, id, lang) : report__label(lang, L_OUTSIDE);
}

const char *report__lang_name(hall_lang ui, size_t i)
{
	return i < HALL_LANG_COUNT ? hall_lang_native_name((hall_lang)i) : report__label(ui, L_UNKNOWN);
}

/* Terminal cells of one code point: East Asian Wide and Fullwidth take 2 (UAX #11),
 * combining marks and zero-width characters none, everything else 1. */
static int cp_cells(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF ||
	    (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	    (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
	    (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

size_t report__cells(const char *s)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p;
		int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		int ok = 1;
		for (int i = 1; i <= extra; i++)
			if ((p[i] & 0xC0) != 0x80)
				ok = 0;
		if (!ok || c >= 0xF8 || (c >= 0x80 && c < 0xC0)) {
			n++;
			p++;
			continue;
		}
		if (extra)
			c &= 0x3F >> extra;
		for (int i = 1; i <= extra; i++)
			c = (c << 6) | (p[i] & 0x3F);
		n += (size_t)cp_cells(c);
		p += 1 + extra;
	}
	return n;
}
