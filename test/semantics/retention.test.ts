// prometheus.retention.size takes exactly the sizes Prometheus reads: validate's verdict on each
// sample equals promtool's on the same size in a config file (storage.tsdb.retention.size, parsed
// by the same alecthomas/units ParseBase2Bytes as the --storage.tsdb.retention.size flag).
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { helmTemplate } from "../helpers/render.js";
import { run, tools } from "../helpers/tools.js";

const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());

// Accepted and refused by Prometheus 3.15; negative sizes are refused by its config file and
// mean "no limit" on the flag, so the contract refuses them too (write "" for no limit).
const samples = ["50GB", "50GiB", "0", "0B", "1GiB512MiB", "1GB512MB", "1.5GB", ".5GiB", "5.GB", "7EiB", "512KB", "512KiB", "1GiB512MB", "50gb", "50kB", "50G", "50", "00", "1 GB", "8EiB", "9EB", "-1GB", "0.99999999999999999999GB"];

describe("semantics: prometheus.retention.size takes what Prometheus takes", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-retention-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("validate and promtool check config agree on every sample", function () {
    this.timeout(60_000);
    const disagreements: string[] = [];
    samples.forEach((size, index) => {
      const profile = join(dir, `profile-${index}.yaml`);
      writeFileSync(profile, stringify({ prometheus: { retention: { size } } }));
      const accepted = validate([profile]).errorCount === 0;
      const config = join(dir, `prometheus-${index}.yml`);
      writeFileSync(config, stringify({ storage: { tsdb: { retention: { size } } } }));
      const promtool = run(tools.promtool, ["check", "config", config]);
      if (accepted !== (promtool.status === 0)) disagreements.push(`${size}: validate ${accepted ? "accepts" : "refuses"}, promtool ${promtool.status === 0 ? "accepts" : `refuses (${promtool.stdout.trim().split("\n").at(-1)})`}`);
    });
    expect(disagreements).to.deep.equal([]);
  });

  it("a binary unit reaches the flag as written", () => {
    expect(helmTemplate([], ["--set", "prometheus.retention.size=50GiB"])).to.contain("--storage.tsdb.retention.size=50GiB");
  });
});
