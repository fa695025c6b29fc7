// The compatibility catalog: which size families and OS versions support Trusted Launch.
import { get } from './api.js';
import { h } from './dom.js';

function families(label, list, cls) {
  if (!list || !list.length) return null;
  return h('div', { class: 'fams' }, h('span', { class: 'k' }, label),
    list.map((f) => h('span', { class: `fam ${cls}` }, f)));
}

export async function catalogView() {
  const c = await get('/v1/catalog');
  return h('div', {}, h('h1', {}, 'Compatibility catalog'),
    h('div', { class: 'cols' },
      h('div', {}, (c.categories || []).map((k) => h('section', { class: 'card' }, h('h2', {}, k.title),
        families('Supported', k.supported, 'ok'), families('Not yet', k.currently_unsupported, 'warn'),
        families('Gen1 only', k.unsupported, 'bad'),
        k.all_sizes_supported ? h('p', { class: 'sub' }, 'All sizes supported.') : null))),
      h('div', {}, h('section', { class: 'card' }, h('h2', {}, 'Operating systems'),
        h('ul', { class: 'plain' }, (c.os || []).map((o) => h('li', {}, o.name, h('span', { class: 'sub mono' }, ` ${o.id}`))))),
      h('section', { class: 'card' }, h('h2', {}, 'Notes'), h('ul', {}, (c.notes || []).map((n) => h('li', {}, n.text)))))));
}
