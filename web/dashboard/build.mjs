// Builds the dashboard into OUT_DIR (argument 1): index.html, app.js and app.css, minified, with
// every dependency bundled (the page loads nothing else). NODE_MODULES (argument 2) is where
// `npm ci` put the packages (CMake runs it in the build tree, not in the sources).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "dist"));
const modules = resolve(process.argv[3] ?? join(here, "node_modules"));
const { build } = createRequire(join(modules, "resolve-from-here.js"))("esbuild");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(here, "src/app.tsx") },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  nodePaths: [modules],
  outdir: out,
  logLevel: "warning",
  legalComments: "none",
});
for (const file of ["index.html", "favicon.svg"]) {
  copyFileSync(join(here, "src", file), join(out, file));
}
// The script compressed once here, served as is to browsers that take gzip (httplib would gzip it
// on every request; the small files it still does).
for (const file of ["app.js"]) {
  writeFileSync(join(out, `${file}.gz`), gzipSync(readFileSync(join(out, file)), { level: 9 }));
}
