// The values contract as the chart ships it: the umbrella schema and one schema per
// subchart, self-contained, with the pinned catalogue images as the image defaults.
import type { Catalogue } from "../catalogue.js";
import { components, umbrellaSchemaFile, type Component } from "../components.js";
import { bundle, loadSchemaSet, type JsonSchema, type SchemaSet } from "./bundle.js";
import { paths } from "../paths.js";
import type { RuleGroups } from "../rules/model.js";
import { loadPacks, packsAsChartDefaults } from "../rules/packs.js";

export interface Contract {
  umbrella: JsonSchema;
  subcharts: Map<string, JsonSchema>;
}

function propertyAt(schema: JsonSchema, dottedPath: string): JsonSchema {
  let node = schema;
  for (const key of dottedPath.split(".")) {
    const next = (node.properties as Record<string, JsonSchema> | undefined)?.[key];
    if (!next) throw new Error(`schema has no property ${dottedPath}`);
    node = next;
  }
  return node;
}

/** Sets each image property's default to its catalogue repository and tag (and digest, when recorded). */
function withCatalogueImages(schema: JsonSchema, component: Component, catalogue: Catalogue): JsonSchema {
  const out = structuredClone(schema);
  for (const [valuesPath, imageKey] of Object.entries(component.images)) {
    const image = catalogue.images[imageKey];
    if (!image) throw new Error(`component ${component.name}: no catalogue image "${imageKey}"`);
    propertyAt(out, valuesPath).default = { repository: image.repository, tag: image.tag, ...(image.digest ? { digest: image.digest } : {}) };
  }
  return out;
}

export function buildContract(catalogue: Catalogue, set: SchemaSet = loadSchemaSet(paths.schemas), packs: RuleGroups = loadPacks()): Contract {
  const subcharts = new Map<string, JsonSchema>();
  const umbrella = bundle(set, umbrellaSchemaFile);
  const umbrellaProperties = umbrella.properties as Record<string, JsonSchema>;
  // The built-in rule packs are the default rules: a profile overrides them key by key.
  umbrellaProperties.rules = { ...umbrellaProperties.rules, default: packsAsChartDefaults(packs) };
  for (const component of components) {
    const schema = withCatalogueImages(bundle(set, component.schemaFile), component, catalogue);
    subcharts.set(component.name, schema);
    if (!umbrellaProperties[component.name]) throw new Error(`${umbrellaSchemaFile} lacks property ${component.name}`);
    umbrellaProperties[component.name] = withCatalogueImages(umbrellaProperties[component.name]!, component, catalogue);
  }
  return { umbrella, subcharts };
}
