// Writes generator/src/types/values.ts: TypeScript types generated from the contract
// with json-schema-to-typescript, so the generator cannot drift from the schemas.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "json-schema-to-typescript";
import { loadCatalogue } from "./catalogue.js";
import { GENERATED_NOTICE } from "./chart/header.js";
import { paths } from "./paths.js";
import { buildContract } from "./schema/contract.js";

// A $ref with sibling annotations would become a fresh alias type (Duration1, Duration2, …);
// the property docs live in the chart README, so the types keep the bare $ref.
function bareRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(bareRefs);
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === "string") return { $ref: record.$ref };
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, bareRefs(value)]));
}

const { umbrella } = buildContract(loadCatalogue());
const source = await compile(bareRefs(umbrella) as Parameters<typeof compile>[0], "PromstackValues", {
  bannerComment: `/* ${GENERATED_NOTICE} from schemas/*.schema.json */`,
  additionalProperties: false,
  unreachableDefinitions: false,
  strictIndexSignatures: true,
  format: true,
  style: { singleQuote: false, printWidth: 110 },
});
const file = join(paths.types, "values.ts");
// Rewriting an unchanged file would make the incremental compile that follows redo its work.
if (existsSync(file) && readFileSync(file, "utf8") === source) console.log(`${file} is up to date`);
else {
  writeFileSync(file, source);
  console.log(`wrote ${file}`);
}
