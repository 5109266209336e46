// Replicated components on the rendered objects: Alertmanager's gossip (flags, both protocols
// on 9094), PodDisruptionBudgets and anti-affinity; Prometheus' reload sidecar, rule and
// scrape volumes, Secret mounts behind every *_file path, persistence and retention.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { configMapData, find, helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { profileFiles } from "../helpers/tools.js";
import { caseName, fixture, rendered, selects } from "./cases.js";

const profile = (name: string) => profileFiles().find((f) => f.endsWith(`/${name}.yaml`))!;

function statefulSet(objects: K8sObject[], component: string): any {
  return objects.find((o) => o.kind === "StatefulSet" && o.metadata.labels?.["app.kubernetes.io/name"] === component);
}

function container(workload: any, name: string): any {
  return workload.spec.template.spec.containers.find((c: any) => c.name === name);
}

describe("render: Alertmanager HA", () => {
  // Every profile that runs more than one Alertmanager.
  for (const file of [profile("gorax"), profile("jobpilot"), profile("slurm-exporter"), profile("tavira"), fixture("all-enabled.yaml")]) {
    describe(caseName(file), () => {
      const objects = rendered(file);
      const sts = statefulSet(objects, "alertmanager");
      const replicas: number = sts.spec.replicas;
      const args: string[] = container(sts, "alertmanager").args;
      const headless = find(objects, "Service", sts.spec.serviceName) as any;

      it("runs at least 3 replicas", () => expect(replicas).to.be.at.least(3));

      it("peers with every replica by its stable DNS name on 9094", () => {
        const peers = args.filter((a) => a.startsWith("--cluster.peer=")).map((a) => a.slice("--cluster.peer=".length));
        const expected = Array.from({ length: replicas }, (_, i) => `${sts.metadata.name}-${i}.${sts.spec.serviceName}.${NAMESPACE}.svc:9094`);
        expect(peers).to.deep.equal(expected);
        expect(args).to.include("--cluster.listen-address=0.0.0.0:9094");
      });

      it("advertises the pod IP, taken from the downward API", () => {
        expect(args).to.include("--cluster.advertise-address=$(POD_IP):9094");
        const env = container(sts, "alertmanager").env.find((e: any) => e.name === "POD_IP");
        expect(env.valueFrom.fieldRef.fieldPath).to.equal("status.podIP");
      });

      it("opens 9094 over TCP and UDP on the pods and the headless Service, and publishes peers before they are ready", () => {
        const ports = container(sts, "alertmanager").ports.filter((p: any) => p.containerPort === 9094);
        expect(ports.map((p: any) => p.protocol).sort()).to.deep.equal(["TCP", "UDP"]);
        expect(headless.spec.clusterIP).to.equal("None");
        expect(headless.spec.publishNotReadyAddresses).to.equal(true);
        const servicePorts = headless.spec.ports.filter((p: any) => p.port === 9094);
        expect(servicePorts.map((p: any) => p.protocol).sort()).to.deep.equal(["TCP", "UDP"]);
        for (const port of servicePorts) {
          const target = ports.find((p: any) => p.name === port.targetPort);
          expect(target?.protocol, port.name).to.equal(port.protocol);
        }
        expect(selects(headless.spec.selector, sts.spec.template.metadata.labels)).to.equal(true);
      });

      it("has a PodDisruptionBudget over its pods that keeps a quorum", () => {
        const pdb = objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.labels?.["app.kubernetes.io/name"] === "alertmanager") as any;
        expect(pdb, "PodDisruptionBudget").to.be.an("object");
        expect(pdb.spec.minAvailable).to.equal(2);
        expect(selects(pdb.spec.selector.matchLabels, sts.spec.template.metadata.labels)).to.equal(true);
      });

      it("spreads its replicas over nodes as antiAffinity says", () => {
        const mode = (parse(readFileSync(file, "utf8")) as any).alertmanager?.antiAffinity ?? "soft";
        const anti = sts.spec.template.spec.affinity.podAntiAffinity;
        const term = mode === "hard" ? anti.requiredDuringSchedulingIgnoredDuringExecution?.[0] : anti.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm;
        expect(term, `${mode} anti-affinity`).to.be.an("object");
        expect(term.topologyKey).to.equal("kubernetes.io/hostname");
        expect(selects(term.labelSelector.matchLabels, sts.spec.template.metadata.labels)).to.equal(true);
        expect(mode === "hard" ? anti.preferredDuringSchedulingIgnoredDuringExecution : anti.requiredDuringSchedulingIgnoredDuringExecution).to.equal(undefined);
      });
    });
  }

  it("jobpilot requires its replicas on distinct nodes (hard anti-affinity)", () => {
    const sts = statefulSet(rendered(profile("jobpilot")), "alertmanager");
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).to.have.length(1);
  });

  it("minAvailable follows the value, capped at the replicas", () => {
    const pdb = (extra: string[]) => parseObjects(helmTemplate([profile("jobpilot")], extra)).find((o) => o.kind === "PodDisruptionBudget" && o.metadata.labels?.["app.kubernetes.io/name"] === "alertmanager") as any;
    expect(pdb(["--set", "alertmanager.podDisruptionBudget.minAvailable=1"]).spec.minAvailable).to.equal(1);
    expect(pdb(["--set", "alertmanager.replicas=2"]).spec.minAvailable).to.equal(2);
    expect(pdb(["--set", "alertmanager.podDisruptionBudget.enabled=false"])).to.equal(undefined);
  });

  it("a single replica runs without clustering and without a PodDisruptionBudget", () => {
    const objects = rendered(profile("raspberry-pi"));
    const args: string[] = container(statefulSet(objects, "alertmanager"), "alertmanager").args;
    expect(args).to.include("--cluster.listen-address=");
    expect(args.some((a) => a.startsWith("--cluster.peer"))).to.equal(false);
    expect(objects.filter((o) => o.kind === "PodDisruptionBudget")).to.deep.equal([]);
  });
});

describe("render: Prometheus", () => {
  const objects = rendered(fixture("all-enabled.yaml"));
  const sts = statefulSet(objects, "prometheus");
  const spec = sts.spec.template.spec;
  const prometheus = container(sts, "prometheus");
  const reloader = container(sts, "config-reloader");
  const mountPath = (c: any, volume: string) => c.volumeMounts.find((m: any) => m.name === volume)?.mountPath;
  const volume = (name: string) => spec.volumes.find((v: any) => v.name === name);
  const config = parse(configMapData(objects, `${RELEASE}-prometheus`, "prometheus.yml"));

  it("reloads a changed configuration through /-/reload instead of restarting the pod", () => {
    expect(prometheus.args).to.include("--web.enable-lifecycle");
    expect(reloader.args).to.include("--reload-url=http://127.0.0.1:9090/-/reload");
    expect(reloader.image).to.match(/prometheus-config-reloader:v/);
    // No checksum of the config on the pod template: a change must not roll the pods.
    expect(Object.keys(sts.spec.template.metadata.annotations ?? {}).filter((k) => k.startsWith("checksum/"))).to.deep.equal([]);
  });

  it("the reloader watches the directories of the config file, the scrape files and the rules", () => {
    const configFile = prometheus.args.find((a: string) => a.startsWith("--config.file=")).slice("--config.file=".length);
    const watched = reloader.args.filter((a: string) => a.startsWith("--watched-dir=")).map((a: string) => a.slice("--watched-dir=".length)).sort();
    const configDir = configFile.slice(0, configFile.lastIndexOf("/"));
    const dirOf = (glob: string) => glob.slice(0, glob.lastIndexOf("/"));
    expect(watched).to.deep.equal([configDir, dirOf(config.rule_files[0]), dirOf(config.scrape_config_files[0])].sort());
    for (const [name, dir] of [["config", configDir], ["rules", dirOf(config.rule_files[0])], ["scrape", dirOf(config.scrape_config_files[0])]]) {
      expect(mountPath(prometheus, name), name).to.equal(dir);
      expect(mountPath(reloader, name), name).to.equal(dir);
    }
  });

  it("mounts the rules ConfigMap <prometheus>-rules at /etc/prometheus/rules, optional", () => {
    expect(config.rule_files).to.deep.equal(["/etc/prometheus/rules/*.yaml"]);
    expect(volume("rules").configMap).to.deep.equal({ name: `${sts.metadata.name}-rules`, optional: true });
  });

  it("reads the stack's scrape jobs from the ConfigMap the umbrella chart renders", () => {
    expect(volume("scrape").configMap.optional).to.equal(true);
    expect(find(objects, "ConfigMap", volume("scrape").configMap.name)).to.be.an("object");
  });

  it("the query log and the scrape failure log are written in the data volume", () => {
    expect(config.global.query_log_file).to.match(/^\/prometheus\/[^/]+$/);
    expect(config.global.scrape_failure_log_file).to.match(/^\/prometheus\/[^/]+$/);
    expect(prometheus.volumeMounts.find((m: any) => m.mountPath === "/prometheus")?.readOnly ?? false).to.equal(false);
  });

  it("every *_file path of prometheus.yml is a key of a Secret mounted at that path", () => {
    const files: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          // query_log_file and scrape_failure_log_file are written, in the data volume, not read from a Secret.
          if (key.endsWith("_file") && key !== "query_log_file" && key !== "scrape_failure_log_file" && typeof value === "string") files.push(value);
          else walk(value);
        }
      }
    };
    walk(config);
    expect(files.length, "the fixture uses credentials from Secrets").to.be.greaterThan(8);
    for (const path of files) {
      const mount = prometheus.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
      expect(mount, path).to.be.an("object");
      const secret = volume(mount.name).secret;
      expect(secret?.secretName, path).to.equal(mount.mountPath.split("/").pop());
      expect(mount.readOnly).to.equal(true);
    }
  });

  it("retention by time and size, persistence with size and class, and a switch", () => {
    const gorax = statefulSet(rendered(profile("gorax")), "prometheus");
    const args: string[] = container(gorax, "prometheus").args;
    expect(args).to.include.members(["--storage.tsdb.retention.time=15d", "--storage.tsdb.retention.size=50GB"]);
    const [claim] = gorax.spec.volumeClaimTemplates;
    expect(claim.spec.resources.requests.storage).to.equal("60Gi");
    expect(claim.spec.storageClassName).to.equal(undefined);
    const pi = statefulSet(rendered(profile("raspberry-pi")), "prometheus");
    expect(pi.spec.volumeClaimTemplates[0].spec.storageClassName).to.equal("local-path");
    const off = statefulSet(parseObjects(helmTemplate([profile("gorax")], ["--set", "prometheus.persistence.enabled=false"])), "prometheus");
    expect(off.spec.volumeClaimTemplates).to.equal(undefined);
    // Without a claim, the data emptyDir is bounded by the size the claim would have had.
    expect(off.spec.template.spec.volumes.find((v: any) => v.name === "data").emptyDir).to.deep.equal({ sizeLimit: "60Gi" });
  });

  it("gorax: two replicas, spread over nodes, one kept up by a PodDisruptionBudget", () => {
    const gorax = rendered(profile("gorax"));
    const set = statefulSet(gorax, "prometheus");
    expect(set.spec.replicas).to.equal(2);
    const term = set.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(selects(term.labelSelector.matchLabels, set.spec.template.metadata.labels)).to.equal(true);
    const pdb = gorax.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.labels?.["app.kubernetes.io/name"] === "prometheus") as any;
    expect(pdb.spec.minAvailable).to.equal(1);
    expect(selects(pdb.spec.selector.matchLabels, set.spec.template.metadata.labels)).to.equal(true);
  });

  it("sends alerts to every Alertmanager pod, discovered through the headless Service, not one load-balanced address", () => {
    const [alertmanagers] = config.alerting.alertmanagers;
    expect(alertmanagers.kubernetes_sd_configs[0].role).to.equal("endpointslice");
    const keep = alertmanagers.relabel_configs.find((r: any) => r.source_labels[0] === "__meta_kubernetes_service_name");
    const headless = find(objects, "Service", keep.regex) as any;
    expect(headless.spec.clusterIP).to.equal("None");
    expect(alertmanagers.static_configs).to.equal(undefined);
  });

  it("each stack scrape job selects exactly one rendered Service, which has the port it keeps", () => {
    const jobs = parse(configMapData(objects, `${RELEASE}-promstack-scrape`, "promstack.yaml")).scrape_configs.filter((j: any) => j.kubernetes_sd_configs?.[0].role === "endpointslice");
    expect(jobs.map((j: any) => j.job_name)).to.include.members(["alertmanager", "grafana", "alert-receiver", "node-exporter", "kube-state-metrics", "postgres-exporter", "redis-exporter", "blackbox-exporter"]);
    for (const job of jobs) {
      const keeps = job.relabel_configs.filter((r: any) => r.action === "keep");
      const labelKeeps = keeps.filter((r: any) => r.source_labels[0].startsWith("__meta_kubernetes_service_label_"));
      const portKeep = keeps.find((r: any) => r.source_labels[0] === "__meta_kubernetes_endpointslice_port_name");
      const sanitized = (label: string) => label.replace(/[^a-zA-Z0-9_]/g, "_");
      const matching = objects.filter((o) => o.kind === "Service" && (o.metadata.namespace ?? NAMESPACE) === job.kubernetes_sd_configs[0].namespaces.names[0] &&
        labelKeeps.every((r: any) => Object.entries(o.metadata.labels ?? {}).some(([k, v]) => `__meta_kubernetes_service_label_${sanitized(k)}` === r.source_labels[0] && new RegExp(`^(?:${r.regex})$`).test(v))));
      expect(matching.map((s) => s.metadata.name), job.job_name).to.have.length(1);
      expect(((matching[0] as any).spec.ports as any[]).map((p) => p.name), job.job_name).to.include(portKeep.regex);
    }
  });
});
