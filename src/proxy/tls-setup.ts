// The TLS side of a configuration load: certificates and settings read by
// src/tls (with their diagnostics), and each server's `sni EXPR` compiled
// as a sample expression, evaluated per connection to the server.

import { ProxyAcls, isAclError, type PatternFiles, type SampleExpression } from '../acl/index.ts';
import type { Config, Diagnostic, Server } from '../config/index.ts';
import { loadTlsMaterial, type TlsMaterial } from '../tls/index.ts';

export interface CompiledTls {
  readonly tls: TlsMaterial;
  /** `server ... sni EXPR`, by server. */
  readonly serverSni: ReadonlyMap<Server, SampleExpression>;
}

export function compileTls(config: Config, files: PatternFiles, out: Diagnostic[]): CompiledTls {
  const { material, diagnostics } = loadTlsMaterial(config);
  out.push(...diagnostics);
  const serverSni = new Map<Server, SampleExpression>();
  for (const be of config.backends.values()) {
    const acls = new ProxyAcls({ files, proxy: be.name, hasBackend: (n) => config.backends.has(n) });
    for (const s of be.servers) {
      const text = s.ssl?.sni;
      if (text === undefined || s.ssl?.enabled !== true) continue;
      const e = acls.expression(text, s.pos);
      if (isAclError(e)) {
        out.push({ code: e.code, severity: 'error', file: e.file ?? s.pos.file, line: e.line ?? s.pos.line, message: `'server ${be.name}/${s.name}' : 'sni' : ${e.text}` });
        continue;
      }
      serverSni.set(s, e);
    }
  }
  return { tls: material, serverSni };
}
