// Building the page from data: every value from the API goes in as text, never as markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function when(unixSeconds) {
  if (unixSeconds === undefined || unixSeconds === null) return '–';
  const d = new Date(Number(unixSeconds) * 1000);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function ago(unixSeconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - Number(unixSeconds)));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

// A status pill: healthy / unhealthy / not_applicable / pending, and its words.
const WORDS = { healthy: 'Healthy', unhealthy: 'Unhealthy', not_applicable: 'Not applicable',
  active: 'Active', resolved: 'Resolved', dismissed: 'Dismissed', low: 'Low', medium: 'Medium',
  high: 'High', trustedlaunch: 'Trusted Launch', standard: 'Standard', confidential: 'Confidential',
  running: 'Running', stopped: 'Stopped', boot_failed: 'Boot failed' };
export function pill(status) {
  return h('span', { class: `pill pill-${String(status).replace(/[^a-z_]/g, '')}` },
    WORDS[status] || String(status));
}

export function yesno(v) {
  return h('span', { class: v ? 'yes' : 'no' }, v ? 'On' : 'Off');
}

export function field(label, value) {
  return [h('dt', {}, label), h('dd', {}, value)];
}

// "Next page" when the service gave a cursor (next: replaces the list with the next page).
export function pager(page, next) {
  return page.next_cursor
    ? h('button', { type: 'button', class: 'more', onclick: next }, 'Next page')
    : null;
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

// A reason of a verdict or an alert: code, component, sentence, expected against actual.
export function show(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 1);
}

// A value: short ones as they are, long lists folded (the message already says what changed).
export function value(label, v) {
  const text = show(v);
  const body = h('pre', {}, text);
  if (text.split('\n').length <= 6) return h('div', {}, h('span', { class: 'k' }, label), body);
  return h('div', {}, h('details', {}, h('summary', { class: 'k' }, `${label} (${text.split('\n').length} lines)`), body));
}

export function reasonItem(r, brief) {
  const diff = !brief && ('expected' in r || 'actual' in r)
    ? h('div', { class: 'diff' }, value('expected', r.expected), value('actual', r.actual))
    : null;
  return h('li', { class: 'reason' },
    h('div', {}, h('code', {}, r.code), r.component ? h('span', { class: 'comp' }, r.component) : null),
    h('div', { class: 'msg' }, r.message), diff);
}

