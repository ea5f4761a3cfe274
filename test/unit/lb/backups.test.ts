// Backup servers, the same rule for every algorithm: actives first; then only
// the first usable backup, or all usable backups with option allbackups.

import test from 'ava';
import type { BalanceAlgorithm } from '../../../src/config/model.ts';
import { createBalancer, type PickInput } from '../../../src/lb/index.ts';
import { connect, disconnect, farm, headers, MAP_SDBM, seededRandom } from './farm.ts';

const ALGOS: BalanceAlgorithm[] = [
  { kind: 'roundrobin' },
  { kind: 'static-rr' },
  { kind: 'leastconn' },
  { kind: 'first' },
  { kind: 'random', draws: 2 },
  { kind: 'source' },
  { kind: 'uri', whole: false, pathOnly: false },
  { kind: 'url_param', param: 'id' },
  { kind: 'hdr', header: 'host', useDomainOnly: false },
];

function input(i: number): PickInput {
  return { src: `10.0.${i >> 8}.${i & 255}`, uri: `/x/${i}?id=${i}`, header: headers({ Host: `h${i}.example` }) };
}

/** Which servers serve 300 requests (each kept open, as live traffic). */
function served(algo: BalanceAlgorithm, servers: ReturnType<typeof farm>, allbackups: boolean, method: 'map-based' | 'consistent'): string[] {
  // sdbm needs avalanche on a ring (HAProxy's default there), or short keys cluster.
  const lb = createBalancer(algo, { ...MAP_SDBM, method, avalanche: method === 'consistent' }, servers, { allbackups, random: seededRandom(2) });
  const names = new Set<string>();
  const open = [];
  for (let i = 0; i < 300; i++) {
    const s = connect(lb, input(i))!;
    names.add(s.name);
    open.push(s);
  }
  for (const s of open) disconnect(lb, s);
  return [...names].sort();
}

for (const algo of ALGOS) {
  for (const method of ['map-based', 'consistent'] as const) {
    if (method === 'consistent' && !['source', 'uri', 'url_param', 'hdr'].includes(algo.kind)) continue;
    const name = `${algo.kind}${method === 'consistent' ? ' (consistent)' : ''}`;

    test(`${name}: actives only while one is up`, (t) => {
      const servers = farm([1, { usable: false }, 1, { backup: true }, { backup: true }]);
      t.deepEqual(served(algo, servers, false, method), algo.kind === 'first' ? ['s1'] : ['s1', 's3']);
    });

    test(`${name}: no active up, only the first usable backup`, (t) => {
      const servers = farm([{ usable: false }, { usable: false }, { backup: true, usable: false }, { backup: true }, { backup: true }]);
      t.deepEqual(served(algo, servers, false, method), ['s4']);
    });

    test(`${name}: allbackups uses every usable backup`, (t) => {
      const servers = farm([{ usable: false }, { backup: true, maxconn: algo.kind === 'first' ? 100 : 0 }, { backup: true }, { backup: true, weight: 0 }]);
      t.deepEqual(served(algo, servers, true, method), ['s2', 's3']);
    });

    test(`${name}: nothing usable, no server`, (t) => {
      const servers = farm([{ usable: false }, { backup: true, usable: false }]);
      const lb = createBalancer(algo, { ...MAP_SDBM, method }, servers, { allbackups: true });
      t.is(lb.pick(input(1)), undefined);
      servers[1]!.usable = true;
      lb.update();
      t.is(lb.pick(input(1)), servers[1]);
    });
  }
}
