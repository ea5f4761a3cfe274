// Which listeners an extra `nbthread` worker opens (pure). TCP binds are
// opened by every worker with SO_REUSEPORT, and the kernel spreads new
// connections over them. A UNIX socket path, an inherited fd@ and a
// `noreuseport` bind can only be bound once: the main thread alone serves
// those.

import type { Config } from '../config/index.ts';

/** `config` with only the binds a worker shares (changes `config`, a worker's own copy). */
export function sharedBindsOnly(config: Config): Config {
  for (const fe of config.frontends.values()) {
    fe.binds = fe.binds.filter((b) => b.address.kind === 'inet' && b.reusePort !== false);
  }
  return config;
}
