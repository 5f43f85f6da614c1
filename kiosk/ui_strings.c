/* ui_strings.c: the kiosk's own words (buttons, dialogs) in the hall's five languages.
 * Content strings come from the pack; these are the frame around them. Order of each
 * row: ko, en, zh-Hans, zh-Hant, ja. {1} and {2} are placeholders (hall_ui_fill). */
#include "ui.h"

#include <stdio.h>
#include <string.h>

static const char *const strings[HALL_STR_COUNT][HALL_LANG_COUNT] = {
	[HALL_STR_HOME] = {"처음으로", "Home", "首页", "首頁", "ホーム"},
	[HALL_STR_BACK] = {"뒤로", "Back", "返回", "返回", "戻る"},
	[HALL_STR_LANGUAGE] = {"언어", "Language", "语言", "語言", "言語"},
	[HALL_STR_ACCESSIBILITY] = {"접근성", "Accessibility", "无障碍", "無障礙", "アクセシビリティ"},
	[HALL_STR_CALL_STAFF] = {"직원 호출", "Call staff", "呼叫工作人员", "呼叫工作人員", "係員を呼ぶ"},
	[HALL_STR_STAFF_CALLED] = {"직원을 불렀습니다. 잠시만 기다려 주세요.",
	                           "A member of staff has been called. Please wait a moment.",
	                           "已呼叫工作人员，请稍候。", "已呼叫工作人員，請稍候。",
	                           "係員を呼びました。少々お待ちください。"},
	/* Said until the controller has the call, and when it cannot get it (issue 12). */
	[HALL_STR_CALLING_STAFF] = {"직원을 부르고 있습니다…", "Calling a member of staff…", "正在呼叫工作人员…",
	                            "正在呼叫工作人員…", "係員を呼んでいます…"},
	[HALL_STR_ASK_AT_DESK] = {"지금은 직원을 부를 수 없습니다. 안내 데스크에 문의해 주세요.",
	                          "Staff could not be called from this screen. Please ask at the information desk.",
	                          "目前无法从此屏幕呼叫工作人员。请到服务台咨询。",
	                          "目前無法從此螢幕呼叫工作人員。請到服務台詢問。",
	                          "この画面から係員を呼べませんでした。案内カウンターでお尋ねください。"},
	[HALL_STR_OK] = {"확인", "OK", "确定", "確定", "OK"},
	[HALL_STR_CLOSE] = {"닫기", "Close", "关闭", "關閉", "閉じる"},
	[HALL_STR_MORE_TIME_Q] = {"시간이 더 필요하세요?", "Do you need more time?", "需要更多时间吗？",
	                          "需要更多時間嗎？", "時間を延長しますか？"},
	[HALL_STR_MORE_TIME_LEFT] = {"{1}초 뒤에 처음 화면으로 돌아갑니다.",
	                             "The screen returns to the start in {1} seconds.",
	                             "{1}秒后返回初始画面。", "{1}秒後返回初始畫面。",
	                             "{1}秒後に最初の画面に戻ります。"},
	[HALL_STR_MORE_TIME] = {"시간 연장", "More time", "延长时间", "延長時間", "延長する"},
	[HALL_STR_FINISH] = {"끝내기", "Finish", "结束", "結束", "終了"},
	[HALL_STR_THANK_YOU] = {"투표해 주셔서 감사합니다.", "Thank you for voting.", "感谢您的投票。",
	                        "感謝您的投票。", "投票ありがとうございました。"},
	[HALL_STR_CLOSED] = {"지금은 운영 시간이 아닙니다.", "The hall is closed now.", "现在不是开放时间。",
	                     "現在不是開放時間。", "ただいま営業時間外です。"},
	[HALL_STR_NEXT_OPENING] = {"다음 운영: {1}", "Opens again: {1}", "下次开放：{1}", "下次開放：{1}",
	                           "次の開館：{1}"},
	[HALL_STR_TOUCH_TO_START] = {"화면 어디든 눌러 시작하세요", "Touch anywhere to start", "触摸屏幕任意位置开始",
	                             "觸摸螢幕任意位置開始", "画面のどこかにタッチしてスタート"},
	[HALL_STR_START] = {"시작", "Start", "开始", "開始", "スタート"},
	[HALL_STR_PREV] = {"이전", "Previous", "上一页", "上一頁", "前へ"},
	[HALL_STR_NEXT] = {"다음", "Next", "下一页", "下一頁", "次へ"},
	[HALL_STR_PAGE_OF] = {"{1} / {2}", "{1} / {2}", "{1} / {2}", "{1} / {2}", "{1} / {2}"},
	[HALL_STR_PAUSE] = {"일시정지", "Pause", "暂停", "暫停", "一時停止"},
	[HALL_STR_PLAY] = {"재생", "Play", "播放", "播放", "再生"},
	[HALL_STR_LARGE_TEXT] = {"큰 글자", "Large text", "大字体", "大字體", "大きな文字"},
	[HALL_STR_HIGH_CONTRAST] = {"고대비", "High contrast", "高对比度", "高對比度", "ハイコントラスト"},
	[HALL_STR_LOW_POSITION] = {"낮은 화면", "Low position", "低位显示", "低位顯示", "低い位置"},
	[HALL_STR_VOICE] = {"음성 안내", "Voice guide", "语音导览", "語音導覽", "音声案内"},
	[HALL_STR_ON] = {"켜짐", "on", "开", "開", "オン"},
	[HALL_STR_OFF] = {"꺼짐", "off", "关", "關", "オフ"},
	[HALL_STR_CHOOSE_LANGUAGE] = {"언어를 선택하세요", "Choose a language", "请选择语言", "請選擇語言",
	                              "言語を選んでください"},
	[HALL_STR_ACCESS_TITLE] = {"접근성 설정", "Accessibility options", "无障碍设置", "無障礙設定",
	                           "アクセシビリティ設定"},
	[HALL_STR_VOLUME_UP] = {"소리 크게", "Louder", "音量加大", "音量加大", "音量を上げる"},
	[HALL_STR_VOLUME_DOWN] = {"소리 작게", "Quieter", "音量减小", "音量減小", "音量を下げる"},
	[HALL_STR_RATE_UP] = {"빠르게", "Faster", "加快语速", "加快語速", "速く"},
	[HALL_STR_RATE_DOWN] = {"느리게", "Slower", "放慢语速", "放慢語速", "遅く"},
	[HALL_STR_REPLAY] = {"다시 듣기", "Replay", "重新播放", "重新播放", "もう一度聞く"},
	[HALL_STR_VOLUME_LEVEL] = {"음량 {1}%", "Volume {1}%", "音量 {1}%", "音量 {1}%", "音量 {1}%"},
	[HALL_STR_RATE_LEVEL] = {"말 빠르기 {1}%", "Speech rate {1}%", "语速 {1}%", "語速 {1}%", "話す速さ {1}%"},
	[HALL_STR_ZOOM_IN] = {"확대", "Zoom in", "放大", "放大", "拡大"},
	[HALL_STR_ZOOM_OUT] = {"축소", "Zoom out", "缩小", "縮小", "縮小"},
	[HALL_STR_PAN_LEFT] = {"왼쪽으로", "Move left", "向左", "向左", "左へ"},
	[HALL_STR_PAN_RIGHT] = {"오른쪽으로", "Move right", "向右", "向右", "右へ"},
	[HALL_STR_PAN_UP] = {"위로", "Move up", "向上", "向上", "上へ"},
	[HALL_STR_PAN_DOWN] = {"아래로", "Move down", "向下", "向下", "下へ"},
	[HALL_STR_DISTRICTS] = {"자치구 목록", "List of districts", "各区列表", "各區列表", "区の一覧"},
	[HALL_STR_MAP] = {"지도 보기", "Show the map", "查看地图", "查看地圖", "地図を見る"},
	[HALL_STR_MAP_HINT] = {"지도에서 자치구를 누르세요", "Touch a district on the map", "请点击地图上的区",
	                       "請點選地圖上的區", "地図の区にタッチしてください"},
	[HALL_STR_VOTE] = {"투표하기", "Vote", "投票", "投票", "投票する"},
	[HALL_STR_CHOOSE_OPTION] = {"하나를 고른 뒤 투표하기를 누르세요.", "Choose one, then press Vote.",
	                            "请选择一项，然后点击投票。", "請選擇一項，然後點選投票。",
	                            "一つ選んで「投票する」を押してください。"},
	[HALL_STR_ALREADY_VOTED] = {"이번 방문에서 이미 투표하셨습니다.", "You have already voted on this visit.",
	                            "您本次参观已投过票。", "您本次參觀已投過票。",
	                            "今回のご利用ではすでに投票済みです。"},
	[HALL_STR_RESULTS_LIVE] = {"실시간 집계 (모든 키오스크)", "Live results (all kiosks)",
	                           "实时结果（全部终端）", "即時結果（全部終端）", "リアルタイム集計（全端末）"},
	/* In plain words, when the tally is this kiosk's own (issue #12: no technical note). */
	[HALL_STR_RESULTS_LOCAL] = {
		"이 키오스크에서 투표한 결과만 보여 드립니다. 다른 곳의 투표는 아직 더해지지 않았습니다.",
		"These are the votes cast on this kiosk only: votes from elsewhere are not added yet.",
		"这里只显示在本台机器上投的票，其他地方的投票尚未计入。",
		"這裡只顯示在本台機器上投的票，其他地方的投票尚未計入。",
		"この端末で投じられた票だけを表示しています。ほかの場所の票はまだ加わっていません。"},
	[HALL_STR_VOTES_OF_TOTAL] = {"{1}표 ({2}%)", "{1} votes ({2}%)", "{1}票（{2}%）", "{1}票（{2}%）",
	                             "{1}票（{2}%）"},
	[HALL_STR_VOTE_ONE_OF_TOTAL] = {"{1}표 ({2}%)", "{1} vote ({2}%)", "{1}票（{2}%）", "{1}票（{2}%）",
	                                "{1}票（{2}%）"},
	[HALL_STR_TOTAL_VOTES] = {"총 {1}표", "Votes in all: {1}", "共{1}票", "共{1}票", "合計{1}票"},
	[HALL_STR_NO_CONTENT] = {"전시 내용을 준비하고 있습니다.", "The exhibition is being prepared.",
	                         "展览内容准备中。", "展覽內容準備中。", "展示内容を準備中です。"},
	[HALL_STR_CONTENT_ERROR] = {"이 내용은 지금 보여 드릴 수 없습니다.", "This item cannot be shown right now.",
	                            "此内容暂时无法显示。", "此內容暫時無法顯示。",
	                            "この内容は現在表示できません。"},
	[HALL_STR_STAFF_PIN] = {"직원 PIN", "Staff PIN", "工作人员 PIN", "工作人員 PIN", "係員 PIN"},
	[HALL_STR_PIN_WRONG] = {"PIN이 맞지 않습니다.", "Wrong PIN.", "PIN 错误。", "PIN 錯誤。",
	                        "PIN が違います。"},
	[HALL_STR_PIN_LOCKED] = {"잠시 뒤에 다시 시도하세요.", "Too many tries. Wait a minute.",
	                         "尝试次数过多，请稍后再试。", "嘗試次數過多，請稍後再試。",
	                         "しばらくしてからもう一度どうぞ。"},
	[HALL_STR_CANCEL] = {"취소", "Cancel", "取消", "取消", "キャンセル"},
	[HALL_STR_DELETE] = {"지우기", "Delete", "删除", "刪除", "削除"},
	[HALL_STR_NOTICE] = {"알림", "Notice", "通知", "通知", "お知らせ"},
	[HALL_STR_CHART] = {"차트", "Chart", "图表", "圖表", "グラフ"},
	[HALL_STR_IMAGE] = {"그림", "Picture", "图片", "圖片", "画像"},
	[HALL_STR_SELECTED] = {"선택됨", "selected", "已选择", "已選擇", "選択中"},
	[HALL_STR_ZOOM_LEVEL] = {"배율 {1}배", "Zoom {1}x", "缩放 {1}倍", "縮放 {1}倍", "倍率 {1}倍"},
	[HALL_STR_SLOGAN] = {"슬로건", "Slogan", "口号", "口號", "スローガン"},
	[HALL_STR_FIGURES] = {"주요 수치", "Key figures", "主要数据", "主要數據", "主な数字"},
	[HALL_STR_NOW_SHOWING] = {"지금 보실 전시", "Now showing", "正在展出", "正在展出", "ただいまの展示"},
	[HALL_STR_WELCOME_KEYPAD] = {
		"서울시청 시민청에 오신 것을 환영합니다. 음성 안내를 켜거나 끄려면 별표 키를 누르세요. "
		"화살표 키로 이동하고 확인 키로 선택합니다.",
		"Welcome to Seoul Citizen Hall. To turn voice guidance on or off, press the star key. Use the arrow "
		"keys to move and Enter to choose.",
		"欢迎来到首尔市民厅。按星号键可开启或关闭语音导览。用方向键移动，按确认键选择。",
		"歡迎來到首爾市民廳。按星號鍵可開啟或關閉語音導覽。用方向鍵移動，按確認鍵選擇。",
		"ソウル市民庁へようこそ。音声案内のオンとオフは、星印のキーを押してください。矢印キーで移動し、決定キーで"
		"選びます。"},
	[HALL_STR_WELCOME_LANGUAGES] = {"다른 언어는 번호 키 하나로 고릅니다.", "Another language is one number key away.",
	                                "其他语言按一个数字键即可选择。", "其他語言按一個數字鍵即可選擇。",
	                                "ほかの言語は、番号キーひとつで選べます。"},
	[HALL_STR_REDUCED_MOTION] = {"움직임 줄이기", "Reduce motion", "减少动态效果", "減少動態效果", "動きを減らす"},
	[HALL_STR_LANG_BY_NUMBER] = {"한국어는 {1}번을 누르세요.", "For English, press {1}.", "简体中文请按{1}。",
	                             "繁體中文請按{1}。", "日本語は{1}を押してください。"},
	[HALL_STR_YOUR_CHOICE] = {"내 선택", "your choice", "您的选择", "您的選擇", "あなたの選択"},
	[HALL_STR_READ_MORE] = {"더 보기", "Read more", "查看更多", "查看更多", "続きを読む"},
	[HALL_STR_GOODBYE] = {"관람해 주셔서 감사합니다. 안녕히 가세요. 처음 화면으로 돌아왔습니다.",
	                      "Thank you for your visit. Goodbye. The screen is back at the start.",
	                      "感谢您的参观，再见。屏幕已回到初始画面。", "感謝您的參觀，再見。螢幕已回到初始畫面。",
	                      "ご来場ありがとうございました。さようなら。最初の画面に戻りました。"},
	[HALL_STR_MOST_VOTES] = {"최다 득표", "Most votes", "得票最多", "得票最多", "最多得票"},
	[HALL_STR_MAP_BY_KEYPAD] = {"확인 키를 누르면 구 목록이 열립니다.", "Press Enter for the list of districts.",
	                            "按确认键打开区列表。", "按確認鍵開啟區列表。", "決定キーで区の一覧が開きます。"},
	/* dialogs: each language card's line is in its own language, so only the entry of
	 * that language is read (hall_ui_string(HALL_STR_USE_LANGUAGE, l)). */
	[HALL_STR_USE_LANGUAGE] = {"한국어로 보기", "Continue in English", "使用简体中文", "使用繁體中文",
	                           "日本語で表示する"},
	[HALL_STR_CURRENT_LANGUAGE] = {"지금 쓰는 언어", "Current language", "当前语言", "目前語言", "現在の言語"},
	[HALL_STR_LARGE_TEXT_DESC] = {"모든 글자를 두 배 크기로 보여 줍니다.", "Shows all text twice as large.",
	                              "所有文字放大一倍显示。", "所有文字放大一倍顯示。",
	                              "すべての文字を2倍の大きさで表示します。"},
	[HALL_STR_HIGH_CONTRAST_DESC] = {"검은 바탕에 밝은 글자로 또렷하게 보여 줍니다.",
	                                 "Light letters on black, sharper to read.", "黑色背景配亮色文字，更清晰易读。",
	                                 "黑色背景配亮色文字，更清晰易讀。", "黒い背景に明るい文字で、くっきり見せます。"},
	[HALL_STR_LOW_POSITION_DESC] = {"버튼과 글을 휠체어에서도 손이 닿는 화면 아래쪽으로 옮깁니다.",
	                                "Moves buttons and text down, within reach from a wheelchair.",
	                                "把按钮和文字移到屏幕下方，坐轮椅也够得着。",
	                                "把按鈕和文字移到螢幕下方，坐輪椅也搆得著。",
	                                "ボタンと文字を画面の下に移し、車いすからも手が届くようにします。"},
	[HALL_STR_VOICE_DESC] = {"화면의 내용을 소리 내어 읽어 줍니다.", "Reads what is on the screen aloud.",
	                         "朗读屏幕上的内容。", "朗讀螢幕上的內容。", "画面の内容を読み上げます。"},
	[HALL_STR_REDUCED_MOTION_DESC] = {"그림과 화면이 저절로 움직이거나 바뀌지 않게 합니다.",
	                                  "Stops pictures and screens moving or changing by themselves.",
	                                  "图片和画面不再自动移动或切换。", "圖片和畫面不再自動移動或切換。",
	                                  "画像や画面が自動で動いたり切り替わったりしないようにします。"},
	[HALL_STR_CALLING_NEXT] = {"호출이 전달되면 이 화면에 알려 드립니다. 이 자리에서 기다려 주세요.",
	                           "This screen will tell you when the call has reached the staff. Please wait here.",
	                           "呼叫送达后，此屏幕会告诉您。请在此等候。", "呼叫送達後，此螢幕會告訴您。請在此等候。",
	                           "呼び出しが届いたら、この画面でお知らせします。ここでお待ちください。"},
	[HALL_STR_CALLED_NEXT] = {"직원이 이 화면 앞으로 찾아옵니다.", "A member of staff will come to this screen.",
	                          "工作人员会来到这块屏幕前。", "工作人員會來到這個螢幕前。", "係員がこの画面まで参ります。"},
	[HALL_STR_HOME_HERE] = {"지금 처음 화면에 있습니다.", "You are on the home screen.", "您已在首页。", "您已在首頁。",
	                        "いまホーム画面にいます。"},
};

const char *hall_ui_label_sep(hall_lang lang)
{
	return lang == HALL_LANG_ZH_HANS || lang == HALL_LANG_ZH_HANT || lang == HALL_LANG_JA ? "\xEF\xBC\x9A" /* ： */
	                                                                                     : ": ";
}

const char *hall_ui_string(hall_ui_str id, hall_lang lang)
{
	if ((unsigned)id >= HALL_STR_COUNT)
		return "";
	if ((unsigned)lang >= HALL_LANG_COUNT)
		lang = HALL_LANG_KO;
	const char *s = strings[id][lang];
	if (!s)
		s = strings[id][HALL_LANG_EN];
	return s ? s : "";
}

/* Append at most n bytes of s to buf (length len, currently at *pos), never splitting a
 * UTF-8 sequence. */
static void put(char *buf, size_t len, size_t *pos, const char *s, size_t n)
{
	size_t room = len - 1 - *pos;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
}

void hall_ui_fill(char *buf, size_t len, const char *tmpl, const char *a1, const char *a2)
{
	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!tmpl)
		return;
	size_t pos = 0;
	const char *p = tmpl;
	while (*p && pos < len - 1) {
		if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
			const char *a = p[1] == '1' ? a1 : a2;
			if (a)
				put(buf, len, &pos, a, strlen(a));
			p += 3;
			continue;
		}
		const char *q = p + 1;
		while (*q && *q != '{')
			q++;
		put(buf, len, &pos, p, (size_t)(q - p));
		p = q;
	}
}

/* Weekdays from Sunday: Korean and Japanese write the one-character form in brackets
 * after a date, Chinese the full 星期X, English the whole word before it. */
static const char *const weekdays[HALL_LANG_COUNT][7] = {
	[HALL_LANG_KO] = {"일", "월", "화", "수", "목", "금", "토"},
	[HALL_LANG_EN] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	[HALL_LANG_ZH_HANS] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
	[HALL_LANG_ZH_HANT] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
	[HALL_LANG_JA] = {"日", "月", "火", "水", "木", "金", "土"},
};
static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};

size_t hall_ui_opening_time(hall_lang lang, const hall_civil *cv, char *out, size_t cap)
{
	if (!out || cap == 0)
		return 0;
	out[0] = '\0';
	if (!cv || cv->month < 1 || cv->month > 12 || cv->day < 1 || cv->day > 31 || cv->weekday < 0 ||
	    cv->weekday > 6 || cv->hour < 0 || cv->hour > 24 || cv->minute < 0 || cv->minute > 59)
		return 0;
	if ((unsigned)lang >= HALL_LANG_COUNT)
		lang = HALL_LANG_KO;
	const char *wd = weekdays[lang][cv->weekday];
	char s[96];
	if (lang == HALL_LANG_KO)
		snprintf(s, sizeof(s), "%d월 %d일 (%s) %02d:%02d", cv->month, cv->day, wd, cv->hour, cv->minute);
	else if (lang == HALL_LANG_EN)
		snprintf(s, sizeof(s), "%s %d %s, %02d:%02d", wd, cv->day, month_names[cv->month - 1], cv->hour,
		         cv->minute);
	else /* full-width brackets in Chinese and Japanese */
		snprintf(s, sizeof(s), "%d月%d日（%s）%02d:%02d", cv->month, cv->day, wd, cv->hour, cv->minute);
	size_t pos = 0;
	put(out, cap, &pos, s, strlen(s));
	return pos;
}
