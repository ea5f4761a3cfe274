// Reads a V8 .cpuprofile (hawser run with BENCH_HAWSER_NODE_ARGS="--cpu-prof
// --cpu-prof-dir=DIR") and prints the functions with the most self time,
// so a bench result comes with where hawser spends its CPU.
// Usage: node bench/profile-top.ts FILE.cpuprofile [N]

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-top.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const root = resolve(import.meta.dirname, '..');

const nameOf = new Map<number, string>();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const where = f.url ? ` ${f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url}:${f.lineNumber + 1}` : '';
  nameOf.set(n.id, `${f.functionName || '(anonymous)'}${where}`);
}

// A sample's time is the delta to the next one (V8 records the delta before it).
const selfUs = new Map<string, number>();
let totalUs = 0;
let idleUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const name = nameOf.get(profile.samples[i]) ?? '?';
  totalUs += dt;
  if (name.startsWith('(idle)')) idleUs += dt;
  selfUs.set(name, (selfUs.get(name) ?? 0) + dt);
}
const busyUs = totalUs - idleUs;
process.stdout.write(`profile ${file}: ${(totalUs / 1e6).toFixed(2)} s, busy ${(busyUs / 1e6).toFixed(2)} s\n`);
process.stdout.write('  self ms   % of busy  function\n');
const rows = [...selfUs.entries()].filter(([n]) => !n.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, us] of rows) {
  process.stdout.write(`${(us / 1000).toFixed(0).padStart(9)} ${((100 * us) / busyUs).toFixed(1).padStart(10)}%  ${name}\n`);
}
