// Commands about traffic in progress and its failures: `show sess`, `show
// errors`, and `set timeout cli` (hatop sets it when it connects).

import { parseTime } from '../config/index.ts';
import type { Command, CommandContext } from './commands.ts';
import { statProxies } from './host.ts';
import { mergeErrors, showErrors } from './show-errors.ts';
import { cliLine, parseSessionId, sessionDetail, sessionLine } from './show-sess.ts';
import type { SessionView } from '../proxy/index.ts';

function sessions(ctx: CommandContext): SessionView[] {
  const out: SessionView[] = [];
  for (const fe of ctx.host.frontends.values()) for (const s of fe.sessions) out.push(s.describe());
  if (ctx.remote !== undefined) out.push(...ctx.remote.sessions);
  return out.sort((a, b) => a.id - b.id);
}

function detail(ctx: CommandContext, s: SessionView): string {
  const proxies = statProxies(ctx.host);
  const id = (name: string | null): number => (name === null ? -1 : (proxies.find((p) => p.name === name)?.iid ?? -1));
  const server = s.backend === null || s.server === null ? -1 : (ctx.host.backends.get(s.backend)?.byName.get(s.server)?.id ?? -1);
  return sessionDetail(s, { frontend: id(s.frontend), backend: id(s.backend), server }, ctx.now);
}

export const sessionCommands: Command[] = [
  {
    words: ['show', 'sess'],
    usage: 'show sess [id]',
    help: 'report the list of current sessions or dump this exact session',
    level: 'operator',
    run: (a, ctx) => {
      const all = sessions(ctx);
      if (a[0] === 'all') return all.map((s) => detail(ctx, s)).join('');
      if (a[0] !== undefined && a[0] !== '') {
        const want = parseSessionId(a[0]);
        const s = all.find((x) => x.id === want);
        return s === undefined ? 'Session not found.\n' : detail(ctx, s);
      }
      let out = '';
      for (const c of ctx.state.cli) out += cliLine(c, ctx.now);
      for (const s of all) out += sessionLine(s, ctx.now);
      return out;
    },
  },
  {
    words: ['show', 'errors'],
    usage: 'show errors [<px>] [request|response]',
    help: 'report last request and/or response errors for each proxy',
    level: 'operator',
    run: (a, ctx) => {
      // As HAProxy: a proxy name, else a number (C's atoi), then request|response.
      const proxies = statProxies(ctx.host);
      let iid: number | undefined;
      if (a[0] !== undefined && a[0] !== '') {
        iid = proxies.find((x) => x.name === a[0])?.iid ?? (Number.parseInt(a[0], 10) || 0);
        if (iid === 0) return 'No such proxy.\n';
        if (iid === -1) iid = undefined;
      }
      const store = ctx.remote === undefined ? ctx.host.counters.errors : mergeErrors(ctx.host.counters.errors, ctx.remote.errors);
      return showErrors(store, proxies, { iid, requests: a[1] !== 'response', responses: a[1] !== 'request' }, ctx.now);
    },
  },
  {
    words: ['set', 'timeout'],
    usage: 'set timeout [cli] <delay>',
    help: 'change a timeout setting',
    level: 'user',
    run: (a, ctx) => {
      if (a[0] !== 'cli') return "'set timeout' only supports 'cli'.\n";
      if (a[1] === undefined || a[1] === '') return 'Expects an integer value.\n';
      const t = parseTime(a[1], 's');
      if (t.error !== undefined || t.value < 1000) return 'Invalid timeout value.\n';
      ctx.cliTimeoutMs = t.value;
      return '';
    },
  },
];
