// Credentials found in a source become keys of one Kubernetes Secret. The profile only names
// them ({name, key}); the values appear in the printed `kubectl create secret` command alone.
// A credential the source reads from a file (`*_file`) is taken from that same file
// (--from-file), so the command holds no secret; an inline one must be spelled out
// (--from-literal), since the source file is the only place that holds it.
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

  /** A Secret key filled from the file the source reads the credential from. */
  file(hint: string, path: string, where: Where): SecretRef {
    const same = this.entries.find((entry) => entry.file === path);
    if (same) return { name: this.name, key: same.key };
    return this.add({ key: this.freeKey(hint), file: path, where });
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
    const notes = this.entries.map((entry) => `# ${entry.key}: ${entry.where.file}:${entry.where.line}: ${entry.where.key}${entry.file !== undefined ? " (read from the file the source names)" : ""}`);
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
    const base = secretKey(hint);
    let key = base;
    for (let n = 2; this.entries.some((entry) => entry.key === key); n++) key = `${base}-${n}`;
    return key;
  }
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
