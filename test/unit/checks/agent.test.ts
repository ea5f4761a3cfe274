// Agent replies, parsed and worded as haproxy 2.6 does.

import test from 'ava';
import { agentScript, agentVerdict, agentWeight, parseAgentReply } from '../../../src/checks/agent.ts';
import { exchange } from './exchange.ts';

test('words in any order, separated by spaces, tabs or commas', (t) => {
  t.deepEqual(parseAgentReply('75%'), { weightPercent: 75 });
  t.deepEqual(parseAgentReply('up 50%'), { health: 'up', weightPercent: 50 });
  t.deepEqual(parseAgentReply('drain'), { admin: 'drain' });
  t.deepEqual(parseAgentReply('ready,UP\t100%'), { admin: 'ready', health: 'up', weightPercent: 100 });
  t.deepEqual(parseAgentReply('maint'), { admin: 'maint' });
  t.deepEqual(parseAgentReply('fail # disk full'), { health: 'fail', message: 'disk full' });
  t.deepEqual(parseAgentReply('stopped'), { health: 'stopped' });
  t.deepEqual(parseAgentReply('down 0% maxconn:30'), { health: 'down', weightPercent: 0, maxconn: 30 });
  t.deepEqual(parseAgentReply('up 75% garbage maxconn:10'), { health: 'up', weightPercent: 75, maxconn: 10, error: 'garbage' });
  t.deepEqual(parseAgentReply('20% 30%'), { weightPercent: 30 }, 'the last one wins');
  t.deepEqual(parseAgentReply('down#x'), { error: 'down#x' }, "a '#' inside a word is part of it");
});

test('malformed weights and maxconn are warnings', (t) => {
  t.deepEqual(parseAgentReply('75%x'), { warning: 'Trailing garbage in weight string' });
  t.deepEqual(parseAgentReply('maxconn:ten'), { warning: 'maxconn string empty or preceded by garbage' });
  t.is(agentVerdict(parseAgentReply('75%x')).info, 'agent warns : Trailing garbage in weight string');
});

test('the wording of the verdicts', (t) => {
  t.deepEqual(agentVerdict(parseAgentReply('ready up 100% # all good')), { status: 'L7OK', info: 'via agent : up (all good)' });
  t.deepEqual(agentVerdict(parseAgentReply('up 75% garbage maxconn:10')), { status: 'L7OK', info: 'via agent : up (garbage)' });
  t.deepEqual(agentVerdict(parseAgentReply('fail # disk full')), { status: 'L7STS', info: 'via agent : fail (disk full)' });
  t.deepEqual(agentVerdict(parseAgentReply('stopped')), { status: 'L7STS', info: 'via agent : stopped' });
  t.deepEqual(agentVerdict(parseAgentReply('weird')), { status: 'CHECKED', info: 'agent reports an error : weird' });
  t.deepEqual(agentVerdict(parseAgentReply('50%')), { status: 'CHECKED', info: '' });
});

test('the agent check reads one line, CR or LF ended', (t) => {
  const r = exchange(agentScript(), ['50', '%\r\n'], 'timeout');
  t.deepEqual(r.sent, []);
  t.like(r.done, { status: 'CHECKED', info: '' });
  t.deepEqual(r.done.agent, { weightPercent: 50 });
  t.like(exchange(agentScript(), ['DOWN\n']).done, { status: 'L7STS', info: 'via agent : DOWN' });
  t.like(exchange(agentScript(), ['no newline']).done, { status: 'CHECKED', info: 'Ignoring incomplete line from agent' });
});

test('agent-send is sent first', (t) => {
  t.deepEqual(exchange(agentScript('app/app1\n'), ['up\n']).sent, [Buffer.from('app/app1\n')]);
});

test('weights relative to the configured one, capped at 256', (t) => {
  t.is(agentWeight(10, 50), 5);
  t.is(agentWeight(1, 50), 0);
  t.is(agentWeight(200, 200), 256);
  t.is(agentWeight(3, 100), 3);
});
