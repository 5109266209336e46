// The node layer: `ct install` of a profile onto a real node (kubelet, containerd, runc, CNI,
// kube-proxy, CoreDNS, kube-network-policies; scripts/node/up.sh), with images built here at
// the versions the chart deploys. What a kwok node cannot show: the rendered pod specs really
// run (mounts, permissions, read-only root, probes), `helm test` really executes promtool and
// amtool inside the images, and Alertmanager's replicas find each other through the headless
// Service's DNS. kube-state-metrics and Grafana cannot be built here and run on a kwok node.
import { expect } from "chai";
import { createNamespace, deleteNamespace, eventually, getJson, helmOk, installOperatorCrds, kubectlOk } from "../cluster/kube.js";
import { ctInstall, manifest, profileValues, uninstallLeavingOnlyClaims, type Installed, type Namespaces } from "../cluster/release.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { createProfileSecrets, fetchJson, notBuilt, podsOf, realNode, schedulingValuesFile, taintKwokNodes, type PodView } from "./node.js";

// The smallest profiles first; NODE_PROFILES=a,b narrows or widens the list.
// gorax, jobpilot and raspberry-pi do not fit yet (see the README's node layer section).
const profiles = (process.env.NODE_PROFILES ?? "tavira,slurm-exporter").split(",").filter(Boolean);
// Pods of these components run on kwok (their images are not built here).
const kwokComponents = new Map([
  ["kube-state-metrics", notBuilt.kubeStateMetrics!], ["grafana", notBuilt.grafana!],
  ["postgres-exporter", notBuilt.postgresExporter!], ["redis-exporter", notBuilt.redisExporter!],
]);

describe("node: ct install onto a real node", () => {
  let tainted: string[] = [];
  before(function () {
    const node = getJson<K8sObject & { status: { conditions: Array<{ type: string; status: string }>; nodeInfo: Record<string, string> } }>(["node", realNode.name]);
    expect(node.status.conditions.find((c) => c.type === "Ready")?.status, `node ${realNode.name} Ready`).to.equal("True");
    console.log(`      real node ${realNode.name}: kubelet ${node.status.nodeInfo.kubeletVersion}, ${node.status.nodeInfo.containerRuntimeVersion}, kube-proxy nftables`);
    console.log(`      on a kwok node instead (image not built here): ${[...kwokComponents.values()].join("; ")}`);
    tainted = taintKwokNodes(true);
  });
  after(() => { if (tainted.length > 0) taintKwokNodes(false); });

  for (const profile of profiles) {
    describe(profile, () => {
      const values = profileValues(profile) as ReturnType<typeof profileValues> & { alertmanager?: { enabled?: boolean; replicas?: number } };
      const namespaces: Namespaces = { release: `node-${profile}`, host: `node-${profile}-host` };
      let installed: Installed | undefined;
      let objects: K8sObject[] = [];
      let pods: PodView[] = [];
      let secrets: Array<{ name: string; keys: number }> = [];

      before(function () {
        this.timeout(180_000);
        createNamespace(namespaces.release, "restricted");
        createNamespace(namespaces.host, "privileged");
        if (values.prometheus?.mode === "operator") installOperatorCrds();
        secrets = createProfileSecrets(profile, namespaces.release);
        if (secrets.length > 0) console.log(`      ${profile}: Secrets from values/${profile}.secrets.example with test values: ${secrets.map((s) => `${s.name} (${s.keys} keys)`).join(", ")}`);
      });
      after(function () {
        this.timeout(300_000);
        deleteNamespace(namespaces.release);
        deleteNamespace(namespaces.host);
      });

      it("installs with ct: helm install --wait, rollout status, and helm test pods executed on the real node", function () {
        this.timeout(900_000);
        installed = ctInstall(profile, namespaces, ["--values", schedulingValuesFile(profile)]);
        objects = manifest(installed.release, namespaces.release);
        console.log(`      ${profile}: ct install took ${installed.seconds.toFixed(1)}s, ${objects.length} objects`);
        const testPods = parseObjects(helmOk(["get", "hooks", installed.release, "--namespace", namespaces.release]))
          .filter((o) => o.kind === "Pod" && (o.metadata as { annotations?: Record<string, string> }).annotations?.["helm.sh/hook"] === "test");
        expect(testPods.length, "test pods of the release").to.be.greaterThan(0);
        for (const pod of testPods) {
          expect(installed.output).to.match(new RegExp(`TEST SUITE:\\s+${pod.metadata.name}\\n[^\\n]*\\n[^\\n]*\\nPhase:\\s+Succeeded`));
          // The pod is gone (hook-succeeded); its events say where it ran and that the kubelet started it.
          const events = getJson<{ items: Array<{ reason: string; message: string; source?: { component?: string }; reportingComponent?: string }> }>(
            ["events", "--namespace", namespaces.release, "--field-selector", `involvedObject.name=${pod.metadata.name}`]).items;
          const scheduled = events.find((e) => e.reason === "Scheduled");
          expect(scheduled?.message, `${pod.metadata.name} scheduled`).to.contain(`to ${realNode.name}`);
          expect(events.some((e) => e.reason === "Started" && (e.source?.component === "kubelet" || e.reportingComponent === "kubelet")), `${pod.metadata.name} started by the kubelet`).to.equal(true);
          console.log(`      ${profile}: helm test ${pod.metadata.name}: ${scheduled?.message}; kubelet events: ${[...new Set(events.map((e) => e.reason))].join(", ")}`);
        }
      });

      it("every pod runs on the real node, Running and Ready through its own probes, except those whose image cannot be built", function () {
        if (!installed) this.skip();
        pods = podsOf(installed.release, [namespaces.release, namespaces.host]);
        expect(pods.length, "pods of the release").to.be.greaterThan(0);
        for (const pod of pods) {
          const why = kwokComponents.get(pod.component);
          if (why) {
            expect(pod.node, `${pod.name} (${why}) on a kwok node`).to.match(/^kwok-/);
            console.log(`      ${profile}: NOT on the real node: ${pod.name} on ${pod.node} (${why})`);
            continue;
          }
          expect(pod.node, `${pod.name} on the real node`).to.equal(realNode.name);
          expect(pod.phase, `${pod.name} phase`).to.equal("Running");
          expect(pod.ready, `${pod.name} Ready`).to.equal(true);
          expect(pod.ip, `${pod.name} has a pod address`).to.match(/^10\.89\.0\.\d+$/);
          console.log(`      ${profile}: ran for real: ${pod.name} ${pod.ip} Ready, ${pod.restarts} restart(s), ${pod.images.join(" ")}`);
        }
      });

      it("Alertmanager's replicas form one gossip cluster over the headless Service's DNS", async function () {
        const replicas = values.alertmanager?.enabled === false ? 0 : values.alertmanager?.replicas ?? 3;
        if (!installed || replicas < 2) this.skip();
        this.timeout(180_000);
        const alertmanagers = pods.filter((p) => p.component === "alertmanager");
        expect(alertmanagers, "Alertmanager pods").to.have.length(replicas);
        // The peers are named by DNS only (the pod addresses are not known when the chart renders).
        const statefulSet = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name.endsWith("alertmanager")) as K8sObject & { spec: { template: { spec: { containers: Array<{ args?: string[] }> } } } };
        const peerArgs = statefulSet.spec.template.spec.containers.flatMap((c) => c.args ?? []).filter((a) => a.startsWith("--cluster.peer="));
        expect(peerArgs).to.have.length(replicas);
        for (const arg of peerArgs) expect(arg).to.match(/^--cluster\.peer=[a-z0-9-]+-\d\.[a-z0-9-]+-headless\.[a-z0-9-]+\.svc:9094$/);
        const podAddresses = alertmanagers.map((p) => `${p.ip}:9094`).sort();
        for (const pod of alertmanagers) {
          type Status = { cluster: { status: string; peers?: Array<{ name: string; address: string }> } };
          let status: Status | undefined;
          for (let attempt = 0; attempt < 60; attempt++) {
            status = await fetchJson<Status>(`http://${pod.ip}:9093/api/v2/status`);
            if (status.cluster.status === "ready" && (status.cluster.peers ?? []).length === replicas) break;
            await new Promise((resolve) => setTimeout(resolve, 2000));
          }
          expect(status?.cluster.status, `${pod.name} cluster status`).to.equal("ready");
          expect((status?.cluster.peers ?? []).map((p) => p.address).sort(), `${pod.name} peers`).to.deep.equal(podAddresses);
        }
        console.log(`      ${profile}: Alertmanager cluster ready on every replica, peers ${podAddresses.join(", ")} (found through ${peerArgs[0]!.replace("--cluster.peer=", "")} ...)`);
      });

      it("Prometheus scrapes its targets on the real node through Services and discovers every Alertmanager", async function () {
        const prometheus = pods.find((p) => p.component === "prometheus");
        if (!installed || !prometheus) this.skip();
        this.timeout(300_000);
        type Target = { health: string; scrapeUrl: string; lastError: string; labels: Record<string, string>; discoveredLabels: Record<string, string> };
        const base = `http://${prometheus.ip}:9090/api/v1`;
        // Real endpoints: pods on the real node and the node's own address (node-exporter's host network).
        const onRealNode = (t: Target) => /^https?:\/\/(10\.89\.0\.\d+|10\.88\.0\.1):/.test(t.scrapeUrl);
        // Retried for up to 3 minutes: discovery, then one scrape interval per target.
        let targets: Target[] = [];
        for (let attempt = 0; attempt < 90; attempt++) {
          targets = (await fetchJson<{ data: { activeTargets: Target[] } }>(`${base}/targets?state=active`)).data.activeTargets;
          const real = targets.filter(onRealNode);
          if (real.length > 0 && real.every((t) => t.health === "up")) break;
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
        const real = targets.filter(onRealNode);
        for (const t of targets) console.log(`      ${profile}: target ${t.labels.job} ${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ""}${onRealNode(t) ? "" : " [kwok pod: no process behind it]"}`);
        expect(real.length, "targets on the real node").to.be.greaterThan(0);
        for (const t of real) expect(t.health, `${t.scrapeUrl} (${t.lastError})`).to.equal("up");
        expect(real.some((t) => t.discoveredLabels.__meta_kubernetes_service_name), "a target discovered through a Service's endpoints").to.equal(true);
        const alertmanagers = (await fetchJson<{ data: { activeAlertmanagers: Array<{ url: string }> } }>(`${base}/alertmanagers`)).data.activeAlertmanagers;
        const expected = pods.filter((p) => p.component === "alertmanager").map((p) => p.ip).sort();
        expect(alertmanagers.map((a) => new URL(a.url).hostname).sort(), "Alertmanagers Prometheus sends to").to.deep.equal(expected);
      });

      it("the chart's test pods, run once more to read their output: promtool and amtool inside the images on the real node", async function () {
        if (!installed) this.skip();
        this.timeout(600_000);
        // Helm deletes a test pod once it succeeded, logs and all: the same pod spec, under another
        // name and without the hook annotations, keeps its output for the test to read.
        const testPods = parseObjects(helmOk(["get", "hooks", installed.release, "--namespace", namespaces.release]))
          .filter((o) => o.kind === "Pod" && (o.metadata as { annotations?: Record<string, string> }).annotations?.["helm.sh/hook"] === "test");
        for (const hook of testPods) {
          const pod = { ...hook, metadata: { ...hook.metadata, name: `${hook.metadata.name}-again`, annotations: {} } };
          kubectlOk(["apply", "--namespace", namespaces.release, "--filename", "-"], JSON.stringify(pod));
          const phase = await eventually(`${pod.metadata.name} finished`, 300, () => {
            const p = getJson<K8sObject & { status: { phase?: string } }>(["pod", pod.metadata.name, "--namespace", namespaces.release]).status.phase;
            return p === "Succeeded" || p === "Failed" ? p : undefined;
          });
          const logs = kubectlOk(["logs", pod.metadata.name, "--namespace", namespaces.release]);
          const node = getJson<K8sObject & { spec: { nodeName: string } }>(["pod", pod.metadata.name, "--namespace", namespaces.release]).spec.nodeName;
          kubectlOk(["delete", "pod", pod.metadata.name, "--namespace", namespaces.release, "--wait=false"]);
          expect(phase, `${pod.metadata.name}:\n${logs}`).to.equal("Succeeded");
          expect(node).to.equal(realNode.name);
          // What the scripts print once their tool answered (amtool cluster show; promtool check ready).
          if (hook.metadata.name.endsWith("test-alertmanager")) expect(logs).to.match(/Cluster Status: +(ready|disabled)/);
          if (hook.metadata.name.endsWith("test-prometheus")) expect(logs).to.match(/Alertmanagers discovered: (\d+) of \1/);
          console.log(`      ${profile}: ${pod.metadata.name} on ${node}: ${logs.trim().split("\n").filter((l) => /Cluster Status|Alertmanagers discovered|ready|^Name|:9094/.test(l)).map((l) => l.trim()).join(" | ")}`);
        }
      });

      it("uninstalls: the real pods stop, nothing but the StatefulSets' claims is left", async function () {
        if (!installed) this.skip();
        this.timeout(300_000);
        // The Secrets this test made are not the release's.
        for (const secret of secrets) kubectlOk(["delete", "secret", secret.name, "--namespace", namespaces.release]);
        const left = await uninstallLeavingOnlyClaims(installed.release, namespaces, objects);
        console.log(`      ${profile}: kept after uninstall: ${left.map((o) => o.name).join(", ") || "nothing"}`);
      });
    });
  }
});

