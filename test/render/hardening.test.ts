// Hardening defects that independent linters found in the renders (issue 16), each judged on
// the rendered objects of every profile and of the fixtures that switch every template on.
import { expect } from "chai";
import { NAMESPACE } from "../helpers/render.js";

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

// Kinds the chart renders that have no namespace; every other kind it renders is namespaced.
const CLUSTER_SCOPED = new Set(["ClusterRole", "ClusterRoleBinding"]);

describe("render: every namespaced object names its namespace (helm template | kubectl apply works without -n)", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: metadata.namespace on every namespaced object, the release's unless node-exporter's own`, () => {
      const objects = rendered(file);
      const missing = objects.filter((o) => !CLUSTER_SCOPED.has(o.kind) && !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(missing).to.deep.equal([]);
      for (const o of objects.filter((o) => o.metadata.namespace && o.metadata.namespace !== NAMESPACE)) {
        expect(o.metadata.labels?.["app.kubernetes.io/name"], `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).to.be.oneOf(["node-exporter", "grafana"]);
      }
      for (const o of objects.filter((o) => CLUSTER_SCOPED.has(o.kind))) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).to.equal(undefined);
    });
  }
  it("the ClusterRoleBindings' subjects live where the ServiceAccounts are rendered", () => {
    for (const file of renderCases) {
      const objects = rendered(file);
      for (const binding of objects.filter((o) => o.kind === "ClusterRoleBinding") as any[]) {
        for (const subject of binding.subjects) {
          const account = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === subject.name);
          expect(account?.metadata.namespace, `${caseName(file)}: ${subject.name}`).to.equal(subject.namespace);
        }
      }
    }
  });
});
