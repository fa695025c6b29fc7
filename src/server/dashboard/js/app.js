// The dashboard: sign-in, then a router over #/fleet, #/vms[/ID], #/vms?host=H,
// #/vms?host_state=boot_failed, #/hosts,
// #/alerts[/ID], #/rules, #/webhooks[/ID], #/catalog.
import { api, get, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { fleetView } from './fleet.js';
import { rulesView, webhooksView, webhookView } from './delivery.js';
import { vmView } from './vm.js';
import { catalogView } from './catalog.js';
import { alertsView, alertView } from './alerts.js';
import { hostsView } from './hosts.js';

const main = document.getElementById('main');
export const session = { name: '', role: '', tenant: '' };

function show(...nodes) {
  clear(main).append(...nodes);
}

export function problem(err) {
  const text = err instanceof ApiError
    ? `${err.message}${err.code ? ` (${err.code})` : ''}`
    : 'something went wrong in this page';
  return h('div', { class: 'problem', role: 'alert' }, text);
}

function signIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'API token', 'aria-label': 'API token' });
  const note = h('p', { class: 'hint' }, 'Sign in with an API token (tl tokens create, or STATE/admin.token). ' +
    'It becomes a session cookie this page cannot read; the token itself is not kept.');
  const err = h('div', { class: 'problem', role: 'alert', hidden: !message }, message || '');
  const form = h('form', { class: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    err.hidden = true;
    try {
      await api('POST', '/v1/session', { token: input.value });
      input.value = '';
      await start();
    } catch (x) {
      err.textContent = x.status === 401 ? 'That token is not known to this service.' : problem(x).textContent;
      err.hidden = false;
    }
  } }, h('h1', {}, 'Sign in'), note, input, h('button', { type: 'submit' }, 'Sign in'), err);
  show(form);
  input.focus();
}

async function route() {
  const hash = location.hash || '#/fleet';
  const [path, query] = hash.split('?');
  const [, page, id] = path.split('/');
  const args = new URLSearchParams(query || '');
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('here', a.dataset.nav === page);
  try {
    if (page === 'vms' && id) show(await vmView(decodeURIComponent(id)));
    else if (page === 'alerts' && id) show(await alertView(decodeURIComponent(id)));
    else if (page === 'alerts') show(await alertsView(args.get('status') || ''));
    else if (page === 'vms') show(await fleetView({ listOnly: true, host: args.get('host') || '', hostState: args.get('host_state') || '' }));
    else if (page === 'hosts') show(await hostsView());
    else if (page === 'catalog') show(await catalogView());
    else if (page === 'rules') show(await rulesView());
    else if (page === 'webhooks' && id) show(await webhookView(decodeURIComponent(id)));
    else if (page === 'webhooks') show(await webhooksView());
    else show(await fleetView({}));
  } catch (x) {
    if (x instanceof ApiError && x.status === 401) return signIn('Your session ended: sign in again.');
    show(problem(x));
  }
}

async function start() {
  let me;
  try {
    me = await get('/v1/session');
  } catch (x) {
    return signIn(x instanceof ApiError && x.status === 401 ? '' : problem(x).textContent);
  }
  Object.assign(session, me);
  document.getElementById('who-name').textContent = me.name;
  document.getElementById('who-role').textContent = me.role;
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  await route();
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('DELETE', '/v1/session'); } catch (x) { /* signed out either way */ }
  signIn('');
});
window.addEventListener('hashchange', route);
start();
