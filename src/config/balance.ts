// `balance ALGORITHM [args]` and `hash-type METHOD [FUNCTION] [avalanche]`.

import type { BalanceAlgorithm, HashType } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { suggestion } from './suggest.ts';

const SIMPLE = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source'] as const;
const ALGORITHMS = [...SIMPLE, 'uri', 'url_param', 'hdr(name)', 'random', 'rdp-cookie', 'hash'];

export function parseBalance(d: Directive): BalanceAlgorithm | undefined {
  if (!d.need(1, 'balance', `an algorithm (${ALGORITHMS.join(', ')})`)) return undefined;
  const algo = d.arg(1)!;

  if ((SIMPLE as readonly string[]).includes(algo)) {
    if (!d.noMoreThan(1, `balance ${algo}`)) return undefined;
    return { kind: algo as (typeof SIMPLE)[number] };
  }

  if (algo === 'uri') {
    const b = { kind: 'uri' as const, whole: false, pathOnly: false, len: undefined as number | undefined, depth: undefined as number | undefined };
    for (let i = 2; i < d.length; i++) {
      const w = d.arg(i)!;
      if (w === 'whole') b.whole = true;
      else if (w === 'path-only') b.pathOnly = true;
      else if (w === 'len' || w === 'depth') {
        const n = d.int(i + 1, `balance uri ${w}`, 1, 2_147_483_647);
        if (n === undefined) return undefined;
        b[w] = n;
        i++;
      } else {
        d.error(CfgCode.BAD_ARGUMENT, `'balance uri' only accepts 'whole', 'len <n>', 'depth <n>' and 'path-only', not '${w}'`);
        return undefined;
      }
    }
    const out: BalanceAlgorithm = { kind: 'uri', whole: b.whole, pathOnly: b.pathOnly };
    if (b.len !== undefined) out.len = b.len;
    if (b.depth !== undefined) out.depth = b.depth;
    return out;
  }

  if (algo === 'url_param') {
    if (!d.need(2, 'balance url_param', 'a parameter name')) return undefined;
    if (d.arg(3) === 'check_post') {
      d.unsupported("'balance url_param ... check_post'");
      return undefined;
    }
    if (!d.noMoreThan(2, 'balance url_param')) return undefined;
    return { kind: 'url_param', param: d.arg(2)! };
  }

  const hdr = /^hdr\(([^()]*)\)$/.exec(algo);
  if (hdr !== null) {
    if (hdr[1] === '') {
      d.error(CfgCode.BAD_ARGUMENT, "'balance hdr()' expects a header name inside the parentheses");
      return undefined;
    }
    let useDomainOnly = false;
    if (d.arg(2) === 'use_domain_only') useDomainOnly = true;
    else if (d.arg(2) !== undefined) {
      d.error(CfgCode.BAD_ARGUMENT, `'balance hdr(${hdr[1]})' only accepts 'use_domain_only', not '${d.arg(2)}'`);
      return undefined;
    }
    if (!d.noMoreThan(2, 'balance hdr')) return undefined;
    return { kind: 'hdr', header: hdr[1]!, useDomainOnly };
  }

  const random = /^random(?:\((.*)\))?$/.exec(algo);
  if (random !== null) {
    let draws = 2;
    if (random[1] !== undefined) {
      const n = d.intValue(random[1], 'balance random(<draws>)', 1, 2_147_483_647);
      if (n === undefined) return undefined;
      draws = n;
    }
    if (!d.noMoreThan(1, 'balance random')) return undefined;
    return { kind: 'random', draws };
  }

  if (algo === 'hash' || algo.startsWith('rdp-cookie')) {
    d.unsupported(`'balance ${algo}'`);
    return undefined;
  }
  d.error(CfgCode.UNKNOWN_KEYWORD, `unknown balance algorithm '${algo}'${suggestion(algo, ALGORITHMS)}`);
  return undefined;
}

const FUNCTIONS = ['sdbm', 'djb2', 'wt6', 'crc32'] as const;

export function parseHashType(d: Directive): HashType | undefined {
  const method = d.arg(1);
  if (method !== 'map-based' && method !== 'consistent') {
    d.error(
      method === undefined ? CfgCode.BAD_ARGUMENT : CfgCode.BAD_VALUE,
      `'hash-type' expects 'map-based' or 'consistent'${method !== undefined ? `, not '${method}'${suggestion(method, ['map-based', 'consistent'])}` : ''}`,
    );
    return undefined;
  }
  const h: HashType = { method, function: 'sdbm', avalanche: false };
  let i = 2;
  const fn = d.arg(i);
  if (fn !== undefined && fn !== 'avalanche') {
    if (!(FUNCTIONS as readonly string[]).includes(fn)) {
      d.error(CfgCode.BAD_VALUE, `'hash-type': unknown hash function '${fn}' (expected sdbm, djb2, wt6 or crc32)${suggestion(fn, FUNCTIONS)}`);
      return undefined;
    }
    h.function = fn as HashType['function'];
    i++;
  }
  const mod = d.arg(i);
  if (mod !== undefined) {
    if (mod !== 'avalanche') {
      d.error(CfgCode.BAD_VALUE, `'hash-type': unknown modifier '${mod}' (only 'avalanche')`);
      return undefined;
    }
    h.avalanche = true;
    i++;
  }
  if (!d.noMoreThan(i - 1, 'hash-type')) return undefined;
  return h;
}
