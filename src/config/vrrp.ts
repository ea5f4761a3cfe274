// `vrrp NAME` sections (Hawser's own, one virtual router each, like a
// keepalived vrrp_instance). Checked enough to refuse bad values now; the
// keywords the VRRP issue will interpret are kept in `entries`.
//
//   interface eth0
//   virtual-router-id 51                 1-255
//   priority 100 | priority lb1 150 lb2 100   1-255, per node name
//   advert-interval 1s                   a bare number is seconds, as keepalived's advert_int
//   version 3                            2 or 3
//   virtual-ipaddress 192.0.2.100/24 [dev eth0] [label eth0:1] [ADDR/PREFIX ...]

import type { Backend, VrrpSection } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { isIPv4, isIPv6 } from './ip.ts';
import { VRRP_ENTRY_KEYWORDS, VRRP_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';

export interface VrrpDraft {
  section: VrrpSection;
  keep: boolean;
  /** Keywords written, even if their value was refused (so "has no X" is not said twice). */
  seen: Set<string>;
}

export function emptyVrrp(name: string, pos: VrrpSection['pos']): VrrpSection {
  return { pos, name, priority: { byNode: new Map() }, virtualAddresses: [], entries: [] };
}

export function parseVrrpLine(d: Directive, draft: VrrpDraft): void {
  const s = draft.section;
  const kw = d.keyword;
  draft.seen.add(kw);
  if (d.modifier !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}' is not supported in a vrrp section`);
    return;
  }
  switch (kw) {
    case 'interface':
      if (d.need(1, kw, 'an interface name') && d.noMoreThan(1, kw)) s.interface = d.arg(1)!;
      return;
    case 'virtual-router-id': {
      const v = d.int(1, kw, 1, 255);
      if (v !== undefined && d.noMoreThan(1, kw)) s.virtualRouterId = v;
      return;
    }
    case 'version': {
      const v = d.arg(1);
      if (v !== '2' && v !== '3') {
        d.error(CfgCode.BAD_VALUE, `'version' expects 2 or 3${v !== undefined ? `, not '${v}'` : ''}`);
        return;
      }
      if (d.noMoreThan(1, kw)) s.version = v === '2' ? 2 : 3;
      return;
    }
    case 'advert-interval': {
      const v = d.time(1, kw, 's');
      if (v !== undefined && d.noMoreThan(1, kw)) s.advertInterval = v;
      return;
    }
    case 'priority':
      parsePriority(d, s);
      return;
    case 'virtual-ipaddress':
      parseVirtualAddresses(d, s);
      return;
  }
  if ((VRRP_ENTRY_KEYWORDS as readonly string[]).includes(kw)) {
    if (checkEntry(d)) s.entries.push({ pos: d.pos, keyword: kw, args: d.words.slice(1) });
    return;
  }
  d.error(
    CfgCode.UNKNOWN_KEYWORD,
    `unknown keyword '${kw}' in vrrp '${s.name}'${suggestion(kw, [...VRRP_KEYWORDS, ...VRRP_ENTRY_KEYWORDS])}`,
  );
}

function parsePriority(d: Directive, s: VrrpSection): void {
  if (!d.need(1, 'priority', '<1-255> or <node> <1-255> [<node> <1-255> ...]')) return;
  const byNode = new Map<string, number>();
  let def: number | undefined;
  let i = 1;
  while (i < d.length) {
    const w = d.arg(i)!;
    if (/^\d+$/.test(w)) {
      if (def !== undefined) {
        d.error(CfgCode.BAD_ARGUMENT, "'priority' takes one default value at most; per-node values are written '<node> <priority>'");
        return;
      }
      def = d.intValue(w, 'priority', 1, 255);
      if (def === undefined) return;
      i++;
      continue;
    }
    const v = d.arg(i + 1);
    if (v === undefined) {
      d.error(CfgCode.BAD_ARGUMENT, `'priority': node '${w}' has no value (write '${w} <1-255>')`);
      return;
    }
    const n = d.intValue(v, 'priority', 1, 255, `node '${w}': `);
    if (n === undefined) return;
    if (byNode.has(w)) {
      d.error(CfgCode.DUPLICATE, `'priority': node '${w}' is given twice`);
      return;
    }
    byNode.set(w, n);
    i += 2;
  }
  if (def !== undefined) s.priority.default = def;
  for (const [k, v] of byNode) s.priority.byNode.set(k, v);
}

function parseVirtualAddresses(d: Directive, s: VrrpSection): void {
  if (!d.need(1, 'virtual-ipaddress', '<address>/<prefix> [dev <interface>] [label <label>] ...')) return;
  let i = 1;
  while (i < d.length) {
    const w = d.arg(i)!;
    const slash = w.indexOf('/');
    const addr = slash < 0 ? w : w.slice(0, slash);
    const family: 4 | 6 | undefined = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : undefined;
    if (family === undefined) {
      d.error(CfgCode.BAD_VALUE, `'virtual-ipaddress': '${w}' is not an IPv4 or IPv6 address with an optional /prefix`);
      return;
    }
    const max = family === 4 ? 32 : 128;
    let prefix = max;
    if (slash >= 0) {
      const p = w.slice(slash + 1);
      if (!/^\d+$/.test(p) || Number(p) > max) {
        d.error(CfgCode.BAD_VALUE, `'virtual-ipaddress': invalid prefix length '/${p}' in '${w}' (0-${max})`);
        return;
      }
      prefix = Number(p);
    }
    const vip: VrrpSection['virtualAddresses'][number] = { pos: d.pos, address: addr, prefix, family };
    i++;
    while (d.arg(i) === 'dev' || d.arg(i) === 'label') {
      const k = d.arg(i)!;
      const v = d.arg(i + 1);
      if (v === undefined) {
        d.error(CfgCode.BAD_ARGUMENT, `'virtual-ipaddress ${w} ${k}' expects a value`);
        return;
      }
      if (k === 'dev') vip.dev = v;
      else vip.label = v;
      i += 2;
    }
    s.virtualAddresses.push(vip);
  }
}

/** Light checks on keywords kept for the VRRP issue. */
function checkEntry(d: Directive): boolean {
  const kw = d.keyword;
  switch (kw) {
    case 'track-backend':
    case 'track-interface': {
      if (!d.need(1, kw, `<name> [weight <-254..254>]`)) return false;
      if (d.arg(2) === undefined) return true;
      if (d.arg(2) !== 'weight') {
        d.error(CfgCode.BAD_ARGUMENT, `'${kw} ${d.arg(1)}' only accepts 'weight <-254..254>', not '${d.arg(2)}'`);
        return false;
      }
      return d.int(3, `${kw} weight`, -254, 254) !== undefined && d.noMoreThan(3, kw);
    }
    case 'unicast-peer':
    case 'unicast-source':
    case 'unicast-src-ip': {
      if (!d.need(1, kw, 'an IP address')) return false;
      for (const w of d.words.slice(1)) {
        if (!isIPv4(w) && !isIPv6(w)) {
          d.error(CfgCode.BAD_VALUE, `'${kw}': '${w}' is not an IP address`);
          return false;
        }
      }
      return kw === 'unicast-peer' || d.noMoreThan(1, kw);
    }
    case 'preempt-delay':
    case 'garp-master-delay':
    case 'garp-master-refresh':
      return d.time(1, kw, 's') !== undefined && d.noMoreThan(1, kw);
    case 'garp-master-repeat':
      return d.int(1, kw, 1, 255) !== undefined && d.noMoreThan(1, kw);
    case 'preempt':
    case 'nopreempt':
    case 'accept':
    case 'no-accept':
    case 'disabled':
    case 'enabled':
      return d.noMoreThan(0, kw);
    case 'transport': {
      const v = d.arg(1);
      if (v !== 'raw' && v !== 'udp') {
        d.error(CfgCode.BAD_VALUE, `'transport' expects 'raw' (IP protocol 112) or 'udp'${v !== undefined ? `, not '${v}'` : ''}`);
        return false;
      }
      // `transport udp port N`: the port is checked with the VRRP settings.
      return v === 'udp' ? d.noMoreThan(3, kw) : d.noMoreThan(1, kw);
    }
    default:
      return d.need(1, kw, 'an argument');
  }
}

/** Checks that need the whole file: required keywords, versions, references. */
export function finishVrrp(
  draft: VrrpDraft,
  localName: string,
  backends: ReadonlyMap<string, Backend>,
  diags: DiagnosticList,
): void {
  const s = draft.section;
  const where = `vrrp '${s.name}'`;
  const missing = (kw: string, absent: boolean, what: string): void => {
    if (absent && !draft.seen.has(kw)) diags.error(CfgCode.INCOMPLETE, s.pos, `${where} has no ${what}`);
  };
  missing('virtual-router-id', s.virtualRouterId === undefined, "'virtual-router-id' (1-255)");
  missing('interface', s.interface === undefined, "'interface'");
  missing('virtual-ipaddress', s.virtualAddresses.length === 0, "'virtual-ipaddress'");
  const version = s.version ?? 3;
  if (s.advertInterval !== undefined) {
    if (version === 3 && (s.advertInterval < 10 || s.advertInterval > 40950 || s.advertInterval % 10 !== 0)) {
      diags.error(
        CfgCode.BAD_VALUE,
        s.pos,
        `${where}: VRRPv3 'advert-interval' must be a multiple of 10ms between 10ms and 40950ms, not ${s.advertInterval}ms`,
      );
    }
    if (version === 2 && (s.advertInterval < 1000 || s.advertInterval > 255_000 || s.advertInterval % 1000 !== 0)) {
      diags.error(CfgCode.BAD_VALUE, s.pos, `${where}: VRRPv2 'advert-interval' must be whole seconds between 1s and 255s`);
    }
  }
  if (version === 2 && s.virtualAddresses.some((v) => v.family === 6)) {
    diags.error(CfgCode.BAD_VALUE, s.pos, `${where}: VRRPv2 carries IPv4 addresses only; use 'version 3' for IPv6`);
  }
  if (s.priority.byNode.size > 0 && s.priority.default === undefined && !s.priority.byNode.has(localName)) {
    diags.warning(
      CfgCode.INCOMPLETE,
      s.pos,
      `${where}: no priority for this node '${localName}' (priorities are given for ${[...s.priority.byNode.keys()].join(', ')})`,
    );
  }
  for (const e of s.entries) {
    if (e.keyword === 'track-backend' && e.args[0] !== undefined && !backends.has(e.args[0])) {
      diags.error(CfgCode.UNKNOWN_BACKEND, e.pos, `${where}: track-backend '${e.args[0]}' does not exist${suggestion(e.args[0], backends.keys())}`);
    }
  }
}
