// The command-line flags the chart itself gives each container that takes extraArgs, read
// from the chart's own templates (the same files Helm renders, so the two cannot drift).
// Prometheus, Alertmanager and the exporters refuse a flag given twice, so an extraArgs key
// that repeats one of them stops the pod from starting.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { paths, repoRoot } from "../paths.js";
import type { Findings } from "./findings.js";
import { flagValueProblem, goDurationPositive, ratioInRange, type FlagValueSchema } from "./flag-values.js";
import { suggestion } from "./schema-errors.js";

export interface ChartFlags {
  /** Values path of the extraArgs owner, e.g. ["prometheus"] or ["exporters", "nodeExporter"]. */
  owner: string[];
  template: string;
  /** Flags the chart sets (some only under a condition). */
  flags: Set<string>;
  /** Flags rendered in a loop: the program accepts them many times. */
  repeatable: Set<string>;
  /** Flags the chart leaves out when extraArgs sets them. */
  overridable: Set<string>;
}

const FLAG_LINE = /^\s*-\s*"?--([A-Za-z0-9][\w.-]*)/;

/** Reads the args blocks that end in the promstack.extraArgs include, in every subchart template. */
export function chartFlags(chartDir: string = paths.chart): ChartFlags[] {
  const out: ChartFlags[] = [];
  const subcharts = join(chartDir, "charts");
  for (const subchart of readdirSync(subcharts).sort()) {
    const templates = join(subcharts, subchart, "templates");
    if (!existsSync(templates)) continue; // a chart of CRDs only (prometheus-operator-crds)
    for (const name of readdirSync(templates).filter((f) => f.endsWith(".yaml")).sort()) {
      const file = join(templates, name);
      const lines = readFileSync(file, "utf8").split("\n");
      const valuesAlias = /\$values\s*:=\s*\.Values\.(\w+)/.exec(lines.join("\n"))?.[1];
      lines.forEach((line, index) => {
        const include = /with\s+(\$values|\.Values)\.extraArgs\s*\}\}\s*\{\{\s*include\s+"promstack\.extraArgs"/.exec(line);
        if (!include) return;
        const owner = include[1] === "$values" ? [subchart, valuesAlias ?? "?"] : [subchart];
        const flags = new Set<string>();
        const repeatable = new Set<string>();
        const overridable = new Set<string>();
        for (let at = index - 1; at >= 0 && !/^\s*args:\s*$/.test(lines[at]!); at--) {
          const text = lines[at]!;
          for (const m of text.matchAll(/hasKey\s+\S+\.extraArgs\s+"([^"]+)"/g)) overridable.add(m[1]!);
          const flag = FLAG_LINE.exec(text)?.[1];
          if (!flag) continue;
          flags.add(flag);
          if (insideRange(lines, at) || PROGRAM_REPEATABLE.has(flag)) repeatable.add(flag);
        }
        out.push({ owner, template: relative(repoRoot, file), flags, repeatable, overridable });
      });
    }
  }
  return out;
}

// Flags the programs themselves take more than once: Prometheus, Alertmanager and the exporters
// listen on every --web.listen-address given (the Prometheus exporter toolkit's flag).
const PROGRAM_REPEATABLE = new Set(["web.listen-address"]);

/** Whether line `at` of an args block is inside a {{ range }} loop. */
function insideRange(lines: string[], at: number): boolean {
  const stack: string[] = [];
  let start = at;
  while (start > 0 && !/^\s*args:\s*$/.test(lines[start]!)) start--;
  for (let i = start; i < at; i++) {
    const open = /\{\{-?\s*(if|with|range)\b/.exec(lines[i]!);
    if (open) stack.push(open[1]!);
    else if (/\{\{-?\s*end\b/.test(lines[i]!)) stack.pop();
  }
  return stack.includes("range");
}

let cached: ChartFlags[] | undefined;
interface ProgramFlags {
  names: string[];
  values: Record<string, FlagValueSchema>;
}

// The programs whose flags are generated from their sources: the schema file and definitions.
// Besides parsing, the programs refuse to start on some values they parse: Alertmanager on an
// interval that is not positive (app/options.go Validate: the cluster's only with clustering,
// refused here always), Prometheus on a GOMEMLIMIT ratio outside (0, 1].
const PROGRAM_FLAGS: Record<string, { file: string; names: string; values: string; program: string; positive: string[] }> = {
  prometheus: { file: "prometheus-scrape-config.schema.json", names: "promRawServerFlag", values: "promRawServerFlagValues", program: "Prometheus", positive: [] },
  alertmanager: {
    file: "alertmanager-flags.schema.json",
    names: "amRawServerFlag",
    values: "amRawServerFlagValues",
    program: "Alertmanager",
    positive: ["data.retention", "data.maintenance-interval", "alerts.gc-interval", "dispatch.maintenance-interval", "cluster.peer-timeout", "cluster.peers-resolve-timeout", "cluster.gossip-interval", "cluster.pushpull-interval", "cluster.tcp-timeout", "cluster.probe-timeout", "cluster.probe-interval", "cluster.reconnect-interval", "cluster.reconnect-timeout"],
  },
};

/** Why the program refuses a value it parses, or undefined. */
export function rangeProblem(owner: string, flag: string, value: string): string | undefined {
  if (PROGRAM_FLAGS[owner]?.positive.includes(flag) && !goDurationPositive(value)) return "must be above zero";
  // Alertmanager checks the ratio only with --enable-feature=auto-gomemlimit.
  if (owner === "prometheus" && flag === "auto-gomemlimit.ratio" && !ratioInRange(value)) return "must be greater than 0 and at most 1";
  return undefined;
}
const programFlags = new Map<string, ProgramFlags>();

function flagsOf(owner: string): ProgramFlags | undefined {
  const source = PROGRAM_FLAGS[owner];
  if (!source) return undefined;
  let flags = programFlags.get(owner);
  if (!flags) {
    const schema = JSON.parse(readFileSync(join(paths.schemas, source.file), "utf8")) as { definitions: Record<string, { enum?: string[]; properties?: Record<string, FlagValueSchema> }> };
    flags = { names: schema.definitions[source.names]?.enum ?? [], values: schema.definitions[source.values]?.properties ?? {} };
    programFlags.set(owner, flags);
  }
  return flags;
}

/** The flags the pinned prometheus binary parses, generated from its sources with the scrape_config schema. */
export function prometheusServerFlags(): string[] {
  return flagsOf("prometheus")!.names;
}


/** Errors for extraArgs keys that repeat a flag the chart already passes. */
export function checkExtraArgs(values: Record<string, unknown>, findings: Findings, flags: ChartFlags[] = (cached ??= chartFlags())): void {
  for (const entry of flags) {
    const [component, ...rest] = entry.owner;
    const componentValues = values[component!] as Record<string, unknown> | undefined;
    if (componentValues?.enabled === false) continue;
    const owner = rest.reduce<Record<string, unknown> | undefined>((node, key) => node?.[key] as Record<string, unknown> | undefined, componentValues);
    if (owner && owner.enabled === false) continue;
    for (const key of Object.keys((owner?.extraArgs as Record<string, string> | undefined) ?? {})) {
      // kingpin also reads a boolean flag X as --no-X.
      const flag = key.startsWith("no-") && entry.flags.has(key.slice(3)) ? key.slice(3) : key;
      const program = flagsOf(entry.owner.join("."));
      if (program) {
        const { program: name } = PROGRAM_FLAGS[entry.owner.join(".")]!;
        const known = program.names;
        if (known.length > 0 && !known.includes(flag) && !(key.startsWith("no-") && known.includes(key.slice(3)))) {
          findings.add("error", [...entry.owner, "extraArgs", key], `--${key} is not a flag of the pinned ${name}, which would refuse to start${suggestion(key, known)}`, undefined, true);
          continue;
        }
        // no-<flag> negates a boolean flag, and like it takes no value.
        const negated = !(key in program.values) && key.startsWith("no-") ? program.values[key.slice(3)] : undefined;
        if (negated && negated.title !== "GoBool") {
          findings.add("error", [...entry.owner, "extraArgs", key], `--${key}: only a boolean flag has a no- form, and --${key.slice(3)} is not one; the pinned ${name} would refuse to start`);
          continue;
        }
        const kind = program.values[key] ?? negated;
        const value = (owner!.extraArgs as Record<string, string>)[key]!;
        const problem = kind && (flagValueProblem(kind, value) ?? rangeProblem(entry.owner.join("."), key, value));
        if (problem) findings.add("error", [...entry.owner, "extraArgs", key], `--${key}=${JSON.stringify(value)} ${problem}: the pinned ${name} would refuse to start`);
      }
      if (!entry.flags.has(flag) || entry.repeatable.has(flag) || entry.overridable.has(flag)) continue;
      findings.add("error", [...entry.owner, "extraArgs", key], `--${key} is already passed by the chart (${entry.template}); a flag given twice stops the program at start ("cannot be repeated")`, undefined, true);
    }
  }
}
