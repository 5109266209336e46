// The kube-prometheus-stack migration table holds what promstack import does: each row's
// example, alone in a values file, is imported to the stated profile path (mapped), or
// reported at the stated key with the stated reason and nothing written (manual, none); a
// manual row's promstack setting is one the contract accepts.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { importFiles } from "../../generator/src/import/index.js";
import { KPS_KEYS, KPS_REASONS, reportedReason, type KpsKey } from "../../generator/src/import/kube-prometheus-stack-keys.js";
import { migrationGuide } from "../../generator/src/import/migration-guide.js";
import { loadContract } from "../../generator/src/validate/contract-validator.js";
import { createValidator } from "../../generator/src/validate/index.js";

/** A nested object with `value` at the dotted path. */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path.split(".").reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function at(object: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), object);
}

describe("kube-prometheus-stack migration table (docs/migrating-from-kube-prometheus-stack.md)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-kps-keys-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const importRow = (row: KpsKey, index: number) => {
    const file = join(dir, `row-${index}.yaml`);
    writeFileSync(file, stringify(nested(row.key, row.example)));
    return importFiles([{ file, kind: "kube-prometheus-stack" }]);
  };

  it("lists each key once", () => {
    const keys = KPS_KEYS.map((row) => row.key);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).to.deep.equal([]);
  });

  it("gives every reason of the import's table to at least one row (no reason the guide does not show)", () => {
    const reported = new Set(KPS_KEYS.filter((row) => row.status !== "mapped").map((row) => reportedReason(row).key));
    expect(Object.keys(KPS_REASONS).filter((key) => !reported.has(key))).to.deep.equal([]);
  });

  KPS_KEYS.forEach((row, index) => {
    if (row.status === "mapped") {
      it(`${row.key} is imported to ${row.promstack}`, () => {
        const result = importRow(row, index);
        expect(result.unmapped.lines()).to.deep.equal([]);
        expect(at(result.profile, row.promstack!)).to.deep.equal(row.value ?? row.example);
      });
    } else {
      const { key, reason } = reportedReason(row);
      it(`${row.key} is reported at ${key} (${row.status === "manual" ? `set ${row.promstack} by hand` : "no equivalent"}), nothing written`, () => {
        const result = importRow(row, index);
        expect(result.unmapped.entries.map((e) => ({ key: e.key, reason: e.reason }))).to.deep.equal([{ key, reason }]);
        expect(result.profile).to.deep.equal({});
      });
    }
  });

  it("every promstack setting a row says to write by hand is accepted by the contract and validate", async () => {
    const catalogue = loadCatalogue();
    const { contract, validate } = await loadContract(catalogue);
    const manual = KPS_KEYS.filter((row) => row.status === "manual");
    const files = manual.map((row, i) => {
      const file = join(dir, `manual-${i}.yaml`);
      writeFileSync(file, stringify(nested(row.promstack!, row.value ?? row.example)));
      return file;
    });
    const report = createValidator(contract, catalogue, validate)(files);
    expect(report.problems.filter((p) => p.severity === "error").map((p) => `${p.file}: ${p.path}: ${p.message}`)).to.deep.equal([]);
    expect(manual.length).to.be.greaterThan(0);
  });

  it("the guide has one table row per key, with each row's outcome", () => {
    const guide = migrationGuide();
    const rows = guide.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).to.have.length(KPS_KEYS.length);
    KPS_KEYS.forEach((row, i) => {
      expect(rows[i]).to.contain(`\`${row.key}\``);
      if (row.status !== "none") expect(rows[i]).to.contain(`\`${row.promstack}\``);
      else expect(rows[i]).to.contain("| none |");
    });
  });
});
