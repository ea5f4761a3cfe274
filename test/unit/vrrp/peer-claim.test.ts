// What a router does with a peer's claim carried over the peers channel,
// and which claims a peer's frame may carry.

import test from 'ava';
import { claimIsFresh, claimVerdict, reportDelay, validClaim, type ClaimContext, type VrrpClaim } from '../../../cluster/vrrp/index.ts';

const claim = (over: Partial<VrrpClaim> = {}): VrrpClaim => ({
  name: 'web',
  interface: 'eth0',
  vrid: 51,
  state: 'Master',
  priority: 150,
  address: '10.0.0.12',
  advertInterval: 100,
  ...over,
});
const ctx = (over: Partial<ClaimContext> = {}): ClaimContext => ({ vrid: 51, state: 'Backup', address: '10.0.0.11', lastHeard: undefined, now: 10_000, ...over });

test('a backup that does not hear the master takes its claim as an advert; one that hears it leaves it to VRRP', (t) => {
  t.is(claimVerdict(ctx(), claim()), 'advert');
  t.is(claimVerdict(ctx({ lastHeard: 10_000 - 100 }), claim()), 'ignore', 'heard one interval ago');
  t.is(claimVerdict(ctx({ lastHeard: 10_000 - 150 }), claim()), 'ignore', '1.5 intervals is still heard');
  t.is(claimVerdict(ctx({ lastHeard: 10_000 - 151 }), claim()), 'advert', 'beyond 1.5 intervals: the VRRP path is cut');
});

test('two masters of one VRID are a conflict whatever VRRP hears; the report waits 1.5 of the slower interval', (t) => {
  t.is(claimVerdict(ctx({ state: 'Master' }), claim()), 'conflict');
  t.is(claimVerdict(ctx({ state: 'Master', lastHeard: 10_000 }), claim({ priority: 10 })), 'conflict');
  t.is(reportDelay(100, 1000), 1500);
});

test('ignored: another VRID, another family, our own address, a claim that is not master or priority 0, Fault and Initialize', (t) => {
  t.is(claimVerdict(ctx(), claim({ vrid: 52 })), 'ignore');
  t.is(claimVerdict(ctx(), claim({ address: 'fe80::1' })), 'ignore');
  t.is(claimVerdict(ctx(), claim({ address: '10.0.0.11' })), 'ignore');
  t.is(claimVerdict(ctx(), claim({ state: 'Backup' })), 'ignore');
  t.is(claimVerdict(ctx({ state: 'Master' }), claim({ priority: 0 })), 'ignore');
  t.is(claimVerdict(ctx({ state: 'Fault' }), claim()), 'ignore');
  t.is(claimVerdict(ctx({ state: 'Initialize' }), claim()), 'ignore');
});

test('valid claims: VRID 1-255, a known state, priority 0-255, an address, a sane interval, short names', (t) => {
  t.true(validClaim(claim()));
  t.true(validClaim(claim({ address: '2001:db8::1', vrid: 255, priority: 0 })));
  for (const bad of [
    { vrid: 0 },
    { vrid: 256 },
    { vrid: 1.5 },
    { state: 'Boss' as VrrpClaim['state'] },
    { priority: 256 },
    { priority: -1 },
    { address: 'nope' },
    { address: '' },
    { advertInterval: 0 },
    { advertInterval: 50_000 },
    { name: 'x'.repeat(65) },
    { interface: 'y'.repeat(65) },
  ]) {
    t.false(validClaim(claim(bad)), JSON.stringify(bad));
  }
});

test('a claim that waited in a stalled connection is history: fresh within two of its intervals (100 ms at least)', (t) => {
  t.true(claimIsFresh(0, claim()));
  t.true(claimIsFresh(200, claim()));
  t.false(claimIsFresh(201, claim()));
  t.true(claimIsFresh(100, claim({ advertInterval: 20 })));
  t.false(claimIsFresh(101, claim({ advertInterval: 20 })));
  t.true(claimIsFresh(2000, claim({ advertInterval: 1000 })));
  t.false(claimIsFresh(undefined, claim()), 'no age: not acted on');
});
