// Build step (`make build`, after tsc): compiles the contract's ajv validator to standalone
// code in dist/, so `promstack validate` does not compile it on every run.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogue } from "./catalogue.js";
import { buildContract } from "./schema/contract.js";
import { defaultsOf } from "./schema/defaults.js";
import { compiledDir, compiledFiles, contractInputsDigest, runValidator, standaloneValidator } from "./validate/contract-validator.js";

const digest = contractInputsDigest(); // before reading the inputs: an edit meanwhile makes it stale, not wrong
const contract = buildContract(loadCatalogue()).umbrella;
mkdirSync(compiledDir, { recursive: true });
rmSync(join(compiledDir, compiledFiles.digest), { force: true }); // no run uses half-written files
const validatorFile = join(compiledDir, compiledFiles.validator);
writeFileSync(validatorFile, standaloneValidator(contract));
// V8's code cache, made after one validation (of every default) so it holds the compiled functions too.
const { validate, script } = runValidator(validatorFile);
validate(defaultsOf(contract, contract));
writeFileSync(join(compiledDir, compiledFiles.codeCache), script.createCachedData());
writeFileSync(join(compiledDir, compiledFiles.contract), JSON.stringify(contract));
writeFileSync(join(compiledDir, compiledFiles.digest), `${digest}\n`); // last: the digest vouches for the others
console.log(`precompile-contract: wrote ${compiledDir}`);
