// The `-dM[<byte>][,option...]` flag. HAProxy uses it to debug its memory
// pools; Hawser's memory belongs to V8, so the flag only needs to be
// understood: accepted and recorded when HAProxy would accept it, refused
// (exit 1) when HAProxy would refuse it, and `-dMhelp` answered.

import { strtol } from './c-number.ts';

interface MemoryDebugOption {
  set: string;
  clear: string;
  help: string;
}

/** HAProxy 2.6's pool debugging options, by the names its -dM accepts. */
export const MEMORY_DEBUG_OPTIONS: readonly MemoryDebugOption[] = [
  { set: 'fail', clear: 'no-fail', help: 'randomly fail allocations' },
  { set: 'no-merge', clear: 'merge', help: 'disable merging of similar pools' },
  { set: 'cold-first', clear: 'hot-first', help: 'pick cold objects first' },
  { set: 'integrity', clear: 'no-integrity', help: 'enable cache integrity checks' },
  { set: 'no-global', clear: 'global', help: 'disable global shared cache' },
  { set: 'no-cache', clear: 'cache', help: 'disable thread-local cache' },
  { set: 'caller', clear: 'no-caller', help: 'save caller information in cache' },
  { set: 'tag', clear: 'no-tag', help: 'add tag at end of allocated objects' },
  { set: 'poison', clear: 'no-poison', help: 'poison newly allocated objects' },
];

export type MemoryDebugResult =
  | { kind: 'ok' }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

/** Checks what follows `-dM`, e.g. '' , '0x41', '0,no-cache,caller', 'help'. */
export function parseMemoryDebug(spec: string): MemoryDebugResult {
  let rest = spec;
  // A leading number (or nothing) is the poisoning byte.
  const byte = strtol(spec, 0, 0);
  if (byte.end === spec.length || spec[byte.end] === ',') rest = spec.slice(byte.end);

  for (const feature of rest.split(',')) {
    if (feature === '') continue;
    if (feature === 'help') return { kind: 'help' };
    if (!MEMORY_DEBUG_OPTIONS.some((o) => o.set === feature || o.clear === feature)) {
      return { kind: 'error', message: `-dM: unknown pool debugging feature <${feature}>` };
    }
  }
  return { kind: 'ok' };
}

/** What `hawser -dMhelp` prints (stdout, exit 0). */
export function memoryDebugHelpText(): string {
  const lines = [
    '-dM is accepted for compatibility with HAProxy. Hawser runs on Node.js, whose',
    'memory is managed by V8, so the poisoning byte and the options below are',
    'checked and recorded but have no effect:',
    '',
    '    set               clear            description',
    '  -----------------+-----------------+-----------------------------------------',
  ];
  for (const o of MEMORY_DEBUG_OPTIONS) {
    lines.push(`    ${o.set.padEnd(15)}|  ${o.clear.padEnd(15)}| ${o.help}`);
  }
  return lines.join('\n') + '\n';
}
