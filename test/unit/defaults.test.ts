import { expect } from "chai";
import { deepMerge, defaultsOf } from "../../generator/src/schema/defaults.js";

describe("unit: defaults from the schema", () => {
  const root = {
    type: "object",
    properties: {
      persistence: { $ref: "#/definitions/persistence", default: { size: "20Gi" } },
      replicas: { type: "integer", default: 1 },
      secret: { type: "object", properties: { name: { type: "string" } } },
    },
    definitions: {
      persistence: { type: "object", properties: { enabled: { type: "boolean", default: true }, size: { type: "string", default: "8Gi" } } },
    },
  };

  it("merges a property's own default over the defaults of its type", () => {
    expect(defaultsOf(root, root)).to.deep.equal({ persistence: { enabled: true, size: "20Gi" }, replicas: 1 });
  });

  it("leaves out objects that declare no default anywhere below", () => {
    expect(defaultsOf(root, root)).not.to.have.property("secret");
  });

  it("deepMerge replaces lists and scalars and merges maps", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: "x" }, { a: { c: [3] }, d: "y" })).to.deep.equal({ a: { b: 1, c: [3] }, d: "y" });
  });

  it("deepMerge deletes a key set to null, as Helm does (receivers: {default: null})", () => {
    expect(deepMerge({ receivers: { default: {}, team: {} } }, { receivers: { default: null } })).to.deep.equal({ receivers: { team: {} } });
    expect(deepMerge({ a: 1 }, { b: null })).to.deep.equal({ a: 1 });
  });
});
