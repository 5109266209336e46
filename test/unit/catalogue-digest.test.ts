// A digest recorded in the catalogue (versions.json) becomes the default of its image values,
// and validate refuses it under another tag (a digest wins over the tag).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadCatalogue, type Catalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";

const digest = `sha256:${"a".repeat(64)}`;

function withPrometheusDigest(): Catalogue {
  const catalogue = loadCatalogue();
  catalogue.images.prometheus = { ...catalogue.images.prometheus!, digest };
  return catalogue;
}

function validatorOf(catalogue: Catalogue) {
  const validate = createValidator(buildContract(catalogue).umbrella, catalogue);
  return (profile: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "promstack-digest-")), "profile.yaml");
    writeFileSync(file, profile);
    return validate([file]).problems;
  };
}

describe("catalogue: image digests", () => {
  it("a recorded digest is part of the image default; an empty one is left out", () => {
    const catalogue = withPrometheusDigest();
    const prometheus = catalogue.images.prometheus!;
    const schema = buildContract(catalogue).subcharts.get("prometheus") as any;
    expect(schema.properties.image.default).to.deep.equal({ repository: prometheus.repository, tag: prometheus.tag, digest });
    expect(catalogue.images.configReloader!.digest).to.equal("");
    expect(schema.properties.configReloader.properties.image.default).to.not.have.property("digest");
  });

  it("validate refuses the catalogue digest under another tag, and accepts it with the pinned tag or a digest of its own", () => {
    const catalogue = withPrometheusDigest();
    const problemsOf = validatorOf(catalogue);
    const changed = problemsOf("prometheus:\n  image:\n    tag: v9.9.9\n    platforms: [linux/amd64, linux/arm64]\n");
    expect(changed.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
      `prometheus.image.digest: ${digest} is the digest of the pinned quay.io/prometheus/prometheus:${catalogue.images.prometheus!.tag} and would be run in place of quay.io/prometheus/prometheus:v9.9.9; set the digest of quay.io/prometheus/prometheus:v9.9.9, or "" to run by tag`,
    ]);
    expect(problemsOf("prometheus:\n  image:\n    tag: v9.9.9\n    digest: \"\"\n    platforms: [linux/amd64, linux/arm64]\n")).to.deep.equal([]);
    expect(problemsOf("prometheus:\n  replicas: 1\n")).to.deep.equal([]);
  });
});
