// The soundness property, case by case: when the static checks of `promstack validate`
// accept a profile, helm renders it and promtool and amtool accept what it renders.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { toolChecks } from "../../generator/src/tools/check.js";
import type { ToolSet } from "../../generator/src/tools/locate.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { formatProblem, type Problem } from "../../generator/src/validate/problem.js";
import { ProfileArbitrary } from "./profile-arbitrary.js";

export interface CaseResult {
  accepted: boolean;
  /** What the tools refused in a profile the static checks accepted. */
  violations: Problem[];
}

export class PropertyHarness {
  readonly contract = buildContract(loadCatalogue()).umbrella;
  private readonly validate = createValidator(this.contract, loadCatalogue());
  private readonly dir = mkdtempSync(join(tmpdir(), "promstack-property-"));
  private counter = 0;

  constructor(private readonly tools: ToolSet) {}

  arbitrary(mutation?: number): ProfileArbitrary {
    return new ProfileArbitrary(this.contract, mutation === undefined ? {} : { mutation });
  }

  async check(profile: unknown): Promise<CaseResult> {
    const file = join(this.dir, `case-${this.counter++}.yaml`);
    writeFileSync(file, profileYaml(profile));
    try {
      const report = this.validate([file]);
      if (report.errorCount > 0 || report.profiles.length === 0) return { accepted: false, violations: [] };
      const outcome = await toolChecks(report.profiles[0]!.source, this.tools);
      return { accepted: true, violations: outcome.problems };
    } finally {
      rmSync(file, { force: true });
    }
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A profile as its author would write it (the yaml package, YAML 1.2, as a user's editor might). */
export function profileYaml(profile: unknown): string {
  return stringify(profile, { lineWidth: 0 });
}

/** The kind of a violation: the check and its message with names, numbers and paths blurred. */
export function violationClass(problem: Problem): string {
  return problem.message
    .replace(/"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`/g, "…")
    .replace(/\/etc\/\S+|\/var\/\S+/g, "<path>")
    .replace(/\bline \d+\b/g, "line N")
    .replace(/__alert_\w+/g, "__alert_X")
    .replace(/[\w.-]+\.tmpl\b/g, "X.tmpl")
    .replace(/unknown time zone \S+/g, "unknown time zone X")
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 160);
}

/**
 * Smallest profile (greedily: dropping keys and list items, then replacing subtrees by their
 * children) for which check still reports a violation of the same class. Bounded by budget.
 */
export async function shrinkViolation(harness: PropertyHarness, profile: unknown, cls: string, budget = 80): Promise<unknown> {
  let best = profile;
  let runs = 0;
  const stillFails = async (candidate: unknown) => {
    runs++;
    const result = await harness.check(candidate);
    return result.accepted && result.violations.some((v) => violationClass(v) === cls);
  };
  let progress = true;
  while (progress && runs < budget) {
    progress = false;
    for (const candidate of smaller(best)) {
      if (runs >= budget) break;
      if (await stillFails(candidate)) {
        best = candidate;
        progress = true;
        break;
      }
    }
  }
  return best;
}

/** One-step smaller variants of a value: each key or item removed, at every level. */
function* smaller(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield [...value.slice(0, i), ...value.slice(i + 1)];
    for (let i = 0; i < value.length; i++) for (const inner of smaller(value[i])) yield value.map((v, j) => (j === i ? inner : v));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key] of entries) yield Object.fromEntries(entries.filter(([k]) => k !== key));
    for (const [key, inner] of entries) for (const child of smaller(inner)) yield { ...(value as object), [key]: child };
  }
}

export function describeViolation(profile: unknown, problems: Problem[]): string {
  return `${problems.map(formatProblem).join("\n")}\n--- profile ---\n${profileYaml(profile)}`;
}
