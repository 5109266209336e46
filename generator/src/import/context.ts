// What every input module writes to: the profile, the unmapped report, the Secret sink and the
// ConfigMaps of file_sd target files.
import { dirname } from "node:path";
import type { ConfigMapSink } from "./files.js";
import type { ProfileBuilder } from "./profile.js";
import type { UnmappedReport } from "./report.js";
import type { SecretSink } from "./secrets.js";
import type { Src } from "./source.js";

export interface ImportContext {
  profile: ProfileBuilder;
  report: UnmappedReport;
  sink: SecretSink;
  configMaps: ConfigMapSink;
  /** Files other inputs point at (rule_files, templates) that the import read as well. */
  readRelated: (pattern: string, from: string) => string[];
  /** Rule group names already imported, with where they came from. */
  groups: Map<string, string>;
}

/** Reports every key of a mapping that a handler table does not know. */
export function unknownKeys(ctx: ImportContext, src: Src, known: Iterable<string>, reason: (key: string) => string): void {
  const value = src.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const set = new Set(known);
  for (const key of Object.keys(value)) if (!set.has(key)) ctx.report.add(src.where([key]), reason(key));
}

export function baseDir(src: Src): string {
  return dirname(src.file);
}
