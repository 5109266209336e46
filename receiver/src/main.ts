#!/usr/bin/env node
/**
 * CLI entry point of the alert receiver (also the esbuild bundle's entry).
 * See cli.ts for the options.
 */
import { runCli } from './cli.js';

runCli().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`alert-receiver: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
