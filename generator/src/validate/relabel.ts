// Relabelling steps and remote-write queues as Prometheus checks them when it loads the
// config: each action needs some fields and forbids others, the regex must compile in Go's
// RE2, and a queue's minimum shards and backoff cannot exceed their maximum.
import { durationSeconds } from "../duration.js";
import { re2Problem } from "../re2.js";
import type { PromstackValues, RelabelRule } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";

const needsTarget = new Set(["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"]);
const namesTarget = new Set(["hashmod", "lowercase", "uppercase", "keepequal", "dropequal"]);

// Prometheus' legacy label names, and the form of a replace target or labelmap replacement
// that may hold $1 or ${name} references under the legacy scheme.
const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_NAME_WITH_REFS = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;
const HAS_REF = /\$(?:\{\w+\}|\w+)/;

/** One relabelling step, whichever spelling the profile used (typed camelCase or raw snake_case). */
interface Step {
  action?: string;
  sourceLabels?: unknown;
  targetLabel?: string;
  modulus?: number;
  separator?: string;
  replacement?: string;
  regex?: string;
}
type StepKey = keyof Step;
const TYPED_KEYS: Record<StepKey, string> = { action: "action", sourceLabels: "sourceLabels", targetLabel: "targetLabel", modulus: "modulus", separator: "separator", replacement: "replacement", regex: "regex" };
const RAW_KEYS: Record<StepKey, string> = { action: "action", sourceLabels: "source_labels", targetLabel: "target_label", modulus: "modulus", separator: "separator", replacement: "replacement", regex: "regex" };

/**
 * A step as Prometheus' relabel.Config.Validate judges it. `legacy` is the scrape job's
 * metric_name_validation_scheme; the chart leaves the global one at utf8, where every
 * non-empty label name is valid.
 */
function checkStep(findings: Findings, at: Segments, step: Step, keys: Record<StepKey, string>, legacy = false): void {
  const action = (step.action ?? "replace").toLowerCase();
  const problem = (key: StepKey, message: string) => findings.add("error", [...at, keys[key]], message, [...at], true);
  const target = step.targetLabel;
  if (needsTarget.has(action) && !target) problem("targetLabel", `the ${action} action needs ${keys.targetLabel} (Prometheus refuses the config without it)`);
  else if (legacy && target && ((namesTarget.has(action) && !LEGACY_NAME.test(target)) || (action === "replace" && !(HAS_REF.test(target) ? LEGACY_NAME_WITH_REFS : LEGACY_NAME).test(target)))) {
    problem("targetLabel", `"${target}" is not a label name under the legacy name validation scheme this job sets`);
  }
  if (action === "hashmod" && !step.modulus) problem("modulus", "the hashmod action needs a modulus greater than zero");
  if (legacy && action === "labelmap" && step.replacement !== undefined && !LEGACY_NAME_WITH_REFS.test(step.replacement)) {
    problem("replacement", `"${step.replacement}" is not a label name under the legacy name validation scheme this job sets`);
  }
  if ((action === "lowercase" || action === "uppercase") && step.replacement !== undefined) problem("replacement", `the ${action} action takes no ${keys.replacement}`);
  if (action === "keepequal" || action === "dropequal") {
    for (const key of ["regex", "modulus", "separator", "replacement"] as const) {
      if (step[key] !== undefined) problem(key, `the ${action} action takes only ${keys.sourceLabels} and ${keys.targetLabel}, not ${keys[key]}`);
    }
  }
  if (action === "labeldrop" || action === "labelkeep") {
    for (const key of ["sourceLabels", "targetLabel", "modulus", "separator", "replacement"] as const) {
      if (step[key] !== undefined) problem(key, `the ${action} action takes only regex, not ${keys[key]}`);
    }
  }
  const regexError = typeof step.regex === "string" ? re2Problem(step.regex) : undefined;
  if (regexError) findings.add("error", [...at, keys.regex], `regex does not compile in Go's RE2: ${regexError}`);
}

/** The relabel_configs and metric_relabel_configs of a raw scrape job (prometheus.extraScrapeConfigs). */
export function checkRawRelabelling(findings: Findings, at: Segments, job: Record<string, unknown>): void {
  const legacy = job.metric_name_validation_scheme === "legacy";
  for (const key of ["relabel_configs", "metric_relabel_configs"]) {
    const steps = job[key];
    if (!Array.isArray(steps)) continue;
    steps.forEach((step, index) => {
      if (!step || typeof step !== "object") return;
      const raw = step as Record<string, unknown>;
      const text = (name: string) => (typeof raw[name] === "string" ? (raw[name] as string) : undefined);
      const normalised: Step = {
        action: text("action"),
        sourceLabels: raw.source_labels ?? undefined,
        targetLabel: text("target_label"),
        modulus: typeof raw.modulus === "number" ? raw.modulus : undefined,
        separator: text("separator"),
        replacement: text("replacement"),
        regex: text("regex"),
      };
      checkStep(findings, [...at, key, index], normalised, RAW_KEYS, legacy);
    });
  }
}

function checkRules(findings: Findings, at: Segments, rules: RelabelRule[] | undefined): void {
  rules?.forEach((rule, index) => checkStep(findings, [...at, index], rule as Step, TYPED_KEYS));
}

export function checkRelabelling(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus;
  prometheus?.scrapeJobs?.forEach((job, index) => {
    checkRules(findings, ["prometheus", "scrapeJobs", index, "relabelings"], job.relabelings);
    checkRules(findings, ["prometheus", "scrapeJobs", index, "metricRelabelings"], job.metricRelabelings);
  });
  prometheus?.remoteWrite?.forEach((remote, index) => {
    checkRules(findings, ["prometheus", "remoteWrite", index, "writeRelabelings"], remote.writeRelabelings);
    if (remote.queue) checkQueue(findings, ["prometheus", "remoteWrite", index, "queue"], remote.queue);
  });
}

// Prometheus fills the keys a queue leaves out with its defaults, then compares: a lone
// minShards or minBackoff is checked against the default maximum.
const QUEUE_DEFAULTS = { minShards: 1, maxShards: 50, minBackoff: "30ms", maxBackoff: "5s" };

function checkQueue(findings: Findings, at: Segments, queue: NonNullable<NonNullable<PromstackValues["prometheus"]>["remoteWrite"]>[number]["queue"] & object): void {
  const where = (key: string, given: unknown) => `${key}${given === undefined ? " (Prometheus' default)" : ""}`;
  const minShards = queue.minShards ?? QUEUE_DEFAULTS.minShards;
  const maxShards = queue.maxShards ?? QUEUE_DEFAULTS.maxShards;
  if (minShards > maxShards) {
    const key = queue.minShards !== undefined ? "minShards" : "maxShards";
    findings.add("error", [...at, key], `${where("minShards", queue.minShards)} ${minShards} is more than ${where("maxShards", queue.maxShards)} ${maxShards}; Prometheus refuses the config`);
  }
  const minBackoff = queue.minBackoff ?? QUEUE_DEFAULTS.minBackoff;
  const maxBackoff = queue.maxBackoff ?? QUEUE_DEFAULTS.maxBackoff;
  if (durationSeconds(maxBackoff) < durationSeconds(minBackoff)) {
    const key = queue.minBackoff !== undefined ? "minBackoff" : "maxBackoff";
    findings.add("error", [...at, key], `${where("maxBackoff", queue.maxBackoff)} ${maxBackoff} is less than ${where("minBackoff", queue.minBackoff)} ${minBackoff}; Prometheus refuses the config`);
  }
}
