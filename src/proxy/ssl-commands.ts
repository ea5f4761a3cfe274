// `show ssl cert [FILE]` on the runtime API: the certificate files of the
// configuration in force (binds and servers), read at start or last reload.

import type { Command } from '../runtime/index.ts';
import { CERT_NOT_FOUND, showCertDetail, showCertList, type TlsMaterial } from '../tls/index.ts';

export function sslCommands(material: () => TlsMaterial): Command[] {
  return [
    {
      words: ['show', 'ssl', 'cert'],
      usage: 'show ssl cert [<certfile>]',
      help: 'display the SSL certificates used in memory, or the details of a file',
      level: 'admin',
      run: (args) => {
        const files = material().files;
        if (args.length === 0 || args[0] === '') return showCertList(files.keys());
        const f = files.get(args[0]!);
        return f === undefined ? CERT_NOT_FOUND : showCertDetail(f, true);
      },
    },
  ];
}
