// `compression algo|type|offload` lines of a proxy, with HAProxy 2.6's
// arguments and messages, plus two additions: the `br` algorithm and
// `compression minsize-res` (HAProxy 3.2's keyword). Lines add to what the
// section already has; inherit.ts adds the defaults' algorithms and types.

import type { CompressionAlgo, CompressionSettings } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { ProxyDraft } from './draft.ts';
import { suggestion } from './suggest.ts';
import { parseSize } from './units.ts';

const ALGOS: readonly CompressionAlgo[] = ['identity', 'gzip', 'deflate', 'raw-deflate', 'br'];
const SUBCOMMANDS = ['algo', 'type', 'offload', 'minsize-res'];

export function parseCompression(d: Directive, draft: ProxyDraft): void {
  const own = (draft.own.compression ??= { pos: d.pos, algos: [], types: [], offload: false });
  const sub = d.arg(1);
  switch (sub) {
    case 'algo': {
      if (!d.need(2, 'compression', '<algorithm>')) return;
      for (const a of d.words.slice(2)) {
        if (!(ALGOS as readonly string[]).includes(a)) {
          d.error(CfgCode.BAD_VALUE, `'compression' : '${a}' is not a supported algorithm${suggestion(a, ALGOS)}`);
          return;
        }
        own.algos.push(a as CompressionAlgo);
      }
      return;
    }
    case 'type':
      if (!d.need(2, 'compression', '<type>')) return;
      own.types.push(...d.words.slice(2));
      return;
    case 'offload':
      if (!d.noMoreThan(1, 'compression offload')) return;
      if (draft.kind === 'defaults') {
        d.warn(CfgCode.IGNORED, "'compression' : 'offload' ignored in 'defaults' section");
        return;
      }
      own.offload = true;
      return;
    case 'minsize-res': {
      if (!d.need(2, 'compression minsize-res', 'a size in bytes') || !d.noMoreThan(2, 'compression minsize-res')) return;
      const r = parseSize(d.arg(2)!);
      if (r.error !== undefined) d.error(CfgCode.BAD_VALUE, `'compression minsize-res': ${r.error}`);
      else own.minsizeRes = r.value;
      return;
    }
    default:
      d.error(
        CfgCode.BAD_ARGUMENT,
        `'compression' expects 'algo', 'type', 'offload' or 'minsize-res'${sub !== undefined ? `, not '${sub}'${suggestion(sub, SUBCOMMANDS)}` : ''}`,
      );
  }
}

/** A section's compression: the defaults' algorithms and types, then its own lines (HAProxy copies algos and types, not offload). */
export function inheritCompression(inherited: CompressionSettings | undefined, own: CompressionSettings | undefined): CompressionSettings | undefined {
  if (inherited === undefined) return own;
  if (own === undefined) return { ...inherited, algos: [...inherited.algos], types: [...inherited.types], offload: false };
  const out: CompressionSettings = {
    pos: own.pos,
    algos: [...inherited.algos, ...own.algos],
    types: [...inherited.types, ...own.types],
    offload: own.offload,
  };
  const min = own.minsizeRes ?? inherited.minsizeRes;
  if (min !== undefined) out.minsizeRes = min;
  return out;
}
