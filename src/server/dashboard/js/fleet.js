// The fleet: how many VMs are healthy and what to turn on, counted over the whole fleet by the
// service, and the VMs themselves a page at a time (this page never loads the whole inventory).
import { get, vmPath } from './api.js';
import { h, pill, yesno, empty, pager } from './dom.js';
import { hostCell, hostLink } from './host.js';

const PAGE = 50;

async function assessment(id) {
  try { return await get(vmPath(id, '/assessment')); } catch (e) { return null; }
}

function row(vm, a, host) {
  const link = h('a', { href: `#/vms/${encodeURIComponent(vm.id)}` }, vm.name);
  const failed = vm.host_state === 'boot_failed';
  return h('tr', { class: failed ? 'host-failed' : '' },
    h('td', {}, link, h('div', { class: 'sub mono' }, vm.id)),
    hostCell(vm, host),
    h('td', {}, a ? pill(a.status) : '–', a ? h('div', { class: 'sub' }, a.message) : null),
    h('td', {}, pill(vm.security_type)),
    h('td', {}, yesno(vm.secure_boot)),
    h('td', {}, yesno(vm.vtpm)),
    h('td', {}, vm.enrolled ? 'Enrolled' : h('span', { class: 'no' }, 'Not enrolled')),
    h('td', {}, vm.size, h('div', { class: 'sub' }, vm.os)));
}

// The whole fleet's counts (GET /v1/recommendations), not only the page's: first the VMs whose
// last boot failed (as their hosts reported it), a link to the list of those.
function tiles(sum) {
  const a = sum.assessment || {};
  const hs = sum.host_states || {};
  const tile = (label, n, cls) => h('div', { class: `tile ${cls}` }, h('div', { class: 'n' }, String(n ?? 0)), h('div', {}, label));
  const failed = hs.boot_failed ?? 0;
  const boot = h('a', { class: `tile ${failed > 0 ? 'bad' : 'ok'} link-tile boot-failed`, href: '#/vms?host_state=boot_failed',
    title: 'The VMs whose last boot failed, as their hosts reported it' },
  h('div', { class: 'n' }, String(failed)), h('div', {}, 'Boot failed'),
  h('div', { class: 'sub' }, `Secure Boot refused ${hs.secure_boot_refused ?? 0} · boot deadline ${hs.boot_deadline ?? 0}`));
  return h('section', { class: 'tiles four', 'aria-label': 'Boot integrity of the fleet' },
    boot,
    tile('Healthy', a.healthy, 'ok'),
    tile('Unhealthy', a.unhealthy, 'bad'),
    tile('Not applicable', a.not_applicable, 'na'));
}

// Active alerts by severity (GET /v1/alert-counts), each a link to the list.
function alertTiles(counts) {
  const a = counts.active || {};
  const tile = (sev, cls) => h('a', { class: `tile ${cls} link-tile`, href: '#/alerts?status=active' },
    h('div', { class: 'n' }, String(a[sev] ?? 0)), h('div', {}, `Active ${sev} alerts`));
  return h('section', { class: 'tiles two', 'aria-label': 'Active alerts by severity' },
    tile('medium', 'bad'), tile('low', 'warn'));
}

function recTable(sum) {
  const line = (r) => h('tr', {},
    h('td', {}, r.title, h('div', { class: 'sub mono' }, r.id)),
    h('td', {}, pill(r.severity)),
    h('td', { class: r.counts.unhealthy ? 'no' : '' }, String(r.counts.unhealthy)),
    h('td', {}, String(r.counts.healthy)),
    h('td', {}, String(r.counts.not_applicable)));
  return h('section', { 'aria-label': 'Recommendations' },
    h('h2', {}, 'Recommendations'),
    h('table', { class: 'grid recs' },
      h('thead', {}, h('tr', {}, ...['Recommendation', 'Severity', 'Unhealthy VMs', 'Healthy', 'Not applicable'].map((t) => h('th', {}, t)))),
      h('tbody', {}, (sum.recommendations || []).map(line))));
}

// listOnly: the VMs without the fleet's counts; host: only the VMs of that host's inventory;
// hostState: only the VMs whose host last reported that state (boot_failed).
export async function fleetView({ listOnly, host, hostState }, cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (host) q.set('host', host);
  if (hostState) q.set('host_state', hostState);
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/vms?${q}`);
  const vms = page.vms || [];
  const rows = await Promise.all(vms.map(async (vm) => [vm, await assessment(vm.id)]));
  const table = h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['VM', 'Host state', 'Boot integrity', 'Security type', 'Secure Boot', 'vTPM', 'Agent', 'Size / OS'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.map(([vm, a]) => row(vm, a, host))));
  const [sum, counts] = listOnly || cursor ? [null, null]
    : await Promise.all([get('/v1/recommendations'), get('/v1/alert-counts')]);
  const holder = h('div', {});
  const more = pager(page, async () => holder.replaceWith(await fleetView({ listOnly, host, hostState }, page.next_cursor)));
  const failedList = hostState === 'boot_failed';
  holder.append(...[
    host ? h('p', { class: 'crumbs' }, h('a', { href: '#/hosts' }, 'Hosts'), ' / ') : null,
    h('h1', {}, host ? ['Virtual machines on ', hostLink(host)] : failedList ? 'Virtual machines whose boot failed'
      : listOnly ? 'Virtual machines' : 'Fleet'),
    host ? h('p', { class: 'sub' }, 'The VMs whose domain this host\'s last inventory listed. ',
      h('a', { href: '#/vms' }, 'All VMs')) : null,
    failedList ? h('p', { class: 'sub' }, 'The VMs whose host reported that their last boot failed: Secure Boot refused the boot chain, or the boot passed its deadline. ',
      h('a', { href: '#/vms' }, 'All VMs')) : null,
    sum ? tiles(sum) : null,
    sum ? h('p', { class: 'sub tiles-note' }, `Boot integrity of all ${sum.vms} VMs; failed boots as their hosts last reported them.`) : null,
    counts ? alertTiles(counts) : null,
    sum ? recTable(sum) : null,
    sum ? h('h2', {}, 'Virtual machines') : null,
    vms.length ? table : empty(host ? 'This host\'s inventory listed no VM of yours.'
      : failedList ? 'No VM of yours failed its last boot.'
      : 'No VMs are registered yet. Register one with tl vm register.'),
    more].filter(Boolean));
  return holder;
}
