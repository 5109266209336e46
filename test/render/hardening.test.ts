// Hardening defects that independent linters found in the renders (issue 16), each judged on
// the rendered objects of every profile and of the fixtures that switch every template on.
import { expect } from "chai";
import { helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";

import { caseName, fixture, renderCases, rendered, selects } from "./cases.js";


/** Every pod the render creates: workload templates and helm test pods. */
function allPods(objects: K8sObject[]): Array<{ owner: string; namespace: string | undefined; labels: Record<string, string>; spec: Record<string, any> }> {
  const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)).map((o: any) => ({
    owner: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec,
  }));
  const pods = objects.filter((o) => o.kind === "Pod").map((o: any) => ({ owner: `Pod/${o.metadata.name}`, namespace: o.metadata.namespace, labels: o.metadata.labels ?? {}, spec: o.spec }));
  return [...workloads, ...pods];
}

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

// The resources kube-state-metrics v2.17.0 (the pinned image) knows by these names: its
// DefaultResources (pkg/options/resource.go at the tag); --resources refuses any other name.
const KSM_RESOURCES = [
  "certificatesigningrequests", "configmaps", "cronjobs", "daemonsets", "deployments", "endpoints", "horizontalpodautoscalers",
  "ingresses", "jobs", "leases", "limitranges", "mutatingwebhookconfigurations", "namespaces", "networkpolicies", "nodes",
  "persistentvolumeclaims", "persistentvolumes", "poddisruptionbudgets", "pods", "replicasets", "replicationcontrollers",
  "resourcequotas", "secrets", "services", "statefulsets", "storageclasses", "validatingwebhookconfigurations", "volumeattachments",
];

function kubeStateMetrics(objects: K8sObject[]): { granted: string[]; listed: string[]; verbs: string[] } {
  const role = objects.find((o) => o.kind === "ClusterRole" && o.metadata.name === `${RELEASE}-kube-state-metrics-${NAMESPACE}`) as any;
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-kube-state-metrics`) as any;
  const args: string[] = deployment.spec.template.spec.containers[0].args;
  const flags = args.filter((a) => a.startsWith("--resources="));
  expect(flags, "--resources given once").to.have.length(1);
  return {
    granted: role.rules.flatMap((r: any) => r.resources).sort(),
    listed: flags[0]!.slice("--resources=".length).split(",").sort(),
    verbs: [...new Set<string>(role.rules.flatMap((r: any) => r.verbs))].sort(),
  };
}

describe("render: kube-state-metrics reads no Secret unless asked, and lists exactly what its RBAC grants", () => {
  for (const file of renderCases.filter((f) => rendered(f).some((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-kube-state-metrics`))) {
    it(`${caseName(file)}: --resources equals the ClusterRole's resources, without secrets, each a v2.17 resource`, () => {
      const { granted, listed, verbs } = kubeStateMetrics(rendered(file));
      expect(listed).to.deep.equal(granted);
      expect(granted).to.not.include("secrets");
      expect(verbs).to.deep.equal(["list", "watch"]);
      for (const name of listed) expect(KSM_RESOURCES, name).to.include(name);
    });
  }
  it("exporters.kubeStateMetrics.secretMetrics: true adds secrets to both", () => {
    const { granted, listed } = kubeStateMetrics(parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "exporters.kubeStateMetrics.secretMetrics=true"])));
    expect(granted).to.include("secrets");
    expect(listed).to.deep.equal(granted);
  });
});

describe("render: a NetworkPolicy only for what the release runs", () => {
  for (const file of renderCases) {
    it(`${caseName(file)}: every NetworkPolicy selects a pod the release renders in its namespace`, () => {
      const objects = rendered(file);
      const pods = allPods(objects);
      for (const policy of objects.filter((o) => o.kind === "NetworkPolicy") as any[]) {
        const selector = policy.spec.podSelector;
        const matches = pods.filter((pod) => (pod.namespace ?? NAMESPACE) === (policy.metadata.namespace ?? NAMESPACE) &&
          selects(selector.matchLabels ?? {}, pod.labels) &&
          (selector.matchExpressions ?? []).every((e: any) => e.operator === "In" && e.values.includes(pod.labels[e.key])));
        expect(matches.map((p) => p.owner), `${policy.metadata.name} selects nothing`).to.not.deep.equal([]);
      }
    });
  }
});
