// The one-line STATUS= summaries systemd shows in `systemctl status`.

export interface RuntimeSummary {
  frontends: number;
  backends: number;
  serversUp: number;
  servers: number;
}

export function readyStatus(s: RuntimeSummary): string {
  return `Ready: ${plural(s.frontends, 'frontend')}, ${plural(s.backends, 'backend')}, ${s.serversUp}/${s.servers} servers up`;
}

/** `problems` are `file:line: message` lines; the status shows the first and how many more. */
export function reloadFailedStatus(problems: readonly string[]): string {
  const first = problems[0] ?? 'unknown error';
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  return `Reload failed, previous configuration kept: ${first}${more}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
