#!/usr/bin/env bash
# A chain of N forwarding VNFs (namespaces routing between two interfaces, the kernel forwards)
# between two hosts, its N+1 segments joined in turn by
#   fast    chainlab's kernel fast path (`chainlab switch --patch --dataplane kernel`)
#   user    chainlab's userspace engine (`--patch --dataplane userspace`)
#   bridge  one Linux bridge per segment
#   taps    the bridges with an idle packet socket on every host end (tcpdump, a filter that
#           matches nothing): what the kernel's taps cost, which the fast path pays for the
#           engine's socket
# TCP 1 and 4 streams and ping RTT, in the same run, rounds in rotated order, medians. Then, with
# --rates "1000 5000", TCP with every port's egress shaped by chainlab to each rate (Mbit/s):
# delivered/rate (with --vnfs 0: one link between the two hosts, shaped both ways).
#
#   bench/chain.sh [BUILD_DIR] [--vnfs N] [--time S] [--rounds N] [--busy N] [--modes "..."]
#                  [--rates "1000 5000"] [--json FILE]
set -euo pipefail

build=build
vnfs=3
secs=5
rounds=3
busy=0
modes="fast user bridge"
rates=""
json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vnfs) vnfs=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --busy) busy=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    *) build=$1; shift ;;
  esac
done
chainlab=$(realpath "$build/chainlab")
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 2; }

switch_pid=""
busy_pids=""
tap_pids=""
hosts="chb-h1 chb-h2 $(seq -f 'chb-vnf%g' 1 "$vnfs" | tr '\n' ' ')"
ends=()  # host ends in segment order: h1, vnf1 in, vnf1 out, ..., h2

cleanup() {
  # shellcheck disable=SC2086
  [ -n "$busy_pids$tap_pids" ] && kill $busy_pids $tap_pids 2>/dev/null || true
  [ -n "$switch_pid" ] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null || true
  for i in $(seq 0 "$vnfs"); do ip link del "chb-br$i" 2>/dev/null || true; done
  for i in $(seq "$busy"); do ip netns del "chb-busy$i" 2>/dev/null || true; done
  for h in $hosts; do ip netns del "$h" 2>/dev/null || true; done
}
trap cleanup EXIT

# plug NS IF HOSTEND ADDR: a veth from the host into namespace NS.
plug() {
  ip link add "$3" type veth peer name "$2" netns "$1"
  ip -n "$1" addr add "$4" dev "$2"
  ip -n "$1" link set "$2" up
  ip link set "$3" up
  sysctl -qw "net.ipv6.conf.$3.disable_ipv6=1"
}

topology_up() {
  for h in $hosts; do ip netns add "$h"; ip -n "$h" link set lo up; done
  plug chb-h1 eth0 chb-h1v 10.91.0.1/24
  ip -n chb-h1 route add default via 10.91.0.2
  ends+=(chb-h1v)
  for i in $(seq "$vnfs"); do
    local ns=chb-vnf$i
    plug "$ns" eth0 "chb-v${i}a" "10.91.$((i - 1)).2/24"
    plug "$ns" eth1 "chb-v${i}b" "10.91.$i.1/24"
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
    ip -n "$ns" route add default via "10.91.$i.2"
    if [ "$i" -gt 1 ]; then ip -n "$ns" route add 10.91.0.0/24 via "10.91.$((i - 1)).1"; fi
    ends+=("chb-v${i}a" "chb-v${i}b")
  done
  plug chb-h2 eth0 chb-h2v "10.91.$vnfs.2/24"
  ip -n chb-h2 route add default via "10.91.$vnfs.1"
  ends+=(chb-h2v)
  for i in $(seq "$busy"); do
    ip netns add "chb-busy$i"
    ip netns exec "chb-busy$i" sh -c 'while :; do :; done' &
    busy_pids="$busy_pids $!"
  done
}

switch_up() {  # chainlab switch ARGS... on every host end, in pairs
  "$chainlab" switch "$@" "${ends[@]}" >/tmp/chb-switch.log 2>&1 &
  switch_pid=$!
  for _ in $(seq 50); do grep -q switching /tmp/chb-switch.log 2>/dev/null && break; sleep 0.1; done
  grep -q "data plane: $want" /tmp/chb-switch.log || {
    echo "the switch did not start on the $want path:" >&2; cat /tmp/chb-switch.log >&2; return 1
  }
}

start_mode() {
  case "$1" in
    fast) want=kernel switch_up --patch --dataplane kernel ;;
    user) want=userspace switch_up --patch --dataplane userspace ;;
    rate:*) want=kernel switch_up --patch --dataplane kernel --rate "${1#rate:}" ;;
    taps)
      start_mode bridge
      for end in "${ends[@]}"; do
        tcpdump -i "$end" -w /dev/null 'ether proto 0x88b5' >/dev/null 2>&1 &
        tap_pids="$tap_pids $!"
      done
      sleep 1
      ;;
    bridge)
      for i in $(seq 0 "$vnfs"); do
        ip link add "chb-br$i" type bridge
        ip link set "chb-br$i" up
        ip link set "${ends[$((2 * i))]}" master "chb-br$i"
        ip link set "${ends[$((2 * i + 1))]}" master "chb-br$i"
      done
      ;;
  esac
  for _ in $(seq 100); do
    ip netns exec chb-h1 ping -c1 -W1 "10.91.$vnfs.2" >/dev/null 2>&1 && return 0
  done
  echo "$1: no connectivity" >&2
  return 1
}

stop_mode() {
  case "$1" in
    bridge) for i in $(seq 0 "$vnfs"); do ip link del "chb-br$i"; done ;;
    taps)
      # shellcheck disable=SC2086
      kill $tap_pids; tap_pids=""
      stop_mode bridge
      ;;
    *) kill "$switch_pid"; wait "$switch_pid" 2>/dev/null || true; switch_pid="" ;;
  esac
}

tcp() {  # streams: received bit/s
  ip netns exec chb-h1 iperf3 -c "10.91.$vnfs.2" -t "$secs" -J -P "$1" |
    python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'
}

measure() {
  ip netns exec chb-h2 iperf3 -s -D
  sleep 0.3
  local tcp1 tcp4 rtt
  tcp1=$(tcp 1)
  tcp4=$(tcp 4)
  rtt=$(ip netns exec chb-h1 ping -q -c 500 -i 0.002 "10.91.$vnfs.2" | awk -F/ '/^rtt/ {print $5}')
  ip netns pids chb-h2 | xargs -r kill
  sleep 0.3
  printf '%s tcp1 %s\n%s tcp4 %s\n%s rtt %s\n' "$1" "$tcp1" "$1" "$tcp4" "$1" "$rtt" >>"$results"
  printf '   %s: tcp1 %s bit/s, tcp4 %s bit/s, rtt %s ms\n' "$1" "$tcp1" "$tcp4" "$rtt" >&2
}

topology_up
results=$(mktemp)
for round in $(seq "$rounds"); do
  set -- $modes
  for _ in $(seq $(((round - 1) % $#))); do set -- "${@:2}" "$1"; done
  for m in "$@"; do
    echo "== round $round: $m ($vnfs VNFs, $busy busy)" >&2
    start_mode "$m"
    measure "$m"
    stop_mode "$m"
  done
done
for r in $rates; do
  echo "== shaped to $r Mbit/s" >&2
  start_mode "rate:$r"
  ip netns exec chb-h2 iperf3 -s -D
  sleep 0.3
  printf 'rate:%s tcp1 %s\n' "$r" "$(tcp 1)" >>"$results"
  ip netns pids chb-h2 | xargs -r kill
  stop_mode "rate:$r"
done

python3 - "$results" "$modes" "$rates" "$vnfs" "$busy" "$json" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
modes, rates, vnfs, busy = sys.argv[2].split(), sys.argv[3].split(), sys.argv[4], sys.argv[5]
med = {}
for m in modes:
    med[m] = {k: statistics.median([float(v) for mm, kk, v in rows if mm == m and kk == k])
              for k in ("tcp1", "tcp4", "rtt")}
print(f"\nA chain of {vnfs} forwarding VNFs, {busy} CPU-bound neighbours; medians.\n")
print("| path | TCP 1 stream Gbit/s | TCP 4 streams Gbit/s | ping RTT µs |")
print("|---|---|---|---|")
for m in modes:
    r = med[m]
    print(f"| {m} | {r['tcp1']/1e9:.2f} | {r['tcp4']/1e9:.2f} | {r['rtt']*1e3:.0f} |")
if "bridge" in med:
    b = med["bridge"]
    for m in modes:
        if m != "bridge":
            r = med[m]
            print(f"- {m} / bridge: TCP 1 stream {r['tcp1']/b['tcp1']:.2f}x, TCP 4 streams "
                  f"{r['tcp4']/b['tcp4']:.2f}x, RTT {b['rtt']/r['rtt']:.2f}x (the bridge's over ours)")
for r in rates:
    got = [float(v) for m, k, v in rows if m == f"rate:{r}"]
    if got:
        print(f"- shaped to {r} Mbit/s (every chain port's egress; shaped frames take the userspace engine): TCP "
              f"{got[0]/1e6:.0f} Mbit/s = {got[0]/(float(r)*1e6):.3f} of the rate")
if sys.argv[6]:
    json.dump({"medians": med, "samples": rows}, open(sys.argv[6], "w"), indent=2)
PY
rm -f "$results"
