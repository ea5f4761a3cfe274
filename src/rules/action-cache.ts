// `http-request cache-use NAME` and `http-response cache-store NAME`: hand
// the request (to be answered from cache NAME if it holds it) or the
// response (to be stored there) to the session's cache glue. The rule set
// goes on either way, as in HAProxy: later rules still run, and a hit is
// served once the request rules are done.

import { ACT_CONTINUE, type Action, type ActionKeyword, type ActionParse, type ActResult, RS_HTTP_REQUEST, RS_HTTP_RESPONSE, type RuleHost } from './action.ts';
import type { RuleError } from './errors.ts';

export class CacheAction implements Action {
  /** The `cache` section's name. */
  readonly cache: string;
  /** cache-store (else cache-use). */
  readonly store: boolean;
  /** The proxy whose rule this is, and whether it is a backend (not a listen, not a frontend). */
  readonly proxy: string;
  readonly inBackend: boolean;

  constructor(cache: string, store: boolean, proxy: string, inBackend: boolean) {
    this.cache = cache;
    this.store = store;
    this.proxy = proxy;
    this.inBackend = inBackend;
  }

  run(host: RuleHost): ActResult {
    host.cacheAction?.(this);
    return ACT_CONTINUE;
  }
}

function parseCacheRule(p: ActionParse, store: boolean): Action | RuleError {
  const name = p.args[0];
  if (name === undefined || name === '') return p.fail('expects a cache name.');
  if (p.args.length > 1) return p.fail(`unexpected argument '${p.args[1]}'; expects either 'if' or 'unless' followed by a condition.`);
  return new CacheAction(name, store, p.proxy.name, p.proxy.kind === 'backend');
}

export const CACHE_USE: ActionKeyword = { name: 'cache-use', sets: RS_HTTP_REQUEST, parse: (p) => parseCacheRule(p, false) };
export const CACHE_STORE: ActionKeyword = { name: 'cache-store', sets: RS_HTTP_RESPONSE, parse: (p) => parseCacheRule(p, true) };
