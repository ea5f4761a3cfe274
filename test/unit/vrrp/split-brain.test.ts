// Who yields when two masters meet, and what counts as one split brain.

import test from 'ava';
import { newEpisode, yieldsTo } from '../../../cluster/vrrp/split-brain.ts';

test('the lower priority yields; a tie goes to the higher address, compared as addresses not strings', (t) => {
  t.true(yieldsTo({ priority: 100, address: '10.0.0.1' }, { priority: 150, address: '10.0.0.2' }));
  t.false(yieldsTo({ priority: 150, address: '10.0.0.1' }, { priority: 100, address: '10.0.0.2' }));
  t.true(yieldsTo({ priority: 100, address: '10.0.0.9' }, { priority: 100, address: '10.0.0.10' }));
  t.false(yieldsTo({ priority: 100, address: '10.0.0.10' }, { priority: 100, address: '10.0.0.9' }));
  t.true(yieldsTo({ priority: 100, address: 'fe80::1' }, { priority: 100, address: 'fe80::a' }));
});

test('one episode per other master until it has been quiet for longer than the window', (t) => {
  t.true(newEpisode(undefined, '10.0.0.2', 1000, 360));
  t.false(newEpisode({ peer: '10.0.0.2', at: 1000 }, '10.0.0.2', 1300, 360));
  t.true(newEpisode({ peer: '10.0.0.2', at: 1000 }, '10.0.0.2', 1400, 360));
  t.true(newEpisode({ peer: '10.0.0.2', at: 1000 }, '10.0.0.3', 1001, 360));
});
