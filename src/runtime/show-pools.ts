// `show pools`: HAProxy lists its memory pools; a Node process's memory is
// V8's heap spaces plus the buffers outside the heap, so those are listed
// in HAProxy's line layout (name, bytes allocated, bytes used) with its
// header and its `Total:` line, which scripts grep for.

/** One memory area: a V8 heap space or the external (Buffer) memory. */
export interface MemoryArea {
  name: string;
  /** Bytes reserved for the area. */
  size: number;
  /** Bytes in use. */
  used: number;
}

export function showPools(areas: readonly MemoryArea[]): string {
  let out = 'Dumping pools usage. Use SIGQUIT to flush them.\n';
  let size = 0;
  let used = 0;
  for (const a of areas) {
    out += `  - Pool ${a.name} : ${a.size} bytes allocated, ${a.used} used\n`;
    size += a.size;
    used += a.used;
  }
  return out + `Total: ${areas.length} pools, ${size} bytes allocated, ${used} used.\n`;
}
