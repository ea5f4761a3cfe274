// For the peers tests: stick tables built as the engine builds them, and
// in-process peers nodes over real sockets on 127.0.0.1, configured from a
// real `peers` section, and the certificates of a peers PKI. Every node is
// stopped and every file removed at teardown.

import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadCredentials, PeersNode, peersSettings, type PeersNodeOptions, type PeersTiming } from '../../cluster/peers/index.ts';
import { formatDiagnostic, parseConfigText } from '../../src/config/index.ts';
import type { EventLogger } from '../../src/events/index.ts';
import { parseStore, StickTable, type KeyType, type TableDef } from '../../src/stick/index.ts';
import { freePorts } from './ports.ts';

// Short reconnects; a dead-peer timeout long enough for a loaded machine's stalls.
export const FAST: Partial<PeersTiming> = { heartbeatMs: 100, deadMs: 3000, handshakeMs: 3000, minMs: 20, maxMs: 200 };

export interface TestNode {
  node: PeersNode;
  /** Structured events logged so far. */
  events: Array<Record<string, unknown>>;
  tables: Map<string, StickTable>;
}

/** A logger collecting JSON events. */
export function collector(): { logger: EventLogger; events: Array<Record<string, unknown>> } {
  const events: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') events.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink) as EventLogger, events };
}

/** `peers lb` with one `peer` line per name, then `extra` lines (secret, TLS...). */
export function peersSection(ports: Record<string, number>, extra: string[] = [], peerParams: Record<string, string> = {}): string {
  const lines = ['peers lb', ...extra.map((l) => `    ${l}`)];
  for (const [name, port] of Object.entries(ports)) lines.push(`    peer ${name} 127.0.0.1:${port}${peerParams[name] ? ` ${peerParams[name]}` : ''}`);
  return `${lines.join('\n')}\n`;
}

export interface NodeOptions {
  timing?: Partial<PeersTiming>;
  maxFrame?: number;
  version?: number;
  minVersion?: number;
  start?: boolean;
  onNodeStatus?: PeersNodeOptions['onNodeStatus'];
}

/** Builds (and starts) the node `name` of `configText`, replicating `tables`. */
export async function peersNode(t: ExecutionContext, configText: string, name: string, tables: StickTable[], o: NodeOptions = {}): Promise<TestNode> {
  const { config, diagnostics } = parseConfigText(configText, 'peers.cfg', { env: {}, localName: name });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (config === undefined || errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
  const { settings, diagnostics: d2 } = peersSettings(config.peers.get('lb')!);
  if (settings === undefined) throw new Error(d2.map(formatDiagnostic).join('\n'));
  const creds = loadCredentials(settings);
  if (creds.credentials === undefined) throw new Error(creds.diagnostics.map(formatDiagnostic).join('\n'));
  const { logger, events } = collector();
  const map = new Map(tables.map((tb) => [tb.def.name, tb]));
  const node = new PeersNode({
    settings,
    credentials: creds.credentials,
    events: logger,
    tables: () => map,
    timing: o.timing ?? FAST,
    ...(o.maxFrame !== undefined ? { maxFrame: o.maxFrame } : {}),
    ...(o.version !== undefined ? { version: o.version } : {}),
    ...(o.minVersion !== undefined ? { minVersion: o.minVersion } : {}),
    ...(o.onNodeStatus !== undefined ? { onNodeStatus: o.onNodeStatus } : {}),
  });
  t.teardown(() => node.stop());
  if (o.start !== false) await node.start();
  return { node, events, tables: map };
}

/** Nodes a and b of one peers section, each replicating one default table, once both sessions are established. */
export async function connectedPair(t: ExecutionContext): Promise<{ a: TestNode; b: TestNode; ta: StickTable; tb: StickTable }> {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const tb = table('b');
  const a = await peersNode(t, cfg, 'a', [ta]);
  const b = await peersNode(t, cfg, 'b', [tb]);
  await until(() => peerStatus(a, 'b').status === 'ESTA' && peerStatus(b, 'a').status === 'ESTA', 5000, 'sessions');
  return { a, b, ta, tb };
}

/** Polls `cond` every 5 ms; fails after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function peerStatus(n: TestNode, peer: string): ReturnType<PeersNode['status']>['peers'][number] {
  return n.node.status().peers.find((p) => p.name === peer)!;
}

export function tableDef(over: Partial<TableDef> & { store?: string[] } = {}): TableDef {
  const p = parseStore(over.store ?? ['server_id,http_req_rate(10s),gpc0,conn_cur,gpt0']);
  if (p.layout === undefined) throw new Error(p.error);
  const { store: _store, ...rest } = over;
  return { name: 't', type: 'ip' as KeyType, len: 32, size: 100_000, expire: 60_000, nopurge: false, peers: 'lb', layout: p.layout, ...rest };
}

export function table(node: string, over: Partial<TableDef> & { store?: string[] } = {}): StickTable {
  return new StickTable(tableDef(over), { clock: () => performance.now() + 1, node });
}

/**
 * A peers PKI made by the real openssl: CA `ca` signs the certificates of
 * a and b, CA `rogue` the one of x (a stranger with a valid-looking
 * certificate). Returns the paths: ca (the CA certificate), and a, b, x
 * (certificate + key in one PEM, as `crt` takes it).
 */
export function peersPki(t: ExecutionContext): Record<'ca' | 'a' | 'b' | 'x', string> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-peers-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ossl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'rogue']) ossl('req', '-x509', ...ec, '-subj', `/CN=${ca}`, '-days', '1', '-keyout', `${ca}.key`, '-out', `${ca}.pem`);
  const files = { ca: join(dir, 'ca.pem'), a: '', b: '', x: '' };
  for (const [name, ca] of [['a', 'ca'], ['b', 'ca'], ['x', 'rogue']] as const) {
    ossl('req', ...ec, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ossl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-out', `${name}.crt`);
    const pem = execFileSync('cat', [`${name}.crt`, `${name}.key`], { cwd: dir });
    writeFileSync(join(dir, `${name}.pem`), pem);
    files[name] = join(dir, `${name}.pem`);
  }
  return files;
}
