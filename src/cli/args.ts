// Hawser's command line, read the way haproxy 2.6 reads its own, so that init
// scripts, configuration management and test harnesses written for haproxy
// drive hawser unchanged. Pure: argv and the host name in, options or a
// usage error out; main.ts does the printing, chdir and exiting.
//
// HAProxy's quirks are kept on purpose, because they decide what a given
// command line means:
// - a flag is recognised by its first one or two letters ("-vfoo" is -v,
//   "-dX" for an unknown X is -d, "-Wfoo" is -W);
// - options taking a value take the NEXT argument, whatever follows the
//   letter: "-fFOO bar.cfg" loads bar.cfg (there is no joined "-fFILE" form);
// - -v/-vv and -dMhelp act at once, ignoring the rest of the line;
// - -sf/-st take every following argument up to the next one starting
//   with '-';
// - "--" makes every remaining argument a configuration file.
// One deliberate difference: -n, -N and -m must be plain numbers (haproxy's
// atol() silently reads "abc" as 0).

import { parseMemoryDebug } from './debug-memory.ts';
import { isCSpace, strtol } from './c-number.ts';

export type CliAction =
  /** Load the configuration and run. */
  | 'run'
  /** -c: check the configuration and exit. */
  | 'check'
  /** -cc EXPR: evaluate a condition and exit 0 (true), 1 (false) or 2 (error). */
  | 'check-condition'
  /** -v */
  | 'version'
  /** -vv */
  | 'full-version'
  /** -dMhelp: print memoryDebugHelpText() and exit 0. */
  | 'memory-debug-help';

/** Event-loop features that `-de -dp -dS -dG -dR` turn off (HAProxy's nopoll, nosplice, ... keywords). */
export interface DisabledFeatures {
  epoll: boolean;
  poll: boolean;
  splice: boolean;
  getaddrinfo: boolean;
  reuseport: boolean;
}

export interface CliOptions {
  action: CliAction;
  /** -f FILE|DIR (several), then everything after `--`, in command-line order. Directories are not expanded here. */
  configFiles: string[];
  /** -cc EXPR, as given (checkConditionArgument() expands it). */
  condition: string | undefined;
  /** -L NAME, else the host name. Export it as HAPROXY_LOCALPEER, as haproxy does. */
  localPeer: string;
  localPeerFromCommandLine: boolean;
  /** -p */
  pidFile: string | undefined;
  /** -C: chdir here before loading files (and before evaluating -cc). */
  changeDir: string | undefined;
  /** -n: global maxconn. */
  maxconn: number | undefined;
  /** -N: default per-proxy maxconn. */
  maxpconn: number | undefined;
  /** -m: memory limit in megabytes. */
  memoryLimitMegs: number | undefined;
  /** -d (or any unrecognised -dX): foreground with debug logs. */
  debug: boolean;
  /** -db, -Ws: do not go to background. */
  foreground: boolean;
  /** -D */
  daemon: boolean;
  /** -W, -Ws */
  masterWorker: boolean;
  /** -Ws: notify systemd (Type=notify). */
  systemd: boolean;
  /** -q */
  quiet: boolean;
  /** -V */
  verbose: boolean;
  /** -dD: warn about suspicious configuration statements. */
  diagnostic: boolean;
  /** -dW: any warning is fatal. */
  zeroWarning: boolean;
  /** -dV: no SSL verification of servers. */
  sslVerifyNone: boolean;
  /** -dr: a server address that does not resolve is not fatal. */
  resolveDontFail: boolean;
  /** -dL: dump loaded object files after the configuration check. */
  dumpLibs: boolean;
  /** -dK<classes>: dump registered keywords ('' for -dK alone). */
  dumpKeywords: string | undefined;
  /** Each -dM argument (after "dM"), checked and recorded; no effect in Hawser. */
  memoryDebug: string[];
  disabled: DisabledFeatures;
  /** -sf / -st PID...: old processes to signal once started. */
  oldPids: number[];
  /** SIGUSR1 for -sf (finish), SIGTERM for -st (terminate); the last of the two given wins, as in haproxy. */
  oldPidsSignal: 'SIGUSR1' | 'SIGTERM' | undefined;
  /** -x SOCKET: where to fetch listening sockets from the old process. */
  socketTransfer: string | undefined;
  /** -S BIND[,options]: master CLI listeners. */
  masterCli: string[];
  /** Non-fatal remarks to print as warnings (e.g. a repeated -x). */
  warnings: string[];
}

export type CliErrorCode =
  | 'HAWSER_CLI_USAGE'
  | 'HAWSER_CLI_UNKNOWN_OPTION'
  | 'HAWSER_CLI_UNEXPECTED_ARGUMENT'
  | 'HAWSER_CLI_MISSING_ARGUMENT'
  | 'HAWSER_CLI_NO_CONFIG'
  | 'HAWSER_CLI_BAD_NUMBER'
  | 'HAWSER_CLI_BAD_PID'
  | 'HAWSER_CLI_BAD_DEBUG_MEMORY';

export type ParseResult =
  | { ok: true; options: CliOptions }
  | {
      ok: false;
      code: CliErrorCode;
      /** Everything to write to stderr (ends with a newline; includes the usage text when `showVersion`). */
      message: string;
      exitCode: number;
      /** Like haproxy's usage screen: print versionText() on stdout before the message. */
      showVersion: boolean;
    };

export interface ArgsEnvironment {
  /** The default for -L. */
  hostname: string;
}

/** haproxy's `-h` screen, with Hawser's name and Hawser's truth where the two differ. */
export function usageText(progname = 'hawser'): string {
  return `Usage : ${progname} [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -N <maxpconn> ]
        [ -p <pidfile> ] [ -m <max megs> ] [ -C <dir> ] [-- <cfgfile>*]
        -v displays version ; -vv shows known build options.
        -d enters debug mode ; -db only disables background mode.
        -dM[<byte>,help,...] debug memory (accepted for compatibility, no effect)
        -V enters verbose mode (disables quiet mode)
        -D goes daemon ; -C changes to <dir> before loading files.
        -W master-worker mode.
        -Ws master-worker mode with systemd notify support.
        -q quiet mode : don't display messages
        -c check mode : only check config files and exit
        -cc check condition : evaluate a condition and exit
        -n sets the maximum total # of connections (uses ulimit -n)
        -m limits the usable amount of memory (in MB)
        -N sets the default, per-proxy maximum # of connections (0)
        -L set local peer name (default to hostname)
        -p writes the process id to this file
        -de disables epoll() usage even when available
        -dp disables poll() usage even when available
        -dS disables splice usage (broken on old kernels)
        -dG disables getaddrinfo() usage
        -dR disables SO_REUSEPORT usage
        -dL dumps loaded object files after config checks
        -dK{class[,...]} dump registered keywords (use 'help' for list)
        -dr ignores server address resolution failures
        -dV disables SSL verify on servers side
        -dW fails if any warning is emitted
        -dD diagnostic mode : warn about suspicious configuration statements
        -sf/-st [pid ]* finishes/terminates old pids.
        -x <unix_socket> get listening sockets from a unix socket
        -S <bind>[,<bind options>...] new master CLI
`;
}

function defaultOptions(hostname: string): CliOptions {
  return {
    action: 'run',
    configFiles: [],
    condition: undefined,
    localPeer: hostname,
    localPeerFromCommandLine: false,
    pidFile: undefined,
    changeDir: undefined,
    maxconn: undefined,
    maxpconn: undefined,
    memoryLimitMegs: undefined,
    debug: false,
    foreground: false,
    daemon: false,
    masterWorker: false,
    systemd: false,
    quiet: false,
    verbose: false,
    diagnostic: false,
    zeroWarning: false,
    sslVerifyNone: false,
    resolveDontFail: false,
    dumpLibs: false,
    dumpKeywords: undefined,
    memoryDebug: [],
    disabled: { epoll: false, poll: false, splice: false, getaddrinfo: false, reuseport: false },
    oldPids: [],
    oldPidsSignal: undefined,
    socketTransfer: undefined,
    masterCli: [],
    warnings: [],
  };
}

class UsageError {
  code: CliErrorCode;
  reason: string;
  withUsage: boolean;
  constructor(code: CliErrorCode, reason: string, withUsage = true) {
    this.code = code;
    this.reason = reason;
    this.withUsage = withUsage;
  }
}

const PLAIN_NUMBER = /^[0-9]+$/;
const INT_MAX = 2 ** 31 - 1;

/**
 * Reads hawser's arguments (without the node/script prefix).
 *
 * @example
 *   parseArgs(['-c', '-f', '/etc/hawser/hawser.cfg'], { hostname: 'lb1' })
 *   // => { ok: true, options: { action: 'check', configFiles: ['/etc/hawser/hawser.cfg'], localPeer: 'lb1', ... } }
 */
export function parseArgs(argv: readonly string[], env: ArgsEnvironment): ParseResult {
  try {
    return { ok: true, options: readArgs(argv, env) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const head = e.reason === '' ? '' : `${e.code} ${e.reason}\n`;
    return {
      ok: false,
      code: e.code,
      message: e.withUsage ? `${head}${head === '' ? '' : '\n'}${usageText()}` : head,
      exitCode: 1,
      showVersion: e.withUsage,
    };
  }
}

function readArgs(argv: readonly string[], env: ArgsEnvironment): CliOptions {
  const o = defaultOptions(env.hostname);
  let check = false;
  let checkCondition = false;

  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg[0] !== '-') {
      throw new UsageError('HAWSER_CLI_UNEXPECTED_ARGUMENT',
        `unexpected argument '${arg}' (configuration files go after -f, or after --)`);
    }
    const f0 = arg[1];
    const f1 = arg[2];

    if (f0 === 'v') {
      o.action = f1 === 'v' ? 'full-version' : 'version';
      return o;
    } else if (f0 === 'd') {
      switch (f1) {
        case 'e': o.disabled.epoll = true; break;
        case 'p': o.disabled.poll = true; break;
        case 'S': o.disabled.splice = true; break;
        case 'G': o.disabled.getaddrinfo = true; break;
        case 'R': o.disabled.reuseport = true; break;
        case 'V': o.sslVerifyNone = true; break;
        case 'b': o.foreground = true; break;
        case 'D': o.diagnostic = true; break;
        case 'W': o.zeroWarning = true; break;
        case 'r': o.resolveDontFail = true; break;
        case 'L': o.dumpLibs = true; break;
        case 'K': o.dumpKeywords = arg.slice(3); break;
        case 'M': {
          const spec = arg.slice(3);
          const r = parseMemoryDebug(spec);
          if (r.kind === 'help') {
            o.action = 'memory-debug-help';
            return o;
          }
          if (r.kind === 'error') throw new UsageError('HAWSER_CLI_BAD_DEBUG_MEMORY', r.message, false);
          o.memoryDebug.push(spec);
          break;
        }
        // "-d" and every "-dX" not listed above, as in haproxy.
        default: o.debug = true;
      }
    } else if (f0 === 'c' && f1 === 'c') {
      checkCondition = true;
      i++;
      o.condition = argv[i];
    } else if (f0 === 'c') {
      check = true;
    } else if (f0 === 'V') {
      o.verbose = true;
    } else if (f0 === 'D') {
      o.daemon = true;
    } else if (f0 === 'W') {
      o.masterWorker = true;
      if (f1 === 's') {
        o.foreground = true;
        o.systemd = true;
      }
    } else if (f0 === 'q') {
      o.quiet = true;
    } else if (f0 === 'x') {
      if (i + 1 >= argv.length) {
        throw new UsageError('HAWSER_CLI_MISSING_ARGUMENT', 'Unix socket path expected with the -x flag');
      }
      if (o.socketTransfer !== undefined) o.warnings.push('-x option already set, overwriting the value');
      o.socketTransfer = argv[++i];
    } else if (f0 === 'S') {
      if (i + 1 >= argv.length) {
        throw new UsageError('HAWSER_CLI_MISSING_ARGUMENT',
          'Socket and optional bind parameters expected with the -S flag');
      }
      o.masterCli.push(argv[++i]!);
    } else if (f0 === 's' && (f1 === 'f' || f1 === 't')) {
      o.oldPidsSignal = f1 === 'f' ? 'SIGUSR1' : 'SIGTERM';
      while (i + 1 < argv.length && argv[i + 1]![0] !== '-') {
        o.oldPids.push(readPid(`-s${f1}`, argv[++i]!));
      }
    } else if (f0 === '-' && f1 === undefined) {
      o.configFiles.push(...argv.slice(i + 1));
      break;
    } else {
      readValueOption(o, arg, argv, i);
      i++;
    }
    i++;
  }

  if (checkCondition) {
    if (o.condition === undefined) {
      throw new UsageError('HAWSER_CLI_MISSING_ARGUMENT', 'a condition is expected after -cc');
    }
    o.action = 'check-condition';
  } else {
    if (check) o.action = 'check';
    if (o.configFiles.length === 0) {
      throw new UsageError('HAWSER_CLI_NO_CONFIG', 'no configuration file given (use -f FILE or -f DIR)');
    }
  }
  return o;
}

/** The options whose value is the next argument: -C -n -m -N -L -f -p. */
function readValueOption(o: CliOptions, arg: string, argv: readonly string[], i: number): void {
  const flag = arg[1];
  const known = flag !== undefined && 'CnmNLfp'.includes(flag);
  if (!known) {
    // Asking for help is not an error worth a line of its own.
    if (arg === '-h' || arg === '--help') throw new UsageError('HAWSER_CLI_USAGE', '');
    throw new UsageError('HAWSER_CLI_UNKNOWN_OPTION', `unknown option '${arg}'`);
  }
  const value = argv[i + 1];
  if (value === undefined) {
    throw new UsageError('HAWSER_CLI_MISSING_ARGUMENT', `option -${flag} expects a value`);
  }
  switch (flag) {
    case 'C': o.changeDir = value; break;
    case 'n': o.maxconn = readNumber('-n', value); break;
    case 'm': o.memoryLimitMegs = readNumber('-m', value); break;
    case 'N': o.maxpconn = readNumber('-N', value); break;
    case 'L':
      o.localPeer = value;
      o.localPeerFromCommandLine = true;
      break;
    case 'f': o.configFiles.push(value); break;
    case 'p': o.pidFile = value; break;
  }
}

function readNumber(flag: string, value: string): number {
  if (!PLAIN_NUMBER.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw new UsageError('HAWSER_CLI_BAD_NUMBER', `option ${flag} expects a number, not '${value}'`);
  }
  return Number(value);
}

/** One PID after -sf/-st, read like haproxy's strtol(): trailing blanks are fine, other leftovers are not. */
function readPid(flag: string, text: string): number {
  const n = strtol(text, 0, 10);
  let rest = n.end;
  while (isCSpace(text[rest])) rest++;
  if (rest < text.length) {
    throw new UsageError('HAWSER_CLI_BAD_PID', `${flag} option: some bytes unconsumed in PID list {${text.slice(rest)}}`, false);
  }
  if (n.value <= 0n) throw new UsageError('HAWSER_CLI_BAD_PID', `${flag} option: '${text}' is not a process id`);
  if (n.value > BigInt(INT_MAX)) {
    throw new UsageError('HAWSER_CLI_BAD_PID', `${flag} option: failed to parse {${text}}: Numerical result out of range`, false);
  }
  return Number(n.value);
}
