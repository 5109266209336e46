// Reads the default values a schema declares, so values.yaml is derived from the contract
// instead of being a second copy of it.
import type { JsonSchema } from "./bundle.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Merges `over` onto `base` as Helm merges user values over chart defaults: objects merge
 * key by key, a null value deletes the key (a profile's `default: null` removes a chart
 * default), everything else is replaced.
 */
export function deepMerge(base: Json, over: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, Json> = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? deepMerge(out[key] as Json, value) : structuredClone(value);
  }
  return out;
}

export function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  const name = ref.replace(/^#\/definitions\//, "");
  const target = (root.definitions as Record<string, JsonSchema> | undefined)?.[name];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  const { $ref: _r, ...siblings } = node;
  return { ...resolveRef(root, target), ...siblings };
}

/**
 * The default of a schema node: its own `default`, deep-merged over the defaults of its
 * properties. Returns undefined when nothing below declares a default.
 */
export function defaultsOf(root: JsonSchema, node: JsonSchema): Json | undefined {
  const schema = resolveRef(root, node);
  const own = schema.default as Json | undefined;
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || (own !== undefined && !isPlainObject(own))) return own;
  const nested: Record<string, Json> = {};
  for (const [key, property] of Object.entries(properties)) {
    const value = defaultsOf(root, property);
    if (value !== undefined) nested[key] = value;
  }
  if (own === undefined) return Object.keys(nested).length > 0 ? nested : undefined;
  return deepMerge(nested, own);
}
