// The map converters: map(FILE[,default]) and map_<match>[_<output>], which
// look the sample up among a map file's keys with a match method (str, beg,
// sub, dir, dom, end, reg, regm, int, ip) and return the value as a string,
// an integer or an address. A file is loaded and indexed once per
// configuration however many converters use it (pattern-file.ts).

import type { Arg } from './args.ts';
import { parseIPv4Lead, parseIPv6 } from './ipaddr.ts';
import { AclCode, AclError } from './errors.ts';
import type { CompileContext, ConverterDef } from './keyword.ts';
import { createPatternSet, type MatchMethod, type PatternSet } from './patterns.ts';
import { expandSubst } from './regex.ts';
import { type Sample, type SampleType, SMP_ADDR, SMP_INT, SMP_STR } from './sample.ts';

type Output = 'str' | 'int' | 'ip';

/** A loaded map: the keys' index and the value of each entry (by reference number). */
export class MapTable {
  readonly keys: PatternSet;
  readonly out: Output;
  readonly strs: string[] = [];
  readonly ints: number[] = [];
  /** ip values: four words each; v4 marked by ip4[ref] >= 0. */
  readonly ip4: number[] = [];
  readonly ip6: (Uint32Array | null)[] = [];
  /** For map_regm: the regex text of each entry, to expand \1... in the value. */
  readonly regs: RegExp[] = [];

  constructor(keys: PatternSet, out: Output) {
    this.keys = keys;
    this.out = out;
  }
}

function parseValue(t: MapTable, value: string): boolean {
  if (t.out === 'str') {
    t.strs.push(value);
    return true;
  }
  if (t.out === 'int') {
    if (!/^[+-]?\d+$/.test(value)) return false;
    t.ints.push(Number(value));
    return true;
  }
  const a = parseIPv4Lead(value);
  if (a >= 0) {
    t.ip4.push(a);
    t.ip6.push(null);
    return true;
  }
  const w = new Uint32Array(4);
  if (!parseIPv6(value, w)) return false;
  t.ip4.push(-1);
  t.ip6.push(w);
  return true;
}

function loadMap(path: string, method: MatchMethod, out: Output, cc: CompileContext): MapTable | AclError {
  const where = { file: cc.file, line: cc.line };
  if (cc.files === null) return new AclError(AclCode.BAD_FILE, `failed to open pattern file <${path}>`, where);
  const key = `map\u0000${method}\u0000${out}\u0000${path}`;
  return cc.files.cached(key, () => {
    const lines = cc.files!.entries(path, where);
    if (lines instanceof AclError) return lines;
    // map keys are parsed without name resolution, as HAProxy loads them
    const t = new MapTable(createPatternSet(method, { icase: false, noDns: true }), out);
    for (let ref = 0; ref < lines.length; ref++) {
      const l = lines[ref]!;
      const err = t.keys.add(l.key, ref);
      const at = { ...where, patternFile: { file: path, line: l.line } };
      if (err !== undefined) return new AclError(AclCode.BAD_FILE, `${err} at line ${l.line} of file '${path}'`, at);
      if (!parseValue(t, l.value)) {
        return new AclError(AclCode.BAD_FILE, `unable to parse '${l.value}' at line ${l.line} of file '${path}'`, at);
      }
      if (method === 'regm') t.regs.push(new RegExp(regexSource(l.key)));
    }
    t.keys.seal();
    return t;
  });
}

function regexSource(k: string): string {
  return k.startsWith('(?i)') ? k.slice(4) : k;
}

function mapConverter(name: string, method: MatchMethod, input: SampleType, out: Output): ConverterDef {
  return {
    name,
    args: { types: ['str', out === 'int' ? 'sint' : 'str'], min: 1 },
    in: input,
    out: out === 'str' ? SMP_STR : out === 'int' ? SMP_INT : SMP_ADDR,
    validate: (a: Arg[], cc: CompileContext) => {
      const t = loadMap(a[0]!.str, method, out, cc);
      if (t instanceof AclError) return t;
      a[0]!.obj = t;
      if (a.length > 1 && out === 'ip') {
        const d = a[1]!;
        const v4 = parseIPv4Lead(d.str);
        if (v4 >= 0) d.int = v4;
        else {
          const w = new Uint32Array(4);
          if (!parseIPv6(d.str, w)) return `map: cannot parse default ip <${d.str}>.`;
          d.int = -1;
          d.v6 = w;
        }
      }
      return undefined;
    },
    convert: (smp: Sample, a) => {
      const t = a[0]!.obj as MapTable;
      const ref = t.keys.find(smp);
      if (ref >= 0) {
        if (t.out === 'str') {
          if (method === 'regm') {
            const m = t.regs[ref]!.exec(smp.str);
            smp.setStr(m === null ? t.strs[ref]! : expandSubst(t.strs[ref]!, m));
          } else {
            smp.setStr(t.strs[ref]!);
          }
        } else if (t.out === 'int') {
          smp.setInt(t.ints[ref]!);
        } else {
          const v4 = t.ip4[ref]!;
          if (v4 >= 0) smp.setIPv4(v4);
          else {
            const w = t.ip6[ref]!;
            smp.setIPv6(w[0]!, w[1]!, w[2]!, w[3]!);
          }
        }
        return true;
      }
      if (a.length < 2) return false;
      const d = a[1]!;
      if (out === 'str') smp.setStr(d.str);
      else if (out === 'int') smp.setInt(d.int);
      else if (d.int >= 0) smp.setIPv4(d.int);
      else {
        const w = d.v6!;
        smp.setIPv6(w[0]!, w[1]!, w[2]!, w[3]!);
      }
      return true;
    },
  };
}

const STR_METHODS: readonly MatchMethod[] = ['str', 'beg', 'sub', 'dir', 'dom', 'end', 'reg'];

function build(): ConverterDef[] {
  const list: ConverterDef[] = [
    mapConverter('map', 'str', SMP_STR, 'str'),
    mapConverter('map_regm', 'regm', SMP_STR, 'str'),
    mapConverter('map_int', 'int', SMP_INT, 'str'),
    mapConverter('map_ip', 'ip', SMP_ADDR, 'str'),
    mapConverter('map_int_int', 'int', SMP_INT, 'int'),
    mapConverter('map_ip_int', 'ip', SMP_ADDR, 'int'),
    mapConverter('map_int_ip', 'int', SMP_INT, 'ip'),
    mapConverter('map_ip_ip', 'ip', SMP_ADDR, 'ip'),
  ];
  for (const m of STR_METHODS) {
    list.push(mapConverter(`map_${m}`, m, SMP_STR, 'str'));
    list.push(mapConverter(`map_${m}_int`, m, SMP_STR, 'int'));
    list.push(mapConverter(`map_${m}_ip`, m, SMP_STR, 'ip'));
  }
  return list;
}

export const MAP_CONVERTERS: readonly ConverterDef[] = build();

