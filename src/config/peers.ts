// `peers NAME` sections: the list of nodes sharing stick tables. Parsed and
// checked now; the protocol comes with the peers issue. The local peer is
// the one named like this node (global `localpeer`, else -L / hostname);
// its address is where this node listens unless a `bind` line says so.

import type { PeersSection, PeersTls } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { PEERS_KEYWORDS, UNSUPPORTED_PEERS_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';
import { parseStickTable } from './stick-table.ts';

export interface PeersDraft {
  section: PeersSection;
  keep: boolean;
  /** `server NAME` lines without an address: the local peer in the bind/server style. */
  addressless: Array<{ pos: PeersSection['pos']; name: string }>;
}

export function parsePeersLine(d: Directive, draft: PeersDraft): void {
  const kw = d.keyword;
  const s = draft.section;
  if (d.modifier !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}' is not supported in a peers section`);
    return;
  }
  if ((UNSUPPORTED_PEERS_KEYWORDS as readonly string[]).includes(kw)) {
    d.unsupported(`'${kw}' in a peers section`);
    return;
  }
  switch (kw) {
    case 'peer':
    case 'server': {
      if (!d.need(1, kw, kw === 'peer' ? '<name> <address>:<port>' : '<name> [<address>:<port>]')) return;
      const name = d.arg(1)!;
      const bad = badNameChar(name);
      if (bad !== undefined) {
        d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in peer name '${name}'`);
        return;
      }
      const dup = s.peers.find((p) => p.name === name) ?? draft.addressless.find((p) => p.name === name);
      if (dup !== undefined) {
        d.error(CfgCode.DUPLICATE, `peers section '${s.name}': peer '${name}' is already defined at ${dup.pos.file}:${dup.pos.line}`);
        return;
      }
      const raw = d.arg(2);
      if (raw === undefined && kw === 'server') {
        draft.addressless.push({ pos: d.pos, name });
        return;
      }
      if (!d.need(2, kw, '<name> <address>:<port>')) return;
      const r = parseAddress(raw!, d.env, { portMandatory: true });
      if (!r.ok) {
        if (r.unsupported === true) d.unsupported(`${kw} ${name}: ${r.error}`);
        else d.error(CfgCode.BAD_VALUE, `${kw} ${name}: ${r.error}`);
        return;
      }
      const own = parsePeersTls(d, 3, `${kw} ${name}`, 'server');
      if (own === false) return;
      const tls = mergeTls(s.defaultServer, own);
      s.peers.push({ pos: d.pos, name, address: r.address, ...(tls !== undefined ? { tls } : {}) });
      return;
    }
    case 'bind': {
      if (!d.need(1, 'bind', '<address>:<port>')) return;
      const r = parseAddress(d.arg(1)!, d.env, { portMandatory: true });
      if (!r.ok) {
        if (r.unsupported === true) d.unsupported(`bind: ${r.error}`);
        else d.error(CfgCode.BAD_VALUE, `bind: ${r.error}`);
        return;
      }
      const tls = parsePeersTls(d, 2, 'bind', 'bind');
      if (tls === false) return;
      if (s.bind !== undefined) {
        d.error(CfgCode.DUPLICATE, `peers section '${s.name}' already has a bind line at ${s.bind.pos.file}:${s.bind.pos.line}`);
        return;
      }
      s.bind = { pos: d.pos, address: r.address, ...(tls !== undefined ? { tls } : {}) };
      return;
    }
    case 'default-server': {
      const tls = parsePeersTls(d, 1, 'default-server', 'server');
      if (tls === false) return;
      s.defaultServer = mergeTls(s.defaultServer, tls);
      return;
    }
    case 'secret':
    case 'secret-file': {
      if (!d.need(1, kw, kw === 'secret' ? '<string>' : '<path>') || !d.noMoreThan(1, kw)) return;
      if (s.secret !== undefined) {
        d.error(CfgCode.DUPLICATE, `peers section '${s.name}' already has a secret at ${s.secret.pos.file}:${s.secret.pos.line}`);
        return;
      }
      s.secret = kw === 'secret' ? { pos: d.pos, text: d.arg(1)! } : { pos: d.pos, file: d.arg(1)! };
      return;
    }
    case 'table': {
      // Named PEERS/NAME, as HAProxy names the tables of a peers section.
      if (!d.need(1, kw, '<name> type <type> size <size> [expire <expire>] [nopurge] [store <data>]*')) return;
      const name = `${s.name}/${d.arg(1)!}`;
      const other = s.tables?.find((t) => t.name === name);
      if (other !== undefined) {
        d.error(CfgCode.DUPLICATE, `stick-table name '${name}' conflicts with table declared in peers '${s.name}' at ${other.pos.file}:${other.pos.line}.`);
        return;
      }
      const t = parseStickTable(d, name, s.name);
      if (t !== undefined) (s.tables ??= []).push(t);
      return;
    }
    case 'disabled':
    case 'enabled':
      if (d.noMoreThan(0, kw)) s.disabled = kw === 'disabled';
      return;
    default:
      d.error(
        CfgCode.UNKNOWN_KEYWORD,
        `unknown keyword '${kw}' in peers section '${s.name}'${suggestion(kw, [...PEERS_KEYWORDS, ...UNSUPPORTED_PEERS_KEYWORDS])}`,
      );
  }
}

/** Once every file is read: find the local peer, complete the bind. */
export function finishPeers(draft: PeersDraft, localName: string, diags: DiagnosticList): void {
  const s = draft.section;
  for (const a of draft.addressless) {
    if (a.name !== localName) {
      diags.error(
        CfgCode.INCOMPLETE,
        a.pos,
        `peers section '${s.name}': server '${a.name}' has no address, which is only allowed for the local peer ('${localName}')`,
      );
    } else if (s.bind === undefined) {
      diags.error(CfgCode.INCOMPLETE, a.pos, `peers section '${s.name}': the local peer '${a.name}' has no address and there is no 'bind' line`);
    } else {
      s.peers.push({ pos: a.pos, name: a.name, address: s.bind.address });
    }
  }
  const local = s.peers.find((p) => p.name === localName);
  if (local === undefined) {
    diags.warning(
      CfgCode.INCOMPLETE,
      s.pos,
      `peers section '${s.name}' has no peer named '${localName}' (this node): it will not be used on this node`,
    );
    return;
  }
  s.local = local.name;
  // Without a bind line the local peer's line says where to listen, TLS included.
  if (s.bind === undefined) s.bind = { pos: local.pos, address: local.address, ...(local.tls !== undefined ? { tls: local.tls } : {}) };
  const b = s.bind.tls;
  if (b?.ssl === true && b.crt === undefined) {
    diags.error(CfgCode.INCOMPLETE, b.pos, `peers section '${s.name}': 'ssl' on the local peer's listener needs 'crt <file>'`);
  }
  for (const p of s.peers) {
    const t = p.tls;
    if (p.name === localName || t?.ssl !== true || t.caFile !== undefined || t.verify === 'none') continue;
    diags.error(
      CfgCode.INCOMPLETE,
      t.pos,
      `peers section '${s.name}': peer '${p.name}': verify is enabled by default but no CA file specified ('ca-file <file>', or 'verify none' on a network you trust)`,
    );
  }
}

/**
 * TLS words on a peer, server, default-server or bind line, from word
 * `from` on: undefined when there are none, false after reporting a problem.
 */
function parsePeersTls(d: Directive, from: number, label: string, side: 'bind' | 'server'): PeersTls | undefined | false {
  if (d.length <= from) return undefined;
  const tls: PeersTls = { pos: d.pos };
  for (let i = from; i < d.length; i++) {
    const w = d.arg(i)!;
    switch (w) {
      case 'ssl':
        tls.ssl = true;
        break;
      case 'no-ssl':
        if (side === 'bind') return unsupportedParam(d, label, w);
        tls.ssl = false;
        break;
      case 'crt':
      case 'ca-file': {
        const v = d.arg(++i);
        if (v === undefined || v === '') {
          d.error(CfgCode.BAD_ARGUMENT, `${label}: '${w}' expects <file>`);
          return false;
        }
        if (w === 'crt') tls.crt = v;
        else tls.caFile = v;
        break;
      }
      case 'verify': {
        const v = d.arg(++i);
        const allowed = side === 'bind' ? ['none', 'optional', 'required'] : ['none', 'required'];
        if (v === undefined || !allowed.includes(v)) {
          d.error(CfgCode.BAD_ARGUMENT, `${label}: 'verify' expects ${allowed.join('|')}${v !== undefined ? `, not '${v}'` : ''}`);
          return false;
        }
        tls.verify = v as PeersTls['verify'];
        break;
      }
      default:
        return unsupportedParam(d, label, w);
    }
  }
  return tls;
}

function unsupportedParam(d: Directive, label: string, w: string): false {
  d.unsupported(`${label}: parameter '${w}'`);
  return false;
}

/** A line's own TLS words over the defaults in force (each word overrides separately, as with HAProxy's default-server). */
function mergeTls(defaults: PeersTls | undefined, own: PeersTls | undefined): PeersTls | undefined {
  if (defaults === undefined) return own;
  if (own === undefined) return defaults;
  const merged: PeersTls = { pos: own.pos };
  const ssl = own.ssl ?? defaults.ssl;
  const crt = own.crt ?? defaults.crt;
  const caFile = own.caFile ?? defaults.caFile;
  const verify = own.verify ?? defaults.verify;
  if (ssl !== undefined) merged.ssl = ssl;
  if (crt !== undefined) merged.crt = crt;
  if (caFile !== undefined) merged.caFile = caFile;
  if (verify !== undefined) merged.verify = verify;
  return merged;
}
