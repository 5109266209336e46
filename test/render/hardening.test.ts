// Hardening defects that independent linters found in the renders (issue 16), each judged on
// the rendered objects of every profile and of the fixtures that switch every template on.
import { expect } from "chai";
import { caseName, fixture, renderCases, rendered } from "./cases.js";


describe("render: PodDisruptionBudgets never block a drain", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: every PodDisruptionBudget evicts unhealthy pods (unhealthyPodEvictionPolicy AlwaysAllow)`, () => {
      const budgets = rendered(file).filter((o) => o.kind === "PodDisruptionBudget");
      for (const budget of budgets) expect((budget as any).spec.unhealthyPodEvictionPolicy, budget.metadata.name).to.equal("AlwaysAllow");
    });
  }
  it("the fixtures render budgets to judge", () => {
    expect(rendered(fixture("all-enabled.yaml")).filter((o) => o.kind === "PodDisruptionBudget").length).to.be.greaterThan(1);
  });
});
