// Socket addresses as written on bind, server, log, stats socket and peer
// lines, read the way HAProxy's str2sa_range() reads them:
//
// - `$VAR` / `${VAR}` are expanded once more here, even outside quotes;
// - prefixes `ipv4@`, `ipv6@`, `ip@`, `tcp@`, `tcp4@`, `tcp6@`, `udp@`,
//   `udp4@`, `udp6@`, `unix@`, `fd@N`; a leading `/` is a UNIX socket path;
// - the port follows the LAST colon, so bare IPv6 needs a trailing colon
//   (`:::80`, `::1:`) or brackets (`[::1]:80`); `*` or an empty host is any
//   IPv4 address, `::` any IPv6 address;
// - host names are kept as written (resolving is the runtime's job).

import type { Address } from './model.ts';
import { isHostname, isIPv4, isIPv6 } from './ip.ts';

export interface AddressRules {
  /** A port must be given (bind, stats socket on inet). */
  portMandatory?: boolean;
  /** `low-high` port ranges are allowed (bind). */
  portRange?: boolean;
  /** `+N`/`-N` port offsets are HAProxy syntax here (server): reported as not supported yet. */
  portOffset?: boolean;
  /** `fd@N` is allowed (listeners and log targets). */
  allowFd?: boolean;
  /** UNIX socket paths are allowed; when false they are reported as not supported yet. */
  allowUnix?: boolean;
}

export type AddressResult =
  | {
      ok: true;
      address: Address;
      /** Port range; both 0 when no port was written. */
      portLow: number;
      portHigh: number;
      hasPort: boolean;
      /** From a `udp@`-style prefix. */
      transport?: 'stream' | 'dgram';
    }
  /** When `unsupported`, `error` names the feature ("a port offset (...)") for an "is not supported yet" message. */
  | { ok: false; error: string; unsupported?: boolean };

/** env_expand(): `$NAME` and `${NAME}` anywhere in the string; unset expands to nothing. */
export function expandAddressEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    let j = i + 1;
    const brace = text[j] === '{';
    if (brace) j++;
    const start = j;
    while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
    const name = text.slice(start, j);
    if (brace && text[j] === '}') j++;
    out += (name !== '' ? env[name] : undefined) ?? '';
    i = j;
  }
  return out;
}

const PREFIXES: Array<[string, { family?: 4 | 6 | 0; kind?: 'unix' | 'fd'; transport?: 'stream' | 'dgram'; unsupported?: string }]> = [
  ['unix@', { kind: 'unix' }],
  ['uxst@', { kind: 'unix' }],
  ['uxdg@', { unsupported: 'a datagram UNIX socket (uxdg@)' }],
  ['abns@', { unsupported: 'an abstract UNIX socket (abns@)' }],
  ['ip@', { family: 0 }],
  ['ipv4@', { family: 4 }],
  ['ipv6@', { family: 6 }],
  ['tcp@', { family: 0, transport: 'stream' }],
  ['tcp4@', { family: 4, transport: 'stream' }],
  ['tcp6@', { family: 6, transport: 'stream' }],
  ['udp@', { family: 0, transport: 'dgram' }],
  ['udp4@', { family: 4, transport: 'dgram' }],
  ['udp6@', { family: 6, transport: 'dgram' }],
  ['quic4@', { unsupported: 'QUIC (quic4@)' }],
  ['quic6@', { unsupported: 'QUIC (quic6@)' }],
  ['fd@', { kind: 'fd' }],
  ['sockpair@', { unsupported: 'a socket pair (sockpair@)' }],
];

/**
 * Parses one address. `raw` is the word as the lexer produced it; the
 * environment expansion HAProxy applies to addresses happens here.
 */
export function parseAddress(
  raw: string,
  env: Readonly<Record<string, string | undefined>>,
  rules: AddressRules = {},
): AddressResult {
  let s = expandAddressEnv(raw, env);
  if (s === '') return { ok: false, error: `'${raw}' resolves to an empty address (environment variable missing?)` };
  if (s.startsWith('stream+')) s = s.slice(7);
  else if (s.startsWith('dgram+')) s = s.slice(6);

  let family: 4 | 6 | 0 = 0;
  let kind: 'inet' | 'unix' | 'fd' = 'inet';
  let transport: 'stream' | 'dgram' | undefined;
  for (const [prefix, what] of PREFIXES) {
    if (!s.startsWith(prefix)) continue;
    if (what.unsupported !== undefined) return { ok: false, unsupported: true, error: what.unsupported };
    s = s.slice(prefix.length);
    if (what.kind !== undefined) kind = what.kind;
    if (what.family !== undefined) family = what.family;
    transport = what.transport;
    break;
  }
  if (kind === 'inet' && s.startsWith('/')) kind = 'unix';

  if (kind === 'fd') {
    if (rules.allowFd !== true) return { ok: false, error: `a file descriptor is not acceptable here in '${raw}'` };
    if (!/^\d+$/.test(s)) return { ok: false, error: `file descriptor '${s}' is not a valid integer in '${raw}'` };
    return { ok: true, address: { kind: 'fd', fd: Number(s) }, portLow: 0, portHigh: 0, hasPort: false };
  }
  if (kind === 'unix') {
    if (rules.allowUnix !== true) return { ok: false, unsupported: true, error: `a UNIX socket address ('${raw}')` };
    if (s === '') return { ok: false, error: `empty UNIX socket path in '${raw}'` };
    // sun_path is 108 bytes; HAProxy keeps room for its ".PID.tmp" suffix.
    if (Buffer.byteLength(s) > 97) return { ok: false, error: `socket path '${s}' too long (max 97 bytes)` };
    return { ok: true, address: { kind: 'unix', path: s }, portLow: 0, portHigh: 0, hasPort: false };
  }

  // Port after the last ':' unless a ']' comes first.
  let host = s;
  let portText: string | undefined;
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ']') break;
    if (s[i] === ':') {
      host = s.slice(0, i);
      portText = s.slice(i + 1);
      break;
    }
  }

  let portLow = 0;
  let portHigh = 0;
  let hasPort = false;
  if (portText !== undefined && portText !== '') {
    const first = portText[0]!;
    if (first === '+' || first === '-') {
      if (rules.portOffset === true) {
        return { ok: false, unsupported: true, error: `a port offset ('${portText}' in '${raw}')` };
      }
      return { ok: false, error: `port offset not permitted here in '${raw}'` };
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(portText);
    if (m === null) {
      const bad = /^\d*(.)/.exec(portText)![1];
      return { ok: false, error: `invalid character '${bad}' in port number '${portText}' in '${raw}'` };
    }
    if (m[2] !== undefined && rules.portRange !== true) return { ok: false, error: `port range not permitted here in '${raw}'` };
    portLow = Number(m[1]);
    portHigh = m[2] !== undefined ? Number(m[2]) : portLow;
    const min = rules.portMandatory === true ? 1 : 0;
    if (portLow < min || portLow > 65535) return { ok: false, error: `invalid port '${m[1]}' in '${raw}'` };
    if (portHigh < min || portHigh > 65535) return { ok: false, error: `invalid port '${m[2]}' in '${raw}'` };
    if (portLow > portHigh) return { ok: false, error: `invalid port range '${portLow}-${portHigh}' in '${raw}'` };
    hasPort = true;
  }
  if (!hasPort && rules.portMandatory === true) return { ok: false, error: `missing port specification in '${raw}'` };

  let bare = host;
  if (bare.startsWith('[')) {
    if (!bare.endsWith(']') || bare.length < 4) return { ok: false, error: `invalid address '${host}' in '${raw}'` };
    bare = bare.slice(1, -1);
    if (!isIPv6(bare)) return { ok: false, error: `invalid IPv6 address '${bare}' in '${raw}'` };
  }

  let address: Address;
  if (bare === '' || bare === '*') {
    address = family === 6 ? { kind: 'inet', host: '::', port: portLow, family: 6 } : { kind: 'inet', host: '0.0.0.0', port: portLow, family: 4 };
  } else if (bare === '::' && family !== 4) {
    address = { kind: 'inet', host: '::', port: portLow, family: 6 };
  } else if (family !== 4 && isIPv6(bare)) {
    address = { kind: 'inet', host: bare, port: portLow, family: 6 };
  } else if (family !== 6 && isIPv4(bare)) {
    address = { kind: 'inet', host: bare, port: portLow, family: 4 };
  } else if (isHostname(bare) && !/^[\d.]+$/.test(bare)) {
    address = { kind: 'inet', host: bare, port: portLow, family, hostname: true };
  } else {
    let hint = '';
    if (bare.includes(':') && isIPv6(s)) hint = ` (the port follows the last ':'; write [${s}] or ${s}: for an IPv6 address without port)`;
    else if (family === 4 && isIPv6(bare)) hint = ' (an IPv6 address with ipv4@)';
    else if (family === 6 && isIPv4(bare)) hint = ' (an IPv4 address with ipv6@)';
    return { ok: false, error: `invalid address '${bare}' in '${raw}'${hint}` };
  }
  const result: AddressResult = { ok: true, address, portLow, portHigh, hasPort };
  if (transport !== undefined) result.transport = transport;
  return result;
}

/** `host:port` as an address is printed (logs, show stat, labels), an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `addr` on a server or tcp-check connect: an IP address or a host name, no port. */
export function parseHostOnly(raw: string, env: Readonly<Record<string, string | undefined>>): { ok: true; host: string } | { ok: false; error: string } {
  const s = expandAddressEnv(raw, env);
  let bare = s;
  if (bare.startsWith('[') && bare.endsWith(']')) bare = bare.slice(1, -1);
  if (isIPv4(bare) || isIPv6(bare) || (isHostname(bare) && !/^[\d.]+$/.test(bare))) return { ok: true, host: bare };
  return { ok: false, error: `invalid address '${raw}'` };
}
