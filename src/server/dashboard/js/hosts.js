// Hosts: each host whose daemon (tl-hostd) sends inventories, by name, paged by the service;
// how many domains its last inventory listed, when, whether that is stale, and its VMs.
import { get } from './api.js';
import { h, when, ago, empty, pager } from './dom.js';
import { isStale, STALE_AFTER } from './host.js';

const PAGE = 50;

function row(host) {
  const stale = isStale(host.seen);
  const vms = `#/vms?host=${encodeURIComponent(host.name)}`;
  return h('tr', { class: stale ? 'stale' : '' },
    h('td', {}, h('a', { href: vms }, host.name)),
    h('td', {}, host.tenant === '*' ? 'every tenant' : host.tenant),
    h('td', { class: 'num' }, String(host.domains)),
    h('td', {}, stale ? h('span', { class: 'pill pill-stale' }, 'Stale') : h('span', { class: 'pill pill-current' }, 'Current'),
      h('div', { class: stale ? 'sub warn-sub' : 'sub' }, stale ? `no inventory for ${ago(host.seen).replace(' ago', '')}` : ago(host.seen)),
      h('div', { class: 'sub' }, when(host.seen))),
    h('td', {}, h('a', { href: vms }, 'View VMs')));
}

export async function hostsView(cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) q.set('cursor', cursor);
  const page = await get(`/v1/hosts?${q}`);
  const list = page.hosts || [];
  const holder = h('div', {});
  const table = h('table', { class: 'grid hosts' },
    h('thead', {}, h('tr', {}, ...['Host', 'Tenant', 'Domains', 'Last inventory', 'VMs'].map((t) => h('th', { class: t === 'Domains' ? 'num' : null }, t)))),
    h('tbody', {}, list.map(row)));
  const more = pager(page, async () => holder.replaceWith(await hostsView(page.next_cursor)));
  holder.append(...[h('h1', {}, 'Hosts'),
    h('p', { class: 'sub' }, `Hosts whose daemon (tl-hostd) reports its libvirt domains. A host is stale when its last ` +
      `inventory is older than ${STALE_AFTER / 60} minutes (five of tl-hostd's default 60 s intervals): ` +
      'what it reported may no longer be true.'),
    list.length ? table : empty('No host has reported yet. Start tl-hostd on a KVM host (docs/hostd.md).'),
    more].filter(Boolean));
  return holder;
}
