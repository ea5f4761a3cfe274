// Stick tables in the configuration: `stick-table type ... size ...` in a
// proxy (the table takes the proxy's name), `table NAME type ...` in a peers
// section (named PEERS/NAME, as HAProxy names it), and the `stick on|match|
// store-request|store-response` lines of a backend. Arguments and messages
// follow HAProxy 2.6's parse_stick_table(); the patterns and conditions of
// `stick` lines are compiled later with the proxy's ACLs (src/proxy routing).

import type { Config, StickKeyType, StickRuleLine, StickTableConfig } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { MAX_TIME_MS, parseSize, parseTime } from './units.ts';
import { suggestion } from './suggest.ts';
import { DATA_SPECS, DEFAULT_KEY_LEN, KEY_TYPES, MAX_ARRAY, parseStore } from '../stick/index.ts';

const TABLE_ARGS = ['type', 'size', 'expire', 'nopurge', 'peers', 'store', 'srvkey'];

/**
 * Parses a `stick-table` line (words from index 1) or a peers section's
 * `table NAME` line (words from index 2; `peers` is the section). Reports
 * problems on `d` and returns undefined when the line is unusable.
 */
export function parseStickTable(d: Directive, name: string, peers?: string): StickTableConfig | undefined {
  const kw = d.keyword;
  const inPeers = peers !== undefined;
  let type: StickKeyType | undefined;
  let len = DEFAULT_KEY_LEN;
  let size = 0;
  let expire = 0;
  let nopurge = false;
  let peersName = peers;
  const store: string[] = [];
  const missing = (w: string): undefined => {
    d.error(CfgCode.BAD_ARGUMENT, `${kw}: missing argument after '${w}'.`);
    return undefined;
  };
  for (let i = inPeers ? 2 : 1; i < d.length; i++) {
    const w = d.arg(i)!;
    const v = d.arg(i + 1);
    switch (w) {
      case 'type': {
        if (v === undefined || !(KEY_TYPES as readonly string[]).includes(v)) {
          d.error(CfgCode.BAD_VALUE, `${kw}: unknown type '${v ?? ''}'${suggestion(v ?? '', KEY_TYPES)}.`);
          return undefined;
        }
        type = v as StickKeyType;
        i++;
        if ((type === 'string' || type === 'binary') && d.arg(i + 1) === 'len') {
          const n = d.arg(i + 2);
          if (n === undefined || !/^\d+$/.test(n) || Number(n) === 0) {
            d.error(CfgCode.BAD_VALUE, `${kw}: key length '${n ?? ''}' after 'len' must be a positive integer.`);
            return undefined;
          }
          len = Number(n);
          i += 2;
        }
        break;
      }
      case 'size': {
        if (v === undefined) return missing(w);
        const r = parseSize(v);
        if (r.error !== undefined) {
          d.error(CfgCode.BAD_VALUE, `${kw}: 'size': ${r.error}.`);
          return undefined;
        }
        size = r.value;
        i++;
        break;
      }
      case 'expire': {
        if (v === undefined) return missing(w);
        const r = parseTime(v);
        if (r.error !== undefined) {
          d.error(
            CfgCode.BAD_VALUE,
            /too large/.test(r.error)
              ? `${kw}: timer overflow in argument <${v}> to <expire>, maximum value is ${MAX_TIME_MS} ms (~24.8 days).`
              : `${kw}: 'expire': ${r.error}.`,
          );
          return undefined;
        }
        expire = Math.ceil(r.value);
        i++;
        break;
      }
      case 'nopurge':
        nopurge = true;
        break;
      case 'peers':
        if (inPeers) {
          d.error(CfgCode.UNKNOWN_KEYWORD, `${kw}: unknown argument 'peers' (a peers section's tables are replicated by that section).`);
          return undefined;
        }
        if (v === undefined) return missing(w);
        peersName = v;
        i++;
        break;
      case 'store': {
        if (v === undefined) return missing(w);
        if (!parseStoreWord(d, v, store)) return undefined;
        i++;
        break;
      }
      case 'srvkey':
        if (v === 'name') {
          i++;
          break;
        }
        if (v === 'addr') {
          d.unsupported(`${kw}: 'srvkey addr' (servers are stored by name)`);
          return undefined;
        }
        d.error(CfgCode.BAD_VALUE, `${kw} : unknown server key type '${v ?? ''}'.`);
        return undefined;
      default:
        d.error(CfgCode.UNKNOWN_KEYWORD, `${kw}: unknown argument '${w}'.${suggestion(w, TABLE_ARGS)}`);
        return undefined;
    }
  }
  if (size === 0) {
    d.error(CfgCode.INCOMPLETE, `${kw}: missing size.`);
    return undefined;
  }
  if (type === undefined) {
    d.error(CfgCode.INCOMPLETE, `${kw}: missing type.`);
    return undefined;
  }
  const t: StickTableConfig = { pos: d.pos, name, type, len: type === 'string' || type === 'binary' ? len : 0, size, expire, nopurge, store };
  if (peersName !== undefined) t.peers = peersName;
  return t;
}

/** Spec of a storable type by name. */
const SPECS = new Map(DATA_SPECS.map((s) => [s.name, s]));

/** Types that cannot be stored together (the array form overrides the numbered ones). */
const EXCLUSIVE: ReadonlyArray<[string, readonly string[], string]> = [
  ['gpt', ['gpt0'], "'gpt' and 'gpt0'"],
  ['gpc', ['gpc0', 'gpc1'], "'gpc' and 'gpc[0/1]'"],
  ['gpc_rate', ['gpc0_rate', 'gpc1_rate'], "'gpc_rate' and 'gpc[0/1]_rate'"],
];

/**
 * One `store` argument: a comma-separated list of data types, each with its
 * arguments in parentheses. Appends the accepted items to `store`.
 */
function parseStoreWord(d: Directive, word: string, store: string[]): boolean {
  const kw = d.keyword;
  const items: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i <= word.length; i++) {
    const c = word[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (i === word.length || (c === ',' && depth === 0)) {
      if (depth > 0) {
        d.error(CfgCode.SYNTAX, `${kw}: missing closing parenthesis after store option '${word.slice(start).replace(/\(.*$/, '')}'.`);
        return false;
      }
      if (i > start) items.push(word.slice(start, i));
      start = i + 1;
    }
  }
  for (const item of items) {
    const name = item.replace(/\(.*$/, '');
    const spec = SPECS.get(name);
    if (spec === undefined) {
      d.error(CfgCode.UNKNOWN_KEYWORD, `${kw}: unknown store option '${name}'.${suggestion(name, [...SPECS.keys()])}`);
      return false;
    }
    const args = item.length > name.length ? item.slice(name.length + 1, -1).split(',') : [];
    const need = (spec.array ? 1 : 0) + (spec.period ? 1 : 0);
    if (args.length < need) {
      d.error(CfgCode.BAD_ARGUMENT, `${kw}: missing argument to store option '${name}'.`);
      return false;
    }
    if (args.length > need) {
      d.error(CfgCode.BAD_ARGUMENT, `${kw}: unexpected argument to store option '${name}'.`);
      return false;
    }
    if (spec.array) {
      const n = Number(args[0]);
      if (!/^\d+$/.test(args[0]!) || n < 1 || n > MAX_ARRAY) {
        d.error(CfgCode.BAD_VALUE, `${kw}: array size is out of allowed range (1-${MAX_ARRAY}) for store option '${name}'.`);
        return false;
      }
    }
    if (spec.period) {
      const r = parseTime(args[args.length - 1]!);
      if (r.error !== undefined || r.value === 0) {
        d.error(CfgCode.BAD_VALUE, `${kw}: store option '${name}': ${r.error ?? 'the period must not be zero'}.`);
        return false;
      }
    }
    if (store.some((s) => s.replace(/\(.*$/, '') === name)) {
      d.warn(CfgCode.DUPLICATE, `${kw}: store option '${name}' already enabled, ignored.`);
      continue;
    }
    store.push(item);
  }
  const names = new Set(store.map((s) => s.replace(/\(.*$/, '')));
  for (const [array, numbered, label] of EXCLUSIVE) {
    if (names.has(array) && numbered.some((n) => names.has(n))) {
      d.error(CfgCode.BAD_ARGUMENT, `${kw}: simultaneous usage of ${label} in a same table is not permitted as '${array}' overrides '${numbered.join("/")}'.`);
      return false;
    }
  }
  const all = parseStore(store);
  if (all.error !== undefined) {
    d.error(CfgCode.BAD_VALUE, `${kw}: ${all.error}.`);
    return false;
  }
  return true;
}

const STICK_KINDS: Readonly<Record<string, StickRuleLine['kind']>> = {
  on: 'on',
  match: 'match',
  store: 'store-request',
  'store-request': 'store-request',
  'store-response': 'store-response',
};

/** A `stick on|match|store-request|store-response PATTERN [table NAME] [if|unless COND]` line. */
export function parseStickRule(d: Directive): StickRuleLine | undefined {
  const kind = STICK_KINDS[d.arg(1) ?? ''];
  if (kind === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'stick' expects 'on', 'match', 'store-request' or 'store-response'${suggestion(d.arg(1) ?? '', Object.keys(STICK_KINDS))}.`);
    return undefined;
  }
  const pattern = d.arg(2);
  if (pattern === undefined || pattern === '') {
    d.error(CfgCode.BAD_ARGUMENT, "'stick' expects a fetch method.");
    return undefined;
  }
  const rule: StickRuleLine = { pos: d.pos, kind, pattern };
  let i = 3;
  if (d.arg(i) === 'table') {
    const t = d.arg(i + 1);
    if (t === undefined || t === '') {
      d.error(CfgCode.BAD_ARGUMENT, "'stick': 'table' expects a table name.");
      return undefined;
    }
    rule.table = t;
    i += 2;
  }
  const w = d.arg(i);
  if (w === 'if' || w === 'unless') rule.condition = d.words.slice(i);
  else if (w !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'stick': unknown keyword '${w}'.`);
    return undefined;
  }
  return rule;
}

/** Once every section is read: the `peers NAME` a proxy's table names must exist. */
export function checkStickTables(config: Config, diags: DiagnosticList): void {
  const seen = new Set<StickTableConfig>();
  for (const p of [...config.frontends.values(), ...config.backends.values()]) {
    const t = p.stickTable;
    if (t === undefined || t.peers === undefined || seen.has(t)) continue;
    seen.add(t);
    if (!config.peers.has(t.peers)) {
      diags.error(CfgCode.BAD_VALUE, t.pos, `Proxy '${p.name}': unable to find sync peers '${t.peers}'${suggestion(t.peers, [...config.peers.keys()])}.`);
    }
  }
}
