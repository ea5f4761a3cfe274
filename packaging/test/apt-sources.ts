// Which Debian mirror this machine installs from: the guest image is built
// from the same one (the only archive reachable here, and whatever a user's
// machine is set up with), read at run time, never written into the repo.
// Reads /etc/apt/sources.list (one-line format) and /etc/apt/sources.list.d/
// (*.list one-line, *.sources deb822).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

/** The `deb` entries of one file in either format (`name` decides which). */
export function parseAptSources(name: string, text: string): AptSource[] {
  return name.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text);
}

function parseOneLine(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    // `deb [arch=amd64 signed-by=...] URI SUITE COMPONENT...`
    const words = line.replace(/\[[^\]]*\]/, ' ').split(/\s+/).slice(1);
    if (words.length < 2) continue;
    out.push({ uri: words[0]!, suites: [words[1]!], components: words.slice(2) });
  }
  return out;
}

function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last !== '') {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m === null) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
    if (!words('types').includes('deb') || (fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    for (const uri of words('uris')) out.push({ uri, suites: words('suites'), components: words('components') });
  }
  return out;
}

/** The first source serving `suite` with `main`: the mirror debootstrap should use. */
export function mirrorFor(sources: readonly AptSource[], suite: string): string | undefined {
  return sources.find((s) => s.suites.includes(suite) && s.components.includes('main'))?.uri;
}

/** Every `deb` source of this machine's apt configuration. */
export function readAptSources(root = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(root, 'sources.list');
  if (existsSync(main)) out.push(...parseAptSources(main, readFileSync(main, 'utf8')));
  const dir = join(root, 'sources.list.d');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.list') || f.endsWith('.sources')) out.push(...parseAptSources(f, readFileSync(join(dir, f), 'utf8')));
    }
  }
  return out;
}
