// The section 7.1 checks of a well-formed advert against this router's
// configuration: each refusal with its stable code, and what is accepted
// but worth a log line.

import test from 'ava';
import {
  checkReceivedAdvert,
  decodeIPv4Packet,
  VrrpDropCode,
  type ReceiveContext,
  type VrrpAdvert,
  type VrrpReceiveVerdict,
} from '../../../cluster/vrrp/index.ts';
import { KEEPALIVED_V2, KEEPALIVED_V3 } from './captured.ts';

function captured(packet: Buffer): { advert: VrrpAdvert; source: string } {
  const r = decodeIPv4Packet(packet);
  if (!r.ok) throw new Error(r.drop.message);
  return r;
}

const ours: ReceiveContext = {
  vrid: 51,
  version: 3,
  priority: 100,
  advertInterval: 1000,
  advertisedAddresses: ['10.99.0.100'],
  primaryAddress: '10.99.0.12',
};

const code = (v: VrrpReceiveVerdict): string => (v.accept ? 'accept' : v.drop.code);

test("keepalived's adverts are accepted by a router configured alike", (t) => {
  const v3 = captured(KEEPALIVED_V3);
  t.deepEqual(checkReceivedAdvert(v3.advert, v3.source, ours), { accept: true, addressMismatch: false, intervalMismatch: false });
  const v2 = captured(KEEPALIVED_V2);
  t.is(code(checkReceivedAdvert(v2.advert, v2.source, { ...ours, version: 2 })), 'accept');
});

test('another VRID and our own looped-back advert are dropped without counting as errors', (t) => {
  const { advert, source } = captured(KEEPALIVED_V3);
  const other = checkReceivedAdvert(advert, source, { ...ours, vrid: 52 });
  t.like(other, { accept: false, drop: { code: VrrpDropCode.OTHER_VRID, error: false } });
  const own = checkReceivedAdvert(advert, source, { ...ours, primaryAddress: '10.99.0.11' });
  t.like(own, { accept: false, drop: { code: VrrpDropCode.OWN_ADVERT, error: false } });
});

test('a version other than ours is dropped: HAWSER_VRRP_BAD_VERSION', (t) => {
  const { advert, source } = captured(KEEPALIVED_V2);
  const v = checkReceivedAdvert(advert, source, ours);
  t.like(v, { accept: false, drop: { code: VrrpDropCode.BAD_VERSION, error: true, message: 'VRRPv2 advert from 10.99.0.11, this router runs VRRPv3' } });
});

test('v2 authentication must match: none vs PASS, and the password', (t) => {
  const { advert, source } = captured(KEEPALIVED_V2);
  const v2 = { ...ours, version: 2 as const };
  t.is(code(checkReceivedAdvert(advert, source, { ...v2, authentication: { type: 'pass', password: 'x' } })), VrrpDropCode.BAD_AUTH);
  const withPass = { ...advert, authType: 1, authPassword: 'secret' };
  t.is(code(checkReceivedAdvert(withPass, source, v2)), VrrpDropCode.BAD_AUTH);
  t.is(code(checkReceivedAdvert(withPass, source, { ...v2, authentication: { type: 'pass', password: 'other' } })), VrrpDropCode.BAD_AUTH);
  t.is(code(checkReceivedAdvert(withPass, source, { ...v2, authentication: { type: 'pass', password: 'secret' } })), 'accept');
});

test('v2 interval mismatch is dropped (RFC 3768 7.1); v3 is accepted and flagged (the backup learns it)', (t) => {
  const v2 = captured(KEEPALIVED_V2);
  const r = checkReceivedAdvert(v2.advert, v2.source, { ...ours, version: 2, advertInterval: 2000 });
  t.like(r, { accept: false, drop: { code: VrrpDropCode.INTERVAL_MISMATCH, message: 'advert interval 1s from 10.99.0.11, ours is 2s' } });
  const v3 = captured(KEEPALIVED_V3);
  t.deepEqual(checkReceivedAdvert(v3.advert, v3.source, { ...ours, advertInterval: 100 }), {
    accept: true,
    addressMismatch: false,
    intervalMismatch: true,
  });
});

test('address list mismatch is accepted and flagged (log it; do not split the brain)', (t) => {
  const { advert, source } = captured(KEEPALIVED_V3);
  for (const list of [['10.99.0.101'], ['10.99.0.100', '10.99.0.101'], []]) {
    t.like(checkReceivedAdvert(advert, source, { ...ours, advertisedAddresses: list }), { accept: true, addressMismatch: true });
  }
  t.like(checkReceivedAdvert({ ...advert, addresses: ['10.99.0.101', '10.99.0.100'] }, source, { ...ours, advertisedAddresses: ['10.99.0.100', '10.99.0.101'] }), {
    addressMismatch: false,
  });
});

test('the address owner (priority 255) ignores other routers\' adverts', (t) => {
  const { advert, source } = captured(KEEPALIVED_V3);
  t.like(checkReceivedAdvert(advert, source, { ...ours, priority: 255 }), { accept: false, drop: { code: VrrpDropCode.WE_ARE_OWNER, error: false } });
});

test('unicast: adverts from anyone but the configured peers are dropped', (t) => {
  const { advert, source } = captured(KEEPALIVED_V3);
  t.is(code(checkReceivedAdvert(advert, source, { ...ours, unicast: { peers: ['10.99.0.13'] } })), VrrpDropCode.UNKNOWN_SOURCE);
  t.is(code(checkReceivedAdvert(advert, source, { ...ours, unicast: { peers: ['10.99.0.13', '10.99.0.11'] } })), 'accept');
});
