// An input file of `promstack import`: every YAML document in it, with the line of any path,
// and a guess of what kind of configuration each document is.
import { readFileSync } from "node:fs";
import { LineCounter, parseAllDocuments } from "yaml";
import { positionOf, type ProfileSource } from "../validate/source.js";

export type Path = Array<string | number>;

/** Where a source value is: file and line, and the key path written as in the source. */
export interface Where {
  file: string;
  line: number;
  key: string;
}

/** A subtree of a parsed document: lines are looked up through the whole document. */
export class Src {
  constructor(
    readonly source: ProfileSource,
    readonly base: Path,
    /** The value at base (undefined when the source has none there). */
    readonly value: unknown,
  ) {}

  get file(): string {
    return this.source.file;
  }

  line(path: Path = [], key = false): number {
    return positionOf(this.source, [...this.base, ...path], key).line;
  }

  /** The source location of a key (path written as the source user would, a.b[0].c). */
  where(path: Path = []): Where {
    return { file: this.file, line: this.line(path, path.length > 0 && typeof path[path.length - 1] === "string"), key: keyPath([...this.base, ...path]) };
  }

  sub(path: Path): Src {
    let value: unknown = this.value;
    for (const segment of path) value = (value as Record<string | number, unknown> | undefined)?.[segment];
    return new Src(this.source, [...this.base, ...path], value);
  }
}

export function keyPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || "(document)";
}

export type InputKind = "alertmanager" | "rules" | "prometheus-rule" | "prometheus" | "kube-prometheus-stack";

export const INPUT_KINDS: InputKind[] = ["alertmanager", "rules", "prometheus-rule", "prometheus", "kube-prometheus-stack"];

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The kind of configuration a document holds, from the keys only that kind has. */
export function detectKind(value: unknown): InputKind | undefined {
  if (!isMapping(value)) return undefined;
  if (value.kind === "PrometheusRule" || (value.kind === "List" && Array.isArray(value.items))) return "prometheus-rule";
  if (isMapping(value.prometheus) && ("prometheusSpec" in value.prometheus)) return "kube-prometheus-stack";
  if (isMapping(value.alertmanager) && ("alertmanagerSpec" in value.alertmanager || "config" in value.alertmanager)) return "kube-prometheus-stack";
  if ("defaultRules" in value || "additionalPrometheusRulesMap" in value) return "kube-prometheus-stack";
  if (Array.isArray(value.groups)) return "rules";
  if ("route" in value || "receivers" in value || "inhibit_rules" in value) return "alertmanager";
  if ("scrape_configs" in value || "rule_files" in value || "remote_write" in value || "global" in value || "alerting" in value) return "prometheus";
  return undefined;
}

export class InputError extends Error {}

/** Parses every document of a file (Prometheus and Alertmanager read YAML as Go's yaml does: no duplicate keys). */
export function readInput(file: string, text = readFileSync(file, "utf8")): Src[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const docs = Array.isArray(documents) ? documents : [documents];
  const out: Src[] = [];
  for (const document of docs) {
    const error = document.errors[0];
    if (error) {
      const position = lineCounter.linePos(error.pos[0]);
      throw new InputError(`${file}:${position.line}:${position.col}: YAML syntax: ${error.message.split("\n")[0]}`);
    }
    const values = document.toJS({ maxAliasCount: 100 });
    if (values === null || values === undefined) continue;
    out.push(new Src({ file, text, document, lineCounter, values, reinterpretations: [], readingWarnings: [] }, [], values));
  }
  return out;
}
