// `balance uri [len N] [depth N] [whole] [path-only]`: the request target is
// the key, as HAProxy's get_server_uh reads it: up to the `?` unless
// `whole`; at most `len` characters; at most `depth` directory levels (the
// hash stops before the (depth+1)-th slash); from the path's first `/` on
// with `path-only`, which drops the scheme and authority of absolute URIs.

import type { HashType } from '../config/model.ts';
import type { PickInput } from './index.ts';
import type { KeyHasher } from './hash-balancer.ts';
import { avalanche, hashFunction, type StringHash } from './hash.ts';

export interface UriOptions {
  whole: boolean;
  len?: number;
  depth?: number;
  pathOnly: boolean;
}

/**
 * Where the path of `uri` starts (HAProxy's http_parse_path), or uri.length
 * when it has none (`*`, authority form, `http://host`).
 */
export function pathStart(uri: string): number {
  const n = uri.length;
  if (n === 0) return 0;
  const c0 = uri.charCodeAt(0);
  if (c0 === 47) return 0;
  if (!isAlpha(c0)) return n;
  let i = 1;
  while (i < n && isSchemeChar(uri.charCodeAt(i))) i++;
  if (i + 2 >= n || uri.charCodeAt(i) !== 58 || uri.charCodeAt(i + 1) !== 47 || uri.charCodeAt(i + 2) !== 47) return n;
  const slash = uri.indexOf('/', i + 3);
  return slash < 0 ? n : slash;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

export class UriKey implements KeyHasher {
  readonly #fn: StringHash;
  readonly #avalanche: boolean;
  readonly #whole: boolean;
  readonly #len: number;
  /** The slash that ends the key (depth + 1), 0 for no limit. */
  readonly #endSlash: number;
  readonly #pathOnly: boolean;

  constructor(opts: UriOptions, hashType: HashType) {
    this.#fn = hashFunction(hashType.function);
    this.#avalanche = hashType.avalanche;
    this.#whole = opts.whole;
    this.#len = opts.len ?? 0;
    this.#endSlash = opts.depth !== undefined && opts.depth > 0 ? opts.depth + 1 : 0;
    this.#pathOnly = opts.pathOnly;
  }

  hash(input: PickInput): number {
    const uri = input.uri;
    if (uri === undefined) return -1;
    const start = this.#pathOnly ? pathStart(uri) : 0;
    let limit = uri.length;
    if (this.#len > 0 && start + this.#len < limit) limit = start + this.#len;
    const whole = this.#whole;
    const endSlash = this.#endSlash;
    let slashes = 0;
    let end = start;
    for (; end < limit; end++) {
      const c = uri.charCodeAt(end);
      if (c === 47) {
        if (++slashes === endSlash) break;
      } else if (c === 63 && !whole) {
        break;
      }
    }
    const h = this.#fn(uri, start, end);
    return this.#avalanche ? avalanche(h) : h;
  }
}
