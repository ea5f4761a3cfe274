// `balance hdr(NAME) [use_domain_only]`: the value of request header NAME is
// the key; as HAProxy reads it, only its first comma-separated element,
// without surrounding blanks. A missing or empty value means no key. With
// `use_domain_only`, only the label before the last dot is hashed
// ("haproxy.1wt.eu" hashes "1wt"; a value without such a dot is hashed whole).

import type { HashType } from '../config/model.ts';
import type { PickInput } from './index.ts';
import type { KeyHasher } from './hash-balancer.ts';
import { avalanche, hashFunction, type StringHash } from './hash.ts';

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

export class HdrKey implements KeyHasher {
  readonly #name: string;
  readonly #domainOnly: boolean;
  readonly #fn: StringHash;
  readonly #avalanche: boolean;

  constructor(name: string, domainOnly: boolean, hashType: HashType) {
    this.#name = name;
    this.#domainOnly = domainOnly;
    this.#fn = hashFunction(hashType.function);
    this.#avalanche = hashType.avalanche;
  }

  hash(input: PickInput): number {
    const value = input.header?.(this.#name);
    if (value === undefined) return -1;
    let start = 0;
    let end = value.indexOf(',');
    if (end < 0) end = value.length;
    while (start < end && isBlank(value.charCodeAt(start))) start++;
    while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
    if (start === end) return -1;
    if (this.#domainOnly) {
      // The last dot not at the value's first character ends the label; the
      // label starts after the dot before it, which must leave it one
      // character at least.
      const dot = value.lastIndexOf('.', end - 1);
      if (dot > start) {
        const before = dot - 2 >= start ? value.lastIndexOf('.', dot - 2) : -1;
        start = before >= start ? before + 1 : start;
        end = dot;
      }
    }
    const h = this.#fn(value, start, end);
    return this.#avalanche ? avalanche(h) : h;
  }
}
