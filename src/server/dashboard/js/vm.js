// One VM: its profile, boot-integrity assessment, recommendations, attestation history (each
// verdict with its reasons, expected against actual) and its baseline by component.
import { get, vmPath } from './api.js';
import { h, pill, yesno, field, when, ago, empty, reasonItem as reason, value } from './dom.js';
import { hostBanner, hostCard } from './host.js';

async function optional(path) {
  try { return await get(path); } catch (e) { if (e.status === 404) return null; throw e; }
}

function profile(vm) {
  return h('section', { class: 'card' }, h('h2', {}, 'Profile'),
    h('dl', { class: 'fields' },
      field('Security type', pill(vm.security_type)), field('Secure Boot', yesno(vm.secure_boot)),
      field('vTPM', yesno(vm.vtpm)), field('Agent', vm.enrolled ? 'Enrolled' : 'Not enrolled'),
      field('Size', vm.size), field('OS', vm.os), field('Tenant', vm.tenant),
      vm.scale_set ? field('Scale set', vm.scale_set) : null, field('Registered', when(vm.created))));
}

function assessmentCard(a) {
  return h('section', { class: `card assess assess-${a.status}` }, h('h2', {}, 'Boot integrity'),
    h('div', { class: 'big' }, pill(a.status)), h('p', {}, a.message),
    a.reasons && a.reasons.length ? h('ul', { class: 'reasons' }, a.reasons.map((r) => reason(r, false))) : null);
}

function recommendations(list) {
  return h('section', { class: 'card' }, h('h2', {}, 'Recommendations'),
    h('ul', { class: 'recs' }, list.map((r) => h('li', { class: `rec rec-${r.status}` },
      h('div', {}, pill(r.status), ' ', h('strong', {}, r.title)),
      h('div', { class: 'sub' }, r.reason),
      r.status === 'unhealthy' ? h('div', { class: 'fix' }, h('span', { class: 'k' }, 'Remediation'), h('code', {}, r.remediation)) : null))));
}

function timeline(list) {
  if (!list.length) return h('section', { class: 'card' }, h('h2', {}, 'Attestations'), empty('No attestation yet.'));
  return h('section', { class: 'card' }, h('h2', {}, 'Attestations'),
    h('ol', { class: 'timeline' }, list.map((a) => h('li', { class: `t t-${a.verdict}` },
      h('div', { class: 'when' }, when(a.time), h('span', { class: 'sub' }, ` · ${ago(a.time)} · #${a.id}`)),
      pill(a.verdict),
      a.reasons && a.reasons.length ? h('ul', { class: 'reasons brief' }, a.reasons.map((r) => reason(r, true))) : null))));
}

function baseline(b) {
  if (!b) return h('section', { class: 'card' }, h('h2', {}, 'Baseline'), empty('No baseline: the first healthy attestation sets it.'));
  const comps = b.components || {};
  return h('section', { class: 'card' }, h('h2', {}, 'Baseline'),
    h('p', { class: 'sub' }, `${b.source || ''} · ${when(b.created)}`),
    h('dl', { class: 'fields components' }, Object.keys(comps).sort().map((k) => field(k, value('', comps[k])))));
}

export async function vmView(id) {
  const [vm, a, recs, atts, b] = await Promise.all([
    get(vmPath(id)), get(vmPath(id, '/assessment')), get(vmPath(id, '/recommendations')),
    get(vmPath(id, '/attestations?limit=20')), optional(vmPath(id, '/baseline'))]);
  return h('div', {},
    h('p', { class: 'crumbs' }, h('a', { href: '#/vms' }, 'Virtual machines'), ' / '),
    h('h1', {}, vm.name, vm.host_state ? [' ', pill(vm.host_state)] : null, h('span', { class: 'sub mono' }, ` ${vm.id}`)),
    hostBanner(vm, (atts.attestations || []).length > 0),
    h('div', { class: 'cols' },
      h('div', {}, assessmentCard(a), recommendations(recs.recommendations || []), profile(vm)),
      h('div', {}, hostCard(vm), timeline(atts.attestations || []), baseline(b))));
}
