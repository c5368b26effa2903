'use strict';
// The phone remote: plain JS, no build step. Every command goes to the server (/api/...), which
// checks the role, validates, audits and talks to the robot; the live view and the joystick use
// one WebSocket per page (/ws/{serial}).
const T = {
  en: {
    title: 'Radiation robot', signIn: 'Sign in', user: 'User', password: 'Password', signInButton: 'Sign in',
    robots: 'Robots', refresh: 'Refresh', back: '‹ Robots', drive: 'Drive', inspect: 'Inspect', reports: 'Reports',
    connection: 'Link', battery: 'Battery', activity: 'Activity', lift: 'Lift', speed: 'Speed', estop: 'E-stop',
    mode: 'Mode', detector: 'Detector',
    modes: { automatic: 'automatic', semiautomatic: 'semi-auto', manual: 'manual', service: 'service', teachin: 'teach-in' },
    detectorStates: { ok: 'ok', warmingUp: 'warming up', fault: 'FAULT', saturated: 'SATURATED', silent: 'SILENT' },
    liftUp: 'Lift ▲', liftDown: 'Lift ▼', resetEstop: 'Reset e-stop', containerNumber: 'Container number', containerType: 'Type',
    startInspection: 'Start inspection', estopButton: 'STOP', online: 'online', offline: 'offline', noRobots: 'No robots on the broker',
    latched: 'LATCHED', clear: 'clear', observerRefused: 'Observers may watch only: this command is not allowed for your role',
    maintainerOnly: 'Only a maintainer may reset the emergency stop', checkOk: 'check digit OK', checkBad: 'wrong check digit: it should be {0}',
    checkFormat: 'format: 4 letters (owner + U/J/Z) and 7 digits', sent: 'Sent', refused: 'Refused', exceeds: 'ALARM: EXCEEDS — {0}',
    points: '{0} · {1}: {2}/{3} points', noReports: 'No reports yet', print: 'Print (A4)', verdict: 'Verdict', hotSpots: 'Hot spots',
    readings: 'Readings', background: 'Background', face: 'Face', signedOut: 'Session expired: sign in again', linkDown: 'connection lost — robot stopped',
    stopped: 'Emergency stop sent', silenceAlarm: 'Silence alarm', dismiss: 'Dismiss', alarmSilenced: 'Alarm of {0} silenced',
    map: 'Map', audit: 'Audit', pause: 'Pause', resume: 'Resume', cancel: 'Cancel', no: 'No',
    mapHint: 'Tap a container to fill the inspection form; tap open ground to send the robot there.',
    inspectHint: 'Tip: tap a container on the Map tab to fill this form.',
    leaseFree: 'Free: take control here, or your first command (drive, lift, go to, inspect) takes it', leaseMine: 'You control {0}', leaseOther: 'Controlled by {0} since {1}',
    takeControl: 'Take control', release: 'Release', takeOver: 'Take over', controlledBy: 'Robot {0} is controlled by {1} since {2}',
    takeOverAsk: 'Take over {0} from {1}? Their phone loses control at once.', goToAsk: 'Send {0} to ({1}, {2})?', go: 'Go',
    cancelAsk: 'Cancel the running order of {0}? An inspection ends INVALID.', cancelYes: 'Cancel it', formFilled: 'Inspection form filled: {0}',
    youControl: 'You control {0} now', lostControl: 'You no longer control {0}', order: 'Order', goingTo: 'Going to ({0}, {1})', paused: 'PAUSED',
    auditWhen: 'When', auditWho: 'Who', auditWhat: 'What', auditResult: 'Result', noAudit: 'No audit entries yet', hashOk: 'hash verified', hashBad: 'HASH MISMATCH: do not trust this report',
    // Every state of the host's procedure (Robot.Host.Procedure.ProcedureState) and every activity its
    // telemetry names (RobotController.ActivityUnlocked); a browser test fails when one is missing here.
    states: {
      Idle: 'Idle', Inspecting: 'Inspecting', Working: 'Working', CheckingReadiness: 'Checking the instrument',
      DrivingToBackground: 'Driving to the background spot', MeasuringBackground: 'Measuring the background', Planning: 'Planning the survey',
      Dispatching: 'Next point', DrivingToStation: 'Driving to a station', HoldingWallDistance: 'Setting the wall distance',
      Lifting: 'Moving the probe', Settling: 'Letting the reading settle', Measuring: 'Measuring', Confirming: 'Re-measuring a suspect point',
      Localising: 'Locating the hot spot', Paused: 'Paused', HoldingOnLinkLoss: 'Holding: operator link lost', Aborting: 'Aborting',
      Reporting: 'Filing the report', ReturningToPark: 'Returning to park',
    },
    activities: {
      idle: 'idle', teleop: 'driven by hand', order: 'on an order', paused: 'paused', inspecting: 'inspecting',
      emergencyStop: 'EMERGENCY STOP', hold: 'holding (failsafe)',
    },
  },
  zh: {
    title: '辐射检测机器人', signIn: '登录', user: '用户名', password: '密码', signInButton: '登录',
    robots: '机器人', refresh: '刷新', back: '‹ 机器人', drive: '驾驶', inspect: '检测', reports: '报告',
    connection: '连接', battery: '电量', activity: '状态', lift: '升降', speed: '速度', estop: '急停',
    mode: '模式', detector: '探测器',
    modes: { automatic: '自动', semiautomatic: '半自动', manual: '手动', service: '维护', teachin: '示教' },
    detectorStates: { ok: '正常', warmingUp: '预热中', fault: '故障', saturated: '饱和', silent: '无信号' },
    liftUp: '升 ▲', liftDown: '降 ▼', resetEstop: '复位急停', containerNumber: '集装箱号', containerType: '箱型',
    startInspection: '开始检测', estopButton: '急停', online: '在线', offline: '离线', noRobots: '代理上没有机器人',
    latched: '已锁定', clear: '正常', observerRefused: '观察员只能查看：您的角色不允许此命令',
    maintainerOnly: '只有维护员可以复位急停', checkOk: '校验位正确', checkBad: '校验位错误：应为 {0}',
    checkFormat: '格式：4 个字母（箱主代码 + U/J/Z）和 7 位数字', sent: '已发送', refused: '被拒绝', exceeds: '警报：超标 — {0}',
    points: '{0} · {1}：{2}/{3} 个测点', noReports: '暂无报告', print: '打印 (A4)', verdict: '结论', hotSpots: '热点',
    readings: '读数', background: '本底', face: '面', signedOut: '会话已过期：请重新登录', linkDown: '连接中断 — 机器人已停止',
    stopped: '已发送急停', silenceAlarm: '消除警报声', dismiss: '关闭', alarmSilenced: '已消除 {0} 的警报声',
    map: '地图', audit: '审计', pause: '暂停', resume: '继续', cancel: '取消', no: '否',
    mapHint: '点击集装箱可填写检测表单；点击空地可让机器人前往该点。',
    inspectHint: '提示：在“地图”页点击集装箱即可填写此表单。',
    leaseFree: '无人控制：点击“接管控制”，或您的第一条命令（驾驶、升降、前往、检测）即取得控制权', leaseMine: '您正在控制 {0}', leaseOther: '由 {0} 控制（自 {1} 起）',
    takeControl: '接管控制', release: '释放', takeOver: '强制接管', controlledBy: '机器人 {0} 正由 {1} 控制（自 {2} 起）',
    takeOverAsk: '从 {1} 手中接管 {0}？对方手机将立即失去控制权。', goToAsk: '让 {0} 前往 ({1}, {2})？', go: '前往',
    cancelAsk: '取消 {0} 正在执行的任务？检测将以无效 (INVALID) 结束。', cancelYes: '确认取消', formFilled: '已从地图填写检测表单：{0}',
    youControl: '您现在控制 {0}', lostControl: '您已失去对 {0} 的控制', order: '任务', goingTo: '前往 ({0}, {1})', paused: '已暂停',
    auditWhen: '时间', auditWho: '用户', auditWhat: '操作', auditResult: '结果', noAudit: '暂无审计记录', hashOk: '哈希校验通过', hashBad: '哈希不符：请勿信任此报告',
    states: {
      Idle: '空闲', Inspecting: '检测中', Working: '工作中', CheckingReadiness: '检查仪器',
      DrivingToBackground: '前往本底测量点', MeasuringBackground: '测量本底', Planning: '规划测点',
      Dispatching: '下一测点', DrivingToStation: '前往测站', HoldingWallDistance: '调整探头离箱壁距离',
      Lifting: '升降探头', Settling: '等待读数稳定', Measuring: '测量中', Confirming: '复测可疑点',
      Localising: '定位热点', Paused: '已暂停', HoldingOnLinkLoss: '原地等待：操作员连接中断', Aborting: '正在中止',
      Reporting: '生成报告', ReturningToPark: '返回停车位',
    },
    activities: {
      idle: '空闲', teleop: '手动驾驶', order: '执行任务', paused: '已暂停', inspecting: '检测中',
      emergencyStop: '急停', hold: '安全保持',
    },
  },
};
const $ = id => document.getElementById(id);
let lang = localStorage.getItem('lang') || ((navigator.languages || [navigator.language || 'en'])[0].toLowerCase().startsWith('zh') ? 'zh' : 'en');
let me = null, csrf = '', serial = null, ws = null, last = null, doseHistory = [], alarmFor = null, alarmArgs = null, firstTelemetry = true;
let lease = null, yard = null, pose = null, liveState = null, survey = { key: null, done: 0, points: [] }, goTarget = null, hbTimer = null;

// A procedure state or an activity as the robot names it, in the page's language (English when the
// language lacks it); a name the page does not know (a newer robot) is shown as it is.
function named(table, name, language = lang) {
  if (name == null || name === '') return '';
  const own = (T[language] || T.en)[table] || {};
  return Object.hasOwn(own, name) ? own[name] : Object.hasOwn(T.en[table], name) ? T.en[table][name] : String(name);
}
const stateName = s => named('states', s), activityName = a => named('activities', a);
function t(key, ...args) { let s = (T[lang] || T.en)[key] || T.en[key] || key; args.forEach((a, i) => { s = s.replace('{' + i + '}', a); }); return s; }
function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = t(e.dataset.i18n); });
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  if (alarmArgs) $('alarm-text').textContent = t('exceeds', ...alarmArgs);
  if (last) render(last);
  if (liveState) $('s-mode').textContent = named('modes', liveState.operatingMode);
  renderLease();
  if (typeof renderShownReport === 'function') renderShownReport();
}
$('lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); applyLang(); };

function show(id) { ['signin', 'robots', 'live'].forEach(s => { $(s).hidden = s !== id; }); $('estop').hidden = id === 'signin'; }
// One confirm step for what cannot be undone (go to a point, cancel, take over): text, a yes button, No.
function ask(text, yes, onYes) {
  $('confirm-text').textContent = text; $('confirm-yes').textContent = yes; $('confirm').hidden = false;
  $('confirm-yes').onclick = () => { $('confirm').hidden = true; onYes(); };
  $('confirm-no').onclick = () => { $('confirm').hidden = true; goTarget = goTarget && goTarget.sent ? goTarget : null; drawMap(); };
}
function toast(text, bad) { const el = $('toast'); el.textContent = text; el.className = 'toast' + (bad ? ' bad' : ''); el.hidden = false; clearTimeout(toast.timer); toast.timer = setTimeout(() => { el.hidden = true; }, 5000); }
const canCommand = () => me && (me.role === 'officer' || me.role === 'maintainer');

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf }, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
  if (res.status === 401 && path !== '/api/signin') { signedOut(); throw new Error(t('signedOut')); }
  let data = null; try { data = await res.json(); } catch { /* empty */ }
  if (!res.ok) { const err = new Error((data && (data.error || data.message)) || ('HTTP ' + res.status)); err.status = res.status; err.data = data; throw err; }
  return data;
}
function signedOut() { me = null; closeSocket(); show('signin'); $('signin-error').textContent = t('signedOut'); }

$('signin-form').onsubmit = async e => {
  e.preventDefault(); $('signin-error').textContent = '';
  try { me = await api('POST', '/api/signin', { user: $('user').value, password: $('password').value }); csrf = me.csrfToken; afterSignIn(); }
  catch (err) { $('signin-error').textContent = err.message; }
};
function afterSignIn() {
  $('who').textContent = me.user + ' · ' + me.role;
  document.body.dataset.role = me.role;
  document.querySelectorAll('#lift-up,#lift-down,#start-inspection,#estop').forEach(b => b.classList.toggle('forbidden', !canCommand()));
  $('reset-estop').classList.toggle('forbidden', me.role !== 'maintainer');
  $('audit-tab').hidden = me.role !== 'maintainer';
  show('robots'); loadRobots();
}
async function loadRobots() {
  const list = $('robot-list'); list.innerHTML = '';
  try {
    const robots = await api('GET', '/api/robots');
    if (!robots.length) list.innerHTML = '<li>' + t('noRobots') + '</li>';
    for (const r of robots) {
      const li = document.createElement('li'), b = document.createElement('button'), on = String(r.connectionState).toUpperCase() === 'ONLINE';
      b.dataset.serial = r.serialNumber;
      b.innerHTML = `<span>${esc(r.serialNumber)} <small>${esc(r.seriesName || r.manufacturer)}</small></span><span class="${on ? 'online' : 'offline'}">${t(on ? 'online' : 'offline')}</span>`;
      b.onclick = () => openRobot(r.serialNumber); li.appendChild(b); list.appendChild(li);
    }
  } catch (err) { toast(err.message, true); }
}
$('refresh').onclick = loadRobots;
$('back').onclick = () => { closeSocket(); $('confirm').hidden = true; show('robots'); loadRobots(); };
function esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

// ---- live view ---------------------------------------------------------------------------------
function openRobot(s) {
  serial = s; last = null; firstTelemetry = true; doseHistory = []; lease = null; pose = null; liveState = null; goTarget = null; survey = { key: null, done: 0, points: [] };
  $('robot-name').textContent = s; $('s-mode').textContent = '—'; $('s-det').textContent = '—'; show('live'); renderLease(); openSocket(); loadYard();
}
function openSocket() {
  closeSocket();
  const sock = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/' + encodeURIComponent(serial));
  ws = sock;
  sock.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.t === 'telemetry') { last = m.telemetry; lastHeard = Date.now(); window.telemetryCount = (window.telemetryCount || 0) + 1; render(last); }
    else if (m.t === 'lease') setLease(m.lease);
    else if (m.t === 'state') { liveState = m.state; $('s-mode').textContent = named('modes', m.state.operatingMode); if (m.state.x != null) { pose = { x: m.state.x, y: m.state.y, theta: m.state.theta }; } drawRobot(); renderOrder(); }
    else if (m.t === 'error') toast(socketError(m.message), true);
    else if (m.t === 'event' && m.severity !== 'info') toast(m.message, m.severity === 'alarm');
  };
  sock.onclose = e => {
    if (ws !== sock) return;
    ws = null; joystickUp(); $('s-conn').textContent = t('offline'); $('s-conn').className = 'offline';
    if (!me || !serial || $('live').hidden) return;
    // 4401: the server closed the socket because the session it was opened with has ended. Ask the
    // server whether this page is still signed in (a renewed cookie), as before any reconnect: a
    // socket refused for an expired session would otherwise be retried for ever.
    sessionAlive().then(alive => {
      if (!alive) { signedOut(); return; }
      setTimeout(() => { if (!ws && me && !$('live').hidden) openSocket(); }, e.code === 4401 ? 0 : 1500);
    });
  };
}
// False when the server says this page's session has ended (401); true otherwise (also when the server is unreachable: retry).
async function sessionAlive() {
  try { return (await fetch('/api/me', { credentials: 'same-origin' })).status !== 401; } catch { return true; }
}
function closeSocket() { if (ws) { const s = ws; ws = null; s.close(); } }
// The heartbeat keeps this phone's control lease while the page is shown; a hidden page goes quiet and its lease lapses.
function heartbeat() { if (ws && ws.readyState === 1 && !document.hidden) ws.send(JSON.stringify({ t: 'hb' })); }
hbTimer = setInterval(heartbeat, 5000);
// "409: Robot X is controlled by Y since 10:42" from the socket, in the page's language when the lease says who.
function socketError(message) {
  if (/^409:/.test(message) && lease && lease.holder && !lease.yours) return t('controlledBy', serial, lease.holder, sinceText(lease.since));
  return message.replace(/^409: /, '');
}
// Fresh = this phone heard telemetry in the last 5 s, by its own clock: the robot's stamp ('at') is on
// the robot's clock, which need not agree with the phone's (and runs fast in the sped-up demo).
let lastHeard = 0;
function showLink() {
  const fresh = Date.now() - lastHeard < 5000;
  $('s-conn').textContent = t(fresh ? 'online' : 'offline'); $('s-conn').className = fresh ? 'online' : 'offline';
}
setInterval(() => { if (ws && last) showLink(); }, 1000);
function render(d) {
  showLink();
  $('s-batt').textContent = d.batteryPercent.toFixed(0) + ' %';
  $('s-act').textContent = activityName(d.activity);
  $('s-lift').textContent = d.liftHeightM.toFixed(2) + ' m';
  $('s-speed').textContent = d.linearMps.toFixed(2) + ' m/s';
  $('s-estop').textContent = d.emergencyStop ? t('latched') : t('clear');
  $('s-estop').className = d.emergencyStop ? 'offline' : 'online';
  $('s-det').textContent = named('detectorStates', d.detectorStatus); $('s-det').className = d.detectorStatus === 'ok' ? 'online' : 'offline';
  $('estop').classList.toggle('latched', d.emergencyStop);
  document.body.dataset.activity = d.activity; document.body.dataset.estop = d.emergencyStop;
  const dose = d.doseRateUSvPerH;
  $('gauge-text').textContent = dose == null ? '—' : dose.toFixed(dose < 10 ? 2 : 0);
  const frac = dose == null ? 0 : Math.min(1, Math.log10(1 + dose * 10) / 3);
  $('gauge-arc').setAttribute('stroke-dasharray', (frac * 100).toFixed(1) + ' 100');
  $('gauge-arc').style.stroke = frac > 0.6 ? '#ff5252' : frac > 0.35 ? '#ffb300' : '#7ee787';
  if (dose != null) { doseHistory.push(dose); if (doseHistory.length > 120) doseHistory.shift(); drawChart(); }
  pose = { x: d.x, y: d.y, theta: d.theta };
  trackSurvey(d);
  drawRobot();
  renderOrder(d);
  // An EXCEEDS verdict raises the alarm when it comes while this page watches. One already on record
  // when the page opened the robot is old news unless the robot's own alarm is still sounding.
  if (d.verdict === 'EXCEEDS' && d.reportId && alarmFor !== d.reportId) {
    // (A robot that does not say, alarmOn null, is taken as alarming: better one banner too many.)
    if (firstTelemetry && d.alarmOn === false) alarmFor = d.reportId; else raiseAlarm(d);
  }
  firstTelemetry = false;
  // Silence is offered only while there is something to silence (another phone may have done it).
  if (!$('alarm').hidden) $('alarm-silence').hidden = !canCommand() || d.alarmOn === false;
}
// The procedure box: an inspection's progress point by point, or a plain order; pause / resume / cancel while either runs.
function renderOrder(d = last) {
  if (!d) return;
  const p = $('procedure'), inspecting = d.procedureState && d.procedureState.toLowerCase() !== 'idle';
  const running = inspecting || ['order', 'paused', 'inspecting'].includes(d.activity);
  const paused = d.activity === 'paused' || (liveState && liveState.paused && running);
  p.hidden = !running;
  document.body.dataset.order = running ? (paused ? 'paused' : 'running') : 'none';
  if (!running) { if (goTarget && goTarget.sent) { goTarget = null; drawMap(); } return; }
  if (inspecting) {
    $('proc-text').textContent = t('points', d.containerNumber || '', stateName(d.procedureState), d.pointsDone, d.pointsPlanned) + (paused ? ' — ' + t('paused') : '');
    $('proc-text').dataset.state = d.procedureState;
    $('proc-bar').hidden = false; $('proc-bar').max = Math.max(1, d.pointsPlanned); $('proc-bar').value = d.pointsDone;
  } else {
    $('proc-text').textContent = (goTarget ? t('goingTo', goTarget.x.toFixed(1), goTarget.y.toFixed(1)) : t('order')) + (paused ? ' — ' + t('paused') : '');
    $('proc-bar').hidden = true;
  }
  $('pause').hidden = paused; $('resume').hidden = !paused;
  $('proc-buttons').querySelectorAll('button').forEach(b => b.classList.toggle('forbidden', !canCommand()));
}
function drawChart() {
  const c = $('chart'), g = c.getContext('2d'), w = c.width, h = c.height, max = Math.max(0.3, ...doseHistory) * 1.1;
  g.clearRect(0, 0, w, h); g.strokeStyle = '#ffd21f'; g.lineWidth = 2; g.beginPath();
  doseHistory.forEach((v, i) => { const x = w - (doseHistory.length - 1 - i) * (w / 119), y = h - v / max * (h - 4) - 2; i ? g.lineTo(x, y) : g.moveTo(x, y); });
  g.stroke(); g.fillStyle = '#e8eef3'; g.font = '10px sans-serif'; g.fillText(max.toFixed(2), 2, 10);
}
function raiseAlarm(d) {
  alarmFor = d.reportId; alarmArgs = [d.containerNumber || d.reportId];
  $('alarm-text').textContent = t('exceeds', ...alarmArgs); $('alarm').hidden = false;
  $('alarm-silence').hidden = !canCommand() || d.alarmOn === false;
  // The officer's overview at once: the banner, then the lease line, the STOP state and the gauge right under it.
  window.scrollTo(0, 0);
  if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
  try { const ctx = new (window.AudioContext || window.webkitAudioContext)(), o = ctx.createOscillator(); o.frequency.value = 880; o.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 1.2); } catch { /* no audio */ }
}

// Silence: the robot's buzzer stops (audited, no lease needed), then the banner goes. Dismiss only hides the banner.
$('alarm-silence').onclick = async () => { if (await command('/silence-alarm', {})) { $('alarm').hidden = true; toast(t('alarmSilenced', serial)); } };
$('alarm-dismiss').onclick = () => { $('alarm').hidden = true; };

// ---- commands ----------------------------------------------------------------------------------
async function command(path, body, needs) {
  if (needs === 'maintainer' ? me.role !== 'maintainer' : !canCommand()) { toast(t(needs === 'maintainer' ? 'maintainerOnly' : 'observerRefused'), true); return; }
  const hadLease = lease && lease.yours;
  try {
    const r = await api('POST', '/api/robots/' + encodeURIComponent(serial) + path, body);
    toast(t('sent') + ': ' + (r.message || 'ok'));
    if (!hadLease && path !== '/estop' && path !== '/silence-alarm' && path !== '/reset-estop') refreshLease();
    return r;
  } catch (err) {
    if (err.status === 409 && err.data && err.data.lease) { setLease(err.data.lease); toast(t('controlledBy', serial, err.data.lease.holder, sinceText(err.data.lease.since)), true); }
    else toast((err.status === 409 ? t('refused') + ': ' : '') + err.message, true);
  }
}
$('pause').onclick = () => command('/pause', {});
$('resume').onclick = () => command('/resume', {});
$('cancel').onclick = () => { if (!canCommand()) { toast(t('observerRefused'), true); return; } ask(t('cancelAsk', serial), t('cancelYes'), () => command('/cancel', {})); };

// ---- the control lease: who may drive, lift, inspect, go to a point, pause, resume, cancel --------
function sinceText(since) { return since ? new Date(since).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }) : ''; }
function setLease(l) {
  const was = lease; lease = l;
  if (was && was.yours && !l.yours) toast(l.holder ? t('controlledBy', serial, l.holder, sinceText(l.since)) : t('lostControl', serial), true);
  renderLease();
}
async function refreshLease() { try { setLease(await api('GET', '/api/robots/' + encodeURIComponent(serial) + '/lease')); } catch { /* the socket will tell */ } }
function renderLease() {
  const box = $('lease'), btn = $('lease-btn'); if (!box || !me) return;
  const l = lease || { holder: null, yours: false };
  box.dataset.holder = l.holder || ''; box.dataset.yours = String(!!l.yours);
  box.className = 'lease' + (l.yours ? ' mine' : l.holder ? ' other' : '');
  $('lease-text').textContent = l.yours ? t('leaseMine', serial) : l.holder ? t('leaseOther', l.holder, sinceText(l.since)) : t('leaseFree');
  btn.hidden = !canCommand() || (l.holder && !l.yours && me.role !== 'maintainer');
  btn.textContent = l.yours ? t('release') : l.holder ? t('takeOver') : t('takeControl');
  btn.dataset.action = l.yours ? 'release' : l.holder ? 'takeover' : 'take';
  $('joystick').classList.toggle('blocked', !!(l.holder && !l.yours));
}
$('lease-btn').onclick = async () => {
  const action = $('lease-btn').dataset.action, base = '/api/robots/' + encodeURIComponent(serial) + '/lease';
  const go = async path => {
    try { lease = await api('POST', path); renderLease(); toast(lease.yours ? t('youControl', serial) : t('leaseFree')); }
    catch (err) { if (err.data && err.data.lease) setLease(err.data.lease); toast(err.message, true); }
  };
  if (action === 'take') go(base);
  else if (action === 'release') go(base + '/release');
  else ask(t('takeOverAsk', serial, lease.holder), t('takeOver'), () => go(base + '/takeover'));
};
$('estop').addEventListener('pointerdown', e => { e.preventDefault(); joystickUp(); if (serial) command('/estop', {}).then(r => { if (r) toast(t('stopped')); }); });
$('reset-estop').onclick = () => command('/reset-estop', {}, 'maintainer');
$('lift-up').onclick = () => command('/lift', { heightM: Math.min(3, Math.round(((last?.liftHeightM ?? 0) + 0.5) * 10) / 10) });
$('lift-down').onclick = () => command('/lift', { heightM: Math.max(0, Math.round(((last?.liftHeightM ?? 0) - 0.5) * 10) / 10) });
document.querySelectorAll('.tab').forEach(b => b.onclick = () => showTab(b.dataset.tab));
function showTab(name) {
  const b = document.querySelector(`.tab[data-tab="${name}"]`);
  document.querySelectorAll('.tab').forEach(x => x.classList.toggle('active', x === b));
  ['drive', 'map', 'inspect', 'reports', 'audit'].forEach(n => { $('tab-' + n).hidden = n !== b.dataset.tab; });
  if (b.dataset.tab === 'reports') loadReports();
  if (b.dataset.tab === 'audit') loadAudit();
  if (b.dataset.tab === 'map') drawMap();
  if (b.dataset.tab !== 'drive') joystickUp();
}

// ---- joystick: streams while the finger is down; stops on release, hidden page, lost socket ------
let joy = null, joyTimer = null;
const pad = $('joystick'), knob = $('knob');
pad.addEventListener('pointerdown', e => {
  e.preventDefault();
  if (!canCommand()) { toast(t('observerRefused'), true); if (ws && ws.readyState === 1) ws.send(JSON.stringify({ t: 'joy', linear: 0, angular: 0 })); return; }
  pad.setPointerCapture(e.pointerId); joy = { id: e.pointerId, linear: 0, angular: 0 }; pad.classList.add('active'); joystickMove(e);
  joyTimer = setInterval(sendJoy, 100); sendJoy();
});
pad.addEventListener('pointermove', e => { if (joy && e.pointerId === joy.id) joystickMove(e); });
['pointerup', 'pointercancel', 'lostpointercapture'].forEach(n => pad.addEventListener(n, e => { if (joy && e.pointerId === joy.id) joystickUp(); }));
function joystickMove(e) {
  const r = pad.getBoundingClientRect(), R = r.width / 2;
  let dx = e.clientX - r.left - R, dy = e.clientY - r.top - R; const len = Math.hypot(dx, dy), max = R - 35;
  if (len > max) { dx = dx / len * max; dy = dy / len * max; }
  knob.style.transform = `translate(${dx}px, ${dy}px)`;
  joy.linear = -dy / max; joy.angular = -dx / max;
}
function sendJoy() { if (joy && ws && ws.readyState === 1) ws.send(JSON.stringify({ t: 'joy', linear: joy.linear, angular: joy.angular })); }
function joystickUp() {
  if (joyTimer) { clearInterval(joyTimer); joyTimer = null; }
  const was = joy; joy = null; pad.classList.remove('active'); knob.style.transform = '';
  if (was && ws && ws.readyState === 1) ws.send(JSON.stringify({ t: 'stop' }));
}
document.addEventListener('visibilitychange', () => { if (document.hidden) joystickUp(); });
window.addEventListener('pagehide', joystickUp);

// ---- inspection: ISO 6346 check digit as it is typed --------------------------------------------
function iso6346(raw) {
  const n = raw.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(n)) return { ok: false, format: true };
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = n[i]; let v;
    if (/\d/.test(c)) v = +c; else { v = 10 + c.charCodeAt(0) - 65; if (v >= 11) v++; if (v >= 22) v++; if (v >= 33) v++; }
    sum += v * (1 << i);
  }
  const expected = sum % 11 % 10;
  return { ok: expected === +n[10], expected };
}
$('container').addEventListener('input', () => {
  const v = $('container').value, h = $('container-check');
  if (!v) { h.textContent = ''; h.className = 'hint'; return; }
  const r = iso6346(v);
  h.textContent = r.ok ? '✓ ' + t('checkOk') : r.format ? t('checkFormat') : '✗ ' + t('checkBad', r.expected);
  h.className = 'hint ' + (r.ok ? 'ok' : 'bad');
});
$('inspect-form').onsubmit = async e => {
  e.preventDefault();
  // The server checks everything again; a wrong number is refused there with the same clear message.
  await command('/inspect', { containerNumber: $('container').value, containerType: $('ctype').value, x: +$('cx').value, y: +$('cy').value, theta: +$('ct').value });
};

// ---- yard map: bounds, containers, the robot's pose and heading, survey points, go to a point ------
const SVGNS = 'http://www.w3.org/2000/svg';
async function loadYard() { try { yard = await api('GET', '/api/yard'); drawMap(); } catch (err) { toast(err.message, true); } }
// Yard metres (y up) to SVG units (y down), one unit per metre.
const sx = x => x - yard.bounds.minX, sy = y => yard.bounds.maxY - y;
function el(name, attrs, parent) { const e = document.createElementNS(SVGNS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); if (parent) parent.appendChild(e); return e; }
function drawMap() {
  const svg = $('map'); if (!yard || !svg) return;
  const b = yard.bounds, w = b.maxX - b.minX, h = b.maxY - b.minY;
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`); svg.style.aspectRatio = `${w} / ${h}`; svg.innerHTML = '';
  for (let x = Math.ceil(b.minX / 10) * 10; x <= b.maxX; x += 10) el('line', { x1: sx(x), y1: 0, x2: sx(x), y2: h, class: 'grid' }, svg);
  for (let y = Math.ceil(b.minY / 10) * 10; y <= b.maxY; y += 10) el('line', { x1: 0, y1: sy(y), x2: w, y2: sy(y), class: 'grid' }, svg);
  el('rect', { x: 0, y: 0, width: w, height: h, class: 'bounds' }, svg);
  for (const c of yard.containers) {
    const L = c.type === '20ft' ? 6.058 : 12.192, W = 2.438;
    const g = el('g', { class: 'box', 'data-number': c.number, transform: `translate(${sx(c.x)} ${sy(c.y)}) rotate(${-c.theta * 180 / Math.PI})` }, svg);
    // A generous invisible hit area around the box: a fingertip is wider than a container drawn at this scale.
    el('rect', { class: 'hit', x: -L / 2 - 1, y: -W / 2 - 2.5, width: L + 2, height: W + 5 }, g);
    el('rect', { x: -L / 2, y: -W / 2, width: L, height: W, rx: .2 }, g);
    el('text', { x: 0, y: -W / 2 - .5, 'text-anchor': 'middle' }, g).textContent = c.number;
    const title = el('title', {}, g); title.textContent = `${c.number} ${c.type} (${c.x}, ${c.y})`;
  }
  const pts = el('g', { id: 'map-survey' }, svg);
  survey.points.forEach(p => drawPoint(p, pts));
  if (goTarget) el('circle', { id: 'map-target', class: 'target', cx: sx(goTarget.x), cy: sy(goTarget.y), r: 1 }, svg);
  el('polyline', { id: 'map-route', class: 'route', points: '' }, svg);
  const robot = el('g', { id: 'map-robot', class: 'robot' }, svg);
  el('path', { d: 'M1.1 0 L-.7 .75 L-.35 0 L-.7 -.75 Z' }, robot);
  drawRobot();
}
// The way ahead of a go-to order as the robot's state lists its nodes (round the containers), from where it stands.
function drawRoute() {
  const line = $('map-route'); if (!line) return;
  const inspecting = last && last.procedureState && last.procedureState.toLowerCase() !== 'idle';
  const route = !inspecting && pose && liveState && liveState.orderId && liveState.route ? liveState.route : [];
  line.setAttribute('points', route.length ? [[pose.x, pose.y], ...route].map(([x, y]) => `${sx(x).toFixed(2)},${sy(y).toFixed(2)}`).join(' ') : '');
  line.dataset.nodes = route.length;
}
function drawRobot() {
  drawRoute();
  const r = $('map-robot'); if (!r || !pose || !yard) return;
  r.setAttribute('transform', `translate(${sx(pose.x).toFixed(2)} ${sy(pose.y).toFixed(2)}) rotate(${(-pose.theta * 180 / Math.PI).toFixed(1)})`);
  r.dataset.x = pose.x.toFixed(2); r.dataset.y = pose.y.toFixed(2);
  if (goTarget && goTarget.sent && Math.hypot(pose.x - goTarget.x, pose.y - goTarget.y) < 0.3) { goTarget = null; $('map-target')?.remove(); }
}
// Survey points as they fill in: each new point is drawn where the robot stands when telemetry counts it.
function trackSurvey(d) {
  const key = d.procedureState && d.procedureState.toLowerCase() !== 'idle' ? d.containerNumber : null;
  if (!key) return;
  if (key !== survey.key || d.pointsDone < survey.done) {
    survey = { key, done: d.pointsDone, points: [] };
    // Joined mid-survey: ask the robot for the points measured before this page opened.
    if (d.pointsDone > 0) loadSurvey(key, d);
  }
  if (d.pointsDone > survey.done) {
    survey.done = d.pointsDone;
    const p = { x: d.x, y: d.y, dose: d.lastDoseUSvPerH, bg: d.backgroundUSvPerH, thr: d.thresholdUSvPerH, n: d.pointsDone };
    survey.points.push(p); const g = $('map-survey'); if (g) drawPoint(p, g);
  }
}
// Red above the robot's own threshold (background + the profile's limit), amber from 40 % of the
// limit above background, green below; SN/T 0570's 0.25 µSv/h limit when the robot did not say.
async function loadSurvey(key, d) {
  try {
    const r = await fetch(`/api/robots/${encodeURIComponent(serial)}/survey`, { credentials: 'same-origin' });
    if (!r.ok || survey.key !== key) return;
    const earlier = (await r.json()).filter(p => !p.kind).map((p, i) => ({ x: p.x, y: p.y, dose: p.doseRateUSvPerH, bg: d.backgroundUSvPerH, thr: d.thresholdUSvPerH, n: i + 1 }));
    // Points telemetry counted meanwhile stay; the earlier ones go in front of them.
    survey.points = [...earlier.filter(p => p.n <= survey.points.reduce((m, q) => Math.min(m, q.n - 1), Infinity)), ...survey.points];
    drawMap();
  } catch { /* the live dots go on without the earlier ones */ }
}
function drawPoint(p, parent) {
  const limit = p.thr != null && p.bg != null ? p.thr - p.bg : 0.25;
  const net = p.dose != null && p.bg != null ? p.dose - p.bg : 0;
  const fill = net > limit ? '#ff5252' : net >= 0.4 * limit ? '#ffb300' : '#7ee787';
  const c = el('circle', { class: 'pt', cx: sx(p.x), cy: sy(p.y), r: .45, fill }, parent);
  el('title', {}, c).textContent = `#${p.n} ${p.dose != null ? p.dose.toFixed(3) + ' µSv/h' : ''}`;
}
$('map').addEventListener('click', e => {
  if (!yard) return;
  const box = e.target.closest && e.target.closest('.box');
  if (box) { fillFromMap(yard.containers.find(c => c.number === box.dataset.number)); return; }
  const m = $('map').getScreenCTM(); if (!m) return;
  const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
  const x = Math.round((p.x + yard.bounds.minX) * 10) / 10, y = Math.round((yard.bounds.maxY - p.y) * 10) / 10;
  if (!canCommand()) { toast(t('observerRefused'), true); return; }
  goTarget = { x, y, sent: false }; drawMap();
  ask(t('goToAsk', serial, x.toFixed(1), y.toFixed(1)), t('go'), async () => {
    const r = await command('/goto', { x, y });
    if (r) { goTarget = { x, y, sent: true }; } else goTarget = null;
    drawMap(); renderOrder();
  });
});
function fillFromMap(c) {
  if (!c) return;
  $('container').value = c.number; $('container').dispatchEvent(new Event('input'));
  $('ctype').value = c.type; $('cx').value = c.x; $('cy').value = c.y; $('ct').value = c.theta;
  document.querySelectorAll('#map .box').forEach(b => b.classList.toggle('selected', b.dataset.number === c.number));
  showTab('inspect'); toast(t('formFilled', c.number));
}

// ---- audit (maintainers) -----------------------------------------------------------------------
async function loadAudit() {
  const table = $('audit'); table.innerHTML = '';
  try {
    const entries = await api('GET', '/api/audit');
    table.innerHTML = `<tr><th>${t('auditWhen')}</th><th>${t('auditWho')}</th><th>${t('auditWhat')}</th><th>${t('auditResult')}</th></tr>` +
      (entries.map(e => `<tr><td>${esc(new Date(e.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB'))}</td><td>${esc(e.user)}<br><small>${esc(e.role)}</small></td>` +
        `<td>${esc(e.robot)} ${esc(e.command)}${e.detail ? '<br><small>' + esc(e.detail) + '</small>' : ''}</td><td class="r-${esc(e.result)}">${esc(e.result)}${e.message ? '<br><small>' + esc(e.message) + '</small>' : ''}</td></tr>`).join('')
        || `<tr><td colspan="4">${t('noAudit')}</td></tr>`);
  } catch (err) { toast(err.message, true); }
}
$('audit-refresh').onclick = loadAudit;

// ---- reports ---------------------------------------------------------------------------------
async function loadReports() {
  const list = $('report-list'); list.innerHTML = ''; $('report').innerHTML = ''; shownReport = null; $('print-footer')?.remove();
  try {
    const reports = await api('GET', '/api/robots/' + encodeURIComponent(serial) + '/reports');
    if (!reports.length) list.innerHTML = '<li>' + t('noReports') + '</li>';
    for (const r of reports) {
      const li = document.createElement('li'), b = document.createElement('button');
      b.innerHTML = `<span>${esc(r.containerNumber)} <small>${esc(new Date(r.finishedAt).toLocaleString())}</small></span><b class="verdict-${esc(r.verdict)}">${esc(r.verdict)}</b>`;
      b.onclick = () => showReport(r.reportId); li.appendChild(b); list.appendChild(li);
    }
  } catch (err) { toast(err.message, true); }
}
// showReport and the report page: report.js.

// ---- start: resume a live session if the cookie is still valid ----------------------------------
applyLang();
fetch('/api/me', { credentials: 'same-origin' }).then(r => r.ok ? r.json() : null).then(m => { if (m) { me = m; csrf = m.csrfToken; afterSignIn(); } else show('signin'); }).catch(() => show('signin'));
if ('serviceWorker' in navigator) { /* no offline cache: a remote for live robots must not show stale state */ }
