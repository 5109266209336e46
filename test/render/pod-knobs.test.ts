// The pod knobs kube-prometheus-stack users set on every workload (podLabels, podAnnotations,
// scheduling.topologySpreadConstraints), judged on what helm renders for all-enabled.yaml:
// each value the profile writes reaches its pod template unchanged, the chart's selector labels
// and checksums stay, and a constraint without labelSelector counts the component's own pods.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { RELEASE } from "../helpers/render.js";
import { fixture, podTemplates, rendered } from "./cases.js";

const file = fixture("all-enabled.yaml");
const values = parse(readFileSync(file, "utf8")) as Record<string, any>;

// Where each workload's values live in the profile.
const workloads: Array<{ values: string[]; owner: string; component: string }> = [
  { values: ["prometheus"], owner: `StatefulSet/${RELEASE}-prometheus`, component: "prometheus" },
  { values: ["alertmanager"], owner: `StatefulSet/${RELEASE}-alertmanager`, component: "alertmanager" },
  { values: ["alert-receiver"], owner: `Deployment/${RELEASE}-alert-receiver`, component: "alert-receiver" },
  { values: ["grafana"], owner: `Deployment/${RELEASE}-grafana`, component: "grafana" },
  { values: ["exporters", "nodeExporter"], owner: `DaemonSet/${RELEASE}-node-exporter`, component: "node-exporter" },
  { values: ["exporters", "kubeStateMetrics"], owner: `Deployment/${RELEASE}-kube-state-metrics`, component: "kube-state-metrics" },
  { values: ["exporters", "postgres"], owner: `Deployment/${RELEASE}-postgres-exporter`, component: "postgres-exporter" },
  { values: ["exporters", "redis"], owner: `Deployment/${RELEASE}-redis-exporter`, component: "redis-exporter" },
  { values: ["exporters", "blackbox"], owner: `Deployment/${RELEASE}-blackbox-exporter`, component: "blackbox-exporter" },
];

describe("render: pod labels, annotations and topology spread on every workload", () => {
  const pods = podTemplates(rendered(file));

  it("the fixture sets the knobs on every workload the chart renders (Jobs of helm test aside)", () => {
    const owners = pods.filter((p) => p.kind !== "Job" && p.kind !== "Pod").map((p) => p.owner).sort();
    expect(owners).to.deep.equal(workloads.map((w) => w.owner).sort());
  });

  for (const workload of workloads) {
    describe(workload.owner, () => {
      const own = workload.values.reduce((node, key) => node?.[key], values as any) ?? {};
      const pod = () => {
        const found = pods.find((p) => p.owner === workload.owner);
        if (!found) throw new Error(`${workload.owner} not rendered`);
        return found;
      };

      it("every podLabels entry is on the pod as written, and the selector labels are the chart's", () => {
        expect(Object.keys(own.podLabels ?? {})).to.not.be.empty;
        for (const [key, value] of Object.entries(own.podLabels)) expect(pod().metadata.labels?.[key], key).to.equal(value);
        expect(pod().metadata.labels?.["app.kubernetes.io/name"]).to.equal(workload.component);
        expect(pod().metadata.labels?.["app.kubernetes.io/instance"]).to.equal(RELEASE);
      });

      it("every podAnnotations entry is on the pod as written, next to the chart's checksums", () => {
        expect(Object.keys(own.podAnnotations ?? {})).to.not.be.empty;
        for (const [key, value] of Object.entries(own.podAnnotations)) expect(pod().metadata.annotations?.[key], key).to.equal(value);
      });

      it("topologySpreadConstraints as written, labelSelector defaulting to the component's pods", () => {
        const written: Array<Record<string, unknown>> = own.scheduling?.topologySpreadConstraints ?? [];
        const expected = written.map((c) => ({ labelSelector: { matchLabels: { "app.kubernetes.io/name": workload.component, "app.kubernetes.io/instance": RELEASE } }, ...c }));
        expect(pod().spec.topologySpreadConstraints ?? []).to.deep.equal(expected);
        // The default selector selects the pod it is written on.
        for (const constraint of pod().spec.topologySpreadConstraints ?? []) {
          if (written.some((c) => c.labelSelector)) continue;
          for (const [key, value] of Object.entries(constraint.labelSelector.matchLabels as Record<string, string>)) expect(pod().metadata.labels?.[key]).to.equal(value);
        }
      });
    });
  }

  it("the chart's checksum annotations survive podAnnotations", () => {
    for (const owner of [`StatefulSet/${RELEASE}-alertmanager`, `Deployment/${RELEASE}-alert-receiver`, `Deployment/${RELEASE}-blackbox-exporter`])
      expect(Object.keys(pods.find((p) => p.owner === owner)!.metadata.annotations ?? {}).filter((k) => k.startsWith("checksum/")), owner).to.have.length(1);
  });
});
