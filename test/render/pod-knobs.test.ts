// The pod knobs kube-prometheus-stack users set on every workload (podLabels, podAnnotations,
// scheduling.topologySpreadConstraints) and on Prometheus and Alertmanager (extraVolumes,
// extraVolumeMounts, Alertmanager's secretMounts), judged on what helm renders for
// all-enabled.yaml: each value the profile writes reaches its pod template unchanged, the
// chart's selector labels and checksums stay, and a constraint without labelSelector counts the
// component's own pods.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { find, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
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

describe("render: extra volumes and mounts of Prometheus and Alertmanager", () => {
  for (const [component, container] of [["prometheus", "prometheus"], ["alertmanager", "alertmanager"]] as const) {
    it(`${component}: extraVolumes and extraVolumeMounts as written, the chart's own kept`, () => {
      const own = values[component];
      expect(own.extraVolumes, "the fixture sets them").to.not.be.empty;
      const sts = find(rendered(file), "StatefulSet", `${RELEASE}-${component}`) as any;
      const spec = sts.spec.template.spec;
      const main = spec.containers.find((c: any) => c.name === container);
      expect(spec.volumes.slice(-own.extraVolumes.length)).to.deep.equal(own.extraVolumes);
      expect(main.volumeMounts.slice(-own.extraVolumeMounts.length)).to.deep.equal(own.extraVolumeMounts);
      expect(spec.volumes.map((v: any) => v.name)).to.include("config");
      // Every mount names a volume of the pod, and no two share a path (the API server's rules).
      const names = [...spec.volumes, ...(sts.spec.volumeClaimTemplates ?? []).map((c: any) => c.metadata)].map((v: any) => v.name);
      for (const mount of main.volumeMounts) expect(names, mount.name).to.include(mount.name);
      expect(new Set(names).size).to.equal(names.length);
      expect(new Set(main.volumeMounts.map((m: any) => m.mountPath)).size).to.equal(main.volumeMounts.length);
    });
  }

  it("alertmanager.secretMounts mounts each Secret at /etc/alertmanager/secrets/<name>", () => {
    const spec = (find(rendered(file), "StatefulSet", `${RELEASE}-alertmanager`) as any).spec.template.spec;
    for (const name of values.alertmanager.secretMounts as string[]) {
      const volume = spec.volumes.find((v: any) => v.secret?.secretName === name);
      expect(volume, name).to.be.an("object");
      const mount = spec.containers[0].volumeMounts.find((m: any) => m.name === volume.name);
      expect(mount).to.include({ mountPath: `/etc/alertmanager/secrets/${name}`, readOnly: true });
    }
  });

  it("an extra emptyDir's sizeLimit is added to the Prometheus container's ephemeral-storage limit", () => {
    const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
    const without = JSON.parse(JSON.stringify(values));
    delete without.prometheus.extraVolumes;
    delete without.prometheus.extraVolumeMounts;
    delete without.prometheus.extraScrapeConfigs;
    const limitOf = (objects: any[]) => (find(objects, "StatefulSet", `${RELEASE}-prometheus`) as any).spec.template.spec.containers[0].resources.limits["ephemeral-storage"];
    const dir = mkdtempSync(join(tmpdir(), "pod-knobs-"));
    try {
      const other = join(dir, "without.yaml");
      writeFileSync(other, stringify(without));
      const sizes = (values.prometheus.extraVolumes as any[]).filter((v) => v.emptyDir).map((v) => mebibytes(v.emptyDir.sizeLimit));
      expect(sizes).to.not.be.empty;
      expect(mebibytes(limitOf(rendered(file)))).to.equal(mebibytes(limitOf(parseObjects(helmTemplate([other])))) + sizes.reduce((a, b) => a + b, 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
