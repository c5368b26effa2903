'use strict';
// The phone remote: plain JS, no build step. Every command goes to the server (/api/...), which
// checks the role, validates, audits and talks to the robot; the live view and the joystick use
// one WebSocket per page (/ws/{serial}).
const T = {
  en: {
    title: 'Radiation robot', signIn: 'Sign in', user: 'User', password: 'Password', signInButton: 'Sign in',
    robots: 'Robots', refresh: 'Refresh', back: '‹ Robots', drive: 'Drive', inspect: 'Inspect', reports: 'Reports',
    connection: 'Link', battery: 'Battery', activity: 'Activity', lift: 'Lift', speed: 'Speed', estop: 'E-stop',
    liftUp: 'Lift ▲', liftDown: 'Lift ▼', resetEstop: 'Reset e-stop', containerNumber: 'Container number', containerType: 'Type',
    startInspection: 'Start inspection', estopButton: 'STOP', online: 'online', offline: 'offline', noRobots: 'No robots on the broker',
    latched: 'LATCHED', clear: 'clear', observerRefused: 'Observers may watch only: this command is not allowed for your role',
    maintainerOnly: 'Only a maintainer may reset the emergency stop', checkOk: 'check digit OK', checkBad: 'wrong check digit: it should be {0}',
    checkFormat: 'format: 4 letters (owner + U/J/Z) and 7 digits', sent: 'Sent', refused: 'Refused', exceeds: 'ALARM: EXCEEDS — {0}',
    points: '{0}: {1}/{2} points', noReports: 'No reports yet', print: 'Print (A4)', verdict: 'Verdict', hotSpots: 'Hot spots',
    readings: 'Readings', background: 'Background', face: 'Face', signedOut: 'Session expired: sign in again', linkDown: 'connection lost — robot stopped',
    stopped: 'Emergency stop sent',
  },
  zh: {
    title: '辐射检测机器人', signIn: '登录', user: '用户名', password: '密码', signInButton: '登录',
    robots: '机器人', refresh: '刷新', back: '‹ 机器人', drive: '驾驶', inspect: '检测', reports: '报告',
    connection: '连接', battery: '电量', activity: '状态', lift: '升降', speed: '速度', estop: '急停',
    liftUp: '升 ▲', liftDown: '降 ▼', resetEstop: '复位急停', containerNumber: '集装箱号', containerType: '箱型',
    startInspection: '开始检测', estopButton: '急停', online: '在线', offline: '离线', noRobots: '代理上没有机器人',
    latched: '已锁定', clear: '正常', observerRefused: '观察员只能查看：您的角色不允许此命令',
    maintainerOnly: '只有维护员可以复位急停', checkOk: '校验位正确', checkBad: '校验位错误：应为 {0}',
    checkFormat: '格式：4 个字母（箱主代码 + U/J/Z）和 7 位数字', sent: '已发送', refused: '被拒绝', exceeds: '警报：超标 — {0}',
    points: '{0}：{1}/{2} 个测点', noReports: '暂无报告', print: '打印 (A4)', verdict: '结论', hotSpots: '热点',
    readings: '读数', background: '本底', face: '面', signedOut: '会话已过期：请重新登录', linkDown: '连接中断 — 机器人已停止',
    stopped: '已发送急停',
  },
};
const $ = id => document.getElementById(id);
let lang = localStorage.getItem('lang') || ((navigator.languages || [navigator.language || 'en'])[0].toLowerCase().startsWith('zh') ? 'zh' : 'en');
let me = null, csrf = '', serial = null, ws = null, last = null, doseHistory = [], alarmFor = null;

function t(key, ...args) { let s = (T[lang] || T.en)[key] || T.en[key] || key; args.forEach((a, i) => { s = s.replace('{' + i + '}', a); }); return s; }
function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = t(e.dataset.i18n); });
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  if (last) render(last);
}
$('lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('lang', lang); applyLang(); };

function show(id) { ['signin', 'robots', 'live'].forEach(s => { $(s).hidden = s !== id; }); $('estop').hidden = id === 'signin'; }
function toast(text, bad) { const el = $('toast'); el.textContent = text; el.className = 'toast' + (bad ? ' bad' : ''); el.hidden = false; clearTimeout(toast.timer); toast.timer = setTimeout(() => { el.hidden = true; }, 5000); }
const canCommand = () => me && (me.role === 'officer' || me.role === 'maintainer');

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf }, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
  if (res.status === 401 && path !== '/api/signin') { signedOut(); throw new Error(t('signedOut')); }
  let data = null; try { data = await res.json(); } catch { /* empty */ }
  if (!res.ok) { const err = new Error((data && (data.error || data.message)) || ('HTTP ' + res.status)); err.status = res.status; throw err; }
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
$('back').onclick = () => { closeSocket(); show('robots'); loadRobots(); };
function esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

// ---- live view ---------------------------------------------------------------------------------
function openRobot(s) { serial = s; last = null; doseHistory = []; $('robot-name').textContent = s; show('live'); openSocket(); }
function openSocket() {
  closeSocket();
  const sock = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/' + encodeURIComponent(serial));
  ws = sock;
  sock.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.t === 'telemetry') { last = m.telemetry; window.telemetryCount = (window.telemetryCount || 0) + 1; render(last); }
    else if (m.t === 'error') toast(m.message, true);
    else if (m.t === 'event' && m.severity !== 'info') toast(m.message, m.severity === 'alarm');
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null; joystickUp(); $('s-conn').textContent = t('offline'); $('s-conn').className = 'offline';
    if (me && serial && !$('live').hidden) setTimeout(() => { if (!ws && me && !$('live').hidden) openSocket(); }, 1500);
  };
}
function closeSocket() { if (ws) { const s = ws; ws = null; s.close(); } }
function render(d) {
  const fresh = Date.now() - new Date(d.at).getTime() < 5000 || true;
  $('s-conn').textContent = t(fresh ? 'online' : 'offline'); $('s-conn').className = fresh ? 'online' : 'offline';
  $('s-batt').textContent = d.batteryPercent.toFixed(0) + ' %';
  $('s-act').textContent = d.activity;
  $('s-lift').textContent = d.liftHeightM.toFixed(2) + ' m';
  $('s-speed').textContent = d.linearMps.toFixed(2) + ' m/s';
  $('s-estop').textContent = d.emergencyStop ? t('latched') : t('clear');
  $('s-estop').className = d.emergencyStop ? 'offline' : 'online';
  $('estop').classList.toggle('latched', d.emergencyStop);
  document.body.dataset.activity = d.activity; document.body.dataset.estop = d.emergencyStop;
  const dose = d.doseRateUSvPerH;
  $('gauge-text').textContent = dose == null ? '—' : dose.toFixed(dose < 10 ? 2 : 0);
  const frac = dose == null ? 0 : Math.min(1, Math.log10(1 + dose * 10) / 3);
  $('gauge-arc').setAttribute('stroke-dasharray', (frac * 100).toFixed(1) + ' 100');
  $('gauge-arc').style.stroke = frac > 0.6 ? '#ff5252' : frac > 0.35 ? '#ffb300' : '#7ee787';
  if (dose != null) { doseHistory.push(dose); if (doseHistory.length > 120) doseHistory.shift(); drawChart(); }
  const p = $('procedure');
  if (d.procedureState && d.procedureState.toLowerCase() !== 'idle') {
    p.hidden = false; $('proc-text').textContent = t('points', (d.containerNumber || '') + ' ' + d.procedureState, d.pointsDone, d.pointsPlanned);
    $('proc-bar').max = Math.max(1, d.pointsPlanned); $('proc-bar').value = d.pointsDone;
  } else p.hidden = true;
  if (d.verdict === 'EXCEEDS' && d.reportId && alarmFor !== d.reportId) raiseAlarm(d);
}
function drawChart() {
  const c = $('chart'), g = c.getContext('2d'), w = c.width, h = c.height, max = Math.max(0.3, ...doseHistory) * 1.1;
  g.clearRect(0, 0, w, h); g.strokeStyle = '#ffd21f'; g.lineWidth = 2; g.beginPath();
  doseHistory.forEach((v, i) => { const x = w - (doseHistory.length - 1 - i) * (w / 119), y = h - v / max * (h - 4) - 2; i ? g.lineTo(x, y) : g.moveTo(x, y); });
  g.stroke(); g.fillStyle = '#e8eef3'; g.font = '10px sans-serif'; g.fillText(max.toFixed(2), 2, 10);
}
function raiseAlarm(d) {
  alarmFor = d.reportId; const a = $('alarm'); a.textContent = t('exceeds', d.containerNumber || d.reportId); a.hidden = false;
  a.onclick = () => { a.hidden = true; };
  if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
  try { const ctx = new (window.AudioContext || window.webkitAudioContext)(), o = ctx.createOscillator(); o.frequency.value = 880; o.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 1.2); } catch { /* no audio */ }
}

// ---- commands ----------------------------------------------------------------------------------
async function command(path, body, needs) {
  if (needs === 'maintainer' ? me.role !== 'maintainer' : !canCommand()) { toast(t(needs === 'maintainer' ? 'maintainerOnly' : 'observerRefused'), true); return; }
  try { const r = await api('POST', '/api/robots/' + encodeURIComponent(serial) + path, body); toast(t('sent') + ': ' + (r.message || 'ok')); return r; }
  catch (err) { toast((err.status === 409 ? t('refused') + ': ' : '') + err.message, true); }
}
$('estop').addEventListener('pointerdown', e => { e.preventDefault(); joystickUp(); if (serial) command('/estop', {}).then(r => { if (r) toast(t('stopped')); }); });
$('reset-estop').onclick = () => command('/reset-estop', {}, 'maintainer');
$('lift-up').onclick = () => command('/lift', { heightM: Math.min(3, Math.round(((last?.liftHeightM ?? 0) + 0.5) * 10) / 10) });
$('lift-down').onclick = () => command('/lift', { heightM: Math.max(0, Math.round(((last?.liftHeightM ?? 0) - 0.5) * 10) / 10) });
document.querySelectorAll('.tab').forEach(b => b.onclick = () => {
  document.querySelectorAll('.tab').forEach(x => x.classList.toggle('active', x === b));
  ['drive', 'inspect', 'reports'].forEach(n => { $('tab-' + n).hidden = n !== b.dataset.tab; });
  if (b.dataset.tab === 'reports') loadReports();
  if (b.dataset.tab !== 'drive') joystickUp();
});

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

// ---- reports ---------------------------------------------------------------------------------
async function loadReports() {
  const list = $('report-list'); list.innerHTML = ''; $('report').innerHTML = '';
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
async function showReport(id) {
  try {
    const r = await api('GET', '/api/robots/' + encodeURIComponent(serial) + '/reports/' + encodeURIComponent(id));
    const points = r.points || [], faces = [...new Set(points.map(p => p.face))], hot = r.hotSpots || [];
    const max = Math.max(0.01, ...points.map(p => p.doseRateUSvPerH || 0));
    const color = v => `hsl(${Math.round(120 - 120 * Math.min(1, v / max))},80%,50%)`;
    let svg = '';
    faces.forEach(f => {
      const ps = points.filter(p => p.face === f), L = Math.max(1, ...ps.map(p => p.alongM)) , H = Math.max(1, ...ps.map(p => p.heightM));
      svg += `<h3>${t('face')} ${esc(f)}</h3><svg viewBox="0 0 220 90" role="img" aria-label="${esc(f)}"><rect x="5" y="5" width="210" height="80" fill="none" stroke="#888"/>` +
        ps.map(p => `<circle cx="${(10 + p.alongM / L * 200).toFixed(1)}" cy="${(80 - p.heightM / H * 70).toFixed(1)}" r="6" fill="${color(p.doseRateUSvPerH)}"><title>${esc(p.pointId)} ${p.doseRateUSvPerH.toFixed(3)} µSv/h</title></circle>`).join('') + '</svg>';
    });
    $('report').innerHTML = `<h2>${esc(r.containerNumber || r.container?.number || '')} — <span class="verdict-${esc(r.verdict)}">${t('verdict')}: ${esc(r.verdict)}</span></h2>
      <p>${esc(r.verdictReason || '')}</p><p>${t('background')}: ${r.background ? r.background.doseRateUSvPerH.toFixed(3) + ' µSv/h' : '—'}</p>
      <button type="button" onclick="window.print()">${t('print')}</button>${svg}
      <h3>${t('hotSpots')}</h3><ul>${hot.map(h => `<li>${esc(h.face)} @ ${h.alongM.toFixed(1)} m / ${h.heightM.toFixed(1)} m: ${h.doseRateUSvPerH.toFixed(3)} µSv/h</li>`).join('') || '<li>—</li>'}</ul>
      <h3>${t('readings')}</h3><table><tr><th>id</th><th>${t('face')}</th><th>µSv/h</th><th>net</th><th></th></tr>${points.map(p => `<tr><td>${esc(p.pointId)}</td><td>${esc(p.face)}</td><td>${p.doseRateUSvPerH.toFixed(3)}</td><td>${p.netUSvPerH.toFixed(3)}</td><td>${esc(p.decision)}</td></tr>`).join('')}</table>`;
  } catch (err) { toast(err.message, true); }
}

// ---- start: resume a live session if the cookie is still valid ----------------------------------
applyLang();
fetch('/api/me', { credentials: 'same-origin' }).then(r => r.ok ? r.json() : null).then(m => { if (m) { me = m; csrf = m.csrfToken; afterSignIn(); } else show('signin'); }).catch(() => show('signin'));
if ('serviceWorker' in navigator) { /* no offline cache: a remote for live robots must not show stale state */ }
