// Which parts of the drill this build can run: the drill's config is
// checked with `hawser -c` with and without each optional part, so the
// drill says what it skipped instead of failing on a missing feature.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clusterConfig, type ClusterLayout, type Features } from './config.ts';

export const HAWSER_BIN = resolve(import.meta.dirname, '../../bin/hawser.ts');

function passes(layout: ClusterLayout, f: Features): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-drill-check-'));
  try {
    const file = join(dir, 'hawser.cfg');
    writeFileSync(file, clusterConfig({ ...layout, sockDir: dir }, f));
    const r = spawnSync(process.execPath, [HAWSER_BIN, '-c', '-q', '-f', file, '-L', layout.nodes[0]!.name], { timeout: 20_000 });
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function detectFeatures(layout: ClusterLayout): Features {
  if (!passes(layout, { cookie: false, stick: false })) {
    throw new Error('the drill configuration does not pass hawser -c even without cookies and stick tables');
  }
  return { cookie: passes(layout, { cookie: true, stick: false }), stick: passes(layout, { cookie: false, stick: true }) };
}
