// `show resolvers [NAME]` on the runtime API: each section's nameservers and
// their counters, in HAProxy 2.6's layout. Pure: counters in, text out.

import type { NameserverCounters } from './resolvers.ts';

export interface ResolversCounters {
  name: string;
  nameservers: ReadonlyMap<string, NameserverCounters>;
}

const FIELDS: ReadonlyArray<keyof NameserverCounters> = [
  'sent', 'snd_error', 'valid', 'update', 'cname', 'cname_error', 'any_err', 'nx', 'timeout', 'refused', 'other', 'invalid', 'too_big', 'truncated', 'outdated',
];

/** The answer for `only` (a section name) or every section; HAProxy's refusal when `only` is unknown. */
export function showResolvers(sections: readonly ResolversCounters[], only?: string): string {
  if (only !== undefined && !sections.some((s) => s.name === only)) return "Can't find that resolvers section\n";
  let out = '';
  for (const s of sections) {
    if (only !== undefined && s.name !== only) continue;
    out += `Resolvers section ${s.name}\n`;
    for (const [ns, c] of s.nameservers) {
      out += ` nameserver ${ns}:\n`;
      for (const f of FIELDS) out += `  ${`${f}:`.padEnd(13)}${c[f]}\n`;
    }
  }
  return out;
}
