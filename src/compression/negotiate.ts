// Which content coding a response may get, decided on the request as
// HAProxy 2.6 does: the backend's `compression` settings win over the
// frontend's; the client's Accept-Encoding elements are read with their
// q-values and the best one (the first of equals) that names a configured
// algorithm wins, `*` taking the last configured; `identity` needs no header;
// old "Mozilla/4" agents (but MSIE 6 SP2 and later) get nothing.

import type { CompressionAlgo, CompressionSettings } from '../config/index.ts';
import { fieldValues, TOKEN } from '../http/index.ts';

/** The settings in force for one exchange (backend first, frontend else, field by field). */
export interface EffectiveCompression {
  algos: readonly CompressionAlgo[];
  types: readonly string[];
  offload: boolean;
  minsizeRes: number;
}

const NONE: readonly never[] = [];

/** Combines the frontend's and the backend's settings; null when neither compresses. */
export function effectiveCompression(fe: CompressionSettings | undefined, be: CompressionSettings | undefined): EffectiveCompression | null {
  if (fe === undefined && be === undefined) return null;
  const algos = be !== undefined && be.algos.length > 0 ? be.algos : (fe?.algos ?? NONE);
  if (algos.length === 0) return null;
  const types = be !== undefined && be.types.length > 0 ? be.types : (fe?.types ?? NONE);
  const min = be?.minsizeRes !== undefined && be.minsizeRes > 0 ? be.minsizeRes : (fe?.minsizeRes ?? 0);
  return { algos, types, offload: be?.offload === true || fe?.offload === true, minsizeRes: min };
}

/** The name a coding has in Accept-Encoding and Content-Encoding. */
export function codingName(a: CompressionAlgo): string {
  return a === 'raw-deflate' ? 'deflate' : a;
}

/** HAProxy's exclusion of "Mozilla/4" agents that mishandle compression (MSIE 6 SP2 and later are fine). */
function brokenAgent(ua: string | undefined): boolean {
  if (ua === undefined || !ua.startsWith('Mozilla/4')) return false;
  if (ua.length < 31 || ua.slice(25, 30) !== 'MSIE ') return true;
  const v = ua.charCodeAt(30);
  if (v < 0x36) return true;
  return v === 0x36 && (ua.length < 54 || ua.slice(51, 54) !== 'SV1');
}

/** A q-value in thousandths (HAProxy's http_parse_qvalue: "0.5" -> 500, missing -> 1000). */
function qvalue(s: string): number {
  let q = 1000;
  const d0 = s.charCodeAt(0) - 0x30;
  if (d0 >= 0 && d0 <= 9) {
    q = d0 * 1000;
    if (s.charCodeAt(1) === 0x2e) {
      for (let i = 2, scale = 100; i < 5; i++, scale /= 10) {
        const d = s.charCodeAt(i) - 0x30;
        if (!(d >= 0 && d <= 9)) break;
        q += d * scale;
      }
    }
  }
  return Math.min(q, 1000);
}

/** The q= parameter of one Accept-Encoding element (1000 without one). */
function elementQ(v: string, tokenEnd: number): number {
  let i = tokenEnd;
  for (;;) {
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
    if (i >= v.length || v[i] !== ';') return 1000;
    i++;
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
    if (i >= v.length) return 1000;
    if (v.startsWith('q=', i)) return qvalue(v.slice(i + 2));
    while (i < v.length && v[i] !== ';') i++;
  }
}

/**
 * The algorithm for this request, or null. `headers` are the request's
 * fields as the rules left them.
 */
export function chooseAlgorithm(c: EffectiveCompression, headers: readonly string[]): CompressionAlgo | null {
  let ua: string | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.length === 10 && headers[i]!.toLowerCase() === 'user-agent') {
      ua = headers[i + 1];
      break;
    }
  }
  if (brokenAgent(ua)) return null;
  const algos = c.algos;
  let best: CompressionAlgo | null = null;
  let bestQ = 0;
  for (const v of fieldValues(headers, 'accept-encoding')) {
    let t = 0;
    while (t < v.length && TOKEN[v.charCodeAt(t)] === 1) t++;
    const q = elementQ(v, t);
    if (q <= bestQ) continue;
    const token = v.slice(0, t).toLowerCase();
    // The last configured algorithm is tried first, as in HAProxy's list.
    for (let k = algos.length - 1; k >= 0; k--) {
      if (v.charCodeAt(0) === 0x2a || token === codingName(algos[k]!)) {
        best = algos[k]!;
        bestQ = q;
        break;
      }
    }
  }
  if (best !== null) return best;
  return algos.includes('identity') ? 'identity' : null;
}
