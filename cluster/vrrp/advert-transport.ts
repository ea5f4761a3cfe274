// The contract between a virtual router and the wire: a transport sends an
// advert to wherever this router's adverts go (the multicast group, or each
// unicast peer) and hands every packet it receives, decoded or refused, to
// the router. Raw IP protocol 112 (transport-raw.ts) and UDP
// (transport-udp.ts) both fulfil it, so the router does not know which.

import type { VrrpAdvertFields, VrrpDecodeResult } from './codec.ts';
import type { InterfaceInfo } from './interface-info.ts';
import type { VrrpSettings } from './settings.ts';

export interface AdvertSink {
  /**
   * A packet arrived: a decoded advert (not yet checked against our configuration) or a drop.
   * ageMs: how long before this call the kernel received it, when the transport can tell.
   */
  received(result: VrrpDecodeResult, ageMs?: number): void;
  /** Sending failed or the socket reported an error; the transport goes on. */
  transportError(err: Error): void;
}

export interface AdvertTransport {
  readonly kind: 'raw' | 'udp';
  /** The address our adverts carry as their source (the v3 pseudo-header, the tie-break). */
  readonly sourceAddress: string;
  /** Encodes and sends one advert per destination; errors go to the sink. */
  send(fields: VrrpAdvertFields): void;
  /** Resolves when every advert handed to send() has left (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface TransportOptions {
  settings: VrrpSettings;
  iface: InterfaceInfo;
  sourceAddress: string;
  sink: AdvertSink;
}
