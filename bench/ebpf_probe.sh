#!/usr/bin/env bash
# Issue 15's first probe (the fast path built on it: docs/design/dataplane.md): two namespaces
# joined either by a Linux bridge or by a tc program at clsact ingress of the host veth ends that
# returns bpf_redirect_peer(<the other host end>) from a map; iperf3 TCP 1 and 4 streams, 200
# pings 2 ms apart, alternating rounds: the floor under bench/dataplane.sh's `fast`. Needs
# libbpf-dev and bpftool (scripts/install-deps.sh installs them).
#
#   bench/ebpf_probe.sh [ROUNDS]      (root; default 2 rounds)
set -euo pipefail
rounds=${1:-2}
if ! command -v bpftool >/dev/null || [[ ! -f /usr/include/bpf/libbpf.h ]]; then
  echo "skipped: needs libbpf-dev and bpftool (apt-get install libbpf-dev bpftool)"
  exit 0
fi
work=$(mktemp -d)
cleanup() {
  [[ -f $work/loader.pid ]] && kill "$(cat "$work/loader.pid")" 2>/dev/null || true
  sleep 0.3
  ip netns del ebpa 2>/dev/null || true
  ip netns del ebpb 2>/dev/null || true
  ip link del ebpbr 2>/dev/null || true
  rm -f "$work/loader.pid"
}
trap 'cleanup; rm -rf "$work"' EXIT
cat >"$work/fwd.bpf.c" <<'C'
// tc ingress on the host end of an instance veth: look up the output port of this ifindex in a
// hash map and redirect into the peer namespace of that port's veth (bpf_redirect_peer).
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);    // ingress ifindex
  __type(value, __u32);  // egress ifindex (host end of the other veth)
} ports SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} packets SEC(".maps");

SEC("tc")
int forward(struct __sk_buff* skb) {
  __u32 in = skb->ingress_ifindex;
  __u32* out = bpf_map_lookup_elem(&ports, &in);
  __u32 zero = 0;
  __u64* n = bpf_map_lookup_elem(&packets, &zero);
  if (n) *n += 1;
  if (!out) return TC_ACT_OK;
  return bpf_redirect_peer(*out, 0);
}

char LICENSE[] SEC("license") = "GPL";
C
cat >"$work/loader.c" <<'C'
// Attaches fwd.bpf.o's program at tc ingress of two host interfaces and maps each to the other.
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "fwd.skel.h"

static volatile int stop;
static void on_sig(int s) { (void)s; stop = 1; }

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  unsigned a = if_nametoindex(argv[1]), b = if_nametoindex(argv[2]);
  struct fwd_bpf* skel = fwd_bpf__open_and_load();
  if (!skel) { fprintf(stderr, "load failed\n"); return 1; }
  bpf_map__update_elem(skel->maps.ports, &a, sizeof a, &b, sizeof b, BPF_ANY);
  bpf_map__update_elem(skel->maps.ports, &b, sizeof b, &a, sizeof a, BPF_ANY);
  unsigned ifs[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifs[i], .attach_point = BPF_TC_INGRESS);
    DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1,
                        .prog_fd = bpf_program__fd(skel->progs.forward));
    int e = bpf_tc_hook_create(&hook);
    if (e && e != -17) { fprintf(stderr, "hook %d\n", e); return 1; }
    if ((e = bpf_tc_attach(&hook, &opts))) { fprintf(stderr, "attach %d\n", e); return 1; }
  }
  signal(SIGTERM, on_sig); signal(SIGINT, on_sig);
  printf("attached\n"); fflush(stdout);
  while (!stop) pause();
  for (int i = 0; i < 2; i++) {
    DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifs[i], .attach_point = BPF_TC_INGRESS);
    bpf_tc_hook_destroy(&hook);
  }
  fwd_bpf__destroy(skel);
  return 0;
}
C
clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c "$work/fwd.bpf.c" -o "$work/fwd.bpf.o"
bpftool gen skeleton "$work/fwd.bpf.o" >"$work/fwd.skel.h"
gcc -O2 -I"$work" -o "$work/loader" "$work/loader.c" -lbpf

gbit() { python3 -c "import json,sys; print(round(json.load(sys.stdin)['end']['sum_received']['bits_per_second']/1e9, 2))"; }
one() {
  local mode=$1
  ip netns add ebpa
  ip netns add ebpb
  ip link add ebpha type veth peer name eth0 netns ebpa
  ip link add ebphb type veth peer name eth0 netns ebpb
  ip -n ebpa addr add 10.66.0.1/24 dev eth0
  ip -n ebpb addr add 10.66.0.2/24 dev eth0
  for n in ebpa ebpb; do ip -n $n link set eth0 up; ip -n $n link set lo up; done
  ip link set ebpha up
  ip link set ebphb up
  if [[ $mode == bridge ]]; then
    ip link add ebpbr type bridge
    ip link set ebpha master ebpbr
    ip link set ebphb master ebpbr
    ip link set ebpbr up
  else
    "$work/loader" ebpha ebphb >"$work/loader.log" 2>&1 &
    echo $! >"$work/loader.pid"
    until grep -q attached "$work/loader.log" 2>/dev/null; do sleep 0.05; done
  fi
  ip netns exec ebpa ping -c 1 -W 2 10.66.0.2 >/dev/null
  ip netns exec ebpb iperf3 -s -D -1 >/dev/null
  sleep 0.3
  local t1 t4 rtt
  t1=$(ip netns exec ebpa iperf3 -c 10.66.0.2 -t 4 -J | gbit)
  ip netns exec ebpb iperf3 -s -D -1 >/dev/null
  sleep 0.3
  t4=$(ip netns exec ebpa iperf3 -c 10.66.0.2 -t 4 -P 4 -J | gbit)
  rtt=$(ip netns exec ebpa ping -c 200 -i 0.002 -q 10.66.0.2 | tail -1 | cut -d/ -f5)
  echo "| $mode | $t1 | $t4 | $(python3 -c "print(round($rtt * 1000))") |"
  cleanup
}
echo "| path | TCP 1 stream Gbit/s | TCP 4 streams Gbit/s | ping RTT avg µs |"
echo "|---|---|---|---|"
for ((r = 0; r < rounds; r++)); do
  one bridge
  one tc-redirect-peer
done
