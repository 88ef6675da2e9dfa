#!/usr/bin/env bash
# networking-sfc conformance with the real client (`openstack sfc ...` from python3-neutronclient)
# against both PoPs of a running `chainlab run tests/conformance/sfc-topology.yaml`:
#   networks, ports and servers src, dst and sf (sf bridges its two ports, each on a network of
#   its own so only the chain reaches it), then port pair, port pair group, flow classifier (ICMP
#   from src to dst) and port chain create/list/show; src pings dst and the echo requests are
#   counted on sf's ingress interface — only while the chain exists; in-use deletes are refused;
#   everything is deleted; `chainlab cleanup --check` finds nothing afterwards.
# Usage: sfc_conformance.sh [CHAINLAB_BINARY]   (root; exit 0 = pass, 77 = skipped)
set -euo pipefail

CHAINLAB=${1:-chainlab}
HERE=$(cd "$(dirname "$0")" && pwd)
TOPOLOGY=$HERE/sfc-topology.yaml
REST=http://127.0.0.1:8501
BASES=(8001 8002)
LOG=$(mktemp /tmp/sfc-conformance.XXXXXX.log)

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root"
  exit 77
fi
if ! command -v openstack >/dev/null || [[ ! -d /usr/lib/python3/dist-packages/neutronclient/osc/v2/sfc ]]; then
  echo "SKIP: python3-openstackclient and python3-neutronclient are not installed"
  exit 77
fi

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

RUN_PID=
stop_run() {
  if [[ -n $RUN_PID ]] && kill -0 "$RUN_PID" 2>/dev/null; then
    kill -TERM "$RUN_PID"
    wait "$RUN_PID" || true
  fi
  RUN_PID=
}
trap 'stop_run; echo "chainlab run log: $LOG"' EXIT

"$CHAINLAB" run "$TOPOLOGY" >"$LOG" 2>&1 &
RUN_PID=$!
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:${BASES[1]}/v3" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$RUN_PID" 2>/dev/null || fail "chainlab run exited: $(cat "$LOG")"
  sleep 0.2
done

# The client of one PoP.
P=
os() {
  openstack --os-auth-url "http://127.0.0.1:$P/v3" --os-identity-api-version 3 \
    --os-username admin --os-password admin --os-project-name admin \
    --os-user-domain-name Default --os-project-domain-name Default \
    --os-interface public "$@"
}
id_of() { os "$@" -f value -c id; }
emu_exec() { "$CHAINLAB" exec -e "$REST" -t 30 "$@"; }

# Packets received on interface $2 of instance $1.
rx_packets() {
  emu_exec "$1" -- cat /proc/net/dev | sed 's/:/ /' | awk -v intf="$2" '$1 == intf { print $3 }'
}

# Pings dst from src $3 times; prints how many packets sf's ingress received meanwhile.
ping_through() {
  local src=$1 sf=$2 count=$3 before after
  before=$(rx_packets "$sf" in)
  emu_exec "$src" -- ping -c "$count" -i 0.2 -W 1 "$DST_IP" >/dev/null ||
    fail "$src cannot ping $DST_IP"
  after=$(rx_packets "$sf" in)
  echo $((after - before))
}

for i in "${!BASES[@]}"; do
  P=${BASES[$i]}
  n=$((i + 1))
  echo "== PoP $n (Keystone $P)"
  os token issue -f value -c id >/dev/null || fail "token issue"
  aliases=$(os extension list --network -f value -c Alias)
  grep -qx sfc <<<"$aliases" || fail "extension 'sfc' not listed"
  grep -qx flow_classifier <<<"$aliases" || fail "extension 'flow_classifier' not listed"
  os image create --container-format bare --disk-format raw "sfc-img$n" >/dev/null

  for net in data sf-in sf-out; do
    os network create "$net" >/dev/null
  done
  os subnet create --network data --subnet-range "10.4$n.0.0/24" data-sub >/dev/null
  os subnet create --network sf-in --subnet-range "10.4$n.1.0/24" sf-in-sub >/dev/null
  os subnet create --network sf-out --subnet-range "10.4$n.2.0/24" sf-out-sub >/dev/null
  os port create --network data src0 >/dev/null
  os port create --network data dst0 >/dev/null
  os port create --network sf-in in >/dev/null
  os port create --network sf-out out >/dev/null
  os server create --wait --flavor m1.tiny --image "sfc-img$n" --port src0 "src$n" >/dev/null
  os server create --wait --flavor m1.tiny --image "sfc-img$n" --port dst0 "dst$n" >/dev/null
  os server create --wait --flavor m1.tiny --image "sfc-img$n" --port in --port out "sf$n" >/dev/null
  SRC=$(os server show "src$n" -f value -c OS-EXT-SRV-ATTR:instance_name)
  SF=$(os server show "sf$n" -f value -c OS-EXT-SRV-ATTR:instance_name)
  DST_IP=$(os port show dst0 -f json -c fixed_ips |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])')
  for cmd in "ip link add br0 type bridge" "ip link set in master br0" \
    "ip link set out master br0" "ip link set br0 up"; do
    # shellcheck disable=SC2086
    emu_exec "$SF" -- $cmd >/dev/null || fail "in $SF: $cmd"
  done

  seen=$(ping_through "$SRC" "$SF" 3)
  ((seen < 3)) || fail "sf saw $seen packets before any chain exists"

  os sfc port pair create --ingress in --egress out pp1 >/dev/null
  os sfc port pair group create --port-pair pp1 ppg1 >/dev/null
  os sfc flow classifier create --protocol icmp --logical-source-port src0 \
    --logical-destination-port dst0 --destination-ip-prefix "$DST_IP/32" fc1 >/dev/null
  os sfc port chain create --port-pair-group ppg1 --flow-classifier fc1 pc1 >/dev/null

  [[ $(os sfc port pair list -f value -c Name) == pp1 ]] || fail "port pair list"
  [[ $(os sfc port pair group list -f value -c Name) == ppg1 ]] || fail "port pair group list"
  [[ $(os sfc flow classifier list -f value -c Name) == fc1 ]] || fail "flow classifier list"
  [[ $(os sfc port chain list -f value -c Name) == pc1 ]] || fail "port chain list"
  [[ $(os sfc port pair show pp1 -f value -c "Ingress Logical Port") == $(id_of port show in) ]] ||
    fail "port pair show"
  [[ $(os sfc port pair group show ppg1 -f value -c ID) == $(os sfc port pair group show ppg1 -f value -c ID) ]] ||
    fail "port pair group show"
  [[ $(os sfc flow classifier show fc1 -f value -c Protocol) == icmp ]] ||
    fail "flow classifier show"
  fc_id=$(os sfc flow classifier show fc1 -f value -c ID)
  [[ $(os sfc port chain show pc1 -f json) == *"$fc_id"* ]] || fail "port chain show"

  seen=$(ping_through "$SRC" "$SF" 5)
  ((seen >= 5)) || fail "sf saw $seen of 5 echo requests while the chain exists"
  echo "   chain: sf's ingress saw $seen packets of 5 pings"

  if os sfc port pair group delete ppg1 2>/dev/null; then
    fail "a group in use by a chain was deleted"
  fi
  if os sfc flow classifier delete fc1 2>/dev/null; then
    fail "a classifier in use by a chain was deleted"
  fi

  os sfc port chain set --name pc1-renamed pc1
  os sfc port chain delete pc1-renamed
  seen=$(ping_through "$SRC" "$SF" 3)
  ((seen < 3)) || fail "sf saw $seen packets after the chain was deleted"
  os sfc port pair group delete ppg1
  os sfc flow classifier delete fc1
  os sfc port pair delete pp1
  [[ -z $(os sfc port pair list -f value -c ID) ]] || fail "port pairs left"

  os server delete "src$n" "dst$n" "sf$n"
  os port delete src0 dst0 in out
  os network delete data sf-in sf-out
  os image delete "sfc-img$n"
done

stop_run
"$CHAINLAB" cleanup --check || fail "chainlab cleanup --check found leftovers"
echo "PASS"
