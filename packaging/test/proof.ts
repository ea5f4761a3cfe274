// `npm run test:packages`: the packages proved under a real systemd.
//   1. builds the packages if build/ lacks them (`npm run package`);
//   2. builds (or finds cached) the Debian 12 guest image (guest-image.ts);
//   3. check-packages.sh: lintian, rpmlint, rpm -qlp, dpkg --root and
//      rpm -i --root installs into copies of the image tree;
//   4. boots two guests under QEMU on one L2 segment and walks the issue's
//      list on them: install (enabled, not started), start (READY), proxy
//      answers, reload good and bad, journalctl -p warning, VRRP master,
//      stop hands the VIP over, crash failover and Restart=on-failure,
//      systemd-analyze security, upgrade keeps the edited config (restart
//      only if running), purge leaves nothing.
// Prints each step with its time and writes the report to
// build/test-packages-report.txt. Exit code 0 only if every step passed.
//
// The "previous build" the upgrade starts from is HAWSER_PREVIOUS_DEB if
// given, else the current .deb repacked as version VERSION~prev (same
// files, older version): the maintainer scripts' upgrade path is what is
// exercised either way. Needs root (debootstrap, mount, QEMU's TCG).

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureGuestImage, run, type GuestImage } from './guest-image.ts';
import { Guest } from './guest.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD = join(ROOT, 'build');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEB = process.env.HAWSER_DEB ?? join(BUILD, `hawser_${VERSION}_amd64.deb`);
const RPM = process.env.HAWSER_RPM ?? join(BUILD, `hawser-${VERSION}.x86_64.rpm`);
const WORK = join(BUILD, 'test-packages');
const VIP = '10.99.0.100';

const report: string[] = [];
const t0 = Date.now();
function line(s: string): void {
  report.push(s);
  process.stdout.write(`${s}\n`);
}
function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const v = await body();
    line(`ok   ${name} (${secs(Date.now() - started)})`);
    return v;
  } catch (err) {
    line(`FAIL ${name} (${secs(Date.now() - started)})`);
    throw err;
  }
}
function expect(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** A TCP port nobody listens on now (for ssh forwarding). */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function inherit(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) res();
      else rej(new Error(`${cmd} ${args.join(' ')}: exit ${code}`));
    });
  });
}

/** The same .deb as an older version, for the upgrade step. */
async function previousDeb(): Promise<string> {
  if (process.env.HAWSER_PREVIOUS_DEB !== undefined) return process.env.HAWSER_PREVIOUS_DEB;
  const dir = join(WORK, 'prev');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await run('dpkg-deb', ['-R', DEB, join(dir, 'tree')], { timeoutMs: 120_000 });
  const control = join(dir, 'tree/DEBIAN/control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${VERSION}~prev`));
  const out = join(dir, `hawser_${VERSION}~prev_amd64.deb`);
  await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', join(dir, 'tree'), out], { timeoutMs: 300_000 });
  rmSync(join(dir, 'tree'), { recursive: true, force: true });
  return out;
}

/** The cluster file both nodes share; `rev` shows which one is loaded. */
function clusterConfig(rev: number, extra = ''): string {
  return `# Package proof: the same file on lb1 and lb2.
global
    log stdout format short daemon
    stats socket /run/hawser/admin.sock mode 600 level admin
    hard-stop-after 10s

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s

frontend www
    bind :80
    http-response set-header X-Lab-Rev ${rev}
    default_backend app
${extra}
backend app
    server web1 127.0.0.1:8080 check inter 1s

vrrp web
    interface eth1
    virtual-router-id 51
    priority lb1 150 lb2 100
    advert-interval 1s
    virtual-ipaddress ${VIP}/24
`;
}

// Every path of a guest but kernel file systems, logs, dpkg's database and
// what systemd itself keeps changing at run time.
const PATHS =
  "find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp -o -path /var/log -o -path /var/lib/dpkg -o -path /var/cache -o -path /var/lib/systemd/timers -o -path /root \\) -prune -o -print | sort";
const DROPIN_DIR = '/etc/systemd/system/hawser.service.d';
const HAS_VIP = `ip -o addr show dev eth1 | grep -q ' ${VIP}/'`;
const LABWEB =
  "systemd-run --unit=labweb --collect /usr/lib/hawser/node/bin/node -e \"require('http').createServer((q,s)=>s.end(require('os').hostname()+'\\\\n')).listen(8080,'127.0.0.1')\"";

async function show(g: Guest, props: string): Promise<Record<string, string>> {
  const out = await g.must(`systemctl show hawser -p ${props}`);
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** The guest's clock (ms) minus `ref`'s, read over two concurrent ssh calls (error: their latency difference). */
async function clockOffset(g: Guest, ref: Guest): Promise<number> {
  const [a, b] = await Promise.all([g.must('date +%s%3N'), ref.must('date +%s%3N')]);
  return Number(a.trim()) - Number(b.trim());
}

/**
 * The takeover as the guests saw it: from `actedAt` (ms on `from`'s clock,
 * just before the command) to the `to -> Master` transition in `to`'s
 * journal (its own event time), corrected by the clocks' offset.
 */
async function journalTakeover(from: Guest, to: Guest, actedAt: number): Promise<number> {
  const j = await to.must(`journalctl -u hawser -o cat --no-pager --since @${Math.floor(actedAt / 1000) - 5} | grep '"event":"vrrp-transition"' | grep '"to":"Master"' | tail -1`);
  const m = /"time":"([^"]+)"/.exec(j);
  expect(m !== null, `${to.name}: no Master transition in the journal: ${j}`);
  return Date.parse(m![1]!) - (await clockOffset(to, from)) - actedAt;
}

/**
 * Runs `action` and measures, on this machine's clock, until `to` holds
 * the VIP: a watcher loop runs in `to` (50 ms polls, no ssh per poll) while
 * the action runs, so the figure is the takeover itself plus one ssh
 * round trip, not the action's own length.
 */
async function vipMoves(from: Guest, to: Guest, action: () => Promise<unknown>, limitMs: number, fromLetsGo = true): Promise<number> {
  const polls = Math.ceil(limitMs / 50);
  const watcher = to.ssh(`for i in $(seq ${polls}); do ${HAS_VIP} && exit 0; sleep 0.05; done; exit 1`, { timeoutMs: limitMs + 30_000 });
  // The watcher is running in the guest before the action begins.
  await new Promise((r) => setTimeout(r, 3000));
  const started = Date.now();
  // Settled here, so a failing action is reported after the watcher, not as an unhandled rejection.
  const acted = action().then(() => undefined, (e: Error) => e);
  const w = await watcher;
  const ms = Date.now() - started;
  const failed = await acted;
  if (failed !== undefined) throw failed;
  expect(w.code === 0, `${to.name} did not get the VIP within ${limitMs / 1000} s`);
  if (fromLetsGo) await from.waitUntil(`! ${HAS_VIP}`, 15_000, 200);
  return ms;
}

async function proof(image: GuestImage, prevDeb: string): Promise<void> {
  const segment = `230.0.0.1:${20000 + Math.floor(Math.random() * 20000)}`;
  const lb1 = new Guest({ name: 'lb1', image, workDir: join(WORK, 'lb1'), sshPort: await freePort(), segment, mac: '52:54:00:99:00:11', address: '10.99.0.11/24' });
  const lb2 = new Guest({ name: 'lb2', image, workDir: join(WORK, 'lb2'), sshPort: await freePort(), segment, mac: '52:54:00:99:00:12', address: '10.99.0.12/24' });
  const both = [lb1, lb2];
  let failed = false;
  try {
    await step('boot two guests (QEMU TCG, one L2 segment)', async () => {
      await Promise.all(both.map((g) => g.start()));
      await Promise.all(both.map((g) => g.waitSsh(240_000)));
      await lb1.waitUntil('arping -q -c1 -w2 -I eth1 10.99.0.12', 30_000, 500);
    });
    await step('copy both .debs into the guests', async () => {
      await Promise.all(both.map(async (g) => {
        await g.copyTo(prevDeb, '/root/prev.deb');
        await g.copyTo(DEB, '/root/cur.deb');
      }));
    });
    const before = await lb1.must(PATHS, 120_000);
    await step(`install the previous build (${prevDeb.split('/').pop()}): enabled, not started, no Node needed`, async () => {
      for (const g of both) {
        const r = await g.ssh('command -v node nodejs; exit 0');
        expect(r.out.trim() === '', `${g.name} has a system node: ${r.out}`);
        await g.must('DEBIAN_FRONTEND=noninteractive dpkg -i /root/prev.deb', 300_000);
        expect((await g.ssh('systemctl is-enabled hawser')).out.trim() === 'enabled', `${g.name}: not enabled`);
        expect((await g.ssh('systemctl is-active hawser')).out.trim() === 'inactive', `${g.name}: started on install`);
        expect((await g.must('sysctl -n net.ipv4.ip_nonlocal_bind')).trim() === '1', `${g.name}: ip_nonlocal_bind not set`);
        await g.must('getent passwd hawser && test -d /run/hawser');
      }
    });
    await step('edit /etc/hawser/hawser.cfg (cluster file) and start a backend on each node', async () => {
      for (const g of both) {
        await g.write('/etc/hawser/hawser.cfg', clusterConfig(1));
        // Emulated CPUs on a shared machine: a start (check, then the
        // service, each loading the sources) took up to 65 s here; the
        // shipped 90 s is meant for real hardware. Removed before the purge.
        await g.must(`mkdir -p ${DROPIN_DIR} && printf '[Service]\\nTimeoutStartSec=300s\\n' > ${DROPIN_DIR}/lab-tcg.conf && systemctl daemon-reload`);
        await g.must(LABWEB);
        await g.waitUntil('curl -sf http://127.0.0.1:8080/ >/dev/null', 60_000, 500);
      }
    });
    await step('systemctl start hawser reaches active (Type=notify: READY received)', async () => {
      for (const g of both) {
        const started = Date.now();
        const r = await g.ssh('systemctl start hawser', { timeoutMs: 300_000 });
        expect(r.code === 0, `${g.name}: systemctl start: ${r.out}${r.err}\n${(await g.ssh('journalctl -u hawser -n 40 --no-pager')).out}`);
        const s = await show(g, 'ActiveState,SubState,Type,User,NRestarts');
        expect(s.ActiveState === 'active' && s.SubState === 'running' && s.Type === 'notify', `${g.name}: ${JSON.stringify(s)}`);
        line(`     ${g.name}: systemctl start returned after ${secs(Date.now() - started)} (READY)`);
      }
      const pid = (await show(lb1, 'MainPID')).MainPID;
      const user = (await lb1.must(`ps -o user= -p ${pid}`)).trim();
      expect(user === 'hawser', `the main process runs as '${user}'`);
    });
    await step('VRRP: lb1 (priority 150) becomes master and holds the VIP; lb2 does not', async () => {
      await lb1.waitUntil(HAS_VIP, 30_000, 200);
      expect((await lb2.ssh(HAS_VIP)).code !== 0, 'lb2 also holds the VIP');
    });
    await step('the proxy answers, locally and on the VIP from the other guest', async () => {
      const local = await lb1.must('curl -sS -m 10 -D- http://127.0.0.1/');
      expect(/X-Lab-Rev: 1/i.test(local) && /\nlb1\s*$/.test(local), `lb1 local: ${local}`);
      const remote = await lb2.must(`curl -sS -m 10 http://${VIP}/`);
      expect(remote.trim() === 'lb1', `lb2 -> VIP answered '${remote.trim()}', want lb1`);
    });
    await step('systemctl reload with a good file: same process, new configuration', async () => {
      const pid = (await show(lb1, 'MainPID')).MainPID;
      await lb1.write('/etc/hawser/hawser.cfg', clusterConfig(2));
      const r = await lb1.ssh('systemctl reload hawser', { timeoutMs: 300_000 });
      expect(r.code === 0, `reload: ${r.out}${r.err}`);
      await lb1.waitUntil("curl -sS -m 5 -D- http://127.0.0.1/ | grep -qi 'X-Lab-Rev: 2'", 60_000, 500);
      expect((await show(lb1, 'MainPID')).MainPID === pid, 'MainPID changed on reload');
    });
    await step('systemctl reload with a bad file fails, the running configuration stays', async () => {
      const pid = (await show(lb1, 'MainPID')).MainPID;
      await lb1.write('/etc/hawser/hawser.cfg', clusterConfig(3, '    bogus-keyword here\n'));
      const r = await lb1.ssh('systemctl reload hawser', { timeoutMs: 300_000 });
      expect(r.code !== 0, 'systemctl reload succeeded with a bad file');
      const s = await show(lb1, 'ActiveState,MainPID');
      expect(s.ActiveState === 'active' && s.MainPID === pid, `after a bad reload: ${JSON.stringify(s)}`);
      const h = await lb1.must('curl -sS -m 5 -D- http://127.0.0.1/');
      expect(/X-Lab-Rev: 2/i.test(h), `serving: ${h}`);
      await lb1.write('/etc/hawser/hawser.cfg', clusterConfig(2));
    });
    await step('journalctl -u hawser -p warning: the file:line error, no access log lines', async () => {
      const warn = await lb1.must('journalctl -u hawser -p warning -o cat --no-pager');
      const info = await lb1.must('journalctl -u hawser -p info -o cat --no-pager');
      expect(/hawser\.cfg:\d+/.test(warn) && /bogus-keyword/.test(warn), `-p warning lacks the config error:\n${warn}`);
      expect(/GET \//.test(info), `-p info has no access log line:\n${info.slice(-2000)}`);
      expect(!/GET \//.test(warn), `-p warning shows access log lines:\n${warn}`);
      const prio = await lb1.must("journalctl -u hawser -o verbose --no-pager | grep -c '^ *PRIORITY=' ; journalctl -u hawser -p warning --no-pager | wc -l");
      line(`     journal: ${prio.trim().split('\n').join(' entries with a PRIORITY, ')} lines at warning or worse`);
    });
    await step('systemctl stop on the master: drains, gives the VIP to lb2', async () => {
      let stopMs = 0;
      let actedAt = 0;
      const ms = await vipMoves(lb1, lb2, async () => {
        const s = Date.now();
        const r = await lb1.ssh('date +%s%3N; systemctl stop hawser', { timeoutMs: 90_000 });
        stopMs = Date.now() - s;
        expect(r.code === 0, `stop: ${r.err}`);
        actedAt = Number(r.out.trim().split('\n')[0]);
      }, 30_000);
      const seen = await journalTakeover(lb1, lb2, actedAt);
      line(`     systemctl stop took ${secs(stopMs)}; lb2 master ${secs(seen)} after the stop began (journals, clock offset corrected); VIP seen from this machine ${secs(ms)} after (upper bound: ssh and emulation latency)`);
      expect((await lb1.ssh('systemctl is-active hawser')).out.trim() === 'inactive', 'lb1 not inactive after stop');
      const remote = await lb1.must(`curl -sS -m 10 http://${VIP}/`);
      expect(remote.trim() === 'lb2', `lb1 -> VIP answered '${remote.trim()}', want lb2`);
    });
    await step('lb1 starts again and takes the VIP back (higher priority preempts)', async () => {
      const ms = await vipMoves(lb2, lb1, () => lb1.must('systemctl start hawser', 300_000), 300_000);
      line(`     VIP back on lb1 ${secs(ms)} after systemctl start began`);
    });
    await step('crash of the master (SIGKILL): lb2 takes over, Restart=on-failure brings lb1 back', async () => {
      // A killed process cannot take its address away: lb1 keeps the VIP
      // in its kernel until the restarted hawser removes it at start-up.
      let actedAt = 0;
      const ms = await vipMoves(lb1, lb2, async () => {
        actedAt = Number((await lb1.must('date +%s%3N; systemctl kill -s SIGKILL hawser')).trim().split('\n')[0]);
      }, 20_000, false);
      const seen = await journalTakeover(lb1, lb2, actedAt);
      line(`     lb2 master ${secs(seen)} after the kill (journals; Master_Down_Interval is about 3.6 s); VIP seen from this machine ${secs(ms)} after`);
      // lb1 still shows the VIP (stale) until its restarted hawser is up: wait for that, then for lb2 to step down.
      const restarted = Date.now();
      await lb1.waitUntil("systemctl show hawser -p NRestarts | grep -q 'NRestarts=[1-9]' && systemctl is-active -q hawser", 300_000, 1000);
      await lb2.waitUntil(`! ${HAS_VIP}`, 60_000, 500);
      await lb1.must(HAS_VIP);
      const back = Date.now() - restarted;
      const s = await show(lb1, 'ActiveState,NRestarts');
      expect(s.ActiveState === 'active' && Number(s.NRestarts) >= 1, `after the crash: ${JSON.stringify(s)}`);
      line(`     lb1 restarted by systemd (NRestarts=${s.NRestarts}): master again and lb2 backup ${secs(back)} later`);
    });
    await step('systemd-analyze verify and security on the installed unit', async () => {
      const v = await lb1.ssh('systemd-analyze verify --man=no /usr/lib/systemd/system/hawser.service');
      expect(v.code === 0 && (v.out + v.err).trim() === '', `verify: ${v.out}${v.err}`);
      const sec = await lb1.must('systemd-analyze security --no-pager hawser');
      const m = /Overall exposure level for hawser\.service:\s*([\d.]+)\s+(\S+)/.exec(sec);
      expect(m !== null, `security output: ${sec.slice(-500)}`);
      line(`     systemd-analyze security hawser: exposure ${m![1]} ${m![2]}`);
      writeFileSync(join(WORK, 'systemd-analyze-security.txt'), sec);
      expect(Number(m![1]) <= 3.0, `exposure ${m![1]} > 3.0`);
    });
    await step(`upgrade to ${VERSION}: edited config kept; restarted where running, left stopped elsewhere`, async () => {
      await lb2.must('systemctl stop hawser', 90_000);
      const sum = await lb1.must('md5sum /etc/hawser/hawser.cfg');
      const pid = (await show(lb1, 'MainPID')).MainPID;
      for (const g of both) await g.must('DEBIAN_FRONTEND=noninteractive dpkg -i /root/cur.deb', 600_000);
      expect((await lb1.must('md5sum /etc/hawser/hawser.cfg')) === sum, 'the edited hawser.cfg changed on upgrade');
      expect((await lb1.ssh('ls /etc/hawser/')).out.trim() === 'hawser.cfg', `leftovers: ${(await lb1.ssh('ls /etc/hawser')).out}`);
      expect((await lb1.must("dpkg-query -W -f '${Version}' hawser")) === VERSION, 'not upgraded');
      const s = await show(lb1, 'ActiveState,MainPID');
      expect(s.ActiveState === 'active' && s.MainPID !== pid, `lb1 after upgrade: ${JSON.stringify(s)} (was ${pid})`);
      expect((await lb2.ssh('systemctl is-active hawser')).out.trim() === 'inactive', 'lb2 was started by the upgrade');
      await lb1.waitUntil("curl -sS -m 5 -D- http://127.0.0.1/ | grep -qi 'X-Lab-Rev: 2'", 60_000, 500);
    });
    await step('dpkg --purge: service gone, VIP released, nothing left behind', async () => {
      await lb1.must(`systemctl stop labweb; rm -r ${DROPIN_DIR}`);
      await lb1.must('DEBIAN_FRONTEND=noninteractive dpkg --purge hawser', 300_000);
      expect((await lb1.ssh('systemctl is-active hawser')).out.trim() !== 'active', 'still running after purge');
      expect((await lb1.ssh(HAS_VIP)).code !== 0, 'VIP still on lb1 after purge');
      expect((await lb1.ssh('test -e /run/hawser')).code !== 0, '/run/hawser left');
      const after = await lb1.must(PATHS, 120_000);
      const was = new Set(before.split('\n'));
      const added = after.split('\n').filter((p) => p !== '' && !was.has(p));
      const ours = added.filter((p) => /hawser/i.test(p));
      expect(ours.length === 0, `purge left: ${ours.join(' ')}`);
      const other = added.filter((p) => !p.startsWith('/root/') && !p.startsWith('/var/lib/systemd/'));
      line(`     new paths not hawser's (guest churn): ${other.length === 0 ? 'none' : other.join(' ')}`);
    });
  } catch (err) {
    failed = true;
    for (const g of both) {
      line(`--- ${g.name} console (last 15 lines; whole file in ${g.console})\n${g.consoleTail(15)}`);
      const j = await g.ssh('journalctl -u hawser -n 60 --no-pager', { timeoutMs: 20_000 }).catch(() => undefined);
      if (j !== undefined) line(`--- ${g.name} journal (last 60 lines)\n${j.out}`);
    }
    throw err;
  } finally {
    await Promise.all(both.map((g) => g.kill()));
    // Kept after a failure: the console logs (the overlays go with the next run).
    if (!failed) for (const g of both) g.removeFiles();
  }
}

async function main(): Promise<void> {
  expect(process.getuid?.() === 0, 'run as root (debootstrap, mount, chroot)');
  mkdirSync(WORK, { recursive: true });
  line(`package proof of hawser ${VERSION}, ${new Date().toISOString()}`);
  if (!existsSync(DEB) || !existsSync(RPM)) await step('npm run package', () => inherit('bash', ['packaging/build.sh'], 20 * 60_000));
  const image = await step('guest image (debootstrap, cached under build/vm-image)', () =>
    ensureGuestImage(join(BUILD, 'vm-image'), (m) => line(`     ${m}`)),
  );
  line(`     image ${image.dir.split('/').pop()}: ${image.builtSeconds > 0 ? `built in ${image.builtSeconds} s` : 'from the cache'}`);
  if (process.env.HAWSER_SKIP_ROOT_CHECKS !== '1') {
    await step('check-packages.sh: lint, rpm -qlp, dpkg --root, rpm -i --root', () =>
      inherit('bash', ['packaging/test/check-packages.sh', DEB, RPM, image.rootTree], 10 * 60_000),
    );
  }
  const prev = await step('previous build for the upgrade', previousDeb);
  await proof(image, prev);
  line(`all passed in ${secs(Date.now() - t0)}`);
}

main().then(
  () => {
    writeFileSync(join(BUILD, 'test-packages-report.txt'), report.join('\n') + '\n');
  },
  (err: Error) => {
    line(`package proof failed: ${err.message}`);
    writeFileSync(join(BUILD, 'test-packages-report.txt'), report.join('\n') + '\n');
    process.exitCode = 1;
  },
);
