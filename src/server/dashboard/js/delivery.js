// Suppression rules and webhooks: what keeps expected alerts quiet and where the others go.
// Lists are paged by the service; operators may delete a rule, send a webhook a test event.
import { get, post, del } from './api.js';
import { h, when, empty, field, pager } from './dom.js';
import { session, problem } from './app.js';

const PAGE = 50;
const canAct = () => session.role === 'operator' || session.role === 'admin';

function ruleRow(r, onDelete) {
  const vms = r.vm_ids && r.vm_ids.length
    ? r.vm_ids.map((id) => h('div', {}, h('a', { class: 'mono', href: `#/vms/${encodeURIComponent(id)}` }, id)))
    : 'Every VM';
  return h('tr', {},
    h('td', {}, r.alert_type),
    h('td', {}, vms),
    h('td', {}, r.reason_codes && r.reason_codes.length ? r.reason_codes.join(', ') : 'Any reason'),
    h('td', {}, r.reason, r.comment ? h('div', { class: 'sub' }, r.comment) : null),
    h('td', {}, r.created_by, h('div', { class: 'sub' }, when(r.created))),
    h('td', {}, r.expires ? when(r.expires) : 'Never'),
    canAct() ? h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: onDelete }, 'Delete')) : null);
}

export async function rulesView(cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/suppression-rules?${q}`);
  const rules = page.rules || [];
  const holder = h('div', {});
  const err = h('div', { class: 'problem', role: 'alert', hidden: true });
  const remove = (r) => async () => {
    try {
      await del(`/v1/suppression-rules/${encodeURIComponent(r.id)}`);
      holder.replaceWith(await rulesView(cursor));
    } catch (x) {
      err.textContent = problem(x).textContent;
      err.hidden = false;
    }
  };
  const heads = ['Alert type', 'VMs', 'Reasons', 'Why', 'Created', 'Expires'].concat(canAct() ? [''] : []);
  const table = h('table', { class: 'grid rules' },
    h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', {}, t)))),
    h('tbody', {}, rules.map((r) => ruleRow(r, remove(r)))));
  holder.append(...[h('h1', {}, 'Suppression rules'),
    h('p', { class: 'sub' }, 'A new alert that matches a rule is recorded as dismissed, naming the rule, and is not delivered as new. Create one from an alert ("Suppress similar") or with tl suppressions create.'),
    err,
    rules.length ? table : empty('No suppression rules: every alert is raised.'),
    pager(page, async () => holder.replaceWith(await rulesView(page.next_cursor)))].filter(Boolean));
  return holder;
}

export async function webhooksView(cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/webhooks?${q}`);
  const hooks = page.webhooks || [];
  const holder = h('div', {});
  const table = h('table', { class: 'grid hooks' },
    h('thead', {}, h('tr', {}, ...['Receiver', 'Events', 'Created'].map((t) => h('th', {}, t)))),
    h('tbody', {}, hooks.map((w) => h('tr', {},
      h('td', {}, h('a', { href: `#/webhooks/${encodeURIComponent(w.id)}` }, w.url), h('div', { class: 'sub mono' }, w.id)),
      h('td', {}, (w.events || []).join(', ')),
      h('td', {}, w.created_by, h('div', { class: 'sub' }, when(w.created)))))));
  holder.append(...[h('h1', {}, 'Webhooks'),
    h('p', { class: 'sub' }, 'Events are signed as Standard Webhooks does and delivered at least once, retried with back-off. Create one with tl webhooks create (its secret is shown once).'),
    hooks.length ? table : empty('No webhooks: alerts are only shown here.'),
    pager(page, async () => holder.replaceWith(await webhooksView(page.next_cursor)))].filter(Boolean));
  return holder;
}

function deliveryRow(d) {
  const ok = d.status >= 200 && d.status < 300;
  return h('tr', {},
    h('td', {}, when(d.time)),
    h('td', {}, d.type, h('div', { class: 'sub mono' }, d.event_id)),
    h('td', { class: 'num' }, String(d.attempt)),
    h('td', { class: ok ? 'yes' : 'no' }, d.status ? String(d.status) : 'no answer'),
    h('td', {}, d.error || '–'),
    h('td', { class: 'num' }, `${d.duration_ms} ms`));
}

export async function webhookView(id, cursor) {
  const path = `/v1/webhooks/${encodeURIComponent(id)}`;
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const [w, page] = await Promise.all([get(path), get(`${path}/deliveries?${q}`)]);
  const list = page.deliveries || [];
  const holder = h('div', {});
  const note = h('div', { class: 'note', role: 'status', hidden: true });
  const test = async () => {
    try {
      await post(`${path}/test`);
      note.textContent = 'A webhook.test event was queued for this webhook; its delivery appears below.';
      note.className = 'note';
    } catch (x) {
      note.textContent = problem(x).textContent;
      note.className = 'problem';
    }
    note.hidden = false;
  };
  const table = h('table', { class: 'grid deliveries' },
    h('thead', {}, h('tr', {}, ...['Time', 'Event', 'Attempt', 'Answer', 'Error', 'Took'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map(deliveryRow)));
  holder.append(...[h('h1', {}, w.url),
    h('dl', { class: 'fields' }, field('Events', (w.events || []).join(', ')), field('Created', `${when(w.created)} by ${w.created_by}`), field('Id', w.id)),
    canAct() ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: test }, 'Send test event'), note) : null,
    h('h2', {}, 'Delivery attempts'),
    list.length ? table : empty('No delivery attempts yet.'),
    pager(page, async () => holder.replaceWith(await webhookView(id, page.next_cursor)))].filter(Boolean));
  return holder;
}
