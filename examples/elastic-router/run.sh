#!/usr/bin/env bash
# The elastic router, end to end (README.md): starts `chainlab run` with topology.yaml and the
# switch template, the control app, a 100 Hz ping stream sap2 -> sap4 that spans everything, and
# a traffic ramp sap1 -> sap3 (iperf3 UDP, doubling every 2 s) until the router has scaled out;
# then the traffic stops and the router scales back in. Prints the control app's timings and the
# pings lost in each change, and as the last line one JSON summary.
#
#   examples/elastic-router/run.sh [path/to/chainlab]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chainlab=${1:-$here/../../build/chainlab}
work=$(mktemp -d /tmp/chainlab-er-XXXXXX)
export CHAINLAB_NFFG_PASSWORD=pw

cleanup() {
  [[ -n ${ramp:-} ]] && kill "$ramp" 2>/dev/null || true
  [[ -n ${ctrl:-} ]] && kill "$ctrl" 2>/dev/null || true
  if [[ -n ${run:-} ]]; then
    kill -INT "$run" 2>/dev/null || true
    wait "$run" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (up to $2 s) for the command $1 to succeed.
await() {
  local end=$((SECONDS + $2))
  until eval "$1" >/dev/null 2>&1; do
    ((SECONDS < end)) || { echo "timed out waiting for: $1" >&2; exit 1; }
    sleep 0.1
  done
}

echo "== starting the node (chainlab run $here/topology.yaml)"
CHAINLAB_NODE_DIR=$work "$chainlab" run "$here/topology.yaml" --nffg-templates "$here/templates" \
  --admin-password pw --monitor-period 500ms >"$work/run.log" 2>&1 &
run=$!
await "curl -sf -o /dev/null -X POST -d '{\"username\":\"admin\",\"password\":\"pw\"}' \
  http://127.0.0.1:8080/login" 60

echo "== the control app deploys the router (one switch)"
python3 "$here/controller.py" --cycles 1 --calm 3 >"$work/ctrl.log" 2>&1 &
ctrl=$!
await "grep -q deployed $work/ctrl.log" 60
await "$chainlab exec -t 2 sap2 -- ping -c1 -W1 10.0.0.4" 30

echo "== ping stream sap2 -> sap4 (100 Hz), traffic ramp sap1 -> sap3"
"$chainlab" exec -t 120 sap2 -- ping -D -O -i 0.01 -W 1 -w 100 10.0.0.4 >"$work/ping.log" 2>&1 &
pinger=$!
"$chainlab" exec sap3 -- iperf3 -s -D >/dev/null
(
  for rate in 1M 2M 4M 8M 16M 32M 64M 128M; do
    "$chainlab" exec -t 10 sap1 -- iperf3 -u -c 10.0.0.3 -b "$rate" -t 2 >/dev/null 2>&1 || true
  done
) &
ramp=$!
await "grep -q scale-out $work/ctrl.log" 60
kill "$ramp" 2>/dev/null || true
wait "$ramp" 2>/dev/null || true
ramp=
echo "== scaled out; traffic stopped, waiting for the scale-in"
await "grep -q scale-in $work/ctrl.log" 90
wait "$ctrl"
ctrl=
pkill -INT -f "ping -D -O -i 0.01" 2>/dev/null || true  # it prints its summary and exits
wait "$pinger" 2>/dev/null || true

cat "$work/ctrl.log"
python3 - "$work/ctrl.log" "$work/ping.log" <<'EOF'
import json, re, sys
changes = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{\"change\"")]
lines = open(sys.argv[2]).read().splitlines()
# "[1732900000.123456] no answer yet for icmp_seq=42" (-O, stamped by -D): late, and lost when
# no "icmp_seq=42 ... time=" reply ever comes.
replied = {int(m.group(1)) for l in lines if (m := re.search(r"icmp_seq=(\d+) .*time=", l))}
lost = [float(m.group(1)) for l in lines
        if (m := re.match(r"\[(\d+\.\d+)\] no answer yet for icmp_seq=(\d+)", l))
        and int(m.group(2)) not in replied]
sent = re.search(r"(\d+) packets transmitted, (\d+) received", "\n".join(lines))
summary = {"pings_sent": int(sent.group(1)) if sent else None,
           "pings_received": int(sent.group(2)) if sent else None}
for c in changes:
    # A ping sent from 1 s before the PUT to the graph's completion, lost: lost to the change.
    window = [t for t in lost if c["put_ms"] / 1000 - 1 <= t <= c["complete_ms"] / 1000 + 1]
    summary[c["change"]] = {"reaction_ms": c.get("reaction_ms"), "update_ms": c["update_ms"],
                            "pings_lost": len(window)}
    print(f"{c['change']}: alarm -> PUT {c.get('reaction_ms', '-')} ms, PUT -> complete "
          f"{c['update_ms']} ms, pings lost around it {len(window)} (of 100 per second)")
print(json.dumps(summary))
EOF
