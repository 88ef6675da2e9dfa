// Dashboard cost with many instances (issue 17's targets: first render < 2 s, an update < 100 ms
// of main-thread time): `chainlab run` with PoPs dc1..dc5, N native instances (sleep) spread over
// them, then headless Chromium opens the dashboard and measures
//   first render   navigation start -> every PoP is in the graph with its instance count (a PoP
//                  with more than 40 is drawn folded), the table's first 50 rows drawn (it shows
//                  the 50 busiest unless told to show all)
//   per update     main-thread time (CDP Performance.getMetrics TaskDuration) per second of
//                  steady polling (one update a second), and the longest task in that window
//
//   node bench/dashboard.mjs BUILD_DIR [--instances N] [--seconds S]
// Prints a markdown table; root, Chromium (/usr/bin/chromium) and the build's node_modules needed.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const build = resolve(args[0] ?? "build");
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const count = opt("--instances", 500);
const seconds = opt("--seconds", 10);
const port = 5970;
const origin = `http://127.0.0.1:${port}`;
const pops = ["dc1", "dc2", "dc3", "dc4", "dc5"];
const puppeteer = createRequire(join(build, "web/node_modules/x.js"))("puppeteer-core");

function startRun(dir) {
  const topo = join(dir, "topology.yaml");
  const links = pops.slice(1).map((p, i) => `  - {a: ${pops[i]}, b: ${p}, delay: 1ms}`).join("\n");
  writeFileSync(topo, `name: dashboard-bench\nemulator: {rest_port: ${port}}\npops:\n${pops.map((p) => `  - name: ${p}`).join("\n")}\nlinks:\n${links}\n`);
  const proc = spawn(join(build, "chainlab"), ["run", topo, "--duration", "1800"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  return new Promise((res, rej) => {
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/API token[^:]*: (\S+api\.json)/);
      if (m && /is up/.test(out) && !proc.token) {
        proc.token = JSON.parse(readFileSync(m[1], "utf8")).token;
        res(proc);
      }
    });
    proc.on("exit", (c) => rej(new Error(`chainlab run exited (${c})`)));
  });
}

async function startInstances(token) {
  const started = Date.now();
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, k) => {
        const n = i + k;
        return fetch(`${origin}/restapi/compute/${pops[n % pops.length]}/vnf${n}`, {
          method: "PUT",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ docker_command: "sleep 3600", network: `(id=emu0,ip=10.${n >> 8}.${n & 255}.1/8)` }),
        }).then((r) => r.ok || Promise.reject(new Error(`vnf${n}: ${r.status}`)));
      }),
    );
    process.stderr.write(`\r${Math.min(i + 10, count)}/${count} instances`);
  }
  process.stderr.write(` (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

async function measure(page, token) {
  const cdp = await page.createCDPSession();
  await cdp.send("Performance.enable");
  const t0 = Date.now();
  await page.goto(`${origin}/dashboard/#token=${token}`);
  await page.waitForFunction(
    (n) => document.querySelectorAll("#instances tr[data-instance]").length >= Math.min(n, 50) &&
      window.chainlabDashboard?.cy.nodes('[kind = "pop"]').reduce((sum, p) => sum + (p.data("hidden") || p.children().length), 0) >= n,
    { timeout: 60000, polling: 100 },
    count,
  );
  const firstRender = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 3000)); // settle
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const before = await metric();
  const longest = await page.evaluate((ms) => new Promise((res) => {
    let max = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (max = Math.max(max, e.duration)))).observe({ type: "longtask" });
    setTimeout(() => res(max), ms);
  }), seconds * 1000);
  const after = await metric();
  return { firstRender, perUpdate: ((after.TaskDuration - before.TaskDuration) * 1000) / seconds, longest };
}

const dir = mkdtempSync(join(tmpdir(), "chainlab-dash-bench-"));
const run = await startRun(dir);
let browser;
try {
  await startInstances(run.token);
  browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const r = await measure(page, run.token);
  console.log(`\n| instances | first render ms | main thread per update ms (1 update/s, ${seconds} s) | longest task ms |`);
  console.log("|---|---|---|---|");
  console.log(`| ${count} | ${r.firstRender} | ${r.perUpdate.toFixed(1)} | ${r.longest.toFixed(0)} |`);
} finally {
  await browser?.close();
  run.kill("SIGINT");
  await new Promise((r) => run.on("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
