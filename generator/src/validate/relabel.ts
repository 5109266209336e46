// Relabelling steps and remote-write queues as Prometheus checks them when it loads the
// config: each action needs some fields and forbids others, the regex must compile in Go's
// RE2, and a queue's minimum shards and backoff cannot exceed their maximum.
import { durationSeconds } from "../duration.js";
import { re2Problem } from "../re2.js";
import type { PromstackValues, RelabelRule } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";

const needsTarget = new Set(["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"]);

function checkRule(findings: Findings, at: Segments, rule: RelabelRule): void {
  const action = rule.action ?? "replace";
  const problem = (key: string, message: string) => findings.add("error", [...at, key], message, [...at], true);
  if (needsTarget.has(action) && !rule.targetLabel) problem("targetLabel", `the ${action} action needs targetLabel (Prometheus refuses the config without it)`);
  if (action === "hashmod" && !rule.modulus) problem("modulus", "the hashmod action needs a modulus greater than zero");
  if ((action === "lowercase" || action === "uppercase") && rule.replacement !== undefined) problem("replacement", `the ${action} action takes no replacement`);
  if (action === "keepequal" || action === "dropequal") {
    for (const key of ["regex", "modulus", "separator", "replacement"] as const) {
      if (rule[key] !== undefined) problem(key, `the ${action} action takes only sourceLabels and targetLabel, not ${key}`);
    }
  }
  if (action === "labeldrop" || action === "labelkeep") {
    for (const key of ["sourceLabels", "targetLabel", "modulus", "separator", "replacement"] as const) {
      if (rule[key] !== undefined) problem(key, `the ${action} action takes only regex, not ${key}`);
    }
  }
  const regexError = rule.regex === undefined ? undefined : re2Problem(rule.regex);
  if (regexError) findings.add("error", [...at, "regex"], `regex does not compile in Go's RE2: ${regexError}`);
}

function checkRules(findings: Findings, at: Segments, rules: RelabelRule[] | undefined): void {
  rules?.forEach((rule, index) => checkRule(findings, [...at, index], rule));
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
