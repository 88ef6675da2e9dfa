#!/usr/bin/env bash
# Runs every benchmark against the build in $1 (default: build). Results go to stdout; copy the
# tables into docs/benchmarks.md together with this command line.
set -euo pipefail
build=${1:-build}
echo "== substrate: veth and native instance set-up, chainlab vs ip commands"
"$build/substrate_bench"
echo "== emulator: topology build, instance start, chains, memory"
"$build/emulator_bench"
echo "== learning mode: ping after start, 200 instances in one PoP (none vs learning)"
"$build/learning_bench"
echo "== topology scaling: parse and build 1k / 10k / 100k-node GML, interrupted build"
"$build/topology_bench"
echo "== monitor: sampling cost, history memory, /metrics with 500 instances and 500 chains"
"$build/monitor_bench"
echo "== containers: oci driver start times"
"$build/container_bench"
echo "== data plane: chainlab kernel fast path, userspace engine, Linux bridge, OVS userspace"
bash "$(dirname "$0")/dataplane.sh" "$build"
bash "$(dirname "$0")/dataplane.sh" "$build" --busy 2
echo "== a chain of 3 forwarding VNFs: fast path, userspace, bridges"
bash "$(dirname "$0")/chain.sh" "$build"
bash "$(dirname "$0")/chain.sh" "$build" --busy 2
echo "== one link shaped to 100 Mbit/s, 1 and 5 Gbit/s: TCP's share of the rate"
bash "$(dirname "$0")/chain.sh" "$build" --vnfs 0 --rounds 1 --modes fast --rates "100 1000 5000"
echo "== gatekeeper: onboard, instantiate, terminate a 3- and a 30-VNF service"
"$build/gatekeeper_bench"
echo "== NF-FG node: deploy, one-rule update and removal of a chain of 0..500 native VNFs"
"$build/nffg_bench"
echo "== embedding: greedy vs alg1 vs the MILP (gap, request streams, 100-NF / 1,000-node scale)"
"$build/embedding_bench"
echo "== eBPF probe: a bare tc + bpf_redirect_peer vs the Linux bridge"
bash "$(dirname "$0")/ebpf_probe.sh" 2
echo "== multi-domain orchestrator: request to deployed over 2 and 4 domains, 100 back to back"
"$build/mdo_bench"
echo "== OpenStack endpoints: 50 clients creating, showing and deleting servers for 60 s"
python3 "$(dirname "$0")/openstack_load.py" "$build/chainlab" --clients 50 --duration 60
echo "== dashboard: first render and update cost with 500 instances (headless Chromium)"
node "$(dirname "$0")/dashboard.mjs" "$build" --instances 500 --seconds 10
