"""What the conformance scripts (openstack_cli_test.py, heat_conformance.py) and
bench/openstack_load.py share (stdlib only): logging, a check / failures collector, waiting for
ports, the real `openstack` client against one PoP, raw HTTP requests, a `chainlab run TOPOLOGY`
subprocess and its stop, and the `chainlab cleanup --check` leftovers check.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

SKIPPED = 77  # exit status ctest reads as "skipped" (SKIP_RETURN_CODE in CMakeLists.txt)

failures = []


def log(msg):
    print(msg, flush=True)


def check(cond, what):
    """Logs `ok` or `FAIL` for one check, collects the failed ones in `failures`."""
    log(f"  {'ok  ' if cond else 'FAIL'} {what}")
    if not cond:
        failures.append(what)
    return cond


def summary(started=None):
    """Logs the failed checks; returns the exit status (0 or 1)."""
    took = f" in {time.time() - started:.0f} s" if started is not None else ""
    if failures:
        log(f"{len(failures)} check(s) failed{took}:")
        for f in failures:
            log(f"  - {f}")
        return 1
    log(f"all checks passed{took}")
    return 0


def skip_reason(*commands):
    """Why the script cannot run here, or None: it needs root and each (command, package)."""
    if os.geteuid() != 0:
        return "needs root (chainlab run)"
    for command, package in commands:
        if shutil.which(command) is None:
            return f"{command} is not installed ({package})"
    return None


def wait_port(port, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


# ---- the real openstack client ------------------------------------------------------------------

def os_env(base):
    """The environment of the `openstack` client for the PoP whose Keystone is on port `base`
    (no OS_* variable of the caller leaks in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update({
        "OS_AUTH_URL": f"http://127.0.0.1:{base}/v3",
        "OS_USERNAME": "admin",
        "OS_PASSWORD": "admin",
        "OS_PROJECT_NAME": "admin",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_REGION_NAME": "RegionOne",
    })
    return env


def openstack(base, *args):
    """Runs the real client; returns (exit code, stdout + stderr)."""
    p = subprocess.run(["openstack", *args], env=os_env(base), capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout + p.stderr


def openstack_json(base, *args):
    """Runs the client with `-f json`; returns the parsed document or None (logged)."""
    rc, out = openstack(base, *args, "-f", "json")
    if rc != 0:
        log(f"    `openstack {' '.join(args)}` failed: {out.strip()}")
        return None
    # --wait prints the event log before the JSON document.
    start = 0 if out.startswith(("{", "[")) else max(out.find("\n{\n"), out.find("\n[\n"))
    try:
        return json.loads(out[start:])
    except ValueError:
        log(f"    `openstack {' '.join(args)}`: not JSON: {out.strip()[:2000]}")
        return None


# ---- pings ---------------------------------------------------------------------------------------

def ping_ok(argv, timeout=60):
    """Whether `argv` (a ping of two echoes) got every answer."""
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return p.returncode == 0 and " 0% packet loss" in p.stdout


def exec_ping(chainlab, rest_port, instance, address):
    """Two pings from inside `instance` (`chainlab exec` against the emulator on `rest_port`)."""
    return ping_ok([chainlab, "exec", "-e", f"http://127.0.0.1:{rest_port}", instance, "--",
                    "ping", "-c", "2", "-i", "0.2", "-W", "2", address])


def host_ping(address):
    """Two pings from the host (the test's own network namespace)."""
    return ping_ok(["ping", "-c", "2", "-i", "0.2", "-W", "2", address], timeout=30)


# ---- raw HTTP -----------------------------------------------------------------------------------

def http(method, url, body=None, token=None, raw=None, timeout=30):
    """One raw HTTP request (for malformed bodies the client never sends); (status, body text).
    `body` is sent as JSON, `raw` (bytes) as is."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def http_json(method, url, body=None, token=None, raw=None, timeout=30):
    """Like http(); (status, parsed JSON body or None)."""
    status, text = http(method, url, body=body, token=token, raw=raw, timeout=timeout)
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def token_and_project(base):
    """A project-scoped admin token of the PoP whose Keystone is on port `base`:
    (token, project id). Raises unless Keystone answers 201."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"}, "password": "admin"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
    req = urllib.request.Request(f"http://127.0.0.1:{base}/v3/auth/tokens",
                                 data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 201:
            raise RuntimeError(f"token on {base}: HTTP {r.status}")
        return r.headers["X-Subject-Token"], json.loads(r.read())["token"]["project"]["id"]


# ---- chainlab run / cleanup ---------------------------------------------------------------------

class Emulation:
    """`chainlab run TOPOLOGY` as a subprocess; its output goes to a temporary file (never a
    pipe nobody reads)."""

    def __init__(self, chainlab, topology, rest_port):
        self.rest_port = rest_port
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([chainlab, "run", topology], stdout=self.out,
                                     stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.proc.pid

    def output(self):
        self.out.seek(0)
        return self.out.read()

    def wait_ports(self, ports, timeout=30.0):
        """True once every port accepts connections; otherwise logs the run's output."""
        if all(self.proc.poll() is None and wait_port(p, timeout) for p in ports):
            return True
        log(self.output())
        log("FAIL: the endpoints did not come up")
        return False

    def run_prefix(self):
        """The run's prefix (namespaces, cgroups) from `... (run PREFIX)` in its output."""
        prefix = None
        for line in self.output().splitlines():
            if "(run " in line:
                prefix = line.split("(run ", 1)[1].split(")")[0]
        return prefix

    def stop(self):
        """PUT /emulator/exit, then waits; SIGTERM, then SIGKILL if it does not exit. Checks that
        it exited 0 (its last output is logged otherwise); returns the exit status."""
        if self.proc.poll() is None:
            try:
                http("PUT", f"http://127.0.0.1:{self.rest_port}/emulator/exit", raw=b"")
            except OSError as e:
                log(f"    PUT /emulator/exit: {e}")
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log("    chainlab run did not exit on PUT /emulator/exit: SIGTERM")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log("    chainlab run did not exit on SIGTERM: SIGKILL")
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        check(rc == 0, f"emulation exited cleanly on PUT /emulator/exit (exit {rc})")
        if rc != 0:
            log(self.output()[-3000:])
        self.out.close()
        return rc


def check_no_leftovers(chainlab):
    """`chainlab cleanup --check` finds nothing of any run."""
    cleanup = subprocess.run([chainlab, "cleanup", "--check"], capture_output=True, text=True)
    check(cleanup.returncode == 0, "chainlab cleanup --check finds nothing")
    if cleanup.returncode != 0:
        log(cleanup.stdout + cleanup.stderr)
