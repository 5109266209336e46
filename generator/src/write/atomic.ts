// Writes a whole directory tree so that readers see either the old tree or the new one:
// the new tree is built beside the target and swapped in with renames. A failure before
// the swap leaves the previous output exactly as it was.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeTreeAtomically(target: string, files: Map<string, string>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.new-${process.pid}`);
  const previous = join(parent, `.${basename(target)}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const full = join(staging, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(target)) renameSync(previous, target);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}

/** One file, written beside its target and renamed over it. */
export function writeFileAtomically(target: string, content: string): void {
  const staging = `${target}.new-${process.pid}`;
  writeFileSync(staging, content);
  renameSync(staging, target);
}
