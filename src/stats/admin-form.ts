// The stats page's admin form, as HAProxy's page posts it: `b` names the
// backend (`#<id>` or its name), each `s` a server, `action` what to do
// (ready, drain, maint, dhlth, ehlth; Hawser adds `weight` with `w`). Each
// change goes through the runtime API's own commands, so the page, the CLI
// and their logs behave the same.

import { STAT_FIELDS, statRows, type RuntimeApi } from '../runtime/index.ts';

const IID = STAT_FIELDS.indexOf('iid');
const TYPE = STAT_FIELDS.indexOf('type');

/** HAProxy's outcome codes, shown back on the page after the redirect (`;st=DONE`...). */
export type AdminOutcome = 'DONE' | 'PART' | 'NONE' | 'DENY' | 'ERRP' | 'EXCD' | 'UNKN';

export const OUTCOME_TEXT: Readonly<Record<string, string>> = {
  DONE: 'Action processed successfully.',
  PART: 'Action not processed for some servers.',
  NONE: 'Nothing has changed.',
  DENY: 'Action denied.',
  ERRP: 'Action not processed because of invalid parameters.',
  EXCD: 'Action not processed: the buffer could not contain all the data.',
  UNKN: 'Unexpected result.',
};

function commandFor(action: string, target: string, weight: string | null): string[] | null {
  switch (action) {
    case 'ready':
    case 'drain':
    case 'maint':
      return ['set', 'server', target, 'state', action];
    case 'dhlth':
      return ['disable', 'health', target];
    case 'ehlth':
      return ['enable', 'health', target];
    case 'weight':
      return weight === null ? null : ['set', 'server', target, 'weight', weight];
    default:
      return null;
  }
}

export function applyAdminForm(api: RuntimeApi, body: string, now: number): AdminOutcome {
  const form = new URLSearchParams(body);
  const action = form.get('action');
  const b = form.get('b');
  const servers = form.getAll('s');
  if (action === null || b === null) return 'ERRP';
  let backend: string | undefined;
  if (b.startsWith('#')) {
    const view = { host: api.host, healthDisabled: api.state.healthDisabled, now };
    backend = statRows(view).find((r) => r[TYPE] === '1' && r[IID] === b.slice(1))?.[0];
  }
  else if (api.host.backends.has(b)) backend = b;
  if (backend === undefined) return 'ERRP';
  if (servers.length === 0) return 'NONE';
  const ctx = { host: api.host, state: api.state, now, level: 'admin' as const, interactive: false, quit: false };
  let ok = 0;
  for (const s of servers) {
    const cmd = commandFor(action, `${backend}/${s}`, form.get('w'));
    if (cmd === null) return 'ERRP';
    const answer = api.registry.execute(cmd, ctx);
    if (answer === '' || answer === '\n') ok++;
  }
  return ok === servers.length ? 'DONE' : ok > 0 ? 'PART' : 'NONE';
}
