import { expect } from "chai";
import { bundle, type SchemaSet } from "../../generator/src/schema/bundle.js";

function set(files: Record<string, object>): SchemaSet {
  return { files: new Map(Object.entries(files).map(([name, schema]) => [name, schema as Record<string, unknown>])) };
}

describe("unit: schema bundling", () => {
  it("inlines whole-file refs and keeps only the definitions reached", () => {
    const result = bundle(
      set({
        "a.schema.json": { $id: "a.schema.json", type: "object", properties: { b: { $ref: "b.schema.json" } } },
        "b.schema.json": { $id: "b.schema.json", title: "B", type: "object", properties: { d: { $ref: "c.schema.json#/definitions/duration" } } },
        "c.schema.json": { definitions: { duration: { type: "string" }, unused: { type: "number" } } },
      }),
      "a.schema.json",
    );
    expect(result.properties).to.deep.equal({ b: { title: "B", type: "object", properties: { d: { $ref: "#/definitions/duration" } } } });
    expect(result.definitions).to.deep.equal({ duration: { type: "string" } });
  });

  it("follows refs inside definitions, including recursive ones", () => {
    const result = bundle(
      set({
        "r.schema.json": {
          properties: { route: { $ref: "#/definitions/route" } },
          definitions: { route: { properties: { routes: { items: { $ref: "#/definitions/route" } }, m: { $ref: "#/definitions/matcher" } } }, matcher: { type: "string" } },
        },
      }),
      "r.schema.json",
    );
    expect(Object.keys(result.definitions as object)).to.deep.equal(["matcher", "route"]);
  });

  it("refuses a definition name used by two files", () => {
    expect(() =>
      bundle(set({ "a.schema.json": { definitions: { x: {} } }, "b.schema.json": { definitions: { x: {} } } }), "a.schema.json"),
    ).to.throw('schema definition "x" is defined in both a.schema.json and b.schema.json');
  });

  it("refuses a ref to a missing definition", () => {
    expect(() => bundle(set({ "a.schema.json": { properties: { x: { $ref: "#/definitions/nope" } } } }), "a.schema.json")).to.throw("names no definition");
  });
});
