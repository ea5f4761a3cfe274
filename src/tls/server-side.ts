// TLS to a server (`server ... ssl`): the client options of one connection
// from the server's plan, with HAProxy's verification rules: `verify
// required` checks the chain against `ca-file`, and the name against
// `verifyhost` when set, else against the SNI sent, else not at all.
// The last session is kept per server to resume it (`no-ssl-reuse` off).

import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { ServerTlsPlan } from './material.ts';

/** Last session by plan (a reload builds new plans: old sessions go with them). */
const lastSession = new WeakMap<ServerTlsPlan, Buffer>();

/** Options for tls.connect to a server; `servername` from `sni EXPR` (undefined: no SNI). */
export function serverTlsOptions(plan: ServerTlsPlan, servername: string | undefined, forChecks = false): ConnectionOptions {
  const name = plan.verifyhost ?? servername;
  const alpn = forChecks ? (plan.checkAlpn ?? plan.alpn) : plan.alpn;
  return {
    secureContext: plan.context,
    // An IP address is no SNI (RFC 6066), as OpenSSL leaves it out.
    servername: servername === undefined || servername === '' || /^[\d.]+$|:/.test(servername) ? undefined : servername,
    ALPNProtocols: alpn === undefined ? undefined : [...alpn],
    rejectUnauthorized: plan.verify,
    checkServerIdentity: plan.verify && name !== undefined && name !== '' ? (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert) : () => undefined,
    session: plan.reuseSessions ? lastSession.get(plan) : undefined,
  };
}

/** Keeps `session` for the next connection to the same server. */
export function rememberServerSession(plan: ServerTlsPlan, session: Buffer): void {
  if (plan.reuseSessions) lastSession.set(plan, session);
}
