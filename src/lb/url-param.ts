// `balance url_param NAME`: the value of query-string parameter NAME is the
// key, as HAProxy's get_server_ph finds it: the first `NAME=` at the start of
// a parameter after the `?` (case-sensitive), its value running to the next
// `&` or the end. An empty value is still a key (HAProxy hashes it); no `?`
// or no such parameter means no key. `check_post` (body lookup) is not done.

import type { HashType } from '../config/model.ts';
import type { PickInput } from './index.ts';
import type { KeyHasher } from './hash-balancer.ts';
import { avalanche, hashFunction, type StringHash } from './hash.ts';

/** Where the value of `param` starts in `uri`, -1 when the parameter is absent. */
export function paramValueStart(uri: string, param: string): number {
  const q = uri.indexOf('?');
  if (q < 0) return -1;
  const plen = param.length;
  const n = uri.length;
  let p = q + 1;
  while (n - p > plen) {
    if (uri.charCodeAt(p + plen) === 61 && uri.startsWith(param, p)) return p + plen + 1;
    const amp = uri.indexOf('&', p);
    if (amp < 0) return -1;
    p = amp + 1;
  }
  return -1;
}

export class UrlParamKey implements KeyHasher {
  readonly #param: string;
  readonly #fn: StringHash;
  readonly #avalanche: boolean;

  constructor(param: string, hashType: HashType) {
    this.#param = param;
    this.#fn = hashFunction(hashType.function);
    this.#avalanche = hashType.avalanche;
  }

  hash(input: PickInput): number {
    const uri = input.uri;
    if (uri === undefined) return -1;
    const start = paramValueStart(uri, this.#param);
    if (start < 0) return -1;
    let end = uri.indexOf('&', start);
    if (end < 0) end = uri.length;
    const h = this.#fn(uri, start, end);
    return this.#avalanche ? avalanche(h) : h;
  }
}
