#!/usr/bin/env python3
"""Conformance of the per-PoP Heat endpoint with the real client (Debian's python3-heatclient
through `openstack stack ...`): starts `chainlab run` with two PoPs (heat-topology.yaml) and, on
each PoP, creates / lists / shows / updates / deletes stacks from our own template
(examples/heat/two-servers.yaml: servers really ping each other; an update keeps the ids of what
did not change) and from the SONATA templates in ../shared/fixtures/heat; checks that a bad
template is refused with a precise message, that a failing resource leaves nothing behind, that
a nested template (examples/heat/nested) deploys and updates, that an autoscaling group grows
on a chainlab alarm posting to its policy's alarm_url, and
the error shape and 401 of the raw API. Stops the emulation at the end and checks that
`chainlab cleanup --check` finds nothing.

Usage: heat_conformance.py CHAINLAB_BINARY [TOPOLOGY]
Exit 77 (skipped) when not root or when the openstack client is missing.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from harness import (Emulation, SKIPPED, check, check_no_leftovers, exec_ping, http, log,
                     openstack, openstack_json, skip_reason, summary, token_and_project)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(os.path.dirname(SOURCE), "shared", "fixtures", "heat")
OWN_TEMPLATE = os.path.join(SOURCE, "examples", "heat", "two-servers.yaml")
REST_PORT = 7501
POPS = [("dc1", 7001), ("dc2", 7002)]


def resource_ids(base, stack):
    rows = openstack_json(base, "stack", "resource", "list", stack) or []
    return {r["resource_name"]: r["physical_resource_id"] for r in rows}


def outputs(base, stack):
    show = openstack_json(base, "stack", "show", stack) or {}
    return {o["output_key"]: o["output_value"] for o in show.get("outputs", [])}


def nothing_left(base, what):
    servers = openstack_json(base, "server", "list") or []
    # The PoP's own networks are always there: "default" (son-emu's floating network) and
    # "public" (DevStack's external network).
    networks = [n for n in openstack_json(base, "network", "list") or []
                if n["Name"] not in ("default", "public")]
    ports = openstack_json(base, "port", "list") or []
    check(not servers and not networks and not ports,
          f"{what}: no servers, networks or ports left "
          f"({len(servers)}/{len(networks)}/{len(ports)})")


def fixture_templates(tmp):
    import yaml  # python3-yaml comes with the openstack client
    out = {}
    for kind in ("create", "update"):
        path = os.path.join(FIXTURES, f"test_heatapi_template_{kind}_stack.yml")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            request = yaml.safe_load(f)
        out[kind] = os.path.join(tmp, f"fixture-{kind}.yaml")
        with open(out[kind], "w") as f:
            yaml.safe_dump(request["template"], f)
    return out


def own_template_flow(binary, pop, base):
    log(f"[{pop}] own template {os.path.relpath(OWN_TEMPLATE, SOURCE)}")
    stack = f"demo-{pop}"
    created = openstack_json(base, "stack", "create", "-t", OWN_TEMPLATE, "--wait", stack)
    check(created and created.get("stack_status") == "CREATE_COMPLETE", "stack create --wait")
    listed = openstack_json(base, "stack", "list") or []
    check(any(s["Stack Name"] == stack and s["Stack Status"] == "CREATE_COMPLETE"
              for s in listed), "stack list shows it")
    out = outputs(base, stack)
    check(out.get("server_ip") == "10.90.0.10", f"output server_ip {out.get('server_ip')}")
    clients = out.get("client_ips") or []
    check(len(clients) == 1, f"one client {clients}")
    instance = out.get("server_instance")
    if clients:
        check(exec_ping(binary, REST_PORT, instance, clients[0]),
              f"server pings client-0 at {clients[0]}")
    before = resource_ids(base, stack)
    check(len(before) == 6, f"6 resources ({len(before)})")

    updated = openstack_json(base, "stack", "update", "-t", OWN_TEMPLATE, "--parameter",
                             "count=2", "--wait", stack)
    check(updated and updated.get("stack_status") == "UPDATE_COMPLETE", "stack update --wait")
    after = resource_ids(base, stack)
    for name in ("net", "subnet", "server_port", "server", "clients-0"):
        check(before.get(name) and before.get(name) == after.get(name),
              f"update keeps the id of {name}")
    check("clients-1" in after, "update added clients-1")
    out = outputs(base, stack)
    clients = out.get("client_ips") or []
    check(len(clients) == 2, f"two clients {clients}")
    if len(clients) == 2:
        check(exec_ping(binary, REST_PORT, instance, clients[1]),
              f"server pings the new client at {clients[1]}")

    rc, text = openstack(base, "stack", "update", "--existing", "--parameter", "count=0",
                         "--wait", stack)
    check(rc == 0, "stack update --existing count=0")
    after0 = resource_ids(base, stack)
    check("clients-0" not in after0 and "clients-1" not in after0 and
          after0.get("server") == before.get("server"),
          "group members removed, the server kept")
    servers = openstack_json(base, "server", "list") or []
    check(len(servers) == 1, f"one server left ({len(servers)})")

    tmpl = openstack_json(base, "stack", "template", "show", stack) or {}
    check(tmpl.get("heat_template_version") == "2018-08-31", "stack template show")
    out1 = openstack_json(base, "stack", "output", "show", stack, "server_ip") or {}
    check(out1.get("output_value") == "10.90.0.10", "stack output show")
    rc, _ = openstack(base, "stack", "delete", "--yes", "--wait", stack)
    check(rc == 0, "stack delete --wait")
    rc, text = openstack(base, "stack", "show", stack)
    check(rc != 0 and "not found" in text.lower(), "deleted stack is not found")
    nothing_left(base, "after delete")


def fixture_flow(pop, base, templates):
    log(f"[{pop}] SONATA fixture templates")
    created = openstack_json(base, "stack", "create", "-t", templates["create"], "--wait", "s1")
    check(created and created.get("stack_status") == "CREATE_COMPLETE",
          f"fixture stack create: {created and created.get('stack_status_reason')}")
    servers = openstack_json(base, "server", "list") or []
    check(len(servers) == 3, f"3 servers ({len(servers)})")
    before = resource_ids(base, "s1")
    check(len(before) == 40, f"40 resources ({len(before)})")
    updated = openstack_json(base, "stack", "update", "-t", templates["update"], "--wait", "s1")
    check(updated and updated.get("stack_status") == "UPDATE_COMPLETE",
          f"fixture stack update: {updated and updated.get('stack_status_reason')}")
    after = resource_ids(base, "s1")
    check(len(after) == 67, f"67 resources ({len(after)})")
    net = "firewall:input:net:9df6a98f-9e11-4cb7-b3c0-InAdUnitTest"
    check(before.get(net) and before.get(net) == after.get(net),
          "an untouched network keeps its id")
    servers = openstack_json(base, "server", "list") or []
    check(len(servers) == 6, f"6 servers ({len(servers)})")
    rc, _ = openstack(base, "stack", "delete", "--yes", "--wait", "s1")
    check(rc == 0, "fixture stack delete")
    nothing_left(base, "after fixture delete")


def failure_flow(pop, base, tmp):
    log(f"[{pop}] bad templates and failing resources")
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("heat_template_version: 2015-04-30\nresources:\n  x:\n    type: OS::Nova::Server\n"
                "    properties: {image: i, flavor: m1.tiny, networks: [{fixed_ip: 1.2.3.4}]}\n")
    rc, text = openstack(base, "stack", "create", "-t", bad, "bad")
    check(rc != 0 and "resources.x.properties.networks[0]" in text,
          f"bad template refused precisely: {text.strip()[:120]}")
    with open(bad, "w") as f:
        f.write("heat_template_version: 2015-04-30\nresources:\n"
                "  x: {type: OS::Nova::KeyPair, properties: {name: k}}\n")
    rc, text = openstack(base, "stack", "create", "-t", bad, "bad")
    check(rc != 0 and "unsupported resource type 'OS::Nova::KeyPair'" in text,
          "unknown resource type refused")
    failing = os.path.join(tmp, "failing.yaml")
    with open(OWN_TEMPLATE) as f:
        text = f.read()
    with open(failing, "w") as f:
        f.write(text.replace("allowed_values: [m1.nano, m1.micro, m1.tiny, m1.small]",
                             "allowed_values: [m1.tiny, m1.enormous]"))
    rc, _ = openstack(base, "stack", "create", "-t", failing, "--parameter", "flavor=m1.enormous",
                      "--wait", "failing")
    check(rc != 0, "stack create --wait fails when a resource does")
    show = openstack_json(base, "stack", "show", "failing") or {}
    check(show.get("stack_status") == "CREATE_FAILED" and
          "m1.enormous" in show.get("stack_status_reason", ""),
          f"failing resource -> CREATE_FAILED: {show.get('stack_status_reason')}")
    nothing_left(base, "after CREATE_FAILED")
    rc, _ = openstack(base, "stack", "delete", "--yes", "--wait", "failing")
    check(rc == 0, "failed stack deleted")

    heat = base + 3004
    code, body = http("GET", f"http://127.0.0.1:{heat}/v1/x/stacks")
    check(code == 401, f"no token -> 401 ({code})")
    token, project = token_and_project(base)
    code, body = http("GET", f"http://127.0.0.1:{heat}/v1/{project}/stacks/nope", token=token)
    try:
        err = json.loads(body)
    except ValueError:
        err = {}
    check(code == 404 and err.get("code") == 404 and "message" in err.get("error", {}) and
          "explanation" in err and "title" in err, f"unknown stack -> 404 Heat error ({code})")
    code, body = http("POST", f"http://127.0.0.1:{heat}/v1/{project}/stacks", token=token,
                      body={"stack_name": "x", "template": ["not", "a", "mapping"]})
    check(code == 400, f"malformed body -> 400 ({code})")
    code, body = http("POST", f"http://127.0.0.1:{heat}/v1/{project}/stacks", token=token,
                      body={"stack_name": "x",
                            "template": {"heat_template_version": "2015-04-30", "resources": {}},
                            "parameters": {"nope": 1}})
    check(code == 400 and "unknown parameter 'nope'" in body, f"unknown parameter -> 400 ({code})")
    code, body = http("GET", f"http://127.0.0.1:{heat}/")
    check(code == 300 and "v1.0" in body, "version document")


CONDITIONAL = """\
heat_template_version: 2018-08-31
description: a web server; in prod also a router with its gateway on the external network
parameters:
  env:
    type: string
    default: dev
    constraints: [{allowed_values: [dev, prod]}]
conditions:
  is_prod: {equals: [{get_param: env}, prod]}
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.91.0.0/24}
  router:
    type: OS::Neutron::Router
    condition: is_prod
    properties: {external_gateway_info: {network: public}}
  router_if:
    type: OS::Neutron::RouterInterface
    condition: is_prod
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  server:
    type: OS::Nova::Server
    properties:
      name: {if: [is_prod, web-prod, web-dev]}
      flavor: m1.tiny
      image: cirros-0.6.2-x86_64-disk
      networks: [{network: {get_resource: net}}]
outputs:
  gateway:
    value: {get_attr: [router, external_gateway_info]}
    condition: is_prod
"""


def conditional_flow(binary, pop, base, tmp):
    """A template with a condition: created in dev (no router), updated to prod (a router whose
    gateway is on public: the server reaches the host through it), deleted."""
    log(f"[{pop}] conditions")
    path = os.path.join(tmp, "conditional.yaml")
    with open(path, "w") as f:
        f.write(CONDITIONAL)
    created = openstack_json(base, "stack", "create", "-t", path, "--wait", "cond")
    check(created and created.get("stack_status") == "CREATE_COMPLETE", "conditional: create")
    ids = resource_ids(base, "cond")
    check(set(ids) == {"net", "subnet", "server"}, f"conditional: dev leaves the router out "
          f"({sorted(ids)})")
    check(outputs(base, "cond").get("gateway") is None, "conditional: its output is null")
    updated = openstack_json(base, "stack", "update", "-t", path, "--parameter", "env=prod",
                             "--wait", "cond")
    check(updated and updated.get("stack_status") == "UPDATE_COMPLETE", "conditional: update")
    ids = resource_ids(base, "cond")
    check(set(ids) == {"net", "subnet", "server", "router", "router_if"},
          f"conditional: prod adds the router ({sorted(ids)})")
    gateway = outputs(base, "cond").get("gateway") or {}
    check(bool(gateway.get("external_fixed_ips")), f"conditional: gateway output {gateway}")
    host = (gateway.get("external_fixed_ips") or [{}])[0].get("ip_address", "").rsplit(".", 1)[0]
    check(exec_ping(binary, REST_PORT, "web-prod", host + ".1"),
          "conditional: the prod server reaches the host")
    rc, out = openstack(base, "stack", "delete", "--yes", "--wait", "cond")
    check(rc == 0, f"conditional: delete ({out.strip()})")


NESTED = os.path.join(SOURCE, "examples", "heat", "nested", "stack.yaml")


def nested_flow(binary, pop, base, tmp):
    """examples/heat/nested with the real client (it sends vnf.yaml and banner.txt as `files`):
    the two VNFs of one nested template ping each other; an update turns on the nested template's
    condition and adds only the monitoring port; nested templates in a cycle are refused and
    leave nothing."""
    log(f"[{pop}] nested template {os.path.relpath(NESTED, SOURCE)}")
    created = openstack_json(base, "stack", "create", "-t", NESTED, "--wait", "chain")
    check(created and created.get("stack_status") == "CREATE_COMPLETE",
          f"nested: create ({created and created.get('stack_status_reason')})")
    out = outputs(base, "chain")
    check(out.get("front_ip") == "10.91.0.10" and out.get("back_ip") == "10.91.0.11",
          f"nested: outputs from the nested stacks {out}")
    check(exec_ping(binary, REST_PORT, out.get("front_instance") or "", "10.91.0.11"),
          "nested: front pings back")
    ids = resource_ids(base, "chain")
    server = openstack_json(base, "server", "show", ids.get("front.server", "-")) or {}
    check("chainlab VNF" in json.dumps(server.get("properties")),
          f"nested: get_file content in the server's metadata {server.get('properties')}")
    updated = openstack_json(base, "stack", "update", "-t", NESTED, "--parameter",
                             "monitored=true", "--wait", "chain")
    check(updated and updated.get("stack_status") == "UPDATE_COMPLETE", "nested: update")
    after = resource_ids(base, "chain")
    check(set(after) - set(ids) == {"back.monitor"} and
          after.get("back.server") == ids.get("back.server"),
          f"nested: the update adds the monitoring port only ({sorted(set(after) - set(ids))})")
    check(bool(outputs(base, "chain").get("back_monitor_ip")), "nested: monitor output")
    rc, text = openstack(base, "stack", "delete", "--yes", "--wait", "chain")
    check(rc == 0, f"nested: delete ({text.strip()})")

    # heatclient itself would recurse forever on such files: the raw API.
    heat = base + 3004
    token, project = token_and_project(base)
    head = "heat_template_version: 2018-08-31\nresources:\n"
    files = {"a.yaml": head + "  b: {type: b.yaml}\n",
             "b.yaml": head + "  n: {type: OS::Neutron::Net}\n  a: {type: a.yaml}\n"}
    code, body = http("POST", f"http://127.0.0.1:{heat}/v1/{project}/stacks", token=token,
                      body={"stack_name": "loop", "files": files,
                            "template": {"heat_template_version": "2018-08-31",
                                         "resources": {"top": {"type": "a.yaml"}}}})
    check(code == 400 and "nested templates form a cycle: a.yaml -> b.yaml -> a.yaml" in body,
          f"nested: a cycle is refused ({code} {body[:200]})")
    code, body = http("POST", f"http://127.0.0.1:{heat}/v1/{project}/stacks", token=token,
                      body={"stack_name": "bad", "files": {"a.yaml": 3},
                            "template": {"heat_template_version": "2018-08-31", "resources": {}}})
    check(code == 400 and "files.a.yaml: expected a string" in body,
          f"nested: files must be text ({code})")
    nothing_left(base, "nested")


SCALING = os.path.join(SOURCE, "examples", "heat", "autoscaling.yaml")


def wait_for(predicate, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def autoscaling_flow(binary, pop, base):
    """An AutoScalingGroup grows when a chainlab alarm on its member's CPU posts to the scaling
    policy's alarm_url; `openstack stack resource signal` shrinks it; a forged alarm_url is a
    401."""
    log(f"[{pop}] autoscaling: {os.path.relpath(SCALING, SOURCE)}")
    created = openstack_json(base, "stack", "create", "-t", SCALING, "--wait", "scale")
    check(created and created.get("stack_status") == "CREATE_COMPLETE",
          f"autoscaling: create ({created and created.get('stack_status_reason')})")
    url = outputs(base, "scale").get("scale_out_url") or ""
    check(url.startswith(f"http://127.0.0.1:{base + 3004}/") and "signature=" in url,
          f"autoscaling: alarm_url {url[:80]}")
    forged = url.rsplit("=", 1)[0] + "=0000"
    code, _ = http("POST", forged, body={})
    check(code == 401, f"autoscaling: a forged alarm_url -> 401 ({code})")
    code, _ = http("POST", url.rsplit("=", 1)[0] + "=", body={})
    check(code == 401, f"autoscaling: an empty signature and no token -> 401 ({code})")
    rest = f"http://127.0.0.1:{REST_PORT}"
    rc = subprocess.run([binary, "alarm", "set", "scale-busy", "-e", rest,
                         "--selector", "instance/scale-web-*", "--value", "0.5", "--for", "1s",
                         "--action", url], stdout=subprocess.DEVNULL).returncode
    check(rc == 0, "autoscaling: chainlab alarm set --action <alarm_url>")
    burner = subprocess.Popen([binary, "exec", "-e", rest, "scale-web-0", "--", "timeout", "40",
                               "sh", "-c", "while :; do :; done"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        grown = wait_for(lambda: "web-1" in resource_ids(base, "scale"), timeout=40)
    finally:
        burner.kill()
        burner.wait()
    check(grown and outputs(base, "scale").get("size") == 2,
          "autoscaling: the busy member's alarm scaled the group out to 2")
    subprocess.run([binary, "alarm", "remove", "scale-busy", "-e", rest],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rc, text = openstack(base, "stack", "resource", "signal", "scale", "scale_in")
    check(rc == 0 and outputs(base, "scale").get("size") == 1,
          f"autoscaling: `openstack stack resource signal` scales in ({text.strip()[:200]})")
    rc, text = openstack(base, "stack", "resource", "signal", "scale", "web")
    check(rc != 0, f"autoscaling: a group takes no signal ({text.strip()[:120]})")
    rc, text = openstack(base, "stack", "delete", "--yes", "--wait", "scale")
    check(rc == 0, f"autoscaling: delete ({text.strip()})")
    nothing_left(base, "autoscaling")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    topology = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "heat-topology.yaml")
    why = skip_reason(("openstack", "python3-openstackclient, python3-heatclient"))
    if why:
        log(f"skipped: {why}")
        return SKIPPED
    started = time.time()
    emu = Emulation(binary, topology, REST_PORT)
    try:
        ports = [REST_PORT] + [p for _, b in POPS for p in (b, b + 3004)]
        if not emu.wait_ports(ports):
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            templates = fixture_templates(tmp)
            for pop, base in POPS:
                own_template_flow(binary, pop, base)
                if templates:
                    fixture_flow(pop, base, templates)
                else:
                    log(f"[{pop}] fixtures not found in {FIXTURES}: skipped")
                failure_flow(pop, base, tmp)
                conditional_flow(binary, pop, base, tmp)
                nested_flow(binary, pop, base, tmp)
                if pop == "dc1":
                    autoscaling_flow(binary, pop, base)
    finally:
        emu.stop()
    check_no_leftovers(binary)
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
