// Which certificate answers a TLS ClientHello's server name, with HAProxy
// 2.6's rules (ssl_sock_switchctx_cbk): names are matched lowercased, exact
// names and wildcards (`*.example.com` covers one label: www.example.com,
// not a.www.example.com) both give candidates, the first entry of each key
// type wins (exact names before wildcards), and a negative filter on a
// crt-list line (`!secure.example.com`) removes that name from the line's
// wildcards. No match: the bind's default (first) certificate. Pure.

export type KeyKind = 'ecdsa' | 'rsa' | 'other';

/** Entry indexes (-1: none) of the first ECDSA, RSA and other certificate found. */
export interface SniCandidates {
  ecdsa: number;
  rsa: number;
  other: number;
}

interface Node {
  entry: number;
  kind: KeyKind;
}

export class SniTable {
  private readonly exact = new Map<string, Node[]>();
  /** Keyed by the name after its `*`: `.example.com`. */
  private readonly wild = new Map<string, Node[]>();
  /** Per entry: the names excluded from its wildcards. */
  private readonly negatives = new Map<number, Set<string>>();

  /**
   * Registers `entry` for `names` (`*.` wildcards allowed); `negatives` are
   * the `!name` filters of the same crt-list line (`!*` is a no-op).
   */
  add(entry: number, kind: KeyKind, names: readonly string[], negatives: readonly string[] = []): void {
    for (const raw of names) {
      const name = raw.toLowerCase();
      if (name === '' || name === '*') continue;
      const wildcard = name.startsWith('*.');
      const key = wildcard ? name.slice(1) : name;
      const map = wildcard ? this.wild : this.exact;
      let list = map.get(key);
      if (list === undefined) map.set(key, (list = []));
      if (!list.some((n) => n.entry === entry)) list.push({ entry, kind });
    }
    const neg = negatives.map((n) => n.toLowerCase()).filter((n) => n !== '*' && n !== '');
    if (neg.length > 0) this.negatives.set(entry, new Set(neg));
  }

  /** Every name registered (for `show ssl cert` and tests): exact names, then wildcards with their `*`. */
  names(): string[] {
    return [...this.exact.keys(), ...[...this.wild.keys()].map((k) => '*' + k)];
  }

  /** The candidates for `servername`; all -1 when nothing matches (use the default). */
  lookup(servername: string, out: SniCandidates = { ecdsa: -1, rsa: -1, other: -1 }): SniCandidates {
    out.ecdsa = out.rsa = out.other = -1;
    const name = servername.toLowerCase();
    const exact = this.exact.get(name);
    if (exact !== undefined) for (const n of exact) take(out, n);
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const wild = this.wild.get(name.slice(dot));
      if (wild !== undefined) {
        for (const n of wild) {
          if (this.negatives.get(n.entry)?.has(name) === true) continue;
          take(out, n);
        }
      }
    }
    return out;
  }
}

function take(out: SniCandidates, n: Node): void {
  if (out[n.kind] < 0) out[n.kind] = n.entry;
}

/**
 * The entry to present among the candidates, as HAProxy chooses: ECDSA when
 * the client can verify it, else RSA when it can, else another key type,
 * else whatever there is. `client` says what the ClientHello allows
 * (unknown: both). -1 when nothing matched.
 */
export function chooseEntry(c: SniCandidates, client: { ecdsa: boolean; rsa: boolean } | null): number {
  const ecdsaOk = client === null || client.ecdsa;
  const rsaOk = client === null || client.rsa;
  if (ecdsaOk && c.ecdsa >= 0) return c.ecdsa;
  if (rsaOk && c.rsa >= 0) return c.rsa;
  if (c.other >= 0) return c.other;
  if (c.ecdsa >= 0) return c.ecdsa;
  return c.rsa;
}
