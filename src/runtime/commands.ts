// The runtime API's command registry: each command's words, its line in
// `help` (HAProxy's wording), the access level it needs, and its handler.
// Dispatch, the level check and the "Unknown command" answers live here.

import type { RuntimeServer } from '../backend/index.ts';
import type { RuntimeHost } from './host.ts';

export type Level = 'user' | 'operator' | 'admin';

const RANK: Readonly<Record<Level, number>> = { user: 1, operator: 2, admin: 3 };

export function levelAllows(have: Level, need: Level): boolean {
  return RANK[have] >= RANK[need];
}

/** Mutable state the runtime API keeps beside the engine. */
export interface RuntimeState {
  /** Servers whose health check was disabled with `disable health`. */
  readonly healthDisabled: Set<RuntimeServer>;
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
}

export interface Command {
  readonly words: readonly string[];
  readonly usage: string;
  readonly help: string;
  readonly level: Level;
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

function helpLine(usage: string, help: string): string {
  return `  ${usage.padEnd(40)}: ${help}\n`;
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
    if (args.length === 1 && args[0] === 'help') return this.helpText();
    if (args[0] === 'help') return this.helpText(args.slice(1));
    const cmd = this.find(args);
    if (cmd === undefined) return this.unknown(args);
    if (!levelAllows(ctx.level, cmd.level)) return PERMISSION_DENIED;
    return cmd.run(args.slice(cmd.words.length), ctx);
  }

  helpText(filter?: string[]): string {
    if (filter !== undefined && filter.length > 0) {
      const matches = this.commands.filter((c) => filter.every((w, i) => c.words[i] === undefined || c.words[i] === w));
      if (matches.length > 0) return 'The following commands are valid at this level:\n' + this.lines(matches);
    }
    return 'The following commands are valid at this level:\n' + this.lines(this.commands);
  }

  /**
   * HAProxy proposes the commands closest to what was typed; we propose the
   * ones that share the longest run of leading words, else list them all.
   */
  unknown(args: readonly string[]): string {
    let bestLen = 0;
    let best: Command[] = [];
    for (const c of this.commands) {
      let n = 0;
      while (n < c.words.length && n < args.length && c.words[n] === args[n]) n++;
      if (n === 0) continue;
      if (n > bestLen) {
        bestLen = n;
        best = [c];
      } else if (n === bestLen) best.push(c);
    }
    if (best.length > 0) return 'Unknown command, but maybe one of the following ones is a better match:\n' + this.lines(best);
    return 'Unknown command. Please enter one of the following commands only:\n' + this.lines(this.commands);
  }

  private lines(cmds: readonly Command[]): string {
    let s = '';
    for (const c of cmds) s += helpLine(c.usage, c.help);
    for (const [u, h] of TAIL) s += helpLine(u, h);
    return s;
  }
}
