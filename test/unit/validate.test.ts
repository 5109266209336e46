import { expect } from "chai";
import { parseProfile, positionOf } from "../../generator/src/validate/source.js";
import { dottedPath, formatProblem } from "../../generator/src/validate/problem.js";
import { suggestion } from "../../generator/src/validate/schema-errors.js";

describe("unit: validation helpers", () => {
  it("finds the line and column of a value and of its key", () => {
    // (not `y`: Helm reads that key as "true")
    const loaded = parseProfile("p.yaml", "a:\n  list:\n    - x: 1\n      z: 2\n");
    if (!loaded.ok) throw new Error("parse failed");
    expect(positionOf(loaded.source, ["a", "list", 0, "z"])).to.deep.equal({ line: 4, col: 10 });
    expect(positionOf(loaded.source, ["a", "list", 0, "z"], true)).to.deep.equal({ line: 4, col: 7 });
    expect(positionOf(loaded.source, ["a", "missing", "deeper"])).to.deep.equal({ line: 2, col: 3 });
  });

  it("reports a duplicate key as a YAML error with its position", () => {
    const loaded = parseProfile("p.yaml", "a: 1\na: 2\n");
    expect(loaded.ok).to.equal(false);
    if (!loaded.ok) expect(formatProblem(loaded.problems[0]!)).to.match(/^p\.yaml:2:1: a: duplicate key "a"/);
  });

  it("suggests the closest key only when it is close", () => {
    expect(suggestion("relicas", ["replicas", "image"])).to.equal('; did you mean "replicas"?');
    expect(suggestion("zzzzzz", ["replicas", "image"])).to.equal("");
  });

  it("renders paths with indexes and quoted odd keys", () => {
    expect(dottedPath(["alertmanager", "route", "routes", 0, "receiver"])).to.equal("alertmanager.route.routes[0].receiver");
    expect(dottedPath(["alert-receiver", "image"])).to.equal("alert-receiver.image");
    expect(dottedPath(["labels", "app.kubernetes.io/name"])).to.equal('labels["app.kubernetes.io/name"]');
  });
});
