// TLS: certificates and settings loaded from the configuration (material),
// termination of client connections (terminator), the facts fetches and
// logs read (client-facts), and `show ssl cert`. The pure parts (PEM
// splitting, crt-list, SNI selection, the session cache) are exported for
// their tests.
export { loadTlsMaterial, readCertFile, cipherString, NO_TLS, TlsCode, ticketKeyRing, adoptTicketKeys } from './material.ts';
export type { BindTlsPlan, CertFile, ServerTlsPlan, TlsEntry, TlsMaterial } from './material.ts';
export { TlsTerminator } from './terminator.ts';
export { serverTlsOptions, rememberServerSession } from './server-side.ts';
export { ClientTls, cipherBits, verifyCode } from './client-facts.ts';
export { Certificate, asn1Time, parseDn, sanEntries } from './certificate.ts';
export { splitPem, type PemBlocks } from './pem.ts';
export { parseCrtList, type CrtListEntry } from './crt-list.ts';
export { SniTable, chooseEntry, type KeyKind, type SniCandidates } from './sni-table.ts';
export { SessionCache, shareSessions, adoptSession } from './session-cache.ts';
export { sessionProtocolVersion, TLS13_VERSION } from './session-version.ts';
export { showCertList, showCertDetail, CERT_NOT_FOUND } from './show-cert.ts';
