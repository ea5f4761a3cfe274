// Cookie persistence on requests and responses described by the test: which
// server a cookie designates, what the server and the client then see, and
// the two characters HAProxy logs for it.

import test from 'ava';
import { cookieSettings, type CookieSettings } from '../../../src/config/index.ts';
import { b64ToS30, cookieDate, CookiePersistence, type CookieState, s30ToB64 } from '../../../src/persist/index.ts';

interface Srv {
  name: string;
  cookie: string | undefined;
  running: boolean;
}

const servers: Srv[] = [
  { name: 's1', cookie: 's1', running: true },
  { name: 's2', cookie: 's2', running: true },
  { name: 'down', cookie: 'down', running: false },
  { name: 'spare', cookie: undefined, running: true },
];

function settings(mode: CookieSettings['mode'], extra: Partial<CookieSettings> = {}, name = 'SERVERID'): CookieSettings {
  return { ...cookieSettings(name, { file: 't', line: 1 }), mode, ...extra };
}

function state(): CookieState {
  return { ckClient: 'N', ckServer: 'N', direct: false, cookieFirst: 0, cookieLast: 0, capturedRequestCookie: '', capturedResponseCookie: '' };
}

const NOW = 1_700_000_000;

test('insert indirect nocache: a new client gets the cookie, a returning one goes back and the server never sees it', (t) => {
  const ck = new CookiePersistence(settings('insert', { indirect: true, nocache: true }), servers);
  // first visit
  let st = state();
  let req = ['Host', 'x', 'Cookie', 'lang=fr'];
  t.is(ck.request(req, st, NOW, false, false, false, null), null);
  t.deepEqual(req, ['Host', 'x', 'Cookie', 'lang=fr']);
  let res = ['Content-Type', 'text/html', 'ETag', '"v1"'];
  ck.response(res, st, servers[1]!, NOW, false, false, true, 200, null);
  t.deepEqual(res, ['Content-Type', 'text/html', 'ETag', '"v1"', 'set-cookie', 'SERVERID=s2; path=/', 'cache-control', 'private']);
  // nothing a cache would keep (no lifetime, no validator): haproxy 2.6 adds no private
  const plain = ['Content-Type', 'text/html'];
  ck.response(plain, state(), servers[1]!, NOW, false, false, true, 200, null);
  t.deepEqual(plain, ['Content-Type', 'text/html', 'set-cookie', 'SERVERID=s2; path=/']);
  t.is(st.ckClient + st.ckServer, 'NI');
  // back with the cookie, among others: it goes to s2 and is stripped
  st = state();
  req = ['Cookie', 'a=1; SERVERID=s2; b=2'];
  t.is(ck.request(req, st, NOW, false, false, false, null)?.name, 's2');
  t.deepEqual(req, ['Cookie', 'a=1; b=2']);
  res = ['Set-Cookie', 'SERVERID=forged; path=/', 'Set-Cookie', 'sess=9'];
  ck.response(res, st, servers[1]!, NOW, false, false, true, 200, null);
  t.deepEqual(res, ['Set-Cookie', 'sess=9'], "the server's own SERVERID is deleted, no new one is needed");
  t.is(st.ckClient + st.ckServer, 'VD');
  // a second occurrence comes after the choice is made: HAProxy calls it unused
  const twice = state();
  const both = ['Cookie', 'SERVERID=s2', 'Cookie', 'SERVERID=s1'];
  t.is(ck.request(both, twice, NOW, false, false, false, null)?.name, 's2');
  t.deepEqual([both, twice.ckClient], [[], 'U']);
  // deletions at the start and at the end of a field keep it tidy
  for (const [before, after] of [
    ['SERVERID=s1; a=1', 'a=1'],
    ['a=1;SERVERID=s1', 'a=1'],
    ['a = 1 ; SERVERID=s1 ; b=2', 'a=1; b=2'],
  ] as const) {
    const h = ['Cookie', before];
    ck.request(h, state(), NOW, false, false, false, null);
    t.deepEqual(h, ['Cookie', after], before);
  }
});

test('a cookie for a stopped server: balanced elsewhere (D), or kept with option persist / force-persist; unknown: I; ignore-persist: U', (t) => {
  const ck = new CookiePersistence(settings('insert'), servers);
  let st = state();
  t.is(ck.request(['Cookie', 'SERVERID=down'], st, NOW, false, false, false, null), null);
  t.is(st.ckClient, 'D');
  ck.response([], st, servers[0]!, NOW, false, false, false, 200, null);
  t.is(st.ckServer, 'I', 'redispatched: the cookie follows the new server');
  st = state();
  t.is(ck.request(['Cookie', 'SERVERID=down'], st, NOW, false, false, true, null)?.name, 'down');
  t.deepEqual([st.ckClient, st.direct], ['D', true]);
  t.is(ck.request(['Cookie', 'SERVERID=down'], state(), NOW, true, false, false, null)?.name, 'down');
  st = state();
  t.is(ck.request(['Cookie', 'SERVERID=nope'], st, NOW, false, false, false, null), null);
  t.is(st.ckClient, 'I');
  st = state();
  t.is(ck.request(['Cookie', 'SERVERID=s1'], st, NOW, false, true, false, null), null);
  t.is(st.ckClient, 'U');
  const res: string[] = [];
  ck.response(res, st, servers[0]!, NOW, true, false, false, 200, null);
  t.deepEqual(res, [], 'nothing inserted when persistence is ignored');
  // a server without a cookie value makes the client forget its cookie
  const spare: string[] = [];
  ck.response(spare, state(), servers[3]!, NOW, false, false, false, 200, null);
  t.deepEqual(spare, ['set-cookie', 'SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/']);
});

test('prefix mode: JSESSIONID=foo becomes JSESSIONID=tomcat1~foo towards the client and back', (t) => {
  const tomcats = [
    { name: 'tomcat1', cookie: 'tomcat1', running: true },
    { name: 'tomcat2', cookie: 'tomcat2', running: true },
  ];
  const ck = new CookiePersistence(settings('prefix', {}, 'JSESSIONID'), tomcats);
  const st = state();
  const res = ['Set-Cookie', 'JSESSIONID=foo; Path=/app; HttpOnly'];
  ck.response(res, st, tomcats[0]!, NOW, false, false, true, 200, null);
  t.deepEqual(res, ['Set-Cookie', 'JSESSIONID=tomcat1~foo; Path=/app; HttpOnly']);
  t.is(st.ckServer, 'R');
  const back = state();
  const req = ['Cookie', 'theme=dark; JSESSIONID=tomcat1~foo'];
  t.is(ck.request(req, back, NOW, false, false, false, null)?.name, 'tomcat1');
  t.deepEqual(req, ['Cookie', 'theme=dark; JSESSIONID=foo']);
  t.is(back.ckClient, 'V');
});

test('rewrite, passive, postonly, preserve, attributes', (t) => {
  const rw = new CookiePersistence(settings('rewrite'), servers);
  const res = ['Set-Cookie', 'SERVERID=app-set; path=/'];
  rw.response(res, state(), servers[0]!, NOW, false, false, true, 200, null);
  t.deepEqual(res, ['Set-Cookie', 'SERVERID=s1; path=/']);
  const passive = new CookiePersistence(settings('passive'), servers);
  t.false(passive.logged);
  const pst = state();
  t.is(passive.request(['Cookie', 'SERVERID=s2'], pst, NOW, false, false, false, null)?.name, 's2');
  const pres = ['Set-Cookie', 'SERVERID=xyz'];
  passive.response(pres, pst, servers[1]!, NOW, false, false, true, 200, null);
  t.deepEqual(pres, ['Set-Cookie', 'SERVERID=xyz']);
  t.is(pst.ckServer, 'P');
  const post = new CookiePersistence(settings('insert', { postonly: true, httponly: true, secure: true, domains: ['.example.com'], attrs: ['SameSite=Lax'] }), servers);
  const get: string[] = [];
  post.response(get, state(), servers[0]!, NOW, false, false, true, 200, null);
  t.deepEqual(get, []);
  const p: string[] = [];
  post.response(p, state(), servers[0]!, NOW, false, true, false, 200, null);
  t.deepEqual(p, ['set-cookie', 'SERVERID=s1; path=/; domain=.example.com; HttpOnly; Secure; SameSite=Lax']);
  const keep = new CookiePersistence(settings('insert', { preserve: true }), servers);
  const kres = ['Set-Cookie', 'SERVERID=s1; Max-Age=0'];
  keep.response(kres, state(), servers[0]!, NOW, false, false, true, 200, null);
  t.deepEqual(kres, ['Set-Cookie', 'SERVERID=s1; Max-Age=0'], 'preserve: the server may clear its cookie');
});

test('maxidle / maxlife: dates in the cookie, stale cookies ignored (E, O), fresh ones refreshed', (t) => {
  t.is(b64ToS30(s30ToB64(123456789), 0), 123456789);
  const ck = new CookiePersistence(settings('insert', { maxidle: 600, maxlife: 3600 }), servers);
  const res: string[] = [];
  ck.response(res, state(), servers[0]!, NOW, false, false, false, 200, null);
  const d = cookieDate(NOW);
  t.deepEqual(res, ['set-cookie', `SERVERID=s1|${d}|${d}; path=/`]);
  const fresh = state();
  t.is(ck.request(['Cookie', `SERVERID=s1|${d}|${d}`], fresh, NOW + 60, false, false, false, null)?.name, 's1');
  t.is(fresh.ckClient, 'V');
  const refreshed: string[] = [];
  ck.response(refreshed, fresh, servers[0]!, NOW + 60, false, false, false, 200, null);
  t.deepEqual(refreshed, ['set-cookie', `SERVERID=s1|${cookieDate(NOW + 60)}|${d}; path=/`], 'last-seen refreshed, first-seen kept');
  t.is(fresh.ckServer, 'U');
  const idle = state();
  t.is(ck.request(['Cookie', `SERVERID=s1|${d}|${d}`], idle, NOW + 700, false, false, false, null), null);
  t.is(idle.ckClient, 'E');
  const old = state();
  t.is(ck.request(['Cookie', `SERVERID=s1|${cookieDate(NOW + 3590)}|${d}`], old, NOW + 3700, false, false, false, null), null);
  t.is(old.ckClient, 'O');
});

test('capture cookie: the first NAME=value of each side, truncated', (t) => {
  const ck = new CookiePersistence(null, []);
  const st = state();
  ck.request(['Cookie', 'a=1; PHPSESSID=abcdef0123'], st, NOW, false, false, false, { name: 'PHPSESSID', len: 14 });
  ck.response(['Set-Cookie', 'PHPSESSID=zz; path=/'], st, null, NOW, false, false, true, 200, { name: 'PHPSESSID', len: 14 });
  t.deepEqual([st.capturedRequestCookie, st.capturedResponseCookie], ['PHPSESSID=abcd', 'PHPSESSID=zz']);
});

test('a $attribute and a bare word are not cookies: the walk goes on after them, they stay, ours is removed', (t) => {
  const ck = new CookiePersistence(settings('insert', { indirect: true }), servers);
  const st = state();
  const req = ['Cookie', '$SERVERID=s2; lang; SERVERID=s1; x=y'];
  t.is(ck.request(req, st, NOW, false, false, false, { name: 'SERVERID', len: 20 }), servers[0]!);
  t.deepEqual(req, ['Cookie', '$SERVERID=s2; lang; x=y']);
  t.is(st.capturedRequestCookie, 'SERVERID=s1');
  t.is(st.ckClient, 'V');
});
