// A strict reader of the Prometheus text exposition format (0.0.4), as a
// scraper reads Hawser's /metrics: every line is a comment or a sample,
// every sample's family was declared by TYPE first, TYPE at most once.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; helps: Set<string> } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  if (text !== '' && !text.endsWith('\n')) throw new Error('no final newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (m !== null) {
      helps.add(m[1]);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    if (m !== null) {
      if (types.has(m[1])) throw new Error(`TYPE twice for ${m[1]}`);
      types.set(m[1], m[2]);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+]+|NaN)$/.exec(line);
    if (m === null) throw new Error(`bad line: ${line}`);
    if (!types.has(m[1])) throw new Error(`sample before TYPE: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined) {
      for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types, helps };
}

/** The value of the sample of `name` with exactly these labels, or undefined. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  const n = Object.keys(labels).length;
  return samples.find((s) => s.name === name && Object.keys(s.labels).length === n && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
