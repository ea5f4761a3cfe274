// -f paths: files and directories on a real (temporary) file system.

import test from 'ava';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, isConfigFileName, loadConfig } from '../../../src/config/index.ts';

const opts = { env: {}, localName: 'lb1' };

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hawser-cfg-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

test('file names HAProxy takes from a directory', (t) => {
  t.true(isConfigFileName('10-web.cfg'));
  t.false(isConfigFileName('.hidden.cfg'));
  t.false(isConfigFileName('web.cfg.bak'));
  t.false(isConfigFileName('web.conf'));
  // strstr() finds the first ".cfg", which must end the name.
  t.false(isConfigFileName('a.cfg.cfg'));
  t.false(isConfigFileName('.cfg'));
});

test('a directory is read in byte order, .cfg regular files only, one configuration', async (t) => {
  const dir = await tree({
    'conf.d/20-backend.cfg': 'backend app\n  server s 127.0.0.1:80\n',
    'conf.d/10-frontend.cfg': 'frontend www\n  bind :80\n  default_backend app\n',
    'conf.d/00-defaults.cfg': 'defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n',
    'conf.d/B-upper.cfg': 'backend upper\n',
    'conf.d/.hidden.cfg': 'bogus\n',
    'conf.d/notes.txt': 'bogus\n',
    'conf.d/old.cfg.bak': 'bogus\n',
    'conf.d/sub.cfg/inner.cfg': 'bogus\n',
    'real/linked.cfg': 'backend linked\n',
  });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await symlink(join(dir, 'real/linked.cfg'), join(dir, 'conf.d/30-link.cfg'));
  const r = await loadConfig([join(dir, 'conf.d')], opts);
  t.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  const c = r.config!;
  t.deepEqual(
    c.files.map((f) => f.slice(dir.length + 1)),
    ['conf.d/00-defaults.cfg', 'conf.d/10-frontend.cfg', 'conf.d/20-backend.cfg', 'conf.d/30-link.cfg', 'conf.d/B-upper.cfg'],
  );
  t.is(c.backends.get('app')!.mode, 'http');
  t.true(c.backends.has('linked'));
});

test('several paths are read in the order given, files and directories mixed', async (t) => {
  const dir = await tree({
    'global.cfg': 'global\n  setenv PORT 8080\n',
    'd/a.cfg': 'defaults\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n',
    'last.cfg': 'frontend f\n  bind "127.0.0.1:${PORT}"\n  default_backend b\nbackend b\n',
  });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const r = await loadConfig([join(dir, 'global.cfg'), join(dir, 'd'), join(dir, 'last.cfg')], opts);
  t.deepEqual(r.diagnostics, []);
  // setenv in the first file is seen by the last one.
  t.like(r.config!.frontends.get('f')!.binds[0]!.address, { port: 8080 });
});

test('each file starts outside any section', async (t) => {
  const dir = await tree({ 'a.cfg': 'global\n  maxconn 10\n', 'b.cfg': '  maxconn 20\n' });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const r = await loadConfig([join(dir, 'a.cfg'), join(dir, 'b.cfg')], opts);
  t.is(r.config, undefined);
  t.deepEqual(r.diagnostics.map(formatDiagnostic), [
    `HAWSER_CFG_WRONG_SECTION ${join(dir, 'b.cfg')}:1: 'maxconn' appears before any section (start with global, defaults, frontend, backend or listen)`,
  ]);
});

test('missing paths and empty directories are I/O errors; the rest is still checked', async (t) => {
  const dir = await tree({ 'ok.cfg': 'backend b\n  balanse x\n', 'empty/readme': '' });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const r = await loadConfig([join(dir, 'nope.cfg'), join(dir, 'ok.cfg')], opts);
  t.is(r.config, undefined);
  const lines = r.diagnostics.map(formatDiagnostic);
  t.regex(lines[0]!, /^HAWSER_CFG_IO .*nope\.cfg: cannot open configuration file\/directory: ENOENT/);
  t.regex(lines[1]!, /^HAWSER_CFG_UNKNOWN_KEYWORD .*ok\.cfg:2: unknown keyword 'balanse'/);
  const e = await loadConfig([join(dir, 'empty')], opts);
  t.deepEqual(e.diagnostics.map(formatDiagnostic), [`HAWSER_CFG_IO no configuration file found in ${join(dir, 'empty')}`]);
  t.deepEqual((await loadConfig([], opts)).diagnostics.map(formatDiagnostic), ['HAWSER_CFG_IO no configuration file given (use -f)']);
});
