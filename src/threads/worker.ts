// The entry of an extra `nbthread` worker (a worker thread): it runs an
// Engine that only serves (src/proxy, serveOnly) on the shared listeners,
// takes server states from the main thread, reports its counters when
// asked, and hands local-service requests (stats page, metrics) to the
// main thread, which answers from every worker's counters.

import { hostname } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/index.ts';
import { createEventLogger } from '../events/index.ts';
import { Engine, StartError, compileRouting } from '../proxy/index.ts';
import type { HttpReply } from '../rules/index.ts';
import { NO_REMOTE_DETAILS, type ServiceRequest, type ThreadSync } from '../runtime/index.ts';
import { CounterReporter } from './counter-sync.ts';
import type { FromWorker, ToWorker, WorkerStart } from './messages.ts';
import { applyState } from './server-sync.ts';
import { sharedBindsOnly } from './worker-binds.ts';
import { StickShare, threadNode } from './stick-sync.ts';
import { attachCells } from './shared-cells.ts';
import { applyNote, shareCaches, shareTlsSessions } from './thread-notes.ts';
import { adoptTicketKeys } from '../tls/index.ts';
import { WakeChannel } from './wake-channel.ts';
import { threadDetails } from './details.ts';

const FORWARD_TIMEOUT_MS = 5000;

const port = parentPort;
if (port === null) throw new Error('src/threads/worker.ts runs as a worker thread');
const start = workerData as WorkerStart;
const post = (m: FromWorker): void => port.postMessage(m);

const events = createEventLogger(start.log);

/** A worker's copy of the config: shared binds only, and its own node name for its stick tables' shares. */
function ownCopy(c: Config): Config {
  c.localName = threadNode(c.localName ?? hostname(), start.hawserThread);
  return sharedBindsOnly(c);
}

adoptTicketKeys(start.ticketKeys);
const config = ownCopy(start.config);
const engine = new Engine(config, compileRouting(config), events, { serveOnly: true });
applyState(engine, start.state);
const cells = new Int32Array(start.shared.buffer);
const wakes = new WakeChannel(start.shared.channel, start.hawserThread, (n) => applyNote(engine, n));
attachCells(engine, cells, start.layout, start.hawserThread, start.shared.threads, wakes);
shareCaches(engine, wakes);
shareTlsSessions(wakes);
const sticks = new StickShare((batch) => post({ t: 'stick', batch }));
sticks.attach(engine.stickTables());
const reporter = new CounterReporter();

// Local services answered by the main thread: each request waits for its `served`.
const waiting = new Map<number, (r: HttpReply | null) => void>();
let nextId = 1;
const sync: ThreadSync = {
  collect: () => Promise.resolve(),
  details: () => NO_REMOTE_DETAILS,
  withRemote: (read) => read(),
  publish: () => Promise.resolve(),
  forward: (frontend: string, req: ServiceRequest) =>
    new Promise<HttpReply>((resolve, reject) => {
      const id = nextId++;
      // A main thread that does not answer (blocked, stopping) gets the client a 503, not a hang.
      const timer = setTimeout(() => waiting.get(id)?.(null), FORWARD_TIMEOUT_MS);
      waiting.set(id, (r) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (r === null) reject(new Error('no answer from the main thread'));
        else resolve(r);
      });
      post({ t: 'serve', id, frontend, req });
    }),
};
engine.runtime.threads = sync;

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'collect':
      post({ t: 'counters', id: m.id, report: reporter.report(engine), details: m.details ? threadDetails(engine, start.hawserThread) : null });
      return;
    case 'state':
      applyState(engine, m.state);
      post({ t: 'done', id: m.id, problems: [] });
      return;
    case 'reload': {
      adoptTicketKeys(m.ticketKeys);
      const next = ownCopy(m.config);
      const routing = compileRouting(next);
      engine.reload(next, routing).then(
        () => {
          attachCells(engine, cells, m.layout, start.hawserThread, start.shared.threads, wakes);
          shareCaches(engine, wakes);
          sticks.attach(engine.stickTables());
          applyState(engine, m.state);
          post({ t: 'done', id: m.id, problems: [] });
        },
        (err: unknown) => post({ t: 'done', id: m.id, problems: err instanceof StartError ? err.problems : [(err as Error).message] }),
      );
      return;
    }
    case 'stop':
      engine.stop(m.graceful, m.hardStopAfter).finally(() => {
        // The last sessions' table writes (conn_cur going down) reach the others before we go.
        sticks.flush();
        wakes.close();
        post({ t: 'done', id: m.id, problems: [] });
        port.close();
      });
      return;
    case 'served':
      waiting.get(m.id)?.(m.reply);
      return;
    case 'stick':
      sticks.apply(m.batch, engine.stickTables());
      return;
  }
});

engine.start().then(
  () => post({ t: 'ready' }),
  (err: unknown) => post({ t: 'failed', problems: err instanceof StartError ? err.problems : [(err as Error).message] }),
);
