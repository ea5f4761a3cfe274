// Builds server farms for the balancer tests and drives balancers the way
// the runtime does (increment active, then taken; decrement, then released).

import type { HashType } from '../../../src/config/model.ts';
import type { Balancer, LbServer, PickInput } from '../../../src/lb/index.ts';

export interface ServerSpec {
  weight?: number;
  backup?: boolean;
  maxconn?: number;
  id?: number;
  usable?: boolean;
  name?: string;
}

/** Servers s1, s2, ... (ids 1, 2, ...) from weights or specs. */
export function farm(specs: Array<number | ServerSpec>): LbServer[] {
  return specs.map((spec, i) => {
    const s: ServerSpec = typeof spec === 'number' ? { weight: spec } : spec;
    return {
      name: s.name ?? `s${i + 1}`,
      id: s.id ?? i + 1,
      backup: s.backup ?? false,
      weight: s.weight ?? 1,
      usable: s.usable ?? true,
      active: 0,
      maxconn: s.maxconn ?? 0,
    };
  });
}

export const MAP_SDBM: HashType = { method: 'map-based', function: 'sdbm', avalanche: false };
export const CONSISTENT_SDBM_AVALANCHE: HashType = { method: 'consistent', function: 'sdbm', avalanche: true };

export const NO_KEY: PickInput = { src: '127.0.0.1' };

/** Names of the next `n` picks (no connection kept). */
export function picks(lb: Balancer, n: number, input: PickInput = NO_KEY): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(lb.pick(input)?.name ?? '-');
  return out;
}

export function countBy(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}

/** Picks and keeps the connection open, as the runtime would. */
export function connect(lb: Balancer, input: PickInput = NO_KEY, exclude?: LbServer): LbServer | undefined {
  const s = lb.pick(input, exclude);
  if (s !== undefined) {
    s.active++;
    lb.taken(s);
  }
  return s;
}

export function disconnect(lb: Balancer, s: LbServer): void {
  s.active--;
  lb.released(s);
}

/** A header getter over a plain record, case-insensitive like the runtime's. */
export function headers(h: Record<string, string>): (name: string) => string | undefined {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) lower[k.toLowerCase()] = v;
  return (name) => lower[name.toLowerCase()];
}

/** A deterministic uniform generator in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
