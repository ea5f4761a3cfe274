// Log lines, compared with what haproxy 2.6 printed for the same events.

import test from 'ava';
import { asciiEncode, checkLogMessage, noServerMessage, transitionMessage } from '../../../src/checks/messages.ts';
import { makeResult } from '../../../src/checks/status.ts';
import type { CheckReport } from '../../../src/checks/health.ts';

const refused = makeResult('L4CON', 'Connection refused', 0, 0);
const ok200 = makeResult('L7OK', '', 200, 0);

test('DOWN with its reason', (t) => {
  t.is(transitionMessage({ backend: 'plain', server: 's1', up: false, result: refused, activeServers: 0, backupServers: 0 }),
    'Server plain/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. ' +
    '0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  t.is(transitionMessage({ backend: 'h503', server: 's1', up: false, result: makeResult('L7STS', 'Service Unavailable', 503, 13), activeServers: 0, backupServers: 0 }),
    'Server h503/s1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 13ms. ' +
    '0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
  t.is(transitionMessage({ backend: 'b1', server: 's1', up: false, result: refused, activeServers: 0, backupServers: 1 }),
    'Server b1/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. ' +
    '0 active and 1 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.');
  t.is(transitionMessage({ backend: 'b1', server: 's2', backup: true, up: false, result: refused, activeServers: 0, backupServers: 0 }),
    'Backup Server b1/s2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. ' +
    '0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
});

test('UP with its reason; the short form under log-health-checks', (t) => {
  t.is(transitionMessage({ backend: 'b1', server: 's1', up: true, result: ok200, activeServers: 1, backupServers: 0 }),
    'Server b1/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 0ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.');
  t.is(transitionMessage({ backend: 'b1', server: 's2', backup: true, up: true, result: ok200, activeServers: 1, backupServers: 1 }),
    'Backup Server b1/s2 is UP, reason: Layer7 check passed, code: 200, check duration: 0ms. 1 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.');
  t.is(transitionMessage({ backend: 'hok', server: 's1', up: false, activeServers: 0, backupServers: 0 }),
    'Server hok/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
});

const report = (o: Partial<CheckReport> & Pick<CheckReport, 'result'>): CheckReport =>
  ({ source: 'check', health: 0, rise: 2, fall: 3, up: true, changed: true, ...o });

test('log-health-checks lines', (t) => {
  const target = { backend: 'hok', server: 's1' };
  t.is(checkLogMessage(target, report({ result: ok200, health: 3, rise: 2, fall: 2 })),
    'Health check for server hok/s1 succeeded, reason: Layer7 check passed, code: 200, check duration: 0ms, status: 2/2 UP.');
  t.is(checkLogMessage(target, report({ result: refused, health: 2, rise: 2, fall: 2 })),
    'Health check for server hok/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 1/2 UP.');
  t.is(checkLogMessage(target, report({ result: refused, health: 0, rise: 2, fall: 2 })),
    'Health check for server hok/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 0/2 DOWN.');
  t.is(checkLogMessage({ backend: 'agent', server: 's1' }, report({ source: 'agent', result: refused, health: 1, rise: 1, fall: 1 })),
    'Agent check for server agent/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 1/1 UP.');
  t.is(checkLogMessage({ backend: 'a3', server: 's1' }, report({ source: 'agent', result: makeResult('L7OK', 'via agent : up (garbage)', 0, 0), health: 1, rise: 1, fall: 1 }), true),
    'Agent check for server a3/s1 succeeded, reason: Layer7 check passed, code: 0, info: "via agent : up (garbage)", check duration: 0ms, status: 1/1 DRAIN.');
  t.is(checkLogMessage({ backend: 't2', server: 's1' }, report({ result: makeResult('L7TOUT', " at step 3 of tcp-check (expect binary '\t')", 0, 301), rise: 1, fall: 1 })),
    "Health check for server t2/s1 failed, reason: Layer7 timeout, info: \" at step 3 of tcp-check (expect binary '<09>')\", check duration: 301ms, status: 0/1 DOWN.");
  t.is(checkLogMessage({ backend: 'b', server: 's', backup: true }, report({ result: makeResult('L7OKC', '', 404, 2), health: 4 })),
    'Health check for backup server b/s conditionally succeeded, reason: Layer7 check conditionally passed, code: 404, check duration: 2ms, status: 3/3 UP.');
});

test('info text is escaped like chunk_asciiencode', (t) => {
  t.is(asciiEncode('a"b<c>\0\xe9'), 'a<22>b<3C>c<3E><00><E9>');
  t.is(noServerMessage('backend', 'app'), 'backend app has no server available!');
});
