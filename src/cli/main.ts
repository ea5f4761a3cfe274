// `hawser`: read the command line as haproxy does, load and check the
// configuration, then run the engine in this very process (no wrapper
// child: the PID that was started is the one that serves and logs).

import { spawn } from 'node:child_process';
import { availableParallelism, hostname } from 'node:os';
import { formatDiagnostic, loadConfig, type Config, type Diagnostic } from '../config/index.ts';
import { checkCluster, clusterCommands, clusterHtml, clusterMetrics, startCluster, type Cluster } from '../../cluster/index.ts';
import { createEventLogger } from '../events/index.ts';
import {
  Reloader,
  SystemdNotifier,
  Watchdog,
  debugDevLoop,
  readyStatus,
  summarize,
  watchdogInterval,
  type CheckedConfig,
  PidFile,
  dropPrivileges,
  resolveIdentity,
} from '../lifecycle/index.ts';
import { Engine, StartError, compileRouting, type CompiledRouting } from '../proxy/index.ts';
import { runCtl } from '../runtime/index.ts';
import { WorkerPool, planThreads } from '../threads/index.ts';
import { parseArgs, type CliOptions } from './args.ts';
import { buildInfo, runningOn } from './build-info.ts';
import { checkConditionArgument } from './check-condition.ts';
import { evalCondition } from './condition.ts';
import { memoryDebugHelpText } from './debug-memory.ts';
import { FEATURES } from './features.ts';
import { fullVersionText, versionText, COMPAT_VERSION } from './version.ts';

export async function main(argv: string[]): Promise<number> {
  // `hawser ctl CMD...`: a friendly client for the runtime API socket.
  if (argv[0] === 'ctl') return runCtl(argv.slice(1));
  // `hawser drill`: build a cluster in namespaces, break it, report (src/drill).
  if (argv[0] === 'drill') return (await import('../drill/cli.ts')).drillCommand(argv.slice(1));
  const parsed = parseArgs(argv, { hostname: hostname() });
  if (!parsed.ok) {
    if (parsed.showVersion) process.stdout.write(versionText(runningOn()));
    process.stderr.write(parsed.message);
    return parsed.exitCode;
  }
  const opts = parsed.options;
  for (const w of opts.warnings) process.stderr.write(`[WARNING] ${w}\n`);
  if (opts.changeDir !== undefined) {
    try {
      process.chdir(opts.changeDir);
    } catch (err) {
      process.stderr.write(`[ALERT]    (${process.pid}) : Could not change to directory ${opts.changeDir} : ${(err as Error).message}\n`);
      return 1;
    }
  }
  // haproxy exports it while reading its arguments: conditions and the config may use it.
  process.env.HAPROXY_LOCALPEER = opts.localPeer;
  switch (opts.action) {
    case 'version':
      process.stdout.write(versionText(runningOn()));
      return 0;
    case 'full-version':
      process.stdout.write(fullVersionText(FEATURES, buildInfo()));
      return 0;
    case 'check-condition':
      return checkCondition(opts);
    case 'memory-debug-help':
      process.stdout.write(memoryDebugHelpText());
      return 0;
    default:
      break;
  }
  const { config, routing, diagnostics } = await checkedConfig(opts);
  if (config !== undefined) diagnostics.push(...checkCluster(config, config.localName ?? opts.localPeer));
  printDiagnostics(diagnostics, opts);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (config === undefined || routing === undefined || errors > 0 || (opts.zeroWarning && warnings > 0)) {
    process.stderr.write(`[ALERT]    (${process.pid}) : Fatal errors found in configuration.\n`);
    return 1;
  }
  if (opts.action === 'check') {
    if (!opts.quiet) process.stdout.write('Configuration file is valid\n');
    return 0;
  }
  applyCommandLineLimits(config, opts);
  if (opts.memoryLimitMegs !== undefined && !opts.quiet) {
    // Node sizes its heap at start-up; a limit cannot be applied from inside.
    process.stderr.write(
      `[WARNING]  (${process.pid}) : -m ${opts.memoryLimitMegs}: memory limit not enforced by Hawser; use the service manager's (e.g. systemd MemoryMax=).\n`,
    );
  }
  if (opts.daemon && !opts.foreground && !opts.debug && process.env.HAWSER_DAEMONIZED !== '1') {
    return daemonize(argv);
  }

  // `user`/`group`: resolved now (an unknown name stops us before anything is bound), applied once all is bound.
  const identity = resolveIdentity(config.global);
  if (typeof identity === 'string') {
    process.stderr.write(`[ALERT]    (${process.pid}) : ${identity}\n`);
    return 1;
  }
  const events = createEventLogger({ debug: opts.debug, quiet: opts.quiet, nodeName: opts.localPeer });
  const engine = new Engine(config, routing, events);
  // A stop signal while the engine, the cluster and the nbthread workers start is kept, and acted on once the handlers below are in.
  const early: NodeJS.Signals[] = [];
  const keepers = (['SIGINT', 'SIGTERM', 'SIGUSR1'] as const).map((sig) => [sig, () => void early.push(sig)] as const);
  for (const [sig, keep] of keepers) process.on(sig, keep);
  try {
    await engine.start();
  } catch (err) {
    const problems = err instanceof StartError ? err.problems : [(err as Error).message];
    for (const p of problems) process.stderr.write(`[ALERT]    (${process.pid}) : ${p}\n`);
    return 1;
  }
  // The cluster part (VRRP, peers) joins once the engine serves; a VIP may arrive at once.
  let cluster: Cluster;
  try {
    const backends = { usableServers: (name: string) => engine.backends.get(name)?.usableCount };
    // Peers replicate the engine's tables, re-read at each reload (they are kept across it).
    cluster = await startCluster(config, config.localName ?? opts.localPeer, events, { backends, tables: () => engine.stickTables() });
  } catch (err) {
    process.stderr.write(`[ALERT]    (${process.pid}) : ${(err as Error).message}\n`);
    await engine.stop(false).catch(() => {});
    return 1;
  }
  engine.runtime.registry.add(...clusterCommands(cluster));
  engine.runtime.metricFamilies.push(clusterMetrics(cluster));
  engine.runtime.htmlSections.push(clusterHtml(cluster));
  // nbthread > 1: more workers on the same listeners, bound before privileges are dropped.
  const defaultThreads = defaultNbthread(process.env.HAWSER_DEFAULT_NBTHREAD ?? DEFAULT_NBTHREAD);
  const plan = planThreads(config.global.nbthread, replicatedTables(routing), defaultThreads);
  if (plan.warning !== null) events.warn({ event: 'nbthread-reduced', threads: plan.threads }, plan.warning);
  const nbthread = plan.threads;
  // `show info` and the metrics report the threads that run.
  config.global.nbthread = nbthread;
  let pool: WorkerPool | null = null;
  if (nbthread > 1) {
    try {
      pool = await WorkerPool.start({ engine, nbthread, events, defaultThreads, log: { debug: opts.debug, quiet: opts.quiet, nodeName: opts.localPeer } });
    } catch (err) {
      const problems = err instanceof StartError ? err.problems : [(err as Error).message];
      for (const p of problems) process.stderr.write(`[ALERT]    (${process.pid}) : ${p}\n`);
      await cluster.stop(false).then(() => engine.stop(false)).catch(() => {});
      return 1;
    }
  }
  const pidFile = new PidFile(opts.pidFile);
  try {
    pidFile.apply(config.global.pidfile);
  } catch (err) {
    process.stderr.write(`[ALERT]    (${process.pid}) : Cannot create pidfile ${pidFile.path}: ${(err as Error).message}\n`);
    await cluster.stop(false).then(() => engine.stop(false)).catch(() => {});
    return 1;
  }
  // Listeners, stats sockets and the raw VRRP socket are open: root is no longer needed.
  if (identity !== null) {
    pidFile.handTo(identity.uid, identity.gid);
    const failed = dropPrivileges(identity);
    if (failed !== null) {
      process.stderr.write(`[ALERT]    (${process.pid}) : ${failed}\n`);
      pidFile.remove();
      await cluster.stop(false).then(() => engine.stop(false)).catch(() => {});
      return 1;
    }
    events.info({ event: 'privileges-dropped', uid: identity.uid, gid: identity.gid }, `Running as ${identity.label} (uid ${identity.uid}, gid ${identity.gid})`);
  }
  // -sf / -st: the old processes finish (or stop) once we serve.
  if (opts.oldPidsSignal !== undefined) {
    for (const pid of opts.oldPids) {
      try {
        process.kill(pid, opts.oldPidsSignal);
      } catch {
        // already gone
      }
    }
  }
  // Under systemd: READY=1 once every listener is bound, and the watchdog from then on.
  const notifier = SystemdNotifier.fromEnv(process.env, (err) =>
    events.warn({ event: 'notify-failed', error: err.message }, `systemd notify: ${err.message}`),
  );
  const watchdogMs = notifier !== null ? watchdogInterval(process.env, process.pid) : null;
  const watchdog = notifier !== null && watchdogMs !== null ? new Watchdog(notifier, watchdogMs) : null;
  engine.runtime.registry.add(debugDevLoop);
  const reloader = new Reloader({
    engine,
    events,
    notifier,
    zeroWarning: opts.zeroWarning,
    load: async () => {
      const checked = await checkedConfig(opts);
      if (checked.config !== undefined) {
        applyCommandLineLimits(checked.config, opts);
        // A bad vrrp section fails the reload like any other error: nothing changes.
        checked.diagnostics.push(...checkCluster(checked.config, checked.config.localName ?? opts.localPeer));
      }
      return checked;
    },
    // VRRP settings follow the reload: unchanged routers are left alone, a master stays master.
    onReloaded: (next, nextRouting) => {
      void cluster.reload(next);
      // The workers follow (a few ms later); problems are logged, the main thread already serves the new file.
      void pool?.reload(next, replicatedTables(nextRouting));
      try {
        pidFile.apply(next.global.pidfile);
      } catch (err) {
        events.warn({ event: 'pidfile-failed', error: (err as Error).message }, `Cannot write pidfile: ${(err as Error).message}`);
      }
    },
  });
  // Signal handlers go in before `ready` is announced: whoever reads that line may signal at once.
  const done = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (graceful: boolean, why: string): void => {
      if (stopping) {
        if (!graceful) engine.stop(false).catch(() => {});
        return;
      }
      stopping = true;
      events.info({ event: 'stopping', graceful, signal: why }, `Stopping (${why})`);
      watchdog?.stop();
      notifier?.send('STOPPING=1', `STATUS=Stopping (${why})`);
      void reloader.close();
      const hardStopAfter = engine.config.global.hardStopAfter ?? 0;
      // The VIP leaves first (priority 0): new clients go to the next master while we drain.
      const stopped = (): Promise<unknown> => Promise.all([engine.stop(graceful, hardStopAfter), pool?.stop(graceful, hardStopAfter)]);
      cluster.stop(graceful).then(stopped).then(
        () => {
          pidFile.remove();
          events.info({ event: 'stopped' }, 'Hawser stopped');
          // STOPPING=1 should reach systemd before we exit; a stuck helper must not hold us.
          const flushed = notifier?.flush() ?? Promise.resolve();
          void Promise.race([flushed, new Promise((r) => setTimeout(r, 2000).unref())]).then(() => resolve(0));
        },
        () => resolve(1),
      );
    };
    process.on('SIGINT', () => stop(false, 'SIGINT'));
    process.on('SIGTERM', () => stop(true, 'SIGTERM'));
    process.on('SIGUSR1', () => stop(true, 'SIGUSR1'));
    // Reload: the same files, the same checks as start-up; a bad file changes nothing.
    const reload = (sig: string): void => {
      if (!stopping) reloader.request(sig);
    };
    process.on('SIGHUP', () => reload('SIGHUP'));
    process.on('SIGUSR2', () => reload('SIGUSR2'));
    for (const [sig, keep] of keepers) process.off(sig, keep);
    if (early.length > 0) queueMicrotask(() => stop(early[0] !== 'SIGINT', early[0]));
  });
  events.info({ event: 'ready', frontends: engine.frontends.size, backends: engine.backends.size }, 'Hawser ready');
  notifier?.send('READY=1', `STATUS=${readyStatus(summarize(engine))}`);
  watchdog?.start();
  return done;
}

/** Load and check the configuration: what start-up, `-c` and every reload run. */
async function checkedConfig(opts: CliOptions): Promise<CheckedConfig> {
  const { config, diagnostics } = await loadConfig(opts.configFiles, {
    env: process.env,
    localName: opts.localPeer,
    // `.if` / `.elif` use the same condition language as -cc.
    condition: (expr, env) => evalCondition(expr, { version: COMPAT_VERSION, features: FEATURES.flags, env }),
  });
  // ACLs and switching rules compile against the whole configuration (backends known).
  const routing = config !== undefined ? compileRouting(config) : undefined;
  if (routing !== undefined) diagnostics.push(...routing.diagnostics);
  return { config, routing, diagnostics };
}

/**
 * Threads without `nbthread`: 'cores' (os.availableParallelism(), as
 * HAProxy) or a number. HAWSER_DEFAULT_NBTHREAD overrides it (to try the
 * other default on a whole test suite).
 */
const DEFAULT_NBTHREAD = 'cores';

function defaultNbthread(v: string): number {
  if (v === 'cores') return availableParallelism();
  const n = Number.parseInt(v, 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Stick tables a `peers` section replicates (they keep nbthread at 1, see src/threads/plan.ts). */
function replicatedTables(routing: CompiledRouting): number {
  let n = 0;
  for (const t of routing.tables.configs.values()) if (t.peers !== undefined) n++;
  return n;
}

/** -n / -N override the file, at start and at every reload. */
function applyCommandLineLimits(config: Config, opts: CliOptions): void {
  if (opts.maxconn !== undefined) config.global.maxconn = opts.maxconn;
  if (opts.maxpconn !== undefined) {
    for (const fe of config.frontends.values()) fe.maxconn ??= opts.maxpconn;
  }
}

function checkCondition(opts: CliOptions): number {
  const r = checkConditionArgument(opts.condition ?? '', {
    version: COMPAT_VERSION,
    features: FEATURES.flags,
    env: process.env,
  });
  if (r.exitCode === 2) process.stderr.write(`[ALERT]    (${process.pid}) : config : ${r.message}\n`);
  return r.exitCode;
}

function printDiagnostics(diags: Diagnostic[], opts: CliOptions): void {
  for (const d of diags) {
    if (d.severity === 'warning' && opts.quiet) continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
}

/** -D: start a detached copy of ourselves and return; the copy writes the pidfile. */
function daemonize(argv: string[]): number {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, HAWSER_DAEMONIZED: '1' },
  });
  child.unref();
  return 0;
}
