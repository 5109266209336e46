// Helm enforces the contract through values.schema.json; promstack validate enforces it with
// ajv. The two must agree on every fixture, not on a hand-picked few: a fixture the contract
// refuses must be refused by Helm's schema check, naming each place validate names, and a
// fixture the contract accepts must pass Helm's schema check (later checks, such as a
// template's `required`, may still refuse it; they are not the schema's business).
import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { compileContract, pathSegments, schemaProblems } from "../../generator/src/validate/schema-errors.js";
import { dottedPath } from "../../generator/src/validate/problem.js";
import { loadProfile } from "../../generator/src/validate/source.js";
import { chartDir, profileFiles, repoRoot, run, tools } from "../helpers/tools.js";

const SCHEMA_FAILURE = "values don't meet the specifications of the schema";

/** The places the umbrella chart's section of Helm's schema report names, as dotted paths like validate prints. */
function helmSchemaPaths(stderr: string): { paths: string[]; refusedKeyNames: string[] } {
  const section = stderr.split(/\n(?=[a-z][a-z-]*:\n)/).find((part) => /^(Error: [^\n]*\n)?promstack:\n/.test(part)) ?? "";
  const paths: string[] = [];
  const refusedKeyNames: string[] = [];
  for (const [, pointer, message] of section.matchAll(/at '([^']*)': ([^\n]*)/g)) {
    const path = dottedPath(pathSegments(pointer!));
    paths.push(path);
    // An unknown key is reported at its parent mapping, naming the key.
    const additional = /^additional propert(?:y|ies) (.*) not allowed$/.exec(message!);
    if (additional) for (const [, key] of additional[1]!.matchAll(/'([^']*)'/g)) paths.push(dottedPath([...pathSegments(pointer!), key!]));
    // A refused key name (propertyNames): Helm's library reports it at an unrelated location, so only its name counts.
    const keyName = /^invalid propertyName '([^']*)'$/.exec(message!);
    if (keyName) refusedKeyNames.push(keyName[1]!);
  }
  return { paths, refusedKeyNames };
}

/** Helm names a place at or under the path validate names (Helm reports the innermost failure). */
function names(helm: { paths: string[]; refusedKeyNames: string[] }, path: string): boolean {
  if (helm.refusedKeyNames.some((key) => path === dottedPath([key]) || path.endsWith(`.${key}`) || path.endsWith(`[${JSON.stringify(key)}]`))) return true;
  return helm.paths.some((helmPath) => helmPath === path || path === "" || helmPath.startsWith(`${path}.`) || helmPath.startsWith(`${path}[`));
}

describe("schema: Helm and validate agree on the contract for every fixture", () => {
  const catalogue = loadCatalogue();
  const contract = buildContract(catalogue).umbrella;
  const validate = compileContract(contract);
  const fixtureDir = join(repoRoot, "test", "fixtures");
  const files = [
    ...readdirSync(join(fixtureDir, "broken")).filter((name) => name.endsWith(".yaml")).map((name) => join(fixtureDir, "broken", name)),
    ...readdirSync(fixtureDir).filter((name) => name.endsWith(".yaml")).map((name) => join(fixtureDir, name)),
    ...profileFiles(),
  ].sort();
  let refusedByBoth = 0;

  for (const file of files) {
    it(file.slice(repoRoot.length + 1), () => {
      const loaded = loadProfile(file);
      const helm = run(tools.helm, ["template", "mon", chartDir, "-f", file]);
      if (!loaded.ok) {
        // YAML validate cannot read (syntax-error.yaml): Helm must not read it either.
        expect(helm.status, `validate cannot read ${file}; Helm rendered it`).to.not.equal(0);
        return;
      }
      const contractPaths = [...new Set(schemaProblems(validate, contract, loaded.source).map((problem) => problem.path))];
      if (contractPaths.length === 0) {
        expect(helm.stderr, `the contract accepts ${file}, Helm's schema check refused it`).not.to.contain(SCHEMA_FAILURE);
        return;
      }
      expect(helm.status, `the contract refuses ${file} at ${contractPaths.join(", ")}; Helm rendered it`).to.not.equal(0);
      expect(helm.stderr).to.contain(SCHEMA_FAILURE);
      const helmPaths = helmSchemaPaths(helm.stderr);
      for (const path of contractPaths) expect(names(helmPaths, path), `validate names ${path || "(root)"}; Helm names only ${helmPaths.paths.join(", ")}`).to.equal(true);
      refusedByBoth += 1;
    });
  }

  it("the fixtures include contract violations, so the agreement above is not vacuous", () => {
    expect(refusedByBoth).to.be.at.least(10);
  });
});
