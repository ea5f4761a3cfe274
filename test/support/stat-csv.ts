// `show stat` CSV (HAProxy's and Hawser's) as rows keyed by "pxname/svname",
// each a map of column name -> value.

export function parseStat(csv: string): Map<string, Record<string, string>> {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const cols = (lines[0] ?? '').replace(/^# /, '').split(',');
  const rows = new Map<string, Record<string, string>>();
  for (const l of lines.slice(1)) {
    const v = l.split(',');
    const row: Record<string, string> = {};
    cols.forEach((c, i) => (row[c] = v[i] ?? ''));
    rows.set(`${row.pxname}/${row.svname}`, row);
  }
  return rows;
}
