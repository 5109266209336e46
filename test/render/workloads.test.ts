// Every pod the chart renders, for every profile and fixture, judged on the rendered objects:
// the restricted Pod Security Standard (node-exporter's host access excepted and documented),
// resources, probes, labels, scheduling, pull secrets and the image registry mirror.
import { expect } from "chai";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helmTemplate, NAMESPACE, parseObjects, RELEASE } from "../helpers/render.js";
import { chartDir, profileFiles, run, tools } from "../helpers/tools.js";
import { caseName, fixture, podTemplates, renderCases, rendered } from "./cases.js";

const HOST_ACCESS = "node-exporter"; // the one component that needs the host's namespaces

function containersOf(spec: Record<string, any>): Array<Record<string, any>> {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

describe("render: every pod is hardened", () => {
  for (const file of renderCases) {
    describe(caseName(file), () => {
      const pods = podTemplates(rendered(file));

      it("renders workloads", () => expect(pods.length).to.be.greaterThan(0));

      for (const pod of pods) {
        const component = pod.metadata.labels?.["app.kubernetes.io/name"];
        describe(pod.owner, () => {
          it("pod security context: non-root, RuntimeDefault seccomp", () => {
            expect(pod.spec.securityContext?.runAsNonRoot).to.equal(true);
            expect(pod.spec.securityContext?.runAsUser).to.be.a("number").and.not.equal(0);
            expect(pod.spec.securityContext?.seccompProfile?.type).to.equal("RuntimeDefault");
          });

          it("every container: no privilege escalation, read-only root, all capabilities dropped", () => {
            for (const container of containersOf(pod.spec)) {
              const context = container.securityContext ?? {};
              expect(context.allowPrivilegeEscalation, container.name).to.equal(false);
              expect(context.readOnlyRootFilesystem, container.name).to.equal(true);
              expect(context.privileged ?? false, container.name).to.equal(false);
              expect(context.capabilities?.drop, container.name).to.deep.equal(["ALL"]);
              expect(context.capabilities?.add ?? [], container.name).to.deep.equal([]);
              expect(context.runAsUser ?? 1, container.name).to.not.equal(0);
            }
          });

          it("every container: cpu and memory requests, a memory limit, liveness and readiness probes", () => {
            for (const container of containersOf(pod.spec)) {
              expect(container.resources?.requests?.cpu, `${container.name} cpu request`).to.be.a("string");
              expect(container.resources?.requests?.memory, `${container.name} memory request`).to.be.a("string");
              expect(container.resources?.limits?.memory, `${container.name} memory limit`).to.be.a("string");
              expect(container.livenessProbe, `${container.name} liveness`).to.be.an("object");
              expect(container.readinessProbe, `${container.name} readiness`).to.be.an("object");
            }
          });

          it("host namespaces, host paths and host ports only for node-exporter", () => {
            const hostAccess = Boolean(pod.spec.hostNetwork || pod.spec.hostPID || pod.spec.hostIPC) ||
              (pod.spec.volumes ?? []).some((v: any) => v.hostPath) ||
              containersOf(pod.spec).some((c) => (c.ports ?? []).some((p: any) => p.hostPort));
            expect(hostAccess).to.equal(component === HOST_ACCESS);
            if (component === HOST_ACCESS) {
              expect((pod.spec.volumes ?? []).every((v: any) => !v.hostPath || containersOf(pod.spec).every((c) => (c.volumeMounts ?? []).filter((m: any) => m.name === v.name).every((m: any) => m.readOnly === true))), "host paths read-only").to.equal(true);
            }
          });

          it("carries the app.kubernetes.io labels", () => {
            for (const label of ["name", "instance", "part-of", "managed-by", "version"]) {
              expect(pod.metadata.labels?.[`app.kubernetes.io/${label}`], label).to.be.a("string").and.not.equal("");
            }
          });

          it("mounts a service account token only where the API is read (Prometheus, kube-state-metrics, the Prometheus Operator)", () => {
            const token = pod.spec.automountServiceAccountToken !== false;
            expect(token).to.equal(["prometheus", "kube-state-metrics", "prometheus-operator"].includes(component ?? ""));
          });

          it("is scheduled only onto linux nodes of the profile's architectures", () => {
            const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
            expect(terms.length).to.be.greaterThan(0);
            for (const term of terms) {
              const keys = (term.matchExpressions ?? []).map((e: any) => e.key);
              expect(keys).to.include.members(["kubernetes.io/arch", "kubernetes.io/os"]);
            }
          });
        });
      }
    });
  }
});

describe("render: scheduling, pull secrets and registry mirror reach the pods", () => {
  const objects = rendered(fixture("all-enabled.yaml"));
  const pods = podTemplates(objects);
  const prometheus = pods.find((p) => p.owner.startsWith("StatefulSet/") && p.metadata.labels?.["app.kubernetes.io/name"] === "prometheus")!;

  it("nodeSelector, tolerations and priorityClassName as written", () => {
    expect(prometheus.spec.nodeSelector).to.deep.equal({ "node-role.kubernetes.io/monitoring": "true" });
    expect(prometheus.spec.tolerations).to.deep.equal([{ key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule" }]);
    expect(prometheus.spec.priorityClassName).to.equal("monitoring");
    const nodeExporter = pods.find((p) => p.kind === "DaemonSet")!;
    expect(nodeExporter.spec.priorityClassName).to.equal("system-node-critical");
    expect(nodeExporter.spec.tolerations).to.deep.equal([{ operator: "Exists" }]);
  });

  it("a custom affinity keeps its own terms, each narrowed to the profile's architectures", () => {
    const terms = prometheus.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).to.have.length(1);
    expect(terms[0].matchExpressions).to.deep.equal([
      { key: "topology.kubernetes.io/zone", operator: "In", values: ["zone-a", "zone-b"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ]);
    expect(prometheus.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).to.have.length(1);
  });

  it("every pod pulls with global.imagePullSecrets, written as names or as {name:}", () => {
    // all-enabled.yaml writes [registry-credentials, {name: mirror-credentials}].
    for (const pod of pods) expect(pod.spec.imagePullSecrets, pod.owner).to.deep.equal([{ name: "registry-credentials" }, { name: "mirror-credentials" }]);
  });

  it("global.imageRegistry replaces the registry of every image", () => {
    const mirrored = podTemplates(parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "global.imageRegistry=mirror.example.com"])));
    const images = mirrored.flatMap((pod) => containersOf(pod.spec).map((c) => String(c.image)));
    expect(images.length).to.be.greaterThan(8);
    for (const image of images) expect(image).to.match(/^mirror\.example\.com\/[a-z0-9-]+\/[a-z0-9_-]+(:|@)/);
  });
});

describe("render: NOTES say which namespace and Pod Security level node-exporter needs", () => {
  let copy: string;
  // helm renders NOTES.txt only on install, which needs a cluster: render the same file with
  // Helm's engine (tpl) from a copy of the chart instead.
  before(() => {
    copy = join(mkdtempSync(join(tmpdir(), "promstack-notes-")), "promstack");
    cpSync(chartDir, copy, { recursive: true });
    cpSync(join(chartDir, "templates", "NOTES.txt"), join(copy, "notes.txt"));
    writeFileSync(join(copy, "templates", "zz-notes.yaml"), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes }\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}\n');
  });
  after(() => rmSync(join(copy, ".."), { recursive: true, force: true }));

  function notes(file: string): string {
    const result = run(tools.helm, ["template", RELEASE, copy, "--namespace", NAMESPACE, "-f", file, "--show-only", "templates/zz-notes.yaml"]);
    expect(result.status, result.stderr).to.equal(0);
    return (parseObjects(result.stdout)[0] as any).data.notes;
  }

  it("names the privileged level and the namespace to label", () => {
    const text = notes(fixture("operator-all.yaml"));
    expect(text).to.contain('It runs in namespace\n"monitoring-privileged", which must allow the "privileged" level');
    expect(text).to.contain("kubectl label namespace monitoring-privileged pod-security.kubernetes.io/enforce=privileged");
  });

  it("operator mode: tells how to point the existing Prometheus at every Alertmanager replica", () => {
    const text = notes(fixture("operator-all.yaml"));
    expect(text).to.contain("(labelled release=kube-prometheus-stack - its Prometheus must select them)");
    expect(text).to.contain(`- { namespace: ${NAMESPACE}, name: ${RELEASE}-alertmanager-headless, port: http-web }`);
  });

  it("standalone mode says it reads no ServiceMonitor, PodMonitor or PrometheusRule, and how to have them read", () => {
    const text = notes(fixture("all-enabled.yaml"));
    expect(text).to.contain("it does not\nread ServiceMonitor, PodMonitor, Probe, ScrapeConfig or PrometheusRule objects");
    expect(text).to.contain("prometheus.mode=operator and prometheus.operator.deploy=true");
    expect(notes(fixture("operator-all.yaml"))).to.not.contain("does not\nread ServiceMonitor");
  });

  it("prometheus.operator.deploy: names the operator, the Prometheus resource and what it reads", () => {
    const text = notes(fixture("operator-deploy.yaml"));
    expect(text).to.contain(`Prometheus Operator: deployed by this release (${RELEASE}-prometheus-operator)`);
    expect(text).to.contain(`Prometheus resource "${RELEASE}" (2 replica(s), StatefulSet prometheus-${RELEASE})`);
    expect(text).to.contain("PrometheusRules of\nevery namespace.");
    expect(text).to.contain("list your applications' namespaces and ports in\nnetwork-policies.scrapeTargets");
    expect(text).to.not.contain("no Prometheus was deployed");
  });

  it("says what the NetworkPolicies (on by default) allow and how to turn them off", () => {
    const text = notes(profileFiles().find((f) => f.endsWith("/raspberry-pi.yaml"))!);
    expect(text).to.contain("NetworkPolicies are on");
    expect(text).to.contain("the web UIs from\nnamespaces [kube-system]");
    expect(text).to.contain("(ports 443/587)");
    expect(text).to.contain("Turn them off with --set network-policies.enabled=false.");
    expect(notes(profileFiles().find((f) => f.endsWith("/tavira.yaml"))!)).to.not.contain("NetworkPolicies are on");
  });
});
