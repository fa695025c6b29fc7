// Alerts: newest first, filtered and paged by the service; one alert with its reasons, what
// to do, its audit trail, and (operators) dismiss, resolve or suppress similar ones.
import { get, post } from './api.js';
import { h, pill, when, ago, empty, field, reasonItem, pager } from './dom.js';
import { session, problem } from './app.js';

const PAGE = 50;
const canAct = () => session.role === 'operator' || session.role === 'admin';

function row(a) {
  return h('tr', { class: `sev-${a.severity}` },
    h('td', {}, pill(a.severity)),
    h('td', {}, h('a', { href: `#/alerts/${encodeURIComponent(a.id)}` }, a.title),
      h('div', { class: 'sub' }, a.type)),
    h('td', {}, h('a', { href: `#/vms/${encodeURIComponent(a.vm_id)}` }, a.vm_name)),
    h('td', {}, pill(a.status)),
    h('td', { class: 'num' }, String(a.count)),
    h('td', {}, ago(a.last_seen), h('div', { class: 'sub' }, when(a.last_seen))));
}

export async function alertsView(status, cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (status) q.set('status', status);
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/alerts?${q}`);
  const list = page.alerts || [];
  const holder = h('div', {});
  const tabs = h('div', { class: 'tabs' }, ['active', 'dismissed', 'resolved', ''].map((s) =>
    h('a', { href: `#/alerts${s ? `?status=${s}` : ''}`, class: s === (status || '') ? 'here' : '' },
      s ? s[0].toUpperCase() + s.slice(1) : 'All')));
  const table = h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['Severity', 'Alert', 'VM', 'Status', 'Count', 'Last seen'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map(row)));
  const more = pager(page, async () => holder.replaceWith(await alertsView(status, page.next_cursor)));
  holder.append(...[h('h1', {}, 'Alerts'), tabs,
    list.length ? table : empty(status === 'active' ? 'No active alert.' : 'No alert.'), more].filter(Boolean));
  return holder;
}

function actions(a, rerender) {
  if (!canAct()) return h('p', { class: 'sub' }, 'Your role can read alerts, not change them.');
  const comment = h('input', { type: 'text', placeholder: 'Comment (kept in the audit trail)', 'aria-label': 'Comment' });
  const err = h('div', { class: 'problem', role: 'alert', hidden: true });
  const act = (what) => async () => {
    err.hidden = true;
    try {
      await post(`/v1/alerts/${encodeURIComponent(a.id)}/${what}`, { comment: comment.value });
      await rerender();
    } catch (x) {
      err.textContent = problem(x).textContent;
      err.hidden = false;
    }
  };
  const suppress = async () => {
    err.hidden = true;
    try {
      const body = { alert_type: a.type, vm_ids: [a.vm_id],
        reason_codes: (a.reasons || []).map((r) => r.code), reason: `similar to alert ${a.id}` };
      if (comment.value.trim()) body.comment = comment.value.trim(); // the service refuses ""
      const rule = await post('/v1/suppression-rules', body);
      err.textContent = `Suppression rule ${rule.id} created: new alerts like this are recorded as dismissed.`;
      err.className = 'note';
      err.hidden = false;
    } catch (x) {
      err.textContent = problem(x).textContent;
      err.hidden = false;
    }
  };
  return h('div', { class: 'actions' }, comment,
    a.status !== 'dismissed' ? h('button', { type: 'button', onclick: act('dismiss') }, 'Dismiss') : null,
    a.status !== 'resolved' ? h('button', { type: 'button', onclick: act('resolve') }, 'Resolve') : null,
    h('button', { type: 'button', class: 'secondary', onclick: suppress }, 'Suppress similar'), err);
}

export async function alertView(id) {
  const a = await get(`/v1/alerts/${encodeURIComponent(id)}`);
  const holder = h('div', {});
  const rerender = async () => holder.replaceWith(await alertView(id));
  holder.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/alerts?status=active' }, 'Alerts'), ' / '),
    h('h1', {}, a.title),
    h('div', { class: 'cols' },
      h('div', {},
        h('section', { class: `card sev-card sev-${a.severity}` }, h('h2', {}, 'What happened'),
          h('div', {}, pill(a.severity), ' ', pill(a.status)),
          h('p', {}, a.description),
          h('dl', { class: 'fields' }, field('VM', h('a', { href: `#/vms/${encodeURIComponent(a.vm_id)}` }, a.vm_name)),
            field('Type', a.type), a.module ? field('Module', a.module) : null,
            field('Count', String(a.count)), field('First seen', when(a.first_seen)),
            field('Last seen', when(a.last_seen)),
            a.suppressed_by ? field('Suppressed by', a.suppressed_by) : null)),
        h('section', { class: 'card' }, h('h2', {}, 'Investigate'), h('p', { class: 'remedy' }, a.remediation),
          actions(a, rerender))),
      h('div', {},
        h('section', { class: 'card' }, h('h2', {}, 'Reasons'), h('ul', { class: 'reasons' }, (a.reasons || []).map((r) => reasonItem(r, false)))),
        h('section', { class: 'card' }, h('h2', {}, 'Audit trail'),
          h('ol', { class: 'audit' }, (a.audit || []).map((e) => h('li', {},
            h('span', { class: 'sub' }, when(e.time)), ' ', h('strong', {}, e.action), ' by ', e.actor,
            e.comment ? h('div', { class: 'sub' }, e.comment) : null)))))));
  return holder;
}
