// The CLI as one CommonJS file with V8's code cache of it, both made by the build
// (precompile-cli.js after tsc). Loading ~100 ES modules and compiling them is a large part of
// a short command such as `promstack validate`; one script read with its code cache skips the
// module resolution and most of the compilation. bin/promstack.js uses it while it is current
// and falls back to the modules otherwise. Only Node's built-ins here: this runs before the CLI.
// CommonJS (.cts), like bin/promstack.js, so a command starts without Node's ES module loader.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { readGeneratedText } from "./generated-text.cjs";

export type Main = (args: string[], io?: { out: (line: string) => void; err: (line: string) => void }) => Promise<number>;

const dir = join(__dirname, "bundle");
export interface BundleFiles {
  script: string;
  codeCache: string;
  /** tsc -b rewrites it whenever it compiles: a bundle older than it was made from older modules. */
  buildInfo: string;
}
export const bundleFiles: BundleFiles = {
  script: join(dir, "promstack.cjs"),
  codeCache: join(dir, "promstack.v8cache"),
  buildInfo: join(__dirname, "..", "..", ".tsbuildinfo"),
};

/** The bundle's source wrapped as a CommonJS module function (as Node wraps a .cjs file). */
export function bundleScript(files: BundleFiles = bundleFiles, cachedData?: Buffer): Script {
  const source = readGeneratedText(files.script);
  return new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: files.script, ...(cachedData ? { cachedData } : {}) });
}

export function runBundle(script: Script, files: BundleFiles = bundleFiles): { main: Main } {
  const module = { exports: {} as { main: Main } };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  wrapper(module.exports, createRequire(files.script), module, files.script, dirname(files.script));
  return module.exports;
}

/** The bundled CLI's main, or undefined when the bundle is missing or older than the last compile. */
export function bundledMain(files: BundleFiles = bundleFiles): Main | undefined {
  if (!existsSync(files.script) || !existsSync(files.codeCache)) return undefined;
  if (existsSync(files.buildInfo) && statSync(files.buildInfo).mtimeMs > statSync(files.script).mtimeMs) return undefined;
  // V8 rejects a cache made by another Node version or for other source; the script then compiles as usual.
  return runBundle(bundleScript(files, readFileSync(files.codeCache)), files).main;
}
