#!/usr/bin/env python3
"""The elastic router's control app (COMPOSER §8.7), against a chainlab node.

It deploys the router as one switch VNF joining the four SAPs, follows the emulation's event
stream, and when the load alarm (`er-load` of topology.yaml) fires it PUTs the scaled-out graph:
four switches, one per SAP, in a full mesh. Once no interface has been over the alarm's
threshold for --calm seconds it PUTs the single switch back. Each change is printed as one JSON
line: when the alarm fired, when the PUT was sent, when the node reported the graph complete.

    controller.py [--node URL] [--emulator URL] [--password PW] [--cycles N] [--calm S]

Only the Python standard library; the emulator's REST API lets root in over loopback without the
run's token (docs/security.md), the node wants its admin's password.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request

SAPS = ["sap1", "sap2", "sap3", "sap4"]
ALARM = "er-load"


def rule(rid, src, dst):
    return {"id": rid, "priority": 10, "match": {"port_in": src},
            "actions": [{"output_to_port": dst}]}


def switch(vid, ports, mesh=""):
    vnf = {"id": vid, "name": "er-switch",
           "ports": [{"id": f"inout:{i}", "name": f"eth{i}"} for i in range(ports)]}
    if mesh:
        vnf["unify-env-variables"] = [{"variable": f"MESH={mesh}"}]
    return vnf


def graph(vnfs, rules):
    return {"forwarding-graph": {
        "name": "elastic-router", "VNFs": vnfs,
        "end-points": [{"id": s, "type": "interface", "interface": {"if-name": s}} for s in SAPS],
        "big-switch": {"flow-rules": rules}}}


def single_graph():
    """One switch, its port i on SAP i."""
    rules = []
    for i, sap in enumerate(SAPS):
        rules.append(rule(f"in{i}", f"endpoint:{sap}", f"vnf:sw0:inout:{i}"))
        rules.append(rule(f"out{i}", f"vnf:sw0:inout:{i}", f"endpoint:{sap}"))
    return graph([switch("sw0", len(SAPS))], rules)


def scaled_graph():
    """A switch per SAP (its port 0), each joined to every other one (ports 1..3)."""
    n = len(SAPS)

    def mesh_port(i, j):  # switch i's port towards switch j
        return 1 + [k for k in range(n) if k != i].index(j)

    vnfs, rules = [], []
    for i, sap in enumerate(SAPS):
        vnfs.append(switch(f"sw{i + 1}", n, ",".join(f"eth{p}" for p in range(1, n))))
        rules.append(rule(f"in{i}", f"endpoint:{sap}", f"vnf:sw{i + 1}:inout:0"))
        rules.append(rule(f"out{i}", f"vnf:sw{i + 1}:inout:0", f"endpoint:{sap}"))
        for j in range(n):
            if j != i:
                rules.append(rule(f"mesh{i}{j}", f"vnf:sw{i + 1}:inout:{mesh_port(i, j)}",
                                  f"vnf:sw{j + 1}:inout:{mesh_port(j, i)}"))
    return graph(vnfs, rules)


def call(method, url, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Node:
    """The NF-FG API of the node."""

    def __init__(self, url, password):
        self.url = url.rstrip("/")
        status, token = call("POST", self.url + "/login",
                             {"username": "admin", "password": password})
        if status != 200:
            sys.exit(f"login to {self.url}: HTTP {status} {token}")
        self.headers = {"X-Auth-Token": token}

    def create(self, g):
        status, text = call("POST", self.url + "/NF-FG/", g, self.headers)
        if status != 201:
            sys.exit(f"creating the router: HTTP {status} {text}")
        return json.loads(text)["nffg-uuid"]

    def update(self, gid, g):
        status, text = call("PUT", f"{self.url}/NF-FG/{gid}", g, self.headers)
        if status != 202:
            sys.exit(f"updating the router: HTTP {status} {text}")

    def wait_complete(self, gid, deadline_s=120):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            status, text = call("GET", f"{self.url}/NF-FG/status/{gid}", None, self.headers)
            state = json.loads(text).get("status") if status == 200 else None
            if state == "complete":
                return
            if state == "error":
                sys.exit(f"the router's graph failed: {text}")
            time.sleep(0.05)  # the node's status has no push; poll it
        sys.exit("the router's graph did not complete in time")


class Events:
    """The emulation's event stream, long-polled (GET /restapi/events?stream=0)."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.since = max([e["id"] for e in self.poll(0)] or [0])

    def poll(self, wait_s):
        status, text = call("GET", f"{self.url}/restapi/events?stream=0&since="
                            f"{getattr(self, 'since', 0)}&wait={wait_s}", timeout=wait_s + 30)
        if status != 200:
            sys.exit(f"events: HTTP {status} {text}")
        events = json.loads(text)
        if events:
            self.since = events[-1]["id"]
        return events

    def next_alarm(self):
        """The next time the load alarm fires (its event)."""
        while True:
            for e in self.poll(5):
                if e["type"] == "alarm.fired" and e["data"].get("alarm") == ALARM:
                    return e

    def firing(self):
        status, text = call("GET", self.url + "/restapi/alarms")
        alarms = json.loads(text)["alarms"] if status == 200 else []
        return [f for a in alarms if a["name"] == ALARM for f in a["firing"]]


def change(node, gid, g, what, alarm_ms=None):
    sent = time.time()
    node.update(gid, g)
    node.wait_complete(gid)
    done = time.time()
    record = {"change": what, "put_ms": int(sent * 1000), "complete_ms": int(done * 1000),
              "update_ms": round((done - sent) * 1000)}
    if alarm_ms is not None:
        record["alarm_ms"] = alarm_ms
        record["reaction_ms"] = int(sent * 1000) - alarm_ms
    print(json.dumps(record), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node", default="http://127.0.0.1:8080")
    ap.add_argument("--emulator", default="http://127.0.0.1:5001")
    ap.add_argument("--password", default="pw")
    ap.add_argument("--cycles", type=int, default=0, help="stop after N scale-out/in (0: never)")
    ap.add_argument("--calm", type=float, default=5.0,
                    help="seconds without the alarm firing before scaling in")
    args = ap.parse_args()

    node = Node(args.node, args.password)
    events = Events(args.emulator)
    gid = node.create(single_graph())
    node.wait_complete(gid)
    print(json.dumps({"deployed": gid, "switches": 1}), flush=True)
    cycles = 0
    while args.cycles == 0 or cycles < args.cycles:
        fired = events.next_alarm()
        change(node, gid, scaled_graph(), "scale-out", fired["time_ms"])
        calm_since = None
        while calm_since is None or time.monotonic() - calm_since < args.calm:
            if events.firing():
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            events.poll(1)  # wakes on any event, else after a second
        change(node, gid, single_graph(), "scale-in")
        cycles += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
