// The stats page in a real browser (headless Chromium from Debian): it loads
// behind `stats auth` as a person logs in, shows the servers with their
// colours, stays usable at phone width, and its admin form, clicked with the
// mouse, puts a server in maintenance, which the runtime socket confirms.
// Screenshots are kept in test-artifacts/ (git-ignored) for a person to see.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { launchChromium } from '../support/chromium.ts';
import { socat } from '../support/socat.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function lab(t: ExecutionContext) {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-browser-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const [webPort, statsPort] = await freePorts(2);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  await startHawser(
    t,
    `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${webPort}
    default_backend app
backend app
    server s1 127.0.0.1:${a} check inter 500ms
    server s2 127.0.0.1:${b} check inter 500ms
    server gone 127.0.0.1:1 check inter 500ms fall 1
listen stats
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /stats
    stats realm Hawser\\ Stats
    stats auth admin:s3cret
    stats admin if TRUE
`,
  );
  // Let the checks settle: `gone` goes DOWN, the others stay UP.
  for (let i = 0; i < 50; i++) {
    if (/\napp,gone,(?:[^,]*,){15}DOWN,/.test(await socat(sock, 'show stat\n'))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { sock, statsPort };
}

test('headless Chromium logs in, sees the servers, and sets one to MAINT through the admin form', async (t) => {
  const { sock, statsPort } = await lab(t);
  const browser = await launchChromium(t);
  const page = await browser.newPage(1280, 800, { user: 'admin', password: 's3cret' });
  await page.goto(`http://127.0.0.1:${statsPort}/stats`);
  t.is(await page.eval<string>('document.title'), 'Statistics Report for Hawser');
  const rows = await page.eval<Array<[string, string]>>(
    `[...document.querySelectorAll('table[data-proxy="app"] tr[data-sv]')].map(r => [r.dataset.sv, r.className])`,
  );
  t.deepEqual(rows, [
    ['s1', 'up'],
    ['s2', 'up'],
    ['gone', 'down'],
    ['BACKEND', 'be'],
  ]);
  // The colours a person sees are the page's own: green for UP, red for DOWN.
  t.is(await page.eval<string>(`getComputedStyle(document.querySelector('tr[data-sv="s1"]')).backgroundColor`), 'rgb(192, 255, 192)');
  t.is(await page.eval<string>(`getComputedStyle(document.querySelector('tr[data-sv="gone"]')).backgroundColor`), 'rgb(255, 144, 144)');
  const before = await page.screenshot('stats-page.png');
  t.is(pngSize(before.png).width, 1280);
  t.log(`screenshot: ${before.path}`);

  // The admin action, with the mouse: tick s1, choose MAINT, press Apply.
  await page.click('table[data-proxy="app"] input[name="s"][value="s1"]');
  t.true(await page.eval<boolean>(`document.querySelector('table[data-proxy="app"] input[value="s1"]').checked`));
  await page.eval(`(() => { const s = document.querySelector('form.admin select[name="action"]'); s.value = 'maint'; s.dispatchEvent(new Event('change')); })()`);
  const loaded = page.nextLoad();
  await page.click('form.admin input[type="submit"]');
  await loaded;
  t.regex(await page.eval<string>('location.href'), /\/stats;st=DONE$/);
  t.regex(await page.eval<string>(`document.querySelector('.outcome').textContent`), /\[DONE\] Action processed successfully\./);
  t.is(await page.eval<string>(`document.querySelector('tr[data-sv="s1"]').className`), 'maint');
  const after = await page.screenshot('stats-page-after-maint.png');
  t.log(`screenshot: ${after.path}`);

  // The runtime API sees what the page did.
  t.regex(await socat(sock, 'show stat\n'), /\napp,s1,(?:[^,]*,){15}MAINT,/);
  t.regex(await socat(sock, 'show servers state app\n'), /\n\d+ app 1 s1 127\.0\.0\.1 0 1 /);
});

test('at phone width the page does not overflow: tables scroll inside their box', async (t) => {
  const { statsPort } = await lab(t);
  const browser = await launchChromium(t);
  const page = await browser.newPage(375, 740, { user: 'admin', password: 's3cret' });
  await page.goto(`http://127.0.0.1:${statsPort}/stats`);
  const widths = await page.eval<{ doc: number; view: number; table: number; box: number }>(
    `({ doc: document.documentElement.scrollWidth, view: window.innerWidth,
        table: document.querySelector('table[data-proxy="app"]').scrollWidth,
        box: document.querySelector('table[data-proxy="app"]').parentElement.clientWidth })`,
  );
  t.is(widths.view, 375);
  t.true(widths.doc <= widths.view, `page is ${widths.doc}px wide in a ${widths.view}px screen`);
  t.true(widths.box <= widths.view);
  // Secondary columns fold away at this width.
  t.is(await page.eval<string>(`getComputedStyle(document.querySelector('td.opt')).display`), 'none');
  const shot = await page.screenshot('stats-page-phone.png');
  t.is(pngSize(shot.png).width, 375);
  t.log(`screenshot: ${shot.path}`);
});
