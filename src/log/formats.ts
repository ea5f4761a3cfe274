// HAProxy 2.6's predefined log formats, as log-format strings (manual
// 8.2.1-8.2.4), so that `option tcplog`, `option httplog` and `option
// httplog clf` produce the lines HAProxy users' parsers expect, and the
// choice the runtime makes from a proxy's options.

/** `option tcplog` */
export const TCP_LOG_FORMAT = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';

/** `option httplog` */
export const HTTP_LOG_FORMAT =
  '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';

/** `option httplog clf` */
export const CLF_HTTP_LOG_FORMAT =
  '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl';

/**
 * `option httpslog`. Its TLS fields are sample expressions that Hawser does
 * not evaluate yet: compiling it reports them as not supported.
 */
export const HTTPS_LOG_FORMAT =
  HTTP_LOG_FORMAT +
  ' %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc';

/**
 * The default format, used when a proxy logs with no format option: one
 * line when the connection is accepted (manual 8.2.1), e.g.
 * `Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/HTTP)`.
 */
export const DEFAULT_HTTP_LOG_FORMAT = 'Connect from %ci:%cp to %fi:%fp (%f/HTTP)';
export const DEFAULT_TCP_LOG_FORMAT = 'Connect from %ci:%cp to %fi:%fp (%f/TCP)';

/** When a line is written: at accept (the default format) or when the request/session ends. */
export type LogMoment = 'accept' | 'end';

export interface LogFormatChoice {
  format: string;
  moment: LogMoment;
  /** Set when an option had to be overridden, in HAProxy's words. */
  warning?: string;
}

export interface LogFormatOptions {
  mode: 'http' | 'tcp';
  /** `log-format` of the proxy, when set: wins over the options, as in HAProxy. */
  logFormat?: string;
  httplog?: { clf: boolean };
  tcplog?: boolean;
  /** Proxy name, for the warning text. */
  proxyName?: string;
}

/**
 * Picks the format of a frontend. A custom log-format wins; `option
 * httplog` on a TCP frontend falls back to tcplog with HAProxy's warning.
 */
export function chooseLogFormat(o: LogFormatOptions): LogFormatChoice {
  if (o.logFormat !== undefined) return { format: o.logFormat, moment: 'end' };
  if (o.httplog) {
    if (o.mode === 'http') return { format: o.httplog.clf ? CLF_HTTP_LOG_FORMAT : HTTP_LOG_FORMAT, moment: 'end' };
    return {
      format: TCP_LOG_FORMAT,
      moment: 'end',
      warning: `'option httplog' not usable with frontend '${o.proxyName ?? ''}' (needs 'mode http'). Falling back to 'option tcplog'.`,
    };
  }
  if (o.tcplog) return { format: TCP_LOG_FORMAT, moment: 'end' };
  return { format: o.mode === 'http' ? DEFAULT_HTTP_LOG_FORMAT : DEFAULT_TCP_LOG_FORMAT, moment: 'accept' };
}
