// The VRRP state machine, one RFC 5798 section 6.4 rule per test (plus
// RFC 3768's v2 timers and keepalived's Fault state), driven by a fake
// clock. Times are exact: the formulas' values are dyadic fractions, so a
// takeover at 1000 + 360.9375 ms is asserted as exactly that.

import test from 'ava';
import { VrrpStateMachine, type VrrpAction } from '../../../cluster/vrrp/index.ts';
import { FakeClock, SimulatedLan } from './simulated-lan.ts';

const MASTER = '10.99.0.11';
const ME = '10.99.0.12';
const NO_GARP = { masterDelay: 0, masterRepeat: 1, masterRefresh: 0 };

function machine(opts: Partial<ConstructorParameters<typeof VrrpStateMachine>[0]> = {}, clock = new FakeClock()) {
  return new VrrpStateMachine({ version: 3, priority: 100, advertInterval: 100, primaryAddress: ME, ...opts }, clock);
}

/** One node alone on the LAN, its timers run by the fake clock; adverts are injected from a pretend master. */
function alone(opts: Parameters<SimulatedLan['node']>[1]) {
  const lan = new SimulatedLan();
  const node = lan.node('me', opts);
  return { lan, node };
}

test('Initialize: startup below priority 255 goes Backup, clears stale VIPs, arms Master_Down_Timer at Master_Down_Interval', (t) => {
  const clock = new FakeClock();
  clock.t = 1000;
  const m = machine({}, clock);
  t.is(m.state, 'Initialize');
  const actions = m.handle({ kind: 'startup' });
  t.deepEqual(actions, [
    { kind: 'transition', from: 'Initialize', to: 'Backup', reason: 'startup', message: 'waiting for the master' },
    { kind: 'remove-vips' },
    { kind: 'arm-timer', timer: 'master-down', at: 1000 + 360.9375 },
  ]);
  t.is(m.state, 'Backup');
  t.is(m.masterAdverInterval, 100); // Master_Adver_Interval starts as our own Advertisement_Interval
});

test('Initialize: the address owner (priority 255) goes Master at once: advert, VIPs, gratuitous ARP, Adver_Timer', (t) => {
  const m = machine({ priority: 255, garp: { masterDelay: 5000, masterRepeat: 5, masterRefresh: 0 } });
  t.deepEqual(m.handle({ kind: 'startup' }), [
    { kind: 'transition', from: 'Initialize', to: 'Master', reason: 'address-owner', message: 'priority 255: we own the addresses' },
    { kind: 'send-advert', priority: 255 },
    { kind: 'add-vips' },
    { kind: 'announce', count: 5 },
    { kind: 'arm-timer', timer: 'adver', at: 100 },
    { kind: 'arm-timer', timer: 'garp', at: 5000 },
  ]);
  t.is(m.masterAddress, ME);
});

test('Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 and Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (v3)', (t) => {
  const cases: Array<[number, number, number, number]> = [
    // priority, interval, skew, master down
    [100, 100, 60.9375, 360.9375],
    [150, 1000, 414.0625, 3414.0625],
    [254, 10, 0.078125, 30.078125],
    [1, 40950, (255 * 40950) / 256, 3 * 40950 + (255 * 40950) / 256],
  ];
  for (const [priority, advertInterval, skew, down] of cases) {
    const m = machine({ priority, advertInterval });
    t.is(m.skewTime, skew, `priority ${priority}, ${advertInterval} ms`);
    t.is(m.masterDownInterval, down, `priority ${priority}, ${advertInterval} ms`);
  }
});

test('v2: Skew_Time = (256 - Priority) / 256 seconds whatever the interval; Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time', (t) => {
  t.is(machine({ version: 2, advertInterval: 1000 }).masterDownInterval, 3000 + 609.375); // keepalived measured 3.58 s
  t.is(machine({ version: 2, advertInterval: 3000 }).skewTime, 609.375);
  t.is(machine({ version: 2, advertInterval: 3000 }).masterDownInterval, 9000 + 609.375);
  t.is(machine({ version: 2, priority: 200, advertInterval: 1000 }).skewTime, 218.75);
});

test('backup takes over after Master_Down_Interval when the master goes silent', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100, garp: NO_GARP });
  node.start();
  lan.runUntil(200);
  node.receive(150, 100, MASTER); // the master's last advert, at 200
  lan.runUntil(200 + 360.9375 - 0.0001);
  t.is(node.state, 'Backup');
  lan.runUntil(200 + 360.9375);
  t.is(node.state, 'Master');
  t.like(node.transitions.at(-1), { at: 200 + 360.9375, from: 'Backup', to: 'Master', reason: 'master-silent' });
  t.regex(node.transitions.at(-1)!.message, /no advert from the master \(10\.99\.0\.11\) for Master_Down_Interval 360\.9375 ms/);
  t.true(node.ownsVips);
  t.deepEqual(node.sent[0], { at: 200 + 360.9375, priority: 100 });
});

test('Master_Down_Timer fires: send an advert, then add VIPs and announce them, then arm the Adver_Timer', (t) => {
  const clock = new FakeClock();
  const m = machine({ garp: NO_GARP }, clock);
  m.handle({ kind: 'startup' });
  clock.t = 360.9375;
  t.deepEqual(
    m.handle({ kind: 'timer', timer: 'master-down' }).map((a) => a.kind),
    ['transition', 'send-advert', 'add-vips', 'announce', 'arm-timer'],
  );
  t.deepEqual(m.timers().get('adver'), 460.9375);
});

test('every advert from the master resets the Master_Down_Timer: a backup stays backup while adverts flow', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  for (let at = 0; at <= 5000; at += 100) {
    lan.runUntil(at);
    node.receive(150, 100, MASTER);
  }
  lan.runUntil(5000 + 360);
  t.is(node.state, 'Backup');
  t.is(node.machine.masterAddress, MASTER);
  t.is(node.machine.masterPriority, 150);
  lan.runUntil(5000 + 361);
  t.is(node.state, 'Master');
});

test('the Master_Down_Timer runs from when the kernel received the advert (receivedAt), never from a time to come', (t) => {
  const clock = new FakeClock();
  const m = machine({}, clock);
  m.handle({ kind: 'startup' });
  clock.t = 2000;
  // Read by the event loop 0.4 ms after the kernel had it: the timer counts from the kernel's time.
  t.deepEqual(m.handle({ kind: 'advert', priority: 150, maxAdvertInterval: 100, srcAddr: MASTER, receivedAt: 1999.6 }), [
    { kind: 'arm-timer', timer: 'master-down', at: 1999.6 + 360.9375 },
  ]);
  // The master's priority 0: Skew_Time from the kernel's time too.
  t.deepEqual(m.handle({ kind: 'advert', priority: 0, maxAdvertInterval: 100, srcAddr: MASTER, receivedAt: 1999.75 }), [
    { kind: 'arm-timer', timer: 'master-down', at: 1999.75 + 60.9375 },
  ]);
  // A stamp after now (not possible from the kernel) or not a number: now.
  for (const receivedAt of [2000.5, Number.NaN, undefined]) {
    t.deepEqual(m.handle({ kind: 'advert', priority: 150, maxAdvertInterval: 100, srcAddr: MASTER, receivedAt }), [
      { kind: 'arm-timer', timer: 'master-down', at: 2000 + 360.9375 },
    ]);
  }
});

test("v3: the backup learns Master_Adver_Interval from the master's adverts and times the master out with it", (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 1000 });
  node.start();
  t.is(node.machine.masterDownInterval, 3000 + 609.375); // our own 1 s until we hear the master
  lan.runUntil(50);
  node.receive(150, 100, MASTER); // the master advertises every 100 ms
  t.is(node.machine.masterAdverInterval, 100);
  t.is(node.machine.masterDownInterval, 360.9375);
  lan.runUntil(50 + 360.9375);
  t.is(node.state, 'Master');
  t.is(node.becameAt('Master'), 50 + 360.9375);
});

test('v2: the backup does not learn the interval (RFC 3768 uses its own Advertisement_Interval)', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, version: 2, advertInterval: 1000 });
  node.start();
  lan.runUntil(10);
  node.receive(150, 3000, MASTER);
  t.is(node.machine.masterAdverInterval, 1000);
  lan.runUntil(10 + 3609.375);
  t.is(node.becameAt('Master'), 10 + 3609.375);
});

test('priority 0 from the master: backup takes over after Skew_Time', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(300);
  node.receive(150, 100, MASTER);
  lan.runUntil(350);
  node.receive(0, 100, MASTER); // the master stops gracefully
  lan.runUntil(350 + 60.9375 - 0.0001);
  t.is(node.state, 'Backup');
  lan.runUntil(350 + 60.9375);
  t.is(node.state, 'Master');
  t.like(node.transitions.at(-1), { reason: 'master-stopped', at: 350 + 60.9375 });
});

test('priority 0, then another backup speaks first: this backup follows the new master instead of taking over', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  node.receive(150, 100, MASTER);
  lan.runUntil(100);
  node.receive(0, 100, MASTER);
  lan.runUntil(130);
  node.receive(120, 100, '10.99.0.13'); // a better backup took over after its shorter skew
  lan.runUntil(100 + 60.9375 + 1);
  t.is(node.state, 'Backup');
  t.is(node.machine.masterAddress, '10.99.0.13');
});

test('Adver_Timer: the master sends an advert every Advertisement_Interval', (t) => {
  const { lan, node } = alone({ address: ME, priority: 255, advertInterval: 100 });
  node.start();
  lan.runUntil(1000);
  t.deepEqual(
    node.sent.map((s) => s.at),
    [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
  );
  t.true(node.sent.every((s) => s.priority === 255));
});

test('Master receiving priority 0 sends an advert at once and resets the Adver_Timer', (t) => {
  const { lan, node } = alone({ address: ME, priority: 255, advertInterval: 100 });
  node.start();
  lan.runUntil(130);
  const actions = node.receive(0, 100, MASTER);
  t.deepEqual(actions, [
    { kind: 'send-advert', priority: 255 },
    { kind: 'arm-timer', timer: 'adver', at: 230 },
  ]);
  lan.runUntil(400);
  t.deepEqual(
    node.sent.map((s) => s.at),
    [0, 100, 130, 230, 330],
  );
  t.is(node.state, 'Master');
});

test('Master receiving a higher priority advert goes Backup, removes its VIPs and times the new master with its interval', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 1000, garp: { masterDelay: 5000, masterRepeat: 5, masterRefresh: 0 } });
  node.start();
  lan.runUntil(3609.375);
  t.is(node.state, 'Master');
  lan.runUntil(4000);
  const actions = node.receive(200, 100, MASTER);
  t.deepEqual(actions, [
    {
      kind: 'transition',
      from: 'Master',
      to: 'Backup',
      reason: 'higher-priority',
      message: '10.99.0.11 advertises priority 200, above our 100; priority 0 sent',
    },
    { kind: 'cancel-timer', timer: 'adver' },
    { kind: 'cancel-timer', timer: 'garp' },
    { kind: 'send-advert', priority: 0 },
    { kind: 'remove-vips' },
    { kind: 'arm-timer', timer: 'master-down', at: 4000 + 360.9375 },
  ]);
  t.false(node.ownsVips);
  const sentBefore = node.sent.length;
  lan.runUntil(4300);
  t.is(node.sent.length, sentBefore, 'no advert once Backup');
});

test('higher IP wins a tie: a master hearing its own priority from a higher address steps down', (t) => {
  const { lan, node } = alone({ address: '10.99.0.12', priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(400);
  t.is(node.state, 'Master');
  node.receive(100, 100, '10.99.0.13');
  t.is(node.state, 'Backup');
  t.like(node.transitions.at(-1), { reason: 'tie-break', message: '10.99.0.13 advertises our priority 100 and has the higher address; priority 0 sent' });
});

test('lower IP loses a tie: a master hearing its own priority from a lower address stays master', (t) => {
  const { lan, node } = alone({ address: '10.99.0.12', priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(800);
  // 10.99.0.2 < 10.99.0.12 as numbers, though not as strings. Two masters: reported, and answered at once so the other yields.
  t.deepEqual(node.receive(100, 100, '10.99.0.2'), [
    { kind: 'split-brain', peer: '10.99.0.2', peerPriority: 100, priority: 100 },
    { kind: 'announce', count: 5 },
    { kind: 'send-advert', priority: 100 },
    { kind: 'arm-timer', timer: 'adver', at: 900 },
  ]);
  t.is(node.state, 'Master');
});

test('Master keeps its role against a lower priority advert: split brain reported once per episode, answered at once', (t) => {
  const { lan, node } = alone({ address: ME, priority: 150, advertInterval: 100 });
  node.start();
  lan.runUntil(800);
  t.deepEqual(node.receive(149, 100, '10.99.0.200'), [
    { kind: 'split-brain', peer: '10.99.0.200', peerPriority: 149, priority: 150 },
    { kind: 'announce', count: 5 },
    { kind: 'send-advert', priority: 150 },
    { kind: 'arm-timer', timer: 'adver', at: 900 },
  ]);
  t.is(node.state, 'Master');
  // The same master again within Master_Down_Interval: the same episode, still answered.
  lan.runUntil(850);
  t.deepEqual(node.receive(149, 100, '10.99.0.200').map((a) => a.kind), ['send-advert', 'arm-timer']);
  // Quiet for longer than Master_Down_Interval, then back: a new episode.
  lan.runUntil(1400);
  t.deepEqual(node.receive(149, 100, '10.99.0.200').map((a) => a.kind), ['split-brain', 'announce', 'send-advert', 'arm-timer']);
  // Another master at once: its own episode.
  t.deepEqual(node.receive(140, 100, '10.99.0.201').map((a) => a.kind), ['split-brain', 'announce', 'send-advert', 'arm-timer']);
});

test('a preemption is not a split brain: the old master\'s last advert, in flight as we took over, is only answered', (t) => {
  const { lan, node } = alone({ address: ME, priority: 200, advertInterval: 100 });
  node.start();
  lan.runUntil(50);
  node.receive(100, 100, '10.99.0.200'); // a lower master: we preempt after Master_Down_Interval
  lan.runUntil(50 + 3 * 100 + ((256 - 200) * 100) / 256 + 1);
  t.is(node.state, 'Master');
  t.deepEqual(node.receive(100, 100, '10.99.0.200').map((a) => a.kind), ['send-advert', 'arm-timer'], 'just after taking over');
  // Its priority 0 as it yields, still just after: a preemption.
  t.deepEqual(node.receive(0, 100, '10.99.0.200').map((a) => a.kind), ['send-advert', 'arm-timer']);
  lan.runUntil(800);
  t.deepEqual(node.receive(100, 100, '10.99.0.200').map((a) => a.kind), ['split-brain', 'announce', 'send-advert', 'arm-timer'], 'still there later: two masters');
});

test('a master long in place hears another step down (priority 0): that one was master too, unheard', (t) => {
  const { lan, node } = alone({ address: ME, priority: 150, advertInterval: 100 });
  node.start();
  lan.runUntil(2000);
  t.deepEqual(node.receive(0, 100, '10.99.0.200'), [
    { kind: 'split-brain', peer: '10.99.0.200', peerPriority: 0, priority: 150 },
    { kind: 'announce', count: 5 },
    { kind: 'send-advert', priority: 150 },
    { kind: 'arm-timer', timer: 'adver', at: 2100 },
  ]);
});

test('a master that yields to a better one reports no split brain (it cannot tell it from a preemption)', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(1000);
  t.false(node.receive(150, 100, '10.99.0.200').some((a) => a.kind === 'split-brain'));
  t.is(node.state, 'Backup');
});

test('graceful handover: the master sends priority 0 and stops advertising but keeps its addresses for the adapter to remove', (t) => {
  const { lan, node } = alone({ address: ME, priority: 150, advertInterval: 100 });
  node.start();
  lan.runUntil(400);
  t.is(node.state, 'Master');
  const actions = node.machine.handle({ kind: 'shutdown', handover: true });
  t.deepEqual(
    actions.map((a) => a.kind),
    ['transition', 'cancel-timer', 'cancel-timer', 'send-advert'],
  );
  t.like(actions[3], { kind: 'send-advert', priority: 0 });
  t.false(actions.some((a) => a.kind === 'remove-vips'), 'the adapter removes them when the new master speaks');
  t.is(node.machine.state, 'Initialize');
  t.deepEqual(node.machine.handle({ kind: 'advert', priority: 100, maxAdvertInterval: 100, srcAddr: '10.99.0.12' }), [], 'no split brain while leaving');
});

test('preempt: a higher-priority backup discards a lower master\'s adverts and takes over after its Master_Down_Interval', (t) => {
  const { lan, node } = alone({ address: ME, priority: 200, advertInterval: 100 });
  node.start(); // at 0, the lower master already runs
  for (let at = 0; at <= 1000; at += 100) {
    lan.runUntil(at);
    if (node.state === 'Backup') node.receive(100, 100, MASTER);
  }
  // Master_Down_Interval for priority 200 at 100 ms: 300 + 56 * 100 / 256 = 321.875
  t.is(node.becameAt('Master'), 321.875);
  t.like(node.transitions.at(-1), { reason: 'preempt' });
  t.is(node.machine.masterAddress, ME);
});

test('nopreempt: a returning higher priority stays backup', (t) => {
  const { lan, node } = alone({ address: ME, priority: 200, advertInterval: 100, preempt: false });
  node.start();
  for (let at = 0; at <= 3000; at += 100) {
    lan.runUntil(at);
    node.receive(100, 100, MASTER);
  }
  lan.runUntil(3000 + 321);
  t.is(node.state, 'Backup');
  t.is(node.machine.masterAddress, MASTER);
  lan.runUntil(3000 + 321.875); // but when that master dies, it takes over as usual
  t.is(node.state, 'Master');
  t.like(node.transitions.at(-1), { reason: 'master-silent' });
});

test('preempt-delay: a lower-priority master is accepted for preempt-delay after startup, then preempted', (t) => {
  const { lan, node } = alone({ address: ME, priority: 200, advertInterval: 100, preemptDelay: 1000 });
  node.start();
  for (let at = 0; at <= 3000; at += 100) {
    lan.runUntil(at);
    if (node.state === 'Backup') node.receive(100, 100, MASTER);
  }
  // Adverts up to 900 are accepted; from 1000 on they are discarded: takeover at 900 + 321.875.
  t.is(node.becameAt('Master'), 900 + 321.875);
  t.like(node.transitions.at(-1), { reason: 'preempt' });
});

test('preempt-delay restarts when a lower-priority master appears after a higher one', (t) => {
  const { lan, node } = alone({ address: ME, priority: 200, advertInterval: 100, preemptDelay: 1000 });
  node.start();
  for (let at = 0; at <= 2000; at += 100) {
    lan.runUntil(at);
    node.receive(250, 100, '10.99.0.250'); // a higher master: no preemption, the delay is reset
  }
  for (let at = 2100; at <= 5000; at += 100) {
    lan.runUntil(at);
    if (node.state === 'Backup') node.receive(100, 100, MASTER); // it died; a lower one took over
  }
  // The first lower advert, at 2100, starts the delay: adverts before 3100 are accepted, the last at 3000.
  t.is(node.becameAt('Master'), 3000 + 321.875);
});

test('equal priority never preempts: a backup accepts a master of its own priority whatever its address', (t) => {
  const { lan, node } = alone({ address: '10.99.0.200', priority: 100, advertInterval: 100 });
  node.start();
  for (let at = 0; at <= 2000; at += 100) {
    lan.runUntil(at);
    node.receive(100, 100, '10.99.0.1');
  }
  t.is(node.state, 'Backup');
});

test('our own adverts looped back by multicast are ignored', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(100);
  t.deepEqual(node.receive(150, 100, ME), []);
  lan.runUntil(360.9375);
  t.is(node.state, 'Master');
});

test('graceful shutdown: the master sends priority 0, removes its VIPs, stops its timers and returns to Initialize', (t) => {
  const { lan, node } = alone({ address: ME, priority: 255, advertInterval: 100 });
  node.start();
  lan.runUntil(250);
  const actions = node.stop();
  t.deepEqual(actions, [
    {
      kind: 'transition',
      from: 'Master',
      to: 'Initialize',
      reason: 'shutdown',
      message: 'shutting down: priority 0 sent, backups take over after their Skew_Time',
    },
    { kind: 'cancel-timer', timer: 'adver' },
    { kind: 'cancel-timer', timer: 'garp' },
    { kind: 'send-advert', priority: 0 },
    { kind: 'remove-vips' },
  ]);
  lan.runUntil(10_000);
  t.is(node.sent.at(-1)!.priority, 0);
  t.is(node.sent.at(-1)!.at, 250);
  t.false(node.ownsVips);
});

test('shutdown in Backup cancels the Master_Down_Timer; startup again works', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(100);
  t.deepEqual(node.stop().map((a) => a.kind), ['transition', 'cancel-timer']);
  lan.runUntil(2000);
  t.is(node.state, 'Initialize');
  t.is(node.sent.length, 0);
  node.start();
  t.is(node.state, 'Backup');
  lan.runUntil(2000 + 360.9375);
  t.is(node.state, 'Master');
});

test('a timer event for a timer that is not armed does nothing', (t) => {
  const m = machine();
  m.handle({ kind: 'startup' });
  t.deepEqual(m.handle({ kind: 'timer', timer: 'adver' }), []);
  t.deepEqual(m.handle({ kind: 'timer', timer: 'garp' }), []);
  m.handle({ kind: 'shutdown' });
  t.deepEqual(m.handle({ kind: 'timer', timer: 'master-down' }), []);
  t.is(m.state, 'Initialize');
});

test('Fault on a tracked failure: a master sends priority 0, removes its VIPs and enters Fault', (t) => {
  const { lan, node } = alone({ address: ME, priority: 255, advertInterval: 100 });
  node.start();
  lan.runUntil(150);
  const actions = node.handle({ kind: 'tracking', priority: 255, fault: true, reason: 'interface eth0 is down' });
  t.deepEqual(
    actions.map((a) => a.kind),
    ['transition', 'cancel-timer', 'cancel-timer', 'send-advert', 'remove-vips'],
  );
  t.like(actions[0], { to: 'Fault', reason: 'fault', message: 'interface eth0 is down; priority 0 sent' });
  t.deepEqual(actions[3], { kind: 'send-advert', priority: 0 });
  lan.runUntil(5000);
  t.is(node.state, 'Fault');
  t.is(node.sent.length, 3); // 0, 100, and the priority 0 at 150
});

test('Fault: a backup in Fault ignores adverts and never takes over; recovery goes back to Backup with a fresh Master_Down_Timer', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(100);
  node.handle({ kind: 'tracking', priority: 100, fault: true });
  t.is(node.state, 'Fault');
  t.deepEqual(node.receive(0, 100, MASTER), []);
  lan.runUntil(5000);
  t.is(node.state, 'Fault');
  t.is(node.sent.length, 0);
  const back = node.handle({ kind: 'tracking', priority: 100, fault: false });
  t.like(back[0], { from: 'Fault', to: 'Backup', reason: 'recovered' });
  lan.runUntil(5000 + 360.9375);
  t.is(node.state, 'Master');
});

test('Fault: the address owner recovers straight to Master', (t) => {
  const { node } = alone({ address: ME, priority: 255, advertInterval: 100 });
  node.handle({ kind: 'tracking', priority: 255, fault: true });
  node.start(); // startup while failing
  t.is(node.state, 'Fault');
  node.handle({ kind: 'tracking', priority: 255, fault: false });
  t.is(node.state, 'Master');
  t.like(node.transitions.at(-1), { reason: 'recovered' });
});

test('tracking lowers the effective priority: the master advertises it at once, and Skew_Time uses it', (t) => {
  const { lan, node } = alone({ address: ME, priority: 150, advertInterval: 100 });
  node.start();
  lan.runUntil(420);
  t.is(node.state, 'Master');
  const actions = node.handle({ kind: 'tracking', priority: 90, fault: false });
  t.deepEqual(actions, [
    { kind: 'send-advert', priority: 90 },
    { kind: 'arm-timer', timer: 'adver', at: 520 },
  ]);
  t.is(node.machine.priority, 90);
  t.is(node.machine.configuredPriority, 150);
  t.is(node.machine.skewTime, ((256 - 90) * 100) / 256);
  // the same priority again changes nothing
  t.deepEqual(node.handle({ kind: 'tracking', priority: 90, fault: false }), []);
  // out-of-range values are clamped to 1-255
  node.handle({ kind: 'tracking', priority: -40, fault: false });
  t.is(node.machine.priority, 1);
});

test('gratuitous ARP: a burst on takeover, a second after garp-master-delay, then one per garp-master-refresh while Master', (t) => {
  const { lan, node } = alone({ address: ME, priority: 255, advertInterval: 100, garp: { masterDelay: 5000, masterRepeat: 3, masterRefresh: 2000 } });
  node.start();
  lan.runUntil(10_000);
  t.deepEqual(node.announces, [
    { at: 0, count: 3 },
    { at: 5000, count: 3 },
    { at: 7000, count: 1 },
    { at: 9000, count: 1 },
  ]);
  node.stop();
  lan.runUntil(20_000);
  t.is(node.announces.length, 4);
});

test('adverts with impossible fields are ignored by the machine', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(10);
  const none: VrrpAction[] = [];
  t.deepEqual(node.receive(300, 100, MASTER), none);
  t.deepEqual(node.receive(150, 0, MASTER), none);
  t.deepEqual(node.receive(150, Number.NaN, MASTER), none);
  t.deepEqual(node.receive(1.5, 100, MASTER), none);
});

test('adverts are ignored in Initialize', (t) => {
  const m = machine();
  t.deepEqual(m.handle({ kind: 'advert', priority: 0, maxAdvertInterval: 100, srcAddr: MASTER }), []);
  t.is(m.state, 'Initialize');
});

const SETTINGS = { priority: 100, advertInterval: 100, preempt: true, preemptDelay: 0, garp: NO_GARP, inSyncGroup: false };

test('reload (reconfigure): the same values change nothing, not even an advert', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100, garp: NO_GARP });
  node.start();
  lan.runUntil(1000);
  t.is(node.state, 'Master');
  t.deepEqual(node.handle({ kind: 'reconfigure', settings: SETTINGS }), []);
  t.is(node.state, 'Master');
});

test('reload: a new advert interval goes out at once in an advert and paces the next ones; a master stays master', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100, garp: NO_GARP });
  node.start();
  lan.runUntil(1000);
  const sent = node.sent.length;
  t.deepEqual(node.handle({ kind: 'reconfigure', settings: { ...SETTINGS, advertInterval: 1000 } }), [
    { kind: 'send-advert', priority: 100 },
    { kind: 'arm-timer', timer: 'adver', at: 2000 },
  ]);
  lan.runUntil(4500);
  t.deepEqual(node.sent.slice(sent).map((s) => s.at), [1000, 2000, 3000, 4000]);
  t.is(node.transitions.length, 2, 'Initialize -> Backup -> Master, nothing since');
});

test('reload: a new configured priority takes effect with the next tracking event; a backup with preemption then takes over', (t) => {
  const { lan, node } = alone({ address: ME, priority: 100, advertInterval: 100 });
  node.start();
  lan.runUntil(10);
  node.receive(150, 100, MASTER);
  node.handle({ kind: 'reconfigure', settings: { ...SETTINGS, priority: 200 } });
  t.is(node.machine.configuredPriority, 200);
  node.handle({ kind: 'tracking', priority: 200, fault: false });
  t.is(node.machine.priority, 200);
  // The master's adverts (150) are now below us: they are not accepted, the timer runs out.
  for (let at = 110; at < 600; at += 100) {
    lan.runUntil(at);
    node.receive(150, 100, MASTER);
  }
  lan.runUntil(700);
  t.is(node.state, 'Master');
  // The timer armed by the last advert accepted (at 10, as priority 100) runs out.
  t.like(node.transitions.at(-1), { reason: 'preempt', at: 10 + 360.9375 });
});

test('sync group member: an expired Master_Down_Timer asks the group (want-master) and keeps waiting', (t) => {
  const clock = new FakeClock();
  const m = machine({ inSyncGroup: true }, clock);
  m.handle({ kind: 'startup' });
  clock.t = 360.9375;
  t.deepEqual(m.handle({ kind: 'timer', timer: 'master-down' }), [{ kind: 'want-master' }, { kind: 'arm-timer', timer: 'master-down', at: 721.875 }]);
  t.is(m.state, 'Backup');
  t.true(m.wantsMaster);
  // A master speaking at or above our priority ends the wish.
  m.handle({ kind: 'advert', priority: 150, maxAdvertInterval: 100, srcAddr: MASTER });
  t.false(m.wantsMaster);
  // The group says go: the member keeps its own reason when it wanted, else 'sync-group'.
  clock.t = 1000;
  m.handle({ kind: 'timer', timer: 'master-down' });
  const go = m.handle({ kind: 'sync', to: 'Master', message: 'sync group edge goes Master with db' });
  t.like(go[0], { kind: 'transition', to: 'Master', reason: 'master-silent' });
  t.regex((go[0] as { message: string }).message, /; sync group edge goes Master with db$/);
  const other = machine({ inSyncGroup: true });
  other.handle({ kind: 'startup' });
  t.like(other.handle({ kind: 'sync', to: 'Master', message: 'x' })[0], { to: 'Master', reason: 'sync-group' });
});

test('sync group member: told to Backup, a master sends priority 0 and times a new master', (t) => {
  const clock = new FakeClock();
  const m = machine({ inSyncGroup: true, priority: 255, garp: NO_GARP }, clock);
  m.handle({ kind: 'startup' });
  clock.t = 50;
  t.deepEqual(m.handle({ kind: 'sync', to: 'Backup', message: 'sync group edge: web went Backup' }), [
    { kind: 'transition', from: 'Master', to: 'Backup', reason: 'sync-group', message: 'sync group edge: web went Backup; priority 0 sent' },
    { kind: 'cancel-timer', timer: 'adver' },
    { kind: 'send-advert', priority: 0 },
    { kind: 'remove-vips' },
    { kind: 'arm-timer', timer: 'master-down', at: 50 + 300 + 100 / 256 },
  ]);
  t.deepEqual(m.handle({ kind: 'sync', to: 'Backup', message: 'again' }), [], 'only a master moves');
});

test('group fault: Fault while another member fails, even with our own tracking fine; out when both are clear', (t) => {
  const m = machine({ inSyncGroup: true });
  m.handle({ kind: 'startup' });
  t.like(m.handle({ kind: 'group-fault', fault: true, reason: 'sync group edge: db in Fault' })[0], { to: 'Fault', reason: 'sync-group' });
  t.true(m.fault);
  t.false(m.ownFault);
  m.handle({ kind: 'tracking', priority: 100, fault: true });
  t.deepEqual(m.handle({ kind: 'group-fault', fault: false }), [], 'our own fault still holds');
  t.like(m.handle({ kind: 'tracking', priority: 100, fault: false })[0], { from: 'Fault', to: 'Backup', reason: 'recovered' });
  // Leaving the group (reload) clears a fault that was only the group's.
  m.handle({ kind: 'group-fault', fault: true });
  t.is(m.state, 'Fault');
  t.like(m.handle({ kind: 'reconfigure', settings: SETTINGS })[0], { from: 'Fault', to: 'Backup', reason: 'sync-group' });
});
