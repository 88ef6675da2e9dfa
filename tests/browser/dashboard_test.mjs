// The dashboard in a real browser (Debian's Chromium, headless, driven by puppeteer-core):
//   1. `chainlab run dashboard-topology.yaml` (dc1 —5 ms— dc2, REST on 5960); instances `client`
//      (dc1) and `server` (dc2, iperf3 -s) and a chain between them, over the REST API.
//   2. The page at /dashboard/#token=T: every PoP and instance is in the graph and the instance
//      table (with a CPU sparkline), the PoPs where their coordinates put them; the chain's
//      throughput shown while iperf3 runs through it is within 20% of what iperf3 measured; a
//      link's delay set in the page's form changes the RTT ping measures; an E-LAN added over REST
//      is drawn joined to its members, its traffic shown, highlighted on a click, gone when removed.
//   3. A capture of client's emu0 started from the page while client pings server: the pcapng the
//      browser downloads holds the pings both ways (tcpdump reads it).
//   4. examples/services/cdn-demo, zipped, uploaded through the page's file input and instantiated
//      with its button: its three VNFs appear in the graph; terminated: they go.
//   5. A network created in dc1 with the Neutron API appears in the page's OpenStack view.
//   6. Every request the page made went to the dashboard's own origin or the run's gatekeeper (same
//      host, the port the CSP names), the API ones with the token; the page came with a Content-
//      Security-Policy of default-src 'self'; nothing is left behind.
//
//   node dashboard_test.mjs CHAINLAB NODE_MODULES
// Exit 0: passed; 1: a check failed; 77: skipped (not root, no Chromium).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const kSkipped = 77;
const kPort = 5960;
const kOrigin = `http://127.0.0.1:${kPort}`;
const kGatekeeper = "http://127.0.0.1:5961";
const kChromium = "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));
const [chainlab, modules] = process.argv.slice(2);
const failures = [];

function log(msg) {
  console.log(msg);
}
function check(ok, what) {
  log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) {
    failures.push(what);
  }
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) {
        return v;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(200);
  }
}

// `chainlab run`: resolves with the process and its token once it says it is up.
function startRun(catalogue) {
  const args = ["run", join(here, "dashboard-topology.yaml"), "--duration", "600", "--catalogue", catalogue];
  const proc = spawn(chainlab, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let up = false;
  return new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
      const api = out.match(/API token[^:]*: (\S+api\.json)/);
      if (!up && api && /is up/.test(out)) {
        up = true;
        resolve({ proc, token: JSON.parse(readFileSync(api[1], "utf8")).token });
      }
    });
    proc.on("exit", (code) => reject(new Error(`chainlab run exited (${code}) before it was up`)));
  });
}

function api(token) {
  return async (method, path, body) => {
    const res = await fetch(kOrigin + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`${method} ${path}: ${res.status} ${text}`);
    }
    return JSON.parse(text);
  };
}

async function setUpInstances(call) {
  await call("PUT", "/restapi/compute/dc1/client", { docker_command: "sleep 3600", network: "(id=emu0,ip=10.0.0.1/24)" });
  await call("PUT", "/restapi/compute/dc2/server", { docker_command: "iperf3 -s", network: "(id=emu0,ip=10.0.0.2/24)" });
  await call("PUT", "/restapi/network", {
    vnf_src_name: "client", vnf_src_interface: "emu0", vnf_dst_name: "server", vnf_dst_interface: "emu0",
    bidirectional: true, cookie: 7,
  });
}

async function pingRttMs(call) {
  const r = await call("POST", "/restapi/compute/exec/client", { cmd: "ping -c 5 -i 0.2 10.0.0.2", timeout: 30 });
  // The median of the five: one late reply (the machine busy) does not decide.
  const times = [...r.output.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  if (times.length < 3) {
    log(r.output);
    return NaN;
  }
  if (times[times.length - 1] > 2 * times[0]) {
    log(`  (a late reply: ${times.join(", ")} ms)`);
  }
  return times[Math.floor(times.length / 2)];
}

// Sets a form field as typing would, in one step: the page re-renders every second and puts its
// state back into a controlled field, so clearing it and then typing could give "10" + "3" = "103"
// (the seconds field once asked for a 103 s capture). The input event updates the page's state.
async function setField(page, selector, value) {
  await page.$eval(selector, (input, v) => {
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

// The page's graph (Cytoscape keeps it on a canvas; the page exposes it for automation).
const graphNodes = (page) => page.evaluate(() => window.chainlabDashboard.cy.nodes().map((n) => n.id()));

async function checkContent(page) {
  await until("the instance table", () => page.$('#instances tr[data-instance="server"]'));
  const nodes = await until("the graph", async () => {
    const n = await graphNodes(page);
    return ["dc1", "dc2", "client", "server"].every((x) => n.includes(x)) && n;
  });
  check(true, `graph holds the PoPs and instances: ${nodes.join(", ")}`);
  const rows = await page.$$eval("#instances tr[data-instance]", (trs) => trs.map((t) => t.dataset.instance));
  check(rows.includes("client") && rows.includes("server"), `instance table lists client and server (${rows})`);
  const parents = await page.evaluate(() =>
    ["client", "server"].map((n) => window.chainlabDashboard.cy.getElementById(n).parent().id()),
  );
  check(parents[0] === "dc1" && parents[1] === "dc2", `instances drawn inside their PoPs (${parents})`);
  const apart = await page.evaluate(() => {
    const [a, b] = ["dc1", "dc2"].map((n) => window.chainlabDashboard.cy.getElementById(n).boundingBox());
    return a.x2 < b.x1 || b.x2 < a.x1 || a.y2 < b.y1 || b.y2 < a.y1;
  });
  check(apart, "the PoPs' boxes do not overlap");
  const [east, south] = await page.evaluate(() => {
    const [a, b] = ["dc1", "dc2"].map((n) => window.chainlabDashboard.cy.getElementById(n).position());
    return [a.x > b.x, a.y > b.y];
  });
  check(east && south, "dc1 is drawn south-east of dc2, as their coordinates say");
  const sparks = await until("the CPU sparklines", () => page.$$eval("#instances td span.spark canvas", (c) => c.length >= 2));
  check(sparks, "each instance row has a CPU sparkline (a uPlot canvas)");
}

// An E-LAN between an instance in each PoP: a node joined to both; pings over it show as traffic;
// a click on its row highlights it; removed, it goes.
async function checkElan(page, call) {
  await call("PUT", "/restapi/compute/dc1/lan-a", { docker_command: "sleep 3600", network: "(id=lan,ip=10.0.30.1/24)" });
  await call("PUT", "/restapi/compute/dc2/lan-b", { docker_command: "sleep 3600", network: "(id=lan,ip=10.0.30.2/24)" });
  await call("PUT", "/restapi/elan/lan1", { members: ["lan-a:lan", "lan-b:lan"] });
  const joined = await until("the E-LAN in the graph", () =>
    page.evaluate(() => {
      const n = window.chainlabDashboard.cy.getElementById("elan:lan1");
      return n.nonempty() && n.neighborhood("node").map((m) => m.id()).sort().join(",");
    }),
  ).catch(() => "");
  check(joined === "lan-a,lan-b", `the E-LAN is drawn joined to its members (${joined})`);
  const pings = call("POST", "/restapi/compute/exec/lan-a", { cmd: "ping -c 40 -i 0.1 -s 1200 10.0.30.2", timeout: 30 });
  const rate = await until("the E-LAN's traffic", () =>
    page.$eval('#elans tr[data-elan="lan1"] td[data-bytes-per-s]', (td) => Number(td.dataset.bytesPerS) > 0 && td.dataset.bytesPerS),
  ).catch(() => 0);
  const pinged = await pings;
  check(rate > 0 && / 0% packet loss/.test(pinged.output), `pings over the E-LAN shown as its traffic (${rate} B/s)`);
  await page.click('#elans tr[data-elan="lan1"]');
  const lit = await until("the highlight", () =>
    page.evaluate(() => ["elan:lan1", "lan-a", "lan-b", "dc1", "dc2"].every((id) => window.chainlabDashboard.cy.getElementById(id).hasClass("path"))),
  ).catch(() => false);
  check(lit, "a click on the E-LAN's row highlights it, its members and the PoPs it spans");
  await call("DELETE", "/restapi/elan/lan1");
  const gone = await until("the E-LAN gone", () => page.evaluate(() => window.chainlabDashboard.cy.getElementById("elan:lan1").empty())).catch(() => false);
  check(gone, "removed, the E-LAN leaves the graph");
  await call("DELETE", "/restapi/compute/dc1/lan-a");
  await call("DELETE", "/restapi/compute/dc2/lan-b");
}

// iperf3 through the chain; meanwhile, the chain's throughput the page shows, every second.
async function checkThroughput(page, call) {
  await until("the chain in the page", () => page.$("#chains tr[data-chain]"));
  const run = call("POST", "/restapi/compute/exec/client", { cmd: "iperf3 -c 10.0.0.2 -t 8 -J", timeout: 60 });
  const shown = [];
  const start = Date.now();
  while (Date.now() - start < 8000) {
    await sleep(1000);
    if (Date.now() - start > 3000) {
      shown.push(await page.$eval("#chains td[data-bytes-per-s]", (td) => Number(td.dataset.bytesPerS) * 8));
    }
  }
  const result = await run;
  const measured = JSON.parse(result.output).end.sum_received.bits_per_second;
  shown.sort((a, b) => a - b);
  const median = shown[Math.floor(shown.length / 2)];
  check(Math.abs(median - measured) <= 0.2 * measured,
    `chain throughput shown ${(median / 1e6).toFixed(0)} Mbit/s (median of ${shown.length}) within 20% of iperf3's ${(measured / 1e6).toFixed(0)} Mbit/s`);
}

async function checkLinkForm(page, call) {
  const before = await pingRttMs(call);
  check(before > 9 && before < 14, `RTT before ${before} ms (2 x 5 ms)`);
  await page.click('#links tr[data-link="dc1|dc2"]');
  await page.waitForSelector("#link-form");
  await setField(page, '#link-form input[name="delay"]', "20");
  await page.click('#link-form button[type="submit"]');
  await until("the form's answer", () => page.$eval("#link-form .status", (s) => s.textContent === "applied"));
  const after = await pingRttMs(call);
  check(after > 38 && after < 45, `RTT after setting 20 ms in the page: ${after} ms (2 x 20 ms)`);
}

// The cdn-demo package as a .son (a zip of its tree, META-INF/ at the top) in `dir`.
function zipPackage(dir) {
  const file = join(dir, "cdn-demo.son");
  const source = join(here, "../../examples/services/cdn-demo");
  const py = "import shutil, sys; shutil.make_archive(sys.argv[1][:-4], 'zip', sys.argv[2])";
  const r = spawnSync("python3", ["-c", py, file.replace(/\.son$/, ".zip"), source], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`zipping the package: ${r.stderr}`);
  }
  spawnSync("mv", [file.replace(/\.son$/, ".zip"), file]);
  return file;
}

const kCdnVnfs = ["proxy", "forwarder", "web"];

async function checkServices(page, dir) {
  const input = await until("the upload field", () => page.$('#services input[type="file"]'));
  await input.uploadFile(zipPackage(dir));
  await until("the uploaded service", () => page.$('#service-list tr[data-service="cdn-demo"]'));
  check(true, "the package uploaded in the page is listed");
  await page.click('#service-list tr[data-service="cdn-demo"] button.instantiate');
  const nodes = await until("the service's VNFs in the graph", async () => {
    const n = await graphNodes(page);
    return kCdnVnfs.every((v) => n.includes(v)) && n;
  }, 30000).catch(() => graphNodes(page));
  check(kCdnVnfs.every((v) => nodes.includes(v)), `instantiating it adds ${kCdnVnfs} to the graph (${nodes})`);
  await until("the service instance row", () => page.$("#service-instances button.terminate"));
  await page.click("#service-instances button.terminate");
  const left = await until("the VNFs gone", async () => {
    const n = await graphNodes(page);
    return kCdnVnfs.every((v) => !n.includes(v)) && n;
  }, 30000).catch(() => graphNodes(page));
  check(kCdnVnfs.every((v) => !left.includes(v)), `terminating it removes them (${left})`);
}

async function checkCapture(page, call, dir) {
  const downloads = join(dir, "downloads");
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
  // The table re-sorts by CPU every second: filtered to one row, the click cannot land on another.
  await setField(page, "#instance-filter", "client");
  await page.click('#instances tr[data-instance="client"]');
  await page.waitForSelector('#capture button[data-interface="emu0"]');
  await setField(page, "#instance-filter", "");
  await setField(page, '#capture input[name="seconds"]', "3");
  await setField(page, '#capture input[name="filter"]', "icmp");
  // The server attaches the capture before it answers: once the answer's headers are in, it sees.
  const started = page.waitForResponse((r) => r.url().includes("/capture/emu0"));
  await page.click('#capture button[data-interface="emu0"]');
  await started;
  await call("POST", "/restapi/compute/exec/client", { cmd: "ping -c 4 -i 0.2 10.0.0.2", timeout: 30 });
  const file = join(downloads, "client-emu0.pcapng");
  await until("the downloaded capture", () => existsSync(file) && page.$eval("#capture .status", (s) => s.textContent.includes("bytes")), 20000)
    .catch(() => false);
  const status = await page.$eval("#capture .status", (s) => s.textContent);
  const read = spawnSync("tcpdump", ["-nr", file], { encoding: "utf8" });
  const requests = (read.stdout.match(/ICMP echo request/g) ?? []).length;
  const replies = (read.stdout.match(/ICMP echo reply/g) ?? []).length;
  check(read.status === 0 && requests === 4 && replies === 4,
    `the capture downloaded from the page holds the 4 pings both ways (${requests} requests, ${replies} replies; the page: ${status}; tcpdump: ${read.status})`);
}

// A Keystone token of dc1 (admin/admin, the default user on loopback), then a Neutron network.
async function checkOpenStack(page) {
  const auth = await fetch("http://127.0.0.1:5962/v3/auth/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user: { name: "admin", domain: { name: "Default" }, password: "admin" } } } } }),
  });
  const osToken = auth.headers.get("x-subject-token");
  const net = await fetch(`http://127.0.0.1:${5962 + 4696}/v2.0/networks`, {
    method: "POST",
    headers: { "X-Auth-Token": osToken ?? "", "Content-Type": "application/json" },
    body: JSON.stringify({ network: { name: "dash-net" } }),
  });
  check(auth.ok && net.ok, `Keystone ${auth.status}, Neutron network create ${net.status}`);
  const shown = await until("the network in the page", () => page.$('#openstack tr[data-pop="dc1"] [data-network="dash-net"]'), 15000)
    .catch(() => null);
  check(shown !== null, "the network created with Neutron is in the page's OpenStack view");
}

function checkRequests(requests, token) {
  const foreign = requests.filter((r) => ![kOrigin, kGatekeeper].includes(new URL(r.url).origin));
  check(foreign.length === 0, `no request went elsewhere than the dashboard's origin and the gatekeeper's (${requests.length} made${foreign.length ? `; foreign: ${foreign.map((r) => r.url)}` : ""})`);
  // Preflights (OPTIONS) to the gatekeeper carry no credentials, by the CORS rules.
  const apiCalls = requests.filter((r) => !new URL(r.url).pathname.startsWith("/dashboard") && r.method !== "OPTIONS");
  const bare = apiCalls.filter((r) => r.headers.authorization !== `Bearer ${token}`);
  check(apiCalls.length > 0 && bare.length === 0,
    `all ${apiCalls.length} API requests carried the token${bare.length ? `; not: ${bare.map((r) => r.url)}` : ""}`);
}

async function main() {
  if (process.getuid() !== 0) {
    log("SKIP: needs root (chainlab run)");
    return kSkipped;
  }
  if (!existsSync(kChromium)) {
    log(`SKIP: ${kChromium} is not installed (Debian's chromium)`);
    return kSkipped;
  }
  const puppeteer = createRequire(join(resolve(modules), "x.js"))("puppeteer-core");
  const dir = mkdtempSync(join(tmpdir(), "chainlab-dashboard-"));
  const { proc, token } = await startRun(join(dir, "catalogue"));
  let browser;
  try {
    const call = api(token);
    await setUpInstances(call);
    browser = await puppeteer.launch({ executablePath: kChromium, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
    const page = await browser.newPage();
    const requests = [];
    page.on("request", (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers() }));
    page.on("pageerror", (e) => check(false, `no script error in the page: ${e.message}`));
    const res = await page.goto(`${kOrigin}/dashboard/#token=${token}`);
    check(res.headers()["content-security-policy"]?.startsWith("default-src 'self'"), "the page's CSP is default-src 'self'");
    await checkContent(page);
    await checkThroughput(page, call);
    await checkLinkForm(page, call);
    await checkElan(page, call);
    await checkCapture(page, call, dir);
    await checkOpenStack(page);
    await checkServices(page, dir);
    checkRequests(requests, token);
  } finally {
    await browser?.close();
    if (proc.exitCode === null) {
      proc.kill("SIGINT");
      await new Promise((r) => proc.on("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const leftovers = spawnSync(chainlab, ["cleanup", "--check"], { encoding: "utf8" });
  check(leftovers.status === 0, `chainlab cleanup --check finds nothing (${leftovers.stdout.trim()})`);
  log(failures.length ? `${failures.length} check(s) failed` : "all checks passed");
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
