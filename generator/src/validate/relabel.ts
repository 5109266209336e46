// Relabelling steps and remote-write queues as Prometheus checks them when it loads the
// config: each action needs some fields and forbids others, the regex must compile in Go's
// RE2, and a queue cannot start with more shards than it may ever have.
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
    const queue = remote.queue;
    if (queue?.minShards !== undefined && queue.maxShards !== undefined && queue.minShards > queue.maxShards) {
      findings.add("error", ["prometheus", "remoteWrite", index, "queue", "minShards"], `minShards ${queue.minShards} is more than maxShards ${queue.maxShards}; Prometheus refuses the config`);
    }
  });
}
