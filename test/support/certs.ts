// Throwaway certificates for the TLS tests, made by the real openssl command
// in a temp dir removed at teardown (no key is ever committed): a CA, leaf
// certificates it signs (any names, EC or RSA, expired if asked), combined
// PEM files as HAProxy reads them, and client certificates.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

export interface Issued {
  /** The certificate alone (PEM). */
  cert: string;
  key: string;
  /** cert + key in one file, as `crt` takes it. */
  combined: string;
}

export interface Ca {
  name: string;
  cert: string;
  key: string;
  dir: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export class CertFactory {
  readonly dir: string;
  private serial = 1;

  constructor(t: ExecutionContext) {
    this.dir = mkdtempSync(join(tmpdir(), 'hawser-certs-'));
    t.teardown(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  private keyArgs(kind: 'ec' | 'rsa'): string[] {
    return kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  }

  /** A self-signed CA. */
  ca(name: string, kind: 'ec' | 'rsa' = 'ec'): Ca {
    const cert = join(this.dir, `${name}.crt`);
    const key = join(this.dir, `${name}.key`);
    openssl(['req', '-x509', ...this.keyArgs(kind), '-nodes', '-subj', `/O=Hawser Test/CN=${name}`, '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', key, '-out', cert], this.dir);
    return { name, cert, key, dir: this.dir };
  }

  /**
   * A certificate signed by `ca` for `cn` and the DNS `names`; `client`
   * makes it a client certificate; `expired` dates it in 2020.
   */
  issue(ca: Ca, file: string, cn: string, names: string[], opts: { kind?: 'ec' | 'rsa'; client?: boolean; expired?: boolean; keyFirst?: boolean; ou?: string } = {}): Issued {
    const kind = opts.kind ?? 'ec';
    const key = join(this.dir, `${file}.key`);
    const csr = join(this.dir, `${file}.csr`);
    const cert = join(this.dir, `${file}.crt`);
    const subj = `/C=FR/O=Hawser Test${opts.ou !== undefined ? `/OU=${opts.ou}` : ''}/CN=${cn}`;
    openssl(['req', '-new', ...this.keyArgs(kind), '-nodes', '-subj', subj, '-keyout', key, '-out', csr], this.dir);
    const ext = join(this.dir, `${file}.ext`);
    const san = names.map((n) => `DNS:${n}`).join(',');
    writeFileSync(ext, [
      'basicConstraints=CA:FALSE',
      `extendedKeyUsage=${opts.client === true ? 'clientAuth' : 'serverAuth'}`,
      san !== '' ? `subjectAltName=${san}` : '',
    ].join('\n') + '\n');
    const serial = this.serial++;
    if (opts.expired === true) {
      // `openssl ca` is the one 3.0 command that takes explicit dates.
      const db = join(this.dir, `${file}.db`);
      writeFileSync(db, '');
      const conf = join(this.dir, `${file}.cnf`);
      writeFileSync(conf, [
        '[ca]', 'default_ca=x', '[x]', `database=${db}`, `new_certs_dir=${this.dir}`, 'default_md=sha256',
        'policy=p', 'unique_subject=no', '[p]', 'commonName=supplied',
      ].join('\n') + '\n');
      writeFileSync(join(this.dir, `${file}.srl`), serial.toString(16).padStart(2, '0') + '\n');
      openssl(['ca', '-batch', '-config', conf, '-cert', ca.cert, '-keyfile', ca.key, '-in', csr, '-out', cert,
        '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extfile', ext, '-notext',
        '-rand_serial'], this.dir);
    } else {
      openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', String(1000 + serial),
        '-days', '20', '-extfile', ext, '-out', cert], this.dir);
    }
    const c = readFileSync(cert, 'latin1');
    const k = readFileSync(key, 'latin1');
    const combined = join(this.dir, `${file}.pem`);
    writeFileSync(combined, opts.keyFirst === true ? k + c : c + k);
    return { cert, key, combined };
  }

  /** Writes a file in the factory's directory. */
  write(name: string, text: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, text);
    return p;
  }
}
