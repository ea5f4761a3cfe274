// `peers NAME` sections: the list of nodes sharing stick tables. Parsed and
// checked now; the protocol comes with the peers issue. The local peer is
// the one named like this node (global `localpeer`, else -L / hostname);
// its address is where this node listens unless a `bind` line says so.

import type { PeersSection } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { PEERS_KEYWORDS, UNSUPPORTED_PEERS_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';

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
      if (d.length > 3) {
        d.unsupported(`${kw} ${name}: parameter '${d.arg(3)}'`);
        return;
      }
      s.peers.push({ pos: d.pos, name, address: r.address });
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
      if (d.length > 2) {
        d.unsupported(`bind in a peers section: parameter '${d.arg(2)}'`);
        return;
      }
      if (s.bind !== undefined) {
        d.error(CfgCode.DUPLICATE, `peers section '${s.name}' already has a bind line at ${s.bind.pos.file}:${s.bind.pos.line}`);
        return;
      }
      s.bind = { pos: d.pos, address: r.address };
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
  if (s.bind === undefined) s.bind = { pos: local.pos, address: local.address };
}
