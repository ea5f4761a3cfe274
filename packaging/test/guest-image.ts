// The Debian 12 guest image the package proof (and the Vagrant box) boots:
// debootstrap from this machine's own apt mirror, a root tree with systemd,
// sshd, iproute2 and iputils-arping (what hawser's .deb depends on, since
// guests have no network to fetch them), then `mkfs.ext4 -d` into a raw
// disk. Built once and cached under build/vm-image/<recipe hash>/ (git-
// ignored): a new recipe builds a new image and removes the old one.
//
// Per-guest settings come on the kernel command line (the guests boot the
// extracted kernel and initrd directly) and are applied by a small early
// unit, lab-net.service:
//   lab.hostname=lb1      host name (and /etc/hosts)
//   lab.addr=10.99.0.11/24  address of eth1, the shared L2 segment
//   lab.mgmt=static|dhcp  eth0: QEMU user networking's fixed 10.0.2.15
//                         (default) or DHCP through systemd-networkd (libvirt)
// Root logs in over ssh with a key made for this image (id_ed25519 beside it).
//
// Run directly (`node packaging/test/guest-image.ts`) it builds or finds the
// image and prints its folder.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mirrorFor, readAptSources } from './apt-sources.ts';

export const SUITE = 'bookworm';

/** What the image holds beyond minbase; hawser's Depends must all be here. */
export const PACKAGES = [
  'systemd',
  'systemd-sysv',
  'udev',
  'dbus',
  'iproute2',
  'iputils-arping',
  'openssh-server',
  'linux-image-amd64',
  'curl',
  'sudo',
] as const;

const LAB_NET = `#!/bin/sh
# Per-guest settings from the kernel command line (see guest-image.ts).
set -u
host= addr= mgmt=static
for w in $(cat /proc/cmdline); do
    case $w in
        lab.hostname=*) host=\${w#*=} ;;
        lab.addr=*) addr=\${w#*=} ;;
        lab.mgmt=*) mgmt=\${w#*=} ;;
    esac
done
ip link set lo up
if [ "$mgmt" = static ]; then
    # QEMU user networking: the guest is always 10.0.2.15, the host 10.0.2.2.
    ip link set eth0 up
    ip addr replace 10.0.2.15/24 dev eth0
    ip route replace default via 10.0.2.2 dev eth0
else
    mkdir -p /run/systemd/network
    printf '[Match]\\nName=eth0\\n\\n[Network]\\nDHCP=ipv4\\n' > /run/systemd/network/10-eth0.network
    systemctl --no-block start systemd-networkd.service
fi
if [ -n "$addr" ]; then
    ip link set eth1 up
    ip addr replace "$addr" dev eth1
fi
if [ -n "$host" ]; then
    hostname "$host"
    echo "$host" > /etc/hostname
    sed -i '/^127\\.0\\.1\\.1[[:space:]]/d' /etc/hosts
    echo "127.0.1.1 $host" >> /etc/hosts
fi
`;

const LAB_NET_UNIT = `[Unit]
Description=Lab guest settings from the kernel command line
DefaultDependencies=no
After=systemd-udev-settle.service systemd-udevd.service local-fs.target
Wants=systemd-udevd.service
Before=network.target network-online.target ssh.service
# The interfaces must exist first.
After=sys-subsystem-net-devices-eth0.device
Wants=sys-subsystem-net-devices-eth0.device

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/lab-net

[Install]
WantedBy=multi-user.target network-online.target
`;

// Clones of one image must not share host keys: each makes its own at first boot.
const SSH_KEYS_UNIT = `[Unit]
Description=Generate this guest's ssh host keys
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
`;

const SSHD_CONFIG = `# Lab guest: root with the image's key only, no DNS lookups (no network).
PermitRootLogin prohibit-password
PasswordAuthentication no
UseDNS no
`;

/** Bumped when what build() does changes in a way the hash of the texts above misses. */
const RECIPE_VERSION = 3;

export interface GuestImage {
  dir: string;
  disk: string;
  kernel: string;
  initrd: string;
  /** Private ssh key of root in every guest. */
  key: string;
  /** The root tree the disk was made from (for the Vagrant box build). */
  rootTree: string;
  /** Seconds spent building it now; 0 when it came from the cache. */
  builtSeconds: number;
  mirror: string;
}

export function recipeHash(): string {
  return createHash('sha256')
    .update(JSON.stringify([RECIPE_VERSION, SUITE, PACKAGES, LAB_NET, LAB_NET_UNIT, SSH_KEYS_UNIT, SSHD_CONFIG]))
    .digest('hex')
    .slice(0, 12);
}

/** Runs a command to completion, its output into `log`; rejects on failure or after `timeoutMs`. */
export function run(cmd: string, args: string[], opts: { log?: string; timeoutMs: number; cwd?: string }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out += d.toString('utf8');
      if (out.length > 1_000_000) out = out.slice(-500_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (opts.log !== undefined) writeFileSync(opts.log, out);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${cmd} ${args.join(' ')}: ${signal !== null ? `killed (${signal}, timeout ${opts.timeoutMs} ms)` : `exit ${code}`}\n${out.slice(-3000)}`));
    });
  });
}

function imagePaths(dir: string, mirror: string, builtSeconds: number): GuestImage {
  return {
    dir,
    disk: join(dir, 'disk.raw'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    key: join(dir, 'id_ed25519'),
    rootTree: join(dir, 'root'),
    builtSeconds,
    mirror,
  };
}

/** The cached image for the current recipe, built first if missing. Needs root (debootstrap). */
export async function ensureGuestImage(cacheRoot: string, log: (msg: string) => void = () => {}): Promise<GuestImage> {
  const dir = join(cacheRoot, recipeHash());
  const marker = join(dir, 'ready.json');
  if (existsSync(marker)) {
    const meta = JSON.parse(readFileSync(marker, 'utf8')) as { mirror: string };
    return imagePaths(dir, meta.mirror, 0);
  }
  if (process.getuid?.() !== 0) throw new Error('building the guest image needs root (debootstrap, mkfs.ext4 -d)');
  const mirror = mirrorFor(readAptSources(), SUITE);
  if (mirror === undefined) throw new Error(`no apt source for ${SUITE} main in /etc/apt/sources.list*`);
  for (const tool of ['debootstrap', 'mkfs.ext4', 'ssh-keygen']) {
    await run('sh', ['-c', `command -v ${tool}`], { timeoutMs: 5000 }).catch(() => {
      throw new Error(`${tool} is missing: apt-get install debootstrap e2fsprogs openssh-client`);
    });
  }
  const started = Date.now();
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const root = join(tmp, 'root');
  log(`debootstrap ${SUITE} from ${mirror} (about 2 min)`);
  await run('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, SUITE, root, mirror], {
    log: join(tmp, 'debootstrap.log'),
    timeoutMs: 20 * 60_000,
  });
  configureTree(root);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hawser-lab', '-f', join(tmp, 'id_ed25519')], { timeoutMs: 30_000 });
  mkdirSync(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, 'root/.ssh/authorized_keys'), readFileSync(join(tmp, 'id_ed25519.pub')), { mode: 0o600 });
  const boot = readdirSync(join(root, 'boot'));
  const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
  const initrd = boot.find((f) => f.startsWith('initrd.img-'));
  if (kernel === undefined || initrd === undefined) throw new Error(`no kernel/initrd in ${root}/boot: ${boot.join(' ')}`);
  await run('cp', [join(root, 'boot', kernel), join(tmp, 'vmlinuz')], { timeoutMs: 60_000 });
  await run('cp', [join(root, 'boot', initrd), join(tmp, 'initrd.img')], { timeoutMs: 60_000 });
  // Room for the package (about 150 MB unpacked), journals and a second version.
  const usedKiB = Number((await run('du', ['-sk', root], { timeoutMs: 120_000 })).split(/\s/)[0]);
  const sizeMiB = Math.ceil(usedKiB / 1024) + 1536;
  log(`mkfs.ext4 -d (${sizeMiB} MiB)`);
  await run('mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', root, join(tmp, 'disk.raw'), `${sizeMiB}M`], { timeoutMs: 10 * 60_000 });
  const builtSeconds = Math.round((Date.now() - started) / 100) / 10;
  writeFileSync(
    join(tmp, 'ready.json'),
    JSON.stringify({ mirror, suite: SUITE, kernel, recipe: recipeHash(), builtSeconds, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
  // Older recipes' images are dead weight (about 2 GB each).
  if (existsSync(cacheRoot)) {
    for (const old of readdirSync(cacheRoot)) {
      if (old !== recipeHash() && old !== `${recipeHash()}.partial`) rmSync(join(cacheRoot, old), { recursive: true, force: true });
    }
  }
  renameSync(tmp, dir);
  return imagePaths(dir, mirror, builtSeconds);
}

/** Files and links inside the debootstrapped tree (no chroot needed). */
function configureTree(root: string): void {
  const put = (path: string, text: string, mode = 0o644) => {
    const full = join(root, path);
    mkdirSync(resolve(full, '..'), { recursive: true });
    writeFileSync(full, text);
    chmodSync(full, mode);
  };
  const link = (target: string, path: string) => {
    const full = join(root, path);
    mkdirSync(resolve(full, '..'), { recursive: true });
    rmSync(full, { force: true });
    // Absolute targets: resolved inside the guest, not on this machine.
    symlinkSync(target, full);
  };
  put('etc/fstab', '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');
  put('etc/hostname', 'debian\n');
  put('etc/hosts', '127.0.0.1 localhost\n127.0.1.1 debian\n::1 localhost ip6-localhost ip6-loopback\n');
  // Empty: each clone gets its own machine id at first boot.
  put('etc/machine-id', '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  for (const f of readdirSync(join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', f));
  }
  put('etc/ssh/sshd_config.d/lab.conf', SSHD_CONFIG);
  put('usr/local/sbin/lab-net', LAB_NET, 0o755);
  put('etc/systemd/system/lab-net.service', LAB_NET_UNIT);
  put('etc/systemd/system/lab-ssh-keys.service', SSH_KEYS_UNIT);
  link('/etc/systemd/system/lab-net.service', 'etc/systemd/system/multi-user.target.wants/lab-net.service');
  link('/etc/systemd/system/lab-ssh-keys.service', 'etc/systemd/system/multi-user.target.wants/lab-ssh-keys.service');
  // Emulated CPUs are slow: nothing periodic that the proof does not need.
  for (const unit of ['apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'fstrim.timer', 'systemd-tmpfiles-clean.timer']) {
    link('/dev/null', `etc/systemd/system/${unit}`);
  }
  // The journal survives a guest's restart (kept for the failure report).
  mkdirSync(join(root, 'var/log/journal'), { recursive: true });
  rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
}

if (import.meta.filename === process.argv[1]) {
  const cache = resolve(import.meta.dirname, '../../build/vm-image');
  ensureGuestImage(cache, (m) => process.stderr.write(`== ${m}\n`)).then(
    (img) => process.stdout.write(`${img.dir}\n`),
    (err: Error) => {
      process.stderr.write(`guest image: ${err.message}\n`);
      process.exit(1);
    },
  );
}
