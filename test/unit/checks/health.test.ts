// The health rules with a fake clock and a scripted runner: HAProxy 2.6's
// rise/fall counting, its start-up rule, its intervals, and the agent.

import test from 'ava';
import { ServerHealth, startOffset, type CheckRunner, type CheckReport, type CheckSettings, type Endpoint, type CheckTiming, type HealthSettings } from '../../../src/checks/health.ts';
import { makeResult, type AgentCommand, type CheckResult, type CheckStatus } from '../../../src/checks/status.ts';
import { FakeClock } from './fake-clock.ts';

const target = { backend: 'app', server: 'app1', host: '127.0.0.1', port: 8080 };
const check = (o: Partial<CheckSettings> = {}): CheckSettings =>
  ({ protocol: { kind: 'tcp' }, inter: 2000, rise: 2, fall: 3, ...o });

/** A runner that answers from a list; the last answer repeats. */
function scripted(statuses: Array<CheckStatus | [CheckStatus, AgentCommand]>) {
  const calls: Array<{ endpoint: Endpoint; timing: CheckTiming; signal: AbortSignal }> = [];
  let i = 0;
  const runner: CheckRunner = (_script, endpoint, timing, signal) => {
    calls.push({ endpoint, timing, signal });
    const s = statuses[Math.min(i++, statuses.length - 1)]!;
    const [status, agent] = Array.isArray(s) ? s : [s, undefined];
    const r = makeResult(status, status === 'L4CON' ? 'Connection refused' : '', status === 'L7OK' ? 200 : 0, 1);
    if (agent) r.agent = agent;
    return Promise.resolve(r);
  };
  return { runner, calls };
}

function setup(settings: HealthSettings, statuses: Array<CheckStatus | [CheckStatus, AgentCommand]>, extra: { spreadPercent?: number; random?: () => number; initialDelay?: number } = {}) {
  const clock = new FakeClock();
  const { runner, calls } = scripted(statuses);
  const transitions: Array<{ up: boolean; status: CheckStatus; source: string }> = [];
  const reports: CheckReport[] = [];
  const agents: AgentCommand[] = [];
  const h = new ServerHealth(target, settings, {
    onTransition: (up, r: CheckResult, source) => transitions.push({ up, status: r.status, source }),
    onCheck: (r) => reports.push(r),
    onAgent: (c) => agents.push(c),
  }, { clock, runner, ...extra });
  return { h, clock, calls, transitions, reports, agents };
}

test('a server starts UP and its first failed check marks it DOWN at once', async (t) => {
  const s = setup({ check: check() }, ['L4CON']);
  t.true(s.h.up);
  s.h.start();
  await s.clock.advance(0);
  t.is(s.calls.length, 1, 'the first check runs at start');
  t.false(s.h.up);
  t.deepEqual(s.transitions, [{ up: false, status: 'L4CON', source: 'check' }]);
  t.like(s.reports[0], { health: 0, rise: 2, fall: 3, changed: true });
  s.h.stop();
});

test('from fully UP it takes `fall` failures; from DOWN `rise` successes', async (t) => {
  const s = setup({ check: check() }, ['L4OK', 'L4OK', 'L4CON', 'L4CON', 'L4CON', 'L4OK', 'L4OK']);
  s.h.start();
  await s.clock.advance(0);
  t.is(s.h.counters.checkHealth, 4, 'one success from the start value is fully UP');
  await s.clock.advance(2000);
  await s.clock.advance(2000); // 1st failure
  t.true(s.h.up);
  t.is(s.h.counters.checkHealth, 3);
  await s.clock.advance(2000); // 2nd
  t.true(s.h.up);
  await s.clock.advance(2000); // 3rd
  t.false(s.h.up);
  t.is(s.h.counters.checkHealth, 0);
  t.is(s.h.counters.failedChecks, 3);
  await s.clock.advance(2000); // 1st success
  t.false(s.h.up);
  await s.clock.advance(2000); // 2nd
  t.true(s.h.up);
  t.deepEqual(s.transitions.map((x) => x.up), [false, true]);
  s.h.stop();
});

test('intervals: inter when settled, fastinter in transition, downinter when down', async (t) => {
  const s = setup({ check: check({ inter: 1000, fastinter: 100, downinter: 5000 }) }, ['L4OK', 'L4CON', 'L4CON', 'L4CON', 'L4CON', 'L4OK', 'L4OK']);
  s.h.start();
  await s.clock.advance(0);     // OK: 2 -> 4, settled
  await s.clock.advance(1000);  // fail: 3, going down
  await s.clock.advance(100);   // fail: 2
  await s.clock.advance(100);   // fail: 0, DOWN
  await s.clock.advance(5000);  // fail while down
  await s.clock.advance(5000);  // OK: 1, going up
  await s.clock.advance(100);   // OK: UP
  t.deepEqual(s.clock.delays, [0, 1000, 100, 100, 5000, 5000, 100, 1000]);
  t.true(s.h.up);
  s.h.stop();
});

test('one success from the start value settles the counter (back to inter)', async (t) => {
  const s = setup({ check: check({ inter: 1000, fastinter: 50 }) }, ['L4OK']);
  const pending = setup({ check: check({ inter: 1000, fastinter: 50, rise: 3 }) }, ['L4OK']);
  s.h.start();
  pending.h.start();
  await s.clock.advance(0);
  await pending.clock.advance(0);
  t.deepEqual(s.clock.delays, [0, 1000]);
  t.deepEqual(pending.clock.delays, [0, 1000], 'start value is rise, so one success settles it');
  s.h.stop();
  pending.h.stop();
});

test('without fastinter / downinter, inter is used', async (t) => {
  const s = setup({ check: check({ inter: 300 }) }, ['L4CON']);
  s.h.start();
  await s.clock.advance(0);
  await s.clock.advance(300);
  t.deepEqual(s.clock.delays, [0, 300, 300]);
  s.h.stop();
});

test('spread-checks adds noise either way, and start offsets spread servers', async (t) => {
  const lo = setup({ check: check({ inter: 1000 }) }, ['L4OK'], { spreadPercent: 10, random: () => 0.999999 });
  const hi = setup({ check: check({ inter: 1000 }) }, ['L4OK'], { spreadPercent: 10, random: () => 0 });
  lo.h.start();
  hi.h.start();
  await lo.clock.advance(0);
  await hi.clock.advance(0);
  t.is(lo.clock.delays[1], 901);
  t.is(hi.clock.delays[1], 1100);
  lo.h.stop();
  hi.h.stop();
  t.deepEqual([0, 1, 2, 3].map((p) => startOffset(p, 4, 2000)), [0, 500, 1000, 1500]);
  const late = setup({ check: check() }, ['L4OK'], { initialDelay: 700 });
  late.h.start();
  await late.clock.advance(699);
  t.is(late.calls.length, 0);
  await late.clock.advance(1);
  t.is(late.calls.length, 1);
  late.h.stop();
});

test('checks go to addr/port when set, with the timeouts given', async (t) => {
  const s = setup({ check: check({ checkAddr: '127.0.0.2', checkPort: 9000, timeoutConnect: 500, timeoutCheck: 300 }) }, ['L4OK']);
  s.h.start();
  await s.clock.advance(0);
  t.deepEqual(s.calls[0]!.endpoint, { host: '127.0.0.2', port: 9000 });
  t.deepEqual(s.calls[0]!.timing, { inter: 2000, timeoutConnect: 500, timeoutCheck: 300 });
  s.h.stop();
});

test('log-health-checks: a report says when HAProxy would log it', async (t) => {
  const s = setup({ check: check() }, ['L4OK', 'L4OK', 'L4CON']);
  s.h.start();
  await s.clock.advance(0);
  await s.clock.advance(2000);
  await s.clock.advance(2000);
  t.deepEqual(s.reports.map((r) => [r.result.status, r.health, r.changed]), [['L4OK', 4, true], ['L4OK', 4, false], ['L4CON', 3, true]]);
  s.h.stop();
});

test('stop ends everything: no timer left, a run in flight is aborted and ignored', async (t) => {
  const clock = new FakeClock();
  let signal: AbortSignal | undefined;
  let resolve: ((r: CheckResult) => void) | undefined;
  const transitions: boolean[] = [];
  const h = new ServerHealth(target, { check: check() }, { onTransition: (up) => transitions.push(up) }, {
    clock,
    runner: (_s, _e, _t, sig) => new Promise((r) => { signal = sig; resolve = r; }),
  });
  h.start();
  await clock.advance(0);
  h.stop();
  t.true(signal!.aborted);
  resolve!(makeResult('L4CON', '', 0, 0));
  await clock.advance(10_000);
  t.deepEqual(transitions, []);
  t.is(clock.pending, 0);
});

test('a runner that throws counts as a socket error, and checks go on', async (t) => {
  const clock = new FakeClock();
  const seen: string[] = [];
  const h = new ServerHealth(target, { check: check() }, { onTransition: () => {}, onCheck: (r) => seen.push(`${r.result.status}:${r.result.info}`) }, {
    clock,
    runner: () => Promise.reject(new Error('boom')),
  });
  h.start();
  await clock.advance(0);
  await clock.advance(2000);
  t.deepEqual(seen, ['SOCKERR:boom', 'SOCKERR:boom']);
  h.stop();
});

const agentOnly = (inter = 1000): HealthSettings => ({ agent: { port: 9999, inter } });

test('agent: "down" marks the server DOWN, "up" brings it back', async (t) => {
  const s = setup(agentOnly(), [['L7STS', { health: 'down' }], ['CHECKED', { weightPercent: 50 }], ['L7OK', { health: 'up' }]]);
  s.h.start();
  await s.clock.advance(0);
  t.false(s.h.up);
  t.deepEqual(s.calls[0]!.endpoint, { host: '127.0.0.1', port: 9999 });
  await s.clock.advance(1000);
  t.false(s.h.up, 'a weight alone changes no health');
  await s.clock.advance(1000);
  t.true(s.h.up);
  t.deepEqual(s.transitions, [{ up: false, status: 'L7STS', source: 'agent' }, { up: true, status: 'L7OK', source: 'agent' }]);
  t.deepEqual(s.agents, [{ health: 'down' }, { weightPercent: 50 }, { health: 'up' }]);
  t.deepEqual(s.clock.delays, [0, 1000, 1000, 1000], 'always agent-inter');
  s.h.stop();
});

test('agent: an unreachable agent changes nothing', async (t) => {
  const s = setup(agentOnly(), ['L4CON', 'L7TOUT']);
  s.h.start();
  await s.clock.advance(0);
  await s.clock.advance(1000);
  t.true(s.h.up);
  t.is(s.h.counters.agentHealth, 1);
  t.deepEqual(s.transitions, []);
  t.is(s.reports[0]!.changed, true, 'still logged as a failed agent check');
  s.h.stop();
});

test('agent and health check: UP needs both', async (t) => {
  const clock = new FakeClock();
  const transitions: Array<[boolean, string]> = [];
  const checkAnswers: CheckStatus[] = ['L4OK', 'L4OK', 'L4OK'];
  const agentAnswers: Array<[CheckStatus, AgentCommand]> = [[`L7STS`, { health: 'fail' }], ['L7OK', { health: 'up' }]];
  let ci = 0;
  let ai = 0;
  const h = new ServerHealth(target, { check: check({ inter: 1000 }), agent: { port: 9999, inter: 1500 } }, {
    onTransition: (up, _r, source) => transitions.push([up, source]),
  }, {
    clock,
    runner: (_s, endpoint) => {
      if (endpoint.port === 9999) {
        const [st, cmd] = agentAnswers[Math.min(ai++, agentAnswers.length - 1)]!;
        const r = makeResult(st, '', 0, 0);
        r.agent = cmd;
        return Promise.resolve(r);
      }
      return Promise.resolve(makeResult(checkAnswers[Math.min(ci++, checkAnswers.length - 1)]!, '', 0, 0));
    },
  });
  h.start();
  await clock.advance(0);     // check OK, agent "fail" -> DOWN
  t.false(h.up);
  await clock.advance(1000);  // check OK again: still DOWN, the agent said so
  t.false(h.up);
  await clock.advance(500);   // agent "up" -> UP
  t.true(h.up);
  t.deepEqual(transitions, [[false, 'agent'], [true, 'agent']]);
  h.stop();
});

test('maintenance pauses the health check, not the agent; leaving it restarts at rise', async (t) => {
  const clock = new FakeClock();
  const ran: string[] = [];
  const transitions: boolean[] = [];
  const h = new ServerHealth(target, { check: check({ inter: 1000 }), agent: { port: 9999, inter: 1000 } }, {
    onTransition: (up) => transitions.push(up),
  }, {
    clock,
    runner: (_s, endpoint) => {
      ran.push(endpoint.port === 9999 ? 'agent' : 'check');
      const r = makeResult(endpoint.port === 9999 ? 'CHECKED' : 'L4OK', '', 0, 0);
      if (endpoint.port === 9999) r.agent = {};
      return Promise.resolve(r);
    },
  });
  h.setMaintenance(true);
  h.start();
  t.false(h.up);
  await clock.advance(2500);
  t.deepEqual(ran, ['agent', 'agent', 'agent'], 'only the agent runs');
  h.setMaintenance(false);
  t.true(h.up, 'UP at once: the counter restarts at rise');
  t.is(h.counters.checkHealth, 2);
  await clock.advance(0);
  t.is(ran.at(-1), 'check', 'checked immediately');
  h.setMaintenance(true);
  t.false(h.up);
  t.is(h.counters.checkHealth, 0);
  t.deepEqual(transitions, [], 'the caller words maintenance changes');
  h.stop();
});
