// The check engine, pure: HAProxy runs every health check (plain TCP, HTTP,
// tcp-check rules, MySQL, PostgreSQL, Redis, SMTP, SSL hello, agent) as a
// script of connect / send / expect steps, and so does Hawser. Each check
// type compiles to a Script; a CheckRun walks one over the bytes an I/O
// adapter feeds it and says what to do next (connect, send, read, done).
// It owns HAProxy's rules for reading: a bounded input buffer (16 KiB, like
// tune.bufsize), the buffer emptied before each send, consecutive expects
// judged on the same bytes, a "wait for more" that restarts the group, and
// the wording of timeouts and connection errors.

import { cutInfo, type AgentCommand, type CheckStatus } from './status.ts';

/** HAProxy's default tune.bufsize: the most a check ever reads. */
export const CHECK_BUFFER_SIZE = 16384;

export interface RunContext {
  /** Wall-clock time at the start of the run (the SSL hello carries it). */
  nowMs: number;
}

export interface ConnectStep {
  kind: 'connect';
  /** HAProxy's step id: the rule's 1-based position; 0 for an implicit connect. */
  id: number;
  implicit: boolean;
  port?: number;
  addr?: string;
  ssl: boolean;
  sendProxy: boolean;
  comment?: string;
}

export interface SendStep {
  kind: 'send';
  id: number;
  data: Uint8Array | ((ctx: RunContext) => Uint8Array);
  comment?: string;
}

/** What an expect step says about the bytes read so far. */
export type Verdict =
  | { kind: 'wait' }
  | { kind: 'pass' }
  /** The check ends here, failed or (custom expects) passed with its own status. */
  | { kind: 'end'; status: CheckStatus; info: string; code: number; agent?: AgentCommand };

export const WAIT: Verdict = { kind: 'wait' };
export const PASS: Verdict = { kind: 'pass' };

export function end(status: CheckStatus, info: string, code = 0, agent?: AgentCommand): Verdict {
  return agent === undefined ? { kind: 'end', status, info, code } : { kind: 'end', status, info, code, agent };
}

export interface ExpectStep {
  kind: 'expect';
  id: number;
  comment?: string;
  /** Judges `input` (the bytes read since the last send); `lastRead` once no more can come. */
  evaluate(input: Buffer, lastRead: boolean): Verdict;
  /** Status when this is the last step and it passed (HAProxy's ok-status). */
  okStatus: CheckStatus;
  /** Status when the check times out while waiting here (tout-status). */
  timeoutStatus: CheckStatus;
  /** Status of "TCPCHK got an empty response" (error-status). */
  errorStatus: CheckStatus;
  /** For tcp-check timeout wording, e.g. " (expect string '+PONG')". */
  describe: string;
  /** Info and code reported when this last step passed (on-success / status-code). */
  success?(input: Buffer): { info: string; code: number };
  /** HTTP expects judge an empty answer themselves (no "TCPCHK got an empty response"). */
  http: boolean;
}

export type Step = ConnectStep | SendStep | ExpectStep;

export interface Script {
  readonly steps: readonly Step[];
  /** tcp-check wording ("at step 2 of tcp-check", "(tcp-check)"): only for `option tcp-check`. */
  readonly verbose: boolean;
  /** For each expect, the first expect of its run: where "wait for more" restarts. */
  readonly heads: readonly number[];
}

export function makeScript(steps: Step[], verbose: boolean): Script {
  const heads: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    heads.push(steps[i]!.kind === 'expect' && i > 0 && steps[i - 1]!.kind === 'expect' ? heads[i - 1]! : i);
  }
  return { steps, verbose, heads };
}

/** What the I/O adapter must do next. */
export type Action =
  | { kind: 'connect'; port?: number; addr?: string; ssl: boolean; sendProxy: boolean }
  | { kind: 'send'; data: Uint8Array }
  | { kind: 'recv' }
  | { kind: 'done'; status: CheckStatus; info: string; code: number; agent?: AgentCommand };

const RECV: Action = { kind: 'recv' };

type Phase = 'idle' | 'l4' | 'l6' | 'open';

/** One run of a script. Feed it events; each returns the next action. */
export class CheckRun {
  readonly script: Script;
  private readonly ctx: RunContext;
  private pc = 0;
  private current: Step | undefined;
  private phase: Phase = 'idle';
  private readonly buf: Buffer;
  private len = 0;
  private eos = false;
  private mustRead = true;
  private result: Action | undefined;

  constructor(script: Script, ctx: RunContext, bufferSize = CHECK_BUFFER_SIZE) {
    this.script = script;
    this.ctx = ctx;
    this.buf = Buffer.allocUnsafe(bufferSize);
  }

  get done(): boolean {
    return this.result !== undefined;
  }

  start(): Action {
    return this.advance();
  }

  /** TCP is up; with `ssl`, the TLS handshake comes next. */
  transportUp(): void {
    if (this.phase === 'l4') this.phase = (this.current as ConnectStep).ssl ? 'l6' : 'open';
  }

  /** The connection (and its TLS layer, if any) is ready. */
  connected(): Action {
    if (this.result) return this.result;
    this.phase = 'open';
    this.pc++;
    return this.advance();
  }

  /** The adapter wrote the last `send` action's bytes. */
  sent(): Action {
    if (this.result) return this.result;
    return this.advance();
  }

  /** Bytes arrived. Beyond the buffer's room they are dropped, and the buffer counts as final. */
  data(chunk: Uint8Array): Action {
    if (this.result) return this.result;
    const room = this.buf.length - this.len;
    const n = chunk.length < room ? chunk.length : room;
    if (n > 0) {
      this.buf.set(n === chunk.length ? chunk : chunk.subarray(0, n), this.len);
      this.len += n;
    }
    return this.received();
  }

  /** The server closed its side. */
  eof(): Action {
    if (this.result) return this.result;
    this.eos = true;
    return this.received();
  }

  /** A socket error, worded like strerror() ("Connection refused"). */
  error(message: string): Action {
    if (this.result) return this.result;
    const suffix = this.errorSuffix();
    switch (this.phase) {
      case 'idle':
        return this.finish('SOCKERR', message + suffix, 0);
      case 'l4':
        return this.finish('L4CON', message + suffix, 0);
      case 'l6':
        return this.finish('L6RSP', message + suffix, 0);
      case 'open': {
        // HAProxy reports a network error only when nothing came: an RST right
        // after the last bytes is common, and the bytes decide.
        if (this.current?.kind === 'expect' && this.len > 0) {
          const next = this.eof();
          if (next.kind === 'done') return next;
        }
        return this.finish('SOCKERR', message + suffix, 0);
      }
    }
  }

  /** The check's deadline passed. */
  timeout(): Action {
    if (this.result) return this.result;
    const suffix = this.errorSuffix();
    if (this.phase === 'l4' || this.phase === 'idle') return this.finish('L4TOUT', suffix, 0);
    if (this.phase === 'l6') return this.finish('L6TOUT', suffix, 0);
    const step = this.current;
    return this.finish(step?.kind === 'expect' ? step.timeoutStatus : 'L7TOUT', suffix, 0);
  }

  /** The phase, for the adapter's deadline: connecting or exchanging. */
  get connecting(): boolean {
    return this.phase === 'l4' || this.phase === 'l6';
  }

  private received(): Action {
    const step = this.current;
    if (this.phase !== 'open' || step?.kind !== 'expect' || !this.mustRead) return RECV;
    if (this.len === 0 && !this.eos) return RECV;
    if (this.len === 0 && !step.http) {
      const comment = step.comment === undefined ? '' : ` comment: '${step.comment}'`;
      return this.finish(step.errorStatus, `TCPCHK got an empty response at step ${step.id}${comment}`, 0);
    }
    this.mustRead = false;
    return this.advance();
  }

  private advance(): Action {
    const steps = this.script.steps;
    while (this.pc < steps.length) {
      const step = steps[this.pc]!;
      switch (step.kind) {
        case 'connect':
          this.current = step;
          this.phase = 'l4';
          this.len = 0;
          this.eos = false;
          this.mustRead = true;
          return { kind: 'connect', port: step.port, addr: step.addr, ssl: step.ssl, sendProxy: step.sendProxy };
        case 'send': {
          this.current = step;
          // HAProxy empties the input buffer before each send: an expect judges the answer to it.
          this.len = 0;
          this.mustRead = true;
          this.pc++;
          const data = typeof step.data === 'function' ? step.data(this.ctx) : step.data;
          return { kind: 'send', data };
        }
        case 'expect': {
          this.current = step;
          if (this.mustRead) return RECV;
          const input = this.buf.subarray(0, this.len);
          const lastRead = this.eos || this.len === this.buf.length;
          const verdict = step.evaluate(input, lastRead);
          if (verdict.kind === 'wait') {
            if (lastRead) return this.finish(step.errorStatus, '', 0);
            this.pc = this.script.heads[this.pc]!;
            this.mustRead = true;
            return RECV;
          }
          if (verdict.kind === 'end') return this.finish(verdict.status, verdict.info, verdict.code, verdict.agent);
          this.pc++;
          break;
        }
      }
    }
    return this.succeed();
  }

  private succeed(): Action {
    const step = this.current;
    if (step?.kind === 'expect') {
      const input = this.buf.subarray(0, this.len);
      const s = step.success?.(input);
      if (s) return this.finish(step.okStatus, s.info, s.code);
      return this.finish(step.okStatus, this.script.verbose ? '(tcp-check)' : '', 0);
    }
    if (step?.kind === 'connect') {
      return this.finish(step.ssl ? 'L6OK' : 'L4OK', step.implicit ? '' : '(tcp-check)', 0);
    }
    return this.finish('L7OK', '(tcp-check)', 0);
  }

  private finish(status: CheckStatus, rawInfo: string, code: number, agent?: AgentCommand): Action {
    const info = cutInfo(rawInfo);
    const done: Action = agent === undefined
      ? { kind: 'done', status, info, code }
      : { kind: 'done', status, info, code, agent };
    this.result = done;
    return done;
  }

  /** HAProxy's tcp-check context for errors: " at step 2 of tcp-check (expect string '+PONG')". */
  private errorSuffix(): string {
    if (!this.script.verbose) return '';
    const step = this.current;
    if (step === undefined || (step.kind === 'connect' && step.implicit)) {
      return ' at initial connection step of tcp-check';
    }
    let s = ` at step ${step.id} of tcp-check`;
    if (step.kind === 'connect') s += step.port === undefined ? ' (connect)' : ` (connect port ${step.port})`;
    else if (step.kind === 'expect') s += step.describe;
    else s += ' (send)';
    if (step.comment !== undefined) s += ` comment: '${step.comment}'`;
    return s;
  }
}
