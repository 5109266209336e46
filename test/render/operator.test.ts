// Operator mode on the rendered objects: no Prometheus of our own, and ServiceMonitor,
// PodMonitor, Probe and ScrapeConfig objects that the Prometheus Operator's own CRD schemas
// accept, carry the labels the operator selects by, and point at what the chart deploys.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { CrdValidator } from "../helpers/crds.js";
import { helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { chartDir, repoRoot, run, tools } from "../helpers/tools.js";
import { caseName, fixture, podTemplates, renderCases, rendered, selects } from "./cases.js";

const OPERATOR_GROUP = "monitoring.coreos.com";
const isOperatorObject = (o: K8sObject) => o.apiVersion.startsWith(`${OPERATOR_GROUP}/`);
const modeOf = (file: string) => (parse(readFileSync(file, "utf8")) as { prometheus?: { mode?: string } } | null)?.prometheus?.mode ?? "standalone";
const operatorCases = renderCases.filter((file) => modeOf(file) === "operator");

describe("render: operator mode", () => {
  let crds: CrdValidator;
  before(() => (crds = new CrdValidator()));

  it("the CRDs come from the operator release of the pinned config reloader", () => {
    const versions = JSON.parse(readFileSync(`${repoRoot}/versions.json`, "utf8"));
    expect(versions.tools.prometheusOperatorCrds.version).to.equal(versions.images.configReloader.tag);
    expect(process.env.PROMETHEUS_OPERATOR_CRDS).to.contain(versions.tools.prometheusOperatorCrds.version);
    expect(crds.kinds()).to.include.members([`${OPERATOR_GROUP}/v1/ServiceMonitor`, `${OPERATOR_GROUP}/v1/PodMonitor`, `${OPERATOR_GROUP}/v1/Probe`, `${OPERATOR_GROUP}/v1alpha1/ScrapeConfig`]);
  });

  it("a group's native rules list, limit and query_offset pass the PrometheusRule CRD's schema", () => {
    const objects = parseObjects(helmTemplate([fixture("operator-all.yaml"), fixture("rules/native.yaml")]));
    const rule = objects.find((o) => o.kind === "PrometheusRule")!;
    const group = (rule as any).spec.groups.find((g: { name: string }) => g.name === "kube.apiserver rules");
    expect(group).to.include({ limit: 100, query_offset: "30s" });
    expect(crds.problems(rule)).to.deep.equal([]);
  });

  it("the profiles slurm-exporter and tavira are operator mode", () => {
    expect(operatorCases.map(caseName)).to.include.members(["slurm-exporter.yaml", "tavira.yaml", "operator-all.yaml"]);
  });

  for (const file of operatorCases) {
    describe(caseName(file), () => {
      const objects = rendered(file);
      const values = parse(readFileSync(file, "utf8")) as any;
      const selectorLabels: Record<string, string> = values.prometheus?.operator?.monitorSelectorLabels ?? {};

      it("deploys no Prometheus: no StatefulSet, no Prometheus pods, no config or scrape ConfigMaps", () => {
        expect(objects.filter((o) => o.kind === "StatefulSet" && o.metadata.labels?.["app.kubernetes.io/name"] === "prometheus")).to.deep.equal([]);
        expect(podTemplates(objects).filter((p) => p.metadata.labels?.["app.kubernetes.io/name"] === "prometheus")).to.deep.equal([]);
        expect(objects.filter((o) => o.kind === "ConfigMap" && [`${RELEASE}-prometheus`, `${RELEASE}-promstack-scrape`].includes(o.metadata.name))).to.deep.equal([]);
      });

      it("renders ServiceMonitors, and every operator object passes its CRD's schema (unknown fields rejected)", () => {
        const monitors = objects.filter(isOperatorObject);
        expect(monitors.filter((o) => o.kind === "ServiceMonitor").length).to.be.greaterThan(0);
        for (const object of monitors) expect(crds.problems(object), `${object.kind}/${object.metadata.name}`).to.deep.equal([]);
      });

      it("labels every monitor with the operator's selector labels", function () {
        // The chart's own operator selects by exactly these labels: empty selects every monitor.
        if (values.prometheus?.operator?.deploy) this.skip();
        expect(Object.keys(selectorLabels).length).to.be.greaterThan(0);
        for (const object of objects.filter((o) => isOperatorObject(o) && o.kind !== "PrometheusRule")) {
          expect(selects(selectorLabels, object.metadata.labels), `${object.kind}/${object.metadata.name}`).to.equal(true);
        }
      });

      it("each ServiceMonitor of a component selects exactly one of the rendered Services, in its namespace, which has the endpoint's port", () => {
        for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor" && o.metadata.labels?.["app.kubernetes.io/name"] !== "prometheus") as any[]) {
          const namespaces: string[] = monitor.spec.namespaceSelector.matchNames;
          const services = objects.filter((o: any) => o.kind === "Service" && namespaces.includes(o.metadata.namespace ?? NAMESPACE) && selects(monitor.spec.selector.matchLabels, o.metadata.labels)) as any[];
          expect(services.map((s) => s.metadata.name), monitor.metadata.name).to.have.length(1);
          for (const endpoint of monitor.spec.endpoints) {
            expect(services[0].spec.ports.map((p: any) => p.name), monitor.metadata.name).to.include(endpoint.port);
          }
          // The job label is the component name, as in standalone mode.
          expect(services[0].metadata.labels[monitor.spec.jobLabel]).to.equal(monitor.metadata.labels["app.kubernetes.io/name"]);
        }
      });
    });
  }

  describe("operator-all.yaml: every scraped component, exporter and scrape job kind", () => {
    const objects = rendered(fixture("operator-all.yaml"));
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === `${RELEASE}-${name}`) as any;

    it("a ServiceMonitor per component and exporter", () => {
      const monitored = objects.filter((o) => o.kind === "ServiceMonitor" && o.metadata.labels?.["app.kubernetes.io/name"] !== "prometheus").map((o) => o.metadata.labels?.["app.kubernetes.io/name"]).sort();
      expect(monitored).to.deep.equal(["alert-receiver", "alertmanager", "blackbox-exporter", "grafana", "kube-state-metrics", "node-exporter", "postgres-exporter", "redis-exporter"]);
      expect(byName("ServiceMonitor", "node-exporter").spec.namespaceSelector.matchNames).to.deep.equal(["monitoring-privileged"]);
    });

    it("RabbitMQ's pods through a PodMonitor: aggregated and per-queue endpoints, distinct jobs", () => {
      const monitor = byName("PodMonitor", "rabbitmq");
      expect(monitor.spec.namespaceSelector.matchNames).to.deep.equal(["messaging"]);
      expect(monitor.spec.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "rabbitmq" });
      expect(monitor.spec.podMetricsEndpoints.map((e: any) => [e.portNumber, e.path, e.relabelings[0].replacement])).to.deep.equal([
        [15692, "/metrics", "rabbitmq"],
        [15692, "/metrics/detailed", "rabbitmq-detailed"],
      ]);
      expect(monitor.spec.podMetricsEndpoints[1].params.family).to.deep.equal(["queue_coarse_metrics", "queue_consumer_count"]);
    });

    it("blackbox probes as Probe objects aimed at the exporter's Service", () => {
      const probe = byName("Probe", "blackbox-websites");
      expect(probe.spec).to.deep.include({ jobName: "blackbox-websites", module: "http_2xx", interval: "1m" });
      const [host] = probe.spec.prober.url.split(":");
      expect(host).to.equal(`${RELEASE}-blackbox-exporter.${NAMESPACE}.svc`);
      expect(objects.some((o) => o.kind === "Service" && o.metadata.name === `${RELEASE}-blackbox-exporter`)).to.equal(true);
    });

    it("scrape jobs: role pod → PodMonitor, endpoints and endpointslice → ServiceMonitor, the rest → ScrapeConfig", () => {
      const kinds = Object.fromEntries((parse(readFileSync(fixture("operator-all.yaml"), "utf8")) as any).prometheus.scrapeJobs.map((job: any) => {
        const object = objects.find((o) => isOperatorObject(o) && o.metadata.name === `${RELEASE}-${job.name}`)!;
        return [job.name, object.kind];
      }));
      expect(kinds).to.deep.equal({
        "queue-workers": "PodMonitor",
        "queue-workers-by-number": "PodMonitor",
        "apps-endpoints": "ServiceMonitor",
        "apps-slices": "ServiceMonitor",
        "apps-services": "ScrapeConfig",
        kubelets: "ScrapeConfig",
        "legacy-db": "ScrapeConfig",
        "partner-endpoints": "ServiceMonitor",
        "partner-api": "ScrapeConfig",
      });
      expect(byName("ServiceMonitor", "apps-slices").spec.serviceDiscoveryRole).to.equal("EndpointSlice");
      expect(byName("PodMonitor", "queue-workers-by-number").spec.podMetricsEndpoints[0].portNumber).to.equal(9090);
    });

    it("credentials stay Secret references the operator resolves", () => {
      const endpoint = byName("ServiceMonitor", "apps-endpoints").spec.endpoints[0];
      expect(endpoint.authorization).to.deep.equal({ type: "Bearer", credentials: { name: "apps-token", key: "token" } });
      expect(endpoint.tlsConfig.keySecret).to.deep.equal({ name: "apps-client", key: "tls.key" });
      expect(byName("ScrapeConfig", "legacy-db").spec.basicAuth.password).to.deep.equal({ name: "legacy-db-scrape", key: "password" });
    });

    it("every scrape job keeps its name as the job label", () => {
      for (const monitor of objects.filter((o) => ["PodMonitor", "ServiceMonitor"].includes(o.kind) && o.metadata.labels?.["app.kubernetes.io/name"] === "prometheus") as any[]) {
        const endpoints = monitor.spec.podMetricsEndpoints ?? monitor.spec.endpoints;
        expect(endpoints[0].relabelings[0], monitor.metadata.name).to.deep.equal({ targetLabel: "job", replacement: monitor.metadata.name.slice(RELEASE.length + 1) });
      }
    });
  });

  describe("operator-deploy.yaml: the chart's own Prometheus Operator (prometheus.operator.deploy)", () => {
    const objects = rendered(fixture("operator-deploy.yaml"));
    const prometheus = objects.find((o) => o.kind === "Prometheus") as any;
    const values = parse(readFileSync(fixture("operator-deploy.yaml"), "utf8")) as any;

    it("helm refuses, as validate does, each setting the resource does not carry instead of dropping it", () => {
      const refused: Array<[string, RegExp]> = [
        ["prometheus.remoteWrite[0].url=https://mimir.example/api/v1/push", /prometheus\.remoteWrite is not carried/],
        ["prometheus.remoteRead[0].url=https://mimir.example/api/v1/read", /prometheus\.remoteRead is not carried/],
        ["prometheus.thanosSidecar.enabled=true", /prometheus\.thanosSidecar is not carried/],
        ["prometheus.scrapeDefaults.nativeHistograms=false", /prometheus\.scrapeDefaults\.nativeHistograms is not carried/],
        ["prometheus.scrapeDefaults.extraScrapeMetrics=true", /prometheus\.scrapeDefaults\.extraScrapeMetrics is not carried/],
        ["prometheus.otlp.labelNamePreserveMultipleUnderscores=false", /prometheus\.otlp\.labelNamePreserveMultipleUnderscores is not carried/],
        ["prometheus.ingress.enabled=true,prometheus.ingress.host=prometheus.example", /Prometheus Ingress is rendered in standalone mode only/],
      ];
      for (const [set, message] of refused) {
        const result = run(tools.helm, ["template", RELEASE, chartDir, "-f", fixture("operator-deploy.yaml"), "--set", set]);
        expect(result.status, set).to.not.equal(0);
        expect(result.stderr, set).to.match(message);
      }
    });

    it("renders a Prometheus resource that the Prometheus CRD's schema accepts (unknown fields rejected)", () => {
      expect(prometheus.metadata.name).to.equal(RELEASE);
      expect(crds.problems(prometheus)).to.deep.equal([]);
    });

    it("the resource carries the profile's Prometheus settings", () => {
      expect(prometheus.spec).to.deep.include({ replicas: 2, retention: "10d", retentionSize: "5GB", replicaExternalLabelName: "prometheus_replica", prometheusExternalLabelName: "" });
      expect(prometheus.spec.externalLabels).to.deep.equal({ region: "eu-1" });
      expect(prometheus.spec.podMetadata.labels).to.deep.equal({ team: "platform" });
      expect(prometheus.spec.additionalArgs).to.deep.equal([{ name: "query.max-samples", value: "60000000" }]);
      expect(prometheus.spec.keepDroppedTargets).to.equal(values.prometheus.keepDroppedTargets);
      expect(prometheus.spec.scrapeFailureLogFile).to.equal(values.prometheus.scrapeFailureLogFile);
      expect(prometheus.spec.otlp).to.deep.equal(values.prometheus.otlp);
      const defaults = values.prometheus.scrapeDefaults;
      expect(prometheus.spec).to.deep.include({
        ruleQueryOffset: values.prometheus.ruleQueryOffset,
        scrapeProtocols: defaults.protocols,
        scrapeClassicHistograms: defaults.alwaysScrapeClassicHistograms,
        convertClassicHistogramsToNHCB: defaults.convertClassicHistogramsToNHCB,
        bodySizeLimit: defaults.bodySizeLimit,
        sampleLimit: defaults.sampleLimit,
        targetLimit: defaults.targetLimit,
      });
      expect(prometheus.spec.image).to.match(/^quay\.io\/prometheus\/prometheus:v/);
      expect(prometheus.spec.securityContext).to.include({ runAsNonRoot: true });
      expect(prometheus.spec.securityContext.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
    });

    it("selects monitors and rules of every namespace, and every monitor the chart renders", () => {
      for (const key of ["serviceMonitor", "podMonitor", "probe", "scrapeConfig"]) {
        expect(prometheus.spec[`${key}Selector`], key).to.deep.equal({ matchLabels: {} });
        expect(prometheus.spec[`${key}NamespaceSelector`], key).to.deep.equal({});
      }
      expect(prometheus.spec.ruleSelector).to.deep.equal({ matchLabels: {} });
      const monitors = objects.filter((o) => ["ServiceMonitor", "PodMonitor"].includes(o.kind));
      expect(monitors.map((o) => o.metadata.name)).to.include.members([`${RELEASE}-prometheus`, `${RELEASE}-queue-workers`]);
      for (const monitor of objects.filter(isOperatorObject)) expect(crds.problems(monitor), `${monitor.kind}/${monitor.metadata.name}`).to.deep.equal([]);
    });

    it("monitorNamespaces narrows every namespace selector to those namespaces and the release's", () => {
      const narrowed = parseObjects(helmTemplate([fixture("operator-deploy.yaml")], ["--set", "prometheus.operator.monitorNamespaces={apps,shop}"])).find((o) => o.kind === "Prometheus") as any;
      const expected = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["apps", "shop", NAMESPACE] }] };
      for (const key of ["serviceMonitor", "podMonitor", "probe", "scrapeConfig", "rule"]) expect(narrowed.spec[`${key}NamespaceSelector`], key).to.deep.equal(expected);
      expect(crds.problems(narrowed)).to.deep.equal([]);
    });

    it("the operator's Deployment: the pinned image, the config reloader of the catalogue, only the release namespace's Prometheus", () => {
      const versions = JSON.parse(readFileSync(`${repoRoot}/versions.json`, "utf8"));
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${RELEASE}-prometheus-operator`) as any;
      const container = deployment.spec.template.spec.containers[0];
      expect(container.image).to.equal(`${versions.images.prometheusOperator.repository}:${versions.images.prometheusOperator.tag}`);
      expect(container.args).to.include.members([
        `--prometheus-instance-namespaces=${NAMESPACE}`,
        `--prometheus-config-reloader=${versions.images.configReloader.repository}:${versions.images.configReloader.tag}`,
      ]);
      expect(values.prometheus.operator.deploy).to.equal(true);
    });

    it("its RBAC reads Secrets only in the release namespace", () => {
      const clusterRole = objects.find((o) => o.kind === "ClusterRole" && o.metadata.name.startsWith(`${RELEASE}-prometheus-operator`)) as any;
      expect(clusterRole.rules.flatMap((r: any) => r.resources)).to.not.include.members(["secrets"]);
      const role = objects.find((o) => o.kind === "Role" && o.metadata.name === `${RELEASE}-prometheus-operator`) as any;
      expect(role.metadata.namespace).to.equal(NAMESPACE);
      expect(role.rules.flatMap((r: any) => r.resources)).to.include("secrets");
    });

    it("ships the CRDs it needs in the prometheus-operator-crds chart, each from the pinned operator release", () => {
      const crdObjects = parseObjects(helmTemplate([fixture("operator-deploy.yaml")], ["--include-crds"])).filter((o) => o.kind === "CustomResourceDefinition");
      expect(crdObjects.map((o) => o.metadata.name).sort()).to.deep.equal(["podmonitors", "probes", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors"].map((p) => `${p}.monitoring.coreos.com`));
      const versions = JSON.parse(readFileSync(`${repoRoot}/versions.json`, "utf8"));
      for (const crd of crdObjects as any[]) expect(`v${crd.metadata.annotations["operator.prometheus.io/version"]}`).to.equal(versions.tools.prometheusOperatorCrds.version);
      // Without the option, neither the CRDs nor the operator are rendered.
      const without = parseObjects(helmTemplate([fixture("operator-all.yaml")], ["--include-crds"]));
      expect(without.filter((o) => ["CustomResourceDefinition", "Prometheus"].includes(o.kind) || o.metadata.name.endsWith("prometheus-operator"))).to.deep.equal([]);
    });
  });

  it("the CRD check can fail: an unknown field, a wrong type and a missing required key are reported", () => {
    const crds = new CrdValidator();
    const monitor = structuredClone(rendered(fixture("operator-all.yaml")).find((o) => o.kind === "ServiceMonitor")!) as any;
    monitor.spec.endpoints[0].portt = "metrics";
    monitor.spec.endpoints[0].interval = 30;
    delete monitor.spec.selector;
    const problems = crds.problems(monitor).join("\n");
    expect(problems).to.contain("must NOT have additional properties (portt)");
    expect(problems).to.contain("/spec/endpoints/0/interval: must be string");
    expect(problems).to.contain("must have required property 'selector'");
  });

  it("standalone renders no operator objects (their CRDs need not exist)", () => {
    for (const file of renderCases.filter((f) => modeOf(f) === "standalone")) {
      expect(rendered(file).filter(isOperatorObject).map((o) => o.kind), caseName(file)).to.deep.equal([]);
    }
  });

  it("switching the standalone fixture to operator mode swaps its Prometheus for valid monitors", () => {
    const crds = new CrdValidator();
    const objects = parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "prometheus.mode=operator", "--set", "prometheus.operator.monitorSelectorLabels.release=kps"]));
    expect(objects.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata.name)).to.deep.equal([`${RELEASE}-alertmanager`]);
    const jobs = (parse(readFileSync(fixture("all-enabled.yaml"), "utf8")) as any).prometheus.scrapeJobs.map((job: any) => `${RELEASE}-${job.name}`);
    const monitors = objects.filter((o) => isOperatorObject(o) && o.kind !== "PrometheusRule" && o.metadata.labels?.["app.kubernetes.io/name"] === "prometheus");
    expect(monitors.map((o) => o.metadata.name).sort()).to.deep.equal([...jobs].sort());
    for (const object of objects.filter(isOperatorObject)) expect(crds.problems(object), `${object.kind}/${object.metadata.name}`).to.deep.equal([]);
  });
});
