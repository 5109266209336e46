// The build's standalone validator (what `promstack validate` runs) is the contract compiled
// now, error for error: same keywords, paths, params, messages, schemas and data.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { compileContract, precompiledContract } from "../../generator/src/validate/contract-validator.js";
import { repoRoot } from "../helpers/tools.js";

describe("unit: the precompiled contract validator", () => {
  const compiled = precompiledContract();

  it("is current after make build, and holds the contract buildContract makes", () => {
    expect(compiled, "dist/generator/src/contract is missing or stale: run make build").to.not.equal(undefined);
    expect(compiled!.contract).to.deep.equal(buildContract(loadCatalogue()).umbrella);
  });

  it("reports exactly the errors of a fresh compile on every fixture and profile", function () {
    this.timeout(60_000);
    const fresh = compileContract(compiled!.contract);
    const dirs = [join(repoRoot, "test", "fixtures"), join(repoRoot, "test", "fixtures", "broken"), join(repoRoot, "values")];
    let withErrors = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        let values: unknown;
        try {
          values = parse(readFileSync(join(dir, name), "utf8"));
        } catch {
          continue; // the YAML syntax fixtures never reach the contract
        }
        const valid = compiled!.validate(values);
        expect(valid, name).to.equal(fresh(values));
        expect(compiled!.validate.errors, name).to.deep.equal(fresh.errors);
        if (!valid) withErrors++;
      }
    }
    expect(withErrors, "fixtures the contract refuses").to.be.greaterThan(10);
  });
});
