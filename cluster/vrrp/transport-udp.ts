// VRRP adverts inside UDP datagrams (dgram-as-promised), for networks that
// filter IP protocol 112 (some clouds, some firewalls). The same message and
// the same state machine; only the envelope differs, so every node of the
// virtual router must use 'transport udp' and the same port. UDP cannot tell
// us the TTL of what it receives: the TTL 255 check is lost here.

import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import type { RemoteInfo } from 'node:dgram';
import { isPermissionError, VrrpAdapterCode, VrrpAdapterError } from './adapter-error.ts';
import type { AdvertSink, AdvertTransport, TransportOptions } from './advert-transport.ts';
import { decodeVrrpPayload, encodeAdvert, VRRP_MULTICAST_IPV4, VRRP_MULTICAST_IPV6, VRRP_TTL, type VrrpAdvertFields } from './codec.ts';
import { ReceiveStamps } from './receive-stamps.ts';
import { DEFAULT_UDP_PORT } from './settings.ts';

export async function openUdpTransport(options: TransportOptions): Promise<AdvertTransport> {
  const t = new UdpTransport(options);
  await t.open();
  return t;
}

class UdpTransport implements AdvertTransport {
  readonly kind = 'udp' as const;
  readonly sourceAddress: string;
  readonly #options: TransportOptions;
  readonly #sink: AdvertSink;
  readonly #port: number;
  readonly #destinations: string[];
  readonly #multicast: boolean;
  /** What a received datagram was sent to: the group, or our unicast source (its socket is bound to it). */
  readonly #receivedDestination: string;
  readonly #decodeOptions: { pseudoHeader: boolean };
  readonly #socket: SocketAsPromised;
  readonly #stamps: ReceiveStamps;
  #pending = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#sink = options.sink;
    this.sourceAddress = options.sourceAddress;
    const s = options.settings;
    this.#port = s.transport.kind === 'udp' ? s.transport.port : DEFAULT_UDP_PORT;
    // One file for every node: the peer list may name this node too.
    const peers = (s.unicast?.peers ?? []).filter((p) => p !== options.sourceAddress);
    this.#multicast = (s.unicast?.peers.length ?? 0) === 0;
    const group = s.family === 4 ? VRRP_MULTICAST_IPV4 : VRRP_MULTICAST_IPV6;
    this.#destinations = this.#multicast ? [group] : peers;
    this.#receivedDestination = this.#multicast ? group : options.sourceAddress;
    this.#decodeOptions = { pseudoHeader: s.checksumPseudoHeader };
    const port = this.#port;
    this.#stamps = new ReceiveStamps((n) => n.udpSocketFds(port));
    this.#socket = DgramAsPromised.createSocket({ type: s.family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
  }

  async open(): Promise<void> {
    const { settings, iface } = this.#options;
    const v6 = settings.family === 6;
    // IPv6 link-local traffic needs the interface as the zone.
    const ifaceAddress = v6 ? `::%${iface.name}` : this.sourceAddress;
    this.#stamps.beforeOpen();
    try {
      if (this.#multicast) {
        // Bound to the group (IPv4), a socket only sees datagrams sent to it; the pseudo-header then knows the destination.
        await this.#socket.bind(this.#port, v6 ? '::' : VRRP_MULTICAST_IPV4);
        this.#socket.addMembership(v6 ? VRRP_MULTICAST_IPV6 : VRRP_MULTICAST_IPV4, ifaceAddress);
        this.#socket.setMulticastInterface(ifaceAddress);
        this.#socket.setMulticastTTL(VRRP_TTL);
        this.#socket.setMulticastLoopback(false);
      } else {
        await this.#socket.bind(this.#port, this.sourceAddress);
      }
      this.#socket.setTTL(VRRP_TTL);
    } catch (err) {
      await this.#socket.close().catch(() => {});
      const code = isPermissionError(err) ? VrrpAdapterCode.NO_CAP_NET_ADMIN : VrrpAdapterCode.SOCKET;
      throw new VrrpAdapterError(
        code,
        `vrrp '${settings.name}': cannot open UDP port ${this.#port} on '${iface.name}' (${this.#multicast ? 'multicast' : `unicast from ${this.sourceAddress}`}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.#stamps.afterOpen();
    const raw = this.#socket.socket;
    raw.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#onMessage(msg, rinfo));
    raw.on('error', (err: Error) => this.#sink.transportError(err));
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    try {
      // libuv hands each datagram over as soon as it has read it: the stamp is this one's.
      const age = this.#stamps.age();
      const zone = rinfo.address.indexOf('%');
      const source = zone >= 0 ? rinfo.address.slice(0, zone) : rinfo.address;
      this.#sink.received(decodeVrrpPayload(msg, { source, destination: this.#receivedDestination }, this.#decodeOptions), age);
    } catch (err) {
      this.#sink.transportError(err as Error);
    }
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
      const p = this.#socket.send(packet, this.#port, destination).then(
        () => undefined,
        (err: Error) => this.#sink.transportError(err),
      );
      this.#pending.add(p);
      void p.finally(() => this.#pending.delete(p));
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.#pending);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, 500).unref())]);
    this.#closed = true;
    this.#stamps.closed();
    await this.#socket.close().catch(() => {});
  }
}
