// `mailers NAME` sections (the SMTP servers alerts go to, and `timeout
// mail`) and the `email-alert mailers|from|to|level|myhostname` lines of a
// proxy, with HAProxy 2.6's checks: a partial email-alert setup is ignored
// with a warning, an unknown mailers section is an error.

import type { Config, EmailAlertSettings, MailersSection } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { MAILERS_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';

/** HAProxy's default `timeout mail`. */
export const DEFAULT_MAIL_TIMEOUT_MS = 10_000;

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

export interface MailersDraft {
  section: MailersSection;
  keep: boolean;
}

/** Checks the `mailers NAME` line; undefined when the section must be skipped. */
export function startMailers(d: Directive, existing: ReadonlyMap<string, MailersDraft>): MailersDraft | undefined {
  if (!d.need(1, 'mailers', 'a name') || !d.noMoreThan(1, 'mailers')) return undefined;
  const name = d.arg(1)!;
  const draft: MailersDraft = { section: { pos: d.pos, name, mailers: [], timeoutMail: DEFAULT_MAIL_TIMEOUT_MS }, keep: true };
  const bad = badNameChar(name);
  if (bad !== undefined) {
    d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in mailers section name '${name}'`);
    draft.keep = false;
  }
  const other = existing.get(name);
  if (other !== undefined) {
    d.error(CfgCode.DUPLICATE, `mailers section '${name}' has the same name as another mailers section declared at ${other.section.pos.file}:${other.section.pos.line}`);
    draft.keep = false;
  }
  return draft;
}

export function parseMailersLine(d: Directive, draft: MailersDraft): void {
  const kw = d.keyword;
  const s = draft.section;
  if (d.modifier !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}' is not supported in a mailers section`);
    return;
  }
  switch (kw) {
    case 'mailer': {
      if (!d.need(2, kw, '<name> <address>:<port>') || !d.noMoreThan(2, kw)) return;
      const name = d.arg(1)!;
      const bad = badNameChar(name);
      if (bad !== undefined) {
        d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in mailer name '${name}'`);
        return;
      }
      const other = s.mailers.find((m) => m.name === name);
      if (other !== undefined) {
        d.error(CfgCode.DUPLICATE, `mailer '${name}' has the same name as another mailer declared at ${other.pos.file}:${other.pos.line}`);
        return;
      }
      const r = parseAddress(d.arg(2)!, d.env, { portMandatory: true });
      if (!r.ok) {
        if (r.unsupported === true) d.unsupported(`mailer ${name}: ${r.error}`);
        else d.error(CfgCode.BAD_VALUE, `mailer ${name}: ${r.error}`);
        return;
      }
      s.mailers.push({ pos: d.pos, name, address: r.address });
      return;
    }
    case 'timeout': {
      if (d.arg(1) !== 'mail') {
        d.error(CfgCode.UNKNOWN_KEYWORD, `'timeout' in a mailers section only supports 'mail'${d.arg(1) !== undefined ? `, not '${d.arg(1)}'` : ''}`);
        return;
      }
      if (!d.need(2, 'timeout mail', '<time>') || !d.noMoreThan(2, 'timeout mail')) return;
      const v = d.time(2, 'timeout mail');
      if (v === undefined) return;
      if (v < 1) {
        d.error(CfgCode.BAD_VALUE, "'timeout mail' must be at least 1 ms");
        return;
      }
      s.timeoutMail = v;
      return;
    }
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in 'mailers' section${suggestion(kw, MAILERS_KEYWORDS)}`);
  }
}

/** A section without any mailer is dropped, as HAProxy removes "incomplete" ones. */
export function finishMailers(draft: MailersDraft, diags: DiagnosticList): MailersSection | undefined {
  if (draft.section.mailers.length > 0) return draft.section;
  diags.warning(CfgCode.IGNORED, draft.section.pos, `mailers section '${draft.section.name}' has no mailer: it is removed`);
  return undefined;
}

/** One `email-alert WHAT VALUE` line, into the proxy's own settings. */
export function parseEmailAlert(d: Directive, own: { emailAlert?: EmailAlertSettings }): void {
  const what = d.arg(1);
  if (what === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, "missing argument after 'email-alert'");
    return;
  }
  const fields = ['mailers', 'from', 'to', 'level', 'myhostname'];
  if (!fields.includes(what)) {
    d.error(CfgCode.BAD_ARGUMENT, `email-alert: unknown argument '${what}'${suggestion(what, fields)}`);
    return;
  }
  if (!d.need(2, `email-alert ${what}`, what === 'level' ? 'a log level' : 'a value') || !d.noMoreThan(2, `email-alert ${what}`)) return;
  const v = d.arg(2)!;
  const ea: EmailAlertSettings = own.emailAlert ?? { pos: d.pos };
  switch (what) {
    case 'level':
      if (!LEVELS.includes(v)) {
        d.error(CfgCode.BAD_VALUE, `email-alert level: unknown log level '${v}'${suggestion(v, LEVELS)}`);
        return;
      }
      ea.level = v as EmailAlertSettings['level'];
      break;
    case 'mailers':
      ea.mailers = { pos: d.pos, name: v };
      break;
    case 'from':
      ea.from = v;
      break;
    case 'to':
      ea.to = v;
      break;
    case 'myhostname':
      ea.myhostname = v;
      break;
  }
  own.emailAlert = ea;
}

/** Field by field: a proxy's own `email-alert` lines override its defaults section's. */
export function inheritEmailAlert(inherited: EmailAlertSettings | undefined, own: EmailAlertSettings | undefined): EmailAlertSettings | undefined {
  if (inherited === undefined) return own;
  if (own === undefined) return inherited;
  return { ...inherited, ...own };
}

/**
 * After parsing: every proxy with a backend side that sets any email-alert
 * line needs mailers, from and to (else the lines are ignored, with
 * HAProxy's warning), and the mailers section must exist.
 */
export function checkEmailAlerts(config: Config, diags: DiagnosticList): void {
  for (const be of config.backends.values()) {
    const ea = be.emailAlert;
    if (ea === undefined) continue;
    if (ea.mailers === undefined || ea.from === undefined || ea.to === undefined) {
      diags.warning(
        CfgCode.INCOMPLETE,
        be.pos,
        `'email-alert' will be ignored for backend '${be.name}' (the presence any of 'email-alert from', 'email-alert level' 'email-alert mailers', ` +
          `'email-alert myhostname', or 'email-alert to' requires each of 'email-alert from', 'email-alert mailers' and 'email-alert to' to be present)`,
      );
      delete be.emailAlert;
      continue;
    }
    if (!config.mailers.has(ea.mailers.name)) {
      diags.error(CfgCode.BAD_VALUE, ea.mailers.pos, `proxy '${be.name}': unable to find mailers '${ea.mailers.name}'${suggestion(ea.mailers.name, config.mailers.keys())}`);
      delete be.emailAlert;
    }
  }
}
