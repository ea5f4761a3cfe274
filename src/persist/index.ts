// Session persistence: which server a client keeps going to. Cookie
// persistence (`cookie NAME insert|rewrite|prefix ...`, server `cookie V`)
// is here; stick tables live in src/stick.
//
//   const ck = new CookiePersistence(backendConfig.cookie, runtimeServers);
//   const srv = ck.request(req.headers, txn, nowSec, force, ignore, persist, capture); // null: balance
//   ...after http-response rules:
//   ck.response(res.headers, txn, server, nowSec, ignore, method === 'POST', cacheable, status, capture);

export { CookiePersistence, type CookieServer, type CookieState, type CookieCapture } from './cookie-persistence.ts';
export { s30ToB64, b64ToS30, cookieDate } from './cookie-dates.ts';
