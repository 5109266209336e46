// The node layer: `ct install` of a profile onto a real node (kubelet, containerd, runc, CNI,
// kube-proxy, CoreDNS, kube-network-policies; scripts/node/up.sh), with images built here at
// the versions the chart deploys. What a kwok node cannot show: the rendered pod specs really
// run (mounts, permissions, read-only root, probes), `helm test` really executes promtool and
// amtool inside the images, and Alertmanager's replicas find each other through the headless
// Service's DNS. kube-state-metrics and Grafana cannot be built here and run on a kwok node.
import { expect } from "chai";
import { createNamespace, deleteNamespace, eventually, getJson, helmOk, installOperatorCrds, kubectlOk } from "../cluster/kube.js";
import { ciValuesFile, clusterSetArgs, ctInstall, manifest, profileValues, uninstallLeavingOnlyClaims, type Installed, type Namespaces } from "../cluster/release.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { chartDir } from "../helpers/tools.js";
import { alertFixture, history, receivedAlerts, upgradeValuesFile } from "./day2.js";
import { containerPrograms, createProfileSecrets, fetchJson, notBuilt, podsOf, realNode, milliCpu, nodeValuesFile, taintKwokNodes, type PodView } from "./node.js";

// The smallest profiles first; NODE_PROFILES=a,b narrows or widens the list.
// raspberry-pi is 32-bit arm only: no node here serves it (see the README's node layer section).
const profiles = (process.env.NODE_PROFILES ?? "tavira,slurm-exporter,jobpilot,gorax").split(",").filter(Boolean);
// Upgrade, the alert fixture and rollback on these (each costs two rollouts): a profile with
// Prometheus and a 3-replica Alertmanager. NODE_DAY2_PROFILES=a,b changes the list.
const day2Profiles = (process.env.NODE_DAY2_PROFILES ?? "jobpilot").split(",").filter(Boolean);
const HELM_WAIT = ["--wait", "--timeout", "300s"];
// Pods of these components run on kwok (their images are not built here).
const kwokComponents = new Map([
  ["kube-state-metrics", notBuilt.kubeStateMetrics!], ["grafana", notBuilt.grafana!],
  ["postgres-exporter", notBuilt.postgresExporter!], ["redis-exporter", notBuilt.redisExporter!],
]);

describe("node: ct install onto a real node", () => {
  let tainted: string[] = [];
  let allocatableMilliCpu = 0;
  before(function () {
    const node = getJson<K8sObject & { status: { conditions: Array<{ type: string; status: string }>; nodeInfo: Record<string, string>; allocatable: Record<string, string> } }>(["node", realNode.name]);
    allocatableMilliCpu = milliCpu(node.status.allocatable.cpu);
    expect(node.status.conditions.find((c) => c.type === "Ready")?.status, `node ${realNode.name} Ready`).to.equal("True");
    console.log(`      real node ${realNode.name}: kubelet ${node.status.nodeInfo.kubeletVersion}, ${node.status.nodeInfo.containerRuntimeVersion}, kube-proxy nftables`);
    // The architecture the kubelet reports of itself (its build's GOARCH), label and nodeInfo alike.
    expect(node.metadata.labels?.["kubernetes.io/arch"], "the node's kubernetes.io/arch label").to.equal(realNode.arch);
    expect(node.status.nodeInfo.architecture, "the node's nodeInfo.architecture").to.equal(realNode.arch);
    console.log(`      real node ${realNode.name}: kubernetes.io/arch=${node.metadata.labels?.["kubernetes.io/arch"]}, nodeInfo.architecture=${node.status.nodeInfo.architecture}`);
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
      let nodeValues: { file: string; overrides: string[] } | undefined;

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
        nodeValues = nodeValuesFile(profile, ciValuesFile(profile), allocatableMilliCpu);
        for (const override of nodeValues.overrides) console.log(`      ${profile}: TEST-ONLY OVERRIDE: ${override}`);
        installed = ctInstall(profile, namespaces, ["--values", nodeValues.file]);
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
          // node-exporter shares the node's network namespace (hostNetwork): the node's address.
          expect(pod.ip, `${pod.name} has a pod address (or the node's)`).to.match(pod.component === "node-exporter" ? /^10\.88\.0\.1$/ : /^10\.89\.0\.\d+$/);
          console.log(`      ${profile}: ran for real: ${pod.name} ${pod.ip} Ready, ${pod.restarts} restart(s), ${pod.images.join(" ")}`);
          // The programs the containers run are builds for the node's architecture (under qemu on arm64).
          const programs = containerPrograms(pod);
          expect(programs.length, `${pod.name}: running containers found on this host`).to.be.greaterThan(0);
          for (const p of programs) {
            expect(p.machine, `${pod.name}/${p.container}: ${p.program}`).to.equal(realNode.arch);
            if (realNode.arch !== "amd64") expect(p.exe, `${pod.name}/${p.container}: the kernel runs qemu for it`).to.match(/qemu-aarch64-static$/);
            console.log(`      ${profile}: ${pod.name}/${p.container} pid ${p.pid}: ${p.program} is an ${p.machine} ELF program, run by ${p.exe}`);
          }
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
        // (localhost: Prometheus scraping itself.)
        const onRealNode = (t: Target) => /^https?:\/\/(10\.89\.0\.\d+|10\.88\.0\.1|localhost):/.test(t.scrapeUrl);
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

      if (day2Profiles.includes(profile)) {
        const flags = async (ip: string) => (await fetchJson<{ data: Record<string, string> }>(`http://${ip}:9090/api/v1/status/flags`)).data;
        const readyOnRealNode = (component: string) => {
          const found = podsOf(installed!.release, [namespaces.release]).filter((p) => p.component === component);
          return found.length > 0 && found.every((p) => p.node === realNode.name && p.phase === "Running" && p.ready) ? found : undefined;
        };
        let upgrade: ReturnType<typeof upgradeValuesFile> | undefined;
        let upgradedAt = 0;

        it("helm upgrade (another retention, the alert fixture): the pods roll, are Ready again on the real node, revision 2 deployed", async function () {
          if (!installed || !nodeValues) this.skip();
          this.timeout(600_000);
          upgrade = upgradeValuesFile(profile);
          const before = new Map(pods.map((p) => [p.name, p.uid]));
          const start = Date.now();
          helmOk(["upgrade", installed.release, chartDir, "--namespace", namespaces.release, "--values", ciValuesFile(profile), "--values", nodeValues.file,
            "--values", upgrade.file, ...clusterSetArgs(namespaces), ...HELM_WAIT]);
          upgradedAt = Date.now();
          const seconds = (upgradedAt - start) / 1000;
          pods = podsOf(installed.release, [namespaces.release, namespaces.host]);
          const revisions = history(installed.release, namespaces.release);
          expect(revisions.map((r) => `${r.revision} ${r.status}`)).to.deep.equal(["1 superseded", "2 deployed"]);
          // Prometheus restarted with the new flag: its own API says so.
          const prometheus = await eventually("Prometheus Ready after the upgrade", 120, () => readyOnRealNode("prometheus"));
          for (const p of prometheus) {
            expect(p.uid, `${p.name} is a new pod`).not.to.equal(before.get(p.name));
            expect((await flags(p.ip))["storage.tsdb.retention.time"], `${p.name} retention`).to.equal(upgrade.retentionAfter);
          }
          const receiver = await eventually("the alert receiver Ready on the real node", 120, () => readyOnRealNode("alert-receiver"));
          pods = podsOf(installed.release, [namespaces.release, namespaces.host]);
          const rolled = pods.filter((p) => before.has(p.name) && before.get(p.name) !== p.uid).map((p) => p.name);
          console.log(`      ${profile}: helm upgrade took ${seconds.toFixed(1)}s; retention ${upgrade.retentionBefore} → ${upgrade.retentionAfter} (Prometheus' flags); new pods: ${rolled.join(", ")}; added: ${receiver.map((p) => `${p.name} ${p.ip}`).join(", ")}; revisions ${revisions.map((r) => `${r.revision} ${r.status}`).join(", ")}`);
        });

        it("an alert from the fixture reaches the receiver pod: Prometheus → Alertmanager → the receiver's Service by DNS name", async function () {
          if (!installed || !upgrade) this.skip();
          this.timeout(300_000);
          // The webhook URL Alertmanager loaded is the receiver Service's DNS name (CoreDNS, then
          // kube-proxy's Service rules on the node); Alertmanager's API masks URLs, the ConfigMap does not.
          const alertmanager = podsOf(installed.release, [namespaces.release]).find((p) => p.component === "alertmanager" && p.ready)!;
          const loaded = (await fetchJson<{ config: { original: string } }>(`http://${alertmanager.ip}:9093/api/v2/status`)).config.original;
          expect(loaded, `${alertmanager.name} loaded the fixture's receiver`).to.contain(`name: ${alertFixture.receiver}`);
          const url = /url: (http:\/\/[^\s]*alert-receiver[^\s]*)/.exec(helmOk(["get", "manifest", installed.release, "--namespace", namespaces.release]))?.[1];
          expect(url, "Alertmanager's webhook to the receiver").to.match(new RegExp(`^http://[a-z0-9-]+-alert-receiver\\.${namespaces.release}\\.svc:8080/webhook$`));
          const receiver = podsOf(installed.release, [namespaces.release]).find((p) => p.component === "alert-receiver")!;
          const alert = await eventually(`${alertFixture.alertname} in ${receiver.name}'s log`, 240, () =>
            receivedAlerts(kubectlOk(["logs", receiver.name, "--namespace", namespaces.release])).find((a) => a.alertname === alertFixture.alertname));
          expect(alert.status).to.equal("firing");
          expect(alert.receiver, "the Alertmanager receiver that sent it").to.equal(alertFixture.receiver);
          expect(alert.route).to.equal("/webhook");
          console.log(`      ${profile}: ${receiver.name} (${receiver.ip}) logged ${alert.alertname} ${alert.status} from receiver ${alert.receiver} via ${url}, read ${((Date.now() - upgradedAt) / 1000).toFixed(0)}s after helm upgrade returned; generatorURL ${alert.generatorURL}`);
        });

        it("helm rollback to revision 1: the pods roll back and are Ready, revision 3 deployed, the receiver gone", async function () {
          if (!installed || !upgrade) this.skip();
          this.timeout(600_000);
          const start = Date.now();
          helmOk(["rollback", installed.release, "1", "--namespace", namespaces.release, ...HELM_WAIT]);
          const seconds = (Date.now() - start) / 1000;
          const revisions = history(installed.release, namespaces.release);
          expect(revisions.map((r) => `${r.revision} ${r.status}`)).to.deep.equal(["1 superseded", "2 superseded", "3 deployed"]);
          expect(revisions[2]!.description).to.equal("Rollback to 1");
          const prometheus = await eventually("Prometheus Ready after the rollback", 120, () => readyOnRealNode("prometheus"));
          for (const p of prometheus) expect((await flags(p.ip))["storage.tsdb.retention.time"], `${p.name} retention`).to.equal(upgrade.retentionBefore);
          await eventually("the receiver's pods gone", 60, () => podsOf(installed!.release, [namespaces.release]).some((p) => p.component === "alert-receiver") ? undefined : true);
          pods = podsOf(installed.release, [namespaces.release, namespaces.host]);
          for (const pod of pods.filter((p) => !kwokComponents.has(p.component))) {
            expect(pod.node, `${pod.name} on the real node`).to.equal(realNode.name);
            expect(pod.ready, `${pod.name} Ready`).to.equal(true);
          }
          console.log(`      ${profile}: helm rollback took ${seconds.toFixed(1)}s; retention back to ${upgrade.retentionBefore}; ${pods.filter((p) => p.ready).length} pods Ready; revisions ${revisions.map((r) => `${r.revision} ${r.status}`).join(", ")}`);
        });
      }

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

