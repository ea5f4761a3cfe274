// `capture request header NAME len N`, `capture response header NAME len N`,
// `capture cookie NAME len N` and `declare capture request|response len N`
// (frontends and listens). Each takes the next capture slot of its
// direction in file order, the numbering `http-request capture ... id N`
// refers to and the access log prints in (%hr, %hs).

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { ProxyDraft } from './draft.ts';

function length(d: Directive, at: number, label: string): number | undefined {
  if (d.arg(at) !== 'len') {
    d.error(CfgCode.BAD_ARGUMENT, `'${label}' expects 'len' <length>`);
    return undefined;
  }
  const v = d.int(at + 1, `${label} len`, 1, 65535);
  if (v === undefined || !d.noMoreThan(at + 1, label)) return undefined;
  return v;
}

export function parseCapture(d: Directive, draft: ProxyDraft): void {
  const what = d.arg(1);
  if (what === 'cookie') {
    if (!d.need(2, 'capture cookie', '<name> len <length>')) return;
    const len = length(d, 3, 'capture cookie');
    if (len === undefined) return;
    if (draft.captures.some((c) => c.kind === 'cookie')) {
      d.warn(CfgCode.DUPLICATE, "'capture cookie' already specified: only the last one is used");
      const i = draft.captures.findIndex((c) => c.kind === 'cookie');
      draft.captures.splice(i, 1);
    }
    draft.captures.push({ pos: d.pos, kind: 'cookie', direction: 'request', name: d.arg(2)!, len });
    return;
  }
  if ((what === 'request' || what === 'response') && d.arg(2) === 'header') {
    const label = `capture ${what} header`;
    if (!d.need(3, label, '<header> len <length>')) return;
    const len = length(d, 4, label);
    if (len === undefined) return;
    draft.captures.push({ pos: d.pos, kind: 'header', direction: what, name: d.arg(3)!, len });
    return;
  }
  d.error(CfgCode.BAD_ARGUMENT, "'capture' expects 'cookie', 'request header' or 'response header'");
}

export function parseDeclare(d: Directive, draft: ProxyDraft): void {
  if (d.arg(1) !== 'capture') {
    d.error(CfgCode.BAD_ARGUMENT, `'declare' expects 'capture' (got '${d.arg(1) ?? ''}')`);
    return;
  }
  const dir = d.arg(2);
  if (dir !== 'request' && dir !== 'response') {
    d.error(CfgCode.BAD_ARGUMENT, "'declare capture' expects 'request' or 'response'");
    return;
  }
  const len = length(d, 3, `declare capture ${dir}`);
  if (len === undefined) return;
  draft.captures.push({ pos: d.pos, kind: 'declare', direction: dir, name: '', len });
}
