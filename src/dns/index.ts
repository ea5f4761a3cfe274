// DNS resolution of server names at run time (`resolvers` sections): the
// wire codec, the per-name state machine, what an answer means for a
// server, and the UDP client that runs them.

export { encodeQuery, encodeResponse, decodeMessage, addressesFor, badQueryName, TYPE_A, TYPE_AAAA, TYPE_CNAME, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_REFUSED, RCODE_SERVFAIL } from './codec.ts';
export type { DnsMessage, DnsRecord, AnswerSpec } from './codec.ts';
export { Resolution } from './resolution.ts';
export type { ResolverTimers, ResolutionStatus, Answer, Step } from './resolution.ts';
export { verdict } from './verdict.ts';
export type { Holds, ServerView, Verdict } from './verdict.ts';
export { RuntimeResolvers } from './resolvers.ts';
export type { Nameserver, NameserverCounters, ResolutionListener } from './resolvers.ts';
export { resolvConfNameservers } from './resolv-conf.ts';
export { showResolvers, type ResolversCounters } from './show-resolvers.ts';
