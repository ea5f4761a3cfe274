// `nbthread N`: the main thread plus N-1 worker threads, each running the
// proxy engine on the same TCP listeners (SO_REUSEPORT: the kernel spreads
// connections; no thread hands sockets to another). The main thread is
// the one process operators see: it alone runs health checks, the stats
// sockets, VRRP and email alerts; it pushes server states to the workers
// (at once after a runtime command or a stats-page action, and when its
// checks change one), and pulls their counters before it answers a runtime
// command, the stats page or the metrics, so every view is the sum.
//
// Stick tables are shared too (stick-sync.ts): every thread keeps a copy
// and sends its writes, through the main thread, to the others. Live
// counts (maxconn), queues and the pick order live in shared memory
// (shared-cells.ts); threads wake each other and copy cache changes over a
// BroadcastChannel (wake-channel.ts, thread-notes.ts); `show sess` and
// `show errors` gather every worker's (details.ts).
//
// Why threads and not processes: one PID for systemd, the pidfile and
// signals; one stdout; no file descriptors to pass. Each worker thread has
// its own V8 isolate and event loop, so JavaScript runs on N cores.
//
// Trade-offs (see also the closing note of issue 7):
// - each thread holds a copy of every cache (memory × threads), and a
//   restarted worker starts with an empty one; `show cache` counts the
//   main thread's lookups and hits;
// - a worker that dies with sessions in progress leaves them counted in
//   the shared cells (its slots are lost until the next reload builds new
//   objects);
// - roundrobin's order is one thread's while servers have room; a server
//   full in one thread's replay but not another's, or a weight change
//   applied a few ms apart, can shift it by a pick;
// - stick tables are a fraction of a millisecond late in the other
//   threads; tables replicated by `peers` keep nbthread at 1 (plan.ts);
// - a worker's counters since the last pull are lost if that worker dies
//   (it is restarted);
// - workers reload just after the main thread (same checked config, sent
//   over the port, never re-read): for a few ms they serve the old one;
// - UNIX socket, fd@ and `noreuseport` binds are served by the main thread only.

import { flushCompileCache } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/index.ts';
import type { EventLogger } from '../events/index.ts';
import { StartError, type Engine } from '../proxy/index.ts';
import { NO_REMOTE_DETAILS, type RemoteDetails, type ServiceRequest, type ThreadSync } from '../runtime/index.ts';
import { addTotals, sumGauges, withGauges, type Gauges } from './counter-sync.ts';
import type { FromWorker, ToWorker, WorkerStart } from './messages.ts';
import { stateKey, stateSnapshot } from './server-sync.ts';
import { planThreads } from './plan.ts';
import { StickShare, fullBatch, type StickBatch } from './stick-sync.ts';
import { CellAllocator, attachCells, type CellLayout } from './shared-cells.ts';
import { applyNote, shareCaches, shareTlsSessions } from './thread-notes.ts';
import { ticketKeyRing } from '../tls/index.ts';
import { WakeChannel } from './wake-channel.ts';
import { mergeDetails } from './details.ts';

const WORKER_URL = new URL('./worker.ts', import.meta.url);
/** A worker that takes longer than this to answer is left out of the answer (never waited on forever). */
const ANSWER_TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 30_000;
/**
 * How often the main thread compares the state it last sent with the live one: checks, DNS and
 * the runtime API publish their changes at once; this catches any change that reached no hook.
 */
const STATE_POLL_MS = 100;
const RESPAWN_DELAY_MS = 500;

export interface PoolOptions {
  readonly engine: Engine;
  /** nbthread: the main thread counts as one. */
  readonly nbthread: number;
  readonly events: EventLogger;
  readonly log: WorkerStart['log'];
  /** Threads without `nbthread` (the cores), for reloads. */
  readonly defaultThreads: number;
}

type Answer = Extract<FromWorker, { id: number }>;

class WorkerHandle {
  readonly index: number;
  readonly worker: Worker;
  private readonly pending = new Map<number, (m: Answer | null) => void>();
  private nextId = 1;

  constructor(index: number, start: WorkerStart) {
    this.index = index;
    // With Node's compile cache on (NODE_COMPILE_CACHE; the test command sets it), what this thread
    // compiled goes to disk first, so the worker loads the same sources from the cache. Else a no-op.
    flushCompileCache();
    this.worker = new Worker(WORKER_URL, { workerData: start });
  }

  /** Sends `msg` (its id filled in); resolves with the answer, or null on timeout or exit. */
  ask(msg: DistributiveOmit<ToWorker, 'id'>, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Answer | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.worker.postMessage({ ...msg, id } as ToWorker);
    });
  }

  answered(m: Answer): void {
    const r = this.pending.get(m.id);
    this.pending.delete(m.id);
    r?.(m);
  }

  gone(): void {
    for (const r of this.pending.values()) r(null);
    this.pending.clear();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class WorkerPool implements ThreadSync {
  readonly forward = null;
  private readonly opts: PoolOptions;
  private readonly workers: Array<WorkerHandle | null>;
  private readonly gauges = new Map<number, Gauges>();
  private remote: Gauges = {};
  private remoteDetails: RemoteDetails = NO_REMOTE_DETAILS;
  private lastState = '';
  private readonly poll: NodeJS.Timeout;
  private stopping = false;
  /** The main thread's side of the stick tables: its writes go to every worker, a worker's to the others. */
  private readonly sticks: StickShare;
  /** Live counts, queues and pick order shared by every thread. */
  private readonly cells: CellAllocator;
  private readonly channel = `hawser-threads-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private readonly wakes: WakeChannel;
  /** The cells of the configuration in force (a restarted worker binds to these). */
  private layout: CellLayout;

  private constructor(opts: PoolOptions) {
    this.opts = opts;
    this.sticks = new StickShare((batch) => this.passOn(batch, null));
    this.sticks.attach(opts.engine.stickTables());
    this.cells = new CellAllocator(Math.max(1, opts.nbthread));
    this.wakes = new WakeChannel(this.channel, 0, (n) => applyNote(opts.engine, n));
    this.layout = this.shareCells();
    shareTlsSessions(this.wakes);
    this.workers = new Array<WorkerHandle | null>(Math.max(0, opts.nbthread - 1)).fill(null);
    this.poll = setInterval(() => void this.publishIfChanged(), STATE_POLL_MS);
    this.poll.unref();
  }

  /** Starts nbthread-1 workers, each bound to the shared listeners; throws a StartError if one fails. */
  static async start(opts: PoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(opts);
    const problems: string[] = [];
    await Promise.all(pool.workers.map((_, i) => pool.spawn(i + 1).catch((err: Error) => problems.push(...(err instanceof StartError ? err.problems : [err.message])))));
    if (problems.length > 0) {
      await pool.stop(false, 0);
      throw new StartError(problems);
    }
    opts.engine.runtime.threads = pool;
    return pool;
  }

  /** Binds the main thread's objects to their cells (new ones get new cells); returns the layout the workers take. */
  private shareCells(): CellLayout {
    const { engine } = this.opts;
    const layout = this.cells.layout(engine);
    attachCells(engine, this.cells.cells, layout, 0, this.cells.threads, this.wakes);
    shareCaches(engine, this.wakes);
    // A health check's verdict reaches the other threads at once, not at the next poll.
    for (const be of engine.backends.values()) be.onServersChanged = this.stateChanged;
    return layout;
  }

  private spawn(index: number): Promise<void> {
    const { engine, events } = this.opts;
    const state = stateSnapshot(engine);
    const shared = { buffer: this.cells.buffer, threads: this.cells.threads, channel: this.channel };
    const h = new WorkerHandle(index, { hawserThread: index, config: engine.config, state, log: this.opts.log, shared, layout: this.layout, ticketKeys: ticketKeyRing() });
    this.workers[index - 1] = h;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => fail([`worker ${index} did not start within ${START_TIMEOUT_MS / 1000}s`]), START_TIMEOUT_MS);
      const fail = (problems: string[]): void => {
        clearTimeout(timer);
        if (started) return;
        started = true;
        void h.worker.terminate();
        reject(new StartError(problems.map((p) => `thread ${index}: ${p}`)));
      };
      h.worker.on('message', (m: FromWorker) => {
        switch (m.t) {
          case 'ready':
            clearTimeout(timer);
            started = true;
            // A restarted worker learns the tables back (a first start has them empty anyway).
            for (const [name, t] of engine.stickTables()) if (t.used > 0) h.worker.postMessage({ t: 'stick', batch: fullBatch(name, t) } satisfies ToWorker);
            events.debug({ event: 'thread-started', thread: index }, `thread ${index} serving`);
            resolve();
            return;
          case 'failed':
            return fail(m.problems);
          case 'serve':
            return void this.serve(h, m.id, m.frontend, m.req);
          case 'stick':
            this.sticks.apply(m.batch, engine.stickTables());
            return this.passOn(m.batch, h);
          default:
            return h.answered(m);
        }
      });
      h.worker.on('error', (err) => {
        if (!started) fail([err.message]);
        else events.error({ event: 'thread-failed', thread: index, error: err.message }, `thread ${index} failed: ${err.message}`);
      });
      h.worker.on('exit', (code) => {
        h.gone();
        this.gauges.delete(index);
        if (!started) return fail([`exited with code ${code}`]);
        if (this.workers[index - 1] !== h) return;
        this.workers[index - 1] = null;
        if (this.stopping) return;
        // Its listeners are gone with it; the others serve meanwhile.
        events.error({ event: 'thread-exited', thread: index, code }, `thread ${index} exited (code ${code}), restarting it`);
        setTimeout(() => {
          if (this.stopping) return;
          this.spawn(index).catch((err: Error) => events.error({ event: 'thread-failed', thread: index, error: err.message }, err.message));
        }, RESPAWN_DELAY_MS).unref();
      });
    });
  }

  /** A stick batch to every worker but the one it came from. */
  private passOn(batch: StickBatch, from: WorkerHandle | null): void {
    for (const w of this.workers) if (w !== null && w !== from) w.worker.postMessage({ t: 'stick', batch } satisfies ToWorker);
  }

  private live(): WorkerHandle[] {
    return this.workers.filter((w): w is WorkerHandle => w !== null);
  }

  /** A worker's stats page or metrics request, answered here from every worker's counters. */
  private async serve(h: WorkerHandle, id: number, frontend: string, req: ServiceRequest): Promise<void> {
    const fe = this.opts.engine.frontends.get(frontend);
    let reply = null;
    if (fe !== undefined) {
      try {
        reply = await fe.services.renderSynced(this.opts.engine.runtime, req);
      } catch {
        reply = null;
      }
    }
    h.worker.postMessage({ t: 'served', id, reply } satisfies ToWorker);
  }

  async collect(details = false): Promise<void> {
    const answers = await Promise.all(this.live().map(async (h) => ({ h, a: await h.ask({ t: 'collect', details }) })));
    const got: RemoteDetails[] = [];
    for (const { h, a } of answers) {
      if (a === null || a.t !== 'counters') continue;
      addTotals(this.opts.engine, a.report.delta);
      this.gauges.set(h.index, a.report.gauges);
      if (a.details !== null) got.push(a.details);
    }
    this.remote = sumGauges(this.gauges.values());
    this.remoteDetails = details ? mergeDetails(got) : NO_REMOTE_DETAILS;
  }

  details(): RemoteDetails {
    return this.remoteDetails;
  }

  withRemote<T>(read: () => T): T {
    return withGauges(this.opts.engine, this.remote, read);
  }

  async publish(): Promise<void> {
    const snap = stateSnapshot(this.opts.engine);
    this.lastState = stateKey(snap);
    await Promise.all(this.live().map((h) => h.ask({ t: 'state', state: snap })));
  }

  private publishSoon = false;
  // The first change of a synchronous run goes out at once: callers log a change after making it,
  // so the workers' port holds the new state before a client can react to the log line, and a
  // worker reads its port before that client's request. What the same run changes afterwards
  // (more servers, fields set after the hook) follows in one more snapshot, in a microtask.
  private readonly stateChanged = (): void => {
    if (this.publishSoon) return;
    this.publishSoon = true;
    if (!this.stopping) void this.publish();
    queueMicrotask(() => {
      this.publishSoon = false;
      void this.publishIfChanged();
    });
  };

  private async publishIfChanged(): Promise<void> {
    if (this.stopping) return;
    const key = stateKey(stateSnapshot(this.opts.engine));
    if (key !== this.lastState) await this.publish();
  }

  /**
   * After the main thread reloaded: the workers take the same checked
   * configuration. A new `nbthread` takes effect at the next start (as in
   * HAProxy); stick tables replicated by peers appearing stop the workers (see plan.ts).
   * Problems are logged; resolves once every worker answered.
   */
  async reload(config: Config, replicatedTables: number): Promise<void> {
    const { events } = this.opts;
    if (this.stopping) return;
    // At once: the main thread's new objects count with the others' from their first session.
    this.layout = this.shareCells();
    const plan = planThreads(config.global.nbthread, replicatedTables, this.opts.defaultThreads);
    if (plan.threads === 1) {
      events.warn({ event: 'nbthread-reduced', threads: 1 }, `${plan.warning ?? 'nbthread 1'}: the other threads finish their sessions and stop`);
      this.opts.engine.runtime.threads = null;
      config.global.nbthread = 1;
      await this.stop(true, config.global.hardStopAfter ?? 0);
      return;
    }
    if (plan.threads !== this.workers.length + 1) {
      events.warn({ event: 'nbthread-unchanged', threads: this.workers.length + 1 }, `nbthread ${plan.threads}: takes effect at the next start, ${this.workers.length + 1} threads serve meanwhile`);
    }
    // `show info` and the metrics report the threads that run.
    config.global.nbthread = this.workers.length + 1;
    this.sticks.attach(this.opts.engine.stickTables());
    for (const p of await this.reloadWorkers(config)) events.error({ event: 'thread-reload-failed', error: p }, p);
  }

  private async reloadWorkers(config: Config): Promise<string[]> {
    const state = stateSnapshot(this.opts.engine);
    this.lastState = stateKey(state);
    const answers = await Promise.all(this.live().map((h) => h.ask({ t: 'reload', config, state, layout: this.layout, ticketKeys: ticketKeyRing() }, START_TIMEOUT_MS)));
    const problems: string[] = [];
    answers.forEach((a, i) => {
      if (a === null) problems.push(`thread ${i + 1}: no answer to reload`);
      else if (a.t === 'done') problems.push(...a.problems.map((p) => `thread ${i + 1}: ${p}`));
    });
    return problems;
  }

  /** Stops every worker (graceful: each finishes its sessions within hardStopAfter). */
  async stop(graceful: boolean, hardStopAfter: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    const limit = (hardStopAfter > 0 ? hardStopAfter : graceful ? 60_000 : 0) + ANSWER_TIMEOUT_MS;
    await Promise.all(
      this.live().map(async (h) => {
        await h.ask({ t: 'stop', graceful, hardStopAfter }, limit);
        await h.worker.terminate();
      }),
    );
    this.wakes.close();
    shareTlsSessions(null);
  }
}
