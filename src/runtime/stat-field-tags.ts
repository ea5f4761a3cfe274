// The tags and value type HAProxy 2.6 gives each `show stat` field in its
// typed and JSON dumps (origin, nature, scope letters; u32/u64/s32/str),
// read off haproxy 2.6's own `show stat typed`, so tools that read types
// (hatop, exporters in typed mode) see the same. Pure data.
//
// @example
//   statFieldTag(2, 7);   // { pos: 7, tags: 'MCP', type: 'u64' }  (a server's stot)

import { STAT_FIELDS } from './stat-fields.ts';

/** Per typed position: 'TAGS:type', or [server's, backend's] where they differ (frontends take the server's). */
const BY_POSITION: ReadonlyArray<string | readonly [string, string]> = [
  'KNS:str', 'KNS:str', 'MGP:u32', 'MMP:u32', 'MGP:u32', 'MMP:u32', 'CLP:u32', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'SGP:str', 'MaP:u32',
  ['SGP:u32', 'MGP:u32'], ['SGP:u32', 'MGP:u32'], 'MCP:u64', 'MCP:u64', 'MAP:u32', 'MCP:u32', 'CGS:u32', 'KGP:u32',
  'KGS:u32', 'KGS:u32', 'MaP:u32', 'MCP:u64', 'CNS:str', 'CGS:u32', ['MRP:u32', 'MGP:u32'], 'CLP:u32',
  ['MMP:u32', 'MGP:u32'], 'MOP:str', 'MOP:u32', 'MDP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MCP:u64', 'MRP:u32', 'MMP:u32', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MAP:s32', 'MOP:str', 'MOP:str', 'MaP:u32', 'MaP:u32', 'MaP:u32', 'MaP:u32', 'MOP:str', 'MOP:u32',
  'MDP:u64', 'MOP:str', 'MOP:str', 'CGS:u32', 'CGS:u32', 'CGS:u32', 'CGS:u32', 'CGS:u32', 'CGS:u32', 'CGS:str',
  'CNS:str', 'CGS:str', 'CGS:str', 'MRP:u32', 'MMP:u32', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MGP:u32', 'CLP:u32', 'MMP:u32', 'MMP:u32', 'MMP:u32', 'MMP:u32',
  'MCP:u64', 'MGP:u32', 'MGP:u32', 'MGP:u32', 'MGP:u32', 'MaP:u32', 'MGP:u32', 'MGP:u32', 'MGP:u32', 'MCP:u64',
  'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MGP:u64', 'MGP:u64', 'MCP:u64', 'MCP:u64', 'MGP:u64', 'MGP:u64', 'MCP:u64', 'MCP:u64', 'MCP:u64',
  'MCP:u64', 'MCP:u64', 'MCP:u64',
];

/** The CSV's `-` column: the boundary before the module fields, which typed and JSON dumps number without it. */
const MODULE_BOUNDARY = STAT_FIELDS.indexOf('-');

export interface FieldTag {
  /** The field's position in the typed and JSON dumps. */
  pos: number;
  tags: string;
  type: 'u32' | 'u64' | 's32' | 'str';
}

/** Field `column` (a `show stat` CSV index) of a row of `type` (0 frontend, 1 backend, 2 server); null for the `-` column. */
export function statFieldTag(type: number, column: number): FieldTag | null {
  if (column === MODULE_BOUNDARY) return null;
  const pos = column > MODULE_BOUNDARY ? column - 1 : column;
  const e = BY_POSITION[pos] ?? 'MGP:u32';
  const t = typeof e === 'string' ? e : e[type === 1 ? 1 : 0];
  return { pos, tags: t.slice(0, 3), type: t.slice(4) as FieldTag['type'] };
}

const LAST_CHK = STAT_FIELDS.indexOf('last_chk');
const CHECK_STATUS = STAT_FIELDS.indexOf('check_status');
const LAST_AGT = STAT_FIELDS.indexOf('last_agt');
const AGENT_STATUS = STAT_FIELDS.indexOf('agent_status');

/**
 * Whether a typed or JSON dump shows field `column` of `row`: every
 * non-empty one, and a server's last check (agent) output even when empty,
 * as HAProxy does for any server whose check (agent) is enabled.
 */
export function statFieldShown(row: readonly string[], column: number): boolean {
  if (row[column] !== '') return true;
  return (column === LAST_CHK && row[CHECK_STATUS] !== '') || (column === LAST_AGT && row[AGENT_STATUS] !== '');
}

const ORIGINS: Readonly<Record<string, string>> = { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' };
const NATURES: Readonly<Record<string, string>> = { G: 'Gauge', L: 'Limit', m: 'Min', M: 'Max', R: 'Rate', C: 'Counter', D: 'Duration', A: 'Age', T: 'Time', N: 'Name', O: 'Output', a: 'Avg' };
const SCOPES: Readonly<Record<string, string>> = { P: 'Process', S: 'Service', s: 'System', C: 'Cluster' };

/** The JSON dump's spelled-out tags of a typed tag triple ('MCP' -> Metric, Counter, Process). */
export function jsonTags(tags: string): { origin: string; nature: string; scope: string } {
  return { origin: ORIGINS[tags[0]] ?? 'Metric', nature: NATURES[tags[1]] ?? 'Gauge', scope: SCOPES[tags[2]] ?? 'Process' };
}
