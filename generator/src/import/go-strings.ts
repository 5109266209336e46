// Prometheus and Alertmanager read YAML with Go's yaml.v2, which stores a plain scalar in a
// string field as it is written: `regex: 010` is the regex "010", `replacement: 1.50` the text
// "1.50", `regex: true` the regex "true", and a null empties the field. The yaml package reads
// those as numbers, booleans and null, which the contract's string fields refuse (so the import
// dropped the whole scrape job), and which Helm would write back another way (010 as 10).
// Where the schema allows only a string, the imported value becomes the source's own text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isScalar } from "yaml";
import { paths } from "../paths.js";
import { isMapping, type Path, type Src } from "./source.js";

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

let scrapeDefinitions: Record<string, Schema> | undefined;

/** Prometheus' scrape_config schema (schemas/prometheus-scrape-config.schema.json: self-contained). */
function rawScrapeDefinitions(): Record<string, Schema> {
  return (scrapeDefinitions ??= (JSON.parse(readFileSync(join(paths.schemas, "prometheus-scrape-config.schema.json"), "utf8")) as { definitions: Record<string, Schema> }).definitions);
}

function resolved(schema: Schema, definitions: Record<string, Schema>): Schema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) current = definitions[current.$ref.replace("#/definitions/", "")] ?? {};
  return current;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The value with every number, boolean or null in a string-only field replaced by what Go reads there. */
export function asGoStrings(value: unknown, schema: Schema, definitions: Record<string, Schema>, sourceText: (path: Path) => string | undefined, path: Path = []): unknown {
  const node = resolved(schema, definitions);
  if (Array.isArray(value)) return node.items ? value.map((item, i) => asGoStrings(item, node.items!, definitions, sourceText, [...path, i])) : value;
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const pattern = Object.entries(node.patternProperties ?? {}).find(([regex]) => new RegExp(regex, "u").test(key))?.[1];
      const sub = node.properties?.[key] ?? pattern ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
      out[key] = sub ? asGoStrings(field, sub, definitions, sourceText, [...path, key]) : field;
    }
    return out;
  }
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const own = typeOf(value);
  if (!["integer", "number", "boolean", "null"].includes(own) || !types.includes("string") || types.includes(own) || (own === "integer" && types.includes("number"))) return value;
  return value === null ? "" : (sourceText(path) ?? String(value));
}

/** The text of the plain scalar at a path of a source document, as written. */
export function scalarText(src: Src, path: Path): string | undefined {
  const node = src.source.document.getIn([...src.base, ...path], true);
  return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
}

/** A scrape_config of a prometheus.yml with Go's reading of scalars in its string fields. */
export function scrapeConfigAsGoReadsIt(job: Record<string, unknown>, src: Src): Record<string, unknown> {
  const definitions = rawScrapeDefinitions();
  return asGoStrings(job, { $ref: "#/definitions/promRawScrapeConfig" }, definitions, (path) => scalarText(src, path)) as Record<string, unknown>;
}

/** A label set (external_labels): every value is a string to Prometheus. */
export function labelsAsGoReadsThem(labels: Record<string, unknown>, src: Src): Record<string, unknown> {
  return asGoStrings(labels, { additionalProperties: { type: "string" } }, {}, (path) => scalarText(src, path)) as Record<string, unknown>;
}

/** What Go reads into a string field at a path of the source: a scalar's text, "" for null. */
export function goString(src: Src, path: Path, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return scalarText(src, path) ?? String(value);
}

/** A list of strings (group_by, equal, matchers) as Go reads it. */
export function goStrings(src: Src, path: Path, list: unknown[]): string[] {
  return list.map((item, i) => goString(src, [...path, i], item));
}
