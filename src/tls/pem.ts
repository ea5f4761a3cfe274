// A combined PEM file, as HAProxy reads one with `crt`: certificates (the
// first is the leaf, the rest its chain) and a private key, in any order,
// possibly with DH parameters or text around them. Pure: text in, blocks out.

export interface PemBlocks {
  /** Certificate blocks in file order (leaf first), each a full PEM text. */
  certs: string[];
  /** Private key blocks (PKCS#8, RSA, EC; encrypted ones flagged). */
  keys: string[];
  /** A key is encrypted (`ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`). */
  encryptedKey: boolean;
  /** `DH PARAMETERS` blocks. */
  dhParams: string[];
  /** Labels of other blocks, ignored (e.g. `X509 CRL`). */
  others: string[];
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** Splits `text` into its PEM blocks; text outside blocks is ignored, as OpenSSL does. */
export function splitPem(text: string): PemBlocks {
  const out: PemBlocks = { certs: [], keys: [], encryptedKey: false, dhParams: [], others: [] };
  BEGIN.lastIndex = 0;
  for (;;) {
    const m = BEGIN.exec(text);
    if (m === null) break;
    const label = m[1]!;
    const endMark = `-----END ${label}-----`;
    const end = text.indexOf(endMark, m.index);
    if (end < 0) break; // truncated block: what follows is not PEM
    const block = text.slice(m.index, end + endMark.length) + '\n';
    BEGIN.lastIndex = end + endMark.length;
    if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') out.certs.push(block);
    else if (label.endsWith('PRIVATE KEY')) {
      out.keys.push(block);
      if (label === 'ENCRYPTED PRIVATE KEY' || block.includes('Proc-Type: 4,ENCRYPTED')) out.encryptedKey = true;
    } else if (label === 'DH PARAMETERS') out.dhParams.push(block);
    else out.others.push(label);
  }
  return out;
}
