// What an import could not carry into the profile: every such source key, with its place and
// the reason, so nothing is dropped silently.
import type { Where } from "./source.js";

export interface Unmapped extends Where {
  reason: string;
}

export class UnmappedReport {
  readonly entries: Unmapped[] = [];

  add(where: Where, reason: string): void {
    this.entries.push({ ...where, reason });
  }

  lines(): string[] {
    return [...this.entries]
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.key.localeCompare(b.key))
      .map((entry) => `${entry.file}:${entry.line}: ${entry.key}: ${entry.reason}`);
  }
}
