// From a `vrrp NAME` section of the configuration model to the typed
// settings of one node: its own priority (per-node values are keyed by node
// name in the shared file), defaults filled in, and the keywords the config
// front end kept raw in `entries` interpreted and checked. Problems come back
// as Diagnostics with file:line. Call it on a configuration without errors:
// what the front end already refused is not reported twice.
//
//   preempt | nopreempt                 default preempt
//   preempt-delay T                     bare number = seconds, 0-1000s
//   garp-master-delay T                 default 5s; 0: no second burst
//   garp-master-repeat N                default 5
//   garp-master-refresh T               default 0 (off)
//   track-backend NAME [weight W]       W -254..254; 0 (default): Fault while failing
//   track-interface IF [weight W]
//   track-script "CMD ARGS" [interval T] [timeout T] [rise N] [fall N] [weight W]
//   track-file PATH [weight W]          value x W added (default W 1, keepalived's); W 0: Fault unless 0
//   In a sync group, or for the address owner (255), weighted tracking is
//   turned to Fault-only or ignored, with a warning, as keepalived does.
//   notify-master|notify-backup|notify-fault|notify-stop CMD [ARGS]   ("CMD ARGS" also)
//   notify CMD [ARGS]                   called with INSTANCE NAME STATE PRIORITY appended, as keepalived's
//   unicast-src-ip ADDR (or unicast-source ADDR), unicast-peer ADDR...
//   transport raw | udp [port N]        default raw (IP protocol 112)
//   v3-checksum with-pseudo-header | without-pseudo-header   (Cisco/Juniper IPv4 interop)
//   authentication pass SECRET          v2 only, up to 8 characters
//   accept | no-accept, disabled | enabled, description TEXT
//   sync-group NAME [notify-master|notify-backup|notify-fault|notify-stop|notify CMD ...]
//                                       the group's commands may be written on any one member

import { CfgCode, parseTime, type Diagnostic, type SourcePos, type VrrpSection } from '../../src/config/index.ts';
import { canonicalIP, ipFamily } from './ip-address.ts';
import { DEFAULT_GARP, type VrrpGarpSettings } from './state-machine.ts';

export const DEFAULT_PRIORITY = 100;
export const DEFAULT_ADVERT_INTERVAL = 1000;
export const DEFAULT_VERSION = 3;
/** Hawser's port for VRRP over UDP (no port is registered for it; pick the same on every node). */
export const DEFAULT_UDP_PORT = 5798;
export const MAX_PREEMPT_DELAY = 1_000_000;
export const MAX_GARP_TIME = 1_000_000;
/** Warning: v2 PASS authentication puts the password in clear text on the wire. */
export const CLEAR_TEXT_PASSWORD = 'HAWSER_VRRP_CLEAR_TEXT_PASSWORD';

export interface VrrpVirtualAddress {
  pos: SourcePos;
  /** Canonical text. */
  address: string;
  prefix: number;
  family: 4 | 6;
  dev?: string;
  label?: string;
}

/** Tracked objects (behaviour comes with the tracking adapters). weight 0: Fault while failing; otherwise added to the priority (keepalived's rule). */
export type VrrpTrack =
  | { kind: 'backend'; pos: SourcePos; name: string; weight: number }
  | { kind: 'interface'; pos: SourcePos; name: string; weight: number }
  | {
      kind: 'script';
      pos: SourcePos;
      argv: string[];
      /** ms */
      interval: number;
      /** ms */
      timeout: number;
      rise: number;
      fall: number;
      weight: number;
    }
  | { kind: 'file'; pos: SourcePos; path: string; weight: number };

export interface VrrpNotifyCommand {
  pos: SourcePos;
  argv: string[];
}

export interface VrrpNotify {
  master?: VrrpNotifyCommand;
  backup?: VrrpNotifyCommand;
  fault?: VrrpNotifyCommand;
  stop?: VrrpNotifyCommand;
  /** Every transition, with `INSTANCE <name> <MASTER|BACKUP|FAULT|STOP> <priority>` appended. */
  any?: VrrpNotifyCommand;
}

export type VrrpTransport = { kind: 'raw' } | { kind: 'udp'; port: number };

export interface VrrpSettings {
  name: string;
  pos: SourcePos;
  interface: string;
  vrid: number;
  /** This node's priority: its per-node value, else the section's single value, else 100. */
  priority: number;
  /** ms */
  advertInterval: number;
  version: 2 | 3;
  /** The family adverts are sent over and list: the unicast source's, else the first VIP's. */
  family: 4 | 6;
  virtualAddresses: VrrpVirtualAddress[];
  /** The VIPs of `family`, as adverts list them; VIPs of the other family move with them unlisted. */
  advertisedAddresses: string[];
  unicast?: { source?: string; peers: string[] };
  preempt: boolean;
  /** ms */
  preemptDelay: number;
  garp: VrrpGarpSettings;
  tracks: VrrpTrack[];
  notify: VrrpNotify;
  /** v3 over IPv4: checksum with the pseudo-header (RFC 5798, keepalived) or without (Cisco/Juniper). IPv6 always has it. */
  checksumPseudoHeader: boolean;
  authentication?: { type: 'pass'; password: string };
  transport: VrrpTransport;
  /** Accept_Mode; true as keepalived's default (the proxy must accept traffic to the VIP). */
  acceptMode: boolean;
  disabled: boolean;
  description?: string;
  syncGroup?: string;
  /** The group's notify commands written on this member's `sync-group` line. */
  syncGroupNotify?: VrrpNotify;
}

export interface VrrpSettingsResult {
  /** Undefined when an error was found. */
  settings: VrrpSettings | undefined;
  diagnostics: Diagnostic[];
}

const NOTIFY_KEYS = {
  'notify-master': 'master',
  'notify-backup': 'backup',
  'notify-fault': 'fault',
  'notify-stop': 'stop',
  notify: 'any',
} as const;

type Entry = VrrpSection['entries'][number];

/** Settings of vrrp section `section` for the node named `nodeName`. */
export function vrrpSettings(section: VrrpSection, nodeName: string): VrrpSettingsResult {
  return new SettingsReader(section).read(nodeName);
}

class SettingsReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly #s: VrrpSection;
  #errors = 0;

  constructor(section: VrrpSection) {
    this.#s = section;
  }

  #report(severity: 'error' | 'warning', code: string, pos: SourcePos, message: string): void {
    if (severity === 'error') this.#errors++;
    this.diagnostics.push({ code, severity, file: pos.file, line: pos.line, message: `vrrp '${this.#s.name}': ${message}` });
  }

  error(pos: SourcePos, code: string, message: string): void {
    this.#report('error', code, pos, message);
  }

  warning(pos: SourcePos, code: string, message: string): void {
    this.#report('warning', code, pos, message);
  }

  read(nodeName: string): VrrpSettingsResult {
    const s = this.#s;
    const version = s.version ?? DEFAULT_VERSION;
    const out: VrrpSettings = {
      name: s.name,
      pos: s.pos,
      interface: s.interface ?? '',
      vrid: s.virtualRouterId ?? 0,
      priority: s.priority.byNode.get(nodeName) ?? s.priority.default ?? DEFAULT_PRIORITY,
      advertInterval: s.advertInterval ?? DEFAULT_ADVERT_INTERVAL,
      version,
      family: 4,
      virtualAddresses: [],
      advertisedAddresses: [],
      preempt: true,
      preemptDelay: 0,
      garp: { ...DEFAULT_GARP },
      tracks: [],
      notify: {},
      checksumPseudoHeader: true,
      transport: { kind: 'raw' },
      acceptMode: true,
      disabled: false,
    };
    if (s.interface === undefined) this.error(s.pos, CfgCode.INCOMPLETE, "no 'interface'");
    if (s.virtualRouterId === undefined) this.error(s.pos, CfgCode.INCOMPLETE, "no 'virtual-router-id' (1-255)");
    if (s.virtualAddresses.length === 0) this.error(s.pos, CfgCode.INCOMPLETE, "no 'virtual-ipaddress'");
    for (const v of s.virtualAddresses) {
      const address = canonicalIP(v.address);
      if (address === undefined) {
        this.error(v.pos, CfgCode.BAD_VALUE, `'${v.address}' is not an IP address`);
        continue;
      }
      const vip: VrrpVirtualAddress = { pos: v.pos, address, prefix: v.prefix, family: v.family };
      if (v.dev !== undefined) vip.dev = v.dev;
      if (v.label !== undefined) vip.label = v.label;
      out.virtualAddresses.push(vip);
    }

    let preemptSeen: Entry | undefined;
    let preemptDelaySeen: Entry | undefined;
    let checksumSeen: Entry | undefined;
    let authSeen: Entry | undefined;
    let sourceLine: Entry | undefined;
    for (const e of s.entries) {
      switch (e.keyword) {
        case 'preempt':
        case 'nopreempt':
          if (preemptSeen !== undefined && preemptSeen.keyword !== e.keyword) {
            this.warning(e.pos, CfgCode.DUPLICATE, `both 'preempt' and 'nopreempt' are set; the last one, '${e.keyword}', applies`);
          }
          out.preempt = e.keyword === 'preempt';
          preemptSeen = e;
          break;
        case 'preempt-delay': {
          const v = this.time(e, 0, 0, MAX_PREEMPT_DELAY);
          if (v !== undefined) out.preemptDelay = v;
          preemptDelaySeen = e;
          break;
        }
        case 'garp-master-delay': {
          const v = this.time(e, 0, 0, MAX_GARP_TIME);
          if (v !== undefined) out.garp.masterDelay = v;
          break;
        }
        case 'garp-master-refresh': {
          const v = this.time(e, 0, 0, MAX_GARP_TIME);
          if (v !== undefined) out.garp.masterRefresh = v;
          break;
        }
        case 'garp-master-repeat': {
          const v = this.int(e, e.args[0], e.keyword, 1, 255);
          if (v !== undefined) out.garp.masterRepeat = v;
          break;
        }
        case 'track-backend':
        case 'track-interface':
        case 'track-file':
          this.simpleTrack(e, out.tracks);
          break;
        case 'track-script':
          this.trackScript(e, out.tracks);
          break;
        case 'notify':
        case 'notify-master':
        case 'notify-backup':
        case 'notify-fault':
        case 'notify-stop': {
          const argv = e.args.length === 1 ? e.args[0]!.split(/\s+/).filter((w) => w !== '') : e.args;
          if (argv.length === 0) this.error(e.pos, CfgCode.BAD_ARGUMENT, `'${e.keyword}' expects a command`);
          else out.notify[NOTIFY_KEYS[e.keyword]] = { pos: e.pos, argv: [...argv] };
          break;
        }
        case 'unicast-src-ip':
        case 'unicast-source': {
          const a = this.address(e, e.args[0]);
          if (a !== undefined) (out.unicast ??= { peers: [] }).source = a;
          sourceLine = e;
          break;
        }
        case 'unicast-peer':
          for (const w of e.args) {
            const a = this.address(e, w);
            if (a !== undefined) (out.unicast ??= { peers: [] }).peers.push(a);
          }
          break;
        case 'transport':
          this.transport(e, out);
          break;
        case 'v3-checksum':
          if (e.args[0] === 'with-pseudo-header' || e.args[0] === 'without-pseudo-header') {
            out.checksumPseudoHeader = e.args[0] === 'with-pseudo-header';
            checksumSeen = e;
          } else {
            this.error(e.pos, CfgCode.BAD_VALUE, `'v3-checksum' expects 'with-pseudo-header' or 'without-pseudo-header'${e.args[0] !== undefined ? `, not '${e.args[0]}'` : ''}`);
          }
          break;
        case 'authentication':
          authSeen = e;
          this.authentication(e, out);
          break;
        case 'accept':
        case 'no-accept':
          out.acceptMode = e.keyword === 'accept';
          break;
        case 'disabled':
        case 'enabled':
          out.disabled = e.keyword === 'disabled';
          break;
        case 'description':
          out.description = e.args.join(' ');
          break;
        case 'sync-group':
          this.syncGroup(e, out);
          break;
        default:
          this.warning(e.pos, CfgCode.IGNORED, `'${e.keyword}' is not interpreted yet and has no effect`);
      }
    }

    this.crossChecks(out, { preemptDelaySeen, checksumSeen, authSeen, sourceLine });
    this.unweighTracks(out);
    return { settings: this.#errors === 0 ? out : undefined, diagnostics: this.diagnostics };
  }

  crossChecks(
    out: VrrpSettings,
    seen: { preemptDelaySeen?: Entry; checksumSeen?: Entry; authSeen?: Entry; sourceLine?: Entry },
  ): void {
    const s = this.#s;
    const sourceFamily = out.unicast?.source !== undefined ? ipFamily(out.unicast.source) : undefined;
    out.family = sourceFamily ?? out.virtualAddresses[0]?.family ?? 4;
    out.advertisedAddresses = out.virtualAddresses.filter((v) => v.family === out.family).map((v) => v.address);
    if (out.virtualAddresses.length > 0 && out.advertisedAddresses.length === 0) {
      this.error(s.pos, CfgCode.BAD_VALUE, `no virtual address of the unicast source's family (IPv${out.family}) to advertise`);
    }
    if (out.advertisedAddresses.length > 255) {
      this.error(s.pos, CfgCode.BAD_VALUE, `${out.advertisedAddresses.length} IPv${out.family} virtual addresses, an advert carries at most 255`);
    }
    for (const v of out.virtualAddresses) {
      if ((v.dev ?? out.interface) === 'lo') {
        this.warning(v.pos, CfgCode.BAD_VALUE, `virtual address ${v.address} on 'lo': every node would answer ARP for it; put it on the shared interface`);
      }
    }
    if (out.version === 2 && out.virtualAddresses.some((v) => v.family === 6)) {
      this.error(s.pos, CfgCode.BAD_VALUE, "VRRPv2 carries IPv4 addresses only; use 'version 3' for IPv6");
    }
    if (out.unicast !== undefined) {
      for (const p of out.unicast.peers) {
        if (ipFamily(p) !== out.family) this.error(s.pos, CfgCode.BAD_VALUE, `unicast peer ${p} is not IPv${out.family} like the adverts`);
      }
      if (out.unicast.peers.length === 0) {
        const where = seen.sourceLine?.pos ?? s.pos;
        this.error(where, CfgCode.INCOMPLETE, `'${seen.sourceLine?.keyword ?? 'unicast-source'}' without any 'unicast-peer': nobody would hear the adverts`);
      }
    }
    if (!out.preempt && seen.preemptDelaySeen !== undefined && out.preemptDelay > 0) {
      this.warning(seen.preemptDelaySeen.pos, CfgCode.IGNORED, "'preempt-delay' has no effect with 'nopreempt'");
    }
    if (seen.checksumSeen !== undefined && !out.checksumPseudoHeader) {
      if (out.version === 2) {
        this.warning(seen.checksumSeen.pos, CfgCode.IGNORED, "'v3-checksum' has no effect with 'version 2' (a v2 checksum never covers a pseudo-header)");
      } else if (out.family === 6) {
        this.warning(seen.checksumSeen.pos, CfgCode.IGNORED, "'v3-checksum without-pseudo-header' applies to IPv4 only; IPv6 adverts always carry the pseudo-header checksum");
        out.checksumPseudoHeader = true;
      }
    }
    if (seen.authSeen !== undefined && out.authentication !== undefined) {
      if (out.version === 3) {
        this.error(seen.authSeen.pos, CfgCode.BAD_VALUE, "'authentication' exists in VRRPv2 only (RFC 5798 removed it); remove it or use 'version 2'");
      } else {
        this.warning(
          seen.authSeen.pos,
          CLEAR_TEXT_PASSWORD,
          "'authentication pass' sends the password in clear text in every advert: it protects nothing and is only for VRRPv2 routers that require it",
        );
      }
    }
  }

  time(e: Entry, index: number, min: number, max: number): number | undefined {
    const w = e.args[index];
    if (w === undefined) {
      this.error(e.pos, CfgCode.BAD_ARGUMENT, `'${e.keyword}' expects a time (e.g. 5s)`);
      return undefined;
    }
    const r = parseTime(w, 's');
    if (r.error !== undefined) {
      this.error(e.pos, CfgCode.BAD_VALUE, `'${e.keyword}': ${r.error}`);
      return undefined;
    }
    if (r.value < min || r.value > max) {
      this.error(e.pos, CfgCode.BAD_VALUE, `'${e.keyword}' must be between ${min / 1000}s and ${max / 1000}s, not '${w}'`);
      return undefined;
    }
    return r.value;
  }

  int(e: Entry, w: string | undefined, label: string, min: number, max: number): number | undefined {
    if (w === undefined || !/^-?\d+$/.test(w)) {
      this.error(e.pos, CfgCode.BAD_VALUE, `'${label}' expects an integer${w !== undefined ? `, not '${w}'` : ''}`);
      return undefined;
    }
    const v = Number(w);
    if (v < min || v > max) {
      this.error(e.pos, CfgCode.BAD_VALUE, `'${label}' must be between ${min} and ${max}, not ${w}`);
      return undefined;
    }
    return v;
  }

  address(e: Entry, w: string | undefined): string | undefined {
    const a = w === undefined ? undefined : canonicalIP(w);
    if (a === undefined) this.error(e.pos, CfgCode.BAD_VALUE, `'${e.keyword}' expects an IP address${w !== undefined ? `, not '${w}'` : ''}`);
    return a;
  }

  /** `track-backend NAME [weight W]`, `track-interface IF [weight W]`, `track-file PATH [weight W]`. */
  simpleTrack(e: Entry, tracks: VrrpTrack[]): void {
    const [name, kw, w, extra] = e.args;
    if (name === undefined) {
      this.error(e.pos, CfgCode.BAD_ARGUMENT, `'${e.keyword}' expects a name [weight <-254..254>]`);
      return;
    }
    // keepalived's track_file weighs 1 by default (the file's value is added as written).
    let weight = e.keyword === 'track-file' ? 1 : 0;
    if (kw !== undefined) {
      if (kw !== 'weight' || extra !== undefined) {
        this.error(e.pos, CfgCode.BAD_ARGUMENT, `'${e.keyword} ${name}' only accepts 'weight <-254..254>'`);
        return;
      }
      const v = this.int(e, w, `${e.keyword} weight`, -254, 254);
      if (v === undefined) return;
      weight = v;
    }
    if (e.keyword === 'track-file') tracks.push({ kind: 'file', pos: e.pos, path: name, weight });
    else tracks.push({ kind: e.keyword === 'track-backend' ? 'backend' : 'interface', pos: e.pos, name, weight });
  }

  /** `track-script "CMD ARGS" [interval T] [timeout T] [rise N] [fall N] [weight W]`. */
  trackScript(e: Entry, tracks: VrrpTrack[]): void {
    const argv = (e.args[0] ?? '').split(/\s+/).filter((w) => w !== '');
    if (argv.length === 0) {
      this.error(e.pos, CfgCode.BAD_ARGUMENT, "'track-script' expects a command (quote it with its arguments)");
      return;
    }
    const t = { kind: 'script' as const, pos: e.pos, argv, interval: 1000, timeout: 0, rise: 1, fall: 1, weight: 0 };
    for (let i = 1; i < e.args.length; i += 2) {
      const k = e.args[i]!;
      const v = e.args[i + 1];
      switch (k) {
        case 'interval':
        case 'timeout': {
          const ms = this.time({ ...e, keyword: `track-script ${k}` }, i + 1, 1, 3_600_000);
          if (ms === undefined) return;
          t[k] = ms;
          break;
        }
        case 'rise':
        case 'fall': {
          const n = this.int(e, v, `track-script ${k}`, 1, 1000);
          if (n === undefined) return;
          t[k] = n;
          break;
        }
        case 'weight': {
          const n = this.int(e, v, 'track-script weight', -254, 254);
          if (n === undefined) return;
          t.weight = n;
          break;
        }
        default:
          this.error(
            e.pos,
            CfgCode.BAD_ARGUMENT,
            `'track-script': unknown option '${k}' (expected interval, timeout, rise, fall or weight; quote the command with its arguments)`,
          );
          return;
      }
    }
    if (t.timeout === 0) t.timeout = t.interval;
    tracks.push(t);
  }

  /** `sync-group NAME [notify-master CMD] ... [notify CMD]`. */
  syncGroup(e: Entry, out: VrrpSettings): void {
    const [name, ...rest] = e.args;
    if (name === undefined || NOTIFY_KEYS[name as keyof typeof NOTIFY_KEYS] !== undefined) {
      this.error(e.pos, CfgCode.BAD_ARGUMENT, "'sync-group' expects a group name, then optionally notify-master|notify-backup|notify-fault|notify-stop|notify <command>");
      return;
    }
    const notify: VrrpNotify = {};
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i]!;
      const cmd = rest[i + 1];
      const key = Object.hasOwn(NOTIFY_KEYS, k) ? NOTIFY_KEYS[k as keyof typeof NOTIFY_KEYS] : undefined;
      const argv = cmd?.split(/\s+/).filter((w) => w !== '') ?? [];
      if (key === undefined || argv.length === 0) {
        this.error(
          e.pos,
          CfgCode.BAD_ARGUMENT,
          key === undefined
            ? `'sync-group ${name}': unknown option '${k}' (expected notify-master, notify-backup, notify-fault, notify-stop or notify)`
            : `'sync-group ${name} ${k}' expects a command (quote it with its arguments)`,
        );
        return;
      }
      notify[key] = { pos: e.pos, argv };
    }
    out.syncGroup = name;
    if (rest.length > 0) out.syncGroupNotify = notify;
  }

  /**
   * keepalived's rule: members of a sync group must not elect masters on
   * different nodes, and an address owner never yields, so their weighted
   * tracking becomes Fault-only (a file at the default weight 1; a member's
   * interfaces and backends) or is ignored (scripts, files with another
   * weight; an owner's interfaces and backends).
   */
  unweighTracks(out: VrrpSettings): void {
    const why = out.syncGroup !== undefined ? `vrrp '${out.name}' is in sync group '${out.syncGroup}'` : out.priority === 255 ? 'this node owns the addresses (priority 255)' : undefined;
    if (why === undefined) return;
    const kept: VrrpTrack[] = [];
    for (const t of out.tracks) {
      if (t.weight === 0) {
        kept.push(t);
        continue;
      }
      const what = t.kind === 'script' ? `track-script '${t.argv.join(' ')}'` : t.kind === 'file' ? `track-file ${t.path}` : `track-${t.kind} ${t.name}`;
      const ignored = t.kind === 'script' || (t.kind === 'file' ? t.weight !== 1 : out.syncGroup === undefined);
      if (ignored) {
        this.warning(t.pos, CfgCode.IGNORED, `${what} weight ${t.weight} is ignored: ${why} (use weight 0: Fault while it fails)`);
        continue;
      }
      this.warning(t.pos, CfgCode.IGNORED, `${what} weight ${t.weight} is treated as weight 0 (Fault while it fails): ${why}`);
      kept.push({ ...t, weight: 0 });
    }
    out.tracks = kept;
  }

  transport(e: Entry, out: VrrpSettings): void {
    const [kind, kw, port, extra] = e.args;
    if (kind === 'raw' && kw === undefined) {
      out.transport = { kind: 'raw' };
      return;
    }
    if (kind === 'udp' && kw === undefined) {
      out.transport = { kind: 'udp', port: DEFAULT_UDP_PORT };
      return;
    }
    if (kind === 'udp' && kw === 'port' && extra === undefined) {
      const p = this.int(e, port, 'transport udp port', 1, 65535);
      if (p !== undefined) out.transport = { kind: 'udp', port: p };
      return;
    }
    this.error(e.pos, CfgCode.BAD_VALUE, "'transport' expects 'raw' (IP protocol 112) or 'udp [port <1-65535>]'");
  }

  authentication(e: Entry, out: VrrpSettings): void {
    const [type, secret, extra] = e.args;
    if (type?.toLowerCase() !== 'pass' || secret === undefined || extra !== undefined) {
      this.error(e.pos, CfgCode.BAD_ARGUMENT, "'authentication' expects 'pass <password>' (AH is not supported)");
      return;
    }
    if (secret.length > 8 || /[^\x20-\x7e]/.test(secret)) {
      this.error(e.pos, CfgCode.BAD_VALUE, "'authentication pass': the password is at most 8 printable ASCII characters");
      return;
    }
    out.authentication = { type: 'pass', password: secret };
  }
}
