// Bytes per stick-table entry: an `ip` table storing server_id and
// http_req_rate, filled with N distinct addresses, heap measured after a
// full GC before and after (the JS heap plus array buffers: the slab). Run: npm exec -- node --expose-gc bench/stick-memory.ts [N]

import { parseStore, StickTable } from '../src/stick/index.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const layout = parseStore(['server_id,http_req_rate(10s)']).layout!;
let t = 1;
const table = new StickTable(
  { name: 'mem', type: 'ip', len: 0, size: n, expire: 60_000, nopurge: false, peers: undefined, layout },
  { clock: () => t, node: 'a' },
);
const rate = layout.byName.get('http_req_rate')!;
gc();
const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const before = used();
for (let i = 0; i < n; i++) {
  const e = table.getOrCreate((0x0a000000 + i) | 0)!;
  table.setServer(e, 's1');
  table.add(e, rate, 1);
  t += 0.001;
}
gc();
const after = used();
console.log(`entries: ${table.used}, bytes per entry: ${((after - before) / n).toFixed(1)} (type ip, server_id + http_req_rate(10s))`);
