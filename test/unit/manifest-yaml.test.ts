// Rendered manifests are read as the API server reads them (sigs.k8s.io/yaml on go-yaml v2):
// YAML 1.1 numbers and booleans, but sexagesimal numbers and timestamps stay strings.
import { expect } from "chai";
import { parseObjects } from "../../generator/src/render/extract.js";

describe("unit: manifests read as the API server reads them", () => {
  const [object] = parseObjects(
    ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: x}", "mode: 0440", "enabled: yes", "short: y", "big: 1_000", "clock: 1:20", "day: 2001-12-14", "octal12: 0o17"].join("\n"),
  );

  it("0440 is octal (288), yes and y are true, 1_000 is 1000", () => {
    expect(object).to.include({ mode: 0o440, enabled: true, short: true, big: 1000 });
  });

  it("1:20, a date and 0o17 stay strings, as go-yaml v2 keeps them", () => {
    expect(object).to.include({ clock: "1:20", day: "2001-12-14", octal12: "0o17" });
  });
});
