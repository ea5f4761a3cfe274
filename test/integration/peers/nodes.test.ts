// The peers protocol in real Hawser nodes: two or three `hawser` processes on
// 127.0.0.1, one identical configuration file (each node picks its peer by
// -L), driven the way an operator and a client would: HTTP requests to the
// frontends, `set table` / `show table` / `show peers` on each node's
// runtime socket, SIGKILL, restart and SIGHUP. Serial: each test starts two
// or three processes, and starting a dozen at once on a small machine takes
// longer than any of these tests.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { HTTP_DEFAULTS } from '../../support/configs.ts';
import { runHawser, type HawserProcess } from '../../support/hawser-process.ts';
import { httpRequest } from '../../support/http-client.ts';
import { freePorts } from '../../support/ports.ts';
import { peersPki } from '../../support/peers.ts';
import { socat } from '../../support/socat.ts';

interface Cluster {
  dir: string;
  file: string;
  /** Peers port and frontend port of each node. */
  ports: Record<string, { peer: number; web: number }>;
}

interface Node {
  name: string;
  proc: HawserProcess;
  web: number;
  sock: string;
}

/**
 * One file for every node: the peers section lists them all, the frontend
 * port comes from the environment and the stats socket is named after the
 * node, so each process reads the same text.
 */
function clusterConfig(
  c: Cluster,
  o: { secret?: string; limit?: number; tableSize?: string; extra?: string; sock?: string; via?: Record<string, number>; ca?: string; members?: string[] } = {},
): string {
  // `via`: peers call each other through these ports (a relay the test cuts); each listens on its own port (`bind`).
  const peers = Object.entries(c.ports)
    .filter(([n]) => o.members === undefined || o.members.includes(n))
    .map(([n, p]) => `    peer ${n} 127.0.0.1:${o.via?.[n] ?? p.peer}`)
    .join('\n');
  return `global
    stats socket ${c.dir}/${o.sock ?? '\${HAPROXY_LOCALPEER}'}.sock mode 600 level admin
${HTTP_DEFAULTS}
peers lb
    secret ${o.secret ?? 'correct-horse-battery'}
${o.via !== undefined ? '    bind 127.0.0.1:${PEER_PORT}\n' : ''}${o.ca !== undefined ? `    default-server ssl crt "\${PEER_CRT}" ca-file ${o.ca} verify required\n` : ''}${peers}
    table names type string len 32 size 1k expire 10m store gpc0,server_key

frontend www
    bind 127.0.0.1:\${WEB_PORT}
    stick-table type ip size ${o.tableSize ?? '10k'} expire 10m peers lb store http_req_rate(10s),gpc0
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_cluster_http_req_rate(0) gt ${o.limit ?? 1000} }
${o.extra ?? ''}    http-request return status 200 content-type text/plain string ok
`;
}

async function makeCluster(t: ExecutionContext, names: string[]): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-peers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const free = await freePorts(names.length * 2);
  const ports: Cluster['ports'] = {};
  names.forEach((n, i) => (ports[n] = { peer: free[2 * i]!, web: free[2 * i + 1]! }));
  return { dir, file: join(dir, 'hawser.cfg'), ports };
}

function writeFile(c: Cluster, text: string): void {
  writeFileSync(c.file, text);
}

/** Starts node `name` on the cluster's file; resolves once it serves. */
async function startNode(t: ExecutionContext, c: Cluster, name: string, file = c.file, env: Record<string, string> = {}): Promise<Node> {
  const web = c.ports[name]!.web;
  const proc = runHawser(t, ['-f', file, '-L', name], { WEB_PORT: String(web), PEER_PORT: String(c.ports[name]!.peer), ...env });
  await proc.waitFor((_l, e) => e?.event === 'ready', 15_000);
  return { name, proc, web, sock: join(c.dir, `${name}.sock`) };
}

function cli(n: Node, cmd: string): Promise<string> {
  return socat(n.sock, `${cmd}\n`);
}

/** Polls an async condition every 25 ms; fails with `what` after `ms`. */
async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `a` has an established session with every node of `others` (read on `show peers`). */
async function established(a: Node, others: Node[], ms = 10_000): Promise<void> {
  await until(
    async () => {
      const out = await cli(a, 'show peers');
      return others.every((o) => new RegExp(`id=${o.name}\\(remote\\).*status=ESTA`).test(out));
    },
    ms,
    `${a.name} connected to ${others.map((o) => o.name).join(',')}`,
  );
}

/** The keys `show table NAME` lists. */
async function keys(n: Node, table: string): Promise<Set<string>> {
  const out = await cli(n, `show table ${table}`);
  return new Set([...out.matchAll(/ key=(\S+)/g)].map((m) => m[1]!));
}

/** One data value of one entry, local or (`cluster`) summed over the nodes; undefined when the entry is absent. */
async function value(n: Node, table: string, key: string, data: string, cluster = false): Promise<number | undefined> {
  const out = await cli(n, `show table ${table}${cluster ? ' cluster' : ''} key ${key}`);
  const m = new RegExp(` ${data.replace(/[()]/g, '\\$&')}=(\\d+)`).exec(out);
  return m === null ? undefined : Number(m[1]);
}

function hasAll(have: Set<string>, want: string[]): boolean {
  return want.every((k) => have.has(k));
}

/** A TCP relay to 127.0.0.1:`to` that the test can cut (every connection closed, new ones refused) and heal. */
async function relay(t: ExecutionContext, to: number): Promise<{ port: number; cut(): void; heal(): void }> {
  const open = new Set<Socket>();
  let cut = false;
  const server = createServer((inbound) => {
    if (cut) {
      inbound.destroy();
      return;
    }
    const outbound = connect({ host: '127.0.0.1', port: to });
    for (const [x, y] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      open.add(x);
      x.pipe(y);
      x.on('error', () => y.destroy());
      x.on('close', () => {
        open.delete(x);
        y.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    for (const x of open) x.destroy();
    server.close();
  });
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      cut = true;
      for (const x of open) x.destroy();
    },
    heal: () => {
      cut = false;
    },
  };
}

test.serial('an entry written on one of two nodes is visible on the other; peer connect and disconnect are logged', async (t) => {
  const c = await makeCluster(t, ['a', 'b']);
  writeFile(c, clusterConfig(c));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await established(a, [b]);
  // A client's request on a creates the tracked entry; b learns it.
  t.is((await httpRequest(a.web, '/')).status, 200);
  await until(async () => (await keys(b, 'www')).has('127.0.0.1'), 5000, 'entry on b');
  // Written on the runtime socket of b, in the peers section's own table, read on a.
  t.is(await cli(b, 'set table lb/names key alice data.gpc0 7'), '\n');
  await until(async () => (await value(a, 'lb/names', 'alice', 'gpc0', true)) === 7, 5000, "b's gpc0 on a");
  // Counters keep each node's share: a's own share is still 0, HAProxy's view.
  t.is(await value(a, 'lb/names', 'alice', 'gpc0'), 0);
  const peers = await cli(a, 'show peers lb');
  t.regex(peers, /id=lb local=a /);
  t.regex(peers, /id=b\(remote\) .*status=ESTA/);
  t.regex(peers, /lb\/names local_id=\d+ remote_id=\d+ state=live/);
  t.is(await cli(a, 'show peers nosuch'), 'No such peers\n\n');
  for (const [me, other] of [
    [a, 'b'],
    [b, 'a'],
  ] as const) {
    t.true(
      me.proc.events.some((e) => e.event === 'peers-connected' && e.peers === 'lb' && e.peer === other),
      `${me.name} logs peers-connected`,
    );
  }
  // `clear peers` (the drill's partition): the session closes, is logged, comes back and resumes.
  t.is(await cli(a, 'clear peers b'), '1 peer session(s) closed\n\n');
  await a.proc.waitFor((_l, e) => e?.event === 'peers-disconnected' && e.peer === 'b' && e.code === 'HAWSER_PEERS_CONNECTION', 5000);
  t.is(await cli(a, 'set table lb/names key carol data.gpc0 3'), '\n');
  await until(async () => (await value(b, 'lb/names', 'carol', 'gpc0', true)) === 3, 5000, 'a write across the partition reaches b');
  t.true(a.proc.events.filter((e) => e.event === 'peers-connected' && e.peer === 'b').length >= 2);
  await b.proc.stop('SIGINT');
  await a.proc.waitFor((_l, e) => e?.event === 'peers-disconnected' && e.peer === 'b', 5000);
  t.regex(await cli(a, 'show peers'), /id=b\(remote\) .*status=(IDLE|CONN)/);
});

test.serial('three nodes: a node killed with SIGKILL and restarted relearns every entry, including those written while it was down', async (t) => {
  const c = await makeCluster(t, ['a', 'b', 'c']);
  writeFile(c, clusterConfig(c));
  const [a, b, n3] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b'), startNode(t, c, 'c')]);
  await Promise.all([established(a, [b, n3]), established(b, [a, n3])]);
  const before = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
  for (const k of before) t.is(await cli(a, `set table www key ${k} data.gpc0 1`), '\n');
  t.is(await cli(b, 'set table www key 10.0.1.1 data.gpc0 2'), '\n');
  const all = [...before, '10.0.1.1'];
  await until(async () => hasAll(await keys(n3, 'www'), all), 5000, 'entries on c');
  t.is(await value(n3, 'www', '10.0.1.1', 'gpc0', true), 2);

  n3.proc.child.kill('SIGKILL');
  await n3.proc.exited;
  // Written while c is dead, on both survivors.
  t.is(await cli(a, 'set table www key 10.0.2.1 data.gpc0 3'), '\n');
  t.is(await cli(b, 'set table www key 10.0.2.2 data.gpc0 4'), '\n');
  t.is(await cli(a, 'set table www key 10.0.0.1 data.gpc0 5'), '\n');
  const later = [...all, '10.0.2.1', '10.0.2.2'];

  const again = await startNode(t, c, 'c');
  await until(async () => hasAll(await keys(again, 'www'), later), 8000, 'every entry back on c');
  t.is(await value(again, 'www', '10.0.2.2', 'gpc0', true), 4);
  t.is(await value(again, 'www', '10.0.0.1', 'gpc0', true), 5, "a's newer value, not the one c had seen");
  t.is(await value(again, 'www', '10.0.1.1', 'gpc0', true), 2);
  // The restarted node's own share starts empty: nothing was counted twice.
  t.is(await value(again, 'www', '10.0.0.2', 'gpc0'), 0);
  t.is((await keys(again, 'www')).size, later.length);
  t.true(again.proc.events.some((e) => e.event === 'peers-resync-received' && e.table === 'www'));
});

test.serial('a partition between two nodes: both go on writing, and on return each has every entry and the counters add up', async (t) => {
  const c = await makeCluster(t, ['a', 'b']);
  const ra = await relay(t, c.ports.a!.peer);
  const rb = await relay(t, c.ports.b!.peer);
  writeFile(c, clusterConfig(c, { via: { a: ra.port, b: rb.port } }));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await Promise.all([established(a, [b]), established(b, [a])]);
  t.is(await cli(a, 'set table www key 10.5.0.1 data.gpc0 1'), '\n');
  await until(async () => (await keys(b, 'www')).has('10.5.0.1'), 5000, 'entry on b before the partition');

  ra.cut();
  rb.cut();
  await Promise.all([
    a.proc.waitFor((_l, e) => e?.event === 'peers-disconnected' && e.peer === 'b', 5000),
    b.proc.waitFor((_l, e) => e?.event === 'peers-disconnected' && e.peer === 'a', 5000),
  ]);
  // Each side writes what the other cannot see yet, and both count the same client.
  t.is(await cli(a, 'set table www key 10.5.1.1 data.gpc0 1'), '\n');
  t.is(await cli(b, 'set table www key 10.5.2.1 data.gpc0 1'), '\n');
  t.is(await cli(a, 'set table www key 10.5.9.9 data.gpc0 2'), '\n');
  t.is(await cli(b, 'set table www key 10.5.9.9 data.gpc0 3'), '\n');
  await new Promise((r) => setTimeout(r, 300));
  t.false((await keys(b, 'www')).has('10.5.1.1'), 'nothing crosses the partition');

  ra.heal();
  rb.heal();
  const want = ['10.5.0.1', '10.5.1.1', '10.5.2.1', '10.5.9.9'];
  for (const n of [a, b]) {
    await until(async () => hasAll(await keys(n, 'www'), want), 10_000, `every entry on ${n.name} after the partition`);
    await until(async () => (await value(n, 'www', '10.5.9.9', 'gpc0', true)) === 5, 5000, `both shares on ${n.name}`);
  }
  t.is(await value(a, 'www', '10.5.9.9', 'gpc0'), 2, "a's own share is a's");
  t.is(await value(b, 'www', '10.5.9.9', 'gpc0'), 3);
});

test.serial('a node with the wrong secret is refused and learns nothing', async (t) => {
  const c = await makeCluster(t, ['a', 'b']);
  writeFile(c, clusterConfig(c));
  const stranger = join(c.dir, 'stranger.cfg');
  writeFileSync(stranger, clusterConfig(c, { secret: 'not-the-secret' }));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b', stranger)]);
  t.is(await cli(a, 'set table www key 10.9.9.9 data.gpc0 1'), '\n');
  await a.proc.waitFor((_l, e) => /^peers-(refused|session-failed)$/.test(String(e?.event)) && /HAWSER_PEERS_(AUTH|REFUSED)/.test(String(e?.code)), 8000);
  await b.proc.waitFor((_l, e) => /^peers-(refused|session-failed)$/.test(String(e?.event)) && /HAWSER_PEERS_(AUTH|REFUSED)/.test(String(e?.code)), 8000);
  // Several tries later, still nothing shared.
  await new Promise((r) => setTimeout(r, 500));
  t.false((await keys(b, 'www')).has('10.9.9.9'));
  t.notRegex(await cli(a, 'show peers'), /status=ESTA/);
  t.false(a.proc.events.some((e) => e.event === 'peers-connected'));
});

test.serial('peers over TLS with a CA: the members share their tables, a node whose certificate comes from another CA is refused', async (t) => {
  const pki = peersPki(t);
  const c = await makeCluster(t, ['a', 'b', 'x']);
  writeFile(c, clusterConfig(c, { ca: pki.ca }));
  const [a, b, x] = await Promise.all(['a', 'b', 'x'].map((n) => startNode(t, c, n, c.file, { PEER_CRT: pki[n as 'a' | 'b' | 'x'] })));
  await established(a!, [b!]);
  t.is(await cli(a!, 'set table www key 10.6.0.1 data.gpc0 1'), '\n');
  await until(async () => (await keys(b!, 'www')).has('10.6.0.1'), 5000, 'entry on b over TLS');
  t.regex(await cli(a!, 'show peers'), /id=b\(remote\) .*status=ESTA[^]*?tls=1/);
  await a!.proc.waitFor((_l, e) => e?.event === 'peers-tls-refused' || (e?.event === 'peers-session-failed' && e.peer === 'x' && e.code === 'HAWSER_PEERS_TLS'), 8000);
  await new Promise((r) => setTimeout(r, 300));
  t.false((await keys(x!, 'www')).has('10.6.0.1'), 'x never read the table');
  t.notRegex(await cli(x!, 'show peers'), /status=ESTA/);
});

test.serial('a client spread over two nodes is limited at the cluster-wide sum (sc_cluster_http_req_rate)', async (t) => {
  const LIMIT = 10;
  const c = await makeCluster(t, ['a', 'b']);
  writeFile(c, clusterConfig(c, { limit: LIMIT }));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await Promise.all([established(a, [b]), established(b, [a])]);
  const statuses: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const [here, there] = i % 2 === 0 ? [a, b] : [b, a];
    statuses.push((await httpRequest(here.web, '/')).status);
    // The balancer's next request may land on the other node: let this one's count reach it first.
    await until(async () => (await value(there, 'www', '127.0.0.1', 'http_req_rate(10000)', true)) === i + 1, 3000, `request ${i + 1} counted on ${there.name}`);
  }
  t.deepEqual(statuses, [...Array<number>(LIMIT).fill(200), ...Array<number>(LIMIT).fill(429)]);
  // Neither node alone went over the limit: only the sum did.
  const la = (await value(a, 'www', '127.0.0.1', 'http_req_rate(10000)'))!;
  const lb = (await value(b, 'www', '127.0.0.1', 'http_req_rate(10000)'))!;
  t.is(la + lb, 2 * LIMIT);
  t.true(la <= LIMIT && lb <= LIMIT, `local shares ${la} and ${lb}`);
});

test.serial('reload keeps every entry, with an unchanged table and with a resized one, and replication follows', async (t) => {
  const c = await makeCluster(t, ['a', 'b']);
  writeFile(c, clusterConfig(c));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await Promise.all([established(a, [b]), established(b, [a])]);
  const N = 50;
  const want: string[] = [];
  let cmds = '';
  for (let i = 1; i <= N; i++) {
    want.push(`10.1.0.${i}`);
    cmds += `set table www key 10.1.0.${i} data.gpc0 ${i}\n`;
  }
  await socat(a.sock, cmds);
  t.is(await cli(a, 'set table lb/names key bob data.gpc0 2'), '\n');
  await until(async () => hasAll(await keys(b, 'www'), want) && (await keys(b, 'lb/names')).has('bob'), 5000, 'entries on b');

  const reload = async (n: Node, nth: number): Promise<void> => {
    n.proc.child.kill('SIGHUP');
    await n.proc.waitFor((_l, e) => e?.event === 'reload' && e.result === 'ok' && n.proc.events.filter((x) => x.event === 'reload').length >= nth, 8000);
  };
  // 1. A change elsewhere in the file: the tables are the same objects.
  writeFile(c, clusterConfig(c, { extra: '    http-request set-header X-Reloaded 1\n' }));
  await reload(a, 1);
  t.true(hasAll(await keys(a, 'www'), want));
  t.is(await value(a, 'www', '10.1.0.42', 'gpc0'), 42);
  t.true((await keys(a, 'lb/names')).has('bob'));
  t.is(await cli(a, 'set table www key 10.2.0.1 data.gpc0 1'), '\n');
  await until(async () => (await keys(b, 'www')).has('10.2.0.1'), 5000, 'a write after the reload reaches b');

  // 2. Both nodes resize the table: new table objects, the entries copied, the peers re-attached.
  writeFile(c, clusterConfig(c, { tableSize: '20k' }));
  await Promise.all([reload(a, 2), reload(b, 1)]);
  for (const n of [a, b]) {
    t.regex(await cli(n, 'show table'), /# table: www, type: ip, size:20480, used:51/);
    t.true(hasAll(await keys(n, 'www'), [...want, '10.2.0.1']), `${n.name} kept every entry`);
  }
  t.is(await value(a, 'www', '10.1.0.7', 'gpc0'), 7);
  t.is(await cli(b, 'set table www key 10.3.0.1 data.gpc0 9'), '\n');
  await until(async () => (await value(a, 'www', '10.3.0.1', 'gpc0', true)) === 9, 5000, 'a write on the resized table reaches a');
  t.regex(await cli(a, 'show peers'), /www local_id=\d+ remote_id=\d+ state=live/);
});

test.serial('a reload that adds a peer: the running nodes call it, and it learns every entry', async (t) => {
  const c = await makeCluster(t, ['a', 'b', 'c']);
  writeFile(c, clusterConfig(c, { members: ['a', 'b'] }));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await established(a, [b]);
  t.is(await cli(a, 'set table www key 10.7.0.1 data.gpc0 1'), '\n');
  t.is(await cli(b, 'set table www key 10.7.0.2 data.gpc0 1'), '\n');
  t.notRegex(await cli(a, 'show peers'), /id=c\(remote\)/);

  writeFile(c, clusterConfig(c));
  for (const n of [a, b]) n.proc.child.kill('SIGHUP');
  await Promise.all([a, b].map((n) => n.proc.waitFor((_l, e) => e?.event === 'reload' && e.result === 'ok', 8000)));
  const n3 = await startNode(t, c, 'c');
  await Promise.all([established(a, [b, n3]), established(b, [a, n3])]);
  await until(async () => hasAll(await keys(n3, 'www'), ['10.7.0.1', '10.7.0.2']), 5000, 'entries on the new peer');
  // A changed member list restarts the section on each node, once: it listens again and calls every peer.
  t.is(a.proc.events.filter((e) => e.event === 'peers-listening').length, 2);
});

test.serial('a hand-over with -sf: the new process binds beside the old one, which leaves, and learns every entry back from its peers', async (t) => {
  const c = await makeCluster(t, ['a', 'b']);
  writeFile(c, clusterConfig(c));
  const [a, b] = await Promise.all([startNode(t, c, 'a'), startNode(t, c, 'b')]);
  await Promise.all([established(a, [b]), established(b, [a])]);
  const want = ['10.4.0.1', '10.4.0.2', '10.4.0.3'];
  for (const k of want) t.is(await cli(a, `set table www key ${k} data.gpc0 2`), '\n');
  await until(async () => hasAll(await keys(b, 'www'), want), 5000, 'entries on b');

  // Its own stats socket: the old process removes its socket's path as it leaves (an engine matter, see the report).
  const file2 = join(c.dir, 'a2.cfg');
  writeFileSync(file2, clusterConfig(c, { sock: 'a2' }));
  const proc = runHawser(t, ['-f', file2, '-L', 'a', '-sf', String(a.proc.child.pid)], { WEB_PORT: String(c.ports.a!.web) });
  await proc.waitFor((_l, e) => e?.event === 'ready', 15_000);
  t.is(await a.proc.exited, 0, 'the old process finished');
  const a2: Node = { ...a, proc, sock: join(c.dir, 'a2.sock') };
  await until(async () => hasAll(await keys(a2, 'www'), want), 8000, 'entries back on the new process');
  t.is(await value(a2, 'www', '10.4.0.2', 'gpc0', true), 2);
  t.is(await cli(a2, 'set table www key 10.4.1.1 data.gpc0 1'), '\n');
  await until(async () => (await keys(b, 'www')).has('10.4.1.1'), 5000, "the new process's write on b");
});

for (const tls of [false, true]) {
  test.serial(`a hand-over with -sf on a lone node${tls ? ' over TLS' : ''}: the old process pushes every table to the new one before it leaves`, async (t) => {
    const c = await makeCluster(t, ['a']);
    const pki = tls ? peersPki(t) : undefined;
    const env: Record<string, string> = pki !== undefined ? { PEER_CRT: pki.a } : {};
    writeFile(c, clusterConfig(c, pki !== undefined ? { ca: pki.ca } : {}));
    const a = await startNode(t, c, 'a', c.file, env);
    let cmds = '';
    for (let i = 1; i <= 20; i++) cmds += `set table www key 10.8.0.${i} data.gpc0 ${i}\n`;
    await socat(a.sock, cmds + 'set table lb/names key dave data.gpc0 4\n');
    t.is((await keys(a, 'www')).size, 20);

    const file2 = join(c.dir, 'a2.cfg');
    writeFileSync(file2, clusterConfig(c, { sock: 'a2', ...(pki !== undefined ? { ca: pki.ca } : {}) }));
    const proc = runHawser(t, ['-f', file2, '-L', 'a', '-sf', String(a.proc.child.pid)], { WEB_PORT: String(c.ports.a!.web), ...env });
    await proc.waitFor((_l, e) => e?.event === 'ready', 15_000);
    t.is(await a.proc.exited, 0);
    const done = a.proc.events.find((e) => e.event === 'peers-handover');
    t.is(done?.result, 'done', 'the old process logged a completed hand-over');
    t.true(proc.events.some((e) => e.event === 'peers-handover-session' && e.direction === 'from-predecessor'));
    const a2: Node = { ...a, proc, sock: join(c.dir, 'a2.sock') };
    t.is((await keys(a2, 'www')).size, 20);
    // Its own counters, as this node's share: the new process is the same node.
    t.is(await value(a2, 'www', '10.8.0.17', 'gpc0'), 17);
    t.is(await value(a2, 'lb/names', 'dave', 'gpc0'), 4);
  });
}
