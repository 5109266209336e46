// The soundness property over generated profiles (a small fixed-seed sample; `make fuzz`
// runs 10 000): whatever the static checks of `promstack validate` accept, helm renders and
// promtool and amtool accept. A violation fails with fast-check's shrunk counterexample as YAML.
import { expect } from "chai";
import fc from "fast-check";
import type { ToolSet } from "../../generator/src/tools/locate.js";
import { describeViolation, PropertyHarness, shrinkViolation, violationClass } from "../helpers/property.js";
import { tools } from "../helpers/tools.js";

const SEED = 20261203;
const RUNS = 40;

describe("semantics: validate accepts => helm, promtool and amtool accept (generated profiles)", () => {
  let harness: PropertyHarness;
  before(() => {
    const found: ToolSet["found"] = {
      helm: { name: "helm", path: tools.helm, source: "HELM" },
      promtool: { name: "promtool", path: tools.promtool, source: "PROMTOOL" },
      amtool: { name: "amtool", path: tools.amtool, source: "AMTOOL" },
    };
    harness = new PropertyHarness({ found, missing: {} });
  });
  after(() => harness.close());

  it(`${RUNS} profiles from seed ${SEED}: no accepted profile is refused`, async function () {
    this.timeout(240_000);
    let accepted = 0;
    let rejected = 0;
    const property = fc.asyncProperty(harness.arbitrary().profile(), async (profile) => {
      const result = await harness.check(profile);
      if (result.accepted) accepted++;
      else rejected++;
      if (result.violations.length > 0) throw new Error(describeViolation(profile, result.violations));
    });
    // Shrinking runs the tools per step: bounded, the best counterexample so far is reported.
    const outcome = await fc.check(property, { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 150_000 });
    if (outcome.failed) {
      // fast-check's shrink, then whole keys dropped while the same kind of refusal remains.
      const [counterexample] = outcome.counterexample!;
      const first = (await harness.check(counterexample)).violations[0]!;
      const minimal = await shrinkViolation(harness, counterexample, violationClass(first), 40);
      const violations = (await harness.check(minimal)).violations;
      expect.fail(`validate accepted a profile the tools refuse (seed ${SEED}, path ${outcome.counterexamplePath}):\n${describeViolation(minimal, violations)}`);
    }
    // Both paths are exercised: the generator is neither all-valid nor all-broken.
    expect(accepted, "accepted cases").to.be.greaterThan(RUNS / 5);
    expect(rejected, "rejected cases").to.be.greaterThan(RUNS / 10);
  });
});
