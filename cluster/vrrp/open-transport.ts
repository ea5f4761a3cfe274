// Picks a virtual router's transport from its settings (`transport raw`,
// the default, or `transport udp`). The raw one loads a native module
// (raw-socket), so it is imported only by a node that uses it.

import type { AdvertTransport, TransportOptions } from './advert-transport.ts';

export async function openAdvertTransport(options: TransportOptions): Promise<AdvertTransport> {
  if (options.settings.transport.kind === 'udp') {
    const { openUdpTransport } = await import('./transport-udp.ts');
    return openUdpTransport(options);
  }
  const { openRawTransport } = await import('./transport-raw.ts');
  return openRawTransport(options);
}
