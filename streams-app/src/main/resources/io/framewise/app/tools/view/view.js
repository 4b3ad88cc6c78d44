// The live view's page. Publishers control camera ids, labels and reasons: everything they send is written with
// textContent, never as markup. One server-sent-event stream brings what changed; pictures are fetched by camera and
// sequence, one at a time per camera, so a fast camera never queues requests.
'use strict';

const tiles = new Map(); // camera id -> {root, img, fields..., state}
const grid = document.getElementById('grid');
let selected = null;
let latest = new Map(); // camera id -> last snapshot

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function frameUrl(id, seq) {
  return 'frame?camera=' + encodeURIComponent(id) + '&seq=' + seq;
}

// Shows picture `seq` of camera `id` in `img` once it has loaded (no flicker); one request at a time per image.
function showPicture(img, missing, id, seq, text) {
  if (seq === null || seq === undefined) {
    missing.textContent = text || '';
    return;
  }
  if (img.dataset.seq === String(seq) || img.dataset.loading === String(seq)) return;
  if (img.dataset.loading) { img.dataset.next = String(seq); return; }
  img.dataset.loading = String(seq);
  const next = new Image();
  next.onload = () => {
    img.src = next.src;
    img.dataset.seq = String(seq);
    finish();
  };
  next.onerror = () => finish();
  function finish() {
    delete img.dataset.loading;
    const queued = img.dataset.next;
    delete img.dataset.next;
    if (queued && queued !== img.dataset.seq) showPicture(img, missing, id, Number(queued));
  }
  missing.textContent = '';
  next.src = frameUrl(id, seq);
}

function newTile(id) {
  const root = el('article', 'tile');
  root.dataset.camera = id;
  const picture = el('div', 'picture');
  const img = el('img');
  img.alt = '';
  const missing = el('p', 'missing');
  picture.append(img, missing);
  const facts = el('div', 'facts');
  const name = el('div', 'camera');
  const status = el('span', 'status');
  const reason = el('div', 'reason');
  const labels = el('ol', 'labels');
  const latency = el('div', 'latency');
  const rates = el('div', 'rates');
  facts.append(name, status, reason, labels, latency, rates);
  root.append(picture, facts);
  root.addEventListener('click', () => select(id));
  const t = {root, img, missing, name, status, reason, labels, latency, rates};
  tiles.set(id, t);
  grid.append(root);
  return t;
}

function fillOutcome(o, status, reason, labels, latency) {
  status.textContent = o ? o.status.replace('_', ' ') : 'no event yet';
  status.className = 'status ' + (o ? o.status : '');
  reason.textContent = o && o.reason ? o.reason : o && o.note ? o.note : '';
  reason.className = o && o.reason ? 'reason' : 'note';
  labels.replaceChildren();
  for (const l of (o ? o.labels : [])) {
    const li = el('li', null, l.label);
    li.append(el('span', 'score', (l.score * 100).toFixed(1) + '%'));
    labels.append(li);
  }
  if (o && o.latencyMs !== null && o.latencyMs !== undefined) {
    latency.textContent = 'capture to event ' + o.latencyMs.toFixed(0) + ' ms of ' + o.budgetMs + ' ms: '
        + (o.deadlineMet ? 'deadline met' : 'deadline missed');
    latency.className = 'latency' + (o.deadlineMet ? '' : ' late');
  } else {
    latency.textContent = '';
  }
}

function rateText(s) {
  return s.framesPerSecond.toFixed(1) + ' fps in, ' + s.eventsPerSecond.toFixed(1) + ' events/s, '
      + s.skippedPerSecond.toFixed(1) + ' skipped/s, ' + s.deadLettersPerSecond.toFixed(1) + ' dead letters/s';
}

function update(s) {
  latest.set(s.id, s);
  const t = tiles.get(s.id) || newTile(s.id);
  t.name.textContent = s.shownId;
  t.root.dataset.status = s.latest ? s.latest.status : '';
  t.root.dataset.sequence = s.latest ? String(s.latest.sequence) : '';
  fillOutcome(s.latest, t.status, t.reason, t.labels, t.latency);
  t.rates.textContent = rateText(s);
  showPicture(t.img, t.missing, s.id, s.image, s.imageMissing);
  if (selected === s.id) showDetail(s);
}

function remove(id) {
  const t = tiles.get(id);
  if (t) t.root.remove();
  tiles.delete(id);
  latest.delete(id);
  if (selected === id) select(null);
}

function select(id) {
  selected = id;
  const detail = document.getElementById('detail');
  detail.hidden = id === null;
  const img = document.getElementById('detail-img');
  delete img.dataset.seq;
  img.removeAttribute('src');
  if (id !== null && latest.has(id)) showDetail(latest.get(id));
}

let historyPending = false;
let historyAgain = false;

function showDetail(s) {
  document.getElementById('detail-id').textContent = s.shownId;
  showPicture(document.getElementById('detail-img'), document.getElementById('detail-missing'), s.id, s.image,
      s.imageMissing);
  const status = document.getElementById('detail-status');
  status.replaceChildren();
  const badge = el('span', 'status');
  const reason = el('div', 'reason');
  const latency = el('div', 'latency');
  status.append(badge, reason, latency);
  fillOutcome(s.latest, badge, reason, document.getElementById('detail-labels'), latency);
  const rates = document.getElementById('detail-rates');
  rates.replaceChildren();
  const rows = [['codec', s.codec + (s.width ? ' ' + s.width + 'x' + s.height : '')],
    ['frames in', s.framesPerSecond.toFixed(2) + ' /s'], ['events', s.eventsPerSecond.toFixed(2) + ' /s'],
    ['skipped', s.skippedPerSecond.toFixed(2) + ' /s'], ['dead letters', s.deadLettersPerSecond.toFixed(2) + ' /s'],
    ['last frame', String(s.lastFrame)], ['events trail frames by',
      s.latest && s.latest.sequence >= 0 ? String(Math.max(0, s.lastFrame - s.latest.sequence)) : '–'],
    ['last heard', (s.seenMillisAgo / 1000).toFixed(1) + ' s ago']];
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.append(el('td', null, k), el('td', null, v));
    rates.append(tr);
  }
  loadHistory(s.id);
}

// The history strip of the selected camera, fetched again when the camera changes (one request at a time).
function loadHistory(id) {
  if (historyPending) { historyAgain = true; return; }
  historyPending = true;
  fetch('history?camera=' + encodeURIComponent(id)).then(r => r.json()).then(list => {
    if (selected !== id) return;
    const strip = document.getElementById('history');
    strip.replaceChildren();
    for (const o of list.slice().reverse()) {
      const li = el('li');
      li.dataset.status = o.status;
      if (o.sequence >= 0 && o.status !== 'DEAD_LETTER') {
        const img = el('img');
        img.alt = '';
        img.loading = 'lazy';
        img.onerror = () => { img.hidden = true; };
        img.src = frameUrl(id, o.sequence);
        li.append(img);
      }
      li.append(el('div', null, '#' + o.sequence + ' '), el('span', 'status ' + o.status, o.status.replace('_', ' ')));
      if (o.labels.length) li.append(el('div', null, o.labels[0].label + ' ' + (o.labels[0].score * 100).toFixed(0) + '%'));
      if (o.reason) li.append(el('div', 'reason', o.reason));
      if (o.latencyMs !== null && o.latencyMs !== undefined) li.append(el('div', null, o.latencyMs.toFixed(0) + ' ms'));
      strip.append(li);
    }
  }).catch(() => {}).finally(() => {
    historyPending = false;
    if (historyAgain) { historyAgain = false; if (selected) loadHistory(selected); }
  });
}

function summary(unreadable) {
  let skipped = 0, dead = 0;
  for (const s of latest.values()) {
    if (s.latest && s.latest.status.startsWith('SKIPPED')) skipped++;
    if (s.latest && s.latest.status === 'DEAD_LETTER') dead++;
  }
  document.getElementById('summary').textContent = latest.size + ' camera(s); latest outcome skipped on ' + skipped
      + ', dead-lettered on ' + dead + (unreadable ? '; unreadable records ' + unreadable : '');
  document.getElementById('empty').hidden = latest.size > 0;
}

document.getElementById('detail-close').addEventListener('click', () => select(null));

const stream = new EventSource('updates');
const connection = document.getElementById('connection');
stream.onopen = () => { connection.textContent = 'live'; connection.className = 'up'; };
stream.onerror = () => { connection.textContent = 'reconnecting…'; connection.className = 'down'; };
stream.onmessage = e => {
  const u = JSON.parse(e.data);
  if (u.full) {
    for (const id of [...tiles.keys()]) if (!u.tiles.some(t => t.id === id)) remove(id);
  }
  for (const id of u.removed) remove(id);
  for (const s of u.tiles) update(s);
  summary(u.unreadable);
};
