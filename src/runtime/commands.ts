// The runtime API's command registry: each command's words, its line in
// `help` (HAProxy's wording), the access level it needs, and its handler.
// Dispatch, the level check and the "Unknown command" answers live here.

import type { RuntimeServer } from '../backend/index.ts';
import type { RuntimeHost } from './host.ts';
import type { CliView } from './show-sess.ts';
import type { RemoteDetails } from './thread-sync.ts';
import { addToFingerprint, emptyFingerprint, fingerprintDistance } from './word-fingerprint.ts';

export type Level = 'user' | 'operator' | 'admin';

const RANK: Readonly<Record<Level, number>> = { user: 1, operator: 2, admin: 3 };

export function levelAllows(have: Level, need: Level): boolean {
  return RANK[have] >= RANK[need];
}

/** Mutable state the runtime API keeps beside the engine. */
export interface RuntimeState {
  /** Servers whose health check was disabled with `disable health`. */
  readonly healthDisabled: Set<RuntimeServer>;
  /** The CLI connections open now (`show sess` lists them, as HAProxy does). */
  readonly cli: Set<CliView>;
}

/** What a handler may touch: the process, and its own CLI session. */
export interface CommandContext {
  readonly host: RuntimeHost;
  readonly state: RuntimeState;
  readonly now: number;
  level: Level;
  interactive: boolean;
  /** Set to close the session after this answer. */
  quit: boolean;
  /** Set by `set timeout cli`: the session's new idle timeout. */
  cliTimeoutMs?: number;
  /** nbthread > 1: the other workers' sessions and error captures (`show sess`, `show errors`). */
  remote?: RemoteDetails;
}

export interface Command {
  readonly words: readonly string[];
  readonly usage: string;
  readonly help: string;
  readonly level: Level;
  /** Left out of help and proposals (HAProxy lists such commands in expert mode only). */
  readonly expert?: boolean;
  /** The answer text, without the blank line that ends every answer. */
  run(args: string[], ctx: CommandContext): string;
}

export const PERMISSION_DENIED = 'Permission denied\n';

/** help, prompt and quit close every help list, as in HAProxy. */
const TAIL: ReadonlyArray<[string, string]> = [
  ['help [<command>]', 'list matching or all commands'],
  ['prompt', 'toggle interactive mode with prompt'],
  ['quit', 'disconnect'],
];

/** HAProxy looks at the first five words of a command, and proposes at most five. */
const PREFIX_WORDS = 5;
const MAX_MATCHES = 5;

function helpLine(usage: string, help: string): string {
  return `  ${usage.padEnd(40)}: ${help}\n`;
}

function lineOf(c: Command): string {
  return helpLine(c.usage, c.help);
}

export class CommandRegistry {
  private readonly commands: Command[] = [];

  add(...cmds: Command[]): void {
    this.commands.push(...cmds);
    this.commands.sort((a, b) => (a.usage < b.usage ? -1 : a.usage > b.usage ? 1 : 0));
  }

  /** The command whose words begin `args`, the longest match winning. */
  find(args: readonly string[]): Command | undefined {
    let best: Command | undefined;
    for (const c of this.commands) {
      if (c.words.length > args.length) continue;
      if (!c.words.every((w, i) => w === args[i])) continue;
      if (best === undefined || c.words.length > best.words.length) best = c;
    }
    return best;
  }

  /** Runs one command (already split into words) and returns its answer. */
  execute(args: string[], ctx: CommandContext): string {
    if (args[0] === 'help') return this.usage(args.slice(1), true);
    const cmd = this.find(args);
    if (cmd === undefined) return this.usage(args, false);
    if (!levelAllows(ctx.level, cmd.level)) return PERMISSION_DENIED;
    return cmd.run(args.slice(cmd.words.length), ctx);
  }

  helpText(filter: string[] = []): string {
    return this.usage(filter, true);
  }

  unknown(args: readonly string[]): string {
    return this.usage(args, false);
  }

  /**
   * HAProxy 2.6's cli_gen_usage_msg: the commands whose leading words match
   * the most of `args`; when a word follows that no command has there, the
   * closest ones by word fingerprint (at most five, none much worse than the
   * best), else all of them. Expert commands are not listed, as in HAProxy
   * outside expert mode.
   */
  private usage(args: readonly string[], isHelp: boolean): string {
    const visible = this.commands.filter((c) => c.expert !== true);
    const given = (i: number): string | undefined => (args[i] !== undefined && args[i] !== '' ? args[i] : undefined);
    const matching = (c: Command, upTo: number): number => {
      let i = 0;
      while (i < upTo && i < PREFIX_WORDS && c.words[i] !== undefined && given(i) !== undefined && c.words[i] === args[i]) i++;
      return i;
    };
    let length = 0;
    for (const c of visible) length = Math.max(length, matching(c, PREFIX_WORDS));
    let out = isHelp
      ? 'The following commands are valid at this level:\n'
      : length === 0 && given(0) === undefined
        ? 'Unknown command. Please enter one of the following commands only:\n'
        : 'Unknown command, but maybe one of the following ones is a better match:\n';
    const matches: Array<{ c: Command; dist: number }> = [];
    if (given(length) !== undefined) {
      const typed = emptyFingerprint();
      let typedLen = 0;
      for (let i = length; i < PREFIX_WORDS && given(i) !== undefined; i++) {
        addToFingerprint(typed, args[i]);
        typedLen += args[i].length;
      }
      for (const c of visible) {
        if (matching(c, length) !== length) continue;
        const fp = emptyFingerprint();
        let total = typedLen;
        for (let i = length; i < PREFIX_WORDS && i < c.words.length; i++) {
          addToFingerprint(fp, c.words[i]);
          total += c.words[i].length;
        }
        const dist = fingerprintDistance(typed, fp);
        const worst = matches.length < MAX_MATCHES ? Infinity : matches[MAX_MATCHES - 1].dist;
        if (dist >= Math.floor((5 * total) / 2) || dist >= worst) continue;
        // Ties keep the earlier command first, as HAProxy's insertion does.
        let at = matches.length;
        while (at > 0 && matches[at - 1].dist > dist) at--;
        matches.splice(at, 0, { c, dist });
        if (matches.length > MAX_MATCHES) matches.pop();
      }
    }
    let entries: Command[];
    if (matches.length > 0) {
      const limit = Math.floor((5 * matches[0].dist) / 2);
      entries = matches.filter((m) => m.dist <= limit).map((m) => m.c);
    } else {
      entries = visible.filter((c) => matching(c, length) === length);
    }
    const lines = entries.map(lineOf).sort();
    out += lines.join('');
    for (const [u, h] of TAIL) out += helpLine(u, h);
    return out;
  }
}
