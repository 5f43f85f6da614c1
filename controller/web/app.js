/* The staff console's pages: a client of the JSON API under /api/v1/ (docs/console.md),
 * nothing else. Korean and English; every control is a real button, link or form field, so
 * the keyboard and screen readers work without extra code. */
'use strict';

const T = {
  ko: {
    title: '시민청 관리 콘솔', skip: '본문으로 건너뛰기', switchLang: 'English', switchLangLabel: 'Switch to English',
    logout: '로그아웃', loading: '불러오는 중…', nav: '주 메뉴',
    fleet: '현황', content: '콘텐츠', schedules: '일정', notices: '공지', commands: '명령', reports: '보고서',
    history: '기록', accounts: '계정',
    login: '로그인', user: '아이디', password: '비밀번호', signIn: '로그인', wrongLogin: '아이디 또는 비밀번호가 틀렸습니다.',
    slowed: '실패가 이어져 잠시 기다렸습니다.',
    online: '연결됨', offline: '끊김', open: '운영 중', closed: '운영 종료', showing: '표시 중', from: '출처',
    scope_all: '전체', scope_group: '그룹', scope_kiosk: '개별 지정', scope_default: '기본 콘텐츠', scope_unknown: '이전 배포',
    version: '버전', pack: '팩', notice: '공지', none: '없음', lastSeen: '마지막 연락', render: '화면 그리기', renderOk: '정상', renderSlow: '느림', renderBad: '매우 느림 (끊겨 보임)', renderFew: '아직 측정 전 (그린 프레임이 적음)', slowest: '가장 느린 1% 프레임', broker: '브로커', lastError: '마지막 오류',
    unrecorded: '기록 못 한 이벤트', helpCalls: '직원 호출', alert: '경보', ack: '확인 처리', shot: '화면 캡처',
    shotTaken: '캡처를 요청했습니다.', pending: '적용 대기', group: '그룹', kiosks: '키오스크', kiosk: '키오스크',
    notKnown: '알 수 없음', total: '전체', alerts: '경보',
    noticePreview: '키오스크 화면으로 미리 보기', noticePreviewing: '키오스크가 공지를 그리는 중…', noticePreviewOf: '미리 보기', noticePreviewFailed: '미리 보기를 그리지 못했습니다', noticePreviewNote: '키오스크가 그린 기본 팩의 홈 화면입니다. 아직 보내지 않았습니다.',
    noticeTitle: '공지 올리기', level: '수준', info: '안내', urgent: '긴급', until: '게시 종료 (현지 시각, 비우면 무기한)',
    target: '대상', all: '전체', textIn: '문구', raise: '공지 올리기', takeDown: '공지 내리기', current: '현재 공지',
    commandTitle: '명령 보내기', cmd: '명령', exhibit: '전시 (보이기 명령일 때)', send: '보내기',
    cmd_screenshot: '화면 캡처', cmd_reload: '다시 불러오기', cmd_show: '전시 보이기', cmd_identify: '식별 표시',
    reportTitle: '이용 보고서', day: '날짜', fromDay: '시작일', toDay: '종료일', show: '보기', print: '인쇄',
    download: '내려받기', sessions: '방문 세션', taps: '터치', views: '화면 보기', events: '이벤트', votes: '투표', help: '직원 호출',
    complete: '자료 완전', incomplete: '자료 불완전', uptime: '가동률', missing: '누락',
    historyTitle: '작업 기록', outcome: '결과', outcome_ok: '성공', outcome_failed: '실패', outcome_refused: '거부됨', when: '시각', who: '사람', action: '작업', detail: '내용',
    accountsTitle: '계정', name: '이름', role: '역할', add: '추가', remove: '삭제', newPassword: '새 비밀번호',
    setPassword: '비밀번호 바꾸기', setRole: '역할 바꾸기', changed: '바뀌었습니다.',
    role_viewer: '열람자', role_operator: '운영자', role_editor: '편집자', role_admin: '관리자',
    contentTitle: '콘텐츠 배포', upload: '팩 올리기 (폴더)', uploadZip: '또는 팩 올리기 (zip 파일)', checkPreview: '검사하고 미리 보기',
    choosePack: '팩 폴더나 zip 파일을 고르세요.', preview: '미리 보기 (키오스크 화면)', previewRunning: '키오스크가 화면을 그리는 중…',
    previewDone: (n) => `화면 ${n}개를 그렸습니다.`, previewLang: '언어', allLangs: '모든 언어', check: '검사', push: '배포', rollback: '되돌리기',
    clearOverride: '개별 지정 해제', problems: '문제', noProblems: '문제 없음: 배포할 수 있습니다.',
    confirmPush: (n, hidden) => `화면 ${n}대가 바뀝니다.` + (hidden.length ? ` 다음은 더 구체적인 지정에 가려 바뀌지 않습니다: ${hidden.join(', ')}` : ''),
    progress: '진행', applied: '적용됨', deferred: '방문 세션 뒤 적용', rejected: '거부됨', pendingState: '대기', offlineState: '끊김(다음 연결 때 받음)',
    hiddenBy: '가려짐', done: '완료', failed: '실패', refused: '거부', running: '진행 중',
    schedTitle: '일정 편집과 배포', schedNote: '주간 보기나 "불러오기"가 대상의 현재 일정을 아래 양식에 채웁니다. 고친 뒤 검사하고 주간 미리 보기로 확인하고 배포하세요.', schedFile: '일정 파일 불러오기 (JSON)', schedPush: '일정 배포', schedJson: '일정 (JSON)',
    schedLoad: '대상의 현재 일정 불러오기', openingHours: '운영 시간 (요일별)', limitHours: '운영 시간을 정함 (끄면 휴관일 말고는 매일 종일 운영)', alwaysOpen: '휴관일 말고는 매일 00:00–24:00 운영합니다.',
    closedDay: '휴관', addWindow: '시간대 추가', removeRow: '지우기', copyMonday: '월요일 시간을 모든 요일에 적용', copied: '월요일 시간을 모든 요일에 적용했습니다.',
    startTime: '시작', endTime: '끝', closures: '휴관일 (날짜)', noClosures: '휴관일 없음', addClosure: '휴관일 추가',
    items: '항목 (언제 무엇을 보일지)', itemsNote: '항목이 없는 시간에는 모든 전시가 있는 첫 화면을 보입니다. 겹치면 우선순위가 높은 항목이 이깁니다.', itemLabel: '이름표 (영문, 예: morning-brand)',
    showWhat: '보일 것', showExhibit: '전시 하나', showPlaylist: '여러 전시를 차례로', exhibitToShow: '전시', playlistIds: '전시들 (쉼표로 나눔)', knownExhibits: '팩의 전시',
    onDays: '요일 (고르지 않으면 매일)', allDay: '하루 종일 (운영 시간 안에서)', firstDay: '첫날 (선택)', lastDay: '마지막 날 (선택)', priority: '우선순위', removeItem: '항목 지우기', addItem: '항목 추가',
    advanced: '고급: JSON으로 보기와 편집', advancedNote: 'JSON을 고치면 위 양식에 바로 반영됩니다 (docs/content.md의 일정 형식).', checkWeek: '검사하고 주간 미리 보기', weekPreview: '미리 보기: 배포하면 이렇게 됩니다',
    previewNotPushed: '아직 배포하지 않은 일정의 미리 보기', checkedOk: '문제 없음: 미리 보기를 그렸습니다.', serverCheck: '검사', fixFields: (n) => `고칠 곳 ${n}개가 표시되어 있습니다.`,
    weekTitle: '주간 일정', itemsN: (n) => `항목 ${n}개`, hours: '운영 시간과 항목', closure: '휴관일', item: '항목', noSchedule: '일정 없음: 늘 운영', schedFrom: '적용 일정:',
    atTitle: '이 시각에 무엇을 보이나', atTime: '시각 (현지)', ask: '알아보기', showsNow: '보이는 것', everyExhibit: '모든 전시 (기본)',
    attract: '대기 화면', closesAt: '운영 종료', opensAt: '다음 운영 시작', missingEx: '팩에 없는 전시',
    forbidden: '이 작업을 할 권한이 없습니다.', error: '오류', cancel: '취소', ok: '확인', confirm: '확인',
    sureAll: '전체 화면에 적용됩니다. 계속할까요?', stale: '자료가 오래되었을 수 있습니다', liveOn: '실시간',
    noKiosks: '아직 연락한 키오스크가 없습니다.', yes: '예', no: '아니오', signedInAs: (u, r) => `${u} (${r})`,
    badTime: '시각은 24시간제 HH:MM으로 넣으세요 (예: 09:00, 18:30).', badEnd: '끝 시각은 24시간제 HH:MM으로 넣으세요 (00:00~24:00, 예: 18:30).',
    badDate: '날짜는 YYYY-MM-DD로 넣으세요 (예: 2026-12-07).', badDateTime: '날짜와 시각은 YYYY-MM-DD HH:MM (24시간제)으로 넣으세요 (예: 2026-12-07 18:00).',
    schedEditor: '일정 편집', findKiosk: '키오스크 찾기 (아이디나 그룹)', warningsN: (n) => `경고 ${n}개`, warningWord: '경고', needsSomeone: '손볼 것만 (끊김, 경보, 직원 호출)', shownOf: (n, all) => `${all}대 중 ${n}대`,
    chooseFiles: '폴더 고르기', chooseZip: 'zip 파일 고르기', noFile: '고른 것 없음', nFiles: (n) => `파일 ${n}개`, addAccount: '계정 추가', passwordHint: '8자 이상',
    act_login: '로그인', act_logout: '로그아웃', act_command: '명령', act_notice: '공지', 'act_notice-clear': '공지 내리기', act_push: '배포', act_rollback: '되돌리기', act_clear: '개별 지정 해제',
    act_schedule: '일정 배포', act_console: '콘솔', 'act_user-add': '계정 추가', 'act_user-remove': '계정 삭제', 'act_user-passwd': '비밀번호 바꾸기', 'act_user-change': '계정 바꾸기', 'act_schedule-clear': '일정 해제',
    'act_clear-alert': '경보 확인', 'act_help-ack': '직원 호출 확인', act_backup: '백업', act_restore: '복원',
  },
  en: {
    title: 'Citizen Hall console', skip: 'Skip to content', switchLang: '한국어', switchLangLabel: '한국어로 보기',
    logout: 'Sign out', loading: 'Loading…', nav: 'Main menu',
    fleet: 'Fleet', content: 'Content', schedules: 'Schedules', notices: 'Notices', commands: 'Commands', reports: 'Reports',
    history: 'History', accounts: 'Accounts',
    login: 'Sign in', user: 'User name', password: 'Password', signIn: 'Sign in', wrongLogin: 'Wrong name or password.',
    slowed: 'After repeated failures you had to wait.',
    online: 'online', offline: 'offline', open: 'open', closed: 'closed', showing: 'Showing', from: 'from',
    scope_all: 'all', scope_group: 'its group', scope_kiosk: 'its own override', scope_default: 'built-in pack', scope_unknown: 'an earlier push',
    version: 'version', pack: 'pack', notice: 'Notice', none: 'none', lastSeen: 'Last seen', render: 'Drawing', renderOk: 'normal', renderSlow: 'slow', renderBad: 'very slow (visibly stutters)', renderFew: 'not enough frames yet', slowest: 'slowest 1% of frames', broker: 'Broker', lastError: 'Last error',
    unrecorded: 'Unrecorded events', helpCalls: 'Help calls', alert: 'Alert', ack: 'Acknowledge', shot: 'Screenshot',
    shotTaken: 'Screenshot requested.', pending: 'pending', group: 'Group', kiosks: 'Kiosks', kiosk: 'Kiosk',
    notKnown: 'not known', total: 'Total', alerts: 'Alerts',
    noticePreview: 'Preview on a kiosk screen', noticePreviewing: 'A kiosk is drawing the notice…', noticePreviewOf: 'Preview', noticePreviewFailed: 'The preview could not be drawn', noticePreviewNote: 'The built-in pack\'s home screen as a kiosk draws it. Nothing has been sent yet.',
    noticeTitle: 'Raise a notice', level: 'Level', info: 'info', urgent: 'urgent', until: 'Until (hall time; empty = no end)',
    target: 'Target', all: 'all', textIn: 'Text', raise: 'Raise notice', takeDown: 'Take notice down', current: 'Current notices',
    commandTitle: 'Send a command', cmd: 'Command', exhibit: 'Exhibit (for show)', send: 'Send',
    cmd_screenshot: 'screenshot', cmd_reload: 'reload', cmd_show: 'show exhibit', cmd_identify: 'identify',
    reportTitle: 'Usage report', day: 'Day', fromDay: 'From', toDay: 'To', show: 'Show', print: 'Print',
    download: 'Download', sessions: 'Sessions', taps: 'Taps', views: 'Views', events: 'Events', votes: 'Votes', help: 'Help calls',
    complete: 'complete', incomplete: 'INCOMPLETE', uptime: 'Uptime', missing: 'Missing',
    historyTitle: 'History', outcome: 'Outcome', outcome_ok: 'ok', outcome_failed: 'failed', outcome_refused: 'refused', when: 'When', who: 'Who', action: 'Action', detail: 'Detail',
    accountsTitle: 'Accounts', name: 'Name', role: 'Role', add: 'Add', remove: 'Remove', newPassword: 'New password',
    setPassword: 'Set password', setRole: 'Set role', changed: 'Changed.',
    role_viewer: 'viewer', role_operator: 'operator', role_editor: 'editor', role_admin: 'admin',
    contentTitle: 'Push content', upload: 'Upload a pack (folder)', uploadZip: 'or upload a pack (zip file)', checkPreview: 'Check and preview',
    choosePack: 'Choose a pack folder or a zip file.', preview: 'Preview (kiosk screens)', previewRunning: 'A kiosk is drawing the screens…',
    previewDone: (n) => `${n} screens drawn.`, previewLang: 'Language', allLangs: 'All languages', check: 'Check', push: 'Push', rollback: 'Roll back',
    clearOverride: 'Clear override', problems: 'Problems', noProblems: 'No problems: ready to push.',
    confirmPush: (n, hidden) => `${n} screen(s) will change.` + (hidden.length ? ` Hidden by a more specific push, these will not: ${hidden.join(', ')}` : ''),
    progress: 'Progress', applied: 'applied', deferred: 'deferred until the visit ends', rejected: 'rejected', pendingState: 'pending', offlineState: 'offline (gets it on connect)',
    hiddenBy: 'hidden by', done: 'done', failed: 'failed', refused: 'refused', running: 'running',
    schedTitle: 'Edit and push', schedNote: 'The week view or "Load" fills the form below with the target\'s schedule. Change it, check it and preview the week, then push.', schedFile: 'Load a schedule file (JSON)', schedPush: 'Push schedule', schedJson: 'Schedule (JSON)',
    schedLoad: 'Load the target\'s schedule', openingHours: 'Opening hours (per weekday)', limitHours: 'Set opening hours (off: open all day every day but closures)', alwaysOpen: 'Open 00:00–24:00 every day except closures.',
    closedDay: 'closed', addWindow: 'Add hours', removeRow: 'remove', copyMonday: 'Use Monday\'s hours for every day', copied: 'Monday\'s hours now apply to every day.',
    startTime: 'Start', endTime: 'End', closures: 'Closures (dates)', noClosures: 'No closures', addClosure: 'Add a closure',
    items: 'Items (what shows when)', itemsNote: 'When no item applies the home screen with every exhibit shows. When items overlap the higher priority wins.', itemLabel: 'Label (e.g. morning-brand)',
    showWhat: 'Show', showExhibit: 'one exhibit', showPlaylist: 'several exhibits in turn', exhibitToShow: 'Exhibit', playlistIds: 'Exhibits (comma separated)', knownExhibits: 'Exhibits of the pack',
    onDays: 'Weekdays (none: every day)', allDay: 'All day (within opening hours)', firstDay: 'First day (optional)', lastDay: 'Last day (optional)', priority: 'Priority', removeItem: 'Remove item', addItem: 'Add an item',
    advanced: 'Advanced: view and edit as JSON', advancedNote: 'Changes to the JSON go into the form above at once (the schedule format of docs/content.md).', checkWeek: 'Check and preview the week', weekPreview: 'Preview: the week once pushed',
    previewNotPushed: 'preview of a schedule not pushed yet', checkedOk: 'No problems: the preview is drawn.', serverCheck: 'check', fixFields: (n) => `${n} place(s) to fix are marked.`,
    weekTitle: 'Week', itemsN: (n) => (n === 1 ? '1 item' : `${n} items`), hours: 'Opening hours and items', closure: 'closed all day', item: 'item', noSchedule: 'no schedule: always open', schedFrom: 'schedule of',
    atTitle: 'What does a kiosk show at a time?', atTime: 'Time (hall time)', ask: 'Ask', showsNow: 'Shows', everyExhibit: 'every exhibit (default)',
    attract: 'attract loop', closesAt: 'Closes', opensAt: 'Opens', missingEx: 'exhibits the pack lacks',
    forbidden: 'You may not do this.', error: 'Error', cancel: 'Cancel', ok: 'OK', confirm: 'Confirm',
    sureAll: 'This goes to every screen. Go on?', stale: 'data may be stale', liveOn: 'live',
    noKiosks: 'No kiosk has reported yet.', yes: 'yes', no: 'no', signedInAs: (u, r) => `${u} (${r})`,
    badTime: 'Enter the time as 24-hour HH:MM (e.g. 09:00, 18:30).', badEnd: 'Enter the end as 24-hour HH:MM (00:00 to 24:00, e.g. 18:30).',
    badDate: 'Enter the date as YYYY-MM-DD (e.g. 2026-12-07).', badDateTime: 'Enter the date and time as YYYY-MM-DD HH:MM, 24-hour (e.g. 2026-12-07 18:00).',
    schedEditor: 'Edit a schedule', findKiosk: 'Find a kiosk (id or group)', warningsN: (n) => (n === 1 ? '1 warning' : `${n} warnings`), warningWord: 'Warning', needsSomeone: 'Only those that need someone (offline, alert, help call)', shownOf: (n, all) => `${n} of ${all} shown`,
    chooseFiles: 'Choose a folder', chooseZip: 'Choose a zip file', noFile: 'nothing chosen', nFiles: (n) => (n === 1 ? '1 file' : `${n} files`), addAccount: 'Add an account', passwordHint: '8 characters or more',
    act_login: 'sign in', act_logout: 'sign out', act_command: 'command', act_notice: 'notice', 'act_notice-clear': 'notice taken down', act_push: 'push', act_rollback: 'roll back', act_clear: 'clear override',
    act_schedule: 'schedule push', act_console: 'console', 'act_user-add': 'account added', 'act_user-remove': 'account removed', 'act_user-passwd': 'password set', 'act_user-change': 'account changed', 'act_schedule-clear': 'schedule cleared',
    'act_clear-alert': 'alert acknowledged', 'act_help-ack': 'help call acknowledged', act_backup: 'backup', act_restore: 'restore',
  },
};

/* The hall's screen languages, each in its own name. */
const LANG_NAMES = { ko: '한국어', en: 'English', ja: '日本語', 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文' };

const ROLE_RANK = { viewer: 1, operator: 2, editor: 3, admin: 4 };
const PAGES = [
  ['fleet', 1], ['content', 3], ['schedules', 3], ['notices', 2], ['commands', 2], ['reports', 1], ['history', 1], ['accounts', 4],
];

const S = { lang: localStorage.getItem('lang') === 'en' ? 'en' : 'ko', me: null, csrf: null, kiosks: new Map(), drawn: new Map(), es: null, timers: [], renderGen: 0 };
const t = (k) => T[S.lang][k] ?? k;
/* console4: the API's errors in the page's language: each carries a stable code and its
 * arguments (docs/console.md); the English message is the fallback for a code not listed. */
const ERRS = {
  ko: {
    'auth.required': '먼저 로그인하세요.', 'csrf.missing': '보안 토큰이 없거나 맞지 않습니다. 페이지를 새로 고친 뒤 다시 하세요.',
    'role.forbidden': '{role} 역할로는 {action} 수 없습니다. {needs} 역할이 필요합니다.',
    'target.syntax': '대상은 전체, 그룹 또는 키오스크여야 합니다.', 'target.unknown': '{to}: 알려진 키오스크가 없습니다.',
    busy: '진행 중인 작업이 너무 많습니다. 잠시 후 다시 하세요.',
    'login.type': '로그인 요청 형식이 맞지 않습니다.', 'login.fields': '이름과 비밀번호를 입력하세요.', 'login.wrong': '이름 또는 비밀번호가 틀렸습니다.',
    'notice.level': '수준은 안내 또는 긴급이어야 합니다.', 'notice.until': '게시 종료는 앞으로 올 시각이어야 합니다 (YYYY-MM-DD HH:MM, 현지 시각).',
    'notice.text_long': '{lang} 문구가 {max}바이트보다 깁니다.', 'notice.text_empty': '공지 문구를 한 언어 이상 쓰세요.',
    'command.cmd': '명령은 화면 캡처, 다시 불러오기, 전시 보이기, 위치 표시 중 하나여야 합니다.', 'command.exhibit': '보일 전시를 고르세요.',
    'upload.missing': '올린 팩이 없습니다. 팩 파일을 먼저 보내세요.', 'upload.refused': '압축 파일에 문제가 있어 배포하지 않았습니다 (검사 결과를 보세요).',
    'schedule.object': '일정이 JSON 객체가 아닙니다.', 'schedule.invalid': '일정을 받아들일 수 없습니다: {path} {detail}',
    'account.self_remove': '자기 계정은 지울 수 없습니다.', 'account.role': '역할은 열람자, 운영자, 편집자, 관리자 중 하나여야 합니다.',
    'account.taken': '이미 있는 이름입니다.', 'account.missing': '그런 계정이 없습니다.', 'account.invalid': '계정을 바꿀 수 없습니다: {detail}',
  },
  en: {
    'role.forbidden': 'Your role ({role}) may not {action}: it needs {needs}.', 'target.unknown': '{to}: no kiosk is known there.',
    'notice.text_empty': 'Write the notice in at least one language.', 'login.wrong': 'Wrong name or password.',
  },
};
/* what a refused role may not do (allow()'s words), in Korean */
const ACTIONS_KO = {
  'raise notices': '공지를 올릴', 'take notices down': '공지를 내릴', 'send commands': '명령을 보낼', 'push content': '콘텐츠를 배포할',
  'roll content back': '콘텐츠를 되돌릴', 'clear overrides': '개별 지정을 해제할', 'push schedules': '일정을 배포할', 'manage accounts': '계정을 관리할',
  'upload content': '콘텐츠를 올릴', 'preview content': '콘텐츠를 미리 볼', 'see previews': '미리 보기를 볼', 'acknowledge alerts': '경보를 확인할',
};
function errText(d) {
  if (!d) return t('error');
  const form = ERRS[S.lang]?.[d.code];
  if (!form) return d.message || t('error');
  const a = { ...(d.args || {}) };
  if (d.code === 'role.forbidden') {
    for (const k of ['role', 'needs']) if (a[k]) a[k] = t('role_' + a[k]);
    if (S.lang === 'ko') a.action = ACTIONS_KO[a.action] || a.action;
  }
  return form.replace(/\{(\w+)\}/g, (_, k) => a[k] ?? '');
}
const $ = (sel, root = document) => root.querySelector(sel);
/* Disclosures marked wide-open are open on a wide screen and closed on a phone, and follow
 * the screen when it turns or the window is resized. */
const WIDE = matchMedia('(min-width: 601px)');
WIDE.addEventListener('change', () => document.querySelectorAll('details.wide-open').forEach((d) => { d.open = WIDE.matches; }));

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}

function announce(msg) { const l = $('#live'); l.textContent = ''; setTimeout(() => { l.textContent = msg; }, 30); }

async function api(method, path, body) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opt.headers['Content-Type'] = body instanceof Blob || body instanceof ArrayBuffer ? 'application/octet-stream' : 'application/json';
    opt.body = body instanceof Blob || body instanceof ArrayBuffer ? body : JSON.stringify(body);
  }
  if (method !== 'GET' && S.csrf) opt.headers['X-CSRF-Token'] = S.csrf;
  const res = await fetch('/api/v1' + path, opt);
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.startsWith('application/json')) data = await res.json();
  /* A session that ended (idle, logout elsewhere, serve restarted): back to the login page. */
  if (res.status === 401 && path !== '/login' && S.me) { S.me = null; S.csrf = null; go('login'); }
  return { status: res.status, data, res };
}

/* Formatters are costly to make (a thousand cards would make a thousand): one per kind. */
const FMT = new Map();
function fmtTime(ms, withDate = true) {
  if (!ms) return '–';
  const key = `${S.lang}|${withDate}|${S.me?.time_zone}`;
  if (!FMT.has(key)) {
    const opt = { timeZone: S.me?.time_zone || 'Asia/Seoul', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    if (withDate) Object.assign(opt, { year: 'numeric', month: '2-digit', day: '2-digit' });
    /* English with the date year first (2026-12-07, 19:45:26), as the fields take it: the
     * British 07/12/2026 reads as July to an American reader */
    FMT.set(key, new Intl.DateTimeFormat(S.lang === 'ko' ? 'ko-KR' : 'en-CA', opt));
  }
  return FMT.get(key).format(new Date(ms));
}

/* The hall's date ("YYYY-MM-DD") and, with time, "YYYY-MM-DDTHH:MM" (hall time). */
function localDay(offsetDays = 0, time = false) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: S.me?.time_zone || 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (k) => p.find((x) => x.type === k).value;
  return `${get('year')}-${get('month')}-${get('day')}` + (time ? `T${get('hour')}:${get('minute')}` : '');
}

function can(rank) { return S.me && ROLE_RANK[S.me.role] >= rank; }

/* Times and dates are text fields in 24-hour HH:MM and YYYY-MM-DD, whatever the browser's
 * own locale: a time input drew "09:00 AM" and a date input "12/07/2026" on an English
 * browser even on the Korean page, and the hall's staff read 24-hour times and dates year
 * first. What a person types loosely ("9:00", "0900", "2026.12.7") is written back in the
 * canonical form when the field is left; anything else gets a message in the page's
 * language from the form's own check (never the browser's, which speaks its locale). */
function normTime(v, end = false) {
  const m = /^\s*(\d{1,2})\s*[:.]?\s*(\d{2})\s*$/.exec(v || '');
  if (!m) return null;
  const hh = Number(m[1]), mm = Number(m[2]);
  if (mm > 59 || hh > 24 || (hh === 24 && (mm || !end))) return null;
  return `${String(hh).padStart(2, '0')}:${m[2]}`;
}

function normDate(v) {
  const m = /^\s*(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?\s*$/.exec(v || '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/* "YYYY-MM-DD HH:MM" (a T between also does) as the API's "YYYY-MM-DDTHH:MM". */
function normDateTime(v) {
  const m = /^\s*(\S+?)\.?\s*(?:T|\s)\s*(\d{1,2}\s*[:.]?\s*\d{2})\s*$/.exec(v || '');
  const d = m && normDate(m[1]), tm = m && normTime(m[2]);
  return d && tm ? `${d}T${tm}` : null;
}

const FORMATS = {
  time: { norm: (v) => normTime(v), show: (x) => x, placeholder: 'HH:MM', size: 5 },
  end: { norm: (v) => normTime(v, true), show: (x) => x, placeholder: 'HH:MM', size: 5 },
  date: { norm: normDate, show: (x) => x, placeholder: 'YYYY-MM-DD', size: 10 },
  datetime: { norm: normDateTime, show: (x) => x.replace('T', ' '), placeholder: 'YYYY-MM-DD HH:MM', size: 16 },
};

/* A text field for a time, end time, date or date and time (FORMATS); attrs as h() takes
 * them (value may be canonical: a date-time shows with a space). */
function fmtInput(kind, attrs) {
  const f = FORMATS[kind];
  const value = attrs.value ? f.show(attrs.value) : attrs.value;
  return h('input', { type: 'text', inputmode: kind === 'datetime' ? 'text' : 'numeric', autocomplete: 'off', spellcheck: 'false',
    placeholder: f.placeholder, class: 'fmt-' + kind, 'data-format': kind, size: f.size + 2, ...attrs, value,
    onchange: (e) => {
      const n = f.norm(e.target.value);
      if (n && f.show(n) !== e.target.value) { e.target.value = f.show(n); e.target.dispatchEvent(new Event('input', { bubbles: true })); }
    } });
}

/* The canonical value of a fmtInput, or null (marked, with the message in the form's
 * error line err, focused) when it does not read as one; empty gives ''. */
function fmtValue(input, err) {
  const kind = input.dataset.format;
  const v = input.value.trim();
  input.removeAttribute('aria-invalid');
  if (!v) return '';
  const n = FORMATS[kind].norm(v);
  if (n) return n;
  input.setAttribute('aria-invalid', 'true');
  if (err) {
    err.textContent = t(kind === 'date' ? 'badDate' : kind === 'datetime' ? 'badDateTime' : kind === 'end' ? 'badEnd' : 'badTime');
    if (err.id) input.setAttribute('aria-describedby', err.id);
  }
  input.focus();
  return null;
}


/* ---------------------------------------------------------------- chrome */

function chrome() {
  document.documentElement.lang = S.lang;
  document.title = t('title');
  $('#brand').textContent = t('title');
  $('#skip').textContent = t('skip');
  const lb = $('#lang');
  lb.textContent = t('switchLang');
  lb.title = t('switchLangLabel');
  lb.setAttribute('lang', S.lang === 'ko' ? 'en' : 'ko');
  $('#logout').textContent = t('logout');
  $('#logout').hidden = !S.me;
  $('#who').textContent = S.me ? t('signedInAs')(S.me.user, t('role_' + S.me.role)) : '';
  const nav = $('#nav');
  nav.setAttribute('aria-label', t('nav'));
  nav.hidden = !S.me;
  nav.replaceChildren(...(S.me ? PAGES.filter(([, r]) => can(r)).map(([p]) =>
    h('a', { href: '#/' + p, 'aria-current': current() === p ? 'page' : null }, t(p))) : []));
  $('#confirm-no').textContent = t('cancel');
  $('#confirm-yes').textContent = t('ok');
  $('#confirm-title').textContent = t('confirm');
}

function current() { return (location.hash.replace(/^#\/?/, '') || 'fleet').split('?')[0]; }
function go(page) { if (current() !== page) location.hash = '#/' + page; else render(); }

function confirmDialog(text) {
  return new Promise((resolve) => {
    const d = $('#confirm');
    $('#confirm-body').replaceChildren(h('p', {}, text));
    d.returnValue = '';
    d.onclose = () => resolve(d.returnValue === 'ok');
    d.showModal();
    $('#confirm-yes').focus();
  });
}

function stopLive() {
  if (S.es) { S.es.close(); S.es = null; S.loaded = false; }
  S.timers.forEach(clearInterval);
  S.timers = [];
}

async function render() {
  stopLive();
  const main = $('#main');
  /* Renders overlap (a hash change and a direct call, or a second click while /me is
   * asked): only the newest one draws, so a slow answer never paints over a newer page. */
  const gen = ++S.renderGen;
  if (!S.me) {
    /* A fleet page opened afresh asks for its data at once, beside /me, rather than after
     * it: the stream's first event is the whole fleet (a 401 just ends the stream). */
    if (current() === 'fleet') S.es = openStream();
    const r = await api('GET', '/me');
    if (gen !== S.renderGen) return;
    if (r.status === 200) { S.me = r.data; S.csrf = r.data.csrf; }
    else stopLive();
  }
  let page = current();
  if (!S.me) page = 'login';
  else if (page === 'login') page = 'fleet';
  /* The login form already showing, in this language, is kept: what the person has typed
   * stays (it was wiped when #/login was opened again while the form was filled in). */
  const shown = $('#login-form');
  if (page === 'login' && shown && shown.dataset.lang === S.lang) { chrome(); return; }
  const def = PAGES.find(([p]) => p === page);
  chrome();
  /* Each render draws into a view of its own: a page still loading when the person moved
   * on appends to its detached view, never to the next page. */
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  if (page !== 'login' && (!def || !can(def[1]))) {
    view.append(h('h1', {}, t(page)), h('p', { class: 'error', role: 'alert' }, t('forbidden')));
    return;
  }
  await PAGE_FNS[page](view);
  if (view.isConnected) main.focus();
}

/* ---------------------------------------------------------------- login */

function pageLogin(main) {
  const err = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const form = h('form', { class: 'login panel', id: 'login-form', 'data-lang': S.lang },
    h('h1', {}, t('login')),
    h('label', { for: 'login-user' }, t('user')),
    h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none' }),
    h('label', { for: 'login-password' }, t('password')),
    h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    err,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'login-submit' }, t('signIn'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    $('#login-submit').disabled = true;
    const r = await api('POST', '/login', { user: $('#login-user').value.trim(), password: $('#login-password').value });
    $('#login-submit').disabled = false;
    if (r.status === 200) {
      S.csrf = r.data.csrf;
      const me = await api('GET', '/me');
      S.me = me.data;
      location.hash = '#/fleet';
      render();
    } else {
      err.textContent = t('wrongLogin');
      $('#login-password').value = '';
      $('#login-password').focus();
    }
  });
  main.append(form);
}

/* ---------------------------------------------------------------- fleet */

function scopeText(scope) { return t('scope_' + (scope || 'unknown')); }

function noticeText(n) {
  if (!n) return t('none');
  const txt = n.text[S.lang] || n.text.ko || n.text.en || Object.values(n.text)[0] || '';
  return `${n.level === 'urgent' ? t('urgent') + ': ' : ''}${txt}${n.until ? ' (~' + fmtTime(n.until) + ')' : ''}`;
}

/* The kiosk's render health in words a facility person reads: from how long the slowest
 * 1 % of its drawn frames took (frame_p99_ms; a still screen keeps the last measure), not
 * its frame rate, which is low whenever nothing moves. 50 ms is 20 frames a second while
 * something moves (stutter shows below that); 200 ms is as slow as a touch may answer.
 * A kiosk that has not drawn enough frames to measure yet says so (it reports a figure
 * only over enough frames, kiosk/main.c), rather than a dash that reads as unknown. */
function renderHealthHTML(k) {
  const p = k.frame_p99_ms;
  const tip = k.fps == null ? '' : ` title="${k.fps.toFixed(1)} fps"`;
  if (p == null) return k.online ? `<span class="note" data-render="few"${tip}>${esc(t('renderFew'))}</span>` : `<span${tip}>–</span>`;
  const [cls, word] = p <= 50 ? ['ok', t('renderOk')] : p <= 200 ? ['warn', t('renderSlow')] : ['bad', t('renderBad')];
  return `<span class="${cls}" data-render="${cls}"${tip}>${esc(word)} (${esc(t('slowest'))} ${p < 10 ? p.toFixed(1) : Math.round(p)} ms)</span>`;
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ESC[c]);

/* A kiosk's card as HTML text: a thousand cards are parsed by the browser in one go
 * (innerHTML) rather than built node by node (30,000 createElement calls took most of the
 * fleet page's load under load). Every value is escaped; the buttons are answered by one
 * listener on the list (fleetClick). */
function cardHTML(k) {
  const id = esc('k-' + k.id);
  const rows = [
    [t('showing'), esc(`${k.showing.pack || t('notKnown')} · ${t('version')} ${k.showing.version} · ${t('from')} ${scopeText(k.showing.scope)}`
      + (k.pending ? ` (${t('pending')}: ${t('version')} ${k.wanted.version})` : ''))],
    [t('group'), esc(k.group || '–')],
    [t('notice'), esc(noticeText(k.notice))],
    [t('lastSeen'), esc(fmtTime(k.last_seen))],
    [t('render'), renderHealthHTML(k)],
    k.broker ? [t('broker'), esc(k.broker)] : null,
    [t('lastError'), esc(k.last_error || t('none'))],
    [t('unrecorded'), k.unrecorded == null ? '–' : esc(k.unrecorded)],
    [t('helpCalls'), esc(k.help_calls)],
    k.alert ? [t('alert'), esc(k.alert_reason || '')] : null,
  ];
  let acts = '';
  if (can(2) && (k.alert || k.help_calls > 0)) acts += `<button type="button" class="ghost" data-act="ack" data-id="${esc(k.id)}">${esc(t('ack'))}</button>`;
  if (can(2)) acts += `<button type="button" class="ghost" data-act="shot" data-id="${esc(k.id)}">${esc(t('shot'))}</button>`;
  return `<article class="card${k.alert || !k.online ? ' alert' : ''}" id="${id}" aria-labelledby="${id}-h"${cardShown(k) ? '' : ' hidden'}>`
    + `<h2 id="${id}-h"><span>${esc(k.id)}</span><span class="badge ${k.online ? 'ok' : 'bad'}">${esc(k.online ? t('online') : t('offline'))}</span>`
    + `<span class="badge ${k.open ? 'ok' : 'warn'}">${esc(k.open ? t('open') : t('closed'))}</span></h2>`
    + `<dl>${rows.filter(Boolean).map(([a, b]) => `<dt>${esc(a)}</dt><dd>${b}</dd>`).join('')}</dl>`
    + `<div class="row">${acts}</div><div id="shot-${esc(k.id)}"></div></article>`;
}

/* The fleet's filter (a thousand cards are too many to scroll): words that the kiosk's id
 * or group contains, and "only those that need someone" (offline, an alert, help calls).
 * A card drawn later (a live change) follows it too. */
function needsSomeone(k) { return !k.online || k.alert || k.help_calls > 0; }
function cardShown(k) {
  const f = S.filter;
  if (!f) return true;
  if (f.problems && !needsSomeone(k)) return false;
  return !f.words.length || f.words.every((w) => k.id.toLowerCase().includes(w) || (k.group || '').toLowerCase().includes(w));
}

function applyFilter() {
  const q = $('#fleet-q')?.value.trim().toLowerCase() || '';
  const problems = !!$('#fleet-problems')?.checked;
  S.filter = q || problems ? { words: q.split(/\s+/).filter(Boolean), problems } : null;
  for (const k of S.kiosks.values()) {
    const el = document.getElementById('k-' + k.id);
    if (el) el.hidden = !cardShown(k);
  }
  countShown();
}

/* "n of all shown" while a filter is on (live changes move kiosks in and out of it). */
function countShown() {
  const out = $('#fleet-shown');
  if (!out) return;
  let n = 0;
  if (S.filter) for (const k of S.kiosks.values()) if (cardShown(k)) n++;
  const text = S.filter ? t('shownOf')(n, S.kiosks.size) : '';
  if (out.textContent !== text) out.textContent = text;
}

function fleetClick(e) {
  const b = e.target.closest('button[data-act]');
  if (!b) return;
  if (b.dataset.act === 'ack') ackAlert(b.dataset.id); else takeShot(b.dataset.id);
}

async function ackAlert(id) {
  const r = await api('POST', `/kiosks/${encodeURIComponent(id)}/clear-alert`, {});
  announce(r.status === 200 ? t('done') : (errText(r.data)));
}

async function takeShot(id) {
  const r = await api('POST', '/commands', { cmd: 'screenshot', to: 'kiosk:' + id });
  if (r.status !== 202) { announce(errText(r.data)); return; }
  announce(t('shotTaken'));
  for (let i = 0; i < 40; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const j = await api('GET', '/jobs/' + r.data.id);
    if (j.data?.done) break;
  }
  /* Found now, not before: the live stream may have redrawn the card meanwhile. */
  const box = $('#shot-' + CSS.escape(id));
  if (box) box.replaceChildren(h('img', { src: `/api/v1/kiosks/${encodeURIComponent(id)}/shot?t=${Date.now()}`, alt: `${t('shot')}: ${id}` }));
}

function fleetSummary() {
  const all = [...S.kiosks.values()];
  const on = all.filter((k) => k.online).length;
  const al = all.filter((k) => k.alert).length;
  const hc = all.reduce((a, k) => a + (k.help_calls || 0), 0);
  return h('div', { class: 'summary', id: 'fleet-summary' },
    h('div', {}, h('strong', {}, all.length), t('kiosks')),
    h('div', {}, h('strong', {}, on), t('online')),
    h('div', {}, h('strong', {}, all.length - on), t('offline')),
    h('div', {}, h('strong', {}, al), t('alerts')),
    h('div', {}, h('strong', {}, hc), t('helpCalls')));
}

/* Put one kiosk's card in place (kept when nothing in it changed, and its screenshot kept).
 * S.drawn holds the kiosk each card was drawn from: compared only when a card may change,
 * never for the thousand cards of a first load. */
function placeCard(list, k) {
  const old = document.getElementById('k-' + k.id);
  const was = S.drawn.get(k.id);
  if (old && was && (was === k || JSON.stringify(was) === JSON.stringify(k))) return;
  S.drawn.set(k.id, k);
  const tpl = document.createElement('template');
  tpl.innerHTML = cardHTML(k);
  const card = tpl.content.firstElementChild;
  if (old) {
    const img = old.querySelector('img');
    if (img) card.querySelector('#shot-' + CSS.escape(k.id)).append(img);
    old.replaceWith(card);
  } else list.append(card);
}

/* ids are ASCII: byte order, as the controller sends them (localeCompare costs ~0.1 s for
 * a thousand under load) */
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/* The whole fleet (first load, a "fleet" event), or one kiosk (a "kiosk" event): a fleet of
 * a thousand screens sends a few changes a second, each redraws one card. */
function drawFleet(onlyId) {
  const list = $('#fleet-list');
  if (!list) return;
  $('#fleet-summary')?.replaceWith(fleetSummary());
  if (!S.loaded) return;
  if (!S.kiosks.size) { list.replaceChildren(h('p', {}, t('noKiosks'))); return; }
  if (onlyId) {
    /* One kiosk changed: its card, if drawn; while the cards are still being drawn, the
     * second step draws it (it reads S.kiosks): never a restart, which under a fleet's
     * steady changes would never end. A kiosk new to the page is added in order. */
    if (document.getElementById('k-' + onlyId)) placeCard(list, S.kiosks.get(onlyId));
    else if (!S.drawing) { placeCard(list, S.kiosks.get(onlyId)); orderCards(list, [...S.kiosks.values()].sort(byId)); }
    if (S.filter) countShown();
    return;
  }
  const kids = [...S.kiosks.values()].sort(byId);
  const seen = new Set(kids.map((k) => 'k-' + k.id));
  if (list.firstElementChild && !list.firstElementChild.id) list.replaceChildren();
  for (const el of [...list.children]) if (el.id && !seen.has(el.id)) el.remove();
  const gen = (S.drawGen = (S.drawGen || 0) + 1);
  if (list.firstElementChild) {
    /* A later "fleet" event (after a staff action): only the cards that changed are
     * redrawn, so focus, scroll and screenshots in the others stay. */
    S.drawing = false;
    for (const k of kids) placeCard(list, k);
    orderCards(list, kids);
    return;
  }
  /* The first load: the first screenful parsed at once and painted, then the other cards
   * in parses of REST_CARDS each (one innerHTML or insertAdjacentHTML of the cards' text,
   * see cardHTML). One parse of all 960 others was a task of 0.3-0.9 s under load, during
   * which the page answered no click or key; in parts it answers between them. */
  S.drawing = true;
  S.drawn = new Map();
  const html = (from, to) => kids.slice(from, to).map((k) => {
    const cur = S.kiosks.get(k.id) || k;
    S.drawn.set(cur.id, cur);
    return cardHTML(cur);
  }).join('');
  list.innerHTML = html(0, FIRST_CARDS);
  performance.mark('fleet-first-screen'); /* bench/console reads these marks */
  const done = () => {
    S.drawing = false;
    if (S.filter) countShown();
    performance.mark('fleet-all-cards');
  };
  const rest = (from) => {
    if (gen !== S.drawGen || !list.isConnected) return;
    list.insertAdjacentHTML('beforeend', html(from, from + REST_CARDS));
    if (from + REST_CARDS < kids.length) setTimeout(() => rest(from + REST_CARDS), 0);
    else done();
  };
  /* After the first screen is painted (the next frame), not before; a hidden tab gets no
   * frames, so then at once. */
  if (kids.length <= FIRST_CARDS) done();
  else if (document.hidden) rest(FIRST_CARDS);
  else requestAnimationFrame(() => setTimeout(() => rest(FIRST_CARDS), 0));
}

const FIRST_CARDS = 40; /* more than a 1366x768 screen (or a phone) shows */
const REST_CARDS = 160; /* a part of the rest: ~20-60 ms of parsing */

function orderCards(list, kids) {
  /* Keep the cards in id order (a new kiosk was appended at the end). */
  const ids = [...list.children].map((e) => e.id);
  if (ids.some((v, i) => i && ids[i - 1] > v)) for (const k of kids) list.append(document.getElementById('k-' + k.id));
}

/* The live stream: its first event is the whole fleet (the page's load: one build of the
 * fleet's JSON on the controller, not a GET and then the stream's own), then one event per
 * changed kiosk. Events that come before the page is drawn are kept in S.kiosks. */
function openStream() {
  performance.mark('fleet-stream-open');
  const es = new EventSource('/api/v1/stream');
  es.addEventListener('fleet', (e) => {
    performance.mark('fleet-data');
    const d = JSON.parse(e.data);
    S.kiosks = new Map(d.kiosks.map((k) => [k.id, k]));
    S.loaded = true;
    drawFleet();
  });
  es.addEventListener('kiosk', (e) => { const k = JSON.parse(e.data); S.kiosks.set(k.id, k); drawFleet(k.id); });
  es.onerror = () => { const b = $('#live-badge'); if (b) { b.className = 'badge warn'; b.textContent = t('stale'); } };
  es.onopen = () => { performance.mark('fleet-stream-headers'); const b = $('#live-badge'); if (b) { b.className = 'badge ok'; b.textContent = t('liveOn'); } };
  return es;
}

async function pageFleet(main) {
  S.filter = null;
  const filter = h('form', { id: 'fleet-filter', class: 'filter', role: 'search', onsubmit: (e) => e.preventDefault() },
    h('div', {}, h('label', { for: 'fleet-q' }, t('findKiosk')),
      h('input', { id: 'fleet-q', type: 'search', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', oninput: applyFilter })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'fleet-problems', onchange: applyFilter }), t('needsSomeone')),
    h('p', { id: 'fleet-shown', class: 'note', role: 'status' }));
  main.append(h('h1', {}, t('fleet'), ' ', h('span', { class: 'badge ok', id: 'live-badge' }, t('liveOn'))),
    fleetSummary(), filter, h('div', { class: 'cards', id: 'fleet-list', 'aria-live': 'off', onclick: fleetClick }, h('p', {}, t('loading'))));
  if (!S.es) { S.loaded = false; S.es = openStream(); }
  else if (S.loaded) drawFleet(); /* the early stream's fleet came while /me was asked */
}

/* ---------------------------------------------------------------- targets and progress */

async function loadKiosks() {
  const r = await api('GET', '/kiosks');
  if (r.status === 200) S.kiosks = new Map(r.data.kiosks.map((k) => [k.id, k]));
  return [...S.kiosks.values()];
}

function targetSelect(id, kiosks) {
  const groups = [...new Set(kiosks.map((k) => k.group).filter(Boolean))].sort();
  return h('select', { id, name: 'to' },
    h('option', { value: 'all' }, `${t('all')} (${kiosks.length})`),
    groups.map((g) => h('option', { value: 'group:' + g }, `${t('group')}: ${g} (${kiosks.filter((k) => k.group === g).length})`)),
    kiosks.map((k) => h('option', { value: 'kiosk:' + k.id }, `${t('kiosk')}: ${k.id}`)));
}

function stateText(k) {
  const m = { applied: t('applied'), deferred: t('deferred'), rejected: t('rejected'), pending: t('pendingState'), offline: t('offlineState') };
  return (m[k.state] || k.state) + (k.reason && k.state !== 'deferred' ? ': ' + k.reason : '') + (k.hidden_by ? ` (${t('hiddenBy')} ${k.hidden_by})` : '');
}

async function followJob(box, job, kind, to) {
  const table = h('table', { id: 'progress-table' }, h('caption', { class: 'sr-only' }, t('progress')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('kiosk')), h('th', { scope: 'col' }, t('progress')))), h('tbody'));
  const status = h('p', { id: 'job-status', role: 'status' }, t('running'));
  /* A command has no per-kiosk progress to show (its outcome is the job's): no table. */
  box.replaceChildren(...[h('h2', {}, t('progress')), status, kind ? h('div', { class: 'table-wrap' }, table) : null].filter(Boolean));
  for (let i = 0; i < 120; i++) {
    const j = await api('GET', '/jobs/' + job.id);
    let p = null;
    if (kind) {
      p = await api('GET', `/progress?kind=${kind}&to=${encodeURIComponent(to)}`);
      if (p.status === 200 && p.data.version && j.data) {
        table.tBodies[0].replaceChildren(...p.data.kiosks.map((k) =>
          h('tr', { 'data-kiosk': k.id, 'data-state': k.state }, h('td', {}, k.id), h('td', { class: stateClass(k.state) }, stateText(k)))));
      }
    }
    if (j.data?.done) {
      status.textContent = `${t(j.data.outcome === 'ok' ? 'done' : j.data.outcome)}${j.data.reason ? ': ' + j.data.reason : ''}`;
      status.dataset.outcome = j.data.outcome;
      announce(status.textContent);
      if (!kind || !p || (p.data.counts.pending === 0)) break;
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

function stateClass(s) { return s === 'applied' ? 'ok' : s === 'rejected' ? 'bad' : 'warn'; }

/* ---------------------------------------------------------------- notices */

async function pageNotices(main) {
  const kiosks = await loadKiosks();
  const langs = [['ko', '한국어'], ['en', 'English'], ['zh-Hans', '简体中文'], ['zh-Hant', '繁體中文'], ['ja', '日本語']];
  const err = h('p', { class: 'error', role: 'alert', id: 'notice-error' });
  const box = h('div', { id: 'notice-progress' });
  const form = h('form', { id: 'notice-form' },
    h('fieldset', {}, h('legend', {}, t('noticeTitle')),
      h('label', { for: 'notice-to' }, t('target')), targetSelect('notice-to', kiosks),
      h('label', { for: 'notice-level' }, t('level')),
      h('select', { id: 'notice-level' }, h('option', { value: 'info' }, t('info')), h('option', { value: 'urgent' }, t('urgent'))),
      langs.map(([code, name]) => [h('label', { for: 'notice-' + code }, `${t('textIn')} (${name})`),
        h('textarea', { id: 'notice-' + code, lang: code, maxlength: 500 })]),
      h('label', { for: 'notice-until' }, t('until')), fmtInput('datetime', { id: 'notice-until' }),
      err,
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'ghost', id: 'notice-preview', onclick: () => previewNotice() }, t('noticePreview')),
        h('button', { type: 'submit', id: 'notice-raise' }, t('raise')),
        h('button', { type: 'button', class: 'ghost', id: 'notice-clear', onclick: () => sendNotice(true) }, t('takeDown')))));
  /* console4: the notice drawn by a headless kiosk on the controller (the one the Content
   * page's previews use), each language's home screen with the level's look, before it is
   * sent: POST /notices/preview checks it as POST /notices does and publishes nothing. */
  const shots = h('div', { id: 'notice-preview-shots', 'aria-live': 'polite' });
  function noticeBody() {
    const body = { to: $('#notice-to').value, level: $('#notice-level').value, text: {} };
    for (const [code] of langs) { const v = $('#notice-' + code).value.trim(); if (v) body.text[code] = v; }
    const u = fmtValue($('#notice-until'), err);
    if (u === null) return null;
    if (u) body.until = u;
    return body;
  }
  async function previewNotice() {
    err.textContent = '';
    const body = noticeBody();
    if (!body) return;
    const r = await api('POST', '/notices/preview', body);
    if (r.status !== 202) { err.textContent = errText(r.data); return; }
    const status = h('p', { id: 'notice-preview-status', role: 'status' }, t('noticePreviewing'));
    shots.replaceChildren(h('h2', {}, t('noticePreviewOf')), status);
    let j = r;
    for (let i = 0; i < 150 && !j.data?.done; i++) {
      await new Promise((res) => setTimeout(res, 400));
      j = await api('GET', '/jobs/' + r.data.id);
    }
    if (j.data?.outcome !== 'ok') { status.textContent = `${t('noticePreviewFailed')}: ${j.data?.reason || ''}`; return; }
    const s = await api('GET', `/uploads/${r.data.upload}/shots`);
    const names = Object.fromEntries(langs);
    status.textContent = t('noticePreviewNote');
    const order = langs.map(([code]) => code); /* Korean first, as the form lists them */
    const list = (s.data?.shots || []).slice().sort((a, b) => order.indexOf(a.lang) - order.indexOf(b.lang));
    shots.append(h('div', { class: 'shots notice-shots' }, list.map((shot) =>
      h('figure', { 'data-lang': shot.lang },
        h('img', { src: `/api/v1/uploads/${r.data.upload}/shots/${encodeURIComponent(shot.name)}`, alt: `${t('noticePreviewOf')}: ${names[shot.lang] || shot.lang}` }),
        h('figcaption', {}, `${names[shot.lang] || shot.lang} · ${t(body.level)}`)))));
  }
  async function sendNotice(clear) {
    err.textContent = '';
    const to = $('#notice-to').value;
    if (to === 'all' && !(await confirmDialog(t('sureAll')))) return;
    const body = { to };
    if (!clear) {
      body.level = $('#notice-level').value;
      body.text = {};
      for (const [code] of langs) { const v = $('#notice-' + code).value.trim(); if (v) body.text[code] = v; }
      const u = fmtValue($('#notice-until'), err);
      if (u === null) return;
      if (u) body.until = u;
    }
    const r = await api('POST', clear ? '/notices/clear' : '/notices', body);
    if (r.status !== 202) { err.textContent = errText(r.data); return; }
    /* The list of current notices follows once the kiosks have it (it said "none" right
     * after a notice was raised). */
    await followJob(box, r.data, 'notice', to);
    if (cur.isConnected) drawCurrent(await loadKiosks());
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); sendNotice(false); });
  const cur = h('div', { id: 'notice-current' });
  const drawCurrent = (ks) => {
    const on = ks.filter((k) => k.notice);
    cur.replaceChildren(on.length ? h('ul', {}, on.map((k) => h('li', {}, `${k.id}: ${noticeText(k.notice)}`))) : h('p', {}, t('none')));
  };
  drawCurrent(kiosks);
  main.append(h('h1', {}, t('notices')), form, shots, box, h('h2', {}, t('current')), cur);
}

/* ---------------------------------------------------------------- commands */

async function pageCommands(main) {
  const kiosks = await loadKiosks();
  const err = h('p', { class: 'error', role: 'alert' });
  const box = h('div', { id: 'command-progress' });
  const form = h('form', { id: 'command-form' },
    h('fieldset', {}, h('legend', {}, t('commandTitle')),
      h('label', { for: 'command-cmd' }, t('cmd')),
      h('select', { id: 'command-cmd' }, ['identify', 'screenshot', 'reload', 'show'].map((c) => h('option', { value: c }, t('cmd_' + c)))),
      h('label', { for: 'command-exhibit' }, t('exhibit')), h('input', { id: 'command-exhibit' }),
      h('label', { for: 'command-to' }, t('target')), targetSelect('command-to', kiosks),
      err, h('div', { class: 'row' }, h('button', { type: 'submit', id: 'command-send' }, t('send')))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const to = $('#command-to').value;
    if (to === 'all' && !(await confirmDialog(t('sureAll')))) return;
    const r = await api('POST', '/commands', { cmd: $('#command-cmd').value, exhibit: $('#command-exhibit').value || undefined, to });
    if (r.status !== 202) { err.textContent = errText(r.data); return; }
    followJob(box, r.data, null, to);
  });
  main.append(h('h1', {}, t('commands')), form, box);
}

/* ---------------------------------------------------------------- reports */

async function pageReports(main) {
  const err = h('p', { class: 'error', role: 'alert', id: 'report-error' });
  const out = h('div', { id: 'report-out' });
  const day = localDay();
  const form = h('form', { id: 'report-form', class: 'no-print' },
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'report-from' }, t('fromDay')), fmtInput('date', { id: 'report-from', value: day })),
      h('div', {}, h('label', { for: 'report-to' }, t('toDay')), fmtInput('date', { id: 'report-to', value: day }))),
    err,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'report-show' }, t('show')),
      h('button', { type: 'button', class: 'ghost', onclick: () => window.print() }, t('print')),
      ['html', 'csv', 'json'].map((f) => h('a', { class: 'button ghost', id: 'report-dl-' + f, href: '#', 'data-format': f }, `${t('download')} ${f.toUpperCase()}`))));
  const q = () => `from=${$('#report-from').value}&to=${$('#report-to').value}&lang=${S.lang}`;
  const setLinks = () => { for (const f of ['html', 'csv', 'json']) $('#report-dl-' + f).href = `/api/v1/report?${q()}&format=${f}&download=1`; };
  form.addEventListener('change', setLinks);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    if (fmtValue($('#report-from'), err) === null || fmtValue($('#report-to'), err) === null) return;
    const r = await api('GET', '/report?' + q() + '&format=json');
    if (r.status !== 200) { err.textContent = errText(r.data); return; }
    out.replaceChildren(...reportView(r.data).filter((x) => x != null)); /* replaceChildren writes a null as "null" */
  });
  main.append(h('h1', {}, t('reportTitle')), form, out);
  setLinks();
  form.requestSubmit();
}

function reportView(d) {
  const tot = d.totals || {};
  const figs = [['sessions', tot.sessions], ['taps', tot.taps], ['views', tot.views], ['events', tot.events], ['votes', tot.votes], ['help', tot.help]];
  const cell = (v, cls) => h('td', { class: cls }, v == null ? '–' : v);
  return [
    h('p', {}, `${d.from} – ${d.to} · `, h('span', { class: 'badge ' + (d.complete ? 'ok' : 'bad'), id: 'report-complete' }, d.complete ? t('complete') : t('incomplete'))),
    !d.complete && d.completeness ? h('p', { class: 'note', lang: 'en' }, d.completeness) : null,
    h('div', { class: 'summary', id: 'report-totals' }, figs.map(([k, v]) => h('div', { 'data-figure': k }, h('strong', {}, v ?? 0), t(k)))),
    h('h2', {}, t('kiosks')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'report-kiosks' },
      h('thead', {}, h('tr', {}, [t('kiosk'), t('group'), t('events'), t('missing'), t('sessions'), t('taps'), t('help'), t('uptime')].map((x, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : null }, x)))),
      h('tbody', {}, (d.kiosks || []).map((k) => h('tr', { 'data-kiosk': k.id }, h('th', { scope: 'row' }, k.id), cell(k.group), cell(k.events, 'num'), cell(k.missing, 'num'),
        cell(k.sessions, 'num'), cell(k.taps, 'num'), cell(k.help, 'num'), cell(k.uptime_pct == null ? null : k.uptime_pct + '%', 'num')))))),
    h('h2', {}, S.lang === 'ko' ? '전시' : 'Exhibits'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'report-exhibits' },
      h('thead', {}, h('tr', {}, [S.lang === 'ko' ? '전시' : 'Exhibit', t('views'), t('taps')].map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      h('tbody', {}, (d.exhibits || []).map((e) => h('tr', {}, h('th', { scope: 'row' }, e.title), cell(e.views, 'num'), cell(e.taps, 'num')))))),
  ];
}

/* ---------------------------------------------------------------- history */

async function pageHistory(main) {
  const r = await api('GET', '/history?limit=300');
  main.append(h('h1', {}, t('historyTitle')));
  if (r.status !== 200) { main.append(h('p', { class: 'error', role: 'alert' }, errText(r.data))); return; }
  /* On a phone each entry is a block of labelled lines (table.stack), not six columns
   * scrolled sideways. */
  const cols = [t('when'), t('who'), t('action'), t('target'), t('outcome'), t('detail')];
  const td = (i, v, cls) => h('td', { class: cls, 'data-label': cols[i] }, v);
  main.append(h('div', { class: 'table-wrap' }, h('table', { id: 'history-table', class: 'stack' },
    h('thead', {}, h('tr', {}, cols.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, r.data.history.map((e) => h('tr', { class: e.outcome !== 'ok' ? 'bad' : null },
      td(0, fmtTime(e.ts), 'nowrap'), td(1, e.user, 'nowrap'), td(2, actionText(e)), td(3, histWords(e.target)),
      td(4, t('outcome_' + e.outcome)), td(5, histDetail(e))))))));
}

/* console4: the history keeps the English words serve and the command line wrote (the
 * logs and `hall-controller history` read them); on the Korean page the ones the console
 * and the commands write are said in Korean, the English in the tooltip. Anything else
 * (a pack's title and path, a notice's own text) is shown as it is. */
const ACTION_NOUNS_KO = {
  'raise notices': '공지 올리기', 'take notices down': '공지 내리기', 'send commands': '명령 보내기', 'push content': '콘텐츠 배포',
  'roll content back': '콘텐츠 되돌리기', 'clear overrides': '개별 지정 해제', 'push schedules': '일정 배포', 'manage accounts': '계정 관리',
  'upload content': '콘텐츠 올리기', 'preview content': '콘텐츠 미리 보기', 'see previews': '미리 보기 보기', 'acknowledge alerts': '경보 확인',
  console: '콘솔',
};
const HIST_KO = [
  [/^failed login from (\S+) \(waited (\d+) ms\)$/, (m) => `${m[1]}에서 로그인 실패 (${m[2]} ms 기다림)`],
  [/^signed in from (\S+)$/, (m) => `${m[1]}에서 로그인`],
  [/^wrong name or password$/, () => '이름 또는 비밀번호가 틀림'],
  [/^missing or wrong CSRF token$/, () => '보안 토큰이 없거나 틀림'],
  [/^role (viewer|operator|editor|admin)$/, (m) => `역할 ${t('role_' + m[1])}`],
  [/^(.+): needs role (\w+), has (\w+)$/, (m) => `${ACTION_NOUNS_KO[m[1]] || m[1]}: ${t('role_' + m[2])} 역할 필요 (현재 ${t('role_' + m[3])})`],
  [/^(screenshot|reload|identify|show)( \S+)? \(ttl (\d+) s\)$/, (m) => `${t('cmd_' + m[1])}${m[2] || ''} (유효 ${m[3]}초)`],
  [/^(urgent|info): ([\s\S]*)$/, (m) => `${t(m[1])}: ${m[2]}`],
  [/^alert and help calls acknowledged$/, () => '경보와 직원 호출 확인함'],
];
function histWords(text) {
  if (S.lang !== 'ko' || !text) return text || '';
  if (ACTION_NOUNS_KO[text]) return h('span', { title: text }, ACTION_NOUNS_KO[text]);
  for (const [re, say] of HIST_KO) {
    const m = re.exec(text);
    if (m) return h('span', { title: text }, say(m));
  }
  return text;
}
function histDetail(e) {
  const d = histWords(e.detail), r = e.reason ? histWords(e.reason) : null;
  return r ? h('span', {}, d, ' (', r, ')') : d;
}

/* An action in the page's language (the history keeps the command line's word, which
 * stays in the tooltip), and its version. */
function actionText(e) {
  const word = T[S.lang]['act_' + e.action];
  return h('span', { title: word ? e.action : null }, (word || e.action) + (e.version ? ` v${e.version}` : ''));
}

/* ---------------------------------------------------------------- accounts */

async function pageAccounts(main) {
  const r = await api('GET', '/users');
  const err = h('p', { class: 'error', role: 'alert', id: 'accounts-error' });
  const roles = ['viewer', 'operator', 'editor', 'admin'];
  const roleSel = (id, v) => h('select', { id }, roles.map((x) => h('option', { value: x, selected: x === v }, t('role_' + x))));
  main.append(h('h1', {}, t('accountsTitle')));
  if (r.status !== 200) { main.append(h('p', { class: 'error', role: 'alert' }, errText(r.data))); return; }
  const rows = r.data.users.map((u, i) => h('tr', {},
    h('th', { scope: 'row' }, u.name),
    /* One's own role is shown, not offered: an admin may not demote themselves (the API
     * refuses), so the hall always keeps one. */
    u.name === S.me.user ? h('td', {}, t('role_' + u.role)) : h('td', {}, h('label', { class: 'sr-only', for: 'role-' + i }, `${t('role')}: ${u.name}`), roleSel('role-' + i, u.role),
      h('button', { type: 'button', class: 'ghost', onclick: async () => {
        const x = await api('POST', '/users/' + encodeURIComponent(u.name), { role: $('#role-' + i).value });
        err.textContent = x.status === 200 ? '' : errText(x.data); announce(x.status === 200 ? t('changed') : errText(x.data));
      } }, t('setRole'))),
    h('td', {}, h('label', { class: 'sr-only', for: 'pw-' + i }, `${t('newPassword')}: ${u.name}`), h('input', { id: 'pw-' + i, type: 'password', autocomplete: 'new-password' }),
      h('button', { type: 'button', class: 'ghost', onclick: async () => {
        const x = await api('POST', '/users/' + encodeURIComponent(u.name), { password: $('#pw-' + i).value });
        err.textContent = x.status === 200 ? '' : errText(x.data); announce(x.status === 200 ? t('changed') : errText(x.data));
      } }, t('setPassword'))),
    h('td', {}, u.name === S.me.user ? '' : h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!(await confirmDialog(`${t('remove')}: ${u.name}?`))) return;
      const x = await api('DELETE', '/users/' + encodeURIComponent(u.name));
      if (x.status === 200) render(); else err.textContent = errText(x.data);
    } }, `${t('remove')}`))));
  const add = h('form', { id: 'user-add' }, h('fieldset', {}, h('legend', {}, t('addAccount')),
    h('label', { for: 'new-name' }, t('name')), h('input', { id: 'new-name', autocomplete: 'off', autocapitalize: 'none' }),
    h('label', { for: 'new-role' }, t('role')), roleSel('new-role', 'viewer'),
    h('label', { for: 'new-password' }, `${t('password')} (${t('passwordHint')})`), h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password' }),
    h('div', { class: 'row' }, h('button', { type: 'submit' }, t('add')))));
  add.addEventListener('submit', async (e) => {
    e.preventDefault();
    const x = await api('POST', '/users', { name: $('#new-name').value.trim(), role: $('#new-role').value, password: $('#new-password').value });
    if (x.status === 201) render(); else err.textContent = errText(x.data);
  });
  main.append(err, h('div', { class: 'table-wrap' }, h('table', { id: 'users-table' },
    h('thead', {}, h('tr', {}, [t('name'), t('role'), t('password'), ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows))), add);
}

/* ---------------------------------------------------------------- content and schedules */

/* The screens of an upload drawn by a headless kiosk on the controller (a job), shown as
 * they come: every exhibit in every language. The last preview of this browser tab is
 * shown again when the person comes back to the page (job given). */
async function previewShots(box, upload, job) {
  const status = h('p', { id: 'preview-status', role: 'status' }, t('previewRunning'));
  const grid = h('div', { class: 'shots', id: 'preview-shots' });
  /* One language at a time (the page's own first), as a grid of small screens: every
   * exhibit in five languages in one column was 7,000 px on a phone. "All" shows them all. */
  const langs = h('fieldset', { class: 'langs', id: 'preview-langs' }, h('legend', {}, t('previewLang')));
  const want = () => langs.querySelector('input:checked')?.value || S.lang;
  const filter = () => { for (const f of grid.children) f.hidden = want() !== 'all' && f.dataset.lang !== want(); };
  const addLang = (code, label) => {
    if (langs.querySelector(`input[value="${CSS.escape(code)}"]`)) return;
    const id = 'preview-lang-' + code;
    const first = langs.querySelectorAll('input').length === 0;
    const input = h('input', { type: 'radio', name: 'preview-lang', id, value: code, checked: first || code === S.lang || null, onchange: filter });
    const lab = h('label', { for: id, lang: code === 'all' ? null : code }, label);
    /* the page's own language first, "all" last, the rest as they come */
    if (code === S.lang) langs.querySelector('legend').after(input, lab);
    else langs.append(input, lab);
  };
  box.replaceChildren(h('h2', {}, t('preview')), status, langs, grid);
  if (!job) {
    const r = await api('POST', `/uploads/${upload}/preview`, {});
    if (r.status !== 202) { status.textContent = errText(r.data); return; }
    job = r.data.id;
    sessionStorage.setItem('preview', JSON.stringify({ upload, job }));
  }
  for (let i = 0; i < 400 && box.isConnected; i++) {
    if (i) await new Promise((res) => setTimeout(res, 750));
    const j = await api('GET', '/jobs/' + job);
    const s = await api('GET', `/uploads/${upload}/shots`);
    for (const shot of s.data?.shots || []) {
      if (grid.querySelector(`[data-name="${CSS.escape(shot.name)}"]`)) continue;
      addLang(shot.lang, LANG_NAMES[shot.lang] || shot.lang);
      grid.append(h('figure', { 'data-name': shot.name, 'data-lang': shot.lang, hidden: (want() !== 'all' && shot.lang !== want()) || null },
        h('img', { src: `/api/v1/uploads/${upload}/shots/${encodeURIComponent(shot.name)}`, alt: `${t('preview')}: ${shot.exhibit} (${shot.lang})` }),
        h('figcaption', {}, `${shot.exhibit} · ${shot.lang}`)));
    }
    filter(); /* a language that came now may be the page's own, chosen first */
    if (j.status === 404) { box.replaceChildren(); sessionStorage.removeItem('preview'); return; }
    if (j.data?.done) {
      addLang('all', t('allLangs'));
      filter();
      status.textContent = j.data.outcome === 'ok' ? t('previewDone')(grid.children.length) : `${t('failed')}: ${j.data.reason || ''}`;
      status.dataset.outcome = j.data.outcome;
      return;
    }
  }
}

/* A file field in the page's language: the browser draws its own button and "No file
 * chosen" in its locale (English on the Korean page). The input stays, covering a button of
 * ours and what was chosen (so a click anywhere there, the keyboard and screen readers work
 * as with the browser's own), only unseen. */
function fileField(id, label, button, attrs) {
  const chosen = h('span', { class: 'note', id: id + '-chosen' }, t('noFile'));
  const input = h('input', { id, type: 'file', class: 'file-input', 'aria-describedby': id + '-chosen', ...attrs,
    onchange: (e) => {
      const f = e.target.files;
      chosen.textContent = !f.length ? t('noFile') : f.length === 1 && !attrs.webkitdirectory ? f[0].name : t('nFiles')(f.length);
      attrs.onchange?.(e);
    } });
  return [h('label', { for: id }, label), h('div', { class: 'file' }, input, h('span', { class: 'button ghost', 'aria-hidden': 'true' }, button), chosen)];
}

async function pageContent(main) {
  const kiosks = await loadKiosks();
  const err = h('div', { class: 'error', role: 'alert', id: 'content-error' });
  const note = h('p', { id: 'content-check-result', role: 'status' });
  const box = h('div', { id: 'content-progress' });
  const shots = h('div', { id: 'content-preview' });
  let upload = null;
  const reset = () => { upload = null; note.textContent = ''; };
  const form = h('form', { id: 'content-form' },
    h('fieldset', {}, h('legend', {}, t('contentTitle')),
      fileField('pack-files', t('upload'), t('chooseFiles'), { multiple: true, webkitdirectory: true, onchange: reset }),
      fileField('pack-zip', t('uploadZip'), t('chooseZip'), { accept: '.zip,application/zip', onchange: reset }),
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'ghost', id: 'content-check', onclick: () => checkOnly() }, t('checkPreview'))),
      note,
      h('label', { for: 'content-to' }, t('target')), targetSelect('content-to', kiosks),
      err,
      h('div', { class: 'row' },
        h('button', { type: 'submit', id: 'content-push' }, t('push')),
        h('button', { type: 'button', class: 'ghost', id: 'content-rollback', onclick: () => simple('rollback') }, t('rollback')),
        h('button', { type: 'button', class: 'ghost', id: 'content-clear', onclick: () => simple('clear') }, t('clearOverride')))));
  const fail = (x) => { err.textContent = errText(x.data); return null; };
  /* The chosen zip or folder to a new upload, then its check: the upload's id, or null
   * with every problem listed. */
  async function sendPack() {
    const zip = $('#pack-zip').files[0];
    const files = [...$('#pack-files').files];
    if (!zip && !files.length) { err.textContent = t('choosePack'); return null; }
    const u = await api('POST', '/uploads', {});
    if (u.status !== 201) return fail(u);
    let c;
    if (zip) c = await api('POST', `/uploads/${u.data.id}/zip`, zip);
    else {
      for (const f of files) {
        const rel = (f.webkitRelativePath || f.name).split('/');
        const name = rel.length > 1 ? rel.slice(1).join('/') : rel[0];
        const x = await api('PUT', `/uploads/${u.data.id}/${name.split('/').map(encodeURIComponent).join('/')}`, f);
        if (x.status !== 200) return fail(x);
      }
      c = await api('POST', `/uploads/${u.data.id}/check`, {});
    }
    if (c.status !== 200) return fail(c);
    if (c.data.errors > 0) {
      err.replaceChildren(h('p', {}, `${t('problems')}: ${c.data.errors}`),
        h('ul', { class: 'issues', id: 'content-issues' }, c.data.issues.map((i) => h('li', {}, `${i.severity === 'error' ? t('error') : i.severity === 'warning' ? t('warningWord') : i.severity}: ${i.path}${i.path ? ': ' : ''}${i.message}`))));
      api('DELETE', `/uploads/${u.data.id}`); /* never pushed: the controller need not keep it */
      return null;
    }
    note.textContent = `${c.data.pack || ''}: ${t('noProblems')}` + (c.data.warnings ? ` (${t('warningsN')(c.data.warnings)})` : '');
    return u.data.id;
  }
  async function checkOnly() {
    err.textContent = '';
    upload = await sendPack();
    if (upload) previewShots(shots, upload);
  }
  async function confirmFor(to) {
    const p = await api('GET', `/progress?kind=content&to=${encodeURIComponent(to)}&version=0`);
    if (p.status !== 200) return false;
    const hidden = p.data.kiosks.filter((k) => k.hidden_by).map((k) => `${k.id} (${k.hidden_by})`);
    return confirmDialog(t('confirmPush')(p.data.screens - hidden.length, hidden));
  }
  async function act(what, body) {
    const to = $('#content-to').value;
    if (!(await confirmFor(to))) return;
    const r = await api('POST', '/' + what, { ...body, to });
    if (r.status !== 202) { fail(r); return; }
    /* A pushed pack is stored by the controller, which then drops the upload's files: a
     * further push sends the chosen files again. */
    if (what === 'push') upload = null;
    followJob(box, r.data, 'content', to);
  }
  async function simple(what) { err.textContent = ''; await act(what, {}); }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    if (!upload) upload = await sendPack();
    if (upload) await act('push', { upload });
  });
  main.append(h('h1', {}, t('content')), form, box, shots);
  const last = JSON.parse(sessionStorage.getItem('preview') || 'null');
  if (last) previewShots(shots, last.upload, last.job);
}

/* ---------------------------------------------------------------- schedules */

const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const WEEKDAYS = { ko: ['일', '월', '화', '수', '목', '금', '토'], en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] };

/* A segment in words: its hours and what shows then, an item by its name for people (the
 * exhibit's title in the page's language), its id after it as secondary text. */
function segText(s, byId, titles) {
  const it = s.item && byId.get(s.item);
  const what = !s.open ? t('closed') : s.item ? `${itemTitle(it, titles) || s.item} · ${s.item}` : t('open');
  return `${hhmm(s.start)}–${hhmm(s.end)} ${what}`;
}

/* A day on a phone: one line with its opening hours, its items behind a disclosure (the
 * full list of segments made the week alone 1,000 px long at 390 px wide). CSS shows this
 * or the list, by width, so a turned phone needs no redraw. */
function dayCompact(day, byId, titles) {
  const wins = [];
  for (const s of day.segments) {
    if (!s.open) continue;
    const last = wins[wins.length - 1];
    if (last && last.end === s.start) last.end = s.end; else wins.push({ start: s.start, end: s.end });
  }
  const items = day.segments.filter((s) => s.open && s.item);
  const hours = wins.length ? wins.map((w) => `${hhmm(w.start)}–${hhmm(w.end)}`).join(', ') : day.closure ? '' : t('closed');
  const line = [hours, items.length ? t('itemsN')(items.length) : ''].filter(Boolean).join(' · ');
  return h('div', { class: 'narrow-only day-compact' }, !items.length ? (line ? h('span', {}, line) : null)
    : h('details', {}, h('summary', {}, line), h('ul', { class: 'segs' }, items.map((s) => h('li', {}, segText(s, byId, titles))))));
}

/* The week as the kiosks' own evaluation sees it: a bar per day (a picture, hidden from
 * screen readers) and the same segments as text beside it. */
function weekView(d) {
  const items = new Map((d.items || []).map((it, i) => [it.id, i % 6]));
  const byId = new Map((d.items || []).map((it) => [it.id, it]));
  const titles = d.titles || {};
  const src = d.preview ? t('previewNotPushed') : d.schedule ? `${t('schedFrom')} ${d.schedule.scope} (${t('version')} ${d.schedule.version})` : t('noSchedule');
  return [
    h('p', { id: d.preview ? 'preview-source' : 'week-source' }, src, ` · ${d.time_zone}`),
    h('div', { class: 'table-wrap' }, h('table', { id: d.preview ? 'preview-week-table' : 'week-table', class: 'week' },
      h('caption', { class: 'sr-only' }, t('weekTitle')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('day')), h('th', { scope: 'col', class: 'hide-narrow' }, '0–24'), h('th', { scope: 'col' }, t('hours')))),
      h('tbody', {}, d.days.map((day) => {
        const bar = h('div', { class: 'bar', 'aria-hidden': 'true' }, day.segments.map((s) => {
          const seg = h('span', { class: 'seg ' + (!s.open ? 'shut' : s.item ? 'item i' + items.get(s.item) : 'open'), title: segText(s, byId, titles) },
            s.item && s.end - s.start >= 120 ? itemTitle(byId.get(s.item), titles) || s.item : '');
          seg.style.width = `${((s.end - s.start) / 1440) * 100}%`;
          return seg;
        }));
        return h('tr', { 'data-date': day.date },
          h('th', { scope: 'row', class: 'nowrap' }, `${day.date.slice(5)} (${WEEKDAYS[S.lang][day.weekday]})`),
          h('td', { class: 'hide-narrow' }, bar),
          h('td', {}, day.closure ? h('strong', { class: 'bad' }, t('closure')) : null,
            h('ul', { class: 'segs wide-only' }, day.segments.filter((s) => s.open || !day.closure).map((s) => h('li', { class: s.open ? null : 'note' }, segText(s, byId, titles)))),
            dayCompact(day, byId, titles)));
      })))),
    h('ul', { id: d.preview ? 'preview-week-items' : 'week-items', class: 'legend' },
      [['open', t('open')], ['shut', t('closed')]].map(([c, txt]) => h('li', {}, h('span', { class: 'swatch seg ' + c, 'aria-hidden': 'true' }), txt)),
      (d.items || []).map((it) => h('li', {}, h('span', { class: 'swatch item i' + items.get(it.id), 'aria-hidden': 'true' }),
        `${itemTitle(it, titles) || it.id} `, h('span', { class: 'note' }, `(${it.id})`)))),
  ];
}

/* What a kiosk shows at a time, in the page's language: an item's exhibits by their names
 * in the pack (titles, from the week asked last), their ids beside them. */
function atView(a, titles) {
  const what = { exhibit: t('exhibitToShow'), playlist: t('showPlaylist'), attract: t('attract') };
  const exs = (a.item?.exhibits || []).map((x) => `${exhibitTitle(titles, x)} (${x})`).join(' → ');
  const rows = [
    [t('showsNow'), a.shows === 'closed' ? t('closed') : a.shows === 'default' ? t('everyExhibit')
      : a.item.show === 'attract' ? t('attract') : `${what[a.item.show] || a.item.show}: ${exs}`],
    [t('pack'), `${a.content.pack} · ${t('version')} ${a.content.version} · ${t('from')} ${a.content.scope === 'default' ? t('scope_default') : a.content.scope}`],
    [t('schedules'), a.schedule ? `${a.schedule.scope} (${t('version')} ${a.schedule.version})` : t('noSchedule')],
    [a.open ? t('closesAt') : t('opensAt'), fmtTime(a.open ? a.closes : a.next_open)],
    [t('notice'), noticeText(a.notice)],
  ];
  if (a.item) rows.splice(1, 0, [t('item'), `${a.item.id}${a.item.missing?.length ? ` (${t('missingEx')}: ${a.item.missing.join(', ')})` : ''}`]);
  return h('dl', { class: 'facts', id: 'at-answer', 'data-shows': a.shows }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/* A form of fields, a message line and a result box: the week and at-time queries share it. */
function queryForm(id, legend, fields, button, run) {
  const err = h('p', { class: 'error', role: 'alert', id: id + '-error' });
  const out = h('div', { id: id + '-out', 'aria-live': 'polite' });
  const form = h('form', { id }, h('fieldset', {}, h('legend', {}, legend), fields, err,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: id + '-go' }, button))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const r = await run(err);
    if (!r) return; /* a field did not read: run said so */
    if (r.status !== 200) { err.textContent = errText(r.data); return; }
    out.replaceChildren(...[r.view(r.data)].flat().filter((x) => x != null));
  });
  return [form, out];
}

async function pageSchedules(main) {
  const kiosks = await loadKiosks();
  let weekTitles = {};
  const editor = can(3) ? scheduleEditor(kiosks) : null;
  const [weekForm, weekOut] = queryForm('week-form', t('weekTitle'), [
    h('label', { for: 'week-to' }, t('target')), targetSelect('week-to', kiosks),
    h('label', { for: 'week-from' }, t('fromDay')), fmtInput('date', { id: 'week-from', value: localDay() })],
  t('show'), async (err) => {
    const from = fmtValue($('#week-from'), err);
    if (from === null) return null;
    const r = await api('GET', `/schedule/week?to=${encodeURIComponent($('#week-to').value)}&from=${from || localDay()}`);
    /* The editor starts from the schedule the week shows, for the same target. */
    /* never over edits not pushed yet: "Load the target's schedule" does that on request */
    if (r.status === 200 && editor && !editor.dirty()) { $('#schedule-to').value = $('#week-to').value; editor.load(r.data.schedule ? r.data.schedule.body : null, r.data.titles); }
    if (r.status === 200) weekTitles = r.data.titles || {};
    return { ...r, view: weekView };
  });
  const [atForm, atOut] = queryForm('at-form', t('atTitle'), [
    h('label', { for: 'at-kiosk' }, t('kiosk')), h('select', { id: 'at-kiosk' }, kiosks.map((k) => h('option', { value: k.id }, k.id))),
    h('label', { for: 'at-time' }, t('atTime')), fmtInput('datetime', { id: 'at-time', value: localDay(0, true) })],
  t('ask'), async (err) => {
    const at = fmtValue($('#at-time'), err);
    if (at === null) return null;
    return { ...(await api('GET', `/schedule/at?kiosk=${encodeURIComponent($('#at-kiosk').value)}${at ? '&t=' + at : ''}`)), view: (d) => atView(d, weekTitles) };
  });
  main.append(h('h1', {}, t('schedules')), weekForm, weekOut, atForm, atOut);
  /* The form is long (a row a weekday, a box an item): on a phone it waits closed behind
   * its heading, after the week and the at-time question, and opens from the keyboard
   * (Enter or Space on the heading); on a wide screen it is open. Its progress and week
   * preview stay outside, so a push is followed with the form closed. */
  if (editor) {
    const [form, ...rest] = editor.parts;
    main.append(h('details', { id: 'schedule-editor', class: 'wide-open', open: WIDE.matches || null },
      h('summary', {}, h('h2', {}, t('schedEditor'))), form), ...rest);
  }
  weekForm.requestSubmit();
}

/* ---------------------------------------------------------------- schedule editor (a form)

 * The schedule as a form a person fills in, never as JSON to type: opening hours per
 * weekday (any number of windows, none = closed that day), closure dates, and items (which
 * exhibit, playlist or the attract loop shows when). The form checks what it can in the
 * page's language next to each field; the server then checks the schedule with the code of
 * `schedule validate` and `schedule push` (POST /schedule/check), and any problem it finds
 * is shown next to the field its path names. The JSON stays behind an "advanced" disclosure. */

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAME = { ko: { mon: '월요일', tue: '화요일', wed: '수요일', thu: '목요일', fri: '금요일', sat: '토요일', sun: '일요일' },
  en: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } };
const ID_RE = /^[a-z0-9_-]{1,64}$/;

/* The human name of exhibit id in the page's language (the pack's own title), else the id. */
function exhibitTitle(titles, id) {
  const x = titles?.[id];
  return (x && (x[S.lang] || x.ko || x.en || Object.values(x)[0])) || id;
}

/* An item's name for people: what it shows, in the page's language. */
function itemTitle(it, titles) {
  if (!it) return '';
  if (it.show === 'attract') return t('attract');
  return (it.exhibits || []).map((e) => exhibitTitle(titles, e)).join(' → ');
}

function emptyModel() {
  return { time_zone: null, limitHours: true, hours: Object.fromEntries(DAYS.map((d) => [d, []])), closures: [], items: [] };
}

/* A schedule document (docs/content.md) into the form's model. */
function modelOf(doc) {
  const m = emptyModel();
  /* No schedule at all is open all day every day: the form says so (hours not set). */
  if (!doc || typeof doc !== 'object') { m.limitHours = false; return m; }
  m.time_zone = doc.time_zone || null;
  m.limitHours = !!doc.opening_hours;
  for (const d of DAYS) m.hours[d] = ((doc.opening_hours || {})[d] || []).map((w) => [w[0] || '', w[1] || '']);
  m.closures = [...(doc.closures || [])];
  m.items = (doc.items || []).map((it) => {
    const s = it.show || {};
    const kind = s.playlist ? 'playlist' : s.attract ? 'attract' : 'exhibit';
    return { id: it.id || '', kind, exhibit: s.exhibit || '', playlist: (s.playlist || []).join(', '),
      weekdays: [...(it.weekdays || [])], allDay: !(it.start || it.end), start: it.start || '', end: it.end || '',
      from: it.from || '', to: it.to || '', priority: it.priority ?? 0 };
  });
  return m;
}

/* The model as a schedule document (fields left empty are left out, as the format wants). */
function docOf(m) {
  const doc = {};
  if (m.time_zone) doc.time_zone = m.time_zone;
  /* in canonical form where the field reads as a time or date (else as typed: the
   * checks name it) */
  const tm = (v, end) => normTime(v, end) || v;
  const dy = (v) => normDate(v) || v;
  if (m.limitHours) doc.opening_hours = Object.fromEntries(DAYS.map((d) => [d, m.hours[d].map((w) => [tm(w[0]), tm(w[1], true)])]));
  if (m.closures.length) doc.closures = m.closures.map(dy);
  if (m.items.length) {
    doc.items = m.items.map((it) => {
      const o = { id: it.id.trim() };
      o.show = it.kind === 'attract' ? { attract: true } : it.kind === 'playlist'
        ? { playlist: it.playlist.split(',').map((x) => x.trim()).filter(Boolean) } : { exhibit: it.exhibit };
      if (it.from) o.from = dy(it.from);
      if (it.to) o.to = dy(it.to);
      if (it.weekdays.length) o.weekdays = DAYS.filter((d) => it.weekdays.includes(d));
      if (!it.allDay) { o.start = tm(it.start); o.end = tm(it.end, true); }
      if (Number(it.priority)) o.priority = Number(it.priority);
      return o;
    });
  }
  return doc;
}

/* What the form itself can tell, in the page's language: [[path, message]...] with the
 * paths of the schedule format (the server's issues use the same). */
function checkModel(m) {
  const out = [];
  const L = S.lang === 'ko';
  if (m.limitHours) for (const d of DAYS) m.hours[d].forEach((w, i) => {
    const p = `opening_hours.${d}[${i}]`;
    if (!w[0]) out.push([p + '[0]', L ? '시작 시각을 넣으세요.' : 'Enter a start time.']);
    else if (!normTime(w[0])) out.push([p + '[0]', t('badTime')]);
    if (!w[1]) out.push([p + '[1]', L ? '끝 시각을 넣으세요.' : 'Enter an end time.']);
    else if (!normTime(w[1], true)) out.push([p + '[1]', t('badEnd')]);
    if (w[0] && normTime(w[0]) === normTime(w[1], true)) out.push([p + '[1]', L ? '시작과 끝이 같습니다. 밤을 넘기려면 끝을 시작보다 이르게 넣으세요.' : 'Start and end are the same (for a window past midnight, give an end earlier than the start).']);
  });
  m.closures.forEach((c, i) => {
    if (!c) out.push([`closures[${i}]`, L ? '날짜를 넣거나 이 줄을 지우세요.' : 'Enter a date or remove this row.']);
    else if (!normDate(c)) out.push([`closures[${i}]`, t('badDate')]);
  });
  const seen = new Set();
  m.items.forEach((it, i) => {
    const p = `items[${i}]`;
    const id = it.id.trim();
    if (!ID_RE.test(id)) out.push([p + '.id', L ? '이름표는 영문 소문자, 숫자, -, _ 로 1~64자입니다 (예: morning-brand).' : 'The label is 1 to 64 of a-z, 0-9, - and _ (e.g. morning-brand).']);
    else if (seen.has(id)) out.push([p + '.id', L ? '같은 이름표의 항목이 이미 있습니다.' : 'Another item has this label.']);
    seen.add(id);
    if (it.kind === 'exhibit' && !it.exhibit) out.push([p + '.show.exhibit', L ? '보일 전시를 고르세요.' : 'Choose the exhibit to show.']);
    if (it.kind === 'playlist' && !it.playlist.split(',').some((x) => x.trim()))
      out.push([p + '.show.playlist', L ? '전시를 하나 이상 쉼표로 나눠 넣으세요.' : 'Enter one or more exhibits, separated by commas.']);
    if (!it.allDay) {
      if (!it.start) out.push([p + '.start', L ? '시작 시각을 넣거나 "하루 종일"을 고르세요.' : 'Enter a start time or choose "all day".']);
      else if (!normTime(it.start)) out.push([p + '.start', t('badTime')]);
      if (!it.end) out.push([p + '.end', L ? '끝 시각을 넣으세요.' : 'Enter an end time.']);
      else if (!normTime(it.end, true)) out.push([p + '.end', t('badEnd')]);
      if (it.start && normTime(it.start) === normTime(it.end, true)) out.push([p + '.end', L ? '시작과 끝이 같습니다.' : 'Start and end are the same.']);
    }
    if (it.from && !normDate(it.from)) out.push([p + '.from', t('badDate')]);
    if (it.to && !normDate(it.to)) out.push([p + '.to', t('badDate')]);
    if (normDate(it.from) && normDate(it.to) && normDate(it.from) > normDate(it.to)) out.push([p + '.to', L ? '끝 날짜가 시작 날짜보다 이릅니다.' : 'The last day is before the first day.']);
    if (String(it.priority).trim() !== '' && !/^-?\d+$/.test(String(it.priority).trim()))
      out.push([p + '.priority', L ? '우선순위는 정수입니다.' : 'Priority is a whole number.']);
  });
  return out;
}

/* Put messages next to the fields their paths name (the field whose data-path is the
 * longest prefix of the path); what matches no field goes to the summary. */
function showFieldErrors(form, summary, issues, serverSaid) {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid]')) { e.removeAttribute('aria-invalid'); e.removeAttribute('aria-describedby'); }
  const fields = [...form.querySelectorAll('[data-path]')];
  const loose = [];
  let n = 0;
  for (const [path, msg] of issues) {
    let best = null;
    for (const f of fields) {
      const p = f.dataset.path;
      if ((path === p || path.startsWith(p + '.') || path.startsWith(p + '[')) && (!best || p.length > best.dataset.path.length)) best = f;
    }
    const text = serverSaid ? `${t('serverCheck')}: ${msg}` : msg;
    if (!best) { loose.push(`${path ? path + ': ' : ''}${text}`); continue; }
    const id = `ferr-${n++}`;
    const box = best.closest('.field') || best.parentElement;
    box.append(h('p', { class: 'field-error error', id }, text));
    const ctl = best.matches('input,select,textarea') ? best : best.querySelector('input,select,textarea');
    if (ctl) { ctl.setAttribute('aria-invalid', 'true'); ctl.setAttribute('aria-describedby', id); }
  }
  summary.replaceChildren(...(issues.length ? [h('p', {}, t('fixFields')(issues.length)), loose.length ? h('ul', {}, loose.map((x) => h('li', {}, x))) : null].filter(Boolean) : []));
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

function scheduleEditor(kiosks) {
  let m = emptyModel();
  let titles = {};
  const err = h('div', { class: 'error', role: 'alert', id: 'schedule-error' });
  const box = h('div', { id: 'schedule-progress' });
  const preview = h('div', { id: 'schedule-preview', 'aria-live': 'polite' });
  const body = h('div', { id: 'schedule-fields' });
  const json = h('textarea', { id: 'schedule-json', class: 'code', rows: 12, spellcheck: 'false' });
  const form = h('form', { id: 'schedule-form', novalidate: true });

  const field = (path, label, ctl, extra) => h('div', { class: 'field', 'data-path': path }, h('label', { for: ctl.id }, label), ctl, extra);
  const timeIn = (id, value, set, label, kind) => fmtInput(kind, { id, value, 'aria-label': label, oninput: (e) => set(e.target.value) });

  function hoursBlock() {
    const rows = DAYS.map((d) => {
      const wins = m.hours[d].map((w, i) => h('div', { class: 'win field', 'data-path': `opening_hours.${d}[${i}]` },
        h('span', { 'data-path': `opening_hours.${d}[${i}][0]` }, timeIn(`oh-${d}-${i}-start`, w[0], (v) => { w[0] = v; }, `${DAY_NAME[S.lang][d]} ${i + 1} ${t('startTime')}`, 'time')),
        h('span', { 'aria-hidden': 'true' }, '–'),
        h('span', { 'data-path': `opening_hours.${d}[${i}][1]` }, timeIn(`oh-${d}-${i}-end`, w[1], (v) => { w[1] = v; }, `${DAY_NAME[S.lang][d]} ${i + 1} ${t('endTime')}`, 'end')),
        h('button', { type: 'button', class: 'ghost small', 'aria-label': `${DAY_NAME[S.lang][d]} ${i + 1}: ${t('removeRow')}`, onclick: () => { m.hours[d].splice(i, 1); redraw(); } }, '×')));
      return h('tr', { 'data-day': d },
        h('th', { scope: 'row' }, DAY_NAME[S.lang][d]),
        h('td', {}, wins.length ? wins : h('span', { class: 'note' }, t('closedDay')),
          h('button', { type: 'button', class: 'ghost small', id: `oh-${d}-add`, onclick: () => { m.hours[d].push(['09:00', '18:00']); redraw(`oh-${d}-${m.hours[d].length - 1}-start`); } },
            `+ ${t('addWindow')}`, h('span', { class: 'sr-only' }, ` (${DAY_NAME[S.lang][d]})`))));
    });
    return h('fieldset', { id: 'schedule-hours' }, h('legend', {}, t('openingHours')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'oh-limit', checked: m.limitHours || null,
        onchange: (e) => { m.limitHours = e.target.checked; redraw('oh-limit'); } }), t('limitHours')),
      m.limitHours ? [
        h('div', { class: 'table-wrap' }, h('table', { id: 'hours-table', class: 'hours' }, h('caption', { class: 'sr-only' }, t('openingHours')), h('tbody', {}, rows))),
        h('div', { class: 'row' }, h('button', { type: 'button', class: 'ghost', id: 'oh-copy', onclick: () => {
          for (const d of DAYS.slice(1)) m.hours[d] = m.hours.mon.map((w) => [...w]);
          redraw('oh-copy'); announce(t('copied'));
        } }, t('copyMonday')))] : h('p', { class: 'note' }, t('alwaysOpen')));
  }

  function closuresBlock() {
    return h('fieldset', { id: 'schedule-closures' }, h('legend', {}, t('closures')),
      m.closures.length ? h('ul', { class: 'plain' }, m.closures.map((c, i) => h('li', { class: 'field', 'data-path': `closures[${i}]` },
        fmtInput('date', { id: `cl-${i}`, value: c, 'aria-label': `${t('closure')} ${i + 1}`, oninput: (e) => { m.closures[i] = e.target.value; } }),
        h('button', { type: 'button', class: 'ghost small', 'aria-label': `${t('closure')} ${i + 1}: ${t('removeRow')}`, onclick: () => { m.closures.splice(i, 1); redraw(); } }, '×'))))
        : h('p', { class: 'note' }, t('noClosures')),
      h('button', { type: 'button', class: 'ghost small', id: 'cl-add', onclick: () => { m.closures.push(localDay()); redraw(`cl-${m.closures.length - 1}`); } }, `+ ${t('addClosure')}`));
  }

  function itemBlock(it, i) {
    const p = `items[${i}]`;
    const ids = Object.keys(titles);
    if (it.exhibit && !ids.includes(it.exhibit)) ids.push(it.exhibit);
    const show = it.kind === 'exhibit'
      ? field(p + '.show.exhibit', t('exhibitToShow'), h('select', { id: `it-${i}-exhibit`, onchange: (e) => { it.exhibit = e.target.value; } },
        h('option', { value: '' }, '—'), ids.map((x) => h('option', { value: x, selected: x === it.exhibit || null }, `${exhibitTitle(titles, x)} (${x})`))))
      : it.kind === 'playlist'
        ? field(p + '.show.playlist', t('playlistIds'), h('input', { id: `it-${i}-playlist`, value: it.playlist, autocapitalize: 'none', oninput: (e) => { it.playlist = e.target.value; } }),
          h('p', { class: 'note' }, `${t('knownExhibits')}: ${ids.map((x) => `${x} (${exhibitTitle(titles, x)})`).join(', ') || '–'}`))
        : null;
    return h('fieldset', { class: 'item-box', 'data-item': i },
      h('legend', {}, `${t('item')} ${i + 1}${it.id ? ': ' + it.id : ''}`),
      h('div', { class: 'grid2' },
        field(p + '.id', t('itemLabel'), h('input', { id: `it-${i}-id`, value: it.id, autocapitalize: 'none', autocomplete: 'off', oninput: (e) => { it.id = e.target.value; } })),
        field(p + '.show', t('showWhat'), h('select', { id: `it-${i}-kind`, onchange: (e) => { it.kind = e.target.value; redraw(`it-${i}-kind`); } },
          [['exhibit', t('showExhibit')], ['playlist', t('showPlaylist')], ['attract', t('attract')]].map(([v, l]) => h('option', { value: v, selected: v === it.kind || null }, l)))),
        show),
      h('fieldset', { class: 'field days', 'data-path': p + '.weekdays' }, h('legend', {}, t('onDays')),
        DAYS.map((d) => h('label', { class: 'check inline' }, h('input', { type: 'checkbox', id: `it-${i}-wd-${d}`, checked: it.weekdays.includes(d) || null,
          onchange: (e) => { it.weekdays = e.target.checked ? [...it.weekdays, d] : it.weekdays.filter((x) => x !== d); } }), DAY_NAME[S.lang][d].slice(0, S.lang === 'ko' ? 1 : 3)))),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: `it-${i}-allday`, checked: it.allDay || null, onchange: (e) => { it.allDay = e.target.checked; redraw(`it-${i}-allday`); } }), t('allDay')),
      it.allDay ? null : h('div', { class: 'grid2' },
        field(p + '.start', t('startTime'), fmtInput('time', { id: `it-${i}-start`, value: it.start, oninput: (e) => { it.start = e.target.value; } })),
        field(p + '.end', t('endTime'), fmtInput('end', { id: `it-${i}-end`, value: it.end, oninput: (e) => { it.end = e.target.value; } }))),
      h('div', { class: 'grid2' },
        field(p + '.from', t('firstDay'), fmtInput('date', { id: `it-${i}-from`, value: it.from, oninput: (e) => { it.from = e.target.value; } })),
        field(p + '.to', t('lastDay'), fmtInput('date', { id: `it-${i}-to`, value: it.to, oninput: (e) => { it.to = e.target.value; } })),
        field(p + '.priority', t('priority'), h('input', { id: `it-${i}-priority`, type: 'number', step: 1, value: it.priority, oninput: (e) => { it.priority = e.target.value; } }))),
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'ghost small', id: `it-${i}-remove`, onclick: () => { m.items.splice(i, 1); redraw('it-add'); } }, `${t('removeItem')} ${i + 1}`)));
  }

  function itemsBlock() {
    return h('fieldset', { id: 'schedule-items' }, h('legend', {}, t('items')), h('p', { class: 'note' }, t('itemsNote')),
      m.items.map(itemBlock),
      h('button', { type: 'button', class: 'ghost small', id: 'it-add', onclick: () => {
        m.items.push({ id: `item-${m.items.length + 1}`, kind: 'exhibit', exhibit: Object.keys(titles)[0] || '', playlist: '', weekdays: [], allDay: false,
          start: '09:00', end: '12:00', from: '', to: '', priority: 0 });
        redraw(`it-${m.items.length - 1}-id`);
      } }, `+ ${t('addItem')}`));
  }

  function redraw(focusId) {
    body.replaceChildren(hoursBlock(), closuresBlock(), itemsBlock());
    if (focusId) document.getElementById(focusId)?.focus();
  }

  /* Load a schedule document (the target's, a file, the advanced JSON) into the form. */
  let dirty = false;
  form.addEventListener('input', () => { dirty = true; });
  /* capture: an add/remove button's own handler redraws the rows, detaching it */
  form.addEventListener('click', (e) => { if (e.target.closest('#schedule-fields button')) dirty = true; }, true);
  function load(doc, exhibitTitles) {
    dirty = false;
    if (exhibitTitles) titles = exhibitTitles;
    m = modelOf(doc);
    json.value = doc ? JSON.stringify(doc, null, 2) : '';
    showFieldErrors(form, err, [], false);
    redraw();
  }

  async function check() {
    err.textContent = '';
    const local = checkModel(m);
    showFieldErrors(form, err, local, false);
    if (local.length) return null;
    const doc = docOf(m);
    const r = await api('POST', '/schedule/check', { to: $('#schedule-to').value, schedule: doc, from: normDate($('#week-from')?.value) || undefined });
    if (r.status !== 200) { err.textContent = errText(r.data); return null; }
    if (r.data.titles && Object.keys(r.data.titles).length) titles = r.data.titles;
    const bad = r.data.issues.filter((i) => i.severity === 'error');
    showFieldErrors(form, err, bad.map((i) => [i.path, i.message]), true);
    if (bad.length) return null;
    return { doc, week: r.data.week };
  }

  form.append(h('fieldset', {}, h('legend', {}, t('schedTitle')),
    h('p', { class: 'note' }, t('schedNote')),
    h('label', { for: 'schedule-to' }, t('target')), targetSelect('schedule-to', kiosks),
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'ghost', id: 'schedule-load', onclick: async () => {
      const r = await api('GET', `/schedule/week?to=${encodeURIComponent($('#schedule-to').value)}&days=1`);
      if (r.status !== 200) { err.textContent = errText(r.data); return; }
      load(r.data.schedule?.body || null, r.data.titles);
      announce(r.data.schedule ? `${t('schedFrom')} ${r.data.schedule.scope}` : t('noSchedule'));
    } }, t('schedLoad')))),
  body,
  h('details', { id: 'schedule-advanced' }, h('summary', {}, t('advanced')),
    h('p', { class: 'note' }, t('advancedNote')),
    h('label', { for: 'schedule-file' }, t('schedFile')),
    h('input', { id: 'schedule-file', type: 'file', accept: '.json,application/json', onchange: async (e) => {
      const f = e.target.files[0]; if (f) { json.value = await f.text(); json.dispatchEvent(new Event('change')); }
    } }),
    h('label', { for: 'schedule-json' }, t('schedJson')), json),
  err,
  h('div', { class: 'row' },
    h('button', { type: 'button', class: 'ghost', id: 'schedule-check', onclick: async () => {
      const c = await check();
      /* On a phone the preview waits behind its disclosure (it is as long as the week). */
      if (c) {
        preview.replaceChildren(h('details', { id: 'preview-details', class: 'wide-open', open: WIDE.matches || null },
          h('summary', {}, h('h2', {}, t('weekPreview'))), ...weekView({ ...c.week, titles, preview: true })));
        announce(t('checkedOk'));
      }
    } }, t('checkWeek')),
    h('button', { type: 'submit', id: 'schedule-push' }, t('schedPush'))));
  /* The advanced JSON and the form stay one schedule: JSON edits load into the form, the
   * form shows as JSON when the disclosure opens. */
  json.addEventListener('change', () => {
    if (!json.value.trim()) { load(null); return; }
    try { load(JSON.parse(json.value)); } catch (x) { err.textContent = `${t('schedJson')}: ${x.message}`; }
  });
  $('summary', form).addEventListener('click', () => { json.value = JSON.stringify(docOf(m), null, 2); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = await check();
    if (!c) return;
    const to = $('#schedule-to').value;
    if (to === 'all' && !(await confirmDialog(t('sureAll')))) return;
    const r = await api('POST', '/schedules', { to, schedule: c.doc });
    if (r.status !== 202) { err.textContent = errText(r.data); return; }
    dirty = false;
    followJob(box, r.data, 'schedule', to);
  });
  redraw();
  return { parts: [form, preview, box], load, dirty: () => dirty };
}

const PAGE_FNS = {
  login: pageLogin, fleet: pageFleet, content: pageContent, schedules: pageSchedules, notices: pageNotices,
  commands: pageCommands, reports: pageReports, history: pageHistory, accounts: pageAccounts,
};

/* ---------------------------------------------------------------- start */

window.addEventListener('hashchange', render);
document.addEventListener('DOMContentLoaded', () => {
  $('#lang').addEventListener('click', () => { S.lang = S.lang === 'ko' ? 'en' : 'ko'; localStorage.setItem('lang', S.lang); render(); });
  $('#logout').addEventListener('click', async () => { await api('POST', '/logout', {}); S.me = null; S.csrf = null; location.hash = '#/login'; render(); });
  render();
});
