// The `global` section. Several global sections are merged into one
// GlobalSection; setenv and friends change the environment used to expand
// the lines that follow, exactly as HAProxy applies them while parsing.

import type { GlobalSection, SourcePos, StatsSocket } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive, Env } from './directive.ts';
import { parseLogTarget } from './log.ts';
import { parseAddress } from './address.ts';
import { GLOBAL_KEYWORDS, REMOVED_GLOBAL_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';
import { applyTlsWord, DEFAULT_OPTION_WORDS } from './tls.ts';

export function emptyGlobal(): GlobalSection {
  return { logs: [], statsSockets: [], tune: {} };
}

export interface GlobalState {
  global: GlobalSection;
  /** Mutable: setenv & co. write here. */
  env: Env;
  /** Where `zero-warning` was written: warnings then make the configuration fail. */
  zeroWarning?: SourcePos;
}

const NEGATABLE = new Set(['log', 'busy-polling', 'set-dumpable', 'strict-limits', 'insecure-fork-wanted', 'numa-cpu-mapping']);

export function parseGlobalLine(d: Directive, st: GlobalState): void {
  const g = st.global;
  const kw = d.keyword;

  if (d.modifier !== undefined && !NEGATABLE.has(kw)) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}': '${d.modifier}' is only supported before log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping in global`);
    return;
  }
  const removed = REMOVED_GLOBAL_KEYWORDS[kw];
  if (removed !== undefined) {
    d.error(CfgCode.DEPRECATED, removed);
    return;
  }
  const status = GLOBAL_KEYWORDS[kw];
  if (status === undefined) {
    d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in global section${suggestion(kw, Object.keys(GLOBAL_KEYWORDS))}`);
    return;
  }
  if (status === 'noop') return;
  if (status === 'ignored') {
    d.warn(CfgCode.IGNORED, `'${kw}' is ignored: Hawser runs one process with one event loop and does not use it`);
    return;
  }
  if (status === 'unsupported') {
    d.unsupported(`'${kw}'`);
    return;
  }

  switch (kw) {
    case 'log': {
      if (d.modifier === 'no') {
        if (d.noMoreThan(0, 'no log')) g.logs = [];
        return;
      }
      if (d.arg(1) === 'global') {
        d.error(CfgCode.BAD_ARGUMENT, "'log global' is only valid in proxies, not in the global section");
        return;
      }
      const t = parseLogTarget(d);
      if (t !== undefined) g.logs.push(t);
      return;
    }
    case 'maxconn': {
      const v = d.int(1, kw, 1, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) g.maxconn = v;
      return;
    }
    case 'nbthread': {
      const v = d.int(1, kw, 1, 64);
      if (v !== undefined && d.noMoreThan(1, kw)) g.nbthread = v;
      return;
    }
    case 'uid':
    case 'gid': {
      const v = d.int(1, kw, 0, 4_294_967_294);
      if (v !== undefined && d.noMoreThan(1, kw)) g[kw] = v;
      return;
    }
    case 'user':
    case 'group':
    case 'pidfile':
    case 'chroot':
    case 'localpeer':
    case 'node':
    case 'log-tag': {
      if (!d.need(1, kw, 'one argument') || !d.noMoreThan(1, kw)) return;
      const v = d.arg(1)!;
      if (kw === 'log-tag') g.logTag = v;
      else g[kw] = v;
      return;
    }
    case 'daemon':
      if (d.noMoreThan(0, kw)) g.daemon = true;
      return;
    case 'description':
      if (d.need(1, kw, 'a text')) g.description = d.rest(1);
      return;
    case 'hard-stop-after': {
      const v = d.time(1, kw);
      if (v !== undefined && d.noMoreThan(1, kw)) g.hardStopAfter = v;
      return;
    }
    case 'tune.bufsize': {
      const v = d.size(1, kw);
      if (v === undefined || !d.noMoreThan(1, kw)) return;
      if (v < 1024) {
        d.error(CfgCode.BAD_VALUE, `'tune.bufsize' must be at least 1024 bytes, not ${v}`);
        return;
      }
      g.tune.bufsize = v;
      return;
    }
    case 'tune.http.maxhdr': {
      const v = d.int(1, kw, 1, 32767);
      if (v === undefined || !d.noMoreThan(1, kw)) return;
      g.tune.httpMaxhdr = v;
      g.tune.maxhdr = v;
      return;
    }
    case 'tune.h2.max-concurrent-streams': {
      const v = d.int(1, kw, 0, 2147483647);
      if (v !== undefined && d.noMoreThan(1, kw)) g.tune.h2MaxConcurrentStreams = v;
      return;
    }
    case 'spread-checks': {
      const v = d.int(1, kw, 0, 50);
      if (v !== undefined && d.noMoreThan(1, kw)) g.spreadChecks = v;
      return;
    }
    case 'zero-warning':
      if (d.noMoreThan(0, kw)) st.zeroWarning = d.pos;
      return;
    case 'log-send-hostname':
      if (!d.noMoreThan(1, kw)) return;
      // Empty means "this host's name", which only the runtime knows.
      g.logSendHostname = d.arg(1) ?? '';
      return;
    case 'setenv':
    case 'presetenv': {
      if (!d.need(1, kw, '<name> <value>') || !d.need(2, kw, '<name> <value>') || !d.noMoreThan(2, kw)) return;
      const name = d.arg(1)!;
      if (kw === 'setenv' || st.env[name] === undefined) st.env[name] = d.arg(2)!;
      return;
    }
    case 'unsetenv':
      if (!d.need(1, kw, 'at least one variable name')) return;
      for (const name of d.words.slice(1)) delete st.env[name];
      return;
    case 'resetenv': {
      const keep = new Set(d.words.slice(1));
      for (const name of Object.keys(st.env)) if (!keep.has(name)) delete st.env[name];
      return;
    }
    case 'stats':
      parseGlobalStats(d, st);
      return;
    case 'ca-base':
    case 'crt-base':
      if (!d.need(1, kw, 'a directory') || !d.noMoreThan(1, kw)) return;
      if (kw === 'ca-base') g.caBase = d.arg(1)!;
      else g.crtBase = d.arg(1)!;
      return;
    case 'ssl-default-bind-ciphers':
    case 'ssl-default-bind-ciphersuites':
    case 'ssl-default-bind-curves':
    case 'ssl-default-server-ciphers':
    case 'ssl-default-server-ciphersuites': {
      if (!d.need(1, kw, 'a colon-separated list') || !d.noMoreThan(1, kw)) return;
      const into = kw.startsWith('ssl-default-bind-') ? (g.sslDefaultBind ??= {}) : (g.sslDefaultServer ??= {});
      const word = kw.slice(kw.lastIndexOf('-') + 1);
      const err = applyTlsWord(word, d.arg(1), into);
      if (err !== undefined) d.error(CfgCode.BAD_VALUE, `'${kw}': ${err}`);
      return;
    }
    case 'ssl-default-bind-options':
    case 'ssl-default-server-options': {
      const into = kw === 'ssl-default-bind-options' ? (g.sslDefaultBind ??= {}) : (g.sslDefaultServer ??= {});
      for (let i = 1; i < d.length; i++) {
        const w = d.arg(i)!;
        const argc = DEFAULT_OPTION_WORDS[w];
        if (argc === undefined || (w === 'prefer-client-ciphers' && kw !== 'ssl-default-bind-options')) {
          d.error(CfgCode.UNKNOWN_KEYWORD, `'${kw}': unknown option '${w}'${suggestion(w, Object.keys(DEFAULT_OPTION_WORDS))}`);
          return;
        }
        if (w === 'prefer-client-ciphers') g.sslDefaultBind!.preferClientCiphers = true;
        else {
          const err = applyTlsWord(w, d.arg(i + 1), into);
          if (err !== undefined) {
            d.error(CfgCode.BAD_VALUE, `'${kw}': ${err}`);
            return;
          }
        }
        i += argc;
      }
      return;
    }
    case 'ssl-server-verify': {
      const v = d.arg(1);
      if ((v === 'none' || v === 'required') && d.noMoreThan(1, kw)) g.sslServerVerify = v;
      else if (v !== 'none' && v !== 'required') d.error(CfgCode.BAD_VALUE, `'ssl-server-verify' expects none or required${v !== undefined ? `, not '${v}'` : ''}`);
      return;
    }
    case 'tune.ssl.cachesize': {
      const v = d.int(1, kw, 0, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) g.sslCacheSize = v;
      return;
    }
    case 'tune.ssl.lifetime': {
      const v = d.time(1, kw, 's');
      if (v !== undefined && d.noMoreThan(1, kw)) g.sslLifetime = v;
      return;
    }
  }
}

function parseGlobalStats(d: Directive, st: GlobalState): void {
  const sub = d.arg(1);
  switch (sub) {
    case 'socket': {
      const s = parseStatsSocket(d);
      if (s !== undefined) st.global.statsSockets.push(s);
      return;
    }
    case 'timeout': {
      const v = d.time(2, 'stats timeout');
      if (v !== undefined && d.noMoreThan(2, 'stats timeout')) st.global.statsTimeout = v;
      return;
    }
    case 'maxconn':
    case 'bind-process':
      if (sub === 'maxconn') d.int(2, 'stats maxconn', 1, 2_147_483_647);
      d.warn(CfgCode.IGNORED, `'stats ${sub}' is ignored by Hawser`);
      return;
    default:
      d.error(
        CfgCode.UNKNOWN_KEYWORD,
        `'stats' in global expects 'socket', 'timeout', 'maxconn' or 'bind-process'${sub !== undefined ? `, not '${sub}'${suggestion(sub, ['socket', 'timeout', 'maxconn', 'bind-process'])}` : ''}`,
      );
  }
}

function parseStatsSocket(d: Directive): StatsSocket | undefined {
  if (!d.need(2, 'stats socket', '<address:port> or <path>')) return undefined;
  const raw = d.arg(2)!;
  const r = parseAddress(raw, d.env, { allowUnix: true, allowFd: true, portMandatory: true });
  if (!r.ok) {
    if (r.unsupported === true) d.unsupported(`stats socket: ${r.error}`);
    else d.error(CfgCode.BAD_VALUE, `stats socket: ${r.error}`);
    return undefined;
  }
  if (r.transport === 'dgram') {
    d.error(CfgCode.BAD_VALUE, `stats socket: '${raw}' is a datagram address; the stats socket is a stream socket`);
    return undefined;
  }
  const sock: StatsSocket = { pos: d.pos, address: r.address, level: 'operator' };
  let ok = true;
  for (let i = 3; i < d.length; i++) {
    const p = d.arg(i)!;
    const value = d.arg(i + 1);
    const needValue = (): string | undefined => {
      if (value === undefined) {
        d.error(CfgCode.BAD_ARGUMENT, `stats socket: '${p}' expects a value`);
        ok = false;
      }
      return value;
    };
    switch (p) {
      case 'mode': {
        const v = needValue();
        if (v === undefined) break;
        if (!/^[0-7]{1,4}$/.test(v)) {
          d.error(CfgCode.BAD_VALUE, `stats socket: 'mode' expects an octal mode like 600, not '${v}'`);
          ok = false;
        } else sock.mode = parseInt(v, 8);
        i++;
        break;
      }
      case 'level': {
        const v = needValue();
        if (v === undefined) break;
        if (v !== 'user' && v !== 'operator' && v !== 'admin') {
          d.error(CfgCode.BAD_VALUE, `stats socket: 'level' expects user, operator or admin, not '${v}'${suggestion(v, ['user', 'operator', 'admin'])}`);
          ok = false;
        } else sock.level = v;
        i++;
        break;
      }
      case 'user':
      case 'group': {
        const v = needValue();
        if (v === undefined) break;
        sock[p] = v;
        i++;
        break;
      }
      case 'uid':
      case 'gid': {
        const v = needValue();
        if (v === undefined) break;
        if (d.intValue(v, `stats socket ${p}`, 0, 4_294_967_294) === undefined) ok = false;
        else d.warn(CfgCode.IGNORED, `stats socket: numeric '${p}' is not supported, use 'user'/'group' with a name; ignored`);
        i++;
        break;
      }
      case 'expose-fd': {
        const v = needValue();
        if (v === undefined) break;
        if (v !== 'listeners') {
          d.error(CfgCode.BAD_VALUE, `stats socket: 'expose-fd' only supports 'listeners', not '${v}'`);
          ok = false;
        } else sock.exposeFdListeners = true;
        i++;
        break;
      }
      case 'process':
      case 'thread':
      case 'name':
      case 'severity-output':
        if (needValue() === undefined) break;
        i++;
        break;
      default:
        d.unsupported(`stats socket parameter '${p}'`);
        ok = false;
        return undefined;
    }
    if (!ok) return undefined;
  }
  return ok ? sock : undefined;
}
