// The test cluster itself, and Pod Security admission as the API server applies it to every
// pod the chart can create.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { profileFiles, repoRoot } from "../helpers/tools.js";
import { createNamespace, deleteNamespace, getJson, kubectl, kubectlOk } from "./kube.js";

const versions = JSON.parse(readFileSync(join(repoRoot, "versions.json"), "utf8")) as { tools: { kubernetes: { version: string } } };
const restricted = "admission-restricted";
const baseline = "admission-baseline";
const privileged = "admission-privileged";
const cases = [...profileFiles(), join(repoRoot, "test", "fixtures", "all-enabled.yaml")];

/**
 * Each pod the rendered chart would create, as a bare Pod (what admission judges). A
 * StatefulSet's pods also mount its claims, which the controller adds from the templates.
 */
function podsOf(objects: K8sObject[]): Array<{ name: string; pod: object }> {
  const pods: Array<{ name: string; pod: object }> = [];
  for (const object of objects) {
    const spec = (object as { spec?: { template?: { metadata?: object; spec?: { volumes?: object[] } }; volumeClaimTemplates?: K8sObject[] } }).spec;
    const template = spec?.template;
    if (template?.spec) {
      const claims = (spec?.volumeClaimTemplates ?? []).map((claim) => ({ name: claim.metadata.name, persistentVolumeClaim: { claimName: `${claim.metadata.name}-${object.metadata.name}-0` } }));
      const podSpec = { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...claims] };
      pods.push({ name: `${object.kind}/${object.metadata.name}`, pod: { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, name: `check-${object.metadata.name}` }, spec: podSpec } });
    } else if (object.kind === "Pod") {
      const { namespace: _, ...metadata } = object.metadata;
      pods.push({ name: `Pod/${object.metadata.name}`, pod: { ...object, metadata } });
    }
  }
  return pods;
}

/** Priority classes are the cluster's, not the chart's; the Priority admission plugin wants those the pods name. */
const priorityClasses = new Set<string>();
function createPriorityClasses(pods: Array<{ pod: object }>): void {
  for (const { pod } of pods) {
    const name = (pod as { spec: { priorityClassName?: string } }).spec.priorityClassName;
    if (!name || priorityClasses.has(name) || kubectl(["get", "priorityclass", name]).status === 0) continue; // built-in ones exist
    kubectlOk(["create", "--filename", "-"], JSON.stringify({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value: 1000 }));
    priorityClasses.add(name);
  }
}

/** The pods' service accounts must exist for the ServiceAccount admission plugin. */
function createServiceAccounts(objects: K8sObject[], namespace: string): void {
  for (const account of objects.filter((o) => o.kind === "ServiceAccount")) {
    const { namespace: _, ...metadata } = account.metadata;
    kubectlOk(["apply", "--namespace", namespace, "--filename", "-"], JSON.stringify({ ...account, metadata }));
  }
}

function dryRunCreate(namespace: string, pod: object) {
  return kubectl(["create", "--dry-run=server", "--namespace", namespace, "--filename", "-", "--output", "name"], JSON.stringify(pod));
}

describe("cluster: the test cluster", () => {
  it(`runs kube-apiserver ${versions.tools.kubernetes.version}, the pinned version`, () => {
    const version = JSON.parse(kubectlOk(["version", "--output", "json"])) as { serverVersion: { gitVersion: string }; clientVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).to.equal(versions.tools.kubernetes.version);
    expect(version.clientVersion.gitVersion).to.equal(versions.tools.kubernetes.version);
  });

  it("has Ready kwok nodes of every architecture the profiles target (amd64, arm64, arm)", () => {
    const nodes = getJson<{ items: Array<K8sObject & { status: { conditions?: Array<{ type: string; status: string }> } }> }>(["nodes"]).items;
    const ready = nodes.filter((n) => n.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
    expect(ready.map((n) => n.metadata.name)).to.have.members(nodes.map((n) => n.metadata.name));
    const architectures = new Set(ready.map((n) => n.metadata.labels?.["kubernetes.io/arch"]));
    for (const arch of ["amd64", "arm64", "arm"]) expect([...architectures]).to.include(arch);
  });
});

describe("cluster: Pod Security admission of every pod the chart creates", () => {
  before(function () {
    this.timeout(120_000);
    createNamespace(restricted, "restricted");
    createNamespace(baseline, "baseline");
    createNamespace(privileged, "privileged");
  });
  after(function () {
    this.timeout(120_000);
    for (const namespace of [restricted, baseline, privileged]) deleteNamespace(namespace);
    for (const name of priorityClasses) kubectlOk(["delete", "priorityclass", name, "--ignore-not-found"]);
  });

  for (const file of cases) {
    it(`${basename(file, ".yaml")}: every pod but node-exporter's is admitted under 'restricted'`, function () {
      this.timeout(120_000);
      const objects = parseObjects(helmTemplate([file]));
      createServiceAccounts(objects, restricted);
      const pods = podsOf(objects);
      expect(pods.length).to.be.greaterThan(0);
      createPriorityClasses(pods);
      for (const { name, pod } of pods.filter((p) => !p.name.includes("node-exporter"))) {
        const result = dryRunCreate(restricted, pod);
        expect(result.status, `${name}: ${result.stderr}`).to.equal(0);
        expect(result.stderr, `${name} draws no Pod Security warning`).not.to.contain("would violate PodSecurity");
      }
    });
  }

  it("node-exporter's pod is rejected under 'restricted' and 'baseline' (host namespaces, hostPort, hostPath) and admitted under 'privileged'", function () {
    this.timeout(60_000);
    const objects = parseObjects(helmTemplate([join(repoRoot, "values", "gorax.yaml")]));
    const nodeExporter = podsOf(objects).find((p) => p.name.startsWith("DaemonSet/") && p.name.includes("node-exporter"));
    expect(nodeExporter, "gorax renders node-exporter").to.not.equal(undefined);
    const expectations: Array<[string, string[]]> = [
      [restricted, ['violates PodSecurity "restricted:latest"', "host namespaces (hostNetwork=true, hostPID=true)", "hostPort", 'restricted volume type "hostPath"']],
      [baseline, ['violates PodSecurity "baseline:latest"', "host namespaces (hostNetwork=true, hostPID=true)", "hostPort", "hostPath volumes"]],
    ];
    for (const [namespace, reasons] of expectations) {
      const rejected = dryRunCreate(namespace, nodeExporter!.pod);
      expect(rejected.status, namespace).to.not.equal(0);
      for (const reason of reasons) expect(rejected.stderr, namespace).to.contain(reason);
    }
    const admitted = dryRunCreate(privileged, nodeExporter!.pod);
    expect(admitted.status, admitted.stderr).to.equal(0);
    expect(admitted.stdout.trim()).to.equal(`pod/check-${objects.find((o) => o.kind === "DaemonSet")!.metadata.name}`);
  });
});
