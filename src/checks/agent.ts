// The agent check (`agent-check`, `agent-port`, `agent-send`): connect to a
// load-feedback agent, optionally send `agent-send`, read one line and obey
// it. The line is words separated by spaces, tabs or commas, in any order:
// "75%" (weight relative to the configured one), "maxconn:30", "ready" /
// "drain" / "maint" (administrative state), "up" / "down" / "stopped" /
// "fail" (health), and "# text" (a reason). Parsing and wording follow
// HAProxy's tcpcheck_agent_expect_reply ("via agent : down (disk full)").

import { makeScript, WAIT, end, type ExpectStep, type Script, type Step, type Verdict } from './script.ts';
import type { AgentCommand, CheckStatus } from './status.ts';

const HEALTH_WORDS = new Set(['up', 'down', 'stopped', 'fail']);
const ADMIN_WORDS = new Set(['ready', 'drain', 'maint']);

function isSeparator(c: string): boolean {
  return c === ' ' || c === '\t' || c === ',';
}

/** HAProxy's reading of a "N%" word: the percentage, or its complaint. */
function weightComplaint(word: string): { percent?: number; warning?: string } {
  const m = /^[0-9]+/.exec(word)!;
  const w = Number(m[0]);
  const rest = word.slice(m[0].length);
  if (rest === '%') return { percent: Math.min(w, 25600) };
  if (w > 256) return { warning: 'Absolute weight can only be between 0 and 256 inclusive.\n' };
  return { warning: 'Trailing garbage in weight string' };
}

function maxconnComplaint(value: string): { maxconn?: number; warning?: string } {
  if (value === '') return { warning: 'Require <maxconn>.\n' };
  const m = /^[+-]?[0-9]+/.exec(value);
  if (!m) return { warning: 'maxconn string empty or preceded by garbage' };
  if (m[0].length !== value.length) return { warning: 'Trailing garbage in maxconn string' };
  return { maxconn: Number(m[0]) };
}

interface ParsedReply {
  cmd: AgentCommand;
  /** The health word as the agent wrote it ("UP" stays "UP" in the log). */
  healthWord?: string;
}

function parse(line: string): ParsedReply {
  const cmd: AgentCommand = {};
  let healthWord: string | undefined;
  let weightWord: string | undefined;
  let maxconnWord: string | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (isSeparator(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      i++;
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
      break;
    }
    let j = i + 1;
    while (j < line.length && !isSeparator(line[j]!) && line[j] !== '\n') j++;
    const word = line.slice(i, j);
    const lower = word.toLowerCase();
    i = j;
    // Several words of one kind: the last one wins.
    if (HEALTH_WORDS.has(lower)) {
      cmd.health = lower as AgentCommand['health'];
      healthWord = word;
    } else if (ADMIN_WORDS.has(lower)) {
      cmd.admin = lower as AgentCommand['admin'];
    } else if (word.charCodeAt(0) >= 0x30 && word.charCodeAt(0) <= 0x39 && word.includes('%')) {
      weightWord = word;
    } else if (lower.startsWith('maxconn:')) {
      maxconnWord = word.slice(8);
    } else if (cmd.error === undefined) {
      cmd.error = word;
    }
  }
  if (weightWord !== undefined) {
    const w = weightComplaint(weightWord);
    if (w.percent !== undefined) cmd.weightPercent = w.percent;
    else cmd.warning = w.warning;
  }
  if (maxconnWord !== undefined) {
    const m = maxconnComplaint(maxconnWord);
    if (m.maxconn !== undefined) cmd.maxconn = m.maxconn;
    else if (cmd.warning === undefined) cmd.warning = m.warning;
  }
  const message = line.slice(i).replace(/^[ \n]+/, '');
  if (message !== '') cmd.message = message;
  return { cmd, healthWord };
}

/** Parses one agent line (without its CR/LF). Unknown words are kept as `error`. */
export function parseAgentReply(line: string): AgentCommand {
  return parse(line).cmd;
}

/** The check status and info HAProxy reports for an agent's command. */
export function agentVerdict(cmd: AgentCommand, healthWord: string | undefined = cmd.health): { status: CheckStatus; info: string } {
  if (cmd.health !== undefined) {
    const status: CheckStatus = cmd.health === 'up' ? 'L7OK' : 'L7STS';
    let msg = cmd.message ?? '';
    // Down reports keep their own reason; otherwise an odd word is worth showing.
    if (msg === '' || status === 'L7OK') {
      if (cmd.error !== undefined) msg = cmd.error;
      else if (cmd.warning !== undefined) msg = cmd.warning;
    }
    return { status, info: `via agent : ${healthWord ?? cmd.health}${msg === '' ? '' : ` (${msg})`}` };
  }
  if (cmd.error !== undefined) return { status: 'CHECKED', info: `agent reports an error : ${cmd.error}` };
  if (cmd.warning !== undefined) return { status: 'CHECKED', info: `agent warns : ${cmd.warning}` };
  return { status: 'CHECKED', info: '' };
}

/** A server's weight after "N%": relative to its configured weight, at most 256. */
export function agentWeight(configuredWeight: number, percent: number): number {
  return Math.min(256, Math.floor((configuredWeight * Math.min(percent, 25600)) / 100));
}

function agentStep(id: number): ExpectStep {
  return {
    kind: 'expect', id, okStatus: 'L7OK', timeoutStatus: 'L7TOUT', errorStatus: 'L7RSP', describe: ' (expect custom function)', http: false,
    evaluate(input: Buffer, lastRead: boolean): Verdict {
      let e = 0;
      while (e < input.length && input[e] !== 0x0a && input[e] !== 0x0d && input[e] !== 0) e++;
      if (e === input.length || input[e] === 0) {
        if (!lastRead) return WAIT;
        return end('CHECKED', 'Ignoring incomplete line from agent');
      }
      const { cmd, healthWord } = parse(input.toString('latin1', 0, e));
      const v = agentVerdict(cmd, healthWord);
      return end(v.status, v.info, 0, cmd);
    },
  };
}

/** The agent check: connect, send `agent-send` if any, read one line. */
export function agentScript(send?: string): Script {
  const steps: Step[] = [{ kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false }];
  if (send !== undefined && send !== '') steps.push({ kind: 'send', id: 1, data: Buffer.from(send, 'utf8') });
  steps.push(agentStep(2));
  return makeScript(steps, false);
}
