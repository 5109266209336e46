// The API server's verdict on the objects the kube-prometheus-stack knobs of issue 17 render
// beyond what the profiles' installs cover: the Prometheus StatefulSet with its Thanos sidecar
// and a spread constraint with matchLabelKeys, the sidecar's discovery Service and the network
// policy that admits Thanos Query (all-enabled.yaml, thanos-sidecar.yaml), and the oauth2 scrape
// jobs of operator mode as ServiceMonitor and ScrapeConfig with their client-id ConfigMaps
// (operator-all.yaml, on the Prometheus Operator's CRDs). A server-side dry run: validation,
// defaulting and admission, nothing stored. The pods themselves pass Pod Security admission in
// admission.test.ts.
import { expect } from "chai";
import { join } from "node:path";
import { helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { repoRoot } from "../helpers/tools.js";
import { createNamespace, deleteNamespace, installOperatorCrds, kubectl } from "./kube.js";

const NAMESPACE = "knobs";
const fixture = (name: string) => join(repoRoot, "test", "fixtures", name);

function dryRun(object: K8sObject) {
  const { namespace: _, ...metadata } = object.metadata;
  return kubectl(["create", "--dry-run=server", "--namespace", NAMESPACE, "--filename", "-", "--output", "json"], JSON.stringify({ ...object, metadata }));
}

/** The objects of a render whose kind and name match, each admitted by the API server as it would be created. */
function expectAdmitted(objects: K8sObject[], wanted: Array<[string, RegExp]>): K8sObject[] {
  const chosen = objects.filter((o) => wanted.some(([kind, name]) => o.kind === kind && name.test(o.metadata.name)));
  expect(chosen.map((o) => o.kind).sort(), "every wanted object is rendered").to.include.members(wanted.map(([kind]) => kind).sort());
  return chosen.map((object) => {
    const result = dryRun(object);
    expect(result.status, `${object.kind}/${object.metadata.name}: ${result.stderr}`).to.equal(0);
    return JSON.parse(result.stdout) as K8sObject;
  });
}

describe("cluster: the API server accepts the Thanos sidecar, matchLabelKeys and scrape-job oauth2", () => {
  before(function () {
    this.timeout(180_000);
    createNamespace(NAMESPACE, "restricted");
    installOperatorCrds();
  });
  after(function () {
    this.timeout(120_000);
    deleteNamespace(NAMESPACE);
  });

  for (const file of ["all-enabled.yaml", "thanos-sidecar.yaml"]) {
    it(`${file}: the StatefulSet with the sidecar, the discovery Service and Prometheus' network policy`, function () {
      this.timeout(120_000);
      const [statefulSet, ...rest] = expectAdmitted(parseObjects(helmTemplate([fixture(file)])), [
        ["StatefulSet", new RegExp(`^${RELEASE}-prometheus$`)],
        ["Service", new RegExp(`^${RELEASE}-prometheus-thanos-discovery$`)],
        ["NetworkPolicy", new RegExp(`^${RELEASE}-prometheus$`)],
      ]).sort((a, b) => (a.kind === "StatefulSet" ? -1 : b.kind === "StatefulSet" ? 1 : 0));
      expect(rest).to.have.length(2);
      const pod = (statefulSet as any).spec.template.spec;
      expect(pod.containers.map((c: { name: string }) => c.name)).to.include("thanos-sidecar");
      if (file === "all-enabled.yaml") {
        const spread = pod.topologySpreadConstraints.find((c: { matchLabelKeys?: string[] }) => c.matchLabelKeys);
        expect(spread.matchLabelKeys).to.deep.equal(["controller-revision-hash"]);
      }
    });
  }

  it("the API server narrows a pod's spread by its matchLabelKeys: the label's value joins the constraint's labelSelector", function () {
    this.timeout(60_000);
    const objects = parseObjects(helmTemplate([fixture("all-enabled.yaml")]));
    const statefulSet = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === `${RELEASE}-prometheus`) as any;
    const template = structuredClone(statefulSet.spec.template);
    // The pod as the StatefulSet controller creates it: its revision label, its claim as a volume.
    const spec = { ...template.spec, serviceAccountName: "default", priorityClassName: undefined, volumes: [...template.spec.volumes, { name: "data", emptyDir: {} }] };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "spread-check", labels: { ...template.metadata.labels, "controller-revision-hash": "r1" } }, spec };
    const result = dryRun(pod as unknown as K8sObject);
    expect(result.status, result.stderr).to.equal(0);
    const created = JSON.parse(result.stdout) as { spec: { topologySpreadConstraints: Array<{ matchLabelKeys?: string[]; labelSelector: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } }> } };
    const spread = created.spec.topologySpreadConstraints.find((c) => c.matchLabelKeys);
    expect(spread!.labelSelector.matchExpressions).to.deep.include({ key: "controller-revision-hash", operator: "In", values: ["r1"] });
  });

  it("operator-all.yaml: the oauth2 jobs' ServiceMonitor and ScrapeConfig, and their client-id ConfigMaps", function () {
    this.timeout(120_000);
    const admitted = expectAdmitted(parseObjects(helmTemplate([fixture("operator-all.yaml")])), [
      ["ServiceMonitor", new RegExp(`^${RELEASE}-partner-endpoints$`)],
      ["ScrapeConfig", new RegExp(`^${RELEASE}-partner-api$`)],
      ["ConfigMap", new RegExp(`^${RELEASE}-partner-(endpoints|api)-oauth2$`)],
    ]);
    const monitor = admitted.find((o) => o.kind === "ServiceMonitor") as any;
    expect(monitor.spec.endpoints[0].oauth2.clientId.configMap).to.deep.equal({ name: `${RELEASE}-partner-endpoints-oauth2`, key: "clientId" });
    expect(admitted.filter((o) => o.kind === "ConfigMap")).to.have.length(2);
  });
});
