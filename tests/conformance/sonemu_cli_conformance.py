#!/usr/bin/env python3
"""son-emu / vim-emu CLI and REST conformance (docs/conformance.md).

Runs son-emu's own REST/CLI test scenario (src/emuvim/test/unittests/test_restapi.py, extended by
--net interfaces, a chain across PoPs and the monitor verbs) twice, each time against a fresh
`chainlab run TOPOLOGY --port 0`:

  cli     son-emu's CLI itself (src/emuvim/cli, taken unchanged from the bare mirror $SONEMU_MIRROR,
          default /work/.mirror/sonata-nfv+son-emu/repo/.git), run by /usr/bin/python3. Skipped,
          with the reason logged, when the mirror or python3-requests is missing (CI has no
          mirror).
  replay  the exact HTTP requests that CLI sends (method, path, query string, body, headers as
          python-requests 2.28 sends them), the answers rendered as the CLI renders them
          (pprint, tabulate grid tables, its _nice_print of the network answers).

Both passes compare the printed output with what son-emu prints for the same scenario (derived
from son-emu's code, see the expected_* functions; the deliberate differences are the DEVIATIONS
below and in docs/conformance.md) and check every REST shape of the emulator API reference
(/work/shared/reference/emulator-api.md).

Usage: sonemu_cli_conformance.py CHAINLAB_BINARY [TOPOLOGY]
Exit 77 (skipped) when not root or python3-tabulate is missing.
"""
import gzip
import http.client
import ipaddress
import json
import os
import pprint
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

from harness import SKIPPED, check, check_no_leftovers, failures, log, summary

HERE = os.path.dirname(os.path.abspath(__file__))
MIRROR = os.environ.get("SONEMU_MIRROR", "/work/.mirror/sonata-nfv+son-emu/repo/.git")
CLI_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
REQUESTS_VERSION = "2.28.1"  # Debian 12's python3-requests: the User-Agent of the replay

# What chainlab answers differently on purpose (docs/conformance.md has the reasons).
DEVIATIONS = [
    "image: '' when the request names none (son-emu: its default 'ubuntu:trusty'; chainlab runs "
    "a native process and does not pretend it is an image)",
    "vlan in chain answers: chainlab tags only chains that leave a PoP (null otherwise) and uses "
    "one VLAN for both directions (son-emu: a new VLAN per direction, also inside one PoP)",
    "bidirectional=False (what the CLI sends without -b) is false (son-emu: any non-empty value "
    "is true, so each CLI chain was bidirectional)",
    "errors: 4xx with {\"error\": ...} (son-emu: 500 with a Python exception text), e.g. "
    "GET /restapi/datacenter/None is 404",
]


# ---- chainlab run -------------------------------------------------------------------------------

class Run:
    """`chainlab run TOPOLOGY --port 0`; the REST URL from its endpoint table."""

    def __init__(self, chainlab, topology):
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([chainlab, "run", topology, "--port", "0", "--duration",
                                      "600"], stdout=self.out, stderr=subprocess.STDOUT)
        self.url = None
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None and self.url is None:
            m = re.search(r"emulator REST[^\n]*(http://127\.0\.0\.1:\d+)", self.output())
            if m and "is up" in self.output():
                self.url = m.group(1)
            else:
                time.sleep(0.05)
        if self.url is None:
            log(self.output())

    def output(self):
        self.out.seek(0)
        return self.out.read()

    def stop(self):
        if self.proc.poll() is None and self.url:
            try:
                status, _, _ = request(self.url, "PUT", "/emulator/exit", body=b"")
                check(status == 200, "PUT /emulator/exit answers 200")
            except (OSError, ValueError) as e:
                check(False, f"PUT /emulator/exit: {e}")
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait()
        check(self.proc.returncode == 0, f"chainlab run exited 0 ({self.proc.returncode})")
        if self.proc.returncode != 0:
            log(self.output()[-3000:])


# ---- raw HTTP as python-requests sends it -------------------------------------------------------

def request(url, method, path, query=None, json_body=None, body=None):
    """One request with python-requests' headers; (status, headers dict, body text). `query`: a
    list of (key, value) with None values dropped and other values str()-ed (requests' params=),
    `json_body`: requests' json= (json.dumps with its default separators)."""
    parsed = urllib.parse.urlparse(url)
    if query:
        pairs = [(k, str(v)) for k, v in query if v is not None]
        path += "?" + urllib.parse.urlencode(pairs)
    headers = {"User-Agent": f"python-requests/{REQUESTS_VERSION}",
               "Accept-Encoding": "gzip, deflate", "Accept": "*/*", "Connection": "keep-alive"}
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    if body is None and method not in ("GET", "HEAD"):
        body = b""
    if body is not None:
        headers["Content-Length"] = str(len(body))
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        data = resp.read()
        if headers.get("content-encoding") == "gzip":  # requests decodes it too
            data = gzip.decompress(data)
        return resp.status, headers, data.decode()
    finally:
        conn.close()


# ---- the two clients: son-emu's CLI, and its requests replayed ----------------------------------

class CliClient:
    """son-emu's CLI from the mirror, unchanged."""
    name = "cli"

    def __init__(self, url, src_dir):
        self.url, self.src_dir = url, src_dir

    def run(self, *argv):
        env = dict(os.environ, PYTHONPATH=self.src_dir)
        code = "import sys; sys.argv[0] = 'vim-emu'; from emuvim.cli.son_emu_cli import main; main()"
        p = subprocess.run([CLI_PYTHON, "-c", code, *argv, "-e", self.url], env=env,
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            log(f"    vim-emu {' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()[-2000:]}")
        return p.stdout


def _pformat(obj):
    return pprint.PrettyPrinter(indent=4).pformat(obj) + "\n"


def _nice_print(text):
    return str(text).replace('\\n', '\n').replace('\\"', '"')


def _vnf(spec):
    name, _, intf = spec.partition(":")
    return name, (intf or None)


class ReplayClient:
    """The requests son-emu's CLI (src/emuvim/cli/rest/*.py) sends, rendered as it renders them."""
    name = "replay"

    def __init__(self, url):
        self.url = url

    def run(self, *argv):
        group, verb, opts = argv[0], argv[1], self._options(argv[2:])
        return getattr(self, f"{group}_{verb}")(opts)

    @staticmethod
    def _options(args):
        opts, i = {}, 0
        while i < len(args):
            if args[i] == "-b":
                opts["-b"] = True
                i += 1
            else:
                opts[args[i]] = args[i + 1]
                i += 2
        return opts

    def _json(self, method, path, **kw):
        _, _, text = request(self.url, method, path, **kw)
        return json.loads(text)

    def compute_start(self, o):
        req = {"image": o.get("-i"), "command": o.get("-c"), "network": o.get("--net")}
        return _pformat(self._json("PUT", f"/restapi/compute/{o.get('-d')}/{o.get('-n')}",
                                   json_body=req))

    def compute_stop(self, o):
        return _pformat(self._json("DELETE", f"/restapi/compute/{o.get('-d')}/{o.get('-n')}"))

    def compute_status(self, o):
        return _pformat(self._json("GET", f"/restapi/compute/{o.get('-d')}/{o.get('-n')}"))

    def compute_list(self, o):
        from tabulate import tabulate
        table = []
        for name, status in self._json("GET", f"/restapi/compute/{o.get('-d')}"):
            table.append([status.get("datacenter"), name, status.get("image"),
                          ",".join(n["intf_name"] for n in status.get("network")),
                          ",".join(n["dc_portname"] for n in status.get("network"))])
        headers = ["Datacenter", "Container", "Image", "Interface list", "Datacenter interfaces"]
        return tabulate(table, headers=headers, tablefmt="grid") + "\n"

    def _dc_row(self, d):
        return [d.get("label"), d.get("internalname"), d.get("switch"),
                d.get("n_running_containers"), len(d.get("metadata"))]

    def datacenter_list(self, o):
        from tabulate import tabulate
        table = [self._dc_row(d) for d in self._json("GET", "/restapi/datacenter") if len(d) > 0]
        return tabulate(table, headers=DC_HEADERS, tablefmt="grid") + "\n"

    def datacenter_status(self, o):
        from tabulate import tabulate
        d = self._json("GET", f"/restapi/datacenter/{o.get('-d')}")
        return tabulate([self._dc_row(d)], headers=DC_HEADERS, tablefmt="grid") + "\n"

    def _network(self, method, o):
        src, src_intf = _vnf(o["-src"])
        dst, dst_intf = _vnf(o["-dst"])
        query = [("vnf_src_name", src), ("vnf_dst_name", dst), ("vnf_src_interface", src_intf),
                 ("vnf_dst_interface", dst_intf), ("weight", o.get("-w")),
                 ("match", o.get("-m")), ("bidirectional", o.get("-b", False)),
                 ("cookie", o.get("-c", "10")), ("priority", o.get("-p", "1000"))]
        _, _, text = request(self.url, method, "/restapi/network", query=query)
        return _nice_print(text) + "\n"

    def network_add(self, o):
        return self._network("PUT", o)

    def network_remove(self, o):
        return self._network("DELETE", o)

    def _monitor(self, path, o, with_cookie):
        name, intf = _vnf(o["-vnf"])
        query = [("vnf_name", name), ("vnf_interface", intf), ("metric", o.get("-m"))]
        if with_cookie:
            query.append(("cookie", o.get("-c")))
        _, _, text = request(self.url, "PUT", path, query=query)  # stop_* send PUT too
        return _pformat(text)

    def monitor_setup_metric(self, o):
        return self._monitor("/restapi/monitor/interface", o, False)

    def monitor_stop_metric(self, o):
        return self._monitor("/restapi/monitor/interface", o, False)

    def monitor_setup_flow(self, o):
        return self._monitor("/restapi/monitor/flow", o, True)

    def monitor_stop_flow(self, o):
        return self._monitor("/restapi/monitor/flow", o, True)


DC_HEADERS = ["Label", "Internal Name", "Switch", "# Containers", "# Metadata Items"]


# ---- son-emu's expected output ------------------------------------------------------------------

def expected_compute_list(rows):
    """cli/rest/compute.py list: one grid row per instance."""
    from tabulate import tabulate
    headers = ["Datacenter", "Container", "Image", "Interface list", "Datacenter interfaces"]
    return tabulate(rows, headers=headers, tablefmt="grid") + "\n"


def expected_dc_table(rows):
    """cli/rest/datacenter.py list / status."""
    from tabulate import tabulate
    return tabulate(rows, headers=DC_HEADERS, tablefmt="grid") + "\n"


def expected_chain(cmd, src, dst, path, vlans, cookie="10", priority="1000", match=None,
                   bidirectional=True):
    """net.py _chainAddFlow's answer (json.dumps(flow_options, indent=1)) as flask-restful sends
    it (a JSON string and a newline) and the CLI prints it (_nice_print, then print)."""
    def one(a, b, p, vlan):
        options = {"priority": priority, "cookie": cookie, "vlan": vlan, "path": p,
                   "match_input": match}
        return "success: {} between {} and {} with options: {}".format(
            cmd, a, b, json.dumps(options, indent=1))
    text = one(src, dst, path, vlans[0])
    if bidirectional:
        text += "\n" + one(dst, src, list(reversed(path)), vlans[1])
    return _nice_print(json.dumps(text) + "\n") + "\n"


def without_vlans(text):
    """The chain answer with its VLAN ids blanked (a deliberate difference, see DEVIATIONS)."""
    return re.sub(r'"vlan": (null|\d+)', '"vlan": V', text)


def same(got, want, what):
    ok = check(got == want, what)
    if not ok:
        log("    --- expected (son-emu)\n" + want + "    --- got\n" + got)
    return ok


# ---- REST shapes (emulator-api.md) --------------------------------------------------------------

STATUS_KEYS = {"name", "network", "docker_network", "image", "flavor_name", "cpu_quota",
               "cpu_period", "cpu_shares", "cpuset", "mem_limit", "memswap_limit", "state", "id",
               "short_id", "hostname", "datacenter"}
INTF_KEYS = {"intf_name", "ip", "netmask", "mac", "up", "status", "dc_portname"}
DC_KEYS = {"label", "internalname", "switch", "n_running_containers", "metadata", "vnf_list",
           "ext SAP list"}


def check_rest_shapes(url, p):
    log(f"== [{p}] REST shapes")
    status, headers, text = request(url, "GET", "/restapi/compute")
    check(status == 200 and headers.get("access-control-allow-origin") == "*",
          f"[{p}] GET /restapi/compute: 200 with CORS *")
    listing = json.loads(text)
    check(all(isinstance(e, list) and len(e) == 2 and e[0] == e[1]["name"] for e in listing),
          f"[{p}] compute list entries are [name, status]")
    for name, st in listing:
        check(STATUS_KEYS <= set(st), f"[{p}] {name}: status has {sorted(STATUS_KEYS - set(st))}"
              if not STATUS_KEYS <= set(st) else f"[{p}] {name}: status has son-emu's keys")
        check(isinstance(st["state"], dict) and st["state"].get("Running") is True and
              st["state"].get("Status") == "running", f"[{p}] {name}: state.Running, Status")
        for intf in st["network"]:
            ok = INTF_KEYS <= set(intf) and isinstance(intf["netmask"], int)
            ok = ok and ipaddress.ip_interface(intf["ip"]).network.prefixlen == intf["netmask"]
            ok = ok and intf["status"] == "OK" and intf["up"] is True
            ok = ok and re.fullmatch(r"dc\d+\.s1-eth\d+", intf["dc_portname"]) is not None
            check(ok, f"[{p}] {name}:{intf.get('intf_name')}: ip {intf.get('ip')} with its "
                      f"prefix, netmask {intf.get('netmask')!r} the prefix length, "
                      f"{intf.get('dc_portname')}")
    # Same instances on the same PoPs; the live status (cpu time, counters) moves in between.
    status, _, text = request(url, "GET", "/restapi/compute/None")
    where = sorted((n, st["datacenter"]) for n, st in listing)
    check(status == 200 and sorted((n, st["datacenter"]) for n, st in json.loads(text)) == where,
          f"[{p}] GET /restapi/compute/None = all PoPs")
    status, _, text = request(url, "GET", "/restapi/compute/datacenter1")
    check(status == 200 and {e[1]["datacenter"] for e in json.loads(text)} <= {"datacenter1"},
          f"[{p}] GET /restapi/compute/datacenter1: only that PoP")

    status, _, text = request(url, "GET", "/restapi/datacenter")
    dcs = json.loads(text)
    check(status == 200 and all(DC_KEYS <= set(d) for d in dcs) and
          [d["internalname"] for d in dcs] == ["dc1", "dc2"] and
          [d["switch"] for d in dcs] == ["dc1.s1", "dc2.s1"],
          f"[{p}] GET /restapi/datacenter: son-emu keys, internal names dc1, dc2, switches dc<N>.s1")
    status, _, text = request(url, "GET", "/restapi/datacenter/datacenter0")
    d = json.loads(text)
    check(status == 200 and d["label"] == "datacenter0" and d["metadata"] == {"unittest_dc": "0"}
          and d["ext SAP list"] == ["h0"] and d["n_running_containers"] == len(d["vnf_list"]),
          f"[{p}] GET /restapi/datacenter/datacenter0")
    status, _, text = request(url, "GET", "/restapi/datacenter/None")
    check(status == 404 and "error" in json.loads(text),
          f"[{p}] GET /restapi/datacenter/None: 404 (son-emu: 500)")

    status, _, text = request(url, "GET", "/restapi/network/d3jsgraph")
    g = json.loads(text)
    check(status == 200 and all({"name", "group"} <= set(n) for n in g["nodes"]) and
          all({"source", "target", "value"} <= set(link) for link in g["links"]),
          f"[{p}] GET /restapi/network/d3jsgraph: nodes {{name, group}}, links "
          "{source, target, value}")

    status, _, text = request(url, "PUT", "/restapi/compute/resources/datacenter0/vnf1",
                              query=[("cpu_period", 100000), ("cpu_quota", 50000)])
    st = json.loads(text)
    check(status == 200 and st.get("cpu_quota") == 50000 and st.get("cpu_period") == 100000,
          f"[{p}] PUT /restapi/compute/resources: cpu_quota/cpu_period applied, status answered")

    # A JSON body (son-emu's REST examples) instead of the CLI's query: ints stay ints.
    body = {"vnf_src_name": "vnf1", "vnf_dst_name": "vnf3", "vnf_src_interface": "input",
            "vnf_dst_interface": "input", "cookie": 11, "priority": 900, "bidirectional": True}
    status, _, text = request(url, "PUT", "/restapi/network", json_body=body)
    want = expected_chain("add-flow", "vnf1", "vnf3", ["dc1.s1", "dc2.s1"], [1, 2], cookie=11,
                          priority=900)
    same(without_vlans(_nice_print(text) + "\n"), without_vlans(want),
         f"[{p}] PUT /restapi/network with a JSON body: son-emu's answer, ints kept")
    status, _, text = request(url, "DELETE", "/restapi/network", json_body=body)
    want = expected_chain("del-flows", "vnf1", "vnf3", ["dc1.s1", "dc2.s1"], [None, None],
                          cookie=11, priority=900)
    same(_nice_print(text) + "\n", want, f"[{p}] DELETE /restapi/network with a JSON body")
    status, _, text = request(url, "DELETE", "/restapi/network", json_body=body)
    check(status == 404 and "error" in json.loads(text), f"[{p}] removing it again: 404")
    status, _, text = request(url, "PUT", "/restapi/network",
                              json_body={"vnf_src_name": "vnf1", "vnf_dst_name": "nobody"})
    check(status == 404 and "error" in json.loads(text), f"[{p}] chain to an unknown VNF: 404")

    # son-emu's monitor answers; DELETE stops the one metric (vnf_interface: the VNF's first).
    for route, method, want in (
            ("interface", "PUT", "Started monitoring: tx_packets on vnf1:input"),
            ("interface", "DELETE", "Stopped monitoring: tx_packets on vnf1:input"),
            ("flow", "PUT", "Started monitoring flow:0 tx_packets on vnf1:input"),
            ("flow", "DELETE", "Stopped monitoring flow 0: tx_packets on vnf1:input")):
        status, _, text = request(url, method, f"/restapi/monitor/{route}",
                                  query=[("vnf_name", "vnf1"), ("metric", "tx_packets")])
        check(status == 200 and json.loads(text) == want,
              f"[{p}] {method} /restapi/monitor/{route}: {want!r}")
    for method in ("PUT", "DELETE"):
        status, _, text = request(url, method, "/restapi/monitor/link",
                                  query=[("vnf_name", "vnf1"), ("metric", "tx_packets")])
        check(status == 400 and "vnf_src_name" in json.loads(text).get("error", ""),
              f"[{p}] {method} /restapi/monitor/link without a chain: 400")


# ---- the scenario -------------------------------------------------------------------------------

def scenario(client, url):
    """test_restapi.py, step by step, plus --net interfaces, a chain across PoPs and monitor."""
    p = client.name
    log(f"== [{p}] son-emu's test_restapi.py scenario")
    out = client.run("compute", "start", "-d", "datacenter0", "-n", "vnf1", "--net",
                     "(id=input,ip=10.0.10.1/24),(id=output,ip=10.0.11.1/24)")
    st = _literal(out)
    check(st.get("name") == "vnf1" and
          [(n["intf_name"], n["ip"], n["netmask"]) for n in st.get("network", [])] ==
          [("input", "10.0.10.1/24", 24), ("output", "10.0.11.1/24", 24)],
          f"[{p}] compute start vnf1 --net: pprint of the status, ip with prefix, netmask 24")
    client.run("compute", "start", "-d", "datacenter0", "-n", "vnf2")
    out = client.run("compute", "start", "-d", "datacenter1", "-n", "vnf3", "--net",
                     "(id=input,ip=10.0.10.3/24)")
    check(_literal(out).get("datacenter") == "datacenter1", f"[{p}] compute start vnf3")

    # son-emu numbers a switch's ports in creation order: its links (h0 or h1, then the
    # datacenter0-datacenter1 link) take eth1 and eth2, instances follow.
    rows = [["datacenter0", "vnf1", "", "input,output", "dc1.s1-eth3,dc1.s1-eth4"],
            ["datacenter0", "vnf2", "", "emu0", "dc1.s1-eth5"],
            ["datacenter1", "vnf3", "", "input", "dc2.s1-eth3"]]
    same(client.run("compute", "list"), expected_compute_list(rows),
         f"[{p}] compute list (no -d: GET /restapi/compute/None)")
    same(client.run("compute", "list", "-d", "datacenter1"), expected_compute_list(rows[2:]),
         f"[{p}] compute list -d datacenter1")
    check_learning(url, p)

    same(without_vlans(client.run("network", "add", "-src", "vnf1", "-dst", "vnf2", "-b", "-c",
                                  "10")),
         without_vlans(expected_chain("add-flow", "vnf1", "vnf2", ["dc1.s1"], [1, 2])),
         f"[{p}] network add -src vnf1 -dst vnf2 -b -c 10")
    same(client.run("network", "remove", "-src", "vnf1", "-dst", "vnf2", "-b"),
         expected_chain("del-flows", "vnf1", "vnf2", ["dc1.s1"], [None, None]),
         f"[{p}] network remove -src vnf1 -dst vnf2 -b")
    same(without_vlans(client.run("network", "add", "-src", "vnf1:output", "-dst", "vnf3:input",
                                  "-b", "-c", "12", "-p", "900")),
         without_vlans(expected_chain("add-flow", "vnf1", "vnf3", ["dc1.s1", "dc2.s1"], [3, 4],
                                      cookie="12", priority="900")),
         f"[{p}] network add across PoPs (path dc1.s1 -> dc2.s1)")
    same(client.run("network", "remove", "-src", "vnf1:output", "-dst", "vnf3:input", "-b", "-c",
                    "12", "-p", "900"),
         expected_chain("del-flows", "vnf1", "vnf3", ["dc1.s1", "dc2.s1"], [None, None],
                        cookie="12", priority="900"),
         f"[{p}] network remove across PoPs")

    check_rest_shapes(url, p)

    # son-emu's CLI sends PUT for the stop verbs too, so they answer "Started" as on son-emu
    # (`chainlab monitor ... stop` sends DELETE).
    for verb, extra, started in (
            ("setup_metric", [], "Started monitoring: tx_packets on vnf1:input"),
            ("stop_metric", [], "Started monitoring: tx_packets on vnf1:input"),
            ("setup_flow", ["-c", "10"], "Started monitoring flow:10 tx_packets on vnf1:input"),
            ("stop_flow", ["-c", "10"], "Started monitoring flow:10 tx_packets on vnf1:input")):
        same(client.run("monitor", verb, "-vnf", "vnf1:input", "-m", "tx_packets", *extra),
             _pformat(json.dumps(started) + "\n"), f"[{p}] monitor {verb}: son-emu's answer")

    client.run("compute", "stop", "-d", "datacenter0", "-n", "vnf2")
    same(client.run("compute", "list"), expected_compute_list([rows[0], rows[2]]),
         f"[{p}] compute list after compute stop vnf2")
    st = _literal(client.run("compute", "status", "-d", "datacenter0", "-n", "vnf1"))
    check(st.get("name") == "vnf1" and st.get("state", {}).get("Running") is True,
          f"[{p}] compute status -d datacenter0 -n vnf1 (ast.literal_eval as son-emu's test)")
    same(client.run("datacenter", "list"),
         expected_dc_table([["datacenter0", "dc1", "dc1.s1", 1, 1],
                            ["datacenter1", "dc2", "dc2.s1", 1, 1]]), f"[{p}] datacenter list")
    same(client.run("datacenter", "status", "-d", "datacenter0"),
         expected_dc_table([["datacenter0", "dc1", "dc1.s1", 1, 1]]),
         f"[{p}] datacenter status -d datacenter0")
    for name, dc in (("vnf1", "datacenter0"), ("vnf3", "datacenter1")):
        client.run("compute", "stop", "-d", dc, "-n", name)
    _, _, text = request(url, "GET", "/restapi/compute")
    check(json.loads(text) == [], f"[{p}] every instance stopped")


def _literal(text):
    import ast
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        log(f"    not a Python literal: {text[:2000]}")
        return {}


def check_learning(url, p):
    """son-emu's test pings its instances without a chain (learning): vnf1 and vnf3 (one /24,
    two PoPs) both ways."""
    for src, dst_ip in (("vnf1", "10.0.10.3"), ("vnf3", "10.0.10.1")):
        status, _, text = request(url, "POST", f"/restapi/compute/exec/{src}",
                                  json_body={"cmd": ["ping", "-c1", "-W2", dst_ip]})
        check(status == 200 and json.loads(text).get("exit_code") == 0,
              f"[{p}] {src} pings {dst_ip} without a chain (learning)")


# ---- main ---------------------------------------------------------------------------------------

def cli_sources(tmp):
    """son-emu's src/emuvim/cli from the mirror into tmp; None (and why) when it cannot run."""
    if not os.path.isdir(MIRROR):
        return None, f"no son-emu mirror at {MIRROR}"
    probe = subprocess.run([CLI_PYTHON, "-c", "import requests, tabulate"], capture_output=True)
    if probe.returncode != 0:
        return None, f"{CLI_PYTHON} lacks requests/tabulate (python3-requests, python3-tabulate)"
    archive = subprocess.run(["git", f"--git-dir={MIRROR}", "archive", "HEAD", "src/emuvim/cli",
                              "src/emuvim/__init__.py"], capture_output=True)
    if archive.returncode != 0:
        return None, f"git archive failed: {archive.stderr.decode().strip()}"
    subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
    return os.path.join(tmp, "src"), None


def one_pass(chainlab, topology, make_client):
    run = Run(chainlab, topology)
    if not check(run.url is not None, "chainlab run is up"):
        run.stop()
        return
    try:
        scenario(make_client(run.url), run.url)
    except Exception as e:  # a broken answer: report it, stop the run, go on with the next pass
        log(traceback.format_exc())
        check(False, f"scenario raised {type(e).__name__}: {e}")
    finally:
        run.stop()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    chainlab = sys.argv[1]
    topology = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "sonemu-restapi.yaml")
    if os.geteuid() != 0:
        log("skipped: needs root (chainlab run)")
        return SKIPPED
    try:
        import tabulate  # noqa: F401  (renders the CLI's tables in both passes)
    except ImportError:
        log("skipped: python3-tabulate is missing")
        return SKIPPED
    started = time.time()
    log("deliberate differences from son-emu:\n  - " + "\n  - ".join(DEVIATIONS))
    with tempfile.TemporaryDirectory() as tmp:
        src, why = cli_sources(tmp)
        if src is None:
            log(f"== [cli] skipped: {why}; the replay pass covers the same requests")
        else:
            one_pass(chainlab, topology, lambda url: CliClient(url, src))
    one_pass(chainlab, topology, ReplayClient)
    check_no_leftovers(chainlab)
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
