// Turns ajv's errors against the contract into problems a person can act on: what is
// wrong, where, and for unknown keys the likely intended one.
import type { ErrorObject, ValidateFunction } from "ajv";
import { closest, distance } from "fastest-levenshtein";
import type { JsonSchema } from "../schema/bundle.js";
import { resolveRef } from "../schema/defaults.js";
import { dottedPath, type Problem } from "./problem.js";
import { positionOf, type ProfileSource } from "./source.js";

// The contract's compiler lives with the precompiled validator; tests import it from here too.
export { compileContract } from "./contract-validator.js";

/** A JSON pointer (ajv's instancePath, Helm's schema errors) as path segments. */
export function pathSegments(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function hasMoreKeysThan(value: object, limit: number): boolean {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++count > limit) return true;
  return false;
}

function describeValue(value: unknown): string {
  // Never serialise a large value whole: one error per key of a big mapping would be quadratic.
  if (typeof value === "string" && value.length > 60) value = value.slice(0, 60);
  if (Array.isArray(value) && value.length > 10) return `[${value.length} items]`;
  if (value && typeof value === "object" && !Array.isArray(value) && hasMoreKeysThan(value, 10)) return "{...}";
  const text = JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

/** "did you mean" for a misspelt name, when one candidate is clearly closest. */
export function suggestion(word: string, candidates: string[]): string {
  if (candidates.length === 0) return "";
  const best = closest(word, candidates);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? `; did you mean "${best}"?` : "";
}

function branchSummary(root: JsonSchema, branches: JsonSchema[]): string[] {
  return branches.map((branch) => {
    const schema = resolveRef(root, branch);
    if (Array.isArray(schema.required) && Object.keys(schema).length === 1) return `a "${schema.required.join('", "')}" key`;
    if ("const" in schema) return schema.const === "" ? "empty" : JSON.stringify(schema.const);
    return String(schema.title ?? schema.description ?? schema.type ?? "a value");
  });
}

function messageFor(error: ErrorObject, root: JsonSchema): { message: string; atKey: boolean; extraSegment?: string } {
  const schema = error.parentSchema as JsonSchema | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((schema?.properties as object | undefined) ?? {});
      return { message: `unknown key "${key}"${suggestion(key, known)}`, atKey: true, extraSegment: key };
    }
    case "required":
      return { message: `missing required key "${String(params.missingProperty)}"`, atKey: false };
    case "type":
      return { message: `must be ${String(params.type)}, got ${typeName(error.data)} ${describeValue(error.data)}`, atKey: false };
    case "pattern":
      if (schema?.title) return { message: `${describeValue(error.data)} is not a valid ${String(schema.title)}: ${String(schema.description ?? "")}`, atKey: false };
      return { message: `${describeValue(error.data)} must match ${String(params.pattern)}`, atKey: false };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { message: `${describeValue(error.data)} is not one of ${allowed.join(", ")}${suggestion(String(error.data), allowed)}`, atKey: false };
    }
    case "anyOf":
    case "oneOf": {
      const branches = branchSummary(root, (schema?.[error.keyword] as JsonSchema[]) ?? []);
      const several = error.keyword === "oneOf" && Array.isArray(params.passingSchemas);
      const lead = several ? "must set only one of" : error.keyword === "oneOf" ? "must be exactly one of" : "must be one of";
      return { message: `${describeValue(error.data)} ${lead}: ${branches.join(" | ")}`, atKey: false };
    }
    case "not": {
      // Schemas state exclusions as not: {description, ...}; the description is the message.
      const described = (schema?.not as JsonSchema | undefined)?.description;
      if (typeof described === "string") return { message: described, atKey: false };
      return { message: `${describeValue(error.data)} ${error.message ?? "is invalid"}`, atKey: false };
    }
    case "format":
      return { message: `${describeValue(error.data)} is not a valid ${String(params.format)}`, atKey: false };
    default:
      return { message: `${describeValue(error.data)} ${error.message ?? "is invalid"}`, atKey: false };
  }
}

/** Keeps the errors a person needs: drops branch noise under anyOf/oneOf and key-name noise. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const combinatorPaths = new Set(errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.instancePath));
  return errors.filter((error) => {
    if (error.propertyName !== undefined) return false; // reported by its propertyNames error
    if (error.keyword === "if") return false;
    const underCombinator = combinatorPaths.has(error.instancePath) && error.keyword !== "anyOf" && error.keyword !== "oneOf";
    return !(underCombinator && /\/(anyOf|oneOf)\//.test(error.schemaPath));
  });
}

export function schemaProblems(validate: ValidateFunction, root: JsonSchema, source: ProfileSource): Problem[] {
  if (validate(source.values)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  // The inner error of each bad key name, looked up once per error (a scan would be quadratic).
  const keyErrors = new Map<string, ErrorObject>();
  for (const error of validate.errors ?? []) {
    if (error.propertyName === undefined) continue;
    const id = `${error.instancePath}\u0000${error.propertyName}`;
    if (!keyErrors.has(id)) keyErrors.set(id, error);
  }
  for (const error of relevant(validate.errors ?? [])) {
    let segments = pathSegments(error.instancePath);
    // A bad key name gets its own message below; its data is the whole mapping, not worth describing.
    let { message, atKey, extraSegment } = error.keyword === "propertyNames" ? { message: "", atKey: true, extraSegment: undefined as string | undefined } : messageFor(error, root);
    if (error.keyword === "propertyNames") {
      const name = String((error.params as { propertyName?: string }).propertyName);
      const inner = keyErrors.get(`${error.instancePath}\u0000${name}`);
      // Key schemas describe what they want: a `not` its exclusion, a pattern its name rule.
      const keySchema = inner?.parentSchema as JsonSchema | undefined;
      const described = inner?.keyword === "not" ? (keySchema?.not as JsonSchema | undefined)?.description : inner?.keyword === "pattern" ? keySchema?.description : undefined;
      message = `invalid key "${name}"${inner ? `: ${typeof described === "string" ? described : (inner.message ?? "")}` : ""}`;
      extraSegment = name;
      atKey = true;
    }
    if (extraSegment !== undefined) segments = [...segments, extraSegment];
    const path = dottedPath(segments);
    const fingerprint = `${path}\u0000${message}`;
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const { line, col } = positionOf(source, segments, atKey);
    problems.push({ file: source.file, line, col, path, message, severity: "error" });
  }
  return problems;
}
