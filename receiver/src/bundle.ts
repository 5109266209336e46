/**
 * Bundles the receiver (receiver/src/main.ts and its dependencies ajv and
 * prom-client) into one self-contained CommonJS file that runs with plain
 * `node receiver.js` on Node >= 20, without node_modules.
 *
 * The output is deterministic: same sources, same bytes (no timestamps, no
 * absolute paths, no legal comments).
 *
 * As a script: node dist/receiver/src/bundle.js <out-file>
 */
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export interface BundleOptions {
  /** Entry file (default: receiver/src/main.ts of this repository). */
  entry?: string;
  /** Minify (default true: the bundle ships in a ConfigMap, whose limit is 1 MiB). */
  minify?: boolean;
}

const ENTRY = join('receiver', 'src', 'main.ts');

/** Finds receiver/src/main.ts by walking up from this module (works from receiver/src and from dist/receiver/src). */
export function findEntry(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, ENTRY);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${ENTRY} above ${from}`);
    dir = parent;
  }
}

export async function bundleReceiver(options: BundleOptions = {}): Promise<string> {
  const entry = resolve(options.entry ?? findEntry());
  // Paths esbuild mentions (comments in unminified output) are relative to this directory.
  const root = resolve(dirname(entry), '..', '..');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: options.minify ?? true,
    legalComments: 'none',
    sourcemap: false,
    charset: 'utf8',
    treeShaking: true,
    logLevel: 'silent',
    // Everything is inlined (ajv's JSON meta-schemas included); only node: built-ins stay external.
    packages: 'bundle',
  });
  if (result.errors.length > 0) {
    throw new Error(`esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);
  }
  const warnings = result.warnings.map((w) => w.text);
  if (warnings.length > 0) throw new Error(`esbuild warnings: ${warnings.join('; ')}`);
  const [output] = result.outputFiles ?? [];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const out = process.argv[2];
  if (out === undefined) {
    process.stderr.write('usage: node bundle.js <out-file>\n');
    process.exitCode = 2;
  } else {
    bundleReceiver().then(
      (text) => {
        writeFileSync(out, text);
        process.stdout.write(`${out}: ${Buffer.byteLength(text)} bytes\n`);
      },
      (err: unknown) => {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
