// `show table`, `clear table` and `set table` on the runtime API, with
// HAProxy 2.6's arguments, output and messages (cli_parse_table_req and
// friends in stick_table.c): a list of the tables; a table's entries,
// filtered on up to four `data.TYPE OP VALUE` conditions or one `key K`;
// entries removed by key or by filter; an entry created or updated with
// `data.TYPE VALUE` pairs.
//
// Hawser's addition: the word `cluster` anywhere after the table's name
// (`show table app cluster`, `show table app cluster data.http_req_rate gt
// 100`) shows and filters on the values summed over every node sharing the
// table, instead of this node's share.

import { DATA_SPECS, entryLine, keyFromText, tableHeader, type StickEntry, type StickTable, type StoredData } from '../stick/index.ts';
import { levelAllows, PERMISSION_DENIED, type Command, type CommandContext } from './commands.ts';

/** What the table commands need from the process. */
export interface TableHost {
  /** The running tables by name, in declaration order. */
  tables(): ReadonlyMap<string, StickTable>;
  /** The id `show table` prints for a server stored by name in `table` (0: unknown). */
  serverId(table: string, server: string): number;
  /** The server a `set table ... data.server_id N` names, by id; undefined when none has it. */
  serverName(table: string, id: number): string | undefined;
}

/** HAProxy's STKTABLE_FILTER_LEN. */
const MAX_FILTERS = 4;

const OPS = ['eq', 'ne', 'le', 'ge', 'lt', 'gt'] as const;
type Op = (typeof OPS)[number];

interface Filter {
  sd: StoredData;
  op: Op;
  value: number;
}

const DATA_NAMES = new Set(DATA_SPECS.map((s) => s.name));

/** HAProxy's strl2llrc: an optional sign and decimal digits, nothing else. */
function integer(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** The entry's value of `sd` as filters and `show` compare it (element 0 of an array; a server as its id). */
function dataValue(host: TableHost, t: StickTable, e: StickEntry, sd: StoredData, cluster: boolean): number {
  if (sd.kind === 'server') return sd.name === 'server_id' && e.srv !== undefined ? host.serverId(t.def.name, e.srv) : 0;
  return cluster ? t.clusterValue(e, sd, 0) : t.value(e, sd, 0);
}

function passes(host: TableHost, t: StickTable, e: StickEntry, filters: readonly Filter[], cluster: boolean): boolean {
  for (const f of filters) {
    const d = dataValue(host, t, e, f.sd, cluster);
    const v = f.value;
    const ok = f.op === 'eq' ? d === v : f.op === 'ne' ? d !== v : f.op === 'le' ? d <= v : f.op === 'ge' ? d >= v : f.op === 'lt' ? d < v : d > v;
    if (!ok) return false;
  }
  return true;
}

/** table_prepare_data_request: the filters from `args` (starting with data.X), or HAProxy's message. */
function parseFilters(t: StickTable, args: readonly string[], action: 'show' | 'clear' | 'set', wordOffset: number): Filter[] | string {
  if (action === 'set') return 'content-based lookup is only supported with the "show" and "clear" actions\n';
  const out: Filter[] = [];
  let i = 0;
  for (; i < MAX_FILTERS; i++) {
    const w = args[i * 3];
    if (i > 0 && (w === undefined || w === '')) break;
    const name = w !== undefined && w.startsWith('data.') ? w.slice(5) : '';
    if (!DATA_NAMES.has(name)) return `Filter entry #${i + 1}: Unknown data type\n`;
    const sd = t.data(name);
    if (sd === undefined) return `Filter entry #${i + 1}: Data type not stored in this table\n`;
    const op = args[i * 3 + 1];
    if (op === undefined || !(OPS as readonly string[]).includes(op)) {
      return `Filter entry #${i + 1}: Require and operator among "eq", "ne", "le", "ge", "lt", "gt"\n`;
    }
    const value = integer(args[i * 3 + 2]);
    if (value === undefined) return `Filter entry #${i + 1}: Require a valid integer value to compare against\n`;
    out.push({ sd, op: op as Op, value });
  }
  const extra = args[i * 3];
  if (extra !== undefined && extra !== '') {
    return `Detected extra data in filter, ${wordOffset + i * 3 + 1}th word of input, after '${args[i * 3 - 1]}'\n`;
  }
  return out;
}

function usageError(action: 'show' | 'clear' | 'set'): string {
  if (action === 'show') return 'Optional argument only supports "data.<store_data_type>" <operator> <value> and key <key>\n';
  if (action === 'clear') return 'Required arguments: <table> "data.<store_data_type>" <operator> <value> or <table> key <key>\n';
  return 'Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n';
}

function showEntries(host: TableHost, t: StickTable, filters: readonly Filter[], cluster: boolean): string {
  const id = (s: string): number => host.serverId(t.def.name, s);
  // Expired entries are dropped as the dump meets them, as HAProxy does.
  t.purgeExpired(t.used);
  let out = tableHeader(t) + '\n';
  for (const e of t.entries()) if (passes(host, t, e, filters, cluster)) out += entryLine(t, e, id, cluster) + '\n';
  return out;
}

/** `set table NAME key K data.X V...`: HAProxy applies the pairs in order and stops at the first bad one. */
function setEntry(host: TableHost, t: StickTable, e: StickEntry, pairs: readonly string[]): string {
  let wrote = false;
  let out = '';
  for (let i = 0; i < pairs.length; i += 2) {
    const w = pairs[i]!;
    if (!w.startsWith('data.')) {
      out = '"data.<type>" followed by a value expected\n';
      break;
    }
    const name = w.slice(5);
    if (!DATA_NAMES.has(name)) {
      out = 'Unknown data type\n';
      break;
    }
    const sd = t.data(name);
    if (sd === undefined) {
      out = 'Data type not stored in this table\n';
      break;
    }
    const v = integer(pairs[i + 1]);
    if (v === undefined) {
      out = 'Require a valid integer value to store\n';
      break;
    }
    if (sd.kind === 'server') {
      // server_key is a name in HAProxy too: an integer sets nothing.
      if (sd.name !== 'server_id') continue;
      const server = host.serverName(t.def.name, v);
      if (server === undefined) {
        out = `No server with id ${v} for table '${t.def.name}'\n`;
        break;
      }
      t.setServer(e, server);
    } else {
      // HAProxy stores counters and tags as unsigned 32-bit values (bytes counters as 64-bit).
      const stored = sd.kind === 'rate' || sd.name === 'bytes_in_cnt' || sd.name === 'bytes_out_cnt' ? v : v >>> 0;
      t.set(e, sd, stored, 0);
    }
    wrote = true;
  }
  if (!wrote) t.touch(e);
  return out;
}

function run(host: TableHost, action: 'show' | 'clear' | 'set', words: string[], ctx: CommandContext): string {
  const tables = host.tables();
  // `cluster` is Hawser's word, unless it is the key itself (`key cluster`).
  let clusterAt = -1;
  for (let i = 1; i < words.length && clusterAt < 0; i++) if (words[i] === 'cluster' && words[i - 1] !== 'key') clusterAt = i;
  const cluster = clusterAt > 0;
  const args = cluster ? [...words.slice(0, clusterAt), ...words.slice(clusterAt + 1)] : words;
  const name = args[0];
  if (name === undefined || name === '') {
    if (action !== 'show') return usageError(action);
    // HAProxy lists the most recently declared table first.
    let out = '';
    for (const t of [...tables.values()].reverse()) out += tableHeader(t) + '\n';
    return out;
  }
  const t = tables.get(name);
  if (t === undefined) return 'No such table\n';
  const oper = levelAllows(ctx.level, 'operator');
  const rest = args.slice(1);
  if (rest[0] === 'key') {
    const text = rest[1];
    if (text === undefined || text === '') return 'Key value expected\n';
    const key = keyFromText(t.def.type, t.def.len, text);
    if (key === undefined) return 'Invalid key\n';
    if (!oper) return PERMISSION_DENIED;
    if (action === 'show') {
      const e = t.lookup(key);
      return e === undefined ? '' : tableHeader(t) + '\n' + entryLine(t, e, (s) => host.serverId(t.def.name, s), cluster) + '\n';
    }
    if (action === 'clear') {
      const e = t.lookup(key);
      if (e === undefined) return '';
      return t.remove(key) ? '' : 'Entry currently in use, cannot remove\n';
    }
    const e = t.getOrCreate(key);
    if (e === undefined) return 'Unable to allocate a new entry\n';
    return setEntry(host, t, e, rest.slice(2));
  }
  let filters: Filter[] = [];
  if (rest[0] !== undefined && rest[0].startsWith('data.')) {
    const f = parseFilters(t, rest, action, 3);
    if (typeof f === 'string') return f;
    filters = f;
  } else if (rest[0] !== undefined && rest[0] !== '') return usageError(action);
  else if (action === 'set') return usageError(action);
  if (action === 'show') {
    if (!oper) return tableHeader(t) + '\n# contents not dumped due to insufficient privileges\n';
    return showEntries(host, t, filters, cluster);
  }
  if (!oper) return '';
  const doomed: StickEntry[] = [];
  for (const e of t.entries()) if (e.use === 0 && passes(host, t, e, filters, cluster)) doomed.push(e);
  for (const e of doomed) t.remove(e.key);
  return '';
}

export function tableCommands(host: TableHost): Command[] {
  return [
    {
      words: ['show', 'table'],
      usage: 'show table <table> [<filter>]*',
      help: "report table usage stats or dump this table's contents (filter: data/key)",
      level: 'user',
      run: (a, ctx) => run(host, 'show', a, ctx),
    },
    {
      words: ['clear', 'table'],
      usage: 'clear table <table> [<filter>]*',
      help: 'remove an entry from a table (filter: data/key)',
      level: 'user',
      run: (a, ctx) => run(host, 'clear', a, ctx),
    },
    {
      words: ['set', 'table'],
      usage: 'set table <table> key <k> [data.* <v>]*',
      help: "update or create a table entry's data",
      level: 'user',
      run: (a, ctx) => run(host, 'set', a, ctx),
    },
  ];
}
