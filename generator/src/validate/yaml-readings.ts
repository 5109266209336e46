// Problems that come from Helm reading a profile as YAML 1.1: a word or number form the
// author most likely meant as text (`severity: no`, a label value `on`) must be quoted.
import type { ValidateFunction } from "ajv";
import { dottedPath, type Problem } from "./problem.js";
import { positionOf, type ProfileSource, type Reinterpretation } from "./source.js";

/** Re-validations of a value read as text are cheap but not free; past this many, warn without asking. */
const MAX_CHECKS = 50;

function shown(value: unknown): string {
  return typeof value === "string" ? `the text "${value}"` : String(value);
}

function hint(r: Reinterpretation): string {
  return `Helm (YAML 1.1) reads the unquoted \`${r.text}\` as ${shown(r.helm)}, not ${shown(r.yaml12)}`;
}

function pointer(path: Array<string | number>): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** Whether the contract would also accept the text at this place (a string or free-form field). */
function acceptsText(validate: ValidateFunction, source: ProfileSource, r: Reinterpretation): boolean {
  validate(setAt(source.values, r.path, r.text));
  const at = pointer(r.path);
  return !(validate.errors ?? []).some((error) => error.instancePath === at);
}

/** Adds the YAML 1.1 explanation to contract errors it causes, and warns about the others. */
export function readingProblems(validate: ValidateFunction, source: ProfileSource, contractProblems: Problem[]): Problem[] {
  const warnings: Problem[] = [...source.readingWarnings];
  let checks = 0;
  for (const r of source.reinterpretations) {
    const path = dottedPath(r.path);
    const explained = contractProblems.filter((problem) => problem.path === path);
    if (explained.length > 0) {
      for (const problem of explained) problem.message += ` (${hint(r)}; quote it ("${r.text}") if you mean the text)`;
      continue;
    }
    let message: string | undefined;
    if (typeof r.helm === "number" && typeof r.yaml12 === "number") message = `${hint(r)}; write the number you mean in decimal, or quote it for the text`;
    else if (typeof r.helm !== "string" && (checks++ >= MAX_CHECKS || acceptsText(validate, source, r))) message = `${hint(r)}; quote it ("${r.text}") if you mean the text`;
    if (message === undefined) continue;
    const { line, col } = positionOf(source, r.path);
    warnings.push({ file: source.file, line, col, path, message, severity: "warning" });
  }
  return warnings;
}
