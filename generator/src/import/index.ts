// promstack import: reads the given files, maps each to the profile, then keeps only what the
// contract accepts. What it cannot carry is listed with its source line and the reason.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { loadCatalogue } from "../catalogue.js";
import { loadPacks, isAlertKey } from "../rules/packs.js";
import { buildContract } from "../schema/contract.js";
import { createValidator } from "../validate/index.js";
import type { Problem } from "../validate/problem.js";
import { compileContract, precompiledContract } from "../validate/contract-validator.js";
import { schemaProblems } from "../validate/schema-errors.js";
import { parseProfile } from "../validate/source.js";
import { importAlertmanager } from "./alertmanager.js";
import type { ImportContext } from "./context.js";
import { ConfigMapSink, keepUsedMounts } from "./files.js";
import { importKubePrometheusStack } from "./kube-prometheus-stack.js";
import { importPrometheus } from "./prometheus.js";
import { ProfileBuilder } from "./profile.js";
import { UnmappedReport } from "./report.js";
import { importPrometheusRule, importRuleFile } from "./rules.js";
import { SecretSink } from "./secrets.js";
import { detectKind, InputError, keyPath, readInput, type InputKind, type Path, type Src } from "./source.js";

export interface ImportInput {
  file: string;
  /** Forced kind; detected from the content when absent. */
  kind?: InputKind;
}

export interface ImportOptions {
  secretName?: string;
}

export interface ImportResult {
  yaml: string;
  profile: Record<string, unknown>;
  unmapped: UnmappedReport;
  secrets: SecretSink;
  /** ConfigMaps of file_sd target files the profile mounts (created by their printed commands). */
  configMaps: ConfigMapSink;
  /** Warnings `promstack validate` prints for the written profile. */
  warnings: Problem[];
  kinds: Array<{ file: string; kind: InputKind }>;
}

const importers: Record<InputKind, (src: Src, ctx: ImportContext, packAlerts: Map<string, string>) => void> = {
  alertmanager: (src, ctx) => importAlertmanager(src, ctx),
  rules: (src, ctx) => importRuleFile(src, ctx),
  "prometheus-rule": (src, ctx) => importPrometheusRule(src, ctx),
  prometheus: (src, ctx) => importPrometheus(src, ctx),
  "kube-prometheus-stack": (src, ctx, packs) => importKubePrometheusStack(src, ctx, packs),
};

/** Files a config names by glob (rule_files, templates), relative to the config's directory; `*` and `?` in the last segment. */
export function globFiles(pattern: string, from: string): string[] {
  const full = isAbsolute(pattern) ? pattern : resolve(from, pattern);
  const name = basename(full);
  if (!/[*?[]/.test(name)) return existsSync(full) ? [full] : [];
  const dir = dirname(full);
  if (!existsSync(dir)) return [];
  const regex = new RegExp(`^${name.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
  return readdirSync(dir).filter((entry) => regex.test(entry)).sort().map((entry) => join(dir, entry));
}

function packAlertNames(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [group, rules] of Object.entries(loadPacks())) for (const key of Object.keys(rules ?? {})) if (isAlertKey(key)) out.set(key, group);
  return out;
}

export function importFiles(inputs: ImportInput[], options: ImportOptions = {}): ImportResult {
  const profile = new ProfileBuilder();
  const report = new UnmappedReport();
  const sink = new SecretSink(options.secretName ?? "promstack-imported");
  const configMaps = new ConfigMapSink(sink.name);
  const ctx: ImportContext = { profile, report, sink, configMaps, readRelated: globFiles, groups: new Map() };
  const packs = packAlertNames();
  const kinds: Array<{ file: string; kind: InputKind }> = [];
  // Top-level order of the written profile.
  for (const key of ["global", "prometheus", "alertmanager", "rules", "grafana"]) profile.values[key] = {};
  for (const input of inputs) {
    const docs = readInput(input.file);
    if (docs.length === 0) throw new InputError(`${input.file}: empty file`);
    for (const doc of docs) {
      const kind = input.kind ?? detectKind(doc.value);
      if (!kind)
        throw new InputError(`${input.file}:${doc.line()}: cannot tell what this document is (expected an alertmanager.yml, a rule file, a PrometheusRule, a prometheus.yml or kube-prometheus-stack values); name its kind with an option`);
      kinds.push({ file: input.file, kind });
      importers[kind](doc, ctx, packs);
    }
  }
  for (const key of Object.keys(profile.values)) if (Object.keys(profile.values[key] as object).length === 0) delete profile.values[key];
  const groupsColliding = Object.keys((profile.values.rules as object | undefined) ?? {}).filter((group) => [...packs.values()].includes(group));
  for (const group of groupsColliding)
    profile.note(["rules", group], undefined, `"${group}" is also a built-in pack's group: its alerts are rendered in this group too (switch them off with enabled: false).`);
  fitToContract(profile, report);
  const mountedKeys = keepUsedMounts(ctx);
  for (const key of Object.keys(profile.values)) {
    const value = profile.values[key];
    if (value !== null && typeof value === "object" && Object.keys(value).length === 0) delete profile.values[key];
  }
  sink.keepOnly(new Set([...secretKeysIn(profile.values, sink.name), ...mountedKeys]));
  const yaml = profile.toYaml(headerComment(kinds, sink, configMaps));
  const warnings = validateText(yaml).filter((p) => p.severity === "warning");
  return { yaml, profile: profile.values, unmapped: report, secrets: sink, configMaps, warnings, kinds };
}

/** The keys of the import's Secret that the profile refers to. */
function secretKeysIn(value: unknown, name: string, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) secretKeysIn(item, name, out);
  else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record.name === name && typeof record.key === "string") out.add(record.key);
    for (const item of Object.values(record)) secretKeysIn(item, name, out);
  }
  return out;
}

// Built once per process: an import validates its profile several times.
let checker: { contract: ReturnType<typeof buildContract>["umbrella"]; validate: ReturnType<typeof compileContract>; validator: ReturnType<typeof createValidator> } | undefined;
function contractChecker(): NonNullable<typeof checker> {
  if (!checker) {
    const catalogue = loadCatalogue();
    const compiled = precompiledContract();
    const contract = compiled?.contract ?? buildContract(catalogue).umbrella;
    const validate = compiled?.validate ?? compileContract(contract);
    checker = { contract, validate, validator: createValidator(contract, catalogue, validate) };
  }
  return checker;
}

/** `promstack validate` on a profile text. */
function validateText(text: string): Problem[] {
  const { validator } = contractChecker();
  const dir = mkdtempSync(join(tmpdir(), "promstack-import-"));
  try {
    const file = join(dir, "profile.yaml");
    writeFileSync(file, text);
    return validator([file]).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function headerComment(kinds: Array<{ file: string; kind: InputKind }>, sink: SecretSink, configMaps: ConfigMapSink): string {
  const lines = [" Imported by `promstack import` from:", ...kinds.map((k) => `   ${k.file} (${k.kind})`)];
  lines.push(" Keys the import could not map are listed on its standard error; they are not in this profile.");
  if (sink.size > 0) lines.push(` Credentials and the files the source reads are in the Secret ${sink.name} (the import printed the kubectl command that creates it).`);
  if (configMaps.names.length > 0) lines.push(` file_sd target files are in the ConfigMap(s) ${configMaps.names.join(", ")} (the import printed the kubectl commands that create them).`);
  lines.push(" The chart's built-in rule packs stay enabled unless switched off (rules.<pack>.enabled: false).");
  return lines.join("\n");
}

/**
 * Removes what the contract refuses, reporting each removed value at its source line: the
 * import maps to the contract as it is meant to be, and whatever this version cannot take yet
 * is listed instead of written. Stops when `validate` finds no error.
 */
function fitToContract(profile: ProfileBuilder, report: UnmappedReport): void {
  const { contract, validate } = contractChecker();
  for (let round = 0; round < 200; round++) {
    const text = profile.toYaml("");
    const parsed = parseProfile("imported.yaml", text);
    if (!parsed.ok) throw new Error(`internal: the imported profile does not parse: ${parsed.problems[0]?.message}`);
    let problems = schemaProblems(validate, contract, parsed.source);
    if (problems.length === 0) problems = validateText(text).filter((p) => p.severity === "error");
    if (problems.length === 0) return;
    const paths = prunePaths(problems.map((p) => ({ path: parseDottedPath(p.path), message: p.message })));
    // A problem no imported value causes (a value the sources leave to the chart's defaults that
    // those defaults cannot give) is the sources' gap: say what to add rather than loop.
    if (paths.length === 0 || paths.every(({ path }) => profile.get(path) === undefined))
      throw new InputError(`the sources leave the profile incomplete; add to it by hand: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    for (const { path, message } of paths) {
      if (profile.isOptional(path)) {
        profile.delete(path);
        continue;
      }
      const where = profile.whereOf(path) ?? { file: "(import)", line: 0, key: keyPath(path) };
      report.add(where, `not expressible in this promstack contract (${keyPath(path)}: ${message})`);
      profile.delete(path);
    }
  }
  throw new Error("internal: the import did not converge on a valid profile");
}

/** What to remove for each problem: a route or inhibit rule whose matcher is refused goes whole (a dropped matcher would widen it). */
function prunePaths(problems: Array<{ path: Path; message: string }>): Array<{ path: Path; message: string }> {
  const chosen = new Map<string, { path: Path; message: string }>();
  for (const problem of problems) {
    let path = problem.path;
    const m = path.findIndex((segment) => segment === "matchers" || segment === "sourceMatchers" || segment === "targetMatchers");
    if (m > 0 && typeof path[m - 1] === "number") path = path.slice(0, m);
    // A raw scrape job or a rule goes whole (half a job scrapes something else); a group without its list goes whole.
    if (path[0] === "prometheus" && path[1] === "extraScrapeConfigs" && path.length > 3) path = path.slice(0, 3);
    if (path[0] === "rules" && path[2] === "rules") path = path.length === 3 ? path.slice(0, 2) : path.slice(0, 4);
    if (path.length === 0) continue;
    chosen.set(JSON.stringify(path), { path, message: problem.message });
  }
  const all = [...chosen.values()];
  // Outermost only, and list items from the last so earlier indices stay valid.
  const outer = all.filter((a) => !all.some((b) => b !== a && b.path.length < a.path.length && b.path.every((s, i) => a.path[i] === s)));
  return outer.sort((a, b) => compareDesc(a.path, b.path));
}

function compareDesc(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === "number" && typeof b[i] === "number") return (b[i] as number) - (a[i] as number);
    return String(b[i]).localeCompare(String(a[i]));
  }
  return b.length - a.length;
}

/** The inverse of validate's dottedPath: a.b[0]["x y"] to segments. */
export function parseDottedPath(text: string): Path {
  const out: Path = [];
  const pattern = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z_][A-Za-z0-9_-]*)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    if (match[1] !== undefined) out.push(Number(match[1]));
    else if (match[2] !== undefined) out.push(JSON.parse(match[2]) as string);
    else out.push(match[3]!);
    if (pattern.lastIndex >= text.length) break;
  }
  return out;
}
