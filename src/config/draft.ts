// A proxy-like section (defaults, frontend, backend, listen) while it is
// being parsed: what the section itself wrote, kept apart from what it
// inherits, so that inheritance can follow HAProxy's rules afterwards.

import type {
  Bind,
  HttpCheckExpect,
  LogTarget,
  ProxySettings,
  Server,
  ServerParams,
  SourcePos,
  TcpCheckRule,
  AclLine,
  HttpRuleLine,
  StatsSettings,
  TcpRuleLine,
  CaptureLine,
  PersistRuleLine,
  StickRuleLine,
  StickTableConfig,
  UseBackendRule,
} from './model.ts';
import type { Capability } from './keywords.ts';

export type ProxyKind = 'defaults' | 'frontend' | 'backend' | 'listen';

export type LogOp = { op: 'clear'; pos: SourcePos } | { op: 'add'; target: LogTarget };

/** `http-check send ...` / `http-check expect ...` lines of one section. */
export interface HttpCheckLines {
  pos: SourcePos;
  method?: string;
  uri?: string;
  version?: string;
  headers: Array<[string, string]>;
  body?: string;
  expect?: HttpCheckExpect;
}

export interface ProxyDraft {
  kind: ProxyKind;
  /** '' for an anonymous defaults section. */
  name: string;
  pos: SourcePos;
  /** The defaults section this one inherits from, if any. */
  parent?: ProxyDraft;
  /** Written `from NAME`. */
  explicitFrom?: string;
  /** Own settings only; logs live in logOps. */
  own: ProxySettings;
  logOps: LogOp[];
  /** Which of httplog / tcplog / log-format this section wrote last (one slot in HAProxy). */
  logFormatSet: boolean;
  httpCheck?: HttpCheckLines;
  tcpCheckRules?: TcpCheckRule[];
  /** default-server as it stands now: inherited, then this section's default-server lines. */
  defaultServer: ServerParams;
  binds: Bind[];
  servers: Server[];
  defaultBackend?: { pos: SourcePos; name: string };
  useBackends: UseBackendRule[];
  acls: AclLine[];
  httpRules: HttpRuleLine[];
  tcpRules: TcpRuleLine[];
  inspectDelay?: number;
  captures: CaptureLine[];
  persistRules: PersistRuleLine[];
  /** `stick-table` (named after the proxy) and `stick` lines. */
  stickTable?: StickTableConfig;
  stickRules?: StickRuleLine[];
  stats?: StatsSettings;
  id?: number;
  description?: string;
  disabled?: boolean;
  /** False for a section rejected at its header (duplicate name...): parsed for errors, then dropped. */
  keep: boolean;
  /** Memoized effective settings (defaults sections only). */
  resolved?: ProxySettings;
  /** Defaults only: referenced with `from`, used implicitly, and whether HAProxy's warning about mixing both was given. */
  explicitRef?: boolean;
  implicitRef?: boolean;
  mixWarned?: boolean;
}

export function capabilities(kind: ProxyKind): { fe: boolean; be: boolean } {
  switch (kind) {
    case 'frontend':
      return { fe: true, be: false };
    case 'backend':
      return { fe: false, be: true };
    default:
      return { fe: true, be: true };
  }
}

export function hasCap(kind: ProxyKind, cap: Capability): boolean {
  if (cap === 'any') return true;
  const c = capabilities(kind);
  return cap === 'fe' ? c.fe : c.be;
}

export function emptySettings(): ProxySettings {
  return { timeouts: {}, options: {}, defaultServer: {} };
}

/** How HAProxy names a proxy in messages: "frontend 'www'", "defaults section 'x'". */
export function describe(d: Pick<ProxyDraft, 'kind' | 'name'>): string {
  if (d.kind === 'defaults') return d.name === '' ? 'anonymous defaults section' : `defaults section '${d.name}'`;
  return `${d.kind} '${d.name}'`;
}
