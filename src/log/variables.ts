// The vocabulary of HAProxy 2.6's log-format (manual 8.2.6): its flags, its
// %-variables with how each renders and whether HAProxy reserves it for
// HTTP mode, and the few sample fetches that are plain reads of the record.
// The parser validates against this table; the code generator reads the
// record through the JS expressions it names (`r` is the record).

// Flag bits, named after HAProxy's LOG_OPT_* options.
export const F_MANDATORY = 1;
export const F_QUOTE = 2;
export const F_HEX = 4;
export const F_ESC = 8;

export const FLAG_LETTERS: Record<string, number> = { M: F_MANDATORY, Q: F_QUOTE, X: F_HEX, E: F_ESC };

/** How each variable renders; `http` marks the ones HAProxy reserves for HTTP mode. */
export type VarKind =
  | 'text' // lf_text: raw value, Q quotes, E escapes, M gives '-' when empty
  | 'ip'
  | 'port'
  | 'num'
  | 'special';

export interface VarDef {
  kind: VarKind;
  http: boolean;
  /** For text/ip/port/num: the JS expression reading the record. */
  expr?: string;
}

export const VARIABLES: Record<string, VarDef> = {
  B: { kind: 'special', http: false },
  CC: { kind: 'text', http: true, expr: 'r.capturedRequestCookie' },
  CS: { kind: 'text', http: true, expr: 'r.capturedResponseCookie' },
  H: { kind: 'text', http: false, expr: 'r.hostname' },
  HM: { kind: 'special', http: true },
  HP: { kind: 'special', http: true },
  HPO: { kind: 'special', http: true },
  HQ: { kind: 'special', http: true },
  HU: { kind: 'special', http: true },
  HV: { kind: 'special', http: true },
  ID: { kind: 'text', http: false, expr: 'r.uniqueId' },
  ST: { kind: 'num', http: false, expr: 'r.status' },
  T: { kind: 'special', http: false },
  Ta: { kind: 'special', http: true },
  Tc: { kind: 'num', http: false, expr: 'r.Tc' },
  Td: { kind: 'special', http: false },
  Th: { kind: 'num', http: false, expr: 'r.Th' },
  Ti: { kind: 'num', http: true, expr: 'r.Ti' },
  Tl: { kind: 'special', http: false },
  Tq: { kind: 'num', http: true, expr: 'r.Tq' },
  TR: { kind: 'num', http: true, expr: 'r.TR' },
  Tr: { kind: 'num', http: true, expr: 'r.Tr' },
  Ts: { kind: 'special', http: false },
  Tt: { kind: 'special', http: false },
  Tu: { kind: 'special', http: false },
  Tw: { kind: 'num', http: false, expr: 'r.Tw' },
  U: { kind: 'num', http: false, expr: 'r.bytesUploaded' },
  ac: { kind: 'num', http: false, expr: 'r.actconn' },
  b: { kind: 'text', http: false, expr: 'r.backendName' },
  bc: { kind: 'num', http: false, expr: 'r.beconn' },
  bi: { kind: 'ip', http: false, expr: 'r.backendSourceIp' },
  bp: { kind: 'port', http: false, expr: 'r.backendSourcePort' },
  bq: { kind: 'num', http: false, expr: 'r.backendQueue' },
  ci: { kind: 'ip', http: false, expr: 'r.clientIp' },
  cp: { kind: 'port', http: false, expr: 'r.clientPort' },
  f: { kind: 'text', http: false, expr: 'r.frontendName' },
  fc: { kind: 'num', http: false, expr: 'r.feconn' },
  fi: { kind: 'ip', http: false, expr: 'r.frontendIp' },
  fp: { kind: 'port', http: false, expr: 'r.frontendPort' },
  ft: { kind: 'special', http: false },
  hr: { kind: 'special', http: false },
  hrl: { kind: 'special', http: false },
  hs: { kind: 'special', http: false },
  hsl: { kind: 'special', http: false },
  lc: { kind: 'special', http: false },
  ms: { kind: 'special', http: false },
  pid: { kind: 'special', http: false },
  r: { kind: 'special', http: true },
  rc: { kind: 'special', http: false },
  rt: { kind: 'special', http: false },
  s: { kind: 'text', http: false, expr: 'r.serverName' },
  sc: { kind: 'num', http: false, expr: 'r.srvConn' },
  si: { kind: 'ip', http: false, expr: 'r.serverIp' },
  sp: { kind: 'port', http: false, expr: 'r.serverPort' },
  sq: { kind: 'num', http: false, expr: 'r.srvQueue' },
  sslc: { kind: 'text', http: false, expr: 'r.sslCipher' },
  sslv: { kind: 'text', http: false, expr: 'r.sslVersion' },
  t: { kind: 'special', http: false },
  tr: { kind: 'special', http: true },
  trg: { kind: 'special', http: true },
  trl: { kind: 'special', http: true },
  ts: { kind: 'special', http: false },
  tsc: { kind: 'special', http: false },
};

/**
 * The sample fetches that are plain reads of the record. Anything else in
 * `%[...]` (other fetches, converters) is refused as not supported yet.
 * (`path` and `query` are not here: HAProxy itself refuses them in a
 * log-format, the request headers being gone by then.)
 */
export const TRIVIAL_FETCHES: Record<string, string> = {
  src: 'r.clientIp',
  src_port: '(r.clientPort < 0 ? "" : "" + r.clientPort)',
  dst: 'r.frontendIp',
  dst_port: '(r.frontendPort < 0 ? "" : "" + r.frontendPort)',
  fe_name: 'r.frontendName',
  be_name: 'r.backendName',
  srv_name: '(r.serverName === "<NOSRV>" ? "" : r.serverName)',
  status: '(r.status < 0 ? "" : "" + r.status)',
  'unique-id': 'r.uniqueId',
  method: 'r.method',
  hostname: 'r.hostname',
  ssl_fc: '(r.frontendSsl ? "1" : "0")',
  ssl_fc_sni: 'r.sslSni',
  ssl_fc_protocol: 'r.sslVersion',
  ssl_fc_cipher: 'r.sslCipher',
};
