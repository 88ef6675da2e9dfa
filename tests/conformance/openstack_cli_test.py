#!/usr/bin/env python3
"""Conformance of the per-PoP OpenStack endpoints with the real `openstack` client (Debian's
python3-openstackclient): starts `chainlab run` with two PoPs, drives Keystone (v3 and v2.0),
Nova, Neutron and Glance of each PoP with the stock CLI, checks that two servers on one network
really ping each other, checks error statuses and shapes for malformed bodies, unknown ids and
missing tokens, then stops the emulation and checks that nothing is left behind.

Usage: openstack_cli_test.py CHAINLAB_BINARY [TOPOLOGY]
Exit 77 (skipped) when not root or when the openstack client is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from harness import (Emulation, SKIPPED, check, check_no_leftovers, http_json, log,
                     openstack, openstack_json, skip_reason, summary)

HERE = os.path.dirname(os.path.abspath(__file__))
REST_PORT = 15001
POPS = [("dc1", 16001, "10.61.0"), ("dc2", 16002, "10.62.0")]
DEFAULT_IMAGE = "cirros-0.6.2-x86_64-disk"  # every PoP starts with it (DevStack's name)


def exercise_pop(chainlab, pop, base, prefix, image_file):
    log(f"== {pop}: OpenStack on base port {base}")
    nova, neutron, glance = base + 3774, base + 4696, base + 4242

    tok = openstack_json(base, "token", "issue")
    check(tok is not None and len(tok.get("id", "")) > 0, f"{pop}: token issue (v3)")
    rc, out = openstack(base, "--os-identity-api-version", "2", "--os-auth-url",
                        f"http://127.0.0.1:{base}/v2.0", "token", "issue", "-f", "json")
    check(rc == 0 and '"id"' in out, f"{pop}: token issue (v2.0)")
    token = tok["id"] if tok else ""

    flavors = openstack_json(base, "flavor", "list") or []
    names = {f["Name"] for f in flavors}
    check({"m1.tiny", "m1.nano", "m1.micro", "m1.small"} <= names, f"{pop}: flavor list seeded")
    images = openstack_json(base, "image", "list") or []
    check([i["Name"] for i in images] == [DEFAULT_IMAGE] and images[0]["Status"] == "active",
          f"{pop}: a fresh PoP lists DevStack's default image, active ({images})")

    img = openstack_json(base, "image", "create", "--disk-format", "raw", "--container-format",
                         "bare", "--file", image_file, f"{pop}-img")
    check(img is not None, f"{pop}: image create with data upload")
    shown = openstack_json(base, "image", "show", f"{pop}-img")
    check(shown is not None and shown.get("status") == "active" and
          shown.get("size") == os.path.getsize(image_file), f"{pop}: image active with its size")

    net = openstack_json(base, "network", "create", f"{pop}-net")
    check(net is not None, f"{pop}: network create")
    sub = openstack_json(base, "subnet", "create", "--network", f"{pop}-net", "--subnet-range",
                         f"{prefix}.0/24", "--allocation-pool",
                         f"start={prefix}.10,end={prefix}.50", f"{pop}-sub")
    check(sub is not None and sub.get("gateway_ip") == f"{prefix}.1", f"{pop}: subnet create")
    port = openstack_json(base, "port", "create", "--network", f"{pop}-net", "--fixed-ip",
                          f"subnet={pop}-sub,ip-address={prefix}.20", f"{pop}-p1")
    check(port is not None and f"{prefix}.20" in json.dumps(port.get("fixed_ips")),
          f"{pop}: port create with a fixed IP")

    a = openstack_json(base, "server", "create", "--flavor", "m1.tiny", "--image", DEFAULT_IMAGE,
                       "--network", f"{pop}-net", f"{pop}-vm-a")
    check(a is not None and a.get("status") == "ACTIVE",
          f"{pop}: server create --network, booted from the default image (no upload)")
    b = openstack_json(base, "server", "create", "--flavor", "m1.nano", "--image", f"{pop}-img",
                       "--port", f"{pop}-p1", f"{pop}-vm-b")
    check(b is not None and b.get("status") == "ACTIVE", f"{pop}: server create --port")
    servers = openstack_json(base, "server", "list") or []
    check({s["Name"] for s in servers} == {f"{pop}-vm-a", f"{pop}-vm-b"}, f"{pop}: server list")
    shown = openstack_json(base, "server", "show", f"{pop}-vm-b")
    check(shown is not None and f"{prefix}.20" in json.dumps(shown.get("addresses")),
          f"{pop}: server show has the port's address")
    a_shown = openstack_json(base, "server", "show", f"{pop}-vm-a") or {}
    a_addr = json.dumps(a_shown.get("addresses"))
    check(f"{prefix}.10" in a_addr, f"{pop}: first address of the allocation pool")

    # The servers are instances of this PoP: ping over the network's E-LAN.
    ping = subprocess.run([chainlab, "exec", "-e", f"http://127.0.0.1:{REST_PORT}",
                           f"{pop}-vm-a", "--", "ping", "-c", "2", "-W", "2", f"{prefix}.20"],
                          capture_output=True, text=True, timeout=60)
    check(ping.returncode == 0 and " 0% packet loss" in ping.stdout,
          f"{pop}: server a pings server b on the same network")

    # Unknown ids: the client's own "not found" messages and a non-zero exit.
    rc, out = openstack(base, "server", "show", "no-such-server")
    check(rc != 0 and "No server with a name or ID" in out, f"{pop}: server show unknown")
    rc, out = openstack(base, "network", "show", "no-such-net")
    check(rc != 0 and "No Network found" in out, f"{pop}: network show unknown")
    rc, out = openstack(base, "flavor", "show", "no-such-flavor")
    check(rc != 0 and ("No Flavor found" in out or "No flavor with a name or ID" in out),
          f"{pop}: flavor show unknown")
    rc, out = openstack(base, "image", "show", "no-such-image")
    check(rc != 0 and "No Image found" in out, f"{pop}: image show unknown")

    # Malformed bodies, unknown ids and missing tokens: statuses and error shapes.
    st, body = http_json("POST", f"http://127.0.0.1:{neutron}/v2.0/networks", raw=b"{nope",
                         token=token)
    check(st == 400 and "NeutronError" in (body or {}), f"{pop}: neutron malformed body -> 400")
    st, body = http_json("GET", f"http://127.0.0.1:{neutron}/v2.0/ports/0000", token=token)
    check(st == 404 and (body or {}).get("NeutronError", {}).get("type") == "NotFound",
          f"{pop}: neutron unknown port -> 404 NeutronError")
    st, body = http_json("POST", f"http://127.0.0.1:{nova}/v2.1/servers", body={"server": {}},
                         token=token)
    check(st == 400 and "badRequest" in (body or {}), f"{pop}: nova server without name -> 400")
    st, body = http_json("GET", f"http://127.0.0.1:{nova}/v2.1/servers/0000", token=token)
    check(st == 404 and "itemNotFound" in (body or {}), f"{pop}: nova unknown server -> 404")
    st, _ = http_json("GET", f"http://127.0.0.1:{nova}/v2.1/servers")
    check(st == 401, f"{pop}: nova without token -> 401")
    st, _ = http_json("GET", f"http://127.0.0.1:{glance}/v2/images", token="bogus")
    check(st == 401, f"{pop}: glance with a bad token -> 401")
    st, body = http_json("POST", f"http://127.0.0.1:{base}/v3/auth/tokens",
                         body={"auth": {"identity": {"methods": ["password"], "password": {
                             "user": {"name": "admin", "domain": {"name": "Default"},
                                      "password": "wrong"}}}}})
    check(st == 401 and "error" in (body or {}), f"{pop}: keystone wrong password -> 401")
    rc, out = openstack(base, "network", "delete", f"{pop}-net")
    check(rc != 0, f"{pop}: network delete while in use fails")

    # Teardown through the client.
    rc, out = openstack(base, "server", "delete", f"{pop}-vm-a", f"{pop}-vm-b")
    check(rc == 0, f"{pop}: server delete")
    check(openstack_json(base, "server", "list") == [], f"{pop}: no server left")
    ports = openstack_json(base, "port", "list") or []
    check([p["Name"] for p in ports] == [f"{pop}-p1"],
          f"{pop}: the server's implicit port went with it, the explicit one stays")
    for what in (["port", "delete", f"{pop}-p1"], ["subnet", "delete", f"{pop}-sub"],
                 ["network", "delete", f"{pop}-net"], ["image", "delete", f"{pop}-img"]):
        rc, out = openstack(base, *what)
        check(rc == 0, f"{pop}: {' '.join(what[:2])}")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    chainlab = os.path.abspath(sys.argv[1])
    topology = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "openstack-two-pops.yaml")
    why = skip_reason(("openstack", "python3-openstackclient"))
    if why:
        log(f"SKIP: {why}")
        return SKIPPED

    workdir = tempfile.mkdtemp(prefix="chainlab-os-conf-")
    image_file = os.path.join(workdir, "disk.raw")
    with open(image_file, "wb") as f:
        f.write(os.urandom(4096))
    started = time.time()
    emu = Emulation(chainlab, topology, REST_PORT)
    try:
        ports = [REST_PORT] + [b + d for _, b, _ in POPS for d in (0, 3774, 4696, 4242)]
        if not emu.wait_ports(ports):
            return 1
        for pop, base, prefix in POPS:
            exercise_pop(chainlab, pop, base, prefix, image_file)
    finally:
        emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    check_no_leftovers(chainlab)
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
