#!/usr/bin/env python3
"""Prometheus conformance (docs/conformance.md): Debian's real `prometheus` scrapes chainlab's
GET /metrics, and PromQL through Prometheus's HTTP API sees the traffic of a running emulation.

  1. `chainlab run tests/conformance/prometheus-topology.yaml` (dc1, dc2, learning; REST 5950).
  2. Instances `server` (dc1, `iperf3 -s`) and `client` (dc2), started over the REST API with the
     run's token from api.json as `Authorization: Bearer`.
  3. As nobody, GET /metrics answers 401 without the token and 200 with it.
     `prometheus` (run as `nobody`, so root's token-free loopback access does not apply) with a
     generated config: one job, scrape_interval 1s, target /metrics on 5950, authorization
     credentials_file = the token, honor_labels (chainlab's `instance` label names the VNF; without
     it Prometheus renames it `exported_instance` and puts the target there); TSDB in a temp dir;
     web on 9190. Waits until the target is up.
  4. `client` sends constant-rate UDP to `server` (iperf3 -u -b 20M -l 1000) for 20 s; the
     kernel's rx_bytes of server's emu0 is read twice during it, and
     rate(chainlab_interface_rx_bytes_total{instance="server"}[5s]) at the second read's time
     must be within 10% of the kernel's rate (which must itself be the iperf3 rate, payload +
     42 bytes per datagram, within 10%).
  5. `promtool check metrics` on the exposition (with son-emu watches set) reports nothing.
  6. son-emu's PUT /restapi/monitor/skewness for server's cpu makes skewmon's `skewness` gauge
     appear in Prometheus. son-emu's PUT /restapi/monitor/interface for rx_bytes and tx_packets of server:emu0 makes
     sonemu_rx_count_bytes / sonemu_tx_count_packets appear (in /metrics, in Prometheus, and in
     Debian's real `prometheus-pushgateway` on 9191, which the run pushes to with `--pushgateway`,
     job sonemu-SDNcontroller); the DELETE of rx_bytes removes only that one everywhere; the run's
     end deletes its job from the gateway.
  Everything (prometheus, the gateway, its temp dir, the run) is removed even on failure;
  `chainlab cleanup --check` finds nothing afterwards.

Usage: prometheus_conformance.py CHAINLAB_BINARY [TOPOLOGY]
Exit 77 (skipped) when not root or prometheus, promtool, prometheus-pushgateway, iperf3, curl or
runuser is missing.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from harness import (SKIPPED, Emulation, check, check_no_leftovers, failures, log, skip_reason,
                     summary, wait_port)

HERE = os.path.dirname(os.path.abspath(__file__))
REST_PORT = 5950  # prometheus-topology.yaml
PROM_PORT = 9190
PGW_PORT = 9191  # the Pushgateway chainlab run --pushgateway pushes to
PGW_JOB = "sonemu-SDNcontroller"
RUNS_DIR = "/run/chainlab/runs"

RATE_BITS = 20_000_000  # iperf3 -b: UDP payload bits per second
PAYLOAD = 1000  # iperf3 -l: UDP payload bytes per datagram
WIRE_OVERHEAD = 42  # Ethernet 14 + IPv4 20 + UDP 8 (the counters count frames without FCS)
EXPECTED_WIRE_RATE = RATE_BITS / 8 / PAYLOAD * (PAYLOAD + WIRE_OVERHEAD)  # bytes/s
TRAFFIC_SECONDS = 20
TOLERANCE = 0.10

SERVER_IP, CLIENT_IP = "10.59.0.2", "10.59.0.1"


def wait_for(what, condition, timeout=30.0, step=0.2):
    """Polls `condition` until it returns a true value (returned); None after `timeout`."""
    deadline = time.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.time() >= deadline:
            log(f"    gave up waiting for {what} after {timeout:.0f} s")
            return None
        time.sleep(step)


# ---- chainlab -----------------------------------------------------------------------------------

def run_token(pid):
    """The token in api.json of the run whose pid is `pid`, or None."""
    try:
        runs = os.listdir(RUNS_DIR)
    except OSError:
        return None
    for run in runs:
        try:
            with open(os.path.join(RUNS_DIR, run, "api.json")) as f:
                api = json.load(f)
        except (OSError, ValueError):
            continue
        if api.get("pid") == pid:
            return api.get("token")
    return None


class Rest:
    """The emulator REST API with the run's token."""

    def __init__(self, port, token):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def call(self, method, path, body=None, timeout=30):
        """(status, body text)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def start(self, pop, name, ip, command=""):
        status, text = self.call("PUT", f"/restapi/compute/{pop}/{name}",
                                 {"docker_command": command, "network": f"(id=emu0,ip={ip}/24)"})
        return check(status == 200, f"PUT /restapi/compute/{pop}/{name} answers 200 ({status} "
                                    f"{text[:200] if status != 200 else ''})")

    def exec(self, name, argv, timeout):
        status, text = self.call("POST", f"/restapi/compute/exec/{name}",
                                 {"cmd": argv, "timeout": timeout}, timeout=timeout + 30)
        if status != 200:
            log(f"    exec {argv} in {name}: HTTP {status} {text[:300]}")
            return None
        return json.loads(text)

    def metrics(self):
        status, text = self.call("GET", "/metrics")
        if status != 200:
            log(f"    GET /metrics: HTTP {status} {text[:300]}")
            return ""
        return text

    def kernel_rx_bytes(self, name, intf="emu0"):
        """rx_bytes of `intf` in the instance's namespace (its /proc/net/dev: instances share the
        host's /sys)."""
        out = self.exec(name, ["cat", "/proc/net/dev"], 10)
        if not out or out["exit_code"] != 0:
            return None
        for line in out["output"].splitlines():
            dev, _, fields = line.partition(":")
            if dev.strip() == intf:
                return int(fields.split()[0])
        return None


class MonitoredRun(Emulation):
    """harness.Emulation with its own arguments (`chainlab run TOPOLOGY ARGS...`)."""

    def __init__(self, chainlab, topology, rest_port, args):
        self.rest_port = rest_port
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([chainlab, "run", topology, *args], stdout=self.out,
                                     stderr=subprocess.STDOUT)


# ---- prometheus ---------------------------------------------------------------------------------

SCRAPE_CONFIG = """\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: chainlab
    metrics_path: /metrics
    honor_labels: true
    authorization:
      type: Bearer
      credentials_file: {token_file}
    static_configs:
      - targets: ["127.0.0.1:{rest_port}"]
"""


class Prometheus:
    """The real `prometheus`, as user nobody, with its config, token and TSDB in a temp dir."""

    def __init__(self, token, rest_port, port):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="chainlab-prom-")
        token_file = os.path.join(self.dir, "token")
        with open(token_file, "w") as f:
            f.write(token)
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(SCRAPE_CONFIG.format(token_file=token_file, rest_port=rest_port))
        check_config = subprocess.run(["promtool", "check", "config", config],
                                      capture_output=True, text=True)
        check(check_config.returncode == 0,
              f"promtool check config accepts the generated config {check_config.stderr.strip()}")
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        for path in (self.dir, data, token_file, config):
            shutil.chown(path, "nobody", "nogroup")
        os.chmod(token_file, 0o600)
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w+")
        self.proc = subprocess.Popen(
            ["runuser", "-u", "nobody", "--", "prometheus", f"--config.file={config}",
             f"--storage.tsdb.path={data}", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def api(self, path, quiet=False, **params):
        """GET /api/v1/<path>; the `data` of a success answer or None (logged unless quiet)."""
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                answer = json.loads(r.read())
        except (OSError, ValueError) as e:
            if not quiet:
                log(f"    prometheus {path} {params}: {e}")
            return None
        return answer.get("data") if answer.get("status") == "success" else None

    def query(self, promql, at=None):
        """The vector an instant query answers ([] when empty, None on error)."""
        params = {"query": promql}
        if at is not None:
            params["time"] = f"{at:.3f}"
        data = self.api("query", **params)
        return data.get("result") if data else None

    def target_up(self, quiet=True):
        data = self.api("targets", quiet=quiet, state="active")
        targets = data.get("activeTargets", []) if data else []
        return any(t.get("health") == "up" for t in targets), targets

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Pushgateway:
    """The real `prometheus-pushgateway` (in memory), as user nobody."""

    def __init__(self, port):
        self.port = port
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            ["runuser", "-u", "nobody", "--", "prometheus-pushgateway",
             f"--web.listen-address=127.0.0.1:{port}"], stdout=self.log, stderr=subprocess.STDOUT)

    def metrics(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as r:
                return r.read().decode(errors="replace")
        except OSError as e:
            log(f"    pushgateway /metrics: {e}")
            return ""

    def has(self, name):
        """Whether the gateway holds `name` for server pushed by chainlab's job."""
        return sample_value(self.metrics(), name, job=PGW_JOB, vnf_name="server") is not None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log.close()


def scalar(vector):
    """The value of a one-element vector, or None."""
    if not vector or len(vector) != 1:
        return None
    return float(vector[0]["value"][1])


# ---- the checks ---------------------------------------------------------------------------------

def check_rate(rest, prom):
    """Steady UDP client -> server; Prometheus's rate vs the kernel's counter."""
    metric = 'chainlab_interface_rx_bytes_total{instance="server",interface="emu0"}'
    sender = {}

    def send():
        sender["result"] = rest.exec("client", [
            "iperf3", "-c", SERVER_IP, "-u", "-b", str(RATE_BITS), "-l", str(PAYLOAD), "-t",
            str(TRAFFIC_SECONDS), "--json"], TRAFFIC_SECONDS + 30)

    # The server listens once its instance runs; iperf3 -s binds within milliseconds.
    ready = wait_for("iperf3 -s in server", lambda: (rest.exec(
        "server", ["sh", "-c", "ss -tln | grep -q ':5201 '"], 10) or {}).get("exit_code") == 0,
        timeout=15)
    if not check(bool(ready), "iperf3 -s listens in server"):
        return
    thread = threading.Thread(target=send)
    before = rest.kernel_rx_bytes("server")
    thread.start()
    try:
        # Traffic has arrived when the kernel counter grew by more than a few frames.
        started = wait_for("traffic at server", lambda: (
            (rest.kernel_rx_bytes("server") or 0) - before > 100 * (PAYLOAD + WIRE_OVERHEAD)))
        if not check(bool(started), "client's UDP traffic reaches server"):
            return
        # The window [t1, t2]: 1.5 s into the steady traffic, 8 s long, so that Prometheus's [5s]
        # windows ending at t2, t2-1 and t2-2 (plus the monitor's up to 1 s lag) lie within it.
        time.sleep(1.5)  # measurement timing: skip iperf3's ramp-up
        t1, k1 = time.time(), rest.kernel_rx_bytes("server")
        time.sleep(8.0)  # measurement window
        t2, k2 = time.time(), rest.kernel_rx_bytes("server")
        kernel_rate = (k2 - k1) / (t2 - t1)
        # Wait until Prometheus has scraped past t2 (and its monitor read after t2).
        scraped = wait_for("a scrape after t2", lambda: (scalar(
            prom.query(f"timestamp({metric})")) or 0) > t2 + 1.0, timeout=10)
        check(bool(scraped), "Prometheus scraped /metrics after the measurement window")
        rates = [scalar(prom.query(f"rate({metric}[5s])", at=t2 - d)) for d in (0, 1, 2)]
        log(f"    kernel rx rate of server:emu0 {kernel_rate:,.0f} B/s over {t2 - t1:.1f} s; "
            f"iperf3 nominal wire rate {EXPECTED_WIRE_RATE:,.0f} B/s; PromQL rate[5s] at t2, "
            f"t2-1, t2-2: {', '.join(f'{r:,.0f}' if r is not None else 'none' for r in rates)}")
        check(abs(kernel_rate - EXPECTED_WIRE_RATE) <= TOLERANCE * EXPECTED_WIRE_RATE,
              f"the kernel's rx rate {kernel_rate:,.0f} B/s is iperf3's {EXPECTED_WIRE_RATE:,.0f} "
              f"B/s within 10% (the traffic is steady)")
        for d, r in zip((0, 1, 2), rates):
            check(r is not None and abs(r - kernel_rate) <= TOLERANCE * kernel_rate,
                  f"rate(chainlab_interface_rx_bytes_total{{instance=\"server\"}}[5s]) at t2-{d}s "
                  f"= {r} is within 10% of the kernel's {kernel_rate:,.0f} B/s")
        client_tx = 'chainlab_interface_tx_bytes_total{instance="client",interface="emu0"}'
        tx = scalar(prom.query(f"rate({client_tx}[5s])", at=t2))
        check(tx is not None and abs(tx - kernel_rate) <= TOLERANCE * kernel_rate,
              f"client's tx rate through PromQL ({tx}) matches server's rx within 10%")
    finally:
        thread.join()
    result = sender.get("result")
    if result:
        summary = [ln for ln in result.get("output", "").splitlines() if '"bits_per_second"' in ln]
        log(f"    iperf3 -c: {summary[-1].strip() if summary else result.get('output', '')[-300:]}")
    check(result is not None and result.get("exit_code") == 0,
          "iperf3 -c in client exited 0" + (f" ({result.get('output', '')[-300:]})"
                                            if result and result.get("exit_code") else ""))


def check_promtool(rest):
    """`promtool check metrics` reads the exposition and reports nothing (errors and lint)."""
    text = rest.metrics()
    check(text.startswith("# HELP "), "GET /metrics with the Bearer token answers the exposition")
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True)
    report = (p.stdout + p.stderr).strip()
    check(p.returncode == 0 and not report,
          f"promtool check metrics: exit {p.returncode}, {report or 'no problems'}")
    families = sorted({line.split()[2] for line in text.splitlines()
                       if line.startswith("# TYPE ")})
    log(f"    {len(families)} families, {len(text.splitlines())} lines")
    for name in ("chainlab_instance_cpu_seconds_total", "chainlab_interface_rx_bytes_total",
                 "chainlab_flow_bytes_total", "chainlab_link_bytes_total",
                 "chainlab_pop_instances", "container_cpu_usage_seconds_total",
                 "container_memory_usage_bytes", "sonemu_rx_count_bytes",
                 "sonemu_tx_count_packets"):
        check(name in families, f"/metrics has the family {name}")


def series_of(text, name):
    """The sample lines of family `name` in an exposition."""
    return [line for line in text.splitlines()
            if line.startswith(name + "{") or line.startswith(name + " ")]


def sample_value(text, name, **labels):
    """The value of the sample of `name` whose labels include `labels`, or None."""
    for line in series_of(text, name):
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def watch(rest, method, metric):
    q = urllib.parse.urlencode({"vnf_name": "server", "vnf_interface": "emu0", "metric": metric})
    status, text = rest.call(method, f"/restapi/monitor/interface?{q}")
    check(status == 200, f"{method} /restapi/monitor/interface?{q} answers 200 ({text.strip()})")


def check_sonemu_watches(rest, prom, pgw):
    """The son-emu names appear with the watches and only the deleted one goes."""
    watch(rest, "PUT", "rx_bytes")
    watch(rest, "PUT", "tx_packets")
    text = rest.metrics()
    labels = {"vnf_name": "server", "vnf_interface": "emu0", "flow_id": "None"}
    rx = sample_value(text, "sonemu_rx_count_bytes", **labels)
    chainlab_rx = sample_value(text, "chainlab_interface_rx_bytes_total", instance="server",
                               interface="emu0")
    check(rx is not None and rx == chainlab_rx,
          f"sonemu_rx_count_bytes{{vnf_name=\"server\"}} = {rx} is server's "
          f"chainlab_interface_rx_bytes_total {chainlab_rx}")
    check(sample_value(text, "sonemu_tx_count_packets", **labels) is not None,
          "sonemu_tx_count_packets{vnf_name=\"server\"} is in /metrics")
    seen = wait_for("Prometheus to scrape the son-emu names", lambda: prom.query(
        'sonemu_rx_count_bytes{vnf_name="server"}') and prom.query(
        'sonemu_tx_count_packets{vnf_name="server"}'), timeout=10)
    check(bool(seen), "Prometheus has sonemu_rx_count_bytes and sonemu_tx_count_packets")
    pushed = wait_for("the Pushgateway to get both son-emu names", lambda: pgw.has(
        "sonemu_rx_count_bytes") and pgw.has("sonemu_tx_count_packets"), timeout=10)
    check(bool(pushed), f"--pushgateway pushed both to the Pushgateway (job {PGW_JOB})")
    # son-emu's skewness monitor: skewmon's gauge, from the history (promtool checks it next).
    status, answer = rest.call("PUT", "/restapi/monitor/skewness?vnf_name=server&resource_name=cpu")
    check(status == 200 and "adding to skewness monitor: server cpu" in answer,
          f"PUT /restapi/monitor/skewness answers son-emu's text ({status} {answer.strip()})")
    skew = wait_for("Prometheus to scrape skewness", lambda: prom.query(
        'skewness{vnf_name="server",vnf_metric="cpu"}'), timeout=10)
    check(bool(skew), f"Prometheus has skewness{{vnf_name=\"server\"}} ({skew})")
    return text


def check_sonemu_delete(rest, prom, pgw):
    watch(rest, "DELETE", "rx_bytes")
    text = rest.metrics()
    check(not series_of(text, "sonemu_rx_count_bytes"),
          "sonemu_rx_count_bytes left /metrics after its DELETE")
    check(bool(series_of(text, "sonemu_tx_count_packets")),
          "sonemu_tx_count_packets is still in /metrics")
    # The next scrape without it writes a stale marker: the instant query turns empty.
    gone = wait_for("sonemu_rx_count_bytes to go stale in Prometheus", lambda: prom.query(
        'sonemu_rx_count_bytes{vnf_name="server"}') == [], timeout=10)
    check(bool(gone), "Prometheus no longer has sonemu_rx_count_bytes")
    check(bool(prom.query('sonemu_tx_count_packets{vnf_name="server"}')),
          "Prometheus still has sonemu_tx_count_packets")
    # son-emu's DELETE wiped the whole job from the gateway; chainlab's next push drops one metric.
    dropped = wait_for("the Pushgateway to drop sonemu_rx_count_bytes", lambda: not pgw.has(
        "sonemu_rx_count_bytes"), timeout=10)
    check(bool(dropped) and pgw.has("sonemu_tx_count_packets"),
          "the Pushgateway lost sonemu_rx_count_bytes only (sonemu_tx_count_packets stays)")
    status, text = rest.call("DELETE", "/restapi/monitor/interface?vnf_name=server&"
                                       "vnf_interface=emu0&metric=rx_bytes")
    check(status == 404, f"a second DELETE of rx_bytes answers 404 ({status})")


def check_token_needed(token):
    """As nobody (what Prometheus runs as), /metrics needs the token: 401 without, 200 with."""
    def status(header=None):
        argv = ["runuser", "-u", "nobody", "--", "curl", "-s", "-o", "/dev/null", "-w",
                "%{http_code}", f"http://127.0.0.1:{REST_PORT}/metrics"]
        if header:
            argv[5:5] = ["-H", "@-"]  # from stdin: not on a command line ps shows
        return subprocess.run(argv, input=header or "", capture_output=True, text=True,
                              timeout=30).stdout
    without = status()
    check(without == "401", f"GET /metrics as nobody without the token answers 401 ({without})")
    with_token = status(f"Authorization: Bearer {token}\n")
    check(with_token == "200", f"GET /metrics as nobody with the token answers 200 ({with_token})")


def scenario(chainlab, topology):
    pgw = Pushgateway(PGW_PORT)
    run = MonitoredRun(chainlab, topology, REST_PORT, ["--duration", "600", "--pushgateway",
                                                       f"http://127.0.0.1:{PGW_PORT}"])
    prom = None
    try:
        if not run.wait_ports([REST_PORT]):
            failures.append("chainlab run did not come up")
            return
        token = wait_for("api.json of the run", lambda: run_token(run.pid), timeout=10)
        if not check(bool(token), "the run's token is in its api.json"):
            return
        rest = Rest(REST_PORT, token)
        if not (rest.start("dc1", "server", SERVER_IP, "iperf3 -s") and
                rest.start("dc2", "client", CLIENT_IP)):
            return
        check_token_needed(token)
        prom = Prometheus(token, REST_PORT, PROM_PORT)
        up = wait_for("the scrape target to be up", lambda: prom.proc.poll() is None and
                      prom.target_up()[0], timeout=60)
        if not check(bool(up), "Prometheus scrapes /metrics with the token (target up)"):
            if prom.proc.poll() is None:
                log(f"    targets: {prom.target_up(quiet=False)[1]}")
            log(prom.output()[-3000:])
            return
        check_rate(rest, prom)
        check_sonemu_watches(rest, prom, pgw)
        check_promtool(rest)
        check_sonemu_delete(rest, prom, pgw)
    finally:
        if prom is not None:
            prom.stop()
            check(not os.path.exists(prom.dir), "prometheus stopped and its temp dir removed")
        run.stop()
        check(not pgw.has("sonemu_tx_count_packets"),
              "the run deleted its job from the Pushgateway when it ended")
        pgw.stop()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    chainlab = os.path.abspath(sys.argv[1])
    topology = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "prometheus-topology.yaml")
    reason = skip_reason(("prometheus", "prometheus"), ("promtool", "prometheus"),
                         ("prometheus-pushgateway", "prometheus-pushgateway"),
                         ("iperf3", "iperf3"), ("curl", "curl"), ("runuser", "util-linux"))
    if reason:
        log(f"SKIP: {reason}")
        return SKIPPED
    for port in (REST_PORT, PROM_PORT, PGW_PORT):
        if wait_port(port, timeout=0.1):
            log(f"FAIL: port {port} is already in use")
            return 1
    started = time.time()

    def interrupted(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")  # runs the clean-up of scenario()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        scenario(chainlab, topology)
    except Exception:  # a crash of the script is a failure, after the cleanup above ran
        traceback.print_exc()
        failures.append("the script raised")
    check_no_leftovers(chainlab)
    return summary(started)


if __name__ == "__main__":
    sys.exit(main())
