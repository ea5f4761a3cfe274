// The runtime side of `userlist` sections: one checker per section and per
// loaded configuration, shared by every proxy whose rules name it (so the
// memo of verified passwords is shared too).

import { UserlistAuth } from '../auth/index.ts';
import type { Config } from '../config/index.ts';

const byConfig = new WeakMap<Config, Map<string, UserlistAuth>>();

/** Resolves userlist names of `config` (undefined for an unknown one). */
export function userlistsOf(config: Config): (name: string) => UserlistAuth | undefined {
  let m = byConfig.get(config);
  if (m === undefined) {
    m = new Map();
    for (const [name, u] of config.userlists) m.set(name, new UserlistAuth(name, u.users.values()));
    byConfig.set(config, m);
  }
  const found = m;
  return (name) => found.get(name);
}
