// The cluster as an operator checks it, on real `hawser` processes on
// 127.0.0.1 (two nodes of one peers section): `show cluster` compares the
// hash of each node's whole configuration file (comments and spacing do
// not count, any other edit does, and drift is logged once), and the stats
// page shows the same cluster table while its `;csv` export stays HAProxy's
// (no row added: prometheus-haproxy-exporter and hatop parse it).

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { runHawser, type HawserProcess } from '../support/hawser-process.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePorts } from '../support/ports.ts';
import { socat } from '../support/socat.ts';

interface Node {
  name: string;
  proc: HawserProcess;
  web: number;
  sock: string;
}

function config(dir: string, peers: Record<string, number>, extra = ''): string {
  return `global
    stats socket ${dir}/\${HAPROXY_LOCALPEER}.sock mode 600 level admin
${HTTP_DEFAULTS}
peers lb
${Object.entries(peers)
  .map(([n, p]) => `    peer ${n} 127.0.0.1:${p}`)
  .join('\n')}

frontend stats
    bind 127.0.0.1:\${WEB_PORT}
    stats enable
    stats uri /stats
${extra}`;
}

async function twoNodes(t: ExecutionContext, textOf: (dir: string, peers: Record<string, number>) => [string, string]): Promise<[Node, Node]> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-cluster-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [pa, pb, wa, wb] = (await freePorts(4)) as [number, number, number, number];
  const texts = textOf(dir, { a: pa, b: pb });
  const nodes: Node[] = [];
  for (const [i, name] of (['a', 'b'] as const).entries()) {
    const file = join(dir, `${name}.cfg`);
    writeFileSync(file, texts[i]!);
    const web = i === 0 ? wa : wb;
    const proc = runHawser(t, ['-f', file, '-L', name], { WEB_PORT: String(web) });
    nodes.push({ name, proc, web, sock: join(dir, `${name}.sock`) });
  }
  await Promise.all(nodes.map((n) => n.proc.waitFor((_l, e) => e?.event === 'ready', 15_000)));
  await Promise.all(nodes.map((n) => n.proc.waitFor((_l, e) => e?.event === 'peers-connected', 10_000)));
  return nodes as [Node, Node];
}

/** `show cluster` once every peer's status has arrived (its config hash shown). */
async function showCluster(n: Node, other: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const out = await socat(n.sock, 'show cluster\n');
    if (new RegExp(`^${other} \\S+ 0 up ESTA \\S+ [0-9a-f]{12} `, 'm').test(out) || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('identical files but for comments and spacing: no drift, in show cluster and on the stats page; CSV unchanged', async (t) => {
  const [a, b] = await twoNodes(t, (dir, peers) => {
    const text = config(dir, peers);
    // The same configuration as an operator might have re-indented and annotated it on one node.
    const noisy = '# edited on b\n\n' + text.replace(/^ {4}/gm, '\t  ').replace('stats enable', 'stats enable   # the page') + '\n\n   \n';
    return [text, noisy];
  });
  const shown = await showCluster(a, 'b');
  const hash = /config_hash=([0-9a-f]{12})/.exec(shown)?.[1];
  t.truthy(hash, shown);
  t.regex(shown, /^# cluster: local=a nodes=2 config_hash=[0-9a-f]{12} drift=none /m, shown);
  t.regex(shown, new RegExp(`^b 127\\.0\\.0\\.1:\\d+ 0 up ESTA \\d+ ${hash} 0 -$`, 'm'), shown);
  t.false(a.proc.events.some((e) => e.event === 'cluster-config-drift'));

  const page = await httpRequest(a.web, '/stats');
  t.is(page.status, 200);
  t.regex(page.text, /<h2 id="cluster">Cluster<\/h2>/);
  t.regex(page.text, /<table data-cluster="1">/);
  t.regex(page.text, /<tr class="up" data-node="b"><td class="n">b<\/td>.*?<td>[0-9a-f]{12}<\/td><td>no<\/td>/);
  t.regex(page.text, /data-node="a"><td class="n">a \(local\)<\/td>/);
  t.notRegex(page.text, /DRIFT/);

  // The CSV: HAProxy's header and one row per proxy and server, nothing about the cluster.
  const csv = await httpRequest(a.web, '/stats;csv;norefresh');
  const lines = csv.text.trimEnd().split('\n');
  t.true(lines[0]!.startsWith('# pxname,svname,'));
  t.deepEqual([...new Set(lines.slice(1).map((l) => l.split(',')[0]))], ['stats'], csv.text);
  t.notRegex(csv.text, /cluster|data-node/);
  void b;
});

test('files that differ: drift flagged on both nodes, on the stats page, and logged once', async (t) => {
  const [a, b] = await twoNodes(t, (dir, peers) => {
    const text = config(dir, peers);
    return [text, text + '    stats refresh 10s\n'];
  });
  const fromA = await showCluster(a, 'b');
  t.regex(fromA, /^# cluster: local=a nodes=2 config_hash=[0-9a-f]{12} drift=DRIFT\(b\) /m, fromA);
  t.regex(fromA, /^b 127\.0\.0\.1:\d+ 0 up ESTA \d+ [0-9a-f]{12} DRIFT -$/m, fromA);
  const fromB = await showCluster(b, 'a');
  t.regex(fromB, /drift=DRIFT\(a\)/, fromB);
  const ha = /config_hash=([0-9a-f]{12})/.exec(fromA)![1];
  const hb = /config_hash=([0-9a-f]{12})/.exec(fromB)![1];
  t.not(ha, hb);
  t.regex(fromA, new RegExp(`^b \\S+ 0 up ESTA \\d+ ${hb} DRIFT`, 'm'), "a shows b's hash");

  const drift = await a.proc.waitFor((_l, e) => e?.event === 'cluster-config-drift', 3000);
  t.like(JSON.parse(drift), { level: 'warn', peer: 'b', local: ha, remote: hb });
  // Statuses keep coming (once a second); the warning does not.
  await new Promise((r) => setTimeout(r, 1500));
  t.is(a.proc.events.filter((e) => e.event === 'cluster-config-drift').length, 1);

  const page = await httpRequest(a.web, '/stats;norefresh');
  t.regex(page.text, /drift = <b[^>]*>DRIFT \(b\)<\/b>/);
  t.regex(page.text, /data-node="b">.*?<td class="drift"[^>]*>DRIFT<\/td>/);
});
