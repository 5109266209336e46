// Turns the schema files in schemas/ (which $ref each other) into one self-contained
// draft-07 document, as Helm needs for values.schema.json and ajv for validation.
// Every definition of every file shares one namespace; a name used twice is an error.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type JsonSchema = { [key: string]: unknown };

export interface SchemaSet {
  files: Map<string, JsonSchema>;
}

export function loadSchemaSet(dir: string): SchemaSet {
  const files = new Map<string, JsonSchema>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
    files.set(name, JSON.parse(readFileSync(join(dir, name), "utf8")) as JsonSchema);
  }
  return { files };
}

function definitionsOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.definitions ?? {}) as Record<string, JsonSchema>;
}

/** All definitions of all files, keyed by their (unique) name. */
function allDefinitions(set: SchemaSet): Map<string, JsonSchema> {
  const defs = new Map<string, JsonSchema>();
  const owner = new Map<string, string>();
  for (const [file, schema] of set.files) {
    for (const [name, def] of Object.entries(definitionsOf(schema))) {
      const previous = owner.get(name);
      if (previous) throw new Error(`schema definition "${name}" is defined in both ${previous} and ${file}`);
      owner.set(name, file);
      defs.set(name, def);
    }
  }
  return defs;
}

/**
 * Rewrites every $ref to point into the bundle: "file#/definitions/x" and "#/definitions/x"
 * become "#/definitions/x"; a whole-file ref ("file.schema.json") is inlined.
 * Records which definitions are used so the bundle carries only those.
 */
function rewrite(node: unknown, set: SchemaSet, used: Set<string>, defs: Map<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, set, used, defs));
  if (node === null || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (key === "$ref" && typeof value === "string") {
      const [file, pointer] = value.split("#");
      if (!pointer) {
        const target = set.files.get(file ?? "");
        if (!target) throw new Error(`schema $ref to unknown file "${value}"`);
        const inlined = rewrite(stripFileKeywords(target), set, used, defs) as JsonSchema;
        Object.assign(out, inlined);
        continue;
      }
      const name = pointer.replace(/^\/definitions\//, "");
      if (!defs.has(name)) throw new Error(`schema $ref "${value}" names no definition`);
      markUsed(name, set, used, defs);
      out.$ref = `#/definitions/${name}`;
    } else if (key === "definitions") {
      continue;
    } else {
      out[key] = rewrite(value, set, used, defs);
    }
  }
  return out;
}

function markUsed(name: string, set: SchemaSet, used: Set<string>, defs: Map<string, JsonSchema>): void {
  if (used.has(name)) return;
  used.add(name);
  rewrite(defs.get(name), set, used, defs);
}

function stripFileKeywords(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, definitions: _d, ...rest } = schema;
  return rest;
}

/** A self-contained schema for one root file, with only the definitions it reaches. */
export function bundle(set: SchemaSet, rootFile: string): JsonSchema {
  const root = set.files.get(rootFile);
  if (!root) throw new Error(`no schema file ${rootFile}`);
  const defs = allDefinitions(set);
  const used = new Set<string>();
  const body = rewrite(stripFileKeywords(root), set, used, defs) as JsonSchema;
  const definitions: Record<string, unknown> = {};
  for (const name of [...used].sort()) definitions[name] = rewrite(defs.get(name), set, new Set(), defs);
  return { $schema: "http://json-schema.org/draft-07/schema#", ...body, definitions };
}
