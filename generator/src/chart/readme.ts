// The chart README, generated from the contract: key, type, default and description of
// every value. The page layout lives in assets/README.md.hbs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { JsonSchema } from "../schema/bundle.js";
import { defaultsOf, resolveRef } from "../schema/defaults.js";
import { paths } from "../paths.js";

export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

function refName(schema: JsonSchema): string | undefined {
  return typeof schema.$ref === "string" ? schema.$ref.replace("#/definitions/", "") : undefined;
}

function typeOf(root: JsonSchema, schema: JsonSchema): string {
  const resolved = resolveRef(root, schema);
  const named = (node: JsonSchema) => (refName(node) && resolveRef(root, node).properties ? refName(node)! : typeOf(root, node));
  if (resolved.type === "array" && resolved.items) return `list of ${named(resolved.items as JsonSchema)}`;
  if (resolved.type === "object" && resolved.additionalProperties && typeof resolved.additionalProperties === "object" && !resolved.properties) {
    return `map of ${named(resolved.additionalProperties as JsonSchema)}`;
  }
  if (Array.isArray(resolved.enum)) return resolved.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (resolved.anyOf) return (resolved.anyOf as JsonSchema[]).map((s) => typeOf(root, s)).join(" or ");
  if (resolved.title && resolved.type !== "object") return `${String(resolved.type)} (${String(resolved.title)})`;
  return String(resolved.type ?? ("const" in resolved ? JSON.stringify(resolved.const) : "any"));
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Rows for every leaf below `schema`; objects with fixed properties are expanded. */
export function valueRows(root: JsonSchema, schema: JsonSchema, prefix: string, types: Set<string>): ValueRow[] {
  const rows: ValueRow[] = [];
  const properties = (resolveRef(root, schema).properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, property] of Object.entries(properties)) {
    if (key === "global" && prefix) continue; // documented once, at the top
    const path = prefix ? `${prefix}.${key}` : key;
    const resolved = resolveRef(root, property);
    noteTypes(root, property, types);
    if (resolved.type === "object" && resolved.properties && key !== "global") {
      rows.push(...valueRows(root, property, path, types));
      continue;
    }
    const value = defaultsOf(root, property);
    rows.push({
      key: path,
      type: cell(typeOf(root, property)),
      default: value === undefined ? "" : `\`${cell(JSON.stringify(value))}\``,
      description: cell(String(property.description ?? resolved.description ?? "")),
    });
  }
  return rows;
}

// Prometheus' own scrape_config (schemas/prometheus-scrape-config.schema.json) is documented by
// Prometheus; its dozens of discovery types would swamp this page.
const UPSTREAM_DOCUMENTED = /^promRaw/;

/** Object types reached through lists and maps get a table of their own. */
function noteTypes(root: JsonSchema, schema: JsonSchema, types: Set<string>): void {
  const resolved = resolveRef(root, schema);
  for (const inner of [resolved.items, resolved.additionalProperties]) {
    if (!inner || typeof inner !== "object") continue;
    const name = refName(inner as JsonSchema);
    if (name && !UPSTREAM_DOCUMENTED.test(name) && resolveRef(root, inner as JsonSchema).properties && !types.has(name)) {
      types.add(name);
      for (const property of Object.values((resolveRef(root, inner as JsonSchema).properties ?? {}) as Record<string, JsonSchema>)) noteTypes(root, property, types);
    }
  }
}

export interface ReadmeInput {
  chart: { name: string; version: string; appVersion: string; kubeVersion: string; description: string };
  subcharts: Array<{ name: string; description: string }>;
  images: Array<{ name: string; reference: string; platforms: string }>;
  root: JsonSchema;
}

export function renderReadme(input: ReadmeInput): string {
  const types = new Set<string>();
  const values = valueRows(input.root, input.root, "", types);
  const typeTables = [...types].sort().map((name) => ({
    name,
    description: String((input.root.definitions as Record<string, JsonSchema>)[name]?.description ?? ""),
    rows: valueRows(input.root, { $ref: `#/definitions/${name}` }, "", new Set()),
  }));
  const template = Handlebars.compile(readFileSync(join(paths.assets, "README.md.hbs"), "utf8"), { noEscape: true, strict: true });
  return template({ ...input, values, typeTables });
}
