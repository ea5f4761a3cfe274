// The protocol version of a serialized TLS session (OpenSSL's SSL_SESSION
// in DER: SEQUENCE { version INTEGER 1, ssl_version INTEGER, ... }), read
// without parsing the rest. The session cache keeps only sessions a
// session ID can resume: TLS 1.3 resumes by ticket (a TLS 1.3 client's
// legacy session ID is random), so its sessions would only fill the cache.

export const TLS13_VERSION = 0x0304;

/** The session's protocol version (0x0303 for TLS 1.2...), or null if `der` does not start like an SSL_SESSION. */
export function sessionProtocolVersion(der: Uint8Array): number | null {
  if (der.length < 2 || der[0] !== 0x30) return null;
  // The SEQUENCE's length: short form, or long form in 1 to 3 bytes.
  let i = 2;
  const first = der[1]!;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n < 1 || n > 3) return null;
    i += n;
  }
  // version INTEGER 1 (02 01 01), then ssl_version INTEGER of 1 to 2 bytes.
  if (der.length < i + 5 || der[i] !== 0x02 || der[i + 1] !== 0x01 || der[i + 2] !== 0x01 || der[i + 3] !== 0x02) return null;
  const len = der[i + 4]!;
  if (len < 1 || len > 2 || der.length < i + 5 + len) return null;
  let v = 0;
  for (let k = 0; k < len; k++) v = (v << 8) | der[i + 5 + k]!;
  return v;
}
