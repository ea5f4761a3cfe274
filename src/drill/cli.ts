// `hawser drill`: parses the flags, runs the drill, prints the report (a
// table, or JSON with --json) and exits 0 only when every scenario passed.

import { DEFAULT_THRESHOLDS, runDrill, SCENARIOS, type DrillOptions, type ScenarioName } from './drill.ts';
import { formatReport } from './report.ts';

const USAGE = `Usage: hawser drill [options]   (root: builds network namespaces)
  --nodes N               Hawser nodes, 2 or 3 (default 2)
  --scenarios A,B,...     of ${SCENARIOS.join(', ')} (default: all)
  --advert MS             VRRP advert interval (default 100)
  --settle MS             watch after each takeover (default 2000)
  --kill-takeover MS      pass limit, SIGKILL to first OK request (default ${DEFAULT_THRESHOLDS.killTakeoverMs})
  --graceful-takeover MS  pass limit, graceful stop to first OK request (default ${DEFAULT_THRESHOLDS.gracefulTakeoverMs})
  --graceful-failed N     failed requests allowed in graceful scenarios (default ${DEFAULT_THRESHOLDS.gracefulFailed})
  --sticky-pct P          sticky clients that must keep their server (default ${DEFAULT_THRESHOLDS.stickyPct})
  --split-brain MS        two masters allowed after a partition heals (default: one advert interval)
  --json                  the report as JSON
  --trace FILE            write every request, VRRP transition and VIP addition to FILE (JSON)
`;

export async function drillCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const th = { ...DEFAULT_THRESHOLDS };
  const o: DrillOptions = { nodes: 2, scenarios: SCENARIOS, advertMs: 100, thresholds: th, settleMs: 2000, log: (l) => err.write(`${l}\n`) };
  let json = false;
  let split: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return v;
    };
    try {
      switch (a) {
        case '--nodes': o.nodes = num(); break;
        case '--scenarios': {
          const list = (argv[++i] ?? '').split(',').filter((s) => s !== '');
          const bad = list.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
          if (bad.length > 0 || list.length === 0) throw new Error(`unknown scenario '${bad.join(',')}' (known: ${SCENARIOS.join(', ')})`);
          o.scenarios = list as ScenarioName[];
          break;
        }
        case '--advert': o.advertMs = num(); break;
        case '--settle': o.settleMs = num(); break;
        case '--kill-takeover': th.killTakeoverMs = num(); break;
        case '--graceful-takeover': th.gracefulTakeoverMs = num(); break;
        case '--graceful-failed': th.gracefulFailed = num(); break;
        case '--sticky-pct': th.stickyPct = num(); break;
        case '--split-brain': split = num(); break;
        case '--json': json = true; break;
        case '--trace': {
          const f = argv[++i];
          if (f === undefined || f === '') throw new Error('--trace needs a file name');
          o.trace = f;
          break;
        }
        case '-h':
        case '--help':
          out.write(USAGE);
          return 0;
        default:
          throw new Error(`unknown option '${a}'`);
      }
    } catch (e) {
      err.write(`hawser drill: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  th.splitBrainMs = split ?? o.advertMs;
  const { results, features, clusterNotes, showCluster } = await runDrill(o);
  if (json) out.write(`${JSON.stringify({ options: { nodes: o.nodes, advertMs: o.advertMs, thresholds: th }, features, clusterNotes, showCluster, results }, null, 2)}\n`);
  else {
    out.write(`${formatReport(results, clusterNotes)}\n`);
    const [first, text] = Object.entries(showCluster)[0] ?? [];
    if (first !== undefined && text !== '') out.write(`\nhawser ctl show cluster (on ${first}, at the end):\n${text}`);
  }
  return results.every((r) => r.verdict === 'pass') ? 0 : 1;
}
