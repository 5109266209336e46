// A digest recorded in the catalogue (versions.json) becomes the default of its image values.
import { expect } from "chai";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";

describe("catalogue: image digests", () => {
  it("a recorded digest is part of the image default; an empty one is left out", () => {
    const catalogue = loadCatalogue();
    const digest = `sha256:${"a".repeat(64)}`;
    const prometheus = catalogue.images.prometheus!;
    catalogue.images.prometheus = { ...prometheus, digest };
    const schema = buildContract(catalogue).subcharts.get("prometheus") as any;
    expect(schema.properties.image.default).to.deep.equal({ repository: prometheus.repository, tag: prometheus.tag, digest });
    expect(catalogue.images.configReloader!.digest).to.equal("");
    expect(schema.properties.configReloader.properties.image.default).to.not.have.property("digest");
  });
});
