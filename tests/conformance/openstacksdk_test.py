#!/usr/bin/env python3
"""A PoP driven by openstacksdk (Debian's python3-openstacksdk), the library OSM's and many MANO
systems' VIM connectors use: starts `chainlab run` with two PoPs, then on dc1 creates a network
with a subnet, a router joining it to the external network "public", a server booted from the
default image (waiting for ACTIVE as a VIM connector does), a floating IP on the server's port
that the host pings; checks the SDK's exceptions for bad requests; deletes everything through the
SDK, stops the emulation and checks that nothing is left behind.

Usage: openstacksdk_test.py CHAINLAB_BINARY [TOPOLOGY]
Exit 77 (skipped) when not root or when openstacksdk is missing.
"""
import os
import sys
import time

from harness import (Emulation, SKIPPED, check, check_no_leftovers, host_ping, log, skip_reason,
                     summary)

HERE = os.path.dirname(os.path.abspath(__file__))
REST_PORT = 15001
BASE = 16001  # dc1's Keystone
DEFAULT_IMAGE = "cirros-0.6.2-x86_64-disk"


def connect():
    import openstack
    return openstack.connect(auth_url=f"http://127.0.0.1:{BASE}/v3", username="admin",
                             password="admin", project_name="admin", user_domain_name="Default",
                             project_domain_name="Default", region_name="RegionOne",
                             identity_api_version="3", load_yaml_config=False,
                             load_envvars=False)


def expect_error(what, exception, call):
    try:
        call()
    except exception as e:
        check(True, f"{what}: {type(e).__name__}")
        return
    except Exception as e:  # noqa: BLE001 - the wrong exception is a failure, not a crash
        check(False, f"{what}: {type(e).__name__} instead of {exception.__name__}: {e}")
        return
    check(False, f"{what}: no error")


def scenario(conn):
    from openstack import exceptions
    public = conn.network.find_network("public")
    check(public is not None and public.is_router_external, "sdk: the PoP has the external "
          "network public")
    net = conn.network.create_network(name="sdk-net")
    sub = conn.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.64.0.0/24",
                                     name="sdk-sub")
    check(sub.gateway_ip == "10.64.0.1", f"sdk: create_subnet ({sub.cidr}, gw {sub.gateway_ip})")
    router = conn.network.create_router(name="sdk-r",
                                        external_gateway_info={"network_id": public.id})
    ips = (router.external_gateway_info or {}).get("external_fixed_ips") or []
    check(len(ips) == 1, f"sdk: create_router with a gateway on public ({ips})")
    conn.network.add_interface_to_router(router, subnet_id=sub.id)

    image = conn.image.find_image(DEFAULT_IMAGE)
    flavor = conn.compute.find_flavor("m1.tiny")
    check(image is not None and flavor is not None, "sdk: find_image, find_flavor")
    check(conn.network.find_security_group("default") is not None,
          "sdk: find_security_group default")
    group = conn.network.create_security_group(name="sdk-ping", description="ping only")
    rule = conn.network.create_security_group_rule(security_group_id=group.id,
                                                   direction="ingress", ethertype="IPv4",
                                                   protocol="icmp")
    check(rule.protocol == "icmp" and rule.security_group_id == group.id,
          "sdk: create_security_group + create_security_group_rule (icmp)")
    server = conn.compute.create_server(name="sdk-vm", image_id=image.id, flavor_id=flavor.id,
                                        networks=[{"uuid": net.id}],
                                        security_groups=[{"name": "sdk-ping"}])
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=120)
    check(server.status == "ACTIVE", "sdk: create_server + wait_for_server ACTIVE")
    ports = list(conn.network.ports(device_id=server.id))
    check(len(ports) == 1, f"sdk: ports(device_id=server) ({len(ports)})")
    fip = conn.network.create_ip(floating_network_id=public.id, port_id=ports[0].id)
    check(fip.status == "ACTIVE" and fip.router_id == router.id,
          f"sdk: create_ip on the server's port ({fip.floating_ip_address}, {fip.status})")
    check(host_ping(fip.floating_ip_address), "sdk: the host pings the server's floating IP")
    listed = [a for addrs in (conn.compute.get_server(server.id).addresses or {}).values()
              for a in addrs if a.get("OS-EXT-IPS:type") == "floating"]
    check([a["addr"] for a in listed] == [fip.floating_ip_address],
          f"sdk: the server's addresses show its floating IP ({listed})")

    # Bad requests: the SDK's own exceptions, nothing half-made.
    expect_error("sdk: a subnet with a bad CIDR", exceptions.BadRequestException,
                 lambda: conn.network.create_subnet(network_id=net.id, ip_version=4,
                                                    cidr="10.64.0.0/33"))
    expect_error("sdk: a second floating IP for the same fixed IP", exceptions.ConflictException,
                 lambda: conn.network.create_ip(floating_network_id=public.id,
                                                port_id=ports[0].id))
    expect_error("sdk: a server on an unknown network", exceptions.BadRequestException,
                 lambda: conn.compute.create_server(
                     name="x", image_id=image.id, flavor_id=flavor.id,
                     networks=[{"uuid": "00000000-0000-4000-8000-000000000000"}]))
    expect_error("sdk: removing the router's gateway in use", exceptions.ConflictException,
                 lambda: conn.network.update_router(router, external_gateway_info={}))
    check(len(list(conn.network.ips())) == 1, "sdk: one floating IP left after the refusals")

    conn.network.update_ip(fip, port_id=None)
    check(not host_ping(fip.floating_ip_address), "sdk: a disassociated address does not answer")
    conn.network.delete_ip(fip)
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60)
    check(conn.compute.find_server("sdk-vm") is None, "sdk: delete_server + wait_for_delete")
    conn.network.remove_interface_from_router(router, subnet_id=sub.id)
    conn.network.delete_router(router)
    conn.network.delete_network(net)
    conn.network.delete_security_group(group)
    check(conn.network.find_security_group("sdk-ping") is None, "sdk: delete_security_group")
    check(conn.network.find_network("sdk-net") is None and
          conn.network.find_router("sdk-r") is None and not list(conn.network.ips()),
          "sdk: router, network and floating IP deleted")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    chainlab = os.path.abspath(sys.argv[1])
    topology = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "openstack-two-pops.yaml")
    why = skip_reason()
    try:
        import openstack  # noqa: F401
    except ImportError:
        why = why or "python3-openstacksdk is not installed (scripts/install-deps.sh installs it)"
    if why:
        log(f"SKIP: {why}")
        return SKIPPED
    started = time.time()
    emu = Emulation(chainlab, topology, REST_PORT)
    try:
        if not emu.wait_ports([REST_PORT, BASE, BASE + 3774, BASE + 4696, BASE + 4242]):
            return 1
        scenario(connect())
    finally:
        emu.stop()
    check_no_leftovers(chainlab)
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
