#!/usr/bin/env python3
"""Load check of the per-PoP OpenStack endpoints (issue 5): N concurrent clients create, show and
delete servers through Nova for D seconds against a real `chainlab run bench/openstack-load.yaml`
(two PoPs, REST 25001, OpenStack on 26001/26002, no gatekeeper). Then checks that nothing leaked.

Each PoP gets a token, a network and a /22 subnet. Client i drives PoP i % 2; every --none-every-th
client boots its servers with `networks: "none"`, the others on the PoP's network (a port is
created, bound to the instance's interface and added to the network's E-LAN, then removed again).
Each client loops: POST server (unique name; Nova answers 202 BUILD) -> GET it every 250 ms until
it is no longer BUILD (it must be ACTIVE) -> DELETE it. Every non-2xx status, every server not
ACTIVE and every exception is an error. At the end it prints requests, requests/s and
p50/p95/p99/max latency per request kind, the time from POST to ACTIVE ("active"; its rate is
the create->ACTIVE->delete cycles per second), and checks:
  - no errors;
  - Nova lists no server and Neutron no port on either PoP; the emulator's REST API
    (/restapi/compute) lists no instance;
  - the run's network namespaces (/run/netns/<prefix>*) and cgroups (<own cgroup>/chainlab/<prefix>/*)
    are back to their count before the load;
  - the chainlab process's RSS (VmRSS) did not grow by more than --rss-slack-mb between the end of
    the first quarter of the load (allocator and thread pools warmed up) and the end;
  - after PUT /emulator/exit the process exits 0, none of the run's namespaces is left, and
    `chainlab cleanup --check` finds nothing.
Exit status: 0 if all holds, 1 otherwise, 77 (skipped) when not root.

Usage: openstack_load.py [CHAINLAB_BINARY] [--clients 50] [--duration 60] [--none-every 4]
                         [--keep-alive] [--rss-slack-mb 16] [--json FILE]
"""
import argparse
import glob
import http.client
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "conformance"))
from harness import (Emulation, SKIPPED, check, check_no_leftovers, failures, log,  # noqa: E402
                     skip_reason, summary, token_and_project)

REST_PORT = 25001
POLL_INTERVAL_S = 0.25  # between GETs of a BUILD server (tempest: 1 s, openstacksdk: 2 s)
POPS = [("dc1", 26001, "10.71.0.0/22"), ("dc2", 26002, "10.72.0.0/22")]
NOVA, NEUTRON = 3774, 4696  # offsets from a PoP's base (Keystone) port


class Client:
    """Minimal JSON-over-HTTP client. Without keep-alive every request opens a new connection
    (like urllib); with it one connection per (thread, port) is reused and re-opened only when the
    server announced `Connection: close`."""

    def __init__(self, keep_alive=False, timeout=60.0):
        self.keep_alive = keep_alive
        self.timeout = timeout
        self.conns = {}

    def request(self, method, port, path, body=None, token=None):
        """Returns (status, parsed JSON or None, headers). Raises on transport errors."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["X-Auth-Token"] = token
        data = json.dumps(body).encode() if body is not None else None
        conn = self.conns.get(port) if self.keep_alive else None
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read()
            status, hdrs = resp.status, resp.headers
        except Exception:
            conn.close()
            self.conns.pop(port, None)
            raise
        if self.keep_alive and not resp.will_close:
            self.conns[port] = conn
        else:
            conn.close()
            self.conns.pop(port, None)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return status, parsed, hdrs

    def close(self):
        for c in self.conns.values():
            c.close()
        self.conns.clear()


class Pop:
    def __init__(self, name, base, cidr):
        self.name, self.base, self.cidr = name, base, cidr
        self.nova, self.neutron = base + NOVA, base + NEUTRON
        self.token = self.project = self.network = None

    def setup(self, client):
        self.token, self.project = token_and_project(self.base)
        st, net, _ = client.request("POST", self.neutron, "/v2.0/networks",
                                    {"network": {"name": f"{self.name}-load-net"}}, self.token)
        if st != 201:
            raise RuntimeError(f"{self.name}: network create: HTTP {st} {net}")
        self.network = net["network"]["id"]
        st, sub, _ = client.request("POST", self.neutron, "/v2.0/subnets", {"subnet": {
            "network_id": self.network, "name": f"{self.name}-load-sub", "ip_version": 4,
            "cidr": self.cidr}}, self.token)
        if st != 201:
            raise RuntimeError(f"{self.name}: subnet create: HTTP {st} {sub}")

    def servers_path(self, suffix=""):
        return f"/v2.1/{self.project}/servers{suffix}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = {}  # kind -> [seconds]
        self.errors = []   # (kind, description)
        self.error_count = 0

    def record(self, kind, seconds):
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)

    def error(self, kind, what):
        with self.lock:
            self.error_count += 1
            if len(self.errors) < 20:
                self.errors.append((kind, what))


def client_loop(idx, npops, pop, with_network, deadline, stats, keep_alive):
    client = Client(keep_alive)
    n = 0

    def timed(kind, method, path, body=None, expect=(200, 202, 204)):
        t = time.perf_counter()
        try:
            st, resp, _ = client.request(method, pop.nova, path, body, pop.token)
        except Exception as e:  # noqa: BLE001 - every transport failure is an error
            stats.error(kind, f"{type(e).__name__}: {e}")
            return None
        stats.record(kind, time.perf_counter() - t)
        if st not in expect:
            stats.error(kind, f"HTTP {st}: {json.dumps(resp)[:300]}")
            return None
        return resp if resp is not None else {}

    while time.monotonic() < deadline:
        n += 1
        # Unique within the PoP; the same names are used on the other PoP at the same time (as a
        # MANO deploying one service on two VIMs would), so instance naming races across PoPs.
        name = f"load-c{idx // npops}-{n}"
        networks = [{"uuid": pop.network}] if with_network else "none"
        created = timed("create", "POST", pop.servers_path(), {"server": {
            "name": name, "flavorRef": "42", "imageRef": "", "networks": networks}}, (202,))
        if created is None or "server" not in created:
            continue
        sid = created["server"]["id"]
        # Nova answers 202 BUILD at once; the client polls, as the SDK's wait_for_server does.
        started = time.perf_counter()
        while True:
            shown = timed("show", "GET", pop.servers_path(f"/{sid}"), expect=(200,))
            s = (shown or {}).get("server", {})
            if shown is None or s.get("status") != "BUILD" or time.monotonic() > deadline + 60:
                break
            time.sleep(POLL_INTERVAL_S)
        if shown is not None:
            if s.get("status") != "ACTIVE" or s.get("name") != name:
                stats.error("show", f"server {sid}: status {s.get('status')} name {s.get('name')}"
                            f" fault {s.get('fault')}")
            elif with_network and not s.get("addresses"):
                stats.error("show", f"server {sid} on a network has no address")
            else:
                stats.record("active", time.perf_counter() - started)
        timed("delete", "DELETE", pop.servers_path(f"/{sid}"), expect=(204,))
    client.close()


# ---- leak probes --------------------------------------------------------------------------------

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def netns_count(prefix):
    return len(glob.glob(f"/run/netns/{prefix}*"))


def cgroup_dirs(pid, prefix):
    """The run's cgroup directories (every hierarchy): below <pid's cgroup>/chainlab/<prefix>."""
    out = 0
    with open(f"/proc/{pid}/cgroup") as f:
        lines = f.read().splitlines()
    for line in lines:
        _, controllers, path = line.split(":", 2)
        names = [controllers.replace("name=", "")] + controllers.split(",")
        if controllers == "":
            names = ["unified"]
        for n in names:
            mount = f"/sys/fs/cgroup/{n}"
            if os.path.isdir(mount):
                root = os.path.join(mount + path, "chainlab", prefix)
                for _, dirs, _ in os.walk(root):
                    out += len(dirs)
                break
    return out


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---- main ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("chainlab", nargs="?", default="build/chainlab")
    ap.add_argument("--topology", default=os.path.join(HERE, "openstack-load.yaml"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--none-every", type=int, default=4,
                    help="every N-th client boots with networks 'none' (0: never)")
    ap.add_argument("--keep-alive", action="store_true", help="reuse connections per client")
    ap.add_argument("--rss-slack-mb", type=float, default=16.0)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()

    why = skip_reason()
    if why:
        log(f"SKIP: {why}")
        return SKIPPED
    chainlab = os.path.abspath(args.chainlab)

    pops = [Pop(*p) for p in POPS]
    emu = Emulation(chainlab, args.topology, REST_PORT)
    proc = emu.proc
    prefix = None
    result = {}
    try:
        ports = [REST_PORT] + [p.base + d for p in pops for d in (0, NOVA, NEUTRON)]
        if not emu.wait_ports(ports):
            return 1
        prefix = emu.run_prefix()
        if not prefix:
            log("FAIL: no run prefix in the output of chainlab run")
            return 1
        admin = Client()
        for p in pops:
            p.setup(admin)
        base_netns, base_cg, base_rss = (netns_count(prefix), cgroup_dirs(proc.pid, prefix),
                                         rss_kb(proc.pid))
        log(f"run {prefix}: {len(pops)} PoPs, {args.clients} clients for {args.duration:.0f} s; "
            f"baseline: {base_netns} netns, {base_cg} cgroups, RSS {base_rss / 1024:.1f} MB")

        stats = Stats()
        start = time.monotonic()
        deadline = start + args.duration
        threads = []
        for i in range(args.clients):
            with_net = not (args.none_every > 0 and i % args.none_every == args.none_every - 1)
            t = threading.Thread(target=client_loop, daemon=True, args=(
                i, len(pops), pops[i % len(pops)], with_net, deadline, stats, args.keep_alive))
            threads.append(t)
            t.start()
        # RSS after the first quarter (warmed up), peak during the load.
        time.sleep(args.duration / 4)
        warm_rss = peak_rss = rss_kb(proc.pid)
        peak_netns = peak_cg = 0  # shows that the probes see the servers' namespaces and cgroups
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            peak_rss = max(peak_rss, rss_kb(proc.pid))
            peak_netns = max(peak_netns, netns_count(prefix))
            peak_cg = max(peak_cg, cgroup_dirs(proc.pid, prefix))
        elapsed = time.monotonic() - start
        end_rss = rss_kb(proc.pid)

        requests = {k: v for k, v in stats.latency.items() if k != "active"}
        total = sum(len(v) for v in requests.values())
        log("")
        log("| request | n | req/s | p50 ms | p95 ms | p99 ms | max ms |")
        log("|---|---|---|---|---|---|---|")
        for kind in ("create", "show", "delete", "active"):
            v = stats.latency.get(kind, [])
            row = {"n": len(v), "rate": len(v) / elapsed,
                   "p50": percentile(v, 50) * 1e3, "p95": percentile(v, 95) * 1e3,
                   "p99": percentile(v, 99) * 1e3, "max": max(v, default=0) * 1e3}
            result[kind] = row
            log(f"| {kind} | {row['n']} | {row['rate']:.1f} | {row['p50']:.1f} | "
                f"{row['p95']:.1f} | {row['p99']:.1f} | {row['max']:.1f} |")
        allv = [x for v in requests.values() for x in v]
        log(f"| all | {total} | {total / elapsed:.1f} | {percentile(allv, 50) * 1e3:.1f} | "
            f"{percentile(allv, 95) * 1e3:.1f} | {percentile(allv, 99) * 1e3:.1f} | "
            f"{max(allv, default=0) * 1e3:.1f} |")
        cycles = len(stats.latency.get("active", []))
        log(f"\n{total} requests in {elapsed:.1f} s ({total / elapsed:.1f} req/s), "
            f"{cycles} create->ACTIVE->delete cycles ({cycles / elapsed:.1f}/s), "
            f"{stats.error_count} errors; "
            f"RSS baseline {base_rss / 1024:.1f} MB, after warm-up {warm_rss / 1024:.1f} MB, "
            f"peak {peak_rss / 1024:.1f} MB, end {end_rss / 1024:.1f} MB; "
            f"at most {peak_netns} netns and {peak_cg} cgroups of the run seen during the load")
        result.update({"clients": args.clients, "duration_s": elapsed, "requests": total,
                       "requests_per_s": total / elapsed, "errors": stats.error_count,
                       "rss_kb": {"baseline": base_rss, "warm": warm_rss, "peak": peak_rss,
                                  "end": end_rss},
                       "peak_netns": peak_netns, "peak_cgroups": peak_cg})
        for kind, what in stats.errors:
            log(f"    error ({kind}): {what}")

        log("")
        check(stats.error_count == 0, f"no errors ({stats.error_count})")
        check(total > 0, "requests were made")
        for p in pops:
            st, servers, _ = admin.request("GET", p.nova, p.servers_path(), token=p.token)
            check(st == 200 and servers.get("servers") == [], f"{p.name}: Nova lists no server")
            st, ports_, _ = admin.request("GET", p.neutron, "/v2.0/ports", token=p.token)
            left = [q["id"] for q in (ports_ or {}).get("ports", [])]
            check(st == 200 and not left, f"{p.name}: Neutron lists no port ({len(left)} left)")
        st, computes, _ = admin.request("GET", REST_PORT, "/restapi/compute")
        check(st == 200 and computes == [], f"emulator lists no instance ({len(computes or [])})")
        netns, cg = netns_count(prefix), cgroup_dirs(proc.pid, prefix)
        check(netns == base_netns, f"netns back to baseline ({netns} vs {base_netns})")
        check(cg == base_cg, f"cgroups back to baseline ({cg} vs {base_cg})")
        check(end_rss - warm_rss <= args.rss_slack_mb * 1024,
              f"RSS growth after warm-up {(end_rss - warm_rss) / 1024:.1f} MB "
              f"<= {args.rss_slack_mb:.0f} MB")
        for p in pops:  # what the check itself created
            st, _, _ = admin.request("DELETE", p.neutron, f"/v2.0/networks/{p.network}",
                                     token=p.token)
            check(st == 204, f"{p.name}: network delete")
    finally:
        emu.stop()
    if prefix:
        check(netns_count(prefix) == 0, f"no netns of run {prefix} left")
    check_no_leftovers(chainlab)
    result["failures"] = failures
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
