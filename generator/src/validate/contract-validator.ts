// The contract's ajv validator. Compiling it is most of the work of a validate run, so the
// build compiles it once to ajv standalone code in dist/ (`make build` runs
// precompile-contract.js after tsc), next to the contract it was compiled from and a digest
// of the files that contract is built from. At run time that code serves while the digest
// still matches; after an edit of schemas/, rules/ or versions.json without a rebuild the
// contract is built and compiled afresh, so a stale validator is never used.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import type { Ajv, Options, ValidateFunction } from "ajv";
import type { Catalogue } from "../catalogue.js";
import { asciiEscaped, readGeneratedText } from "../generated-text.cjs";
import { paths, repoRoot } from "../paths.js";
import type { JsonSchema } from "../schema/bundle.js";

// ajv and ajv-formats are CommonJS and slow to load: required only when compiling.
const require = createRequire(import.meta.url);

// inlineRefs: false compiles each referenced definition once, as a function, instead of
// copying it into every place that refers to it: the standalone code is 30 % smaller, so
// quicker to load, and errors are the same.
const OPTIONS: Options = { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, inlineRefs: false };

/** Where the build writes the standalone validator and its contract (shipped with dist/generator/src/). */
export const compiledDir = fileURLToPath(new URL("../contract/", import.meta.url));
export const compiledFiles = { validator: "validator.cjs", contract: "contract.json", digest: "digest.txt", codeCache: "validator.v8cache" };

function newAjv(standalone: boolean): Ajv {
  const { Ajv } = require("ajv") as typeof import("ajv");
  const addFormats = require("ajv-formats") as (ajv: Ajv) => Ajv;
  // code.source keeps each schema's source in the standalone code: verbose errors carry parentSchema.
  const ajv = new Ajv({ ...OPTIONS, ...(standalone ? { code: { source: true } } : {}) });
  addFormats(ajv);
  return ajv;
}

export function compileContract(schema: JsonSchema): ValidateFunction {
  return newAjv(false).compile(schema);
}

/** The validator of the contract as CommonJS source, with the same options as compileContract. */
export function standaloneValidator(schema: JsonSchema): string {
  const ajv = newAjv(true);
  const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default;
  return asciiEscaped(standaloneCode(ajv, ajv.compile(schema)));
}

/** A digest of every file the contract is built from (schemas, rule packs, the catalogue). */
export function contractInputsDigest(): string {
  const hash = createHash("sha256");
  const inputs = [
    ...readdirSync(paths.schemas).filter((name) => name.endsWith(".json")).sort().map((name) => join(paths.schemas, name)),
    ...readdirSync(paths.rulePacks).filter((name) => name.endsWith(".yaml")).sort().map((name) => join(paths.rulePacks, name)),
    paths.versions,
  ];
  for (const file of inputs) hash.update(`${relative(repoRoot, file)}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

export interface CompiledContract {
  contract: JsonSchema;
  validate: ValidateFunction;
}

/** The build's validator and contract, or undefined when they are missing or stale. */
export function precompiledContract(): CompiledContract | undefined {
  const digestFile = join(compiledDir, compiledFiles.digest);
  if (!existsSync(digestFile) || readFileSync(digestFile, "utf8").trim() !== contractInputsDigest()) return undefined;
  const contract = JSON.parse(readGeneratedText(join(compiledDir, compiledFiles.contract))) as JsonSchema;
  const cache = join(compiledDir, compiledFiles.codeCache);
  const { validate } = runValidator(join(compiledDir, compiledFiles.validator), existsSync(cache) ? readFileSync(cache) : undefined);
  return { contract, validate };
}

/**
 * Runs the standalone validator's CommonJS source with V8's code cache of it, which the
 * build makes: compiling 2 MB of generated code would cost more than the rest of a run.
 * V8 rejects a cache another Node version made, and the code then compiles as usual.
 */
export function runValidator(file: string, cachedData?: Buffer): { validate: ValidateFunction; script: Script } {
  const script = new Script(`(function (exports, require, module) {${readGeneratedText(file)}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }) => void)(module.exports, createRequire(file), module);
  return { validate: module.exports as ValidateFunction, script };
}

/** The contract and its validator: the build's when current, else built and compiled now. */
export async function loadContract(catalogue: Catalogue): Promise<CompiledContract> {
  const compiled = precompiledContract();
  if (compiled) return compiled;
  // The contract builder reads the rule packs with the YAML parser: loaded only on this path.
  const { buildContract } = await import("../schema/contract.js");
  const contract = buildContract(catalogue).umbrella;
  return { contract, validate: compileContract(contract) };
}
