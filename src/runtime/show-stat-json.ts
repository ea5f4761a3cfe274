// `show stat json`: the stat rows as HAProxy's array of arrays of typed fields.

import { STAT_FIELDS } from './stat-fields.ts';

export function showStatJson(rows: string[][]): string {
  const out = rows.map((r) => {
    const objType = r[32] === '0' ? 'Frontend' : r[32] === '1' ? 'Backend' : 'Server';
    const fields: unknown[] = [];
    for (let i = 0; i < r.length; i++) {
      if (r[i] === '') continue;
      const numeric = /^-?\d+$/.test(r[i]);
      fields.push({
        objType,
        proxyId: Number(r[27]),
        id: Number(r[28]),
        field: { pos: i, name: STAT_FIELDS[i] },
        processNum: 1,
        tags: { origin: 'Metric', nature: 'Gauge', scope: 'Process' },
        value: numeric ? { type: 'u64', value: Number(r[i]) } : { type: 'str', value: r[i] },
      });
    }
    return fields;
  });
  return JSON.stringify(out) + '\n';
}
