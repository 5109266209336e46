// prometheus.operator.deploy judged by the real Prometheus Operator: the chart installs the
// operator's CRDs and a Prometheus resource; the operator (built at the pinned release and run
// as a process with the rendered Deployment's arguments, as the chart's ServiceAccount) turns
// them into a StatefulSet and a Prometheus config that scrapes an application chart's
// ServiceMonitor and loads its PrometheusRule, and the API server admits the result.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { parse } from "yaml";
import { chartDir, repoRoot } from "../helpers/tools.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { cluster, createNamespace, deleteNamespace, eventually, getJson, helmOk, kubectl, kubectlOk, releaseSecrets } from "./kube.js";

const RELEASE = "opdeploy";
const NAMESPACE = "operator-deploy";
const APP_NAMESPACE = "operator-app";
const APP = "shop";
const CRDS = ["prometheuses", "servicemonitors", "podmonitors", "probes", "scrapeconfigs", "prometheusrules"].map((p) => `${p}.monitoring.coreos.com`);

interface Container { name: string; args?: string[] }

describe("cluster: prometheus.operator.deploy with the real Prometheus Operator", () => {
  let manifest: K8sObject[] = [];
  let operatorPid: number | undefined;
  let started = 0;

  before(function () {
    this.timeout(300_000);
    started = Date.now();
    createNamespace(NAMESPACE, "restricted");
    createNamespace(APP_NAMESPACE, "restricted");
    // Earlier files of this layer apply the CRDs themselves: remove them (no object of theirs is
    // left), so this install proves the chart's own crds/ are what the API server gets.
    kubectlOk(["delete", "crd", ...CRDS, "--ignore-not-found", "--wait", "--timeout", "120s"]);
  });

  after(function () {
    this.timeout(300_000);
    if (operatorPid) {
      try { process.kill(operatorPid, "SIGTERM"); } catch { /* already gone; down.sh also stops it */ }
    }
    kubectl(["delete", "prometheus", RELEASE, "--namespace", NAMESPACE, "--ignore-not-found", "--wait", "--timeout", "60s"]);
    deleteNamespace(APP_NAMESPACE);
    deleteNamespace(NAMESPACE);
    console.log(`      operator-deploy: ${((Date.now() - started) / 1000).toFixed(1)}s in all`);
  });

  it("installs the chart: CRDs from its crds/ folder, the operator's Deployment and the Prometheus resource admitted", function () {
    this.timeout(300_000);
    helmOk([
      "install", RELEASE, chartDir, "--namespace", NAMESPACE, "--wait", "--timeout", "240s",
      "--values", join(repoRoot, "test", "fixtures", "operator-deploy.yaml"),
      // What this test needs: the operator, Prometheus, Alertmanager to send to.
      "--set", "exporters.enabled=false", "--set", "grafana.enabled=false", "--set", "alert-receiver.enabled=false",
    ]);
    manifest = parseObjects(helmOk(["get", "manifest", RELEASE, "--namespace", NAMESPACE]));
    expect(manifest.map((o) => o.kind)).to.include.members(["Prometheus", "Deployment", "ClusterRole", "Role", "NetworkPolicy"]);
    for (const crd of CRDS) {
      const object = getJson<K8sObject & { metadata: { managedFields?: Array<{ manager: string }> } }>(["crd", crd, "--show-managed-fields"]);
      expect(object.metadata.managedFields?.map((f) => f.manager), crd).to.include("helm");
    }
    // The CRDs travel in the release (Helm stores the chart): it must stay far below 1 MiB.
    const [secret] = releaseSecrets(RELEASE, NAMESPACE);
    console.log(`      operator-deploy: release Secret ${secret!.bytes} bytes`);
    expect(secret!.bytes).to.be.below(512 * 1024);
  });

  it("the operator's ServiceAccount may read monitors everywhere but no Secret outside the release namespace", () => {
    const user = `system:serviceaccount:${NAMESPACE}:${RELEASE}-prometheus-operator`;
    const can = (...args: string[]) => kubectl(["auth", "can-i", ...args, "--as", user]).stdout.trim();
    expect(can("list", "servicemonitors.monitoring.coreos.com", "--all-namespaces")).to.equal("yes");
    expect(can("watch", "prometheusrules.monitoring.coreos.com", "--all-namespaces")).to.equal("yes");
    expect(can("create", "statefulsets.apps", "--namespace", NAMESPACE)).to.equal("yes");
    expect(can("get", "secrets", "--namespace", APP_NAMESPACE)).to.equal("no");
    expect(can("list", "secrets", "--all-namespaces")).to.equal("no");
    expect(can("create", "statefulsets.apps", "--namespace", APP_NAMESPACE)).to.equal("no");
  });

  it("the operator runs with the Deployment's arguments, as its ServiceAccount", function () {
    this.timeout(120_000);
    const deployment = manifest.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-prometheus-operator`) as any;
    const container: Container = deployment.spec.template.spec.containers[0];
    const args = [...(container.args ?? []), `--as=system:serviceaccount:${NAMESPACE}:${deployment.spec.template.spec.serviceAccountName}`];
    const result = spawnSync(join(repoRoot, "scripts", "cluster", "prometheus-operator.sh"), args, {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, encoding: "utf8", timeout: 90_000,
    });
    expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
    const [pid] = result.stdout.trim().split(/\s+/);
    operatorPid = Number(pid);
    expect(operatorPid).to.be.greaterThan(0);
  });

  it("an application chart's ServiceMonitor and PrometheusRule (serviceMonitor.enabled: true) are admitted in its namespace", function () {
    this.timeout(120_000);
    helmOk(["install", APP, join(repoRoot, "test", "fixtures", "app-chart"), "--namespace", APP_NAMESPACE, "--wait", "--timeout", "90s",
      "--set", "serviceMonitor.enabled=true", "--set", "prometheusRule.enabled=true"]);
    expect(kubectlOk(["get", "servicemonitor", APP, "--namespace", APP_NAMESPACE, "--output", "name"]).trim()).to.equal(`servicemonitor.monitoring.coreos.com/${APP}`);
  });

  it("the operator's Prometheus config scrapes the application's ServiceMonitor, the chart's own monitors and its scrape job, with the profile's global and OTLP settings", async function () {
    this.timeout(180_000);
    const config = await eventually("the generated config with the application's job", 150, () => {
      const secret = getJson<{ data?: Record<string, string> }>(["secret", `prometheus-${RELEASE}`, "--namespace", NAMESPACE]);
      const gz = secret.data?.["prometheus.yaml.gz"];
      if (!gz) return undefined;
      const text = gunzipSync(Buffer.from(gz, "base64")).toString("utf8");
      return text.includes(`serviceMonitor/${APP_NAMESPACE}/${APP}/0`) ? text : undefined;
    });
    const jobs = ((parse(config) as { scrape_configs?: Array<{ job_name: string }> }).scrape_configs ?? []).map((j) => j.job_name);
    console.log(`      operator-deploy: ${jobs.length} scrape jobs: ${jobs.join(", ")}`);
    expect(jobs).to.include.members([
      `serviceMonitor/${APP_NAMESPACE}/${APP}/0`,
      `serviceMonitor/${NAMESPACE}/${RELEASE}-prometheus/0`,
      `serviceMonitor/${NAMESPACE}/${RELEASE}-alertmanager/0`,
      `podMonitor/${NAMESPACE}/${RELEASE}-queue-workers/0`,
    ]);
    const parsed = parse(config) as any;
    expect(parsed.global.external_labels).to.deep.equal({ region: "eu-1", prometheus_replica: "$(POD_NAME)" });
    // The profile's global scrape settings and OTLP section, as the operator writes them for Prometheus.
    const fixtureValues = (parse(readFileSync(join(repoRoot, "test", "fixtures", "operator-deploy.yaml"), "utf8")) as { prometheus: Record<string, any> }).prometheus;
    const defaults = fixtureValues.scrapeDefaults;
    expect(parsed.global).to.deep.include({
      keep_dropped_targets: fixtureValues.keepDroppedTargets,
      scrape_failure_log_file: fixtureValues.scrapeFailureLogFile,
      rule_query_offset: fixtureValues.ruleQueryOffset,
      scrape_protocols: defaults.protocols,
      always_scrape_classic_histograms: defaults.alwaysScrapeClassicHistograms,
      convert_classic_histograms_to_nhcb: defaults.convertClassicHistogramsToNHCB,
      body_size_limit: defaults.bodySizeLimit,
      sample_limit: defaults.sampleLimit,
      target_limit: defaults.targetLimit,
    });
    expect(parsed.otlp).to.deep.equal({
      promote_resource_attributes: fixtureValues.otlp.promoteResourceAttributes,
      translation_strategy: fixtureValues.otlp.translationStrategy,
      keep_identifying_resource_attributes: fixtureValues.otlp.keepIdentifyingResourceAttributes,
    });
    expect(JSON.stringify(parsed.alerting.alertmanagers)).to.contain(`${RELEASE}-alertmanager-headless`);
  });

  it("the rules ConfigMap holds the application's PrometheusRule and the profile's rules", async function () {
    this.timeout(120_000);
    const rules = await eventually("the rules ConfigMap with DemoAppDown", 90, () => {
      const list = getJson<{ items: Array<K8sObject & { data?: Record<string, string> }> }>(["configmaps", "--namespace", NAMESPACE, "--selector", `prometheus-name=${RELEASE}`]);
      const text = list.items.flatMap((cm) => Object.values(cm.data ?? {})).join("\n");
      return text.includes("DemoAppDown") ? text : undefined;
    });
    expect(rules).to.contain("alert: PaymentsDown");
    expect(rules).to.contain("alert: DemoAppDown");
  });

  it("the operator's StatefulSet has all its replicas ready in the 'restricted' namespace (Pod Security admitted its pods)", async function () {
    this.timeout(180_000);
    const ready = await eventually("StatefulSet prometheus-" + RELEASE + " ready", 150, () => {
      const set = getJson<{ spec: { replicas: number }; status?: { readyReplicas?: number } }>(["statefulset", `prometheus-${RELEASE}`, "--namespace", NAMESPACE]);
      return set.status?.readyReplicas === set.spec.replicas ? set.spec.replicas : undefined;
    });
    expect(ready).to.equal(2);
    const pods = getJson<{ items: Array<K8sObject & { spec: { containers: Array<{ image: string }> } }> }>(["pods", "--namespace", NAMESPACE, "--selector", `app.kubernetes.io/name=prometheus,app.kubernetes.io/instance=${RELEASE}`]);
    expect(pods.items).to.have.length(2);
    const images = pods.items[0]!.spec.containers.map((c) => c.image).sort();
    const versions = JSON.parse(readFileSync(join(repoRoot, "versions.json"), "utf8"));
    expect(images).to.deep.equal([
      `${versions.images.configReloader.repository}:${versions.images.configReloader.tag}`,
      `${versions.images.prometheus.repository}:${versions.images.prometheus.tag}`,
    ].sort());
  });

  it("the operator made no API call its RBAC forbids (its log, written as the chart's ServiceAccount)", function () {
    if (!operatorPid) this.skip();
    const log = readFileSync(join(process.env.CLUSTER_DIR!, "logs", "prometheus-operator.log"), "utf8");
    expect(log).to.contain("sync prometheus");
    expect(log.split("\n").filter((line) => /forbidden/i.test(line))).to.deep.equal([]);
  });
});
