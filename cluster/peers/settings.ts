// What one `peers` section means for this node: where it listens, whom it
// calls, with which TLS and secret, and the members that enter the
// configuration hash. Pure: files named here are read by credentials.ts.

import type { Diagnostic, PeersSection, PeersTls, SourcePos } from '../../src/config/index.ts';
import type { HashedMember } from './config-hash.ts';

export interface RemotePeer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Set when sessions to this peer use TLS. */
  readonly tls: PeersTls | undefined;
}

export interface PeersSettings {
  readonly section: string;
  readonly pos: SourcePos;
  /** This node's peer name. */
  readonly local: string;
  /** Where this node accepts its peers ('' host: every address). */
  readonly listen: { readonly host: string; readonly port: number };
  /** Set when the listener terminates TLS. */
  readonly listenTls: PeersTls | undefined;
  readonly remotes: readonly RemotePeer[];
  readonly members: readonly HashedMember[];
  readonly secret: PeersSection['secret'];
}

export interface PeersSettingsResult {
  /** Undefined when the section does not run on this node (disabled, or no local peer). */
  settings?: PeersSettings;
  diagnostics: Diagnostic[];
}

export function peersSettings(section: PeersSection): PeersSettingsResult {
  const diagnostics: Diagnostic[] = [];
  const error = (pos: SourcePos, message: string): void => {
    diagnostics.push({ code: 'HAWSER_CFG_INCOMPLETE', severity: 'error', file: pos.file, line: pos.line, message: `peers '${section.name}': ${message}` });
  };
  if (section.disabled === true || section.local === undefined || section.bind === undefined) return { diagnostics };
  const members: HashedMember[] = [];
  const remotes: RemotePeer[] = [];
  for (const p of section.peers) {
    if (p.address.kind !== 'inet') continue;
    members.push({ name: p.name, host: p.address.host, port: p.address.port });
    if (p.name === section.local) continue;
    if (p.address.host === '' || p.address.host === '0.0.0.0' || p.address.host === '::') {
      error(p.pos, `peer '${p.name}': an address to connect to is needed, not a wildcard`);
      continue;
    }
    remotes.push({ name: p.name, host: p.address.host, port: p.address.port, tls: p.tls?.ssl === true ? p.tls : undefined });
  }
  const b = section.bind.address;
  if (b.kind !== 'inet') {
    error(section.bind.pos, 'the local peer must listen on an address:port');
    return { diagnostics };
  }
  if (diagnostics.length > 0) return { diagnostics };
  const listenTls = section.bind.tls?.ssl === true ? section.bind.tls : undefined;
  return {
    settings: {
      section: section.name,
      pos: section.pos,
      local: section.local,
      listen: { host: b.host, port: b.port },
      listenTls,
      remotes,
      members,
      secret: section.secret,
    },
    diagnostics,
  };
}
