// `cookie NAME [rewrite|insert|prefix] [indirect] [nocache] [postonly]
// [preserve] [httponly] [secure] [domain D]... [maxidle T] [maxlife T]
// [dynamic] [attr V]...` (backend persistence), and the `force-persist` /
// `ignore-persist` condition lines, with HAProxy's checks and messages.

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { ProxyDraft } from './draft.ts';
import type { CookieSettings, SourcePos } from './model.ts';

const FLAGS = ['indirect', 'nocache', 'postonly', 'preserve', 'httponly', 'secure'] as const;

/** A time in whole seconds (HAProxy's TIME_UNIT_S), or undefined after reporting. */
function seconds(d: Directive, at: number, kw: string): number | undefined {
  const w = d.arg(at);
  if (w === undefined || w === '') {
    d.error(CfgCode.BAD_ARGUMENT, `'${kw}' expects <${kw === 'maxidle' ? 'idletime' : 'lifetime'}> in seconds as argument`);
    return undefined;
  }
  const ms = d.timeValue(w, kw, 's');
  if (ms === undefined) return undefined;
  const s = Math.floor(ms / 1000);
  if (ms > 0 && s === 0) {
    d.error(CfgCode.BAD_VALUE, `timer underflow in argument <${w}> to <${kw}>, minimum non-null value is 1 s`);
    return undefined;
  }
  return s;
}

/** What `cookie NAME` alone means: a passive cookie, no flag, domain, date or attribute. */
export function cookieSettings(name: string, pos: SourcePos): CookieSettings {
  return {
    pos,
    name,
    mode: 'passive',
    indirect: false,
    nocache: false,
    postonly: false,
    preserve: false,
    httponly: false,
    secure: false,
    domains: [],
    maxidle: 0,
    maxlife: 0,
    attrs: [],
    dynamic: false,
  };
}

export function parseCookie(d: Directive, draft: ProxyDraft): void {
  if (!d.need(1, 'cookie', '<cookie_name> as argument')) return;
  const c = cookieSettings(d.arg(1)!, d.pos);
  const modes: string[] = [];
  for (let i = 2; i < d.length; i++) {
    const w = d.arg(i)!;
    if (w === 'rewrite' || w === 'insert' || w === 'prefix') {
      modes.push(w);
      c.mode = w;
    } else if ((FLAGS as readonly string[]).includes(w)) {
      c[w as (typeof FLAGS)[number]] = true;
    } else if (w === 'domain') {
      const v = d.arg(++i);
      if (v === undefined || v === '') return d.error(CfgCode.BAD_ARGUMENT, "'domain' expects <domain> as argument");
      const bad = /[^A-Za-z0-9._-]/.exec(v);
      if (bad !== null) return d.error(CfgCode.BAD_VALUE, `character '${bad[0]}' is not permitted in domain name '${v}'`);
      if (!v.includes('.')) d.warn(CfgCode.BAD_VALUE, `domain '${v}' contains no embedded dot, this configuration may not work properly (see RFC6265#5.2.3)`);
      c.domains.push(v);
    } else if (w === 'maxidle' || w === 'maxlife') {
      const v = seconds(d, ++i, w);
      if (v === undefined) return;
      c[w] = v;
    } else if (w === 'dynamic') {
      c.dynamic = true;
    } else if (w === 'attr') {
      const v = d.arg(++i);
      if (v === undefined || v === '') return d.error(CfgCode.BAD_ARGUMENT, "'attr' expects <value> as argument");
      // eslint-disable-next-line no-control-regex
      const bad = /[\x00-\x1f\x7f;]/.exec(v);
      if (bad !== null) {
        return d.error(CfgCode.BAD_VALUE, `character '%x${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}' is not permitted in attribute value`);
      }
      c.attrs.push(v);
    } else {
      return d.error(
        CfgCode.BAD_ARGUMENT,
        "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options",
      );
    }
  }
  let bad = false;
  if (modes.includes('rewrite') && c.indirect) {
    d.error(CfgCode.BAD_ARGUMENT, "cookie 'rewrite' and 'indirect' modes are incompatible");
    bad = true;
  }
  if (new Set(modes).size > 1) {
    d.error(CfgCode.BAD_ARGUMENT, "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible");
    bad = true;
  }
  if (c.dynamic) {
    d.unsupported("'cookie ... dynamic' (dynamic cookies need 'dynamic-cookie-key')");
    bad = true;
  }
  if (!bad) draft.own.cookie = c;
}

export function parsePersistRule(d: Directive, draft: ProxyDraft): void {
  const kw = d.keyword;
  const c = d.arg(1);
  if (c !== 'if' && c !== 'unless') {
    d.error(CfgCode.BAD_ARGUMENT, `'${kw}' requires either 'if' or 'unless' followed by a condition`);
    return;
  }
  if (!d.need(2, kw, "'if' or 'unless' followed by a condition")) return;
  draft.persistRules.push({ pos: d.pos, kind: kw === 'force-persist' ? 'force' : 'ignore', words: d.words.slice(1) });
}
