#!/usr/bin/env bash
# Installs every Debian package chainlab's build, tests and benchmarks need.
# Idempotent: installs only what is missing, so a second run costs a dpkg query.
# The only install step anywhere (Makefile and .ci/run call it).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-format
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libmnl-dev libcpp-httplib-dev
  libspdlog-dev libfmt-dev libssl-dev libpugixml-dev libarchive-dev
  prometheus-cpp-dev libsqlite3-dev libzmq3-dev cppzmq-dev libinih-dev
  libglpk-dev  # the embedding's exact baseline (orchestration/placement/embedding/milp.cc)
  libpcap-dev  # capture filters (dataplane/capture.cc compiles tcpdump's expressions)
  libnftables-dev  # security groups (substrate/nftables.cc loads rulesets into namespaces)
  libbpf-dev bpftool  # the kernel fast path (dataplane/kernel/: clang builds it, bpftool embeds it)
  nodejs  # the dashboard (web/dashboard: npm ci and esbuild at build time); npm: below
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev clang
  iproute2 iputils-ping iputils-arping ethtool iperf3 socat curl procps psmisc tcpdump
  # conformance (tests/conformance): the real OpenStack clients
  python3-openstackclient python3-heatclient python3-neutronclient python3-novaclient
  python3-glanceclient python3-networking-sfc python3-openstacksdk
  # conformance (tests/conformance/sonemu_cli_conformance.py): what son-emu's CLI imports
  python3-requests python3-tabulate
  # conformance (tests/conformance/prometheus_conformance.py): the real Prometheus, promtool and
  # Pushgateway
  prometheus
  prometheus-pushgateway
  # run: the oci compute driver (busybox: the test image of tests/integration/oci_driver_test.cc)
  runc busybox
  # run: OpenStack routers' SNAT and floating IPs (nft in the router's namespace)
  nftables
  # benchmark peers (bench/dataplane.sh): Open vSwitch userspace datapath
  openvswitch-switch
  # the dashboard's browser test (tests/browser): Debian's Chromium, driven by puppeteer-core
  chromium
)
# npm: Debian's package, unless the installed nodejs brings its own (NodeSource's does, and
# conflicts with Debian's npm).
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
