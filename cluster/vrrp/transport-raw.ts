// VRRP adverts over raw IP protocol 112 (RFC 5798's own transport), through
// raw-socket: IPv4 (the kernel builds the IP header; received packets keep
// theirs, so the TTL is checked) and IPv6 (the kernel strips the header and
// computes the checksum). The group is joined explicitly on the configured
// interface: a socket that merely happens to receive because another process
// joined would pass in a lab and go deaf in production.

import { isPermissionError, VrrpAdapterCode, VrrpAdapterError } from './adapter-error.ts';
import type { AdvertSink, AdvertTransport, TransportOptions } from './advert-transport.ts';
import {
  decodeIPv4Packet,
  decodeVrrpPayload,
  encodeAdvert,
  IPPROTO_VRRP,
  VRRP_MULTICAST_IPV4,
  VRRP_MULTICAST_IPV6,
  VRRP_TTL,
  type VrrpAdvertFields,
} from './codec.ts';
import { parseIP } from './ip-address.ts';
import { cInt, rawSocketModule, SockOpt, type RawSocket } from './raw-socket-module.ts';
import { ReceiveStamps } from './receive-stamps.ts';

const {
  SOL_SOCKET,
  SO_BINDTODEVICE,
  IPPROTO_IP,
  IP_TTL,
  IP_MULTICAST_IF,
  IP_MULTICAST_TTL,
  IP_MULTICAST_LOOP,
  IP_ADD_MEMBERSHIP,
  IPPROTO_IPV6,
  IPV6_CHECKSUM,
  IPV6_UNICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_LOOP,
  IPV6_ADD_MEMBERSHIP,
} = SockOpt;
/** Where the VRRP checksum sits in the message, for IPV6_CHECKSUM. */
const VRRP_CHECKSUM_OFFSET = 6;

const RETRY_MIN = 1000;
const RETRY_MAX = 30_000;

/** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }: the join names the interface by index. */
function ipMreqn(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  b.set(parseIP(group)!, 0);
  cInt(ifindex).copy(b, 8);
  return b;
}

/** struct ipv6_mreq { in6_addr multiaddr; int ifindex; } */
function ipv6Mreq(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  b.set(parseIP(group)!, 0);
  cInt(ifindex).copy(b, 16);
  return b;
}

export function openRawTransport(options: TransportOptions): AdvertTransport {
  return new RawTransport(options);
}

class RawTransport implements AdvertTransport {
  readonly kind = 'raw' as const;
  readonly sourceAddress: string;
  readonly #options: TransportOptions;
  readonly #sink: AdvertSink;
  readonly #family: 4 | 6;
  readonly #destinations: string[];
  readonly #multicast: boolean;
  /** Where received IPv6 payloads were sent: the pseudo-header needs it and the kernel strips the IPv6 header. */
  readonly #receivedDestination: string;
  readonly #decodeOptions: { pseudoHeader: boolean };
  #socket: RawSocket;
  readonly #stamps = new ReceiveStamps((n) => n.rawSocketFds(IPPROTO_VRRP));
  #closed = false;
  #pending = 0;
  #flushed: Array<() => void> = [];
  #retry = RETRY_MIN;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#sink = options.sink;
    this.sourceAddress = options.sourceAddress;
    const s = options.settings;
    this.#family = s.family;
    // One file for every node: the peer list may name this node too.
    const peers = (s.unicast?.peers ?? []).filter((p) => p !== options.sourceAddress);
    const group = s.family === 4 ? VRRP_MULTICAST_IPV4 : VRRP_MULTICAST_IPV6;
    this.#multicast = (s.unicast?.peers.length ?? 0) === 0;
    this.#destinations = this.#multicast ? [group] : peers;
    this.#receivedDestination = this.#multicast ? group : options.sourceAddress;
    this.#decodeOptions = { pseudoHeader: s.checksumPseudoHeader };
    this.#socket = this.#open();
  }

  #open(): RawSocket {
    const raw = rawSocketModule();
    const { settings, iface } = this.#options;
    let socket: RawSocket;
    this.#stamps.beforeOpen();
    try {
      socket = raw.createSocket({
        protocol: IPPROTO_VRRP,
        addressFamily: this.#family === 4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
        bufferSize: 2048,
      });
    } catch (err) {
      if (isPermissionError(err)) {
        throw new VrrpAdapterError(
          VrrpAdapterCode.NO_CAP_NET_RAW,
          `vrrp '${settings.name}': opening a raw socket for IP protocol 112 needs CAP_NET_RAW (run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN, e.g. AmbientCapabilities= in the systemd unit), or use 'transport udp'`,
          { cause: err },
        );
      }
      throw new VrrpAdapterError(VrrpAdapterCode.SOCKET, `vrrp '${settings.name}': cannot open a raw socket: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.#configure(socket, iface.name, iface.index);
    } catch (err) {
      socket.close();
      const code = isPermissionError(err) ? VrrpAdapterCode.NO_CAP_NET_RAW : VrrpAdapterCode.SOCKET;
      throw new VrrpAdapterError(code, `vrrp '${settings.name}': cannot set up the raw socket on '${iface.name}': ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.#stamps.afterOpen();
    socket.on('message', (buffer, source) => this.#onMessage(buffer, source));
    socket.on('error', (err) => this.#sink.transportError(err));
    socket.on('close', () => this.#onClose());
    return socket;
  }

  #configure(socket: RawSocket, name: string, index: number): void {
    // Only adverts from our interface; and ours leave by it whatever the routes say.
    const dev = Buffer.from(`${name}\0`, 'latin1');
    socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length);
    if (this.#family === 4) {
      socket.setOption(IPPROTO_IP, IP_TTL, VRRP_TTL);
      if (this.#multicast) {
        const mreqn = ipMreqn(VRRP_MULTICAST_IPV4, index);
        // The multicast default TTL is 1 and IP_TTL does not apply to multicast.
        socket.setOption(IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL);
        socket.setOption(IPPROTO_IP, IP_MULTICAST_IF, mreqn, mreqn.length);
        // Our own adverts looped back are only noise for the receive check.
        socket.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
        socket.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreqn, mreqn.length);
      }
    } else {
      // The kernel fills in (and on receipt verifies) the checksum over the real addresses.
      socket.setOption(IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET);
      socket.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL);
      if (this.#multicast) {
        const ifindex = cInt(index);
        socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL);
        socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, ifindex.length);
        socket.setOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
        const mreq = ipv6Mreq(VRRP_MULTICAST_IPV6, index);
        socket.setOption(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, mreq.length);
      }
    }
  }

  #onMessage(buffer: Buffer, source: string): void {
    try {
      // raw-socket emits each packet as soon as it has read it: the stamp is this packet's.
      const age = this.#stamps.age();
      const result =
        this.#family === 4
          ? decodeIPv4Packet(buffer, this.#decodeOptions)
          : decodeVrrpPayload(buffer, { source, destination: this.#receivedDestination }, this.#decodeOptions);
      this.#sink.received(result, age);
    } catch (err) {
      // Never let one packet take the router down.
      this.#sink.transportError(err as Error);
    }
  }

  /** raw-socket closes the socket on a poll error: reopen it, backing off, until we are closed. */
  #onClose(): void {
    this.#stamps.closed();
    if (this.#closed) return;
    this.#sink.transportError(new VrrpAdapterError(VrrpAdapterCode.SOCKET, `vrrp '${this.#options.settings.name}': the raw socket closed; reopening`));
    this.#settle(this.#pending);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed) return;
      try {
        this.#socket = this.#open();
        this.#retry = RETRY_MIN;
      } catch (err) {
        this.#sink.transportError(err as Error);
        this.#retry = Math.min(RETRY_MAX, this.#retry * 2);
        this.#onClose();
      }
    }, this.#retry);
  }

  send(fields: VrrpAdvertFields): void {
    if (this.#closed) return;
    for (const destination of this.#destinations) {
      let packet: Buffer;
      try {
        packet = encodeAdvert(fields, { source: this.sourceAddress, destination }, this.#decodeOptions);
      } catch (err) {
        this.#sink.transportError(err as Error);
        continue;
      }
      this.#pending++;
      this.#socket.send(packet, 0, packet.length, destination, this.#afterSend);
    }
  }

  readonly #afterSend = (err: Error | null): void => {
    if (err) this.#sink.transportError(err);
    this.#settle(1);
  };

  #settle(n: number): void {
    this.#pending = Math.max(0, this.#pending - n);
    if (this.#pending === 0) for (const f of this.#flushed.splice(0)) f();
  }

  flush(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#flushed.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // A bounded wait: a priority-0 advert still queued should leave, a stuck socket must not hold the stop.
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, 500).unref())]);
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#socket.removeAllListeners();
    this.#socket.on('error', () => {});
    this.#socket.close();
    this.#stamps.closed();
    this.#settle(this.#pending);
  }
}
