// The hawser_peers_* Prometheus families read off two real peers nodes on
// 127.0.0.1: what a scraper parses agrees with what the nodes did (entries
// written on one side and counted as received on the other), and the
// session state follows a lost peer.

import test from 'ava';
import { renderPeersMetrics } from '../../../cluster/peers/index.ts';
import { parseExposition, sampleValue } from '../../support/exposition.ts';
import { connectedPair, peerStatus, until } from '../../support/peers.ts';

test('hawser_peers_*: established sessions, updates pushed and received, lag, and a lost peer', async (t) => {
  t.is(renderPeersMetrics([]), '', 'no peers section, no family');
  const { a, b, ta, tb } = await connectedPair(t);
  const gpc0 = ta.data('gpc0')!;
  const written = 3 + Math.floor(Math.random() * 20);
  for (let i = 0; i < written; i++) ta.add(ta.getOrCreate(0x0a000001 + i)!, gpc0, 1);
  await until(() => tb.used === written && peerStatus(a, 'b').tables[0]?.lastAcked === ta.lastUpdateId, 5000, 'sync');

  const ma = parseExposition(renderPeersMetrics([a.node.status()])).samples;
  const mb = parseExposition(renderPeersMetrics([b.node.status()])).samples;
  const ab = { peers: 'lb', peer: 'b' };
  const ba = { peers: 'lb', peer: 'a' };
  t.is(sampleValue(ma, 'hawser_peers_local', { peers: 'lb', peer: 'a' }), 1);
  t.is(sampleValue(ma, 'hawser_peers_peer_status', { ...ab, status: 'esta' }), 1);
  for (const s of ['idle', 'conn', 'hshk']) t.is(sampleValue(ma, 'hawser_peers_peer_status', { ...ab, status: s }), 0, s);
  t.is(sampleValue(ma, 'hawser_peers_peer_status', { peers: 'lb', peer: 'a', status: 'esta' }), undefined, 'no series for the local peer');
  // What a pushed, b received: at least one update per entry written, the same count on both ends.
  const pushed = sampleValue(ma, 'hawser_peers_table_updates_pushed_total', { ...ab, table: 't' })!;
  t.true(pushed >= written, `${pushed} pushed for ${written} written`);
  t.is(sampleValue(mb, 'hawser_peers_table_updates_received_total', { ...ba, table: 't' }), pushed);
  t.is(sampleValue(ma, 'hawser_peers_lag_updates', ab), 0, 'everything acknowledged');
  t.is(sampleValue(ma, 'hawser_peers_config_drift', ab), 0);
  t.true(sampleValue(ma, 'hawser_peers_bytes_out_total', ab)! > 0);
  // Heartbeats keep flowing between the two reads: equal within a few frames.
  t.true(Math.abs(sampleValue(ma, 'hawser_peers_bytes_out_total', ab)! - sampleValue(mb, 'hawser_peers_bytes_in_total', ba)!) < 64, 'what a sent, b read');
  t.true(sampleValue(ma, 'hawser_peers_sessions_total', ab)! >= 1);

  // b goes away: a's session with it is no longer established, and it says why.
  await b.node.stop();
  await until(() => peerStatus(a, 'b').status !== 'ESTA', 5000, 'loss seen');
  const after = parseExposition(renderPeersMetrics([a.node.status()])).samples;
  t.is(sampleValue(after, 'hawser_peers_peer_status', { ...ab, status: 'esta' }), 0);
  const states = ['idle', 'conn', 'hshk'].map((s) => sampleValue(after, 'hawser_peers_peer_status', { ...ab, status: s }));
  t.is(states.filter((v) => v === 1).length, 1, 'exactly one state is current');
});
