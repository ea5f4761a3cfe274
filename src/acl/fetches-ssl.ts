// TLS fetches of a connection terminated here: ssl_fc_* (the session),
// ssl_c_* (the client's certificate), ssl_f_* (ours). All read the
// session's ClientTlsFacts; without TLS they return nothing, except the
// booleans that answer false, as in HAProxy.

import { type Arg, type ArgSpec, NO_ARGS } from './args.ts';
import { type FetchDef, USE_ANY } from './keyword.ts';
import { type CertificateView, type ClientTlsFacts, type Sample, type SampleContext, SMP_BIN, SMP_BOOL, SMP_INT, SMP_STR } from './sample.ts';

/** `([<entry>[,<occ>[,<format>]]])` of the *_dn fetches. */
const DN_ARGS: ArgSpec = { types: ['str', 'sint', 'str'], min: 0 };

function str(smp: Sample, s: string | undefined): boolean {
  if (s === undefined) return false;
  smp.setStr(s);
  return true;
}

function tlsOf(ctx: SampleContext): ClientTlsFacts | undefined {
  return ctx.clientTls();
}

/** A DN as HAProxy's ssl_sock_get_dn_oneline writes it: `/C=FR/O=Example/CN=www`. */
export function onelineDn(dn: ReadonlyArray<readonly [string, string]>): string {
  let s = '';
  for (const [k, v] of dn) s += '/' + k + '=' + v;
  return s;
}

/** RFC 2253 form (LDAP): last RDN first, comma-separated, special characters escaped. */
export function rfc2253Dn(dn: ReadonlyArray<readonly [string, string]>): string {
  const parts: string[] = [];
  for (let i = dn.length - 1; i >= 0; i--) {
    const [k, v] = dn[i]!;
    let e = v.replace(/[,+"\\<>;]/g, (c) => '\\' + c);
    if (e.startsWith(' ') || e.startsWith('#')) e = '\\' + e;
    if (e.endsWith(' ')) e = e.slice(0, -1) + '\\ ';
    parts.push(k + '=' + e);
  }
  return parts.join(',');
}

/** The *_dn fetches: the whole DN, or the `occ`th value of `entry` (negative: from the end). */
function dnSample(dn: ReadonlyArray<readonly [string, string]>, a: readonly Arg[], smp: Sample): boolean {
  const entry = a[0]?.str ?? '';
  const format = a[2]?.str ?? '';
  if (entry === '') {
    smp.setStr(format === 'rfc2253' ? rfc2253Dn(dn) : onelineDn(dn));
    return true;
  }
  const occ = a[1] === undefined || a[1].int === 0 ? 1 : a[1].int;
  const values: string[] = [];
  for (const [k, v] of dn) if (k === entry) values.push(v);
  const v = occ > 0 ? values[occ - 1] : values[values.length + occ];
  return str(smp, v);
}

function validateDn(a: Arg[]): string | undefined {
  const f = a[2]?.str;
  if (f !== undefined && f !== '' && f !== 'rfc2253') return `invalid format '${f}' (only 'rfc2253' is supported)`;
  return undefined;
}

type CertPick = (t: ClientTlsFacts) => CertificateView | null;
const peer: CertPick = (t) => t.peerCertificate();
const local: CertPick = (t) => t.localCertificate();

/** ssl_c_* and ssl_f_* share their definitions, on the peer's or our certificate. */
function certFetches(prefix: string, pick: CertPick): FetchDef[] {
  const cert = (ctx: SampleContext): CertificateView | null => {
    const t = tlsOf(ctx);
    return t === undefined ? null : pick(t);
  };
  return [
    {
      name: `${prefix}_s_dn`,
      args: DN_ARGS,
      out: SMP_STR,
      use: USE_ANY,
      validate: validateDn,
      fetch: (ctx, a, smp) => {
        const c = cert(ctx);
        return c !== null && dnSample(c.subject, a, smp);
      },
    },
    {
      name: `${prefix}_i_dn`,
      args: DN_ARGS,
      out: SMP_STR,
      use: USE_ANY,
      validate: validateDn,
      fetch: (ctx, a, smp) => {
        const c = cert(ctx);
        return c !== null && dnSample(c.issuer, a, smp);
      },
    },
    { name: `${prefix}_serial`, args: NO_ARGS, out: SMP_BIN, use: USE_ANY, fetch: (ctx, _a, smp) => bin(smp, cert(ctx)?.serial) },
    { name: `${prefix}_sha1`, args: NO_ARGS, out: SMP_BIN, use: USE_ANY, fetch: (ctx, _a, smp) => bin(smp, cert(ctx)?.sha1) },
    { name: `${prefix}_der`, args: NO_ARGS, out: SMP_BIN, use: USE_ANY, fetch: (ctx, _a, smp) => bin(smp, cert(ctx)?.der) },
    { name: `${prefix}_notafter`, args: NO_ARGS, out: SMP_STR, use: USE_ANY, fetch: (ctx, _a, smp) => str(smp, cert(ctx)?.notAfter) },
    { name: `${prefix}_notbefore`, args: NO_ARGS, out: SMP_STR, use: USE_ANY, fetch: (ctx, _a, smp) => str(smp, cert(ctx)?.notBefore) },
    { name: `${prefix}_key_alg`, args: NO_ARGS, out: SMP_STR, use: USE_ANY, fetch: (ctx, _a, smp) => str(smp, cert(ctx)?.keyAlg) },
    {
      name: `${prefix}_version`,
      args: NO_ARGS,
      out: SMP_INT,
      use: USE_ANY,
      fetch: (ctx, _a, smp) => {
        const c = cert(ctx);
        if (c === null) return false;
        smp.setInt(c.version);
        return true;
      },
    },
  ];
}

function bin(smp: Sample, b: Buffer | undefined): boolean {
  if (b === undefined) return false;
  smp.setBin(b);
  return true;
}

/** A fetch of the TLS session itself; absent without TLS. */
function session(name: string, out: 1 | 2 | 6, read: (t: ClientTlsFacts, smp: Sample) => boolean): FetchDef {
  return {
    name,
    args: NO_ARGS,
    out,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      const t = tlsOf(ctx);
      return t !== undefined && read(t, smp);
    },
  };
}

/** A boolean that is false (not absent) without TLS. */
function flag(name: string, read: (t: ClientTlsFacts, ctx: SampleContext) => boolean): FetchDef {
  return {
    name,
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      const t = tlsOf(ctx);
      smp.setBool(t !== undefined && read(t, ctx));
      return true;
    },
  };
}

function int(smp: Sample, n: number): boolean {
  smp.setInt(n);
  return true;
}

export const SSL_FETCHES: readonly FetchDef[] = [
  session('ssl_fc_protocol', SMP_STR, (t, smp) => str(smp, t.protocol())),
  session('ssl_fc_cipher', SMP_STR, (t, smp) => str(smp, t.cipher())),
  session('ssl_fc_alpn', SMP_STR, (t, smp) => str(smp, t.alpn())),
  session('ssl_fc_use_keysize', SMP_INT, (t, smp) => int(smp, t.cipherBits())),
  session('ssl_fc_alg_keysize', SMP_INT, (t, smp) => int(smp, t.cipherBits())),
  session('ssl_fc_err', SMP_INT, (_t, smp) => int(smp, 0)),
  session('ssl_c_verify', SMP_INT, (t, smp) => int(smp, t.verifyResult())),
  // Verification errors abort the handshake here (no ca-ignore-err): a session that exists had none.
  session('ssl_c_err', SMP_INT, (_t, smp) => int(smp, 0)),
  session('ssl_c_ca_err', SMP_INT, (_t, smp) => int(smp, 0)),
  session('ssl_c_ca_err_depth', SMP_INT, (_t, smp) => int(smp, 0)),
  flag('ssl_fc_is_resumed', (t) => t.resumed()),
  flag('ssl_fc_has_sni', (_t, ctx) => ctx.sni() !== undefined),
  flag('ssl_fc_has_crt', (t) => t.peerCertificate() !== null),
  flag('ssl_c_used', (t) => t.peerCertificate() !== null),
  ...certFetches('ssl_c', peer),
  ...certFetches('ssl_f', local),
];
