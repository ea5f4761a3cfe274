// Commands about the process and the session: show info/stat/backend/servers
// state/version, the session level, and the process-wide and frontend limits
// and counters.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { HAWSER_RELEASE_DATE, HAWSER_VERSION } from '../cli/index.ts';
import { levelAllows, PERMISSION_DENIED, type Command, type CommandContext } from './commands.ts';
import { infoFields, showInfoJson, showInfoText, showInfoTyped } from './show-info.ts';
import { parseStatArgs, showStatCsv, showStatTyped, statRows } from './show-stat.ts';
import { showBackend, showServersState } from './servers-state.ts';
import { showServersConn } from './show-servers-conn.ts';
import { showPools, type MemoryArea } from './show-pools.ts';
import { showActivity } from './show-activity.ts';
import { showStatJson } from './show-stat-json.ts';

function info(ctx: CommandContext): Array<[string, string | number]> {
  return infoFields(ctx.host, {
    name: 'Hawser',
    version: HAWSER_VERSION,
    releaseDate: HAWSER_RELEASE_DATE,
    pid: process.pid,
    now: ctx.now,
    nbthread: ctx.host.config.global.nbthread ?? 1,
    ulimit: openFileLimit(),
    memoryBytes: process.memoryUsage.rss(),
    hostname: hostname(),
  });
}

/** The soft RLIMIT_NOFILE (HAProxy's Ulimit-n), read from /proc; 0 when unknown. */
function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

function statView(ctx: CommandContext) {
  return { host: ctx.host, healthDisabled: ctx.state.healthDisabled, now: ctx.now };
}

/** Lets held connections in now that a limit was raised. */
function admitHeld(ctx: CommandContext): void {
  for (const fe of ctx.host.frontends.values()) {
    for (let i = 0; i < 100_000 && fe.admitHeld(); i++);
  }
}

export const processCommands: Command[] = [
  {
    words: ['show', 'info'],
    usage: 'show info [desc|json|typed|float]*',
    help: 'report information about the running process',
    level: 'user',
    run: (a, ctx) => (a.includes('json') ? showInfoJson(info(ctx)) : a.includes('typed') ? showInfoTyped(info(ctx)) : showInfoText(info(ctx))),
  },
  {
    words: ['show', 'stat'],
    usage: 'show stat [desc|json|no-maint|typed|up]*',
    help: 'report counters for each proxy and server',
    level: 'user',
    run: (a, ctx) => {
      const f = parseStatArgs(a, new Set([...ctx.host.frontends.keys(), ...ctx.host.backends.keys()]));
      if (typeof f === 'string') return f;
      if (a.includes('json')) return showStatJson(statRows(statView(ctx), f));
      if (a.includes('typed')) return showStatTyped(statView(ctx), f);
      return showStatCsv(statView(ctx), f);
    },
  },
  {
    words: ['show', 'servers', 'state'],
    usage: 'show servers state [<backend>]',
    help: 'dump volatile server information (all or for a single backend)',
    level: 'user',
    run: (a, ctx) => {
      if (a[0] !== undefined && !ctx.host.backends.has(a[0])) return "Can't find backend.\n";
      return showServersState(ctx.host, ctx.state.healthDisabled, ctx.now, a[0]);
    },
  },
  {
    words: ['show', 'servers', 'conn'],
    usage: 'show servers conn [<backend>]',
    help: 'dump server connections status (all or for a single backend)',
    level: 'user',
    run: (a, ctx) => {
      if (a[0] !== undefined && !ctx.host.backends.has(a[0])) return "Can't find backend.\n";
      return showServersConn(ctx.host, a[0]);
    },
  },
  {
    words: ['show', 'pools'],
    usage: 'show pools',
    help: 'report information about the memory pools usage',
    level: 'user',
    run: () => {
      const areas: MemoryArea[] = getHeapSpaceStatistics().map((h) => ({ name: h.space_name, size: h.space_size, used: h.space_used_size }));
      const m = process.memoryUsage();
      areas.push({ name: 'external', size: m.external, used: m.external }, { name: 'array_buffers', size: m.arrayBuffers, used: m.arrayBuffers });
      return showPools(areas);
    },
  },
  {
    words: ['show', 'activity'],
    usage: 'show activity',
    help: 'show per-thread activity stats (for support/developers)',
    level: 'user',
    run: (_a, ctx) => {
      const r = process.resourceUsage();
      const elu = performance.eventLoopUtilization();
      return showActivity({
        now: Date.now(),
        ctxsw: r.voluntaryContextSwitches + r.involuntaryContextSwitches,
        accepted: ctx.host.counters.cumConns,
        loopActiveMs: elu.active,
        loopIdleMs: elu.idle,
      });
    },
  },
  {
    words: ['show', 'backend'],
    usage: 'show backend',
    help: 'list backends in the current running config',
    level: 'user',
    run: (_a, ctx) => showBackend(ctx.host),
  },
  {
    words: ['show', 'version'],
    usage: 'show version',
    help: 'show version of the current process',
    level: 'user',
    run: () => `${HAWSER_VERSION}\n`,
  },
  {
    words: ['show', 'cli', 'level'],
    usage: 'show cli level',
    help: 'display the level of the current CLI session',
    level: 'user',
    run: (_a, ctx) => `${ctx.level}\n`,
  },
  {
    words: ['operator'],
    usage: 'operator',
    help: 'lower the level of the current CLI session to operator',
    level: 'user',
    run: (_a, ctx) => {
      if (!levelAllows(ctx.level, 'operator')) return PERMISSION_DENIED;
      ctx.level = 'operator';
      return '';
    },
  },
  {
    words: ['user'],
    usage: 'user',
    help: 'lower the level of the current CLI session to user',
    level: 'user',
    run: (_a, ctx) => {
      ctx.level = 'user';
      return '';
    },
  },
  {
    words: ['set', 'maxconn', 'frontend'],
    usage: 'set maxconn frontend <frontend> <value>',
    help: "change a frontend's maxconn setting",
    level: 'admin',
    run: (a, ctx) => {
      if (a[0] === undefined) return 'Frontend name expected.\n';
      const fe = ctx.host.frontends.get(a[0]);
      if (fe === undefined) return 'No such frontend.\n';
      if (a[1] === undefined) return 'Integer value expected.\n';
      const v = Number.parseInt(a[1], 10) || 0;
      if (v < 0) return 'Value out of range.\n';
      fe.maxconn = v;
      admitHeld(ctx);
      return '';
    },
  },
  {
    words: ['set', 'maxconn', 'global'],
    usage: 'set maxconn global <value>',
    help: 'change the per-process maxconn setting',
    level: 'admin',
    run: (a, ctx) => {
      if (a[0] === undefined) return 'Expects an integer value.\n';
      const hard = ctx.host.config.global.maxconn ?? 0;
      let v = Number.parseInt(a[0], 10) || 0;
      if ((hard > 0 && v > hard) || v < 0) return 'Value out of range.\n';
      if (v === 0) v = hard;
      ctx.host.counters.maxconn = v;
      admitHeld(ctx);
      return '';
    },
  },
  {
    words: ['clear', 'counters'],
    usage: 'clear counters [all]',
    help: 'clear max statistics counters (or all counters)',
    level: 'operator',
    run: (a, ctx) => {
      const all = a[0] === 'all';
      if (all && !levelAllows(ctx.level, 'admin')) return PERMISSION_DENIED;
      clearCounters(ctx, all);
      return '';
    },
  },
];

function clearCounters(ctx: CommandContext, all: boolean): void {
  const c = ctx.host.counters;
  c.maxActive = c.active;
  for (const fe of ctx.host.frontends.values()) {
    fe.maxActive = fe.active;
    if (!all) continue;
    fe.cumConns = fe.cumRequests = fe.deniedReq = fe.failedReq = fe.bytesIn = fe.bytesOut = 0;
    fe.deniedConn = fe.deniedSess = 0;
    fe.responses.fill(0);
  }
  for (const be of ctx.host.backends.values()) {
    be.maxActive = be.active;
    be.queue.max = be.queue.length;
    for (const s of be.servers) {
      s.maxActive = s.active;
      if (!all) continue;
      s.cumConns = s.failedConns = s.failedResp = s.retries = s.redispatches = s.bytesIn = s.bytesOut = 0;
      s.downTransitions = 0;
      s.responses.fill(0);
    }
    if (!all) continue;
    be.cumConns = be.cumRequests = be.failedConns = be.failedResp = be.retriesCount = be.redispatches = 0;
    be.bytesIn = be.bytesOut = 0;
    be.responses.fill(0);
  }
  if (all) {
    c.cumConns = 0;
    c.cumRequests = 0;
  }
}
