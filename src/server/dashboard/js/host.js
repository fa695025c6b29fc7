// What a VM's host reports (docs/hostd.md): its host state (running, stopped, boot_failed with
// a typed reason and the last console lines) and the domain's profile from the host's last
// inventory. Console lines are what the guest printed: shown as text, never as markup.
import { h, pill, yesno, field, when, ago, empty } from './dom.js';

// tl-hostd's inventory comes every 60 s by default (--inventory-every): a host silent for
// five of those is stale.
export const STALE_AFTER = 300;
export const isStale = (seen) => Date.now() / 1000 - Number(seen) > STALE_AFTER;

const REASONS = {
  secure_boot_refused: ['Secure Boot refused the boot chain',
    'The firmware, shim or GRUB refused a signature (the console below shows which): the VM did ' +
    'not boot its kernel. Whatever was changed in its boot chain was not signed by a key it trusts.'],
  boot_deadline: ['no agent contact before the boot deadline',
    'The VM started, but its agent never reached the host before the deadline (tl-hostd ' +
    '--boot-deadline): it hangs in the firmware or the boot loader, or its agent does not run.'],
};

// The host decides a refusal by these words on the console (docs/hostd.md): those lines stand out.
const REFUSAL = /bad shim signature|Security Violation|Access Denied/;

export function hostLink(name) {
  return h('a', { href: `#/vms?host=${encodeURIComponent(name)}` }, name);
}

export function reasonWords(reason) {
  return (REASONS[reason] || [reason || 'no reason given', ''])[0];
}

function consoleBlock(lines) {
  if (!lines || !lines.length) return empty('The host sent no console lines.');
  return h('div', { class: 'console-wrap' },
    h('div', { class: 'k' }, `Serial console, the last ${lines.length} lines as the host saw them (escaped by the host)`),
    h('pre', { class: 'console', 'aria-label': 'Serial console' },
      lines.map((l) => h('span', { class: REFUSAL.test(l) ? 'line hit' : 'line' }, String(l)))));
}

function reportedBy(vm) {
  const by = vm.host ? ['Reported by host ', hostLink(vm.host.name)] : ['Reported by the host daemon'];
  return h('p', { class: 'sub' }, ...by, ` · ${when(vm.host_state_at)} · ${ago(vm.host_state_at)}`);
}

// A boot that failed, across the page above everything else; attested: an earlier boot attested.
export function hostBanner(vm, attested) {
  if (vm.host_state !== 'boot_failed') return null;
  const [title, meaning] = REASONS[vm.host_reason] || [reasonWords(vm.host_reason), ''];
  return h('section', { class: 'card host-failed', role: 'alert' },
    h('h2', {}, `Boot failed: ${title}`),
    meaning ? h('p', {}, meaning) : null,
    h('p', {}, attested
      ? 'A boot that fails never reaches the agent: the boot-integrity assessment and the attestations below are from earlier boots.'
      : 'No boot of this VM has attested: the boot-integrity assessment below cannot say more than this.'),
    reportedBy(vm),
    consoleBlock(vm.host_console));
}

function profileFields(p) {
  if (!p || !p.firmware) return [];
  const tpm = p.tpm ? `TPM ${p.tpm.version} (${p.tpm.model})` : h('span', { class: 'no' }, 'None');
  return [
    field('Firmware', p.firmware === 'uefi' ? 'UEFI' : 'BIOS (legacy)'),
    field('Secure loader', yesno(p.secure_loader)),
    field('Secure Boot keys', p.keys_enrolled ? h('span', { class: 'yes' }, 'Enrolled') : h('span', { class: 'no' }, 'Not enrolled')),
    field('TPM', tpm),
    field('SMM', yesno(p.smm)),
  ];
}

function seenField(seen) {
  return field('Last inventory', [when(seen), h('span', { class: 'sub' }, ` · ${ago(seen)} `),
    isStale(seen) ? h('span', { class: 'pill pill-stale' }, 'Stale') : null]);
}

// The host card of a VM: its state and the domain's profile as the host saw it.
export function hostCard(vm) {
  const host = vm.host;
  if (!host && !vm.host_state)
    return h('section', { class: 'card' }, h('h2', {}, 'Host'), empty('No host daemon has reported this VM.'));
  const state = vm.host_state
    ? [pill(vm.host_state), vm.host_reason ? h('div', { class: 'sub' }, reasonWords(vm.host_reason)) : null,
      h('div', { class: 'sub' }, `since ${when(vm.host_state_at)}`)]
    : h('span', { class: 'sub' }, 'not reported yet');
  return h('section', { class: `card host-card host-${vm.host_state || 'none'}` }, h('h2', {}, 'Host'),
    h('dl', { class: 'fields' },
      field('Host state', state),
      host ? field('Host', hostLink(host.name)) : null,
      host ? field('Domain', h('span', { class: 'mono' }, host.domain)) : null,
      host ? field('Created by', host.trustlaunch ? 'trustlaunch' : 'not trustlaunch (found by the inventory)') : null,
      ...profileFields(host && host.profile),
      host ? seenField(host.seen) : null));
}

// The fleet's host column: the state (a boot failure with its reason) and the host (unless
// the list is of one host's VMs).
export function hostCell(vm, oneHost) {
  if (!vm.host_state && !vm.host) return h('td', {}, h('span', { class: 'sub' }, '–'));
  return h('td', {},
    vm.host_state ? pill(vm.host_state) : h('span', { class: 'sub' }, 'No state'),
    vm.host_state === 'boot_failed' ? h('div', { class: 'sub bad-sub' }, reasonWords(vm.host_reason)) : null,
    vm.host && !oneHost ? h('div', { class: 'sub' }, 'on ', hostLink(vm.host.name)) : null);
}
