// Writes output so that readers see either the old state or the new one. Everything is
// prepared beside its target first (trees in staging directories, files in staging files);
// only when all of it is on disk are the targets swapped in with renames, and a failing
// rename puts back the ones already swapped. A failure therefore changes nothing.
import * as nodeFs from "node:fs";
import { basename, dirname, join } from "node:path";

/** One target of a write: a whole directory tree, one file, or a file to remove. */
export type OutputChange =
  | { kind: "tree"; target: string; files: Map<string, string> }
  | { kind: "file"; target: string; content: string }
  | { kind: "remove"; target: string };

/** The file system calls the writer uses, replaceable so a test can make one fail. */
export type WriterFs = Pick<typeof nodeFs, "existsSync" | "mkdirSync" | "renameSync" | "rmSync" | "writeFileSync">;

function sibling(target: string, role: "new" | "old"): string {
  return join(dirname(target), `.${basename(target)}.${role}-${process.pid}`);
}

function prepare(change: OutputChange, fs: WriterFs): void {
  if (change.kind === "remove") return;
  const staging = sibling(change.target, "new");
  fs.mkdirSync(dirname(change.target), { recursive: true });
  fs.rmSync(staging, { recursive: true, force: true });
  if (change.kind === "file") {
    fs.writeFileSync(staging, change.content);
    return;
  }
  for (const [path, content] of [...change.files].sort(([a], [b]) => a.localeCompare(b))) {
    const full = join(staging, path);
    fs.mkdirSync(dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

/** Applies every change, or none of them. */
export function writeAllAtomically(changes: OutputChange[], fs: WriterFs = nodeFs): void {
  try {
    for (const change of changes) prepare(change, fs);
  } catch (error) {
    for (const change of changes) fs.rmSync(sibling(change.target, "new"), { recursive: true, force: true });
    throw error;
  }
  // Swapped targets, in order, with whether the old content was moved aside.
  const done: Array<{ change: OutputChange; hadPrevious: boolean; placed: boolean }> = [];
  try {
    for (const change of changes) {
      const step = { change, hadPrevious: fs.existsSync(change.target), placed: false };
      done.push(step);
      if (step.hadPrevious) fs.renameSync(change.target, sibling(change.target, "old"));
      if (change.kind !== "remove") {
        fs.renameSync(sibling(change.target, "new"), change.target);
        step.placed = true;
      }
    }
  } catch (error) {
    for (const { change, hadPrevious, placed } of done.reverse()) {
      if (placed) fs.rmSync(change.target, { recursive: true, force: true });
      if (hadPrevious && fs.existsSync(sibling(change.target, "old"))) fs.renameSync(sibling(change.target, "old"), change.target);
    }
    for (const change of changes) fs.rmSync(sibling(change.target, "new"), { recursive: true, force: true });
    throw error;
  }
  for (const change of changes) fs.rmSync(sibling(change.target, "old"), { recursive: true, force: true });
}

export function writeTreeAtomically(target: string, files: Map<string, string>): void {
  writeAllAtomically([{ kind: "tree", target, files }]);
}

/** One file, written beside its target and renamed over it. */
export function writeFileAtomically(target: string, content: string): void {
  writeAllAtomically([{ kind: "file", target, content }]);
}
