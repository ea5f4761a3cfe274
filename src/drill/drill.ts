// The failover drill: builds a small cluster in network namespaces (Hawser
// nodes holding a VIP, backends, a client), drives steady client load
// through the VIP, breaks the cluster on purpose one scenario at a time, and
// reports what the client saw. Everything it creates is removed at the end,
// on failure too.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runCtl } from '../runtime/index.ts';
import type { ClientPlan } from './client.ts';
import { BACKEND_PORT, clusterConfig, VIP, type ClusterLayout, type Features } from './config.ts';
import { detectFeatures, HAWSER_BIN } from './features.ts';
import { must, Network, type Host } from './netns.ts';
import { HostProcess, type Event } from './process.ts';
import { evaluate, type RequestRecord, type ScenarioInput, type ScenarioResult, type Thresholds, type Transition } from './report.ts';

export const SCENARIOS = ['graceful', 'kill', 'backends', 'partition', 'split', 'filtered', 'reload', 'return', 'peer-restart'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface DrillOptions {
  nodes: number;
  scenarios: readonly ScenarioName[];
  advertMs: number;
  thresholds: Thresholds;
  /** How long to watch after each takeover before judging (ms). */
  settleMs: number;
  log: (line: string) => void;
  /** A file to write every request, VRRP transition and VIP addition to (JSON), to see why a verdict failed. */
  trace?: string;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  killTakeoverMs: 450,
  gracefulTakeoverMs: 200,
  gracefulFailed: 0,
  stickyPct: 100,
  splitBrainMs: 100,
};

const CLIENT_BIN = resolve(import.meta.dirname, 'client.ts');
const BACKEND_BIN = resolve(import.meta.dirname, 'backend.ts');
const PRIORITIES = [150, 100, 50];
const STICKY_CLIENTS = 4;
/** After a partition heals, the cluster has this long to agree on one master and bring the clients to it. */
const RECOVERY_MS = 1000;
/** Requests per 10 s on /limited: the limited client (20/s) is over it within a second of starting. */
const RATE_LIMIT = 10;

interface Node {
  name: string;
  host: Host;
  proc: HostProcess | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function eventTime(e: Event, at: number): number {
  const t = typeof e.time === 'string' ? Date.parse(e.time) : typeof e.time === 'number' ? e.time : Number.NaN;
  return Number.isFinite(t) ? t : at;
}

/** Runs a runtime API command on a node's socket; the answer, or '' when it fails. */
async function ask(socket: string, command: string): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const code = await runCtl(['-S', socket, command], sink, sink).catch(() => 1);
  return code === 0 ? text : '';
}

class Drill {
  readonly o: DrillOptions;
  readonly net: Network;
  readonly dir: string;
  readonly layout: ClusterLayout;
  readonly features: Features;
  readonly nodes: Node[];
  readonly backends: Host[];
  readonly client: Host;
  readonly cfgFile: string;
  readonly records: RequestRecord[] = [];
  readonly transitions: Transition[] = [];
  /** Split brains the nodes reported (vrrp-split-brain), for the trace. */
  readonly splitBrains: Array<{ node: string; at: number; peer: string; peerPriority: number }> = [];
  readonly vipAdded: Array<{ node: string; at: number }> = [];
  readonly monitors: HostProcess[] = [];
  clientProc: HostProcess | undefined;

  constructor(o: DrillOptions, net: Network, dir: string, layout: ClusterLayout, features: Features, nodes: Node[], backends: Host[], client: Host) {
    this.o = o;
    this.net = net;
    this.dir = dir;
    this.layout = layout;
    this.features = features;
    this.nodes = nodes;
    this.backends = backends;
    this.client = client;
    this.cfgFile = join(dir, 'hawser.cfg');
    writeFileSync(this.cfgFile, clusterConfig(layout, features));
  }

  socket(n: Node): string {
    return join(this.dir, `${n.name}.sock`);
  }

  /** Who is master now, from the transitions seen. */
  states(at = Date.now()): Map<string, string> {
    const m = new Map<string, string>();
    for (const tr of this.transitions) if (tr.at <= at) m.set(tr.node, tr.to);
    return m;
  }

  async startNode(n: Node): Promise<void> {
    const p = new HostProcess(n.host, [process.execPath, HAWSER_BIN, '-f', this.cfgFile, '-L', n.name]);
    p.onEvent = (e, at) => {
      if (e.event === 'vrrp-transition') this.transitions.push({ node: n.name, at: eventTime(e, at), to: String(e.to), reason: String(e.reason), priority: Number(e.priority) });
      if (e.event === 'vrrp-split-brain') this.splitBrains.push({ node: n.name, at: eventTime(e, at), peer: String(e.peer), peerPriority: Number(e.peerPriority) });
    };
    // A killed node says nothing: its end is its last state change.
    void p.exited.then(() => this.transitions.push({ node: n.name, at: Date.now(), to: 'Stopped' }));
    n.proc = p;
    await p.waitFor('hawser ready', (e) => e.event === 'ready', 20_000);
  }

  async waitMaster(n: Node, since: number, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.transitions.some((tr) => tr.node === n.name && tr.to === 'Master' && tr.at >= since)) return;
      await sleep(10);
    }
    throw new Error(`${n.name} did not become master within ${timeoutMs} ms`);
  }

  /** node1 master, every other node backup, and the client served. */
  async steady(): Promise<void> {
    const [first, ...rest] = this.nodes;
    const end = Date.now() + 15_000;
    for (;;) {
      const s = this.states();
      if (s.get(first!.name) === 'Master' && rest.every((n) => s.get(n.name) === 'Backup')) break;
      if (Date.now() > end) throw new Error(`the cluster did not settle: ${JSON.stringify([...s])}`);
      await sleep(20);
    }
    await sleep(1500);
    await this.tablesAgree(end);
  }

  /**
   * Until every node's tables hold as many entries as node1's (or `until`):
   * a node restarted by the previous scenario relearns its tables from its
   * peers, and a scenario started before that would move sticky clients for
   * a reason that is not the scenario's.
   */
  async tablesAgree(until: number): Promise<void> {
    const used = async (n: Node): Promise<string> =>
      [...(await ask(this.socket(n), 'show table')).matchAll(/# table: (\S+), .*used:(\d+)/g)].map((m) => `${m[1]}=${m[2]}`).join(' ');
    while (Date.now() < until) {
      const all = await Promise.all(this.nodes.map(used));
      if (all.every((u) => u === all[0])) return;
      await sleep(100);
    }
  }

  async startMonitors(): Promise<void> {
    for (const n of this.nodes) {
      const m = new HostProcess(n.host, ['ip', '-4', '-o', 'monitor', 'address']);
      m.onLine = (line, at) => {
        if (!line.startsWith('Deleted') && line.includes(` ${VIP}/`)) this.vipAdded.push({ node: n.name, at });
      };
      this.monitors.push(m);
    }
    await sleep(200);
  }

  startClient(durationMs: number): void {
    const addr = this.client.address;
    const last = Number(addr.split('.')[3]);
    const prefix = addr.split('.').slice(0, 3).join('.');
    const clients: ClientPlan['clients'] = [{ id: 'steady', rate: 40, path: '/' }];
    if (this.features.cookie) for (let i = 0; i < STICKY_CLIENTS; i++) clients.push({ id: `cookie-${i}`, rate: 5, path: '/cookie', cookie: true });
    if (this.features.stick) {
      for (let i = 0; i < STICKY_CLIENTS; i++) clients.push({ id: `src-${i}`, rate: 5, path: '/src', source: `${prefix}.${last + 1 + i}` });
      clients.push({ id: 'limited', rate: 20, path: '/limited', source: `${prefix}.${last + 1 + STICKY_CLIENTS}` });
    }
    const plan: ClientPlan = { vip: VIP, port: 80, durationMs, maxRequests: Math.ceil((durationMs / 1000) * 120), clients };
    const p = new HostProcess(this.client, [process.execPath, CLIENT_BIN, JSON.stringify(plan)]);
    p.onEvent = (e) => {
      if (e.k === 'r') this.records.push(e as unknown as RequestRecord);
    };
    this.clientProc = p;
  }

  async stopClient(): Promise<void> {
    const p = this.clientProc;
    if (p === undefined) return;
    p.kill('SIGTERM');
    await p.waitFor('the client to end', (e) => e.k === 'end', 5000).catch(() => p.kill('SIGKILL'));
  }

  vipOn(node: string, since: number): number | undefined {
    return this.vipAdded.find((v) => v.node === node && v.at >= since)?.at;
  }

  input(name: string, t0: number, tEnd: number, newMaster: Node | undefined, extra: Partial<ScenarioInput>): ScenarioInput {
    return {
      name,
      t0,
      tEnd,
      newMaster: newMaster?.name,
      vipAt: newMaster === undefined ? undefined : this.vipOn(newMaster.name, t0),
      records: this.records,
      transitions: this.transitions,
      splitFrom: t0,
      failuresAllowed: false,
      takeoverLimitMs: undefined,
      peersLagMs: undefined,
      notes: [],
      ...extra,
    };
  }

  /**
   * Runs one scenario; its judgement, to be called once the client has
   * stopped: a request still waiting for its answer when the scenario ended
   * (a connection black-holed by the takeover) is judged with its outcome.
   */
  async run(name: ScenarioName): Promise<(() => ScenarioResult) | undefined> {
    const [n1, n2] = this.nodes as [Node, Node];
    await this.steady();
    const initial = this.states();
    const th = this.o.thresholds;
    let input: ScenarioInput;
    /** Verdicts beyond evaluate()'s, checked when the scenario is judged: why it fails, or undefined. */
    const checks: Array<() => string | undefined> = [];
    switch (name) {
      case 'graceful':
      case 'kill': {
        const t0 = Date.now();
        n1.proc!.kill(name === 'kill' ? 'SIGKILL' : 'SIGTERM');
        await this.waitMaster(n2, t0, 5000);
        await sleep(this.o.settleMs);
        const tEnd = Date.now();
        input = this.input(name, t0, tEnd, n2, {
          failuresAllowed: name === 'kill',
          inFlightExempt: name === 'graceful',
          takeoverLimitMs: name === 'kill' ? th.killTakeoverMs : th.gracefulTakeoverMs,
        });
        await n1.proc!.exited;
        await this.startNode(n1);
        break;
      }
      case 'backends': {
        const t0 = Date.now();
        for (const b of this.backends) await must('ip', ['-n', n1.host.ns, 'route', 'add', 'blackhole', `${b.address}/32`]);
        await this.waitMaster(n2, t0, 10_000);
        await sleep(this.o.settleMs);
        input = this.input(name, t0, Date.now(), n2, { failuresAllowed: true, notes: ['requests through the old master fail until its checks mark the servers down'] });
        for (const b of this.backends) await must('ip', ['-n', n1.host.ns, 'route', 'del', 'blackhole', `${b.address}/32`]);
        break;
      }
      case 'partition':
      case 'split': {
        // partition: the master's link goes down (it notices: Fault); split: the switch stops forwarding its frames, its link
        // stays up, it stays master, alone: two masters until the network heals.
        const cut = (on: boolean): Promise<void> => (name === 'partition' ? this.net.setLink(n1.host, on) : this.net.setForwarding(n1.host, on));
        const t0 = Date.now();
        await cut(false);
        await this.waitMaster(n2, t0, 5000);
        await sleep(this.o.settleMs);
        const masters = this.states();
        const reportedBefore = await this.splitBrainsReported();
        await cut(true);
        // From when the network is back for sure (the command has returned).
        const healed = Date.now();
        await sleep(this.o.settleMs);
        const end = Date.now();
        checks.push(() => {
          const late = this.records.filter((r) => r.t >= healed + RECOVERY_MS && r.t <= end && r.s === 0).length;
          return late > 0 ? `${late} requests failed more than ${RECOVERY_MS} ms after the network healed` : undefined;
        });
        const reported = await this.splitBrainsReported(reportedBefore);
        const notes = ['split brain is counted from the moment the link is back'];
        const both = [...masters.values()].filter((st) => st === 'Master').length >= 2;
        notes.push(
          both
            ? `both nodes were master when the link came back; split brain reported by ${Object.entries(reported).map(([n, k]) => `${n}: ${k}`).join(', ')} (show vrrp split_brains)`
            : 'the isolated master had left Master before the link came back (no split brain to report)',
        );
        input = this.input(name, t0, end, n2, { failuresAllowed: true, splitFrom: healed, notes });
        const unreported = both && Object.values(reported).every((k) => k === 0);
        checks.push(() => (unreported ? 'two masters met after the partition and no node reported a split brain' : undefined));
        if (name === 'split' && !both) checks.push(() => 'the isolated master left Master: this was not a split brain');
        break;
      }
      case 'filtered': {
        // VRRP dropped on every node while peers and clients flow: the backups keep deferring to the master's claims
        // carried by the peers sessions, so no second master (without peers, each backup takes over after its
        // Master_Down_Interval).
        if (!this.features.stick) return undefined;
        const t0 = Date.now();
        for (const n of this.nodes) await this.net.filterVrrp(n.host, true);
        await sleep(Math.max(this.o.settleMs, 20 * this.o.advertMs));
        const tEnd = Date.now();
        for (const n of this.nodes) await this.net.filterVrrp(n.host, false);
        input = this.input(name, t0, tEnd, undefined, { notes: [`VRRP (protocol 112) dropped on every node for ${tEnd - t0} ms, peers up`] });
        checks.push(() => {
          const took = this.transitions.filter((tr) => tr.at >= t0 && tr.at <= tEnd && tr.to === 'Master').map((tr) => tr.node);
          return took.length > 0 ? `${took.join(', ')} became master while VRRP was filtered (peers did not carry the master's claims)` : undefined;
        });
        break;
      }
      case 'reload': {
        const t0 = Date.now();
        for (const n of this.nodes) {
          const since = n.proc!.events.length;
          n.proc!.kill('SIGHUP');
          await n.proc!.waitFor(`${n.name} reload`, (e) => e.event === 'reload' && n.proc!.events.findIndex((x) => x.e === e) >= since, 10_000);
        }
        await sleep(this.o.settleMs);
        input = this.input(name, t0, Date.now(), undefined, {});
        break;
      }
      case 'return': {
        n1.proc!.kill('SIGTERM');
        await this.waitMaster(n2, Date.now() - 50, 5000);
        await n1.proc!.exited;
        await sleep(1000);
        const t0 = Date.now();
        await this.startNode(n1);
        await this.waitMaster(n1, t0, 5000);
        await sleep(this.o.settleMs);
        input = this.input(name, t0, Date.now(), n1, { inFlightExempt: true, notes: ['the old master comes back and preempts'] });
        break;
      }
      case 'peer-restart': {
        if (!this.features.stick) return undefined;
        const t0 = Date.now();
        n2.proc!.kill('SIGKILL');
        await n2.proc!.exited;
        await this.startNode(n2);
        const want = await this.tableSize(n1, 'drill/sticky');
        let lag: number | undefined;
        const end = Date.now() + 10_000;
        while (Date.now() < end) {
          if ((await this.tableSize(n2, 'drill/sticky')) >= want && want > 0) {
            lag = Date.now() - t0;
            break;
          }
          await sleep(50);
        }
        await sleep(500);
        input = this.input(name, t0, Date.now(), undefined, {
          peersLagMs: lag,
          notes: [lag === undefined ? `node2 did not relearn the ${want} sticky entries` : `node2 relearned ${want} sticky entries ${lag} ms after it was killed`],
        });
        break;
      }
    }
    if (name === 'peer-restart' && input.peersLagMs === undefined) checks.push(() => 'tables were not relearned');
    return () => {
      const r = evaluate(input, th, initial);
      const why = checks.map((c) => c()).filter((w) => w !== undefined);
      if (why.length > 0) {
        r.verdict = 'fail';
        r.why.push(...why);
      }
      return r;
    };
  }

  /**
   * Whether every node has an established peers session with every other
   * one; a line per node that has not, since source persistence and the
   * cluster-wide rate limit survive a takeover only through the peers.
   */
  async peersProblems(): Promise<string[]> {
    const out: string[] = [];
    for (const n of this.nodes) {
      const text = await ask(this.socket(n), 'show peers');
      if (text.trim() === '') {
        out.push(`${n.name}: no peers section running ('show peers' answers nothing): this build does not start the peers protocol, so stick tables are not shared`);
        continue;
      }
      const remote = [...text.matchAll(/id=([^()\s]+)\(remote\) addr=\S+ status=(\w+)/g)];
      const down = remote.filter((m) => m[2] !== 'ESTA').map((m) => `${m[1]} (${m[2]})`);
      if (remote.length === 0) out.push(`${n.name}: 'show peers' lists no remote peer`);
      else if (down.length > 0) out.push(`${n.name}: peers session not established with ${down.join(', ')}`);
    }
    return out;
  }

  /** Per node, the split brains `show vrrp` counts (minus `since`, when given). */
  async splitBrainsReported(since: Record<string, number> = {}): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const n of this.nodes) {
      const m = /^split_brains: (\d+)$/m.exec(await ask(this.socket(n), 'show vrrp'));
      out[n.name] = (m === null ? 0 : Number(m[1])) - (since[n.name] ?? 0);
    }
    return out;
  }

  async tableSize(n: Node, table: string): Promise<number> {
    const text = await ask(this.socket(n), 'show table');
    const m = new RegExp(`# table: ${table.replace('/', '\\/')}, type: [a-z0-9]+, size:\\d+, used:(\\d+)`).exec(text);
    return m === null ? 0 : Number(m[1]);
  }
}

/** Builds the cluster, runs the scenarios, tears everything down; the results. */
export interface DrillOutcome {
  results: ScenarioResult[];
  features: Features;
  /** What the drill noticed about the cluster itself (peers not connected...). */
  clusterNotes: string[];
  /** `show cluster` as each node answered it at the end. */
  showCluster: Record<string, string>;
}

export async function runDrill(o: DrillOptions): Promise<DrillOutcome> {
  if (o.nodes < 2 || o.nodes > 3) throw new Error('the drill runs 2 or 3 nodes');
  const dir = mkdtempSync(join(tmpdir(), 'hawser-drill-'));
  const net = await Network.create();
  try {
    const nodeHosts: Host[] = [];
    for (let i = 0; i < o.nodes; i++) nodeHosts.push(await net.addHost(`n${i + 1}`));
    const backends = [await net.addHost('b1'), await net.addHost('b2')];
    const client = await net.addHost('c1', STICKY_CLIENTS + 1);
    const layout: ClusterLayout = {
      nodes: nodeHosts.map((h, i) => ({ name: `node${i + 1}`, address: h.address, priority: PRIORITIES[i]! })),
      backends: backends.map((h) => ({ name: h.name, address: h.address })),
      advertMs: o.advertMs,
      rateLimit: RATE_LIMIT,
      nopreempt: false,
      sockDir: dir,
    };
    const features = detectFeatures(layout);
    if (!features.cookie) o.log('drill: cookie persistence is not available in this build: no cookie clients');
    if (!features.stick) o.log('drill: stick tables/peers are not available in this build: no source-sticky or rate-limited clients');
    const nodes: Node[] = nodeHosts.map((host, i) => ({ name: `node${i + 1}`, host, proc: undefined }));
    const d = new Drill(o, net, dir, layout, features, nodes, backends, client);
    for (const b of backends) {
      const p = new HostProcess(b, [process.execPath, BACKEND_BIN, b.name, String(BACKEND_PORT)]);
      await p.waitFor('backend ready', (e) => e.event === 'backend-ready', 10_000);
    }
    await d.startMonitors();
    for (const n of nodes) {
      await d.startNode(n);
      if (n === nodes[0]) await d.waitMaster(n, 0, 5000);
    }
    d.startClient(o.scenarios.length * 30_000 + 20_000);
    await sleep(2000);
    const clusterNotes = features.stick ? await d.peersProblems() : [];
    if (clusterNotes.length > 0) {
      clusterNotes.push('without shared stick tables a new master does not know the source-sticky clients nor the limited client\'s rate: those verdicts fail');
    }
    for (const n of clusterNotes) o.log(`drill: ${n}`);
    const judges: Array<() => ScenarioResult> = [];
    for (const s of o.scenarios) {
      o.log(`drill: ${s}...`);
      const judge = await d.run(s);
      if (judge !== undefined) judges.push(judge);
      else o.log(`drill: ${s} skipped (needs stick tables and peers)`);
    }
    const showCluster: Record<string, string> = {};
    for (const n of nodes) showCluster[n.name] = await ask(d.socket(n), 'show cluster');
    await d.stopClient();
    const results = judges.map((judge) => judge());
    if (o.trace !== undefined) {
      const scenarios = results.map((r) => ({ name: r.name, t0: r.t0, tEnd: r.tEnd }));
      writeFileSync(o.trace, JSON.stringify({ scenarios, transitions: d.transitions, splitBrains: d.splitBrains, vipAdded: d.vipAdded, records: d.records }));
    }
    // A node draining a connection to a client that is gone can wait for
    // minutes: the drill is over, so it gets a few seconds.
    for (const n of nodes) n.proc?.kill('SIGTERM');
    const grace = setTimeout(() => nodes.forEach((n) => n.proc?.kill('SIGKILL')), 5000);
    await Promise.all(nodes.map((n) => n.proc?.exited));
    clearTimeout(grace);
    return { results, features, clusterNotes, showCluster };
  } finally {
    await net.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

