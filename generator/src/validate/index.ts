// promstack validate: the contract (ajv) first, then semantic checks on the values merged
// over the chart defaults. Every problem of every file is reported, not just the first.
import type { ValidateFunction } from "ajv";
import type { Catalogue } from "../catalogue.js";
import type { JsonSchema } from "../schema/bundle.js";
import { deepMerge, defaultsOf } from "../schema/defaults.js";
import type { PromstackValues } from "../types/values.js";
import { checkDurations } from "./durations.js";
import { Findings } from "./findings.js";
import { sortProblems, type Problem } from "./problem.js";
import { compileContract } from "./contract-validator.js";
import { schemaProblems } from "./schema-errors.js";
import { semanticProblems } from "./semantics.js";
import { loadProfile, type ProfileSource } from "./source.js";
import { readingProblems } from "./yaml-readings.js";
import { releaseSizeProblems } from "./release-size.js";

export interface ValidatedProfile {
  source: ProfileSource;
  /** The profile merged over the chart defaults. */
  values: PromstackValues;
}

export interface ValidationReport {
  problems: Problem[];
  profiles: ValidatedProfile[];
  errorCount: number;
}

/** `validate` is the contract's compiled validator when the caller has it (see contract-validator.ts). */
export function createValidator(contract: JsonSchema, catalogue: Catalogue, validate: ValidateFunction = compileContract(contract)) {
  const defaults = (defaultsOf(contract, contract) ?? {}) as Parameters<typeof deepMerge>[0];

  return function validateFiles(files: string[]): ValidationReport {
    const problems: Problem[] = [];
    const profiles: ValidatedProfile[] = [];
    for (const file of files) {
      try {
        validateOne(file, problems, profiles);
      } catch (error) {
        // A bug must not hide the other files' problems: report it against this file and go on.
        problems.push({ file, line: 1, col: 1, path: "", message: `cannot validate this profile: ${String((error as Error).message ?? error).split("\n")[0]!.slice(0, 200)}`, severity: "error" });
      }
    }
    const sorted = sortProblems(problems);
    return { problems: sorted, profiles, errorCount: sorted.filter((p) => p.severity === "error").length };
  };

  function validateOne(file: string, problems: Problem[], profiles: ValidatedProfile[]): void {
    const loaded = loadProfile(file);
    if (!loaded.ok) {
      problems.push(...loaded.problems);
      return;
    }
    const { source } = loaded;
    if (source.values === null || typeof source.values !== "object" || Array.isArray(source.values)) {
      problems.push({ file, line: 1, col: 1, path: "", message: "a profile must be a YAML mapping of values", severity: "error" });
      return;
    }
    const contractProblems = schemaProblems(validate, contract, source);
    problems.push(...contractProblems, ...readingProblems(validate, source, contractProblems));
    // Semantic checks assume well-typed values; they run only on profiles the contract accepts.
    if (contractProblems.length > 0) return;
    const values = deepMerge(defaults, source.values as Parameters<typeof deepMerge>[1]) as PromstackValues;
    const semantic = semanticProblems(values, catalogue, source);
    problems.push(...semantic, ...releaseSizeProblems(source));
    const durations = new Findings(source);
    checkDurations(contract, source.values, durations);
    problems.push(...durations.problems);
    profiles.push({ source, values });
  }
}
