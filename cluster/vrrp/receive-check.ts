// The checks RFC 5798 / RFC 3768 section 7.1 make on a well-formed advert
// against this router's own configuration, before the state machine sees
// it: is it for our VRID, our version, from an expected peer, with our v2
// password and interval? Address-list and v3 interval mismatches are
// reported but accepted (the RFCs say log, and a node that disagrees about
// the addresses should still defer to a live master rather than split the
// brain; keepalived drops them instead).

import type { VrrpAdvert } from './codec.ts';
import { VrrpDropCode, type VrrpDrop } from './drop.ts';

/** What the checks need of this router (VrrpSettings and a primary address satisfy it). */
export interface ReceiveContext {
  vrid: number;
  version: 2 | 3;
  /** The configured priority; 255 is the address owner. */
  priority: number;
  /** ms */
  advertInterval: number;
  /** Canonical text, as VrrpSettings holds them. */
  advertisedAddresses: readonly string[];
  authentication?: { type: 'pass'; password: string };
  unicast?: { peers: readonly string[] };
  /** The address our own adverts leave from (heard back through multicast loopback). */
  primaryAddress: string;
}

export type VrrpReceiveVerdict =
  | {
      accept: true;
      /** The advert lists other addresses than ours (log it: the two routers disagree about the VIPs). */
      addressMismatch: boolean;
      /** v3: the master advertises another interval than ours (normal; the backup learns it). */
      intervalMismatch: boolean;
    }
  | { accept: false; drop: VrrpDrop };

function refuse(code: VrrpDrop['code'], message: string, error = true): VrrpReceiveVerdict {
  return { accept: false, drop: { code, message, error } };
}

export function checkReceivedAdvert(advert: VrrpAdvert, source: string, ctx: ReceiveContext): VrrpReceiveVerdict {
  if (advert.vrid !== ctx.vrid) return refuse(VrrpDropCode.OTHER_VRID, `advert for VRID ${advert.vrid}`, false);
  if (source === ctx.primaryAddress) return refuse(VrrpDropCode.OWN_ADVERT, 'our own advert', false);
  if (advert.version !== ctx.version) {
    return refuse(VrrpDropCode.BAD_VERSION, `VRRPv${advert.version} advert from ${source}, this router runs VRRPv${ctx.version}`);
  }
  if (ctx.unicast !== undefined && ctx.unicast.peers.length > 0 && !ctx.unicast.peers.includes(source)) {
    return refuse(VrrpDropCode.UNKNOWN_SOURCE, `advert from ${source}, which is not a unicast peer`);
  }
  if (advert.version === 2) {
    const want = ctx.authentication === undefined ? 0 : 1;
    if (advert.authType !== want) {
      return refuse(VrrpDropCode.BAD_AUTH, `authentication type ${advert.authType} from ${source}, expected ${want}`);
    }
    if (want === 1 && advert.authPassword !== ctx.authentication!.password) {
      return refuse(VrrpDropCode.BAD_AUTH, `wrong password from ${source}`);
    }
    if (advert.interval !== ctx.advertInterval) {
      return refuse(
        VrrpDropCode.INTERVAL_MISMATCH,
        `advert interval ${advert.interval / 1000}s from ${source}, ours is ${ctx.advertInterval / 1000}s`,
      );
    }
  }
  if (ctx.priority === 255) return refuse(VrrpDropCode.WE_ARE_OWNER, `advert from ${source} ignored: this router owns the addresses`, false);
  return {
    accept: true,
    addressMismatch: !sameSet(advert.addresses, ctx.advertisedAddresses),
    intervalMismatch: advert.version === 3 && advert.interval !== ctx.advertInterval,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (const x of a) if (!b.includes(x)) return false;
  for (const x of b) if (!a.includes(x)) return false;
  return true;
}
