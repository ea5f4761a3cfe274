// Readies the takeover path before a takeover needs it. V8 compiles a
// function the first time it runs, so a backup's first takeover paid for
// compiling the state machine's way to Master between its Master_Down_Timer
// and its gratuitous ARP (0.1 to 0.25 ms measured in the lab, a node's whole
// margin over keepalived). A throwaway machine on a clock of its own goes
// through the transitions; the real machines share its compiled code. Run
// at start-up, and again in the last millisecond before a master-down
// timer fires (the machine idles meanwhile, and that code has long left
// the CPU's caches): about 30 µs.

import { VrrpStateMachine } from './state-machine.ts';

export function warmTakeoverPath(): void {
  const clock = { t: 0, now: () => clock.t };
  // Documentation addresses (RFC 5737): nothing is sent, the machine only returns actions.
  const m = new VrrpStateMachine({ version: 3, priority: 100, advertInterval: 100, primaryAddress: '192.0.2.2' }, clock);
  m.handle({ kind: 'startup' });
  m.handle({ kind: 'advert', priority: 150, maxAdvertInterval: 100, srcAddr: '192.0.2.1', receivedAt: 0 });
  clock.t = 400;
  m.handle({ kind: 'timer', timer: 'master-down' });
  m.handle({ kind: 'timer', timer: 'adver' });
  m.handle({ kind: 'timer', timer: 'garp' });
  m.handle({ kind: 'advert', priority: 200, maxAdvertInterval: 100, srcAddr: '192.0.2.3' });
  m.handle({ kind: 'advert', priority: 0, maxAdvertInterval: 100, srcAddr: '192.0.2.3' });
  clock.t = 500;
  m.handle({ kind: 'timer', timer: 'master-down' });
  m.handle({ kind: 'shutdown' });
}
