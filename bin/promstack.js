#!/usr/bin/env node
// Entry point for `npx promstack`: runs the compiled CLI (run `make build` first), from the
// build's one-file bundle with its code cache when that is current (faster to start), else
// from the compiled modules. CommonJS (bin/package.json says so): Node then starts it without
// its ES module loader, a few milliseconds of every command.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

const dist = join(__dirname, "..", "dist", "generator", "src");
if (!existsSync(join(dist, "cli.js"))) {
  console.error("promstack: the CLI is not built yet; run `make build` (or `npm ci && npm run build`) first");
  process.exit(2);
}

async function run(args) {
  const main = require(join(dist, "cli-bundle.cjs")).bundledMain() || (await import(pathToFileURL(join(dist, "cli.js")).href)).main;
  process.exitCode = await main(args);
  // validate has finished all its work when main resolves. Leaving at once skips the garbage
  // collection V8 otherwise completes before a natural exit (5-10 ms of a ~150 ms run); only
  // when all output is written (on Linux, writes to files and pipes are synchronous anyway).
  if (args[0] === "validate" && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

run(process.argv.slice(2));
