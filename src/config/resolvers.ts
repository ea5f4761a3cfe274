// `resolvers NAME` sections (nameservers and the timers of run-time DNS
// resolution, HAProxy 2.6's defaults and checks) and the check that every
// server's `resolvers NAME` names one of them.

import type { Config, ResolversSection } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { RESOLVERS_KEYWORDS } from './keywords.ts';
import { suggestion } from './suggest.ts';

export interface ResolversDraft {
  section: ResolversSection;
  keep: boolean;
}

const HOLDS = ['nx', 'other', 'refused', 'timeout', 'valid', 'obsolete'] as const;

/** Checks the `resolvers NAME` line; undefined when the section must be skipped. */
export function startResolvers(d: Directive, existing: ReadonlyMap<string, ResolversDraft>): ResolversDraft | undefined {
  if (!d.need(1, 'resolvers', 'a name') || !d.noMoreThan(1, 'resolvers')) return undefined;
  const name = d.arg(1)!;
  const draft: ResolversDraft = {
    section: {
      pos: d.pos,
      name,
      nameservers: [],
      parseResolvConf: false,
      acceptedPayloadSize: 512,
      resolveRetries: 3,
      timeoutResolve: 1000,
      timeoutRetry: 1000,
      hold: { valid: 10_000, nx: 30_000, refused: 30_000, timeout: 30_000, other: 30_000, obsolete: 0 },
    },
    keep: true,
  };
  const bad = badNameChar(name);
  if (bad !== undefined) {
    d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in resolvers section name '${name}'`);
    draft.keep = false;
  }
  const other = existing.get(name);
  if (other !== undefined) {
    d.error(CfgCode.DUPLICATE, `resolvers section '${name}' has the same name as another resolvers section declared at ${other.section.pos.file}:${other.section.pos.line}`);
    draft.keep = false;
  }
  return draft;
}

function positiveTime(d: Directive, i: number, label: string): number | undefined {
  const v = d.time(i, label);
  if (v === undefined) return undefined;
  if (v < 1) {
    d.error(CfgCode.BAD_VALUE, `'${label}' must be at least 1 ms`);
    return undefined;
  }
  return v;
}

export function parseResolversLine(d: Directive, draft: ResolversDraft): void {
  const kw = d.keyword;
  const s = draft.section;
  if (d.modifier !== undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}' is not supported in a resolvers section`);
    return;
  }
  switch (kw) {
    case 'nameserver': {
      if (!d.need(2, kw, '<name> and <addr>[:<port>] as arguments') || !d.noMoreThan(2, kw)) return;
      const name = d.arg(1)!;
      const bad = badNameChar(name);
      if (bad !== undefined) {
        d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in nameserver name '${name}'`);
        return;
      }
      const other = s.nameservers.find((n) => n.name === name);
      if (other !== undefined) {
        d.error(CfgCode.DUPLICATE, `nameserver '${name}' has the same name as another nameserver (declared at ${other.pos.file}:${other.pos.line})`);
        return;
      }
      const raw = d.arg(2)!;
      const r = parseAddress(raw, d.env, { portMandatory: true });
      if (!r.ok) {
        if (r.unsupported === true) d.unsupported(`nameserver ${name}: ${r.error}`);
        else d.error(CfgCode.BAD_VALUE, `'nameserver ${name}': ${r.error}`);
        return;
      }
      if (r.transport === 'stream') {
        d.unsupported(`nameserver ${name}: DNS over TCP ('${raw}')`);
        return;
      }
      if (r.address.kind !== 'inet' || r.address.hostname === true) {
        d.unsupported(`nameserver ${name}: an address that is not an IP ('${raw}')`);
        return;
      }
      s.nameservers.push({ pos: d.pos, name, address: r.address });
      return;
    }
    case 'parse-resolv-conf':
      if (d.noMoreThan(0, kw)) s.parseResolvConf = true;
      return;
    case 'accepted_payload_size': {
      if (!d.need(1, kw, '<nb> as argument') || !d.noMoreThan(1, kw)) return;
      const v = d.int(1, kw, 12, 65535);
      if (v !== undefined) s.acceptedPayloadSize = v;
      return;
    }
    case 'resolve_retries': {
      if (!d.need(1, kw, '<nb> as argument') || !d.noMoreThan(1, kw)) return;
      const v = d.int(1, kw, 1, 2_147_483_647);
      if (v !== undefined) s.resolveRetries = v;
      return;
    }
    case 'hold': {
      if (!d.need(2, kw, "an <event> ('valid', 'nx', 'refused', 'timeout', 'other' or 'obsolete') and a <time> as arguments") || !d.noMoreThan(2, kw)) return;
      const ev = d.arg(1)!;
      if (!(HOLDS as readonly string[]).includes(ev)) {
        d.error(CfgCode.BAD_ARGUMENT, `'hold' unknown <event>: '${ev}', expects either 'nx', 'timeout', 'valid', 'obsolete' or 'other'${suggestion(ev, HOLDS)}`);
        return;
      }
      const v = d.time(2, `hold ${ev}`);
      if (v !== undefined) s.hold[ev as (typeof HOLDS)[number]] = v;
      return;
    }
    case 'timeout': {
      const what = d.arg(1);
      if (what !== 'resolve' && what !== 'retry') {
        d.error(CfgCode.BAD_ARGUMENT, `'timeout' expects 'retry' or 'resolve' and <time> as arguments${what !== undefined ? ` got '${what}'` : ''}`);
        return;
      }
      if (!d.need(2, `timeout ${what}`, '<time> as argument') || !d.noMoreThan(2, `timeout ${what}`)) return;
      const v = positiveTime(d, 2, `timeout ${what}`);
      if (v === undefined) return;
      if (what === 'resolve') s.timeoutResolve = v;
      else s.timeoutRetry = v;
      return;
    }
    case 'resolution_pool_size':
      d.error(CfgCode.BAD_ARGUMENT, `'${kw}' directive is not supported anymore (it never appeared in a stable release)`);
      return;
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in 'resolvers' section${suggestion(kw, RESOLVERS_KEYWORDS)}`);
  }
}

/** A section without nameservers is kept (as HAProxy does) but will never resolve: a warning. */
export function finishResolvers(draft: ResolversDraft, diags: DiagnosticList): ResolversSection {
  const s = draft.section;
  if (s.nameservers.length === 0 && !s.parseResolvConf) {
    diags.warning(CfgCode.INCOMPLETE, s.pos, `resolvers '${s.name}' has no nameservers configured: add 'nameserver NAME ADDR:PORT' or 'parse-resolv-conf'`);
  }
  return s;
}

/** Every server's `resolvers NAME` must name a section. */
export function checkServerResolvers(config: Config, diags: DiagnosticList): void {
  const sections = config.resolvers ?? new Map<string, ResolversSection>();
  for (const be of config.backends.values()) {
    for (const srv of be.servers) {
      if (srv.resolvers === undefined || sections.has(srv.resolvers)) continue;
      diags.error(
        CfgCode.BAD_VALUE,
        srv.pos,
        `backend '${be.name}', server '${srv.name}': unable to find required resolvers '${srv.resolvers}'${suggestion(srv.resolvers, sections.keys())}`,
      );
    }
  }
}
