// Credentials found in a source become keys of one Kubernetes Secret. The profile only names
// them ({name, key}); the values appear in the printed `kubectl create secret` command alone.
// A credential the source reads from a file (`*_file`) is taken from that same file
// (--from-file), so the command holds no secret; an inline one must be spelled out
// (--from-literal), since the source file is the only place that holds it. A relative path
// is read from the source file's directory, as Prometheus and Alertmanager read it.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Where } from "./source.js";

export interface SecretRef {
  name: string;
  key: string;
}

interface SecretEntry {
  key: string;
  literal?: string;
  file?: string;
  where: Where;
}

export class SecretSink {
  private readonly entries: SecretEntry[] = [];

  constructor(readonly name: string) {}

  /** A Secret key for an inline credential; the same value gets the same key. */
  literal(hint: string, value: string, where: Where): SecretRef {
    const same = this.entries.find((entry) => entry.literal === value);
    if (same) return { name: this.name, key: same.key };
    return this.add({ key: this.freeKey(hint), literal: value, where });
  }

  /** A Secret key filled from the file the source reads (path as the source writes it; the same file gets the same key). */
  file(hint: string, path: string, where: Where): SecretRef {
    const file = sourcePath(path, where.file);
    const same = this.entries.find((entry) => entry.file !== undefined && resolve(entry.file) === resolve(file));
    if (same) return { name: this.name, key: same.key };
    return this.add({ key: this.freeKey(hint), file, where });
  }

  /** Forgets the keys nothing refers to any more (their profile value was not kept). */
  keepOnly(used: Set<string>): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (!used.has(this.entries[i]!.key)) this.entries.splice(i, 1);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The shell command that creates the Secret (each key's source named above it); empty when nothing was found. */
  command(namespace?: string): string[] {
    if (this.entries.length === 0) return [];
    const notes = this.entries.map((entry) => `# ${entry.key}: ${entry.where.file}:${entry.where.line}: ${entry.where.key}${entry.file !== undefined ? ` (read from the file the source names${existsSync(entry.file) ? "" : "; not found here, run this where it is"})` : ""}`);
    const options = this.entries.map((entry) =>
      entry.file !== undefined ? `--from-file=${entry.key}=${shellQuote(entry.file)}` : `--from-literal=${entry.key}=${shellQuote(entry.literal!)}`,
    );
    const head = `kubectl create secret generic ${shellQuote(this.name)}${namespace ? ` --namespace ${shellQuote(namespace)}` : ""}`;
    return [...notes, [head, ...options].join(" \\\n  ")];
  }

  private add(entry: SecretEntry): SecretRef {
    this.entries.push(entry);
    return { name: this.name, key: entry.key };
  }

  private freeKey(hint: string): string {
    return freeKey(secretKey(hint), (key) => this.entries.some((entry) => entry.key === key));
  }
}

/** base, or base with -2, -3, ... before a file extension (ca.pem, ca-2.pem) until taken() says no. */
export function freeKey(base: string, taken: (key: string) => boolean): string {
  const ext = /.\.([a-z0-9]{1,8})$/i.test(base) ? base.slice(base.lastIndexOf(".")) : "";
  const stem = base.slice(0, base.length - ext.length);
  let key = base;
  for (let n = 2; taken(key); n++) key = `${stem}-${n}${ext}`;
  return key;
}

/** A path a source file names, as the shell reaches it from here: relative ones are read from the source's directory. */
export function sourcePath(path: string, sourceFile: string): string {
  return isAbsolute(path) ? path : join(dirname(sourceFile), path);
}

/** A valid Secret data key ([-._a-zA-Z0-9]+) from a hint such as "slack-api_url". */
export function secretKey(hint: string): string {
  const key = hint
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^-.a-z0-9]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return (key || "credential").slice(0, 200);
}

export function shellQuote(value: string): string {
  return /^[-A-Za-z0-9_./:=@+,]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
