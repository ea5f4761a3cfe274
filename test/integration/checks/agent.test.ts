// The agent check against a tiny load-feedback agent over TCP, and a
// HealthCheck obeying it: weight, drain, then down (server DOWN).

import test from 'ava';
import { HealthCheck, runScript, transitionMessage, type AgentCommand, type CheckResult } from '../../../src/checks/index.ts';
import { agentScript } from '../../../src/checks/agent.ts';
import { freePort, tcpServer, waitFor } from './servers.ts';

const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 500 };

/** Replies with the next line of `lines` to each connection (the last one repeats). */
async function agent(t: import('ava').ExecutionContext, lines: string[], received: string[] = []): Promise<number> {
  let i = 0;
  return tcpServer(t, (s) => {
    const reply = lines[Math.min(i++, lines.length - 1)]!;
    s.on('data', (d) => received.push(d.toString()));
    setTimeout(() => s.end(reply), 5);
  });
}

test('replies are read one line at a time', async (t) => {
  const received: string[] = [];
  const port = await agent(t, ['50%\n', 'drain\n', 'down\n'], received);
  const ep = { host: '127.0.0.1', port };
  const a = await runScript(agentScript('app/app1\n'), ep, timing);
  t.like(a, { status: 'CHECKED', info: '' });
  t.deepEqual(a.agent, { weightPercent: 50 });
  const b = await runScript(agentScript(), ep, timing);
  t.deepEqual(b.agent, { admin: 'drain' });
  t.like(await runScript(agentScript(), ep, timing), { status: 'L7STS', info: 'via agent : down', agent: { health: 'down' } });
  t.deepEqual(received, ['app/app1\n'], 'agent-send reached the agent');
});

test('a HealthCheck applies the agent: weight, drain, then DOWN', async (t) => {
  const port = await agent(t, ['50%\n', 'drain\n', 'down # maintenance window\n']);
  const commands: AgentCommand[] = [];
  const transitions: Array<[boolean, CheckResult]> = [];
  const hc = new HealthCheck({ backend: 'app', server: 'app1', host: '127.0.0.1', port: 1 },
    { agent: { port, inter: 30, timeoutCheck: 500 } },
    {
      onTransition: (up, result) => transitions.push([up, result]),
      onAgent: (cmd) => commands.push(cmd),
    });
  t.teardown(() => hc.stop());
  hc.start();
  await waitFor(() => !hc.up);
  hc.stop();
  t.deepEqual(commands.slice(0, 3), [{ weightPercent: 50 }, { admin: 'drain' }, { health: 'down', message: 'maintenance window' }]);
  t.is(transitions.length, 1);
  const [up, result] = transitions[0]!;
  t.false(up);
  t.is(transitionMessage({ backend: 'app', server: 'app1', up, result: { ...result, durationMs: 0 }, activeServers: 0, backupServers: 0 }),
    'Server app/app1 is DOWN, reason: Layer7 wrong status, code: 0, info: "via agent : down (maintenance window)", check duration: 0ms. ' +
    '0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.');
});

test('an agent that cannot be reached changes nothing', async (t) => {
  const port = await freePort();
  const transitions: boolean[] = [];
  const hc = new HealthCheck({ backend: 'app', server: 'app1', host: '127.0.0.1', port: 1 },
    { agent: { port, inter: 20 } }, { onTransition: (up) => transitions.push(up) });
  t.teardown(() => hc.stop());
  hc.start();
  await waitFor(() => hc.lastAgentResult?.status === 'L4CON');
  await new Promise((r) => setTimeout(r, 60));
  hc.stop();
  t.true(hc.up);
  t.deepEqual(transitions, []);
});
