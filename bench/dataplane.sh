#!/usr/bin/env bash
# Data-plane benchmark: the same two hosts (namespaces with a veth each) joined in turn by
#   fast      chainlab's kernel fast path (`chainlab switch --patch --dataplane kernel`: a chain
#             hop's two rules compiled into the eBPF program, bpf_redirect_peer)
#   user      the same rules through chainlab's userspace engine (`--dataplane userspace`)
#   chainlab  the userspace engine with one L2 learning rule (`chainlab switch`)
#   bridge    the Linux bridge
#   ovs       Open vSwitch's userspace datapath (datapath_type=netdev; TX checksum offload off,
#             which it needs or TCP stalls)
# and measured in the same run: TCP throughput with 1 and 4 streams, UDP 64-byte frame rate, ping
# RTT (paced, and back-to-back), and for TCP 4 streams the CPU time spent per gigabyte and the
# share of the CPUs left idle. Prints a markdown table and the ratios; `--json FILE` also writes
# the raw numbers.
#
#   bench/dataplane.sh [BUILD_DIR] [--time SECONDS] [--rounds N] [--json FILE]
#                      [--modes "fast user bridge ovs"] [--busy N]
# Each round measures every path (in rotated order); the table shows the medians. --busy N runs N
# CPU-bound processes (one namespace each, like VNFs that compute) for the whole run.
set -euo pipefail

build=build
secs=5
rounds=3
json=""
modes="fast user bridge ovs"
busy=0
while [ $# -gt 0 ]; do
  case "$1" in
    --busy) busy=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    *) build=$1; shift ;;
  esac
done
chainlab=$(realpath "$build/chainlab")
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 2; }

H1=dpb-h1; H2=dpb-h2; V1=dpb-v1; V2=dpb-v2
OVSDIR=/tmp/dpb-ovs
export OVS_RUNDIR=$OVSDIR OVS_LOGDIR=$OVSDIR OVS_DBDIR=$OVSDIR
switch_pid=""

busy_pids=""
cleanup() {
  # shellcheck disable=SC2086
  [ -n "$busy_pids" ] && kill $busy_pids 2>/dev/null || true
  for i in $(seq "$busy"); do ip netns del dpb-busy$i 2>/dev/null || true; done
  [ -n "$switch_pid" ] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null || true
  switch_pid=""
  ip netns pids $H2 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip link del dpb-br 2>/dev/null || true
  if [ -f $OVSDIR/vswitchd.pid ]; then
    kill "$(cat $OVSDIR/vswitchd.pid)" 2>/dev/null || true
    kill "$(cat $OVSDIR/ovsdb.pid)" 2>/dev/null || true
    sleep 0.3
  fi
  rm -rf $OVSDIR
  ip link del dpb-ovs 2>/dev/null || true  # the netdev datapath's internal tap
  ip netns del $H1 2>/dev/null || true
  ip netns del $H2 2>/dev/null || true
  ip link del $V1 2>/dev/null || true
  ip link del $V2 2>/dev/null || true
}
trap cleanup EXIT

hosts_up() {
  for i in 1 2; do
    ip netns add dpb-h$i
    ip link add dpb-v$i type veth peer name eth0 netns dpb-h$i
    ip -n dpb-h$i addr add 10.90.0.$i/24 dev eth0
    ip -n dpb-h$i link set eth0 up
    ip -n dpb-h$i link set lo up
    ip link set dpb-v$i up
    sysctl -qw net.ipv6.conf.dpb-v$i.disable_ipv6=1
  done
}

busy_up() {  # CPU-bound neighbours: each spins in its own namespace until the run ends
  for i in $(seq "$busy"); do
    ip netns add dpb-busy$i
    ip netns exec dpb-busy$i sh -c 'while :; do :; done' &
    busy_pids="$busy_pids $!"
  done
}

switch_up() {  # chainlab switch ARGS...
  # shellcheck disable=SC2086  # CHAINLAB_SWITCH_ARGS: extra options, e.g. "--poll-us 3000"
  "$chainlab" switch ${CHAINLAB_SWITCH_ARGS:-} "$@" $V1 $V2 >/tmp/dpb-switch.log 2>&1 &
  switch_pid=$!
  for _ in $(seq 50); do grep -q switching /tmp/dpb-switch.log 2>/dev/null && break; sleep 0.1; done
  grep -q "data plane: ${want_path:-}" /tmp/dpb-switch.log || {
    echo "the switch did not start on the ${want_path:-} path:" >&2; cat /tmp/dpb-switch.log >&2
    return 1
  }
}

start_mode() {
  case "$1" in
    fast) want_path=kernel switch_up --patch --dataplane kernel ;;
    user) want_path=userspace switch_up --patch --dataplane userspace ;;
    chainlab) want_path=userspace switch_up ;;
    bridge)
      ip link add dpb-br type bridge
      ip link set dpb-br up
      ip link set $V1 master dpb-br
      ip link set $V2 master dpb-br
      ;;
    ovs)
      mkdir -p $OVSDIR
      ovsdb-tool create $OVSDIR/conf.db /usr/share/openvswitch/vswitch.ovsschema
      ovsdb-server --remote=punix:$OVSDIR/db.sock --pidfile=$OVSDIR/ovsdb.pid --detach \
        --log-file=$OVSDIR/ovsdb.log $OVSDIR/conf.db
      vsctl="ovs-vsctl --db=unix:$OVSDIR/db.sock"
      $vsctl --no-wait init
      ovs-vswitchd unix:$OVSDIR/db.sock --pidfile=$OVSDIR/vswitchd.pid --detach \
        --log-file=$OVSDIR/vswitchd.log
      $vsctl add-br dpb-ovs -- set bridge dpb-ovs datapath_type=netdev
      $vsctl add-port dpb-ovs $V1
      $vsctl add-port dpb-ovs $V2
      for i in 1 2; do
        ethtool -K dpb-v$i tx off >/dev/null
        ip netns exec dpb-h$i ethtool -K eth0 tx off >/dev/null
      done
      ;;
  esac
  # Wait until the path forwards.
  for _ in $(seq 100); do
    ip netns exec $H1 ping -c1 -W1 10.90.0.2 >/dev/null 2>&1 && return 0
  done
  echo "$1: no connectivity" >&2
  return 1
}

stop_mode() {
  case "$1" in
    fast | user | chainlab) kill "$switch_pid"; wait "$switch_pid" 2>/dev/null || true; switch_pid="" ;;
    bridge) ip link del dpb-br ;;
    ovs)
      kill "$(cat $OVSDIR/vswitchd.pid)" "$(cat $OVSDIR/ovsdb.pid)" 2>/dev/null || true
      sleep 0.5
      rm -rf $OVSDIR
      ip link del dpb-ovs 2>/dev/null || true
      for i in 1 2; do
        ethtool -K dpb-v$i tx on >/dev/null
        ip netns exec dpb-h$i ethtool -K eth0 tx on >/dev/null
      done
      ;;
  esac
}

iperf() {  # args...; prints the JSON
  ip netns exec $H1 iperf3 -c 10.90.0.2 -t "$secs" -J "$@"
}

cpu_ticks() {  # "busy total" clock ticks of all CPUs since boot (/proc/stat)
  awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat
}

measure() {  # mode round: appends "mode metric value" lines to $results
  ip netns exec $H2 iperf3 -s -D
  sleep 0.3
  local tcp1 tcp4 udp rtt rttf
  tcp1=$(iperf | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
  # TCP 4 streams also measures what the machine spent: CPU time per gigabyte carried, and the
  # share of the CPUs left idle (none left: the path's cost per byte sets its rate).
  local before after cpu_gb idle
  before=$(cpu_ticks)
  tcp4=$(iperf -P 4 | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
  after=$(cpu_ticks)
  read -r cpu_gb idle < <(python3 -c '
import os, sys
b0, t0, b1, t1, bps, secs = (float(x) for x in sys.argv[1:])
hz = os.sysconf("SC_CLK_TCK")
print(f"{(b1 - b0) / hz / (bps * secs / 8e9):.3f} {1 - (b1 - b0) / (t1 - t0):.3f}")' $before $after "$tcp4" "$secs")
  # 18-byte UDP payload = 60-byte frame (64 on the wire with the FCS).
  udp=$(iperf -u -b 0 -l 18 | python3 -c '
import json,sys
e=json.load(sys.stdin)["end"]["sum"]
print(int((e["packets"]-e["lost_packets"])/e["seconds"]))')
  # Paced pings (each one finds the path idle) and back-to-back pings (flood).
  rtt=$(ip netns exec $H1 ping -q -c 500 -i 0.002 10.90.0.2 | awk -F/ '/^rtt/ {print $5}')
  rttf=$(ip netns exec $H1 ping -q -f -c 5000 10.90.0.2 | awk -F/ '/^rtt/ {print $5}')
  ip netns pids $H2 | xargs -r kill
  sleep 0.3
  printf '%s tcp1 %s\n%s tcp4 %s\n%s udp64 %s\n%s rtt %s\n%s rtt_flood %s\n%s cpu_gb %s\n%s idle %s\n' \
    "$1" "$tcp1" "$1" "$tcp4" "$1" "$udp" "$1" "$rtt" "$1" "$rttf" "$1" "$cpu_gb" "$1" "$idle" >>"$results"
  printf '   %s: tcp1 %s bit/s, tcp4 %s bit/s (%s CPU s/GB, %s idle), udp64 %s pps, rtt %s ms, rtt back-to-back %s ms\n' \
    "$1" "$tcp1" "$tcp4" "$cpu_gb" "$idle" "$udp" "$rtt" "$rttf" >&2
}

hosts_up
busy_up
results=$(mktemp)
for round in $(seq "$rounds"); do
  # Rotate the order so no path always runs first (the machine drifts).
  set -- $modes
  for _ in $(seq $(( (round - 1) % $# ))); do set -- "${@:2}" "$1"; done
  for m in "$@"; do
    echo "== round $round: $m" >&2
    start_mode "$m"
    measure "$m"
    stop_mode "$m"
  done
done

python3 - "$results" "$modes" "$json" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
modes = sys.argv[2].split()
med = {m: {} for m in modes}
for m in modes:
    for metric in ("tcp1", "tcp4", "udp64", "rtt", "rtt_flood", "cpu_gb", "idle"):
        vals = [float(v) for mm, k, v in rows if mm == m and k == metric]
        med[m][metric] = statistics.median(vals) if vals else float("nan")
print()
print("Medians over all rounds.")
print()
print("| path | TCP 1 stream Gbit/s | TCP 4 streams Gbit/s | CPU s per GB (TCP 4) | CPUs idle (TCP 4) | UDP 64 B kpps | ping RTT µs (paced 2 ms) | ping RTT µs (back-to-back) |")
print("|---|---|---|---|---|---|---|---|")
for m in modes:
    r = med[m]
    print(f"| {m} | {r['tcp1']/1e9:.2f} | {r['tcp4']/1e9:.2f} | {r['cpu_gb']:.2f} | {r['idle']*100:.0f}% | {r['udp64']/1e3:.0f} | {r['rtt']*1e3:.0f} | {r['rtt_flood']*1e3:.0f} |")
print()
for mine in ("fast", "user", "chainlab"):
    if mine not in modes:
        continue
    c = med[mine]
    for peer in ("bridge", "ovs"):
        if peer not in modes:
            continue
        p = med[peer]
        print(f"- {mine} / {peer}: TCP 1 stream {c['tcp1']/p['tcp1']:.2f}x, TCP 4 streams "
              f"{c['tcp4']/p['tcp4']:.2f}x, UDP 64 B {c['udp64']/p['udp64']:.2f}x, RTT "
              f"{p['rtt']/c['rtt']:.2f}x paced, {p['rtt_flood']/c['rtt_flood']:.2f}x back-to-back "
              f"(RTT ratios: the peer's over ours, higher is better)")
if sys.argv[3]:
    json.dump({"medians": med, "samples": rows}, open(sys.argv[3], "w"), indent=2)
PY
rm -f "$results"
