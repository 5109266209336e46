// Build step (`make build`, after tsc): compiles the contract's ajv validator to standalone
// code in dist/, so `promstack validate` does not compile it on every run.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogue } from "./catalogue.js";
import { asciiEscaped } from "./generated-text.cjs";
import { buildContract } from "./schema/contract.js";
import { paths } from "./paths.js";
import { defaultsOf } from "./schema/defaults.js";
import { compiledDir, compiledFiles, contractInputsDigest, runValidator, standaloneValidator } from "./validate/contract-validator.js";
import { loadProfile } from "./validate/source.js";

const digest = contractInputsDigest(); // before reading the inputs: an edit meanwhile makes it stale, not wrong
const contract = buildContract(loadCatalogue()).umbrella;
mkdirSync(compiledDir, { recursive: true });
rmSync(join(compiledDir, compiledFiles.digest), { force: true }); // no run uses half-written files
const validatorFile = join(compiledDir, compiledFiles.validator);
writeFileSync(validatorFile, standaloneValidator(contract));
// V8's code cache, made after validating every default and the shipped profiles, so it holds
// the functions a typical run calls compiled too (a third of the run's validation time).
const { validate, script } = runValidator(validatorFile);
validate(defaultsOf(contract, contract));
for (const name of readdirSync(paths.values).filter((file) => file.endsWith(".yaml"))) {
  const loaded = loadProfile(join(paths.values, name));
  if (loaded.ok) validate(loaded.source.values);
}
writeFileSync(join(compiledDir, compiledFiles.codeCache), script.createCachedData());
writeFileSync(join(compiledDir, compiledFiles.contract), asciiEscaped(JSON.stringify(contract)));
writeFileSync(join(compiledDir, compiledFiles.digest), `${digest}\n`); // last: the digest vouches for the others
console.log(`precompile-contract: wrote ${compiledDir}`);
