// VRRP settings follow a reload (SIGHUP / SIGUSR2), on two nodes in network
// namespaces each running two routers, web (VRID 51) and db (VRID 52). A
// reload that does not touch a router leaves it alone (a master stays
// master, not one transition on either node); a changed priority, VIP list
// or advert interval takes effect in place; a new section starts a router,
// a removed one stops it; a bad vrrp section fails the reload and changes
// nothing.

import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { isTransition, startHawser, tempDir, writeFile, type LabEvent, type LabProcess } from './lab-process.ts';
import { createLab, holds, waitUntil, type Lab, type LabHost } from './netns.ts';
import { masterDownInterval } from './vrrp-config.ts';

/** Slower than the failover tests: a loaded CI machine stalling a backup for a Master_Down_Interval would look like a spurious failover. */
const INTERVAL = 200;
const WEB = '10.99.0.100';
const DB = '10.99.0.101';

interface Router {
  name: string;
  vrid: number;
  /** lb1's priority (lb2 has 100). */
  lb1: number;
  vips: string[];
  interval?: number;
  extra?: string[];
}

const WEB_ROUTER: Router = { name: 'web', vrid: 51, lb1: 150, vips: [WEB] };
const DB_ROUTER: Router = { name: 'db', vrid: 52, lb1: 150, vips: [DB] };

function config(routers: Router[]): string {
  return [
    'global',
    '    log stdout format raw local0',
    '',
    ...routers.map((r) =>
      [
        `vrrp ${r.name}`,
        '    interface eth0',
        `    virtual-router-id ${r.vrid}`,
        `    priority lb1 ${r.lb1} lb2 100`,
        `    advert-interval ${r.interval ?? INTERVAL}ms`,
        `    virtual-ipaddress ${r.vips.map((v) => `${v}/32`).join(' ')}`,
        '    garp-master-delay 0',
        ...(r.extra ?? []).map((l) => `    ${l}`),
        '',
      ].join('\n'),
    ),
  ].join('\n');
}

interface Nodes {
  lab: Lab;
  h1: LabHost;
  h2: LabHost;
  cfg1: string;
  lb1: LabProcess;
  lb2: LabProcess;
}

/** lb1 (150) master of web and db, lb2 (100) backup of both. */
async function nodes(t: ExecutionContext): Promise<Nodes> {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  const cfg1 = writeFile(dir, 'lb1.cfg', config([WEB_ROUTER, DB_ROUTER]));
  const cfg2 = writeFile(dir, 'lb2.cfg', config([WEB_ROUTER, DB_ROUTER]));
  const lb1 = await startHawser(t, h1, cfg1, 'lb1');
  await lb1.waitFor('lb1 master of both', () => lb1.events.filter((e) => isTransition(e, 'Master')).length === 2, 3000);
  const lb2 = await startHawser(t, h2, cfg2, 'lb2');
  await lb2.waitFor('lb2 to hear lb1 for both', () => lb2.events.filter((e) => e.event === 'vrrp-master').length === 2, 2000);
  return { lab, h1, h2, cfg1, lb1, lb2 };
}

/** Rewrites lb1's file, sends SIGHUP, waits for the reload's outcome; returns the reload event. */
async function reload(n: Nodes, routers: Router[] | string, signal: NodeJS.Signals = 'SIGHUP'): Promise<LabEvent> {
  writeFileSync(n.cfg1, typeof routers === 'string' ? routers : config(routers));
  const before = n.lb1.events.filter((e) => e.event === 'reload').length;
  n.lb1.kill(signal);
  await n.lb1.waitFor('the reload', () => n.lb1.events.filter((e) => e.event === 'reload').length > before, 5000);
  return n.lb1.events.filter((e) => e.event === 'reload').at(-1)!;
}

const transitions = (p: LabProcess, vrrp?: string): number => p.events.filter((e) => e.event === 'vrrp-transition' && (vrrp === undefined || e.vrrp === vrrp)).length;
/** Long enough for a backup that lost its master to take over. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, masterDownInterval(100, INTERVAL).down + INTERVAL));
const webMoves = (n: Nodes): string =>
  JSON.stringify([n.lb1, n.lb2].map((p) => p.events.filter((e) => e.event === 'vrrp-transition' && e.vrrp === 'web').map((e) => `${String(e.to)}:${String(e.reason)}`)));

test('reload: an untouched router does not move; a changed priority, VIP list and advert interval take effect in place', async (t) => {
  const n = await nodes(t);
  const counts = (): number[] => [transitions(n.lb1), transitions(n.lb2)];
  const start = counts();

  // The same file: nothing moves on either node.
  t.like(await reload(n, [WEB_ROUTER, DB_ROUTER]), { result: 'ok' });
  await settle();
  t.deepEqual(counts(), start, `no transition anywhere: ${webMoves(n)}`);
  t.false(n.lb1.events.some((e) => e.event === 'vrrp-reconfigured'));

  // db's priority on lb1 drops below lb2's: lb2 preempts db; web, untouched, does not move anywhere.
  const web = [transitions(n.lb1, 'web'), transitions(n.lb2, 'web')];
  await reload(n, [WEB_ROUTER, { ...DB_ROUTER, lb1: 50 }], 'SIGUSR2');
  await n.lb1.waitFor('db reconfigured', (_l, e) => e?.event === 'vrrp-reconfigured' && e.vrrp === 'db' && e.priority === 50, 2000);
  await n.lb2.waitFor('lb2 to preempt db', (_l, e) => isTransition(e, 'Master') && e?.vrrp === 'db' && e.reason === 'preempt', 3000);
  await waitUntil('db on lb2 only', async () => (await holds(n.h2, DB)) && !(await holds(n.h1, DB)), 2000);
  await settle();
  t.deepEqual([transitions(n.lb1, 'web'), transitions(n.lb2, 'web')], web, `web did not move: ${webMoves(n)}`);
  t.true(await holds(n.h1, WEB));

  // A VIP added to web: the master holds it at once, without a transition; removed again: gone.
  const EXTRA = '10.99.0.110';
  await reload(n, [{ ...WEB_ROUTER, vips: [WEB, EXTRA] }, { ...DB_ROUTER, lb1: 50 }]);
  await waitUntil(`${EXTRA} on lb1`, () => holds(n.h1, EXTRA), 2000);
  await reload(n, [WEB_ROUTER, { ...DB_ROUTER, lb1: 50 }]);
  await waitUntil(`${EXTRA} gone from lb1`, async () => !(await holds(n.h1, EXTRA)), 2000);
  t.true(await holds(n.h1, WEB));

  // web's advert interval: the backup hears the new one at once (v3 carries it).
  await reload(n, [{ ...WEB_ROUTER, interval: 2 * INTERVAL }, { ...DB_ROUTER, lb1: 50 }]);
  await n.lb2.waitFor('lb2 to hear the slower adverts', (_l, e) => e?.event === 'vrrp-mismatch' && e.vrrp === 'web' && e.intervalMismatch === true, 2000);
  await settle();
  t.deepEqual([transitions(n.lb1, 'web'), transitions(n.lb2, 'web')], web, `web still did not move: ${webMoves(n)}`);
  t.true(await holds(n.h1, WEB));
});

test('reload: a new section starts a router, a removed one stops (its VIP goes), a changed VRID restarts it; a bad section changes nothing', async (t) => {
  const n = await nodes(t);
  const API: Router = { name: 'api', vrid: 53, lb1: 150, vips: ['10.99.0.102'] };
  await reload(n, [WEB_ROUTER, DB_ROUTER, API]);
  await n.lb1.waitFor('api to start', (_l, e) => e?.event === 'vrrp-start' && e.vrrp === 'api', 2000);
  await waitUntil('api VIP on lb1', () => holds(n.h1, '10.99.0.102'), 3000);

  const db = transitions(n.lb1, 'db');
  await reload(n, [WEB_ROUTER, API]);
  await n.lb1.waitFor('db to stop', (_l, e) => e?.event === 'vrrp-removed' && e.vrrp === 'db', 2000);
  // It left with priority 0: lb2 takes db after Skew_Time.
  await n.lb2.waitFor('lb2 to take db', (_l, e) => isTransition(e, 'Master') && e?.vrrp === 'db' && e.reason === 'master-stopped', 2000);
  await waitUntil('db on lb2 only', async () => (await holds(n.h2, DB)) && !(await holds(n.h1, DB)), 2000);
  t.is(transitions(n.lb1, 'db'), db + 1, 'one transition: Master -> Initialize');

  // A changed VRID is another router on the wire: restarted.
  await reload(n, [WEB_ROUTER, { ...API, vrid: 54 }]);
  await n.lb1.waitFor('api to restart', (_l, e) => e?.event === 'vrrp-restart' && e.vrrp === 'api', 2000);
  await n.lb1.waitFor('api on VRID 54', (_l, e) => e?.event === 'vrrp-start' && e.vrrp === 'api' && e.vrid === 54, 2000);

  // A bad vrrp section: the reload fails as a whole, the routers stay as they are.
  const web = transitions(n.lb1, 'web');
  const failed = await reload(n, config([{ ...WEB_ROUTER, extra: ['track-script /bin/true rise 0'] }]));
  t.like(failed, { result: 'failed' });
  t.regex(JSON.stringify(failed.problems), /'track-script rise' must be between 1 and 1000/);
  await settle();
  t.is(transitions(n.lb1, 'web'), web);
  t.true(await holds(n.h1, WEB));
  t.true(await holds(n.h1, '10.99.0.102'), 'api (not in the bad file) still runs');
});
