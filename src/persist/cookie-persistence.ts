// Cookie persistence (`cookie NAME insert|rewrite|prefix ...`), with
// HAProxy 2.6's behaviour byte for byte: on the request, the Cookie fields
// are read for NAME=SRV (NAME=SRV~VALUE in prefix mode, NAME=SRV|DATES with
// maxidle/maxlife), the server whose `cookie` is SRV is chosen when it runs
// (or with `option persist` / force-persist), and the cookie is stripped
// (insert indirect) or unprefixed (prefix) before the server sees it; on the
// response, the server's own Set-Cookie NAME is deleted, rewritten or
// prefixed, and a Set-Cookie is inserted when the client did not come with
// a valid one. Both sides also capture `capture cookie` values for the log.
//
// The header walk ports HAProxy's pointer logic (http_ana.c) to string
// slices so that what the server and the client receive is the same text.
// Pure: the date comes in as an argument; headers are the parsed head's flat
// [name, value, ...] array, edited in place.

import { cookieSettings, type CookieSettings } from '../config/index.ts';
import { CookiePair, nextCookiePair } from '../http/index.ts';
import { b64ToS30, cookieDate } from './cookie-dates.ts';

/** What persistence needs of a server. */
export interface CookieServer {
  /** Its `cookie VALUE`, undefined when it has none. */
  readonly cookie: string | undefined;
  /** Not stopped: UP or draining (HAProxy's cur_state != SRV_ST_STOPPED). */
  readonly running: boolean;
}

/** The cookie facts of one transaction (the session's Txn holds them). */
export interface CookieState {
  /** The 3rd and 4th characters of %tsc: N I D V E O U (request), N P D I R U (response). */
  ckClient: string;
  ckServer: string;
  /** The request went to the server its cookie named (HAProxy's SF_DIRECT). */
  direct: boolean;
  /** Dates read from the cookie (seconds, 0: none). */
  cookieFirst: number;
  cookieLast: number;
  /** `capture cookie`: "NAME=value" seen in the request and in the response ('' none). */
  capturedRequestCookie: string;
  capturedResponseCookie: string;
}

/** `capture cookie NAME len N` of the frontend. */
export interface CookieCapture {
  readonly name: string;
  readonly len: number;
}

function isSpHt(c: number): boolean {
  return c === 32 || c === 9;
}

function sameName(a: string, lower: string): boolean {
  return a.length === lower.length && a.toLowerCase() === lower;
}

/**
 * HAProxy's http_del_hdr_value on v[0, end): removes v[from, next) and
 * keeps the separators tidy. Returns the new text; `out` gets the new
 * `from` and the length change.
 */
function delHdrValue(v: string, end: number, from: number, next: number, out: { from: number; delta: number }): string {
  let prev = from;
  let head: string;
  if (prev === 0) {
    if (next < end) next++;
    while (next < end && isSpHt(v.charCodeAt(next))) next++;
    head = '';
  } else {
    while (isSpHt(v.charCodeAt(prev - 1))) prev--;
    from = prev;
    head = v.slice(0, prev);
    if (next < end) {
      head += v[next];
      prev++;
      next++;
      if (prev + 1 < next) {
        head += v[next];
        prev++;
        next++;
      }
      while (next < end && isSpHt(v.charCodeAt(next))) next++;
    }
  }
  out.from = from;
  out.delta = prev - next;
  return head + v.slice(next);
}

const EXPIRED = '; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/';

/** Settings of an instance that only captures (`new CookiePersistence(null, [])`). */
const CAPTURE_ONLY = cookieSettings('', { file: '', line: 0 });

export class CookiePersistence<S extends CookieServer> {
  /** The cookie's name; null for a frontend that only captures cookies (`capture cookie`). */
  readonly name: string | null;
  readonly settings: CookieSettings;
  private readonly servers: readonly S[];
  private readonly insert: boolean;
  private readonly prefix: boolean;
  private readonly rewrite: boolean;
  /** Logged in %tsc (HAProxy's PR_CK_ANY): false for a passive cookie. */
  readonly logged: boolean;
  /** "; domain=a; domain=b; HttpOnly; Secure; attr..." appended to inserted cookies. */
  private readonly suffix: string;
  private readonly del = { from: 0, delta: 0 };
  private readonly pair = new CookiePair();

  constructor(cookie: CookieSettings | null, servers: readonly S[]) {
    const settings = cookie ?? CAPTURE_ONLY;
    this.name = cookie === null ? null : settings.name;
    this.settings = settings;
    this.servers = servers;
    this.insert = settings.mode === 'insert';
    this.prefix = settings.mode === 'prefix';
    this.rewrite = settings.mode === 'rewrite';
    this.logged = settings.mode !== 'passive' || settings.indirect;
    let suffix = '';
    if (settings.domains.length > 0) suffix += '; domain=' + settings.domains.join('; domain=');
    if (settings.httponly) suffix += '; HttpOnly';
    if (settings.secure) suffix += '; Secure';
    if (settings.attrs.length > 0) suffix += '; ' + settings.attrs.join('; ');
    this.suffix = suffix;
  }

  /**
   * The request side. `force` / `ignore`: a force-persist or ignore-persist
   * rule matched; `persist`: `option persist`. Edits the Cookie fields of
   * `headers` in place and returns the server the cookie designates, or
   * null (no cookie, unknown value, stopped server, expired cookie...).
   */
  request(headers: string[], st: CookieState, nowSec: number, force: boolean, ignore: boolean, persist: boolean, capture: CookieCapture | null): S | null {
    let chosen: S | null = null;
    for (let i = 0; i < headers.length; i += 2) {
      if (!sameName(headers[i]!, 'cookie')) continue;
      const r = this.clientCookies(headers[i + 1]!, st, nowSec, force, ignore, persist, capture, chosen);
      chosen = r.server;
      if (r.value === null) {
        headers.splice(i, 2);
        i -= 2;
      } else {
        headers[i + 1] = r.value;
      }
    }
    return chosen;
  }

  /** One Cookie field: HAProxy's http_manage_client_side_cookies loop. `value` null: remove the field. */
  private clientCookies(
    value: string,
    st: CookieState,
    nowSec: number,
    force: boolean,
    ignore: boolean,
    persist: boolean,
    capture: CookieCapture | null,
    assigned: S | null,
  ): { value: string | null; server: S | null } {
    let v = value;
    let hdrEnd = v.length;
    let delFrom = -1;
    let preserve = false;
    let first = true;
    let server = assigned;
    const name = this.name;
    const del = this.del;
    const pair = this.pair;
    for (let prev = 0, next = 0; prev < hdrEnd; prev = next) {
      nextCookiePair(v, first ? prev : prev + 1, hdrEnd, true, pair);
      first = false;
      next = pair.next;
      if (pair.reserved) continue;
      const attBeg = pair.attBeg;
      const attEnd = pair.attEnd;
      let equal = pair.equal;
      let valBeg = pair.valBeg;
      let valEnd = pair.valEnd;
      // a pair without '=' is not our cookie: kept, like any other (the else below)
      const named = equal !== next;
      if (named) {
        // spaces around '=' are removed, as HAProxy does
        if (attEnd !== equal || valBeg > equal + 1) {
          let stripped = 0;
          if (attEnd !== equal) {
            v = v.slice(0, attEnd) + v.slice(equal);
            stripped = attEnd - equal;
            equal += stripped;
            valBeg += stripped;
          }
          if (valBeg > equal + 1) {
            const after = equal + 1 - valBeg;
            v = v.slice(0, equal + 1) + v.slice(valBeg);
            valBeg += after;
            stripped += after;
          }
          valEnd += stripped;
          next += stripped;
          hdrEnd += stripped;
        }
        if (capture !== null && st.capturedRequestCookie === '' && valEnd - attBeg >= capture.name.length && v.startsWith(capture.name, attBeg)) {
          st.capturedRequestCookie = v.slice(attBeg, Math.min(valEnd, attBeg + capture.len));
        }
      }
      if (named && name !== null && attEnd - attBeg === name.length && v.startsWith(name, attBeg)) {
        let delim = valEnd;
        if (this.prefix) {
          const tilde = v.indexOf('~', valBeg);
          delim = tilde >= 0 && tilde < valEnd ? tilde : valEnd;
        } else {
          let bar = v.indexOf('|', valBeg);
          if (bar >= 0 && bar < valEnd) {
            delim = bar++;
            if (valEnd - bar >= 5) {
              const d = b64ToS30(v, bar);
              if (d > 0) st.cookieLast = d * 4;
            }
            const bar2 = v.indexOf('|', bar);
            if (bar2 >= 0 && bar2 < valEnd && valEnd - bar2 > 5) {
              const d = b64ToS30(v, bar2 + 1);
              if (d > 0) st.cookieFirst = d * 4;
            }
          }
        }
        const s = this.settings;
        if (st.cookieFirst !== 0 && s.maxlife !== 0 && (nowSec - st.cookieFirst > s.maxlife || st.cookieFirst - nowSec > 86400)) {
          st.ckClient = 'O';
          delim = valBeg;
          st.cookieFirst = st.cookieLast = 0;
        } else if (st.cookieLast !== 0 && s.maxidle !== 0 && (nowSec - st.cookieLast > s.maxidle || st.cookieLast - nowSec > 86400)) {
          st.ckClient = 'E';
          delim = valBeg;
          st.cookieFirst = st.cookieLast = 0;
        }
        let found: S | null = null;
        if (delim !== valBeg && !ignore && server === null) {
          const id = v.slice(valBeg, delim);
          for (const srv of this.servers) {
            if (srv.cookie !== id) continue;
            if (srv.running || persist || force) {
              st.ckClient = srv.running ? 'V' : 'D';
              found = srv;
              break;
            }
            st.ckClient = 'D';
          }
        }
        if (found !== null) {
          server = found;
          st.direct = true;
        } else if (st.ckClient !== 'D' && st.ckClient !== 'E' && st.ckClient !== 'O') {
          st.ckClient = ignore || server !== null ? 'U' : 'I';
        }
        if (this.prefix && delim !== valEnd) {
          v = v.slice(0, valBeg) + v.slice(delim + 1);
          const delta = valBeg - (delim + 1);
          valEnd += delta;
          next += delta;
          hdrEnd += delta;
          delFrom = -1;
          preserve = true;
        } else if (delFrom < 0 && this.insert && s.indirect) {
          delFrom = prev;
        }
      } else {
        // not our cookie: kept, and a cookie of ours marked for deletion before it goes now
        preserve = true;
        if (delFrom >= 0) {
          v = delHdrValue(v, hdrEnd, delFrom, prev, del);
          next += del.delta;
          hdrEnd += del.delta;
          delFrom = -1;
        }
      }
    }
    if (delFrom >= 0) hdrEnd = preserve ? delFrom : 0;
    if (hdrEnd === 0) return { value: null, server };
    return { value: hdrEnd === v.length ? v : v.slice(0, hdrEnd), server };
  }

  /**
   * The response side (after http-response rules): the server's Set-Cookie
   * NAME is kept, deleted, rewritten or prefixed; then, in insert mode, a
   * Set-Cookie for `server` is added when needed (and `cache-control:
   * private` with nocache). `cacheable`: the request method allows caching.
   */
  response(
    headers: string[],
    st: CookieState,
    server: S | null,
    nowSec: number,
    ignore: boolean,
    isPost: boolean,
    cacheable: boolean,
    status: number,
    capture: CookieCapture | null,
  ): void {
    const s = this.settings;
    for (let i = 0; i < headers.length; i += 2) {
      if (!sameName(headers[i]!, 'set-cookie')) continue;
      const v = headers[i + 1]!;
      const r = this.serverCookie(v, st, server, ignore, capture);
      if (r === null) {
        headers.splice(i, 2);
        i -= 2;
      } else if (r !== v) {
        headers[i + 1] = r;
      }
    }
    const insert =
      server !== null &&
      this.insert &&
      !(st.ckServer === 'P' && s.preserve) &&
      (!st.direct ||
        ((s.maxidle !== 0 || st.cookieLast !== 0) && (st.cookieLast === 0 || st.cookieLast - nowSec < 0)) ||
        (s.maxlife !== 0 && st.cookieFirst === 0) ||
        (s.maxlife === 0 && st.cookieFirst !== 0)) &&
      (!s.postonly || isPost) &&
      !ignore;
    if (!insert) return;
    let value: string;
    if (server!.cookie === undefined) {
      value = s.name + '=' + EXPIRED;
    } else {
      value = s.name + '=' + server!.cookie;
      if (s.maxidle !== 0 || s.maxlife !== 0) {
        value += '|' + cookieDate(nowSec);
        if (s.maxlife !== 0) value += '|' + (st.cookieFirst !== 0 ? cookieDate(st.cookieFirst - 3) : cookieDate(nowSec));
      }
      value += '; path=/';
    }
    headers.push('set-cookie', value + this.suffix);
    st.ckServer = server!.cookie !== undefined && st.direct ? 'U' : 'I';
    if (s.nocache && cacheable && responseCacheable(headers, status)) headers.push('cache-control', 'private');
  }

  /** One Set-Cookie field: its first NAME=VALUE pair only (HAProxy). Returns the new text, or null to remove it. */
  private serverCookie(v: string, st: CookieState, server: S | null, ignore: boolean, capture: CookieCapture | null): string | null {
    const pair = this.pair;
    nextCookiePair(v, 0, v.length, false, pair);
    if (pair.equal === pair.next) return v;
    const attBeg = pair.attBeg;
    const attEnd = pair.attEnd;
    const equal = pair.equal;
    let valBeg = pair.valBeg;
    let valEnd = pair.valEnd;
    let out = v;
    if (attEnd !== equal || valBeg > equal + 1) {
      out = v.slice(0, attEnd) + '=' + v.slice(valBeg);
      const shift = valBeg - (attEnd + 1);
      valBeg -= shift;
      valEnd -= shift;
    }
    if (capture !== null && st.capturedResponseCookie === '' && valEnd - attBeg >= capture.name.length && out.startsWith(capture.name, attBeg)) {
      st.capturedResponseCookie = out.slice(attBeg, Math.min(valEnd, attBeg + capture.len));
    }
    const name = this.name;
    if (ignore || name === null || attEnd - attBeg !== name.length || !out.startsWith(name, attBeg)) return out;
    st.ckServer = 'P';
    const s = this.settings;
    if (s.preserve) return out;
    if ((server !== null && this.insert) || (st.direct && s.indirect)) {
      st.ckServer = 'D';
      return null;
    }
    if (server !== null && server.cookie !== undefined && this.rewrite) {
      st.ckServer = 'R';
      return out.slice(0, valBeg) + server.cookie + out.slice(valEnd);
    }
    if (server !== null && server.cookie !== undefined && this.prefix) {
      st.ckServer = 'R';
      return out.slice(0, valBeg) + server.cookie + '~' + out.slice(valBeg);
    }
    return out;
  }
}

/**
 * HAProxy's http_check_response_for_cacheability, as far as `nocache` needs
 * it: a response with neither an expiration time (max-age, s-maxage,
 * Expires) nor a validator (ETag, Last-Modified) is not one a cache would
 * keep, and haproxy 2.6 adds no `Cache-Control: private` to it.
 */
function responseCacheable(h: readonly string[], status: number): boolean {
  if (status < 200) return false;
  let cacheable = true;
  let lifetime = false;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i]!;
    if (sameName(n, 'pragma')) {
      if (h[i + 1]!.trim().toLowerCase() === 'no-cache') return false;
    } else if (sameName(n, 'cache-control')) {
      for (const part of h[i + 1]!.split(',')) {
        const p = part.trim().toLowerCase();
        if (p === 'public') cacheable = true;
        else if (p === 'private' || p === 'no-cache' || p === 'no-store' || p === 'max-age=0' || p === 's-maxage=0') cacheable = false;
        else if (p.startsWith('max-age') || p.startsWith('s-maxage')) lifetime = true;
      }
    } else if (sameName(n, 'expires') || sameName(n, 'etag') || sameName(n, 'last-modified')) {
      lifetime = true;
    }
  }
  return cacheable && lifetime;
}
