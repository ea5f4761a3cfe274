// `tcp-request inspect-delay T` and `tcp-request connection|session|content
// ...` lines of frontends, backends and listens. The rule lines are kept as
// words and compiled with the proxy's ACLs by src/rules (through
// src/proxy/routing.ts), as http-request lines are.

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { capabilities, describe, type ProxyDraft } from './draft.ts';
import { suggestion } from './suggest.ts';

const SUBS = ['inspect-delay', 'connection', 'session', 'content'];

export function parseTcpRequest(d: Directive, draft: ProxyDraft): void {
  const sub = d.arg(1);
  if (sub === undefined || sub === '') {
    d.error(CfgCode.BAD_ARGUMENT, `missing argument for 'tcp-request' in ${describe(draft)}`);
    return;
  }
  if (sub === 'inspect-delay') {
    const v = d.time(2, 'tcp-request inspect-delay');
    if (v === undefined || !d.noMoreThan(2, 'tcp-request inspect-delay')) return;
    if (draft.inspectDelay !== undefined) {
      d.warn(CfgCode.DUPLICATE, `ignoring tcp-request inspect-delay (was already defined) in ${describe(draft)}`);
      return;
    }
    draft.inspectDelay = v;
    return;
  }
  if (sub !== 'connection' && sub !== 'session' && sub !== 'content') {
    d.error(CfgCode.BAD_ARGUMENT, `'tcp-request' expects 'inspect-delay', 'connection', or 'content' in ${describe(draft)} (got '${sub}')${suggestion(sub, SUBS)}`);
    return;
  }
  if (sub !== 'content' && !capabilities(draft.kind).fe) {
    d.error(CfgCode.WRONG_SECTION, `tcp-request ${sub} is not allowed because ${describe(draft)} is not a frontend`);
    return;
  }
  if (!d.need(2, `tcp-request ${sub}`, '<action> [arguments] [{if | unless} <condition>]')) return;
  draft.tcpRules.push({ pos: d.pos, set: sub, words: d.words.slice(2) });
}
