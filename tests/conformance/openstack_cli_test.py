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
import re
import subprocess
import os
import shutil
import sys
import tempfile
import time

from harness import (Emulation, SKIPPED, check, check_no_leftovers, exec_ping, host_ping,
                     http_json, log, openstack, openstack_json, skip_reason, summary)

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

    # Nova answers at once: without --wait the client shows what a GET right after the POST
    # sees (BUILD while the instance starts), then the server turns ACTIVE.
    a = openstack_json(base, "server", "create", "--flavor", "m1.tiny", "--image", DEFAULT_IMAGE,
                       "--network", f"{pop}-net", f"{pop}-vm-a")
    check(a is not None and a.get("status") in ("BUILD", "ACTIVE"),
          f"{pop}: server create --network answers BUILD or ACTIVE ({a and a.get('status')})")
    check(wait_status(base, f"{pop}-vm-a") == "ACTIVE",
          f"{pop}: server create --network, booted from the default image (no upload), ACTIVE")
    b = openstack_json(base, "server", "create", "--wait", "--flavor", "m1.nano", "--image",
                       f"{pop}-img",
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
    check(exec_ping(chainlab, REST_PORT, f"{pop}-vm-a", f"{prefix}.20"),
          f"{pop}: server a pings server b on the same network")

    if pop == POPS[0][0]:
        exercise_l3(chainlab, base, prefix)
        exercise_security_groups(chainlab, base, pop)

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


def wait_status(base, server, deadline_s=60.0):
    """The server's status once it is no longer BUILD (polled as `server create --wait` does)."""
    end = time.monotonic() + deadline_s
    status = None
    while time.monotonic() < end:
        shown = openstack_json(base, "server", "show", server) or {}
        status = shown.get("status")
        if status != "BUILD":
            return status
        time.sleep(0.2)
    return status


def exec_in(chainlab, instance, *argv, timeout=30):
    """`chainlab exec` in an instance; its exit code."""
    try:
        return subprocess.run([chainlab, "exec", "-e", f"http://127.0.0.1:{REST_PORT}", instance,
                               "--", *argv], capture_output=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return -1


def http_from(chainlab, instance, address, wait=15.0):
    """Whether `instance` gets an HTTP answer from address:80 within `wait` seconds."""
    deadline = time.time() + wait
    while time.time() < deadline:
        if exec_in(chainlab, instance, "curl", "-s", "-o", "/dev/null", "-m", "2",
                   f"http://{address}:80/") == 0:
            return True
        time.sleep(0.2)
    return False


def exercise_security_groups(chainlab, base, pop):
    """A group that lets in only TCP 80: HTTP gets through, ping does not, until a rule added at
    runtime opens it; bad rules and deletes in use are refused."""
    log(f"== {pop}: security groups")
    g = openstack_json(base, "security", "group", "create", "--description", "HTTP only", "web")
    check(g is not None and len(g.get("rules", [])) == 2,
          f"sg: security group create: egress rules only ({g and g.get('rules')})")
    rule = openstack_json(base, "security", "group", "rule", "create", "--protocol", "tcp",
                          "--dst-port", "80", "web") or {}
    check(rule.get("port_range_min") == 80 and rule.get("protocol") == "tcp",
          f"sg: rule create --protocol tcp --dst-port 80 ({rule})")
    web = openstack_json(base, "server", "create", "--wait", "--flavor", "m1.tiny", "--image",
                         DEFAULT_IMAGE, "--network", f"{pop}-net", "--security-group", "web",
                         "sg-web") or {}
    groups = json.dumps(web.get("security_groups"))
    check(web.get("status") == "ACTIVE" and "web" in groups and "default" not in groups,
          f"sg: server create --security-group web ({groups})")
    found = re.search(r"(10\.61\.0\.\d+)", json.dumps(web.get("addresses")))
    address = found.group(1) if found else ""
    rc = exec_in(chainlab, "sg-web", "sh", "-c",
                 "setsid python3 -m http.server 80 >/dev/null 2>&1 </dev/null &")
    check(rc == 0, "sg: an HTTP server runs in sg-web")
    client = f"{pop}-vm-a"  # in "default"
    check(http_from(chainlab, client, address), f"sg: HTTP from {client} gets through")
    check(not exec_ping(chainlab, REST_PORT, client, address), "sg: ping is blocked")
    icmp = openstack_json(base, "security", "group", "rule", "create", "--protocol", "icmp",
                          "web") or {}
    check(exec_ping(chainlab, REST_PORT, client, address),
          "sg: a rule added at runtime opens ping")
    rc, out = openstack(base, "security", "group", "rule", "delete", icmp.get("id", "-"))
    check(rc == 0 and not exec_ping(chainlab, REST_PORT, client, address),
          f"sg: its deletion closes it again ({out.strip()})")
    shown = openstack_json(base, "security", "group", "show", "web") or {}
    check(len(shown.get("rules", [])) == 3, "sg: security group show: 2 egress + tcp 80")
    listed = openstack_json(base, "server", "show", "sg-web") or {}
    check("web" in json.dumps(listed.get("security_groups")), "sg: server show names its group")

    rc, out = openstack(base, "security", "group", "rule", "create", "--protocol", "tcp",
                        "--dst-port", "80", "web")
    check(rc != 0 and "already exists" in out, f"sg: a duplicate rule -> 409 ({out.strip()})")
    rc, out = openstack(base, "security", "group", "rule", "create", "--protocol", "bogus", "web")
    check(rc != 0, "sg: an unknown protocol -> 400")
    rc, out = openstack(base, "security", "group", "rule", "create", "--remote-ip",
                        "10.0.0.300/8", "web")
    check(rc != 0, "sg: a bad remote prefix -> 400")
    rc, out = openstack(base, "security", "group", "delete", "web")
    check(rc != 0 and "in use" in out, f"sg: a group in use is not deleted ({out.strip()})")
    rc, out = openstack(base, "security", "group", "delete", "default")
    check(rc != 0, f"sg: the default group is not deleted ({out.strip()})")
    rc, out = openstack(base, "server", "add", "security", "group", "sg-web", "default")
    check(rc == 0 and exec_ping(chainlab, REST_PORT, client, address),
          f"sg: server add security group default: its members ping it ({out.strip()})")
    rc, out = openstack(base, "server", "delete", "--wait", "sg-web")
    check(rc == 0, "sg: server delete")
    rc, out = openstack(base, "security", "group", "delete", "web")
    check(rc == 0, f"sg: security group delete ({out.strip()})")


def exercise_l3(chainlab, base, prefix):
    """A router between the PoP's network and a second one, its gateway on "public", SNAT to the
    host and a floating IP the host reaches; bad requests; everything taken apart again."""
    pop = POPS[0][0]
    log(f"== {pop}: routers, external network, floating IPs")
    check(openstack_json(base, "network", "create", "l3-net") is not None, "l3: network create")
    check(openstack_json(base, "subnet", "create", "--network", "l3-net", "--subnet-range",
                         "10.63.0.0/24", "l3-sub") is not None, "l3: subnet create")
    r = openstack_json(base, "router", "create", "r1")
    check(r is not None, "l3: router create")
    for sub in (f"{pop}-sub", "l3-sub"):
        rc, out = openstack(base, "router", "add", "subnet", "r1", sub)
        check(rc == 0, f"l3: router add subnet {sub} ({out.strip()})")
    c = openstack_json(base, "server", "create", "--wait", "--flavor", "m1.tiny", "--image",
                       DEFAULT_IMAGE, "--network", "l3-net", f"{pop}-vm-c")
    check(c is not None and c.get("status") == "ACTIVE", "l3: server on the second network")
    c_addr = "10.63.0.2" if c and "10.63.0.2" in json.dumps(c.get("addresses")) else ""
    check(c_addr != "", f"l3: server c has 10.63.0.2 ({c and c.get('addresses')})")
    check(exec_ping(chainlab, REST_PORT, f"{pop}-vm-a", c_addr),
          "l3: a server pings a server on another network through the router")

    # Bad requests: the client's error and nothing half-made.
    check(openstack_json(base, "network", "create", "l3-wide") is not None, "l3: third network")
    check(openstack_json(base, "subnet", "create", "--network", "l3-wide", "--subnet-range",
                         "10.63.0.0/16", "l3-wide-sub") is not None, "l3: overlapping subnet")
    rc, out = openstack(base, "router", "add", "subnet", "r1", "l3-wide-sub")
    check(rc != 0 and "overlaps" in out, f"l3: an overlapping subnet on a router -> 400 ({out})")
    ports = openstack_json(base, "port", "list", "--network", "l3-wide") or []
    check(ports == [], "l3: the refused interface left no port")
    rc, out = openstack(base, "subnet", "create", "--network", "l3-wide", "--subnet-range",
                        "10.300.0.0/24", "bad")
    check(rc != 0, "l3: a bad CIDR -> 400")
    rc, out = openstack(base, "floating", "ip", "create", "--port", f"{pop}-p1", "l3-net")
    check(rc != 0, f"l3: a floating IP on a network without a router gateway is refused")

    rc, out = openstack(base, "router", "set", "--external-gateway", "public", "r1")
    check(rc == 0, f"l3: router set --external-gateway public ({out.strip()})")
    shown = openstack_json(base, "router", "show", "r1") or {}
    gw = json.dumps(shown.get("external_gateway_info"))
    check("172.24.4." in gw, f"l3: the gateway has an address of public ({gw})")
    check(exec_ping(chainlab, REST_PORT, f"{pop}-vm-a", "172.24.4.1"),
          "l3: SNAT: a server without floating IP reaches the host")
    fip = openstack_json(base, "floating", "ip", "create", "public") or {}
    address = fip.get("floating_ip_address", "")
    check(address.startswith("172.24.4."), f"l3: floating ip create ({address})")
    rc, out = openstack(base, "server", "add", "floating", "ip", f"{pop}-vm-c", address)
    check(rc == 0, f"l3: server add floating ip ({out.strip()})")
    check(not host_ping(address), "l3: the default security group keeps the host out")
    rc, out = openstack(base, "security", "group", "rule", "create", "--protocol", "icmp",
                        "default")
    check(rc == 0, f"l3: security group rule create --protocol icmp default ({out.strip()})")
    check(host_ping(address), f"l3: the host reaches server c at its floating IP {address}")
    shown = openstack_json(base, "floating", "ip", "show", address) or {}
    check(shown.get("status") == "ACTIVE" and shown.get("fixed_ip_address") == c_addr,
          f"l3: floating ip show: ACTIVE, to {c_addr}")
    rc, out = openstack(base, "router", "set", "--disable", "r1")
    check(rc == 0 and not host_ping(address),
          f"l3: a disabled router forwards nothing ({out.strip()})")
    rc, out = openstack(base, "router", "set", "--enable", "r1")
    check(rc == 0 and host_ping(address), f"l3: enabled again, it does ({out.strip()})")
    rc, out = openstack(base, "router", "unset", "--external-gateway", "r1")
    check(rc != 0, "l3: the gateway a floating IP uses stays (409)")

    rc, out = openstack(base, "server", "remove", "floating", "ip", f"{pop}-vm-c", address)
    check(rc == 0, "l3: server remove floating ip")
    check(not host_ping(address), "l3: the address no longer answers")
    for what in (["floating", "ip", "delete", address],
                 ["router", "unset", "--external-gateway", "r1"],
                 ["server", "delete", "--wait", f"{pop}-vm-c"],
                 ["router", "remove", "subnet", "r1", f"{pop}-sub"],
                 ["router", "remove", "subnet", "r1", "l3-sub"],
                 ["router", "delete", "r1"],
                 ["network", "delete", "l3-net"], ["network", "delete", "l3-wide"]):
        rc, out = openstack(base, *what)
        check(rc == 0, f"l3: {' '.join(what[:-1])} ({out.strip()})")


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
