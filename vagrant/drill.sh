#!/bin/bash
# The failover drill against the Vagrant lab (after `vagrant up` in vagrant/):
# the client sends steady requests to the VIP (10 a second, 1 s timeout,
# each line: send time, status, backend, Hawser node) while the drill breaks
# the cluster one scenario at a time; then it prints what the client saw:
#
#   graceful  systemctl stop on the master (VIP handed over with priority 0)
#   return    the stopped node starts again and takes the VIP back
#   kill      SIGKILL of the master's hawser (Master_Down_Interval, then
#             Restart=on-failure brings it back)
#   reload    systemctl reload on the master under load: no failed request
#   backend   one web backend stops: health checks move traffic to the other
#
# Exit code 0 only if every scenario met its limit (see LIMITS below; TCG
# guests are slow, so the limits are generous: set DRILL_SLOW=0 on KVM or
# VirtualBox to use tighter ones). Usage: vagrant/drill.sh [scenario ...]
set -euo pipefail
cd "$(dirname "$0")"
LAB_NET=${HAWSER_LAB_NET:-10.98.1}
VIP=$LAB_NET.100
SCENARIOS=${*:-graceful return kill reload backend}
SLOW=${DRILL_SLOW:-1}
if [ "$SLOW" = 1 ]; then GAP_GRACEFUL=5000 GAP_KILL=10000 FAIL_GRACEFUL=10; else GAP_GRACEFUL=2000 GAP_KILL=5000 FAIL_GRACEFUL=3; fi

WORK=$(mktemp -d /tmp/hawser-drill.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# One `vagrant ssh-config` (Vagrant's own start-up is seconds per call), then plain ssh.
vagrant ssh-config > "$WORK/ssh-config"
on() { local host=$1; shift; ssh -F "$WORK/ssh-config" -o LogLevel=ERROR "$host" "$@"; }
root() { local host=$1; shift; on "$host" sudo sh -c "'$*'"; }

# Which node holds the VIP now.
master() {
    local n
    for n in lb1 lb2; do
        if root "$n" "ip -o addr show dev eth1 | grep -q \" $VIP/\"" 2>/dev/null; then echo "$n"; return; fi
    done
    echo none
}
wait_master() { # name, seconds
    local i
    for i in $(seq "$2"); do [ "$(master)" = "$1" ] && return 0; sleep 1; done
    return 1
}

LOAD='i=0; while [ $i -lt 100000 ]; do i=$((i+1)); t=$(date +%s%3N);
  r=$(curl -s -m 1 -w " %{http_code} %header{x-hawser-node}" http://'$VIP'/ | tr -d "\n");
  echo "$t $r"; sleep 0.1; done'
load_start() { on client "rm -f /tmp/load.log; nohup sh -c '$LOAD' > /tmp/load.log 2>/dev/null & echo \$! > /tmp/load.pid"; }
load_stop() { on client 'kill $(cat /tmp/load.pid) 2>/dev/null; sleep 0.2; cat /tmp/load.log' > "$WORK/$1.log"; }

# What the client saw: requests, failures, the longest failure gap (ms,
# from the first failed request to the next answered one), the nodes and
# backends that answered, in order of first appearance.
summarize() {
    awk '
      { code = ""; node = ""; be = ""
        for (i = 2; i <= NF; i++) if ($i ~ /^[0-9][0-9][0-9]$/) { code = $i; node = $(i+1); be = (i > 2 ? $(i-1) : "") }
        n++
        if (code == "200") {
          if (gapstart != "") { g = $1 - gapstart; if (g > maxgap) maxgap = g; gapstart = "" }
          if (!(node in seen)) { seen[node] = 1; nodes = nodes (nodes == "" ? "" : ">") node }
          if (!(be in bes)) { bes[be] = 1; backends = backends (backends == "" ? "" : ",") be }
        } else { failed++; if (gapstart == "") gapstart = $1 }
      }
      END { if (gapstart != "") maxgap = -1; printf "%d %d %d %s %s\n", n, failed + 0, maxgap + 0, (nodes == "" ? "-" : nodes), (backends == "" ? "-" : backends) }
    ' "$1"
}

RESULTS=()
record() { # scenario, limit text, pass(0/1), summary
    RESULTS+=("$(printf '%-9s %-5s %s | %s' "$1" "$([ "$3" = 0 ] && echo PASS || echo FAIL)" "$4" "$2")")
}

run() { # scenario, action..., then the check
    local s=$1
    echo "== $s" >&2
    load_start
    sleep 4
    "do_$s"
    sleep "${SETTLE:-8}"
    load_stop "$s"
    read -r n failed gap nodes backends < <(summarize "$WORK/$s.log")
    "check_$s" "$n" "$failed" "$gap" "$nodes" "$backends"
}

do_graceful() { M=$(master); OTHER=$([ "$M" = lb1 ] && echo lb2 || echo lb1); root "$M" systemctl stop hawser; wait_master "$OTHER" 30 || true; }
check_graceful() {
    local pass=1
    [ "$2" -le "$FAIL_GRACEFUL" ] && [ "$3" -le "$GAP_GRACEFUL" ] && [ "$3" -ge 0 ] && [ "$(master)" = "$OTHER" ] && pass=0
    record graceful "failed <= $FAIL_GRACEFUL, gap <= $GAP_GRACEFUL ms, VIP on $OTHER" $pass "$1 requests, $2 failed, gap $3 ms, nodes $4"
}
do_return() { root "$M" systemctl start hawser; wait_master "$M" 180 || true; }
check_return() {
    local pass=1
    [ "$2" -le "$FAIL_GRACEFUL" ] && [ "$3" -ge 0 ] && [ "$(master)" = "$M" ] && pass=0
    record return "failed <= $FAIL_GRACEFUL, VIP back on $M" $pass "$1 requests, $2 failed, gap $3 ms, nodes $4"
}
do_kill() { M=$(master); OTHER=$([ "$M" = lb1 ] && echo lb2 || echo lb1); root "$M" systemctl kill -s SIGKILL hawser; wait_master "$OTHER" 30 || true; }
check_kill() {
    local pass=1 restarts
    restarts=$(root "$M" systemctl show hawser -p NRestarts | cut -d= -f2)
    [ "$3" -le "$GAP_KILL" ] && [ "$3" -ge 0 ] && [ "${restarts:-0}" -ge 1 ] && pass=0
    record kill "gap <= $GAP_KILL ms, restarted by systemd" $pass "$1 requests, $2 failed, gap $3 ms, nodes $4, NRestarts=$restarts"
    # Back to the start: the killed node is master again before the next scenario.
    wait_master "$M" 180 || true
}
do_reload() { M=$(master); root "$M" systemctl reload hawser; }
check_reload() {
    local pass=1
    [ "$2" -eq 0 ] && [ "$1" -gt 0 ] && pass=0
    record reload "no failed request" $pass "$1 requests, $2 failed, nodes $4"
}
do_backend() { root web1 systemctl stop hawser; sleep 6; }
check_backend() {
    local pass=1 tail_be
    tail_be=$(tail -n 20 "$WORK/backend.log" | grep -c ' web1 ' || true)
    [ "$2" -le 3 ] && [ "$tail_be" -eq 0 ] && pass=0
    record backend "failed <= 3, web1 out of rotation" $pass "$1 requests, $2 failed, backends $5"
    root web1 systemctl start hawser
}

START=$(date +%s)
echo "drill: VIP $VIP, master $(master), scenarios: $SCENARIOS" >&2
for s in $SCENARIOS; do run "$s"; done

echo
echo "Hawser Vagrant drill report ($(date -u +%Y-%m-%dT%H:%MZ), $(( $(date +%s) - START )) s)"
printf '%-9s %-5s %s | %s\n' scenario verdict "what the client saw" limit
for r in "${RESULTS[@]}"; do echo "$r"; done
! printf '%s\n' "${RESULTS[@]}" | grep -q ' FAIL '
