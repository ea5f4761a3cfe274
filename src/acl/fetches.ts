// The fetch table: every sample fetch keyword Hawser knows (layer 4,
// internal, HTTP), and HAProxy's ACL-only keywords (path_beg, hdr_sub,
// url_reg...) which are a fetch plus a default match method. In an ACL an
// ACL keyword wins over a fetch of the same name (`hdr` is then always the
// request's), as in HAProxy.

import type { FetchDef } from './keyword.ts';
import { AUTH_FETCHES } from './fetches-auth.ts';
import { HTTP_FETCHES } from './fetches-http.ts';
import { INTERNAL_FETCHES } from './fetches-internal.ts';
import { L4_FETCHES } from './fetches-l4.ts';
import { PAYLOAD_FETCHES } from './fetches-payload.ts';
import { STICK_FETCHES } from './fetches-stick.ts';
import { SSL_FETCHES } from './fetches-ssl.ts';
import { SSL_HELLO_FETCHES } from './fetches-ssl-hello.ts';
import type { MatchMethod } from './patterns.ts';

export const FETCHES: readonly FetchDef[] = [...L4_FETCHES, ...INTERNAL_FETCHES, ...HTTP_FETCHES, ...PAYLOAD_FETCHES, ...SSL_FETCHES, ...SSL_HELLO_FETCHES, ...STICK_FETCHES, ...AUTH_FETCHES];

const BY_NAME = new Map(FETCHES.map((f) => [f.name, f]));

export function findFetch(name: string): FetchDef | undefined {
  return BY_NAME.get(name);
}

/** An ACL keyword: `fetch` with `match` as its default method. */
export interface AclKeyword {
  readonly name: string;
  readonly fetch: string;
  readonly match: MatchMethod;
}

const SUFFIXES: readonly [string, MatchMethod][] = [
  ['', 'str'],
  ['_beg', 'beg'],
  ['_dir', 'dir'],
  ['_dom', 'dom'],
  ['_end', 'end'],
  ['_len', 'len'],
  ['_reg', 'reg'],
  ['_sub', 'sub'],
];

function family(prefix: string, fetch: string): AclKeyword[] {
  return SUFFIXES.map(([s, m]) => ({ name: prefix + s, fetch, match: m }));
}

export const ACL_KEYWORDS: readonly AclKeyword[] = [
  ...family('base', 'base'),
  ...family('cook', 'req.cook'),
  ...family('hdr', 'req.hdr'),
  { name: 'method', fetch: 'method', match: 'meth' },
  ...family('path', 'path'),
  { name: 'req_ver', fetch: 'req.ver', match: 'str' },
  { name: 'resp_ver', fetch: 'res.ver', match: 'str' },
  ...family('scook', 'res.cook'),
  ...family('shdr', 'res.hdr'),
  ...family('url', 'url'),
  ...family('urlp', 'urlp'),
  { name: 'ssl_fc_sni_end', fetch: 'ssl_fc_sni', match: 'end' },
  { name: 'ssl_fc_sni_reg', fetch: 'ssl_fc_sni', match: 'reg' },
];

const ACL_BY_NAME = new Map(ACL_KEYWORDS.map((k) => [k.name, k]));

export function findAclKeyword(name: string): AclKeyword | undefined {
  return ACL_BY_NAME.get(name);
}

/** Every name usable as the first word of an ACL (for "did you mean"). */
export function* criterionNames(): IterableIterator<string> {
  yield* ACL_BY_NAME.keys();
  yield* BY_NAME.keys();
}

export function* fetchNames(): IterableIterator<string> {
  yield* BY_NAME.keys();
}
