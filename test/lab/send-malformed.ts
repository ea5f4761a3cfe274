// Run inside a lab namespace: sends malformed VRRP packets (raw IP protocol
// 112) to a Hawser node, one per way a packet can be wrong, each otherwise
// valid and with a priority that would win if it were accepted. Prints one
// line per packet sent: "<expected drop code> <bytes>".
//
//   node send-malformed.ts SOURCE DESTINATION VRID VIP

import { createRequire } from 'node:module';
import { encodeAdvert, parseIP, vrrpChecksum, VrrpDropCode } from '../../cluster/vrrp/index.ts';

interface RawSocket {
  send(b: Buffer, o: number, l: number, a: string, cb: (err: Error | null) => void): void;
  setOption(level: number, option: number, value: number): void;
  close(): void;
}
const raw = createRequire(import.meta.url)('raw-socket') as {
  createSocket(o: { protocol: number }): RawSocket;
};
const IPPROTO_IP = 0;
const IP_TTL = 2;

const [source, destination, vridText, vip] = process.argv.slice(2) as [string, string, string, string];
const vrid = Number(vridText);
const src = parseIP(source)!;
const dst = parseIP(destination)!;

function advert(priority = 254): Buffer {
  return encodeAdvert({ version: 3, vrid, priority, interval: 100, addresses: [vip] }, { source, destination });
}

/** Fills the checksum in again, so that only the intended flaw remains. */
function resum(b: Buffer): Buffer {
  b[6] = 0;
  b[7] = 0;
  const s = vrrpChecksum(b, 0, b.length, src, dst);
  b[6] = s >> 8;
  b[7] = s & 0xff;
  return b;
}

const packets: Array<[string, Buffer, number]> = [];
packets.push([VrrpDropCode.TRUNCATED, advert().subarray(0, 4), 255]);
{
  const b = advert();
  b[0] = 0x11; // version 1
  packets.push([VrrpDropCode.BAD_VERSION, resum(b), 255]);
}
{
  const b = advert();
  b[0] = 0x32; // type 2
  packets.push([VrrpDropCode.BAD_TYPE, resum(b), 255]);
}
{
  const b = advert();
  b[3] = 3; // three addresses announced, one present
  packets.push([VrrpDropCode.BAD_LENGTH, resum(b), 255]);
}
{
  const b = advert();
  b[7] ^= 0xff;
  packets.push([VrrpDropCode.BAD_CHECKSUM, b, 255]);
}
{
  const b = advert();
  b[4] = 0;
  b[5] = 0; // Max Advert Int 0
  packets.push([VrrpDropCode.BAD_INTERVAL, resum(b), 255]);
}
packets.push([VrrpDropCode.BAD_TTL, advert(), 64]);
packets.push([VrrpDropCode.BAD_VERSION, encodeAdvert({ version: 2, vrid, priority: 254, interval: 1000, addresses: [vip] }), 255]);
packets.push(['garbage', Buffer.from('not a vrrp packet at all, just bytes'), 255]);

const sockets = new Map<number, RawSocket>();
for (const ttl of [255, 64]) {
  const s = raw.createSocket({ protocol: 112 });
  s.setOption(IPPROTO_IP, IP_TTL, ttl);
  sockets.set(ttl, s);
}
let left = packets.length;
for (const [code, bytes, ttl] of packets) {
  sockets.get(ttl)!.send(bytes, 0, bytes.length, destination, (err) => {
    if (err) process.stderr.write(`${code}: ${err.message}\n`);
    else process.stdout.write(`${code} ${bytes.length}\n`);
    if (--left === 0) for (const s of sockets.values()) s.close();
  });
}
