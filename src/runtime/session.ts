// One runtime API connection: HAProxy's line protocol. A line holds one or
// more commands separated by `;`; every answer ends with a blank line; in
// interactive mode (`prompt`) a `> ` follows each answer and the connection
// stays open, otherwise it closes once the pending input is answered.

import type { Socket } from 'node:net';
import type { CommandContext, CommandRegistry, Level, RuntimeState } from './commands.ts';
import type { RuntimeHost } from './host.ts';
import type { CliView } from './show-sess.ts';
import type { ThreadSync } from './thread-sync.ts';

let lastCliId = 0;

/** HAProxy's CLI input buffer is one buffer (16 kB); longer lines are refused by closing. */
const MAX_LINE = 64 * 1024;

/** Splits a line into commands on unescaped `;`, and each into words on blanks (`\` escapes). */
export function splitCommands(line: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === ';') {
      if (inWord) words.push(word);
      cmds.push(words);
      words = [];
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  cmds.push(words);
  return cmds;
}

/**
 * Answers one input line: the concatenated answers of its commands, each
 * ended by "\n" (and "> " when interactive). Pure apart from the commands'
 * own effects on the host.
 */
export function answerLine(line: string, registry: CommandRegistry, ctx: CommandContext): string {
  let out = '';
  const cmds = splitCommands(line.endsWith('\r') ? line.slice(0, -1) : line);
  // An empty line in interactive mode just prompts again.
  if (ctx.interactive && cmds.length === 1 && cmds[0].length === 0) return '> ';
  for (const args of cmds) {
    if (args.length === 1 && args[0] === 'quit') {
      ctx.quit = true;
      return out;
    }
    if (args.length === 1 && args[0] === 'prompt') {
      ctx.interactive = !ctx.interactive;
      out += ctx.interactive ? '\n> ' : '\n';
      continue;
    }
    if (args.length === 0 && cmds.length > 1) continue;
    out += registry.execute(args, ctx) + '\n';
    if (ctx.interactive) out += '> ';
  }
  return out;
}

/** Commands that list what every worker holds, not only counts (their answers wait for it). */
const WANTS_DETAILS = /\bshow\s+(sess|errors)\b/;

export class CliSession {
  private readonly socket: Socket;
  private readonly registry: CommandRegistry;
  private readonly host: RuntimeHost;
  private readonly state: RuntimeState;
  private readonly ctx: { level: Level; interactive: boolean };
  private buf = '';
  private closed = false;
  private readonly view: CliView;
  /** nbthread > 1: answers wait for the other workers' counters, and changes reach them before the answer is sent. */
  private readonly threads: () => ThreadSync | null;
  /** Lines answered one after the other when answering is asynchronous. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    socket: Socket,
    registry: CommandRegistry,
    host: RuntimeHost,
    state: RuntimeState,
    level: Level,
    timeoutMs: number,
    threads: () => ThreadSync | null = () => null,
  ) {
    this.socket = socket;
    this.threads = threads;
    this.registry = registry;
    this.host = host;
    this.state = state;
    this.ctx = { level, interactive: false };
    // HAProxy numbers its own CLI streams among the others; ours live apart from the proxies' sessions.
    this.view = { id: 0x7f000000 + ++lastCliId, since: Date.now(), src: socket.remoteAddress ?? 'unix', srcPort: socket.remotePort ?? 1 };
    state.cli.add(this.view);
    socket.setEncoding('latin1');
    socket.setTimeout(timeoutMs);
    socket.on('timeout', () => this.close());
    socket.on('error', () => this.close());
    socket.on('data', (d: string) => this.onData(d));
    socket.on('end', () => this.onEnd());
  }

  private onData(d: string): void {
    if (this.closed) return;
    this.buf += d;
    const t = this.threads();
    if (t !== null) {
      this.queue = this.queue.then(() => this.answerAllSynced(t, false));
      return;
    }
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (!this.answer(line)) return;
    }
    if (this.buf.length > MAX_LINE) this.close();
    else if (!this.ctx.interactive && this.buf.length === 0) this.close();
  }

  /** onData and onEnd when several workers serve: the same, one line at a time, with the workers in step. */
  private async answerAllSynced(t: ThreadSync, ended: boolean): Promise<void> {
    try {
      let nl: number;
      while (!this.closed && ((nl = this.buf.indexOf('\n')) >= 0 || (ended && this.buf.length > 0))) {
        const line = nl >= 0 ? this.buf.slice(0, nl) : this.buf;
        this.buf = nl >= 0 ? this.buf.slice(nl + 1) : '';
        await t.collect(WANTS_DETAILS.test(line));
        if (this.closed) return;
        const ctx = this.context();
        ctx.remote = t.details();
        const out = t.withRemote(() => answerLine(line, this.registry, ctx));
        await t.publish();
        if (!this.deliver(ctx, out)) return;
      }
    } catch {
      // A worker that does not answer must not leave the session hanging.
      this.close();
      return;
    }
    if (ended || this.buf.length > MAX_LINE) this.close();
    else if (!this.ctx.interactive && this.buf.length === 0) this.close();
  }

  private onEnd(): void {
    const t = this.threads();
    if (t !== null) {
      this.queue = this.queue.then(() => this.answerAllSynced(t, true));
      return;
    }
    // A last line without its newline is still a command (`echo -n ... | socat`).
    if (!this.closed && this.buf.length > 0) {
      const line = this.buf;
      this.buf = '';
      this.answer(line);
    }
    this.close();
  }

  /** Answers a line; false when the session ended. */
  private answer(line: string): boolean {
    const ctx = this.context();
    return this.deliver(ctx, answerLine(line, this.registry, ctx));
  }

  private context(): CommandContext {
    return {
      host: this.host,
      state: this.state,
      now: Date.now(),
      level: this.ctx.level,
      interactive: this.ctx.interactive,
      quit: false,
    };
  }

  /** Writes an answer and applies what its commands changed in the session; false when the session ended. */
  private deliver(ctx: CommandContext, out: string): boolean {
    this.ctx.level = ctx.level;
    this.ctx.interactive = ctx.interactive;
    if (ctx.cliTimeoutMs !== undefined) this.socket.setTimeout(ctx.cliTimeoutMs);
    if (out.length > 0) this.socket.write(out, 'latin1');
    if (ctx.quit) {
      this.close();
      return false;
    }
    return true;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state.cli.delete(this.view);
    this.socket.end();
    this.socket.destroySoon();
  }
}
