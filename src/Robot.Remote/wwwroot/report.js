'use strict';
// The inspection report as an officer reads it and files it (A4): who, what, with which instrument
// and calibration, the verdict and why, the dose map face by face to scale and coloured against the
// report's own threshold, hot spots, every reading. Plain JS, loaded after app.js (t, esc, api, T).

Object.assign(T.en, {
  reportTitle: 'Radiation inspection report / 辐射检测报告', reportId: 'Report', robotSerial: 'Robot', container: 'Container',
  operator: 'Operator', started: 'Started', finished: 'Finished', profile: 'Profile', instrument: 'Instrument', calibration: 'Calibration', doseConversion: 'Dose from',
  threshold: 'Threshold', pointsMeasured: 'Points', reportHash: 'Report hash', previousHash: 'Previous report',
  profileNotStandard: 'not the standard profile snt0570-2007', profileMode: '{0} decision, limit background + {1} µSv/h',
  serialNo: 'serial {0}', sensitivity: '{0} counts/s per µSv/h', certificate: 'certificate {0}', validUntil: 'valid until {0}',
  calValid: 'valid at the inspection', calExpired: 'EXPIRED before the inspection', attempts: '{0} attempt(s)', measuredAt: 'measured {0}',
  thresholdIs: 'background {0} + {1}', pointsOf: '{0} measured ({1} survey points of {2} planned); {3} over the threshold',
  noBackground: 'no background: no threshold', doseMap: 'Dose map', doseMapHint: 'Each face as seen from outside, to scale. Tap a point for its reading.',
  faceName_right: 'Right side', faceName_left: 'Left side', faceName_door: 'Door end', faceName_front: 'Front end',
  end_right: 'right side', end_left: 'left side', end_door: 'door', end_front: 'front',
  endShort_right: 'right', endShort_left: 'left', endShort_door: 'door', endShort_front: 'front',
  overCount: '{0} over the threshold', detailOf: 'Detail round hot spot {0} ({1}, enlarged ×{2})', detailMark: '{0} detail',
  legendOver: 'over the threshold: above {0} µSv/h', legendRaised: 'raised: above {0} µSv/h (background + half the limit)',
  legendBelow: 'at or below {0} µSv/h', legendInvalid: 'invalid reading (no decision)', legendExceeds: 'the robot decided "exceeds" (confirmed statistically)',
  legendSmall: 'small: re-measurement of a suspect point (beside it) or the finer grid round it', legendHot: 'hot spot: the highest point of a raised area',
  legendNoThreshold: 'no threshold (the background was not measured): every point grey',
  hotSpotLine: '{0} · {1}, {2} m along, {3} m high: {4} µSv/h (net {5})', along: 'along (m)', height: 'height (m)', net: 'net', point: 'point', position: 'along / up (m)',
  decision: 'decision', kind: 'kind', kind_remeasure: 're-measure', kind_refine: 'finer grid', hashNone: 'no hash: the report cannot be checked',
  mode_sequential: 'sequential', mode_standard: 'standard',
  decision_clear: 'clear', decision_anomaly: 'anomaly', decision_exceeds: 'exceeds', decision_invalid: 'invalid',
  verdict_PASS: 'PASS', verdict_ANOMALY: 'ANOMALY', verdict_EXCEEDS: 'EXCEEDS', verdict_INVALID: 'INVALID', pageFooter: 'Report {0} · SHA-256 {1}',
});
Object.assign(T.zh, {
  reportTitle: '辐射检测报告 / Radiation inspection report', reportId: '报告编号', robotSerial: '机器人', container: '集装箱',
  operator: '操作员', started: '开始', finished: '结束', profile: '测量规程', instrument: '仪器', calibration: '校准', doseConversion: '剂量换算',
  threshold: '判定阈值', pointsMeasured: '测点', reportHash: '报告哈希', previousHash: '上一份报告',
  profileNotStandard: '非标准规程 snt0570-2007', profileMode: '{0} 判定，限值 本底 + {1} µSv/h',
  serialNo: '编号 {0}', sensitivity: '{0} 计数/秒 每 µSv/h', certificate: '证书 {0}', validUntil: '有效期至 {0}',
  calValid: '检测时在有效期内', calExpired: '检测前已过期', attempts: '测量 {0} 次', measuredAt: '测于 {0}',
  thresholdIs: '本底 {0} + {1}', pointsOf: '已测 {0} 个（巡测 {1} 个，计划 {2} 个）；{3} 个超过阈值',
  noBackground: '无本底：无判定阈值', doseMap: '剂量分布图', doseMapHint: '各面按比例绘制，从箱外看。点击测点查看读数。',
  faceName_right: '右侧面', faceName_left: '左侧面', faceName_door: '箱门端', faceName_front: '前端',
  end_right: '右侧面', end_left: '左侧面', end_door: '箱门', end_front: '前端',
  endShort_right: '右侧', endShort_left: '左侧', endShort_door: '箱门', endShort_front: '前端',
  overCount: '{0} 个超过阈值', detailOf: '热点 {0} 局部放大（{1}，×{2}）', detailMark: '{0} 放大',
  legendOver: '超过阈值：高于 {0} µSv/h', legendRaised: '升高：高于 {0} µSv/h（本底 + 限值的一半）',
  legendBelow: '不高于 {0} µSv/h', legendInvalid: '读数无效（无判定）', legendExceeds: '机器人判定为“超标”（经统计确认）',
  legendSmall: '小点：可疑点的复测（在其旁）或其周围的加密测点', legendHot: '热点：升高区域的最高点',
  legendNoThreshold: '无判定阈值（未测本底）：所有测点为灰色',
  hotSpotLine: '{0} · {1}，沿面 {2} m，高 {3} m：{4} µSv/h（净值 {5}）', along: '沿面 (m)', height: '高度 (m)', net: '净值', point: '测点', position: '沿面 / 高 (m)',
  decision: '判定', kind: '类型', kind_remeasure: '复测', kind_refine: '加密', hashNone: '无哈希：无法校验此报告',
  mode_sequential: '序贯', mode_standard: '标准',
  decision_clear: '正常', decision_anomaly: '异常', decision_exceeds: '超标', decision_invalid: '无效',
  verdict_PASS: '合格 PASS', verdict_ANOMALY: '异常 ANOMALY', verdict_EXCEEDS: '超标 EXCEEDS', verdict_INVALID: '无效 INVALID', pageFooter: '报告 {0} · SHA-256 {1}',
});

// ISO 668 outside dimensions (m); the survey planner of the host uses the same.
const BOXES = { '20ft': { L: 6.058, W: 2.438, H: 2.591 }, '40ft': { L: 12.192, W: 2.438, H: 2.591 }, '40ftHC': { L: 12.192, W: 2.438, H: 2.896 } };
// Long sides first, then the two ends side by side. What lies at each end of a face, left to right as
// seen from outside (the host's survey planner: right runs from the front to the door, door from the
// right side to the left, left from the door to the front, front from the left side to the right).
const FACE_ORDER = ['right', 'left', 'door', 'front'];
const FACE_ENDS = { right: ['front', 'door'], door: ['right', 'left'], left: ['door', 'front'], front: ['left', 'right'] };
// Bands against the report's threshold; colours distinct in print and for the common colour blindness
// (shape and symbol say the same: squares for "exceeds" decisions, a crosshair for hot spots).
const BAND_COLOUR = { over: '#e03131', raised: '#f59f00', below: '#2f9e44', invalid: '#868e96' };
// The phone's content width in CSS pixels: marker and text sizes are given in these and scale with the drawing.
const REF_PX = 336;

let shownReport = null;

const f3 = v => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(3));
const f2 = v => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(2));
const num = v => String(Math.round(v * 1000) / 1000);
const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-GB');
function localTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}
const utcTime = iso => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '');
// A name from a table of the page (decision_..., verdict_...), or the robot's own word when the page has none.
const tr = (prefix, value) => { const key = prefix + value, text = t(key); return text === key ? String(value ?? '') : text; };
const boxOf = r => BOXES[r.container && r.container.type] || BOXES['40ft'];
const faceLength = (face, box) => (face === 'right' || face === 'left' ? box.L : box.W);

/** The band of a point against the report's threshold: over, raised (above background + half the limit), below; invalid without a decision or threshold. */
function bandOf(p, r) {
  if (p.decision === 'invalid' || !Number.isFinite(p.doseRateUSvPerH) || r.thresholdUSvPerH == null || !r.background) return 'invalid';
  if (p.doseRateUSvPerH > r.thresholdUSvPerH) return 'over';
  return p.doseRateUSvPerH > r.background.doseRateUSvPerH + r.profile.limitUSvPerH / 2 ? 'raised' : 'below';
}
const raisedFrom = r => (r.background ? r.background.doseRateUSvPerH + r.profile.limitUSvPerH / 2 : null);

async function showReport(id) {
  try {
    const res = await fetch('/api/robots/' + encodeURIComponent(serial) + '/reports/' + encodeURIComponent(id), { credentials: 'same-origin' });
    if (res.status === 401) { signedOut(); return; }
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
    shownReport = { r: data, hashCheck: res.headers.get('X-Report-Hash-Check') || '' };
    renderShownReport();
    $('report').scrollIntoView({ block: 'start' });
  } catch (err) { toast(err.message, true); }
}

function renderShownReport() {
  if (!shownReport || !$('report')) return;
  const { r, hashCheck } = shownReport, points = r.points || [], hot = r.hotSpots || [], box = boxOf(r);
  const file = '/api/robots/' + encodeURIComponent(serial) + '/reports/' + encodeURIComponent(r.reportId);
  const downloads = canCommand() ? `<a id="export-csv" href="${file}.csv" download>CSV</a><a id="export-json" href="${file}.json" download>JSON</a>` : '';
  $('report').innerHTML = `<article class="rpt" data-verdict="${esc(r.verdict)}">
    ${headerBlock(r, hashCheck, points, box)}
    <div class="downloads report-actions"><button type="button" id="print-report">${t('print')}</button>${downloads}</div>
    <section class="hotspots"><h3>${t('hotSpots')}</h3><ul>${hot.map((h, i) => `<li data-hot="H${i + 1}">${esc(t('hotSpotLine', 'H' + (i + 1), tr('faceName_', h.face), f2(h.alongM), f2(h.heightM), f3(h.doseRateUSvPerH), f3(h.netUSvPerH)))}</li>`).join('') || '<li>—</li>'}</ul></section>
    ${doseMap(r, points, hot, box)}
    ${readingsTable(r, points)}
  </article>`;
  $('print-report').onclick = () => window.print();
  document.querySelectorAll('#report .dosemap').forEach(m => { m.onclick = e => showReading(e.target.closest('.pt')); });
  pageFooter(r);
}

function headerBlock(r, hashCheck, points, box) {
  const c = r.container || {}, ins = r.instrument || {}, p = r.profile || {}, bg = r.background;
  const fact = (key, value, cls = '') => `<dt>${t(key)}</dt><dd${cls ? ` class="${cls}"` : ''}>${value}</dd>`;
  const calExpired = ins.calibrationValidUntil && new Date(ins.calibrationValidUntil) < new Date(r.startedAt);
  const survey = points.filter(x => !x.kind).length, over = points.filter(x => bandOf(x, r) === 'over').length;
  const hash = !r.reportHash ? `<span class="hash-bad">${t('hashNone')}</span>`
    : `<code>${esc(r.reportHash)}</code> <span class="${hashCheck === 'ok' ? 'hash-ok' : 'hash-bad'}">${hashCheck === 'ok' ? '✓ ' + t('hashOk') : '✗ ' + t('hashBad')}</span>`;
  const time = iso => `${esc(localTime(iso))} <span class="utc">(${esc(utcTime(iso))})</span>`;
  return `<header class="rpt-head">
    <h2 class="rpt-title">${t('reportTitle').split(' / ').map(x => `<span>${esc(x)}</span>`).join(' / ')}</h2>
    <div class="verdict verdict-${esc(r.verdict)}"><span class="verdict-label">${t('verdict')}</span>
      <strong class="verdict-word">${esc(tr('verdict_', r.verdict))}</strong><span class="verdict-box">${esc(c.number || '')}</span>
      <p class="verdict-reason">${esc(r.verdictReason || '')}</p></div>
    <dl class="facts">
      ${fact('reportId', `<code>${esc(r.reportId)}</code> <small>#${esc(r.sequence)}</small>`)}
      ${fact('container', `<b>${esc(c.number)}</b> · ${esc(c.type)} (${num(box.L)} × ${num(box.W)} × ${num(box.H)} m) · (${num(c.x)}, ${num(c.y)}) m`)}
      ${fact('robotSerial', esc(r.serialNumber))}
      ${fact('operator', esc(r.operatorId))}
      ${fact('started', time(r.startedAt))}
      ${fact('finished', time(r.finishedAt))}
      ${fact('profile', `<b>${esc(p.name)}</b> v${esc(p.version)} · ${esc(t('profileMode', tr('mode_', p.pointMode), num(p.limitUSvPerH)))}${p.name !== 'snt0570-2007' ? ` <span class="warn">⚠ ${t('profileNotStandard')}</span>` : ''}`, 'profile')}
      ${fact('instrument', `${esc(ins.model)} · ${esc(t('serialNo', ins.serialNumber))}${ins.countsPerSecondPerUSvPerH ? ' · ' + esc(t('sensitivity', Math.round(ins.countsPerSecondPerUSvPerH))) : ''}`, 'instrument')}
      ${p.doseConversion ? fact('doseConversion', `<small>${esc(p.doseConversion)}</small>`, 'conversion') : ''}
      ${fact('calibration', `k1 ${num(ins.k1)} · k2 ${num(ins.k2)} · k3 ${num(ins.k3)} · Hc ${num(ins.cosmicResponseUSvPerH)} µSv/h · ${esc(t('certificate', ins.calibrationCertificate))} · ${esc(t('validUntil', ins.calibrationValidUntil ? new Date(ins.calibrationValidUntil).toISOString().slice(0, 10) : '—'))} <span class="${calExpired ? 'hash-bad' : 'hash-ok'}">${calExpired ? '✗ ' + t('calExpired') : '✓ ' + t('calValid')}</span>`, 'calibration')}
      ${fact('background', bg ? `<b>${f3(bg.doseRateUSvPerH)}</b> ± ${f3(bg.standardErrorUSvPerH)} µSv/h · ${esc(t('attempts', bg.attempts))} · ${esc(t('measuredAt', localTime(bg.measuredAt)))}` : t('noBackground'), 'background')}
      ${fact('threshold', r.thresholdUSvPerH != null && bg ? `<b>${f3(r.thresholdUSvPerH)} µSv/h</b> (${esc(t('thresholdIs', f3(bg.doseRateUSvPerH), num(p.limitUSvPerH)))})` : t('noBackground'), 'threshold')}
      ${fact('pointsMeasured', esc(t('pointsOf', points.length, survey, r.plannedPoints, over)))}
      ${fact('reportHash', hash, 'hash')}
      ${fact('previousHash', `<code>${esc(r.previousReportHash)}</code>`, 'hash previous')}
    </dl>
  </header>`;
}

function readingsTable(r, points) {
  // The point's id names its face; the position is along / height in metres.
  const row = p => `<tr class="d-${esc(p.decision)} b-${bandOf(p, r)}"><td class="id">${esc(p.pointId)}${p.kind ? ` <small>${esc(tr('kind_', p.kind))}</small>` : ''}</td>` +
    `<td class="n">${f2(p.alongM)} / ${f2(p.heightM)}</td><td class="n">${f3(p.doseRateUSvPerH)}</td><td class="n">${f3(p.netUSvPerH)}</td><td>${esc(tr('decision_', p.decision))}</td></tr>`;
  return `<section class="readings-block"><h3>${t('readings')}</h3><div class="table-wrap"><table class="readings">
    <thead><tr><th>${t('point')}</th><th class="n">${t('position')}</th><th class="n">µSv/h</th><th class="n">${t('net')}</th><th>${t('decision')}</th></tr></thead>
    <tbody>${points.map(row).join('')}</tbody></table></div></section>`;
}

// ---- dose map ----------------------------------------------------------------------------------
function doseMap(r, points, hot, box) {
  const faces = [...FACE_ORDER.filter(f => points.some(p => p.face === f)), ...[...new Set(points.map(p => p.face))].filter(f => !FACE_ORDER.includes(f))];
  // One scale for every face: the longest face fills the phone's width.
  const pad = { l: 24, r: 8, t: 16, b: 16 }, u = Math.max(...faces.map(f => faceLength(f, box)), 1) / (REF_PX - pad.l - pad.r);
  // A detail window round each hot spot: 3 m of the face, full height, at 100 px per metre.
  const details = hot.map((h, i) => {
    const len = faceLength(h.face, box), w = Math.min(3, len), a0 = Math.min(Math.max(0, h.alongM - w / 2), len - w);
    return { name: 'H' + (i + 1), face: h.face, win: [a0, a0 + w], u: w / (REF_PX - pad.l - pad.r) };
  });
  const figures = faces.map(f => {
    const pts = points.filter(p => p.face === f), over = pts.filter(p => bandOf(p, r) === 'over').length;
    const svg = faceSvg(r, f, pts, hot, box, [0, faceLength(f, box)], u, pad, details.filter(d => d.face === f), false);
    // A narrow face (an end of the box) names its neighbours under its caption rather than in the drawing.
    const [endL, endR] = FACE_ENDS[f] || [], ends = svg.width < 150 && endL ? `<small class="ends">◂ ${esc(t('endShort_' + endL))} · ${esc(t('endShort_' + endR))} ▸</small>` : '';
    return `<figure class="face" data-face="${esc(f)}" style="width:${(svg.width / REF_PX * 100).toFixed(2)}%"><figcaption><b>${esc(tr('faceName_', f))}</b>` +
      `${over ? ` · <span class="over-count">${esc(t('overCount', over))}</span>` : ''}${ends}</figcaption>${svg.html}</figure>`;
  }).join('');
  const insets = details.map(d => {
    const svg = faceSvg(r, d.face, points.filter(p => p.face === d.face), hot, box, d.win, d.u, pad, [], true);
    return `<figure class="face detail" data-face="${esc(d.face)}" data-hot="${d.name}"><figcaption><b>${esc(t('detailOf', d.name, tr('faceName_', d.face), Math.round(u / d.u)))}</b></figcaption>${svg.html}</figure>`;
  }).join('');
  return `<section class="dosemap-block"><h3>${t('doseMap')}</h3>${legend(r)}<p class="hint map-hint">${t('doseMapHint')}</p>
    <div class="dosemap">${'<div class="faces">' + figures + '</div>'}${insets}</div>
    <p id="map-readout" class="readout" aria-live="polite"></p></section>`;
}

/** One face (or a window of it) as an SVG in metres; sizes are CSS pixels at the phone's width times u (metres per pixel). */
function faceSvg(r, face, pts, hot, box, win, u, pad, marks, detail) {
  const len = faceLength(face, box), H = box.H, [a0, a1] = win, w = a1 - a0;
  const vw = w + (pad.l + pad.r) * u, vh = H + (pad.t + pad.b) * u, X = a => (pad.l * u + a - a0), Y = h => (pad.t * u + H - h);
  const n = v => v.toFixed(3), px = k => n(k * u);
  const id = 'c' + Math.random().toString(36).slice(2, 8);
  let s = `<svg class="${detail ? 'detail-map' : 'face-map'}" data-face="${esc(face)}" viewBox="0 0 ${n(vw)} ${n(vh)}" role="img" aria-label="${esc(tr('faceName_', face))}">` +
    `<defs><clipPath id="${id}"><rect x="${n(X(a0))}" y="${n(Y(H))}" width="${n(w)}" height="${n(H)}"/></clipPath></defs>` +
    `<rect class="wall" x="${n(X(a0))}" y="${n(Y(H))}" width="${n(w)}" height="${n(H)}" stroke-width="${px(1)}"/>` +
    `<line class="ground" x1="${n(X(a0) - 4 * u)}" y1="${n(Y(0))}" x2="${n(X(a1) + 4 * u)}" y2="${n(Y(0))}" stroke-width="${px(1.6)}"/>`;
  // The along axis: ticks every metre (every 0.25 m in a detail), numbers every 2 m (0.5 m), the face's length at its end.
  const tick = detail ? 0.25 : 1, every = detail ? 0.5 : 2, fs = px(detail ? 8 : 7.5);
  for (let k = Math.ceil(a0 / tick - 1e-9); k * tick <= a1 + 1e-9; k++) {
    const a = k * tick;
    s += `<line class="tick" x1="${n(X(a))}" y1="${n(Y(0))}" x2="${n(X(a))}" y2="${n(Y(0) + 3 * u)}" stroke-width="${px(0.8)}"/>`;
    const labelled = Math.abs(a / every - Math.round(a / every)) < 1e-6 && (detail || len - a > 0.9);
    if (labelled) s += `<text class="axis" x="${n(X(a))}" y="${n(Y(0) + 11 * u)}" font-size="${fs}" text-anchor="middle">${detail ? a.toFixed(1) : a.toFixed(0)}</text>`;
  }
  if (!detail) s += `<text class="axis" x="${n(X(len))}" y="${n(Y(0) + 11 * u)}" font-size="${fs}" text-anchor="end">${len.toFixed(1)} m</text>`;
  // Heights of the survey on the left.
  [...new Set(pts.filter(p => !p.kind).map(p => p.heightM))].sort((a, b) => a - b).forEach(h => {
    s += `<text class="axis" x="${n(X(a0) - 3 * u)}" y="${n(Y(h) + 2.6 * u)}" font-size="${fs}" text-anchor="end">${h.toFixed(1)}</text>`;
  });
  // What lies at each end of the face (only where the drawing reaches the end).
  const [endL, endR] = FACE_ENDS[face] || ['', ''], roomy = vw / u >= 150;
  if (roomy && endL && a0 < 0.01) s += `<text class="end" x="${n(X(0))}" y="${n(Y(H) - 4 * u)}" font-size="${px(7)}">◂ ${esc(t('end_' + endL))}</text>`;
  if (roomy && endR && a1 > len - 0.01) s += `<text class="end" x="${n(X(len))}" y="${n(Y(H) - 4 * u)}" font-size="${px(7)}" text-anchor="end">${esc(t('end_' + endR))} ▸</text>`;
  // Where the enlarged details are.
  marks.forEach(d => {
    s += `<rect class="detail-mark" x="${n(X(d.win[0]))}" y="${n(Y(H))}" width="${n(d.win[1] - d.win[0])}" height="${n(H)}" stroke-width="${px(1)}" stroke-dasharray="${px(3)} ${px(2)}"/>` +
      `<text class="detail-name" x="${n(X(d.win[0]) + 2 * u)}" y="${n(Y(H) - 3 * u)}" font-size="${px(7.5)}">${esc(t('detailMark', d.name))} ▾</text>`;
  });
  // Points: survey points, then the finer grid, then re-measurements beside their point; each with its reading as a title.
  const rank = p => (p.kind === 'remeasure' ? 2 : p.kind ? 1 : 0);
  const inWin = p => p.alongM >= a0 - 0.01 && p.alongM <= a1 + 0.01;
  let marksSvg = '', labels = '';
  [...pts].filter(inWin).sort((a, b) => rank(a) - rank(b)).forEach(p => {
    const band = bandOf(p, r), small = !!p.kind, rr = (small ? (detail ? 4 : 3.2) : (detail ? 6.5 : 5.5)) * u;
    // A re-measurement sits down and to the right of its point (the finer grid lies on the point's row and column).
    const dx = p.kind === 'remeasure' ? (detail ? 10.5 : 8.5) * u : 0, dy = dx;
    const cx = X(p.alongM) + dx, cy = Y(p.heightM) + dy, fill = BAND_COLOUR[band];
    const title = `${p.pointId}: ${f3(p.doseRateUSvPerH)} µSv/h (${t('net')} ${f3(p.netUSvPerH)}) · ${tr('decision_', p.decision)}${p.kind ? ' · ' + tr('kind_', p.kind) : ''} · ${f2(p.alongM)} m, ${f2(p.heightM)} m`;
    const attrs = `class="pt band-${band} dec-${esc(p.decision)}${p.kind ? ' kind-' + esc(p.kind) : ''}" data-band="${band}" data-decision="${esc(p.decision)}" data-id="${esc(p.pointId)}" data-reading="${esc(title)}" fill="${fill}"`;
    if (p.decision === 'invalid') {
      marksSvg += `<g ${attrs} stroke="${fill}" stroke-width="${px(2)}"><title>${esc(title)}</title><line x1="${n(cx - rr)}" y1="${n(cy - rr)}" x2="${n(cx + rr)}" y2="${n(cy + rr)}"/><line x1="${n(cx - rr)}" y1="${n(cy + rr)}" x2="${n(cx + rr)}" y2="${n(cy - rr)}"/></g>`;
    } else if (p.decision === 'exceeds') {
      const side = rr * 1.8;
      marksSvg += `<rect ${attrs} x="${n(cx - side / 2)}" y="${n(cy - side / 2)}" width="${n(side)}" height="${n(side)}" stroke-width="${px(small ? 1.1 : 1.6)}"><title>${esc(title)}</title></rect>`;
    } else {
      marksSvg += `<circle ${attrs} cx="${n(cx)}" cy="${n(cy)}" r="${n(rr)}" stroke-width="${px(0.7)}"><title>${esc(title)}</title></circle>`;
    }
    // The dose of every point over the threshold: in a detail all but re-measurements (they sit beside
    // their point, with about the same dose); on a face the survey points outside the details.
    const inDetail = marks.some(d => p.alongM >= d.win[0] && p.alongM <= d.win[1]);
    const atHotSpot = hot.some(h => h.face === face && Math.abs(h.alongM - p.alongM) < 0.01 && Math.abs(h.heightM - p.heightM) < 0.01);
    if (band === 'over' && !atHotSpot && (detail ? p.kind !== 'remeasure' : !p.kind && !inDetail)) {
      labels += `<text class="value" x="${n(cx)}" y="${n(cy - rr - 2.2 * u)}" font-size="${px(detail ? 8.5 : 7.5)}" text-anchor="middle" stroke-width="${px(2.4)}">${f2(p.doseRateUSvPerH)}</text>`;
    }
  });
  s += (detail ? `<g clip-path="url(#${id})">${marksSvg}</g>` : marksSvg) + labels;
  // Hot spots: a crosshair, whatever the colour, named H1, H2 ... as in the list.
  hot.forEach((h, i) => {
    if (h.face !== face || h.alongM < a0 - 0.01 || h.alongM > a1 + 0.01) return;
    const cx = X(h.alongM), cy = Y(h.heightM), rr = 9 * u, o = 14 * u;
    const cross = `M${n(cx - o)} ${n(cy)}H${n(cx - rr + 2 * u)}M${n(cx + rr - 2 * u)} ${n(cy)}H${n(cx + o)}M${n(cx)} ${n(cy - o)}V${n(cy - rr + 2 * u)}M${n(cx)} ${n(cy + rr - 2 * u)}V${n(cy + o)}`;
    s += `<g class="hotspot" data-hot="H${i + 1}"><title>${esc(t('hotSpotLine', 'H' + (i + 1), tr('faceName_', h.face), f2(h.alongM), f2(h.heightM), f3(h.doseRateUSvPerH), f3(h.netUSvPerH)))}</title>` +
      `<circle class="halo" cx="${n(cx)}" cy="${n(cy)}" r="${n(rr)}" stroke-width="${px(3.4)}"/><path class="halo" d="${cross}" stroke-width="${px(3.4)}"/>` +
      `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(rr)}" stroke-width="${px(1.6)}"/><path d="${cross}" stroke-width="${px(1.6)}"/>` +
      // Named beside the crosshair in a detail; on a face the dashed box of its detail carries the name.
      (detail || !marks.length ? `<text x="${n(cx + o - 1 * u)}" y="${n(cy - rr)}" font-size="${px(8)}" stroke-width="${px(2.4)}">H${i + 1}${detail ? ' ' + f2(h.doseRateUSvPerH) : ''}</text>` : '') + '</g>';
  });
  return { html: s + '</svg>', width: vw / u };
}

function legend(r) {
  const dot = (band, shape = 'circle', small = false) => {
    const c = BAND_COLOUR[band], k = small ? 3.5 : 5.5;
    const body = shape === 'square' ? `<rect x="${8 - k}" y="${8 - k}" width="${2 * k}" height="${2 * k}" fill="${c}" stroke="#111" stroke-width="1.6"/>`
      : shape === 'cross' ? `<path d="M3 3L13 13M3 13L13 3" stroke="${c}" stroke-width="2"/>`
      : shape === 'hot' ? '<circle cx="8" cy="8" r="6" fill="none" stroke="#111" stroke-width="1.6"/><path d="M0 8H4M12 8H16M8 0V4M8 12V16" stroke="#111" stroke-width="1.6"/>'
      : `<circle cx="8" cy="8" r="${k}" fill="${c}" stroke="#0006" stroke-width=".7"/>`;
    return `<svg class="key" viewBox="0 0 16 16" aria-hidden="true">${body}</svg>`;
  };
  const row = (cls, sym, text) => `<li class="${cls}">${sym}<span>${esc(text)}</span></li>`;
  const bands = r.thresholdUSvPerH != null && r.background
    ? row('lg-over', dot('over'), t('legendOver', f3(r.thresholdUSvPerH))) + row('lg-raised', dot('raised'), t('legendRaised', f3(raisedFrom(r)))) + row('lg-below', dot('below'), t('legendBelow', f3(raisedFrom(r))))
    : row('lg-none', dot('invalid'), t('legendNoThreshold'));
  return `<ul class="legend">${bands}${row('lg-invalid', dot('invalid', 'cross'), t('legendInvalid'))}${row('lg-exceeds', dot('over', 'square'), t('legendExceeds'))}` +
    `${row('lg-small', dot('below', 'circle', true), t('legendSmall'))}${row('lg-hot', dot('', 'hot'), t('legendHot'))}</ul>`;
}

function showReading(pt) {
  const out = $('map-readout'); if (!out) return;
  document.querySelectorAll('#report .pt.picked').forEach(x => x.classList.remove('picked'));
  if (!pt) { out.textContent = ''; return; }
  pt.classList.add('picked'); out.textContent = pt.dataset.reading;
}

// The printed pages' footer: report id and hash on every A4 page, with the page number (CSS page margin boxes).
function pageFooter(r) {
  let style = $('print-footer');
  if (!style) { style = document.createElement('style'); style.id = 'print-footer'; document.head.appendChild(style); }
  const text = t('pageFooter', r.reportId, r.reportHash || '—').replace(/["\\\n]/g, ' ');
  style.textContent = `@media print { @page { @bottom-left { content: "${text}"; font: 7pt monospace; color: #000; }` +
    ` @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif; color: #000; } } }`;
}
