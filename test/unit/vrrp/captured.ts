// keepalived 2.2.7's adverts as captured in the lab (shared/notes/vrrp-lab-facts.md),
// IPv4 header included: VRID 51, priority 150, one address 10.99.0.100, from
// 10.99.0.11 to 224.0.0.18, 1 s interval; v2 with auth type 0.

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

export const KEEPALIVED_V2 = hex('45c0 0028 0001 0000 ff70 d024 0a63000b e0000012 | 21 33 96 01 00 01 3e03 0a630064 0000000000000000');
export const KEEPALIVED_V3 = hex('45c0 0020 0001 0000 ff70 d02c 0a63000b e0000012 | 31 33 96 01 0064 42a3 0a630064');
