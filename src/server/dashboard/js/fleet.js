// The fleet: how many VMs are healthy, and the VMs themselves, a page at a time (the service
// pages; this page never loads the whole inventory).
import { get, vmPath } from './api.js';
import { h, pill, yesno, empty } from './dom.js';

const PAGE = 50;

async function assessment(id) {
  try { return await get(vmPath(id, '/assessment')); } catch (e) { return null; }
}

function row(vm, a) {
  const link = h('a', { href: `#/vms/${encodeURIComponent(vm.id)}` }, vm.name);
  return h('tr', {},
    h('td', {}, link, h('div', { class: 'sub mono' }, vm.id)),
    h('td', {}, a ? pill(a.status) : '–', a ? h('div', { class: 'sub' }, a.message) : null),
    h('td', {}, pill(vm.security_type)),
    h('td', {}, yesno(vm.secure_boot)),
    h('td', {}, yesno(vm.vtpm)),
    h('td', {}, vm.enrolled ? 'Enrolled' : h('span', { class: 'no' }, 'Not enrolled')),
    h('td', {}, vm.size, h('div', { class: 'sub' }, vm.os)));
}

function tiles(rows) {
  const count = (s) => rows.filter(([, a]) => a && a.status === s).length;
  const tile = (label, n, cls) => h('div', { class: `tile ${cls}` }, h('div', { class: 'n' }, String(n)), h('div', {}, label));
  return h('section', { class: 'tiles', 'aria-label': 'Assessment of the VMs listed' },
    tile('Healthy', count('healthy'), 'ok'),
    tile('Unhealthy', count('unhealthy'), 'bad'),
    tile('Not applicable', count('not_applicable'), 'na'));
}

export async function fleetView({ listOnly }, cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/vms?${q}`);
  const vms = page.vms || [];
  const rows = await Promise.all(vms.map(async (vm) => [vm, await assessment(vm.id)]));
  const table = h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['VM', 'Boot integrity', 'Security type', 'Secure Boot', 'vTPM', 'Agent', 'Size / OS'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.map(([vm, a]) => row(vm, a))));
  const holder = h('div', {});
  const more = page.next_cursor
    ? h('button', { type: 'button', class: 'more', onclick: async () => {
      holder.replaceWith(await fleetView({ listOnly }, page.next_cursor));
    } }, 'Next page')
    : null;
  holder.append(...[
    h('h1', {}, listOnly ? 'Virtual machines' : 'Fleet'),
    listOnly ? null : tiles(rows),
    listOnly ? null : h('p', { class: 'sub tiles-note' }, `Boot integrity of the ${vms.length} VMs on this page.`),
    vms.length ? table : empty('No VMs are registered yet. Register one with tl vm register.'),
    more].filter(Boolean));
  return holder;
}
