#!/usr/bin/env node
// Entry point for `npx promstack`: runs the compiled CLI (run `make build` first), from the
// build's one-file bundle with its code cache when that is current (faster to start), else
// from the compiled modules.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/generator/src/cli.js", import.meta.url));
const bundle = fileURLToPath(new URL("../dist/generator/src/cli-bundle.js", import.meta.url));
if (!existsSync(cli)) {
  console.error("promstack: the CLI is not built yet; run `make build` (or `npm ci && npm run build`) first");
  process.exit(2);
}
const main = (existsSync(bundle) && (await import(bundle)).bundledMain()) || (await import(cli)).main;
process.exitCode = await main(process.argv.slice(2));
