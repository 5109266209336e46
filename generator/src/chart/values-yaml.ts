// values.yaml derived from the contract: every default, each key preceded by its
// description, in schema order so related keys stay together.
import { Document, isMap, isScalar, type YAMLMap } from "yaml";
import type { JsonSchema } from "../schema/bundle.js";
import { defaultsOf, resolveRef } from "../schema/defaults.js";

function describe(root: JsonSchema, map: YAMLMap, schema: JsonSchema): void {
  const properties = (resolveRef(root, schema).properties ?? {}) as Record<string, JsonSchema>;
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const property = properties[String(pair.key.value)];
    if (!property) continue;
    const description = (property.description ?? resolveRef(root, property).description) as string | undefined;
    if (description) pair.key.commentBefore = ` ${description}`;
    if (isMap(pair.value)) describe(root, pair.value, property);
  }
}

export function valuesYaml(root: JsonSchema, options: { omit?: string[] } = {}): string {
  const defaults = (defaultsOf(root, root) ?? {}) as Record<string, unknown>;
  for (const key of options.omit ?? []) delete defaults[key];
  const document = new Document(defaults);
  if (isMap(document.contents)) describe(root, document.contents, root);
  return document.toString({ lineWidth: 0, indentSeq: true });
}
