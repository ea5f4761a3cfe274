// Authentication against `userlist` sections: crypt(3) hashes computed in
// TypeScript, Basic credentials, and the per-userlist checker the http_auth
// fetches and `http-request auth` use.

export { md5Crypt, shaCrypt, SHA_ROUNDS_DEFAULT } from './sha-crypt.ts';
export { authorizationOf, parseBasicCredentials, type Credentials } from './basic-credentials.ts';
export { cryptSupported, UserlistAuth, type AuthUser } from './userlist-auth.ts';
