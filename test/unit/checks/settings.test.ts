// From the configuration model to check settings, with HAProxy's defaults.

import test from 'ava';
import { healthSettings } from '../../../src/checks/settings.ts';

test('check with defaults: tcp, inter 2s, rise 2, fall 3', (t) => {
  t.deepEqual(healthSettings({ timeouts: {} }, { check: true }), {
    check: {
      protocol: { kind: 'tcp' }, inter: 2000, fastinter: undefined, downinter: undefined, rise: 2, fall: 3,
      timeoutConnect: undefined, timeoutCheck: undefined, checkAddr: undefined, checkPort: undefined,
    },
  });
});

test('server keywords and backend timeouts are carried', (t) => {
  const s = healthSettings({ check: { kind: 'redis' }, timeouts: { connect: 5000, check: 1000 } },
    { check: true, inter: 500, fastinter: 100, downinter: 3000, rise: 1, fall: 5, checkPort: 6380, checkAddr: '127.0.0.2' });
  t.deepEqual(s?.check, {
    protocol: { kind: 'redis' }, inter: 500, fastinter: 100, downinter: 3000, rise: 1, fall: 5,
    timeoutConnect: 5000, timeoutCheck: 1000, checkAddr: '127.0.0.2', checkPort: 6380,
  });
  t.is(s?.agent, undefined);
});

test('agent check: needs agent-port; agent-inter defaults to 2s', (t) => {
  t.is(healthSettings({ timeouts: {} }, { agentCheck: true }), undefined);
  t.deepEqual(healthSettings({ timeouts: { check: 0 } }, { agentCheck: true, agentPort: 9999, agentSend: 'hi\n', inter: 100 })?.agent,
    { port: 9999, addr: undefined, inter: 2000, send: 'hi\n', timeoutConnect: undefined, timeoutCheck: undefined });
  t.is(healthSettings({ timeouts: {} }, {}), undefined);
});
