// validate on the alert receiver's token: a webhook to the receiver must send the key the
// receiver checks, and a tokenSecret that requireToken: false makes unused is not dropped silently.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { formatProblem } from "../../generator/src/validate/problem.js";

const catalogue = loadCatalogue();
const validate = createValidator(buildContract(catalogue).umbrella, catalogue);

describe("unit: the alert receiver's token in validate", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-token-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function problems(receiver: string, webhook: string): string[] {
    const file = join(dir, "p.yaml");
    writeFileSync(file, `alert-receiver:\n  enabled: true\n${receiver}alertmanager:\n  receivers:\n    default:\n      webhook:\n        - { alertReceiverPath: /webhook${webhook} }\n`);
    return validate([file]).problems.filter((p) => /token/i.test(p.message)).map((p) => formatProblem(p).slice(file.length + 1));
  }

  it("the default (chart-made token, sent automatically) needs nothing", () => {
    expect(problems("", "")).to.deep.equal([]);
  });

  it("with tokenSecret, each webhook to the receiver must send that key", () => {
    const own = "  tokenSecret: { name: hook, key: token }\n";
    expect(problems(own, "")).to.deep.equal([
      "8:11: alertmanager.receivers.default.webhook[0]: alert-receiver.tokenSecret names the receiver's token, so the chart creates no token Secret for this webhook to send: set bearerTokenSecret: {name: hook, key: token}",
    ]);
    expect(problems(own, ", bearerTokenSecret: { name: hook, key: token }")).to.deep.equal([]);
    expect(problems(own, ", bearerTokenSecret: { name: other, key: token }")).to.deep.equal([
      "8:61: alertmanager.receivers.default.webhook[0].bearerTokenSecret: the receiver checks alert-receiver.tokenSecret (hook/token), not other/token: set bearerTokenSecret: {name: hook, key: token}",
    ]);
  });

  it("requireToken: false with a tokenSecret is a warning, not a silent drop", () => {
    expect(problems("  requireToken: false\n  tokenSecret: { name: hook, key: token }\n", "")).to.deep.equal([
      "4:16: alert-receiver.tokenSecret: warning: requireToken is false, so the receiver checks no token and this Secret is not used",
    ]);
  });
});
