// The corpus of bad files: test/fixtures/config/bad/NAME.cfg is refused with
// exactly the diagnostics listed in NAME.expected, one formatted per line
// (`CODE NAME.cfg:LINE: message`). Together they use every code.

import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CfgCode, formatDiagnostic, parseConfigText } from '../../../src/config/index.ts';

const dir = fileURLToPath(new URL('../../fixtures/config/bad/', import.meta.url));
const names = readdirSync(dir).filter((n) => n.endsWith('.cfg')).sort();
const seenCodes = new Set<string>();

test('the corpus has at least 30 cases, each with its expectations', (t) => {
  t.true(names.length >= 30, `only ${names.length} cases`);
  const expected = readdirSync(dir).filter((n) => n.endsWith('.expected')).sort();
  t.deepEqual(expected, names.map((n) => n.replace(/\.cfg$/, '.expected')));
});

for (const name of names) {
  test(`bad/${name}`, (t) => {
    const text = readFileSync(dir + name, 'utf8');
    const want = readFileSync(dir + name.replace(/\.cfg$/, '.expected'), 'utf8').split('\n').filter((l) => l !== '');
    const r = parseConfigText(text, name, { env: {}, localName: 'lb1' });
    t.is(r.config, undefined, 'a bad file yields no configuration');
    t.deepEqual(r.diagnostics.map(formatDiagnostic), want);
    for (const d of r.diagnostics) seenCodes.add(d.code);
  });
}

test.after('every diagnostic code is exercised by the corpus (I/O ones by load.test.ts)', () => {
  const missing = Object.values(CfgCode).filter((c) => c !== CfgCode.IO && !seenCodes.has(c));
  if (missing.length > 0) throw new Error(`codes without a bad case: ${missing.join(', ')}`);
});
