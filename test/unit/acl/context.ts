// A SampleContext from a plain description of a request (our own interface,
// filled in by the test: no mock of anything that runs here).

import { castSample, Sample, SMP_STR, Variables, type ClientTlsFacts } from '../../../src/acl/index.ts';
import type { RuleHost } from '../../../src/rules/index.ts';
import type { StickCounters } from '../../../src/stick/index.ts';

export interface FakeExchange {
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  ssl?: boolean;
  sni?: string;
  /** TLS facts of the client connection (ssl_fc_*, ssl_c_*). */
  tls?: ClientTlsFacts;
  /** No HTTP message at all (tcp mode). */
  tcp?: boolean;
  method?: string;
  url?: string;
  version?: string;
  /** Flat [name, value, ...] as sent. */
  headers?: string[];
  body?: Buffer;
  requestLength?: number;
  firstRequest?: boolean;
  response?: boolean;
  status?: number;
  responseVersion?: string;
  responseHeaders?: string[];
  frontend?: string;
  backend?: string;
  env?: Record<string, string>;
  /** Variables: a string or a number. */
  vars?: Record<string, string | number>;
  /** Usable servers per backend ('' = the current proxy). */
  servers?: Record<string, Record<string, boolean>>;
  beConn?: Record<string, number>;
  /** Raw buffered request bytes (tcp content inspection) and whether more may come. */
  payload?: Buffer;
  mayGrow?: boolean;
  /** Compiled and evaluated in a fresh stickWorld() (stick-world.ts): tables fe and other, sc0..sc2 tracked. */
  stick?: boolean;
}

/** What the rules did to the fake session: captures by slot, the log level set. */
export interface FakeHost extends RuleHost {
  readonly requestCaptures: string[];
  readonly responseCaptures: string[];
  logLevel: string;
}

/** `counters`: the session's track-sc0..2 (see stick-world.ts); none by default. */
export function fakeContext(x: FakeExchange, counters: StickCounters | null = null): FakeHost {
  const http = x.tcp !== true;
  const vars = new Variables();
  const host: FakeHost = {
    vars,
    requestCaptures: [],
    responseCaptures: [],
    logLevel: '',
    capture: (response, slot, value) => {
      (response ? host.responseCaptures : host.requestCaptures)[slot] = value;
    },
    setLogLevel: (level) => {
      host.logLevel = level;
    },
    requestPayload: () => x.payload,
    requestMayGrow: () => x.mayGrow ?? false,
    clientAddress: () => x.src ?? '127.0.0.1',
    clientPort: () => x.srcPort ?? 40000,
    localAddress: () => x.dst ?? '127.0.0.1',
    localPort: () => x.dstPort ?? 80,
    ssl: () => x.ssl ?? false,
    sni: () => x.sni,
    clientTls: () => x.tls,
    stickCounters: () => counters,
    isResponse: () => x.response ?? false,
    method: () => (http ? (x.method ?? 'GET') : undefined),
    url: () => (http ? (x.url ?? '/') : undefined),
    httpVersion: () => (http ? (x.version ?? '1.1') : undefined),
    requestHeaders: () => (http ? (x.headers ?? []) : undefined),
    requestBody: () => (http ? x.body : undefined),
    requestLength: () => x.requestLength ?? x.payload?.length ?? 0,
    firstRequest: () => x.firstRequest ?? true,
    status: () => x.status ?? 0,
    responseVersion: () => (x.status !== undefined ? (x.responseVersion ?? '1.1') : undefined),
    responseHeaders: () => (x.status !== undefined ? (x.responseHeaders ?? []) : undefined),
    frontendName: () => x.frontend ?? 'fe',
    backendName: () => x.backend ?? '',
    env: (n) => x.env?.[n],
    nbsrv: (be) => Object.values(x.servers?.[be ?? ''] ?? {}).filter(Boolean).length,
    beConn: (be) => x.beConn?.[be ?? ''] ?? 0,
    srvIsUp: (be, s) => x.servers?.[be ?? '']?.[s] ?? false,
    getVar: (name: string, out: Sample) => {
      const v = x.vars?.[name];
      if (v === undefined) return vars.get(name, out);
      if (typeof v === 'number') out.setInt(v);
      else out.setStr(v);
      return true;
    },
  };
  return host;
}

/** The sample as "type:value" for assertions. */
export function show(s: Sample | null): string {
  if (s === null) return 'absent';
  const copy = new Sample();
  copy.copyValue(s);
  const type = ['any', 'bool', 'int', 'addr', 'ipv4', 'ipv6', 'str', 'bin', 'meth'][copy.type];
  if (copy.type === 7) return `bin:${copy.bin.toString('hex')}`;
  castSample(copy, SMP_STR);
  return `${type}:${copy.str}`;
}
