// A screenshot of a page in headless Chromium (docs/dashboard.png is one of the dashboard during
// `make demo`): waits until the instance table has rows, clicks the first chain and instance.
//   node screenshot.mjs NODE_MODULES URL FILE.png
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [modules, url, file] = process.argv.slice(2);
const puppeteer = createRequire(join(resolve(modules), "x.js"))("puppeteer-core");
const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.goto(url);
  await page.waitForSelector("#instances tr[data-instance]");
  await page.click("#chains tr[data-chain]").catch(() => {});
  await page.click("#instances tr[data-instance]");
  await new Promise((r) => setTimeout(r, 3000)); // charts and rates filled
  await page.screenshot({ path: file, fullPage: true });
} finally {
  await browser.close();
}
