// Reading the tools' output and placing it in a profile (the semantics layer runs the tools).
import { expect } from "chai";
import { failureMessages } from "../../generator/src/tools/check.js";
import { locateTools } from "../../generator/src/tools/locate.js";
import { placeMessage, quotedNames } from "../../generator/src/tools/map-message.js";
import { parseProfile, type ProfileSource } from "../../generator/src/validate/source.js";

function source(text: string): ProfileSource {
  const loaded = parseProfile("p.yaml", text);
  if (!loaded.ok) throw new Error("fixture does not parse");
  return loaded.source;
}

describe("unit: tool messages", () => {
  it("one message per failure; indented lines continue it; the temporary root is cut", () => {
    const output = "Checking /tmp/x/etc/p.yml\n  FAILED: parsing YAML file /tmp/x/etc/p.yml: yaml: unmarshal errors:\n  line 5: field a not found\n";
    expect(failureMessages(output, "/tmp/x")).to.deep.equal(["parsing YAML file /etc/p.yml: yaml: unmarshal errors:; line 5: field a not found"]);
    const rules = "Checking /r/0.yaml\n  FAILED:\n/r/0.yaml: 3:5: group \"g\", rule 1, \"A\": bad\n/r/0.yaml: 9:5: group \"g\", rule 2, \"B\": worse\n";
    expect(failureMessages(rules, "/r")).to.deep.equal(['/0.yaml: 3:5: group "g", rule 1, "A": bad', '/0.yaml: 9:5: group "g", rule 2, "B": worse']);
    const amtool = "Checking '/a/am.yml'  FAILED: cannot have continue in root route\n\namtool: error: failed to validate 1 file(s)\n";
    expect(failureMessages(amtool, "/a")).to.deep.equal(["cannot have continue in root route"]);
    expect(failureMessages("Checking x\n  SUCCESS\n", "")).to.deep.equal([]);
  });

  it("quoted names, and the Secret and key of a mounted file", () => {
    expect(quotedNames('undefined receiver "team-a" used in route')).to.deep.equal(["team-a"]);
    expect(quotedNames('file "/etc/prometheus/secrets/db/token": no such file')).to.deep.equal(["db", "token", "/etc/prometheus/secrets/db/token"]);
    expect(quotedNames("line 5: field scrape_intervall not found")).to.deep.equal(["scrape_intervall"]);
    expect(quotedNames("unknown time zone Mars/Olympus")).to.deep.equal(["Mars/Olympus"]);
  });

  it("places a rule error at its alert, a receiver error at its receiver, helm's at its path", () => {
    const profile = source("rules:\n  g.x:\n    A:\n      expr: up\nalertmanager:\n  receivers:\n    team-a: {}\n  route:\n    receiver: default\n");
    expect(placeMessage(profile, "promtool check rules", 'group "g.x", rule 1, "A": could not parse')).to.deep.equal(["rules", "g.x", "A"]);
    expect(placeMessage(profile, "amtool check-config", 'notification config "team-a" is bad')).to.deep.equal(["alertmanager", "receivers", "team-a"]);
    expect(placeMessage(profile, "amtool check-config", "cannot have continue in root route")).to.deep.equal(["alertmanager", "route"]);
    expect(placeMessage(profile, "helm template", "- at '/prometheus/global/x': got boolean")).to.deep.equal([]);
    expect(placeMessage(source("global:\n  x: n\n"), "helm template", "- at '/prometheus/global/x': got boolean")).to.deep.equal(["global", "x"]);
    expect(placeMessage(profile, "promtool check config", "something else")).to.deep.equal([]);
    expect(placeMessage(source("grafana:\n  extraEnv: []\n"), "helm template", "- at '/extraEnv': validation failed")).to.deep.equal(["grafana", "extraEnv"]);
  });

  it("an explicit tool that is not executable is reported, not replaced", () => {
    const found = locateTools({ PROMSTACK_HELM: "/nonexistent/helm", PATH: "" });
    expect(found.found.helm).to.equal(undefined);
    expect(found.missing.helm).to.equal("PROMSTACK_HELM=/nonexistent/helm is not an executable file");
  });
});
