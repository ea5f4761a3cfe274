// When a server counts as full: it has a maxconn and that many connections
// in flight. Balancers that honour maxconn skip full servers while another
// has room, as HAProxy does; the runtime queues requests for full servers.
import type { LbServer } from './index.ts';

export function isFull(s: LbServer): boolean {
  return s.maxconn > 0 && s.active >= s.maxconn;
}
