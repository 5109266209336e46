// Durations the contract's pattern admits but Prometheus and Alertmanager refuse: the total
// must fit Go's time.Duration (nanoseconds in 64 bits, about 292 years). `for: 999999999999y`
// has the right shape and stops promtool; a pattern cannot add up units, so every value the
// contract types as a duration is measured here.
import { durationProblem } from "../duration.js";
import type { JsonSchema } from "../schema/bundle.js";
import { resolveRef } from "../schema/defaults.js";
import type { Findings, Segments } from "./findings.js";

// The contract's duration and the raw scrape config's (promRawDuration).
const isDurationRef = (node: JsonSchema): boolean => typeof node.$ref === "string" && /\/(duration|promRawDuration)$/.test(node.$ref);

function walk(root: JsonSchema, node: JsonSchema | boolean | undefined, value: unknown, segments: Segments, found: Map<string, [Segments, string]>, depth: number): void {
  if (node === undefined || typeof node === "boolean" || depth > 64) return;
  if (isDurationRef(node)) {
    if (typeof value === "string") found.set(JSON.stringify(segments), [segments, value]);
    return;
  }
  const schema = resolveRef(root, node);
  for (const branch of [...((schema.oneOf as JsonSchema[]) ?? []), ...((schema.anyOf as JsonSchema[]) ?? []), ...((schema.allOf as JsonSchema[]) ?? [])]) walk(root, branch, value, segments, found, depth + 1);
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(root, schema.items as JsonSchema | undefined, item, [...segments, index], found, depth + 1));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
  for (const [key, item] of Object.entries(value)) {
    const matching = patterns.filter(([pattern]) => new RegExp(pattern, "u").test(key)).map(([, sub]) => sub);
    const subs = key in properties ? [properties[key]!, ...matching] : matching.length > 0 ? matching : [schema.additionalProperties as JsonSchema | undefined];
    for (const sub of subs) walk(root, sub, item, [...segments, key], found, depth + 1);
  }
}

/** Reports every duration in the profile that Prometheus' duration parser would refuse. */
export function checkDurations(contract: JsonSchema, values: unknown, findings: Findings): void {
  const found = new Map<string, [Segments, string]>();
  walk(contract, contract, values, [], found, 0);
  for (const [segments, text] of found.values()) {
    const problem = durationProblem(text);
    if (problem) findings.add("error", segments, problem);
  }
}
