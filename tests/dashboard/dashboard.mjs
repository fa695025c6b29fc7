// The dashboard in Debian's Chromium, driven by playwright-core: sign in, the fleet, an
// unhealthy VM's reasons, an alert dismissed by an operator and not by a reader, a VM whose
// name is markup shown as text, a VM whose boot Secure Boot refused (its console, with
// markup a guest printed, as text), the fleet's boot-failed tile and the list it links to,
// the hosts and a host's VMs; screenshots into $OUT.
// Exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const { BASE, ADMIN, READER, VM_ID, XSS_ID, ALERT_ID, SBF_ID, OUT } = process.env;
const XSS = '<img src=x onerror=alert(1)>';
let passes = 0;
const ok = (cond, what) => {
  if (!cond) throw new Error(`FAIL: ${what}`);
  passes++;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const scripts = [];
  page.on('console', (m) => { if (m.type() === 'error') scripts.push(m.text()); });

  // the page and its headers
  const res = await page.goto(`${BASE}/ui`);
  const csp = res.headers()['content-security-policy'] || '';
  ok(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `a strict CSP: ${csp}`);
  await page.waitForSelector('form.signin');
  await page.screenshot({ path: `${OUT}/01-sign-in.png` });

  // a wrong token, then the admin's
  await page.fill('#token', 'not-a-token-of-this-service-0000');
  await page.click('form.signin button');
  await page.waitForSelector('form.signin [role=alert]:not([hidden])');
  ok((await page.textContent('form.signin [role=alert]')).includes('not known'), 'a wrong token is refused');
  await page.fill('#token', ADMIN);
  await page.click('form.signin button');
  await page.waitForSelector('table.grid');
  ok((await page.evaluate(() => document.cookie)).indexOf('tl_session') < 0, 'the session cookie is HttpOnly');
  const fleet = await page.textContent('main');
  ok(fleet.includes('web-1'), 'the fleet lists web-1');
  ok((await page.textContent('table.grid:not(.recs) tbody')).includes('Unhealthy'), 'the fleet shows an unhealthy VM');
  ok(fleet.includes(XSS), 'a VM named with markup is shown as its characters');
  ok(await page.locator('main img').count() === 0, 'no element was made from a VM name');
  const sum = await page.evaluate(async () => (await fetch('/v1/recommendations')).json());
  const integrity = 'section[aria-label="Boot integrity of the fleet"]';
  ok(await page.textContent(`${integrity} div.tile.bad .n`) === String(sum.assessment.unhealthy) && sum.assessment.unhealthy >= 1,
    'the unhealthy tile counts the fleet');
  ok(fleet.includes(`Boot integrity of all ${sum.vms} VMs`), 'the tiles say they count the whole fleet');
  const counts = await page.evaluate(async () => (await fetch('/v1/alert-counts')).json());
  ok(counts.active.medium >= 1
    && (await page.textContent('section[aria-label="Active alerts by severity"] a.tile.bad .n')) === String(counts.active.medium),
    'the active medium alerts are counted on the fleet page');
  ok(fleet.includes('vTPM should be enabled on supported VMs') && await page.locator('table.recs tbody tr').count() === 4,
    'the fleet\'s recommendations');
  // the VM whose boot failed stands out in the list, with why and where; web-1 runs
  const failedRow = page.locator('table.grid:not(.recs) tbody tr.host-failed');
  ok(await failedRow.count() === 1, 'one row of a failed boot, marked');
  const ft = await failedRow.textContent();
  ok(ft.includes('sb-fail-1') && ft.includes('Boot failed') && ft.includes('Secure Boot refused the boot chain')
    && ft.includes('kvm-7'), `the failed boot's row says what and where: ${ft}`);
  const bg = await page.evaluate(() => [...document.querySelectorAll('table.grid:not(.recs) tbody tr')]
    .map((tr) => [tr.classList.contains('host-failed'), getComputedStyle(tr.cells[0]).backgroundColor]));
  ok(bg.filter(([f]) => f).every(([, c]) => bg.filter(([f]) => !f).every(([, d]) => d !== c)),
    `the failed row's colour differs from the others': ${JSON.stringify(bg)}`);
  const web = await page.textContent('table.grid:not(.recs) tbody tr:has-text("web-1")');
  ok(web.includes('Running') && web.includes('kvm-7') && !web.includes('Boot failed'), `web-1 runs on kvm-7: ${web}`);
  await page.screenshot({ path: `${OUT}/02-fleet.png`, fullPage: true });

  // the VMs whose last boot failed, counted over the fleet, first and red; a link to their list
  const boot = page.locator(`${integrity} a.tile.boot-failed`);
  ok(sum.host_states && sum.host_states.boot_failed === 1 && sum.host_states.secure_boot_refused === 1
    && sum.host_states.boot_deadline === 0, `the summary counts one failed boot: ${JSON.stringify(sum.host_states)}`);
  ok(await boot.count() === 1 && await page.evaluate((sel) => document.querySelector(sel).firstElementChild
    .classList.contains('boot-failed'), integrity), 'the boot-failed tile comes first');
  const bt = await boot.textContent();
  ok(await boot.locator('.n').textContent() === String(sum.host_states.boot_failed) && bt.includes('Boot failed')
    && bt.includes('Secure Boot refused 1') && bt.includes('boot deadline 0'), `the tile counts them, by reason: ${bt}`);
  const [tileCls, tileEdge, numColour] = await boot.evaluate((a) => [a.className, getComputedStyle(a).borderLeftColor,
    getComputedStyle(a.querySelector('.n')).color]);
  ok(tileCls.includes('bad') && tileEdge === 'rgb(180, 35, 24)' && numColour === 'rgb(180, 35, 24)',
    `red when a boot failed: ${tileCls} ${tileEdge} ${numColour}`);
  ok(await boot.getAttribute('href') === '#/vms?host_state=boot_failed', 'the tile links to the failed VMs');
  await boot.screenshot({ path: `${OUT}/12-boot-failed-tile.png` });
  await boot.click();
  await page.waitForFunction(() => (document.querySelector('h1') || {}).textContent?.includes('boot failed'), null, { timeout: 10000 });
  await page.waitForSelector('table.grid tbody tr');
  const failedVms = await page.locator('table.grid tbody tr').allTextContents();
  ok(failedVms.length === 1 && failedVms[0].includes('sb-fail-1') && failedVms[0].includes('Boot failed'),
    `the list holds the failed VM, only it: ${failedVms}`);
  ok(await page.locator('table.grid tbody tr.host-failed').count() === 1, 'its row marked');
  const asked = await page.evaluate(async () => (await fetch('/v1/vms?host_state=boot_failed')).json());
  ok(asked.vms.length === 1 && asked.vms[0].name === 'sb-fail-1', 'the API lists the same');
  ok(await page.locator('#nav a.here[data-nav="vms"]').count() === 1, 'the VMs tab is the current one');
  await page.screenshot({ path: `${OUT}/13-boot-failed-vms.png`, fullPage: true });

  // the unhealthy VM: its reasons, expected against actual
  await page.goto(`${BASE}/ui#/vms/${VM_ID}`);
  await page.waitForSelector('.assess');
  const vm = await page.textContent('main');
  ok(vm.includes('kernel command line changed'), 'the kernel command line change is read');
  ok(vm.includes('tl.extra=1'), 'its actual value is shown');
  ok(vm.includes('Recommendations') && vm.includes('Attestations'), 'recommendations and history');
  await page.screenshot({ path: `${OUT}/03-vm-unhealthy.png`, fullPage: true });

  // the markup-named VM's own page
  await page.goto(`${BASE}/ui#/vms/${XSS_ID}`);
  // a change of the hash only: the page before had an .assess too; wait for this VM's title
  await page.waitForFunction((x) => (document.querySelector('h1') || {}).textContent?.includes(x), XSS,
    { timeout: 10000 }).catch(() => {});
  ok((await page.textContent('h1')).includes(XSS), 'the markup name as the title, as text');
  ok((await page.textContent('.card:has(h2:text-is("Host"))')).includes('No host daemon has reported this VM'),
    'a VM no host reported says so');

  // the VM whose boot Secure Boot refused: across the page, its console as text, its host
  await page.goto(`${BASE}/ui#/vms/${SBF_ID}`);
  await page.waitForSelector('.card.host-failed');
  const banner = await page.textContent('.card.host-failed');
  ok(banner.includes('Boot failed: Secure Boot refused the boot chain'), `the failure's title: ${banner}`);
  ok(banner.includes('Reported by host kvm-7'), 'which host reported it');
  const con = await page.textContent('pre.console');
  ok(con.includes('error: bad shim signature.') && con.includes('error: you need to load the kernel first.'),
    'the console lines that show it');
  ok(con.includes(XSS) && con.includes('\\x1b[0m'), 'a guest\'s markup and escapes shown as their characters');
  ok(await page.locator('main img').count() === 0, 'no element was made from a console line');
  ok(await page.locator('pre.console .hit').count() === 1
    && (await page.textContent('pre.console .hit')).includes('bad shim signature'), 'the refusal line is marked');
  const font = await page.evaluate(() => getComputedStyle(document.querySelector('pre.console')).fontFamily);
  ok(/mono|menlo|consolas/i.test(font), `the console in a monospace font: ${font}`);
  const firstCard = await page.evaluate(() => document.querySelector('main h1').nextElementSibling.className);
  ok(firstCard.includes('host-failed'), `the failure comes first: ${firstCard}`);
  const hc = await page.textContent('.host-card');
  ok(['Boot failed', 'kvm-7', 'sb-fail-1', 'UEFI', 'TPM 2.0 (tpm-crb)', 'Enrolled'].every((w) => hc.includes(w)),
    `the host card: ${hc}`);
  await page.screenshot({ path: `${OUT}/09-vm-boot-failed.png`, fullPage: true });

  // the hosts: kvm-7 reporting, kvm-old stale; kvm-7's VMs through its link
  await page.click('#nav a[data-nav="hosts"]');
  await page.waitForSelector('table.hosts');
  const r7 = await page.textContent('table.hosts tr:has-text("kvm-7")');
  ok(r7.includes('Current') && !r7.includes('Stale') && (await page.textContent('table.hosts tr:has-text("kvm-7") td.num')) === '2',
    `kvm-7 reports two domains: ${r7}`);
  const rOld = await page.textContent('table.hosts tr:has-text("kvm-old")');
  ok(rOld.includes('Stale') && rOld.includes('no inventory for 2 h'), `kvm-old is stale: ${rOld}`);
  await page.screenshot({ path: `${OUT}/10-hosts.png`, fullPage: true });
  await page.click('table.hosts tr:has-text("kvm-7") a:has-text("View VMs")');
  await page.waitForFunction(() => (document.querySelector('h1') || {}).textContent?.includes('kvm-7'), null, { timeout: 10000 });
  await page.waitForSelector('table.grid tbody tr');
  const hostVms = await page.locator('table.grid tbody tr').allTextContents();
  ok(hostVms.length === 2 && hostVms.some((t) => t.includes('web-1')) && hostVms.some((t) => t.includes('sb-fail-1')),
    `kvm-7's VMs, and only those: ${hostVms}`);
  await page.screenshot({ path: `${OUT}/11-host-vms.png`, fullPage: true });

  // the alert: an operator (the admin) dismisses it with a comment
  await page.goto(`${BASE}/ui#/alerts?status=active`);
  await page.waitForSelector('table.grid');
  await page.screenshot({ path: `${OUT}/04-alerts.png`, fullPage: true });
  await page.goto(`${BASE}/ui#/alerts/${ALERT_ID}`);
  await page.waitForSelector('.actions');
  ok((await page.textContent('main')).includes('Compare the reasons'), 'what to do is shown');
  await page.fill('.actions input', 'planned change: new kernel parameter');
  await page.screenshot({ path: `${OUT}/05-alert.png`, fullPage: true });
  await page.click('.actions button:has-text("Dismiss")');
  await page.waitForSelector('ol.audit li:has-text("dismissed")');
  ok((await page.textContent('ol.audit')).includes('planned change: new kernel parameter'), 'the comment in the audit trail');
  await page.screenshot({ path: `${OUT}/06-alert-dismissed.png`, fullPage: true });

  // suppress similar alerts: the rule appears on the rules page, and an operator deletes it
  await page.click('.actions button:has-text("Suppress similar")');
  await page.waitForSelector('.actions .note:not([hidden])');
  ok((await page.textContent('.actions .note')).includes('Suppression rule'), 'suppress similar made a rule');
  await page.goto(`${BASE}/ui#/rules`);
  await page.waitForSelector('table.rules');
  ok((await page.textContent('table.rules')).includes(`similar to alert ${ALERT_ID}`), 'the rule is listed with its reason');
  await page.screenshot({ path: `${OUT}/06b-rules.png`, fullPage: true });
  await page.click('table.rules button:has-text("Delete")');
  await page.waitForSelector('main .empty');
  ok((await page.evaluate(async () => (await fetch('/v1/suppression-rules')).json())).rules.length === 0, 'the operator deleted it');

  // a webhook: listed, its page, a test event queued, its attempts shown
  const made = await page.evaluate(async () => (await fetch('/v1/webhooks', { method: 'POST',
    headers: { 'X-TL-Request': '1', 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:1/hook', events: ['alert.created'] }) })).json());
  ok(made.secret && made.secret.startsWith('whsec_'), 'a webhook made through the session');
  await page.goto(`${BASE}/ui#/webhooks`);
  await page.waitForSelector('table.hooks');
  ok((await page.textContent('table.hooks')).includes('http://127.0.0.1:1/hook'), 'the webhook is listed');
  await page.click('table.hooks a');
  await page.waitForSelector('button:has-text("Send test event")');
  await page.click('button:has-text("Send test event")');
  await page.waitForSelector('.actions .note:not([hidden])');
  ok((await page.textContent('.actions .note')).includes('webhook.test event was queued'), 'a test event queued');
  let attempts = 0;
  for (let i = 0; i < 50 && attempts === 0; i++) {
    await page.waitForTimeout(200);
    attempts = (await page.evaluate(async (id) => (await fetch(`/v1/webhooks/${id}/deliveries`)).json(), made.id)).deliveries.length;
  }
  await page.reload();
  await page.waitForSelector('table.deliveries');
  ok((await page.textContent('table.deliveries')).includes('webhook.test'), 'the test delivery attempt is shown');
  await page.screenshot({ path: `${OUT}/06c-webhook.png`, fullPage: true });

  // a reader: sees the alert, no buttons, and the API refuses anyway
  await page.click('#logout');
  await page.waitForSelector('form.signin');
  await page.fill('#token', READER);
  await page.click('form.signin button');
  await page.waitForSelector('#who:not([hidden])');
  await page.goto(`${BASE}/ui#/alerts/${ALERT_ID}`);
  await page.waitForSelector('h1');
  await page.waitForTimeout(300);
  ok(await page.locator('.actions button').count() === 0, 'a reader sees no dismiss button');
  ok((await page.textContent('main')).includes('Your role can read alerts'), 'and is told why');
  const status = await page.evaluate(async (id) => (await fetch(`/v1/alerts/${id}/resolve`, {
    method: 'POST', headers: { 'X-TL-Request': '1', 'Content-Type': 'application/json' }, body: '{}' })).status, ALERT_ID);
  ok(status === 403, `the API refuses a reader's resolve: ${status}`);
  const csrf = await page.evaluate(async (id) => (await fetch(`/v1/alerts/${id}/resolve`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, ALERT_ID);
  ok(csrf === 403, `a change by cookie without X-TL-Request is refused: ${csrf}`);
  await page.screenshot({ path: `${OUT}/07-reader.png`, fullPage: true });

  await page.goto(`${BASE}/ui#/catalog`);
  await page.waitForSelector('.fams');
  await page.screenshot({ path: `${OUT}/08-catalog.png`, fullPage: true });

  ok(dialogs.length === 0, `no script ran from data: ${dialogs}`);
  ok(scripts.filter((t) => !t.includes('401') && !t.includes('Failed to load resource')).length === 0, `no script errors: ${scripts}`);
  console.log(`dashboard.mjs: ${passes} passed, 0 failed`);
} catch (e) {
  console.error(e.message);
  console.log(`dashboard.mjs: ${passes} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
