// What a fetch or converter keyword is (its arguments, types, where it may be
// used, how it runs) and what compiling one may consult: the configuration
// files through a loader, the backends and servers that arguments name.

import type { Arg, ArgSpec } from './args.ts';
import type { AclError } from './errors.ts';
import type { PatternFiles } from './pattern-file.ts';
import type { Sample, SampleContext, SampleType } from './sample.ts';
import type { TableRef } from '../stick/index.ts';

/** Where a fetch can be used (HAProxy's SMP_VAL_* reduced to the rule sets Hawser has). */
export const USE_CONN = 1; // tcp-request connection (layer 4 only)
export const USE_REQ = 2; // http-request, use_backend, tcp-request content, redirect...
export const USE_RES = 4; // http-response, http-after-response, tcp-response content
export const USE_ANY = USE_CONN | USE_REQ | USE_RES;

export type RulePhase = 'connection' | 'request' | 'response';

export function phaseBit(p: RulePhase): number {
  return p === 'connection' ? USE_CONN : p === 'request' ? USE_REQ : USE_RES;
}

export interface AclCompileOptions {
  /** Reads `-f` pattern files and map files; throw to report a file that cannot be read. */
  loadFile?: (path: string) => string;
  /**
   * Shares file reads and indexes between compilations (one per configuration
   * load). Created from `loadFile` when absent.
   */
  files?: PatternFiles;
  /** Resolves host names in IP patterns (HAProxy resolves them at startup unless -n). */
  resolveHost?: (name: string) => number | undefined;
  /** The proxy being configured, for messages and for arguments that default to it. */
  proxy?: string;
  /** Checks a backend named by an argument (nbsrv, be_conn, srv_is_up). Absent: not checked. */
  hasBackend?: (name: string) => boolean;
  /** Checks a server named by an argument (srv_is_up). Absent: not checked. */
  hasServer?: (backend: string, server: string) => boolean;
  /**
   * Resolves a stick table named by an argument (`table_gpc0(T)`,
   * `sc_conn_cur(0,T)`, `src_conn_cnt` for the proxy's own): undefined when
   * there is no such table. Absent: not checked, and such fetches find
   * nothing at run time.
   */
  stickTable?: (name: string) => TableRef | undefined;
  /** Resolves a `userlist` named by an argument (http_auth, http_auth_group). Absent: not checked, nobody authenticates. */
  userlist?: (name: string) => UserlistRef | undefined;
}

/** A userlist as the auth fetches use it (src/auth's UserlistAuth). */
export interface UserlistRef {
  check(user: string, pass: string): boolean;
  groupsOf(user: string): readonly string[];
}

/** What a keyword's validation sees while compiling. */
export interface CompileContext {
  readonly options: AclCompileOptions;
  readonly files: PatternFiles | null;
  /** The configuration line being compiled. */
  readonly file?: string;
  readonly line?: number;
}

export interface FetchDef {
  readonly name: string;
  readonly args: ArgSpec;
  readonly out: SampleType;
  /** USE_* bits: where the fetch returns something. */
  readonly use: number;
  /** Checks and prepares the arguments at configuration time; returns an error text. */
  readonly validate?: (args: Arg[], cc: CompileContext) => string | AclError | undefined;
  /**
   * Fills `smp`; false when there is nothing. With `iterate` (ACLs), a fetch
   * that has several values sets smp.notLast and is called again for the next.
   */
  readonly fetch: (ctx: SampleContext, args: readonly Arg[], smp: Sample, iterate: boolean) => boolean;
}

export interface ConverterDef {
  readonly name: string;
  readonly args: ArgSpec;
  /** The sample is cast to this type before the converter runs. */
  readonly in: SampleType;
  readonly out: SampleType;
  /** Checks and prepares the arguments; a file problem comes back as an AclError pointing into the file. */
  readonly validate?: (args: Arg[], cc: CompileContext) => string | AclError | undefined;
  /** Transforms `smp` in place; false makes the whole sample absent. */
  readonly convert: (smp: Sample, args: readonly Arg[], ctx: SampleContext) => boolean;
}
