// `show stat json`: the stat rows as HAProxy's array of arrays of typed fields.

import { STAT_FIELDS } from './stat-fields.ts';
import { jsonTags, statFieldShown, statFieldTag } from './stat-field-tags.ts';

export function showStatJson(rows: string[][]): string {
  const out = rows.map((r) => {
    const type = Number(r[32]);
    const objType = type === 0 ? 'Frontend' : type === 1 ? 'Backend' : 'Server';
    const fields: unknown[] = [];
    for (let i = 0; i < r.length; i++) {
      if (!statFieldShown(r, i)) continue;
      const tag = statFieldTag(type, i);
      if (tag === null) continue;
      fields.push({
        objType,
        proxyId: Number(r[27]),
        id: Number(r[28]),
        field: { pos: tag.pos, name: STAT_FIELDS[i] },
        processNum: 1,
        tags: jsonTags(tag.tags),
        value: tag.type === 'str' ? { type: 'str', value: r[i] } : { type: tag.type, value: Number(r[i]) },
      });
    }
    return fields;
  });
  return JSON.stringify(out) + '\n';
}
