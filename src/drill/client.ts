// The drill's client load: runs in the client namespace and sends requests
// to the VIP at fixed rates, one new connection per request (so a takeover is
// seen as it happens), printing one JSON line per request:
//   {"k":"r","c":CLIENT,"t":SENT,"d":DONE,"s":STATUS,"srv":SERVER,"node":NODE,"e":ERROR}
// Clients: "steady" (no persistence), "cookie-N" (keep the persistence
// cookie they are given), "src-N" (each from its own source address, for
// persistence by source), "limited" (above the rate limit, on /limited).
// Bounded: stops after the plan's duration or count, or on SIGTERM.
// Run: node client.ts '<plan JSON>'

import { request } from 'node:http';

export interface ClientPlan {
  vip: string;
  port: number;
  durationMs: number;
  maxRequests: number;
  clients: Array<{ id: string; rate: number; path: string; source?: string; cookie?: boolean }>;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as ClientPlan;
const TIMEOUT_MS = 2000;
let sent = 0;
let inflight = 0;
let stopping = false;
const timers: NodeJS.Timeout[] = [];

function emit(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

function one(c: ClientPlan['clients'][number], jar: { cookie: string | undefined }): void {
  if (stopping || sent >= plan.maxRequests) return;
  sent++;
  inflight++;
  const t = Date.now();
  const headers: Record<string, string> = { connection: 'close' };
  if (jar.cookie !== undefined) headers.cookie = jar.cookie;
  let finished = false;
  const done = (s: number, srv: string, node: string, e: string): void => {
    if (finished) return;
    finished = true;
    inflight--;
    emit({ k: 'r', c: c.id, t, d: Date.now(), s, srv, node, e });
    if (stopping && inflight === 0) end();
  };
  const req = request({ host: plan.vip, port: plan.port, path: c.path, headers, localAddress: c.source, agent: false, timeout: TIMEOUT_MS }, (res) => {
    const setCookie = res.headers['set-cookie'];
    if (c.cookie === true && setCookie !== undefined) jar.cookie = setCookie.map((v) => v.split(';')[0]).join('; ');
    res.resume();
    res.on('end', () => done(res.statusCode ?? 0, String(res.headers['x-server'] ?? ''), String(res.headers['x-hawser-node'] ?? ''), ''));
    res.on('error', (err: NodeJS.ErrnoException) => done(0, '', '', err.code ?? err.message));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (err: NodeJS.ErrnoException) => done(0, '', '', err.code ?? err.message));
  req.end();
}

function end(): void {
  emit({ k: 'end', sent });
  process.exit(0);
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const t of timers) clearInterval(t);
  if (inflight === 0) end();
  setTimeout(end, TIMEOUT_MS + 500).unref();
}

for (const c of plan.clients) {
  const jar = { cookie: undefined as string | undefined };
  timers.push(setInterval(() => one(c, jar), 1000 / c.rate));
}
setTimeout(stop, plan.durationMs);
process.on('SIGTERM', stop);
emit({ k: 'start', at: Date.now() });
