// `cache NAME` sections: the size of HAProxy's small-object RAM cache and
// how long it keeps things. Parsed into a draft, then checked as HAProxy
// does once the section ends (a size is required, an object may take at
// most half of it).

import type { CacheSection, SourcePos } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { CACHE_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';

/** HAProxy refuses more (the size is counted in 1 kB blocks in an unsigned int). */
const MAX_TOTAL_MB = 4095;
const MB = 1024 * 1024;

export interface CacheDraft {
  pos: SourcePos;
  name: string;
  keep: boolean;
  totalMb?: number;
  maxObjectSize?: number;
  maxAge: number;
  processVary: boolean;
  maxSecondaryEntries: number;
}

export function newCacheDraft(name: string, pos: SourcePos): CacheDraft {
  return { pos, name, keep: true, maxAge: 60, processVary: false, maxSecondaryEntries: 10 };
}

/** Checks the `cache NAME` line; undefined when the section must be skipped. */
export function startCache(d: Directive, existing: ReadonlyMap<string, CacheDraft>): CacheDraft | undefined {
  if (!d.need(1, 'cache', 'a <name> argument') || !d.noMoreThan(1, 'cache')) return undefined;
  const name = d.arg(1)!;
  const draft = newCacheDraft(name, d.pos);
  const bad = badNameChar(name);
  if (bad !== undefined) {
    d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in cache name '${name}'`);
    draft.keep = false;
  }
  if (name.length > 32) {
    // HAProxy truncates the name to 32 characters (and warns); two names could then collide.
    d.error(CfgCode.BAD_VALUE, `cache name '${name}' is longer than 32 characters`);
    draft.keep = false;
  }
  const other = existing.get(name);
  if (other !== undefined) {
    d.error(CfgCode.DUPLICATE, `duplicate cache name '${name}' (first declared at ${other.pos.file}:${other.pos.line})`);
    draft.keep = false;
  }
  return draft;
}

export function parseCacheLine(d: Directive, draft: CacheDraft): void {
  const kw = d.keyword;
  if (d.modifier !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}' is not supported in a cache section`);
    return;
  }
  switch (kw) {
    case 'total-max-size': {
      const v = d.int(1, kw, 1, MAX_TOTAL_MB);
      if (v !== undefined && d.noMoreThan(1, kw)) draft.totalMb = v;
      return;
    }
    case 'max-object-size': {
      const v = d.int(1, kw, 1, 0xffffffff);
      if (v !== undefined && d.noMoreThan(1, kw)) draft.maxObjectSize = v;
      return;
    }
    case 'max-age': {
      const v = d.int(1, kw, 0, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) draft.maxAge = v;
      return;
    }
    case 'process-vary': {
      const v = d.arg(1);
      if (v !== 'on' && v !== 'off') {
        d.error(CfgCode.BAD_VALUE, `'process-vary' expects "on" or "off" (enable or disable vary processing)${v !== undefined ? `, not '${v}'` : ''}`);
        return;
      }
      if (d.noMoreThan(1, kw)) draft.processVary = v === 'on';
      return;
    }
    case 'max-secondary-entries': {
      const v = d.int(1, kw, 1, 0xffffffff);
      if (v !== undefined && d.noMoreThan(1, kw)) draft.maxSecondaryEntries = v;
      return;
    }
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in 'cache' section${suggestion(kw, CACHE_KEYWORDS)}`);
  }
}

/** The section's model, or undefined (reported) when it cannot be used. */
export function finishCache(draft: CacheDraft, diags: DiagnosticList): CacheSection | undefined {
  if (draft.totalMb === undefined) {
    diags.error(CfgCode.INCOMPLETE, draft.pos, `size not specified for cache '${draft.name}' (add 'total-max-size <megabytes>')`);
    return undefined;
  }
  const total = draft.totalMb * MB;
  let maxObjectSize = draft.maxObjectSize ?? Math.floor(total / 256);
  if (maxObjectSize > total / 2) {
    diags.error(CfgCode.BAD_VALUE, draft.pos, `cache '${draft.name}': "max-object-size" is limited to an half of "total-max-size" => ${total / 2}`);
    maxObjectSize = total / 2;
  }
  if (!draft.keep) return undefined;
  return {
    pos: draft.pos,
    name: draft.name,
    totalMaxSize: total,
    maxObjectSize,
    maxAge: draft.maxAge,
    processVary: draft.processVary,
    maxSecondaryEntries: draft.maxSecondaryEntries,
  };
}
