// promstack explain's reading of a render, on a small hand-made one: the workload summary, the
// labels an alert is routed on (external labels under the rule's, series labels a route tests),
// a render without Alertmanager, and the Mermaid escaping. Routing itself is judged against
// amtool in test/semantics/explain.test.ts.
import { expect } from "chai";
import { stringify } from "yaml";
import { relabelAlert } from "../../generator/src/explain/alert-relabel.js";
import { explainRender } from "../../generator/src/explain/index.js";
import { mermaidText, routeFlowchart } from "../../generator/src/explain/mermaid.js";
import { explanationPage } from "../../generator/src/explain/page.js";
import { inhibitionRows, receiverIntegrations } from "../../generator/src/explain/receivers.js";
import type { K8sObject, RenderedConfigs } from "../../generator/src/render/extract.js";

const objects = [
  {
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "monitoring-prometheus" },
    spec: {
      replicas: 2,
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "fast", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } }],
      template: { spec: {
        containers: [{ name: "prometheus", image: "quay.io/prometheus/prometheus:v3", ports: [{ name: "http", containerPort: 9090 }], resources: { requests: { cpu: "200m", memory: "1Gi" }, limits: { memory: "2Gi" } } }],
        volumes: [{ name: "config", configMap: { name: "monitoring-prometheus" } }, { name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
      } },
    },
  },
  { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "monitoring-node-exporter" }, spec: { template: { spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "node-exporter", image: "ne" }] } } } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "monitoring-prometheus" }, spec: { ports: [{ name: "http", port: 9090, targetPort: "http" }] } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "monitoring-prometheus-headless" }, spec: { clusterIP: "None", ports: [{ port: 9090 }] } },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "monitoring-prometheus" }, spec: { ingressClassName: "nginx", rules: [{ host: "prom.example.com", http: { paths: [{ path: "/", backend: { service: { name: "monitoring-prometheus", port: { number: 9090 } } } }] } }], tls: [{ hosts: ["prom.example.com"] }] } },
] as unknown as K8sObject[];

const alertmanagerYml = stringify({
  route: { receiver: "default", routes: [{ matchers: ['namespace="payments"'], receiver: "payments" }, { matchers: ['severity="critical"', 'cluster="prod"'], receiver: "pager", continue: true }, { matchers: ['severity=~"critical|warning"'], receiver: "chat" }] },
  receivers: [{ name: "default" }, { name: "payments" }, { name: "pager" }, { name: "chat" }, { name: "unused" }],
});

const rules: RenderedConfigs["rules"] = [{ name: "promstack.yaml", groups: [{ name: "g", rules: [
  { alert: "Down", expr: "up == 0", labels: { severity: "critical" } },
  { alert: "Summed", expr: "sum by (job) (rate(errors_total[5m])) > 1", labels: { severity: "warning", cluster: "staging" } },
  { alert: "Templated", expr: "vector(1)", labels: { severity: "{{ $labels.level }}" } },
  { record: "job:up:sum", expr: "sum by (job) (up)" },
] }] }];

function configs(withAlertmanager: boolean): RenderedConfigs {
  return {
    objects,
    rules,
    prometheus: { path: "/etc/prometheus/prometheus.yml", text: stringify({ global: { external_labels: { cluster: "prod" } } }), mounts: [] },
    alertmanager: withAlertmanager ? { path: "/etc/alertmanager/alertmanager.yml", text: alertmanagerYml, mounts: [] } : undefined,
  };
}

describe("promstack explain (unit)", () => {
  it("summarises workloads, Services and Ingresses from the objects", () => {
    const { deployment } = explainRender("p", configs(true));
    const prometheus = deployment.workloads.find((w) => w.name === "monitoring-prometheus")!;
    expect(prometheus.replicas).to.equal("2");
    expect(prometheus.containers[0]).to.include({ requests: "cpu 200m, memory 1Gi", limits: "memory 2Gi", ports: "9090 (http)" });
    expect(prometheus.volumes).to.deep.equal(["config: ConfigMap monitoring-prometheus", "tmp: emptyDir up to 64Mi", "data: volume claim per replica, 50Gi, class fast, ReadWriteOnce"]);
    expect(deployment.workloads.find((w) => w.kind === "DaemonSet")!.replicas).to.equal("one per node (kubernetes.io/os=linux)");
    expect(deployment.services.map((s) => s.type)).to.deep.equal(["ClusterIP", "headless"]);
    expect(deployment.ingresses[0]).to.deep.include({ className: "nginx", routes: ["prom.example.com/ → monitoring-prometheus:9090"], tlsHosts: ["prom.example.com"] });
  });

  it("routes on alertname, external labels and the rule's labels (a rule's label wins) and names the series labels a route tests", () => {
    const { alerts } = explainRender("p", configs(true));
    const byName = Object.fromEntries(alerts.map((a) => [a.alert, a]));
    expect(byName.Down!.labels).to.deep.equal({ cluster: "prod", severity: "critical", alertname: "Down" });
    expect(byName.Down!.receivers).to.deep.equal(["pager", "chat"]);
    expect(byName.Down!.seriesLabels).to.deep.equal(["namespace"]); // up == 0 keeps its series' namespace
    expect(byName.Summed!.labels.cluster).to.equal("staging");
    expect(byName.Summed!.receivers).to.deep.equal(["chat"]);
    expect(byName.Summed!.seriesLabels).to.deep.equal([]); // sum by (job) drops namespace
    expect(byName.Templated!.templatedLabels).to.deep.equal(["severity"]);
    expect(alerts.map((a) => a.alert)).to.not.include(undefined);
  });

  it("a render without Alertmanager lists its alerts unrouted and says why there is no tree", () => {
    const explanation = explainRender("p", configs(false));
    expect(explanation.flowchart).to.equal(undefined);
    expect(explanation.alerts.every((a) => a.receivers.length === 0)).to.equal(true);
    const page = explanationPage(explanation);
    expect(page).to.contain("deploys no Alertmanager").and.not.contain("```mermaid");
  });

  it("the page lists receivers no alert reaches and escapes table cells", () => {
    const page = explanationPage(explainRender("p", configs(true)));
    expect(page).to.contain("No alert of this profile reaches on its rule labels: payments, unused.");
    expect(page).to.contain("| unused | none (alerts routed here are dropped) |");
    expect(page).to.contain('| g | Templated | cluster="prod", severity="{{ $labels.level }}" | default | templated severity |');
  });

  it("applies alert_relabel_configs' filtering actions before routing and names the actions it does not model", () => {
    const labels = { alertname: "Down", replica: "a", cluster: "prod", severity: "critical" };
    expect(relabelAlert(labels, [{ action: "labeldrop", regex: "replica" }]).labels).to.deep.equal({ alertname: "Down", cluster: "prod", severity: "critical" });
    expect(relabelAlert(labels, [{ action: "labelkeep", regex: "alertname|severity" }]).labels).to.deep.equal({ alertname: "Down", severity: "critical" });
    expect(relabelAlert(labels, [{ action: "drop", source_labels: ["cluster", "severity"], regex: "prod;crit.*" }]).labels).to.equal(undefined);
    expect(relabelAlert(labels, [{ action: "keep", source_labels: ["severity"], regex: "crit" }]).labels).to.equal(undefined); // anchored: "crit" is not "critical"
    expect(relabelAlert(labels, [{ source_labels: ["cluster"], target_label: "env" } as never]).unmodelled).to.deep.equal(["replace"]);
    const withRelabel = configs(true);
    withRelabel.prometheus!.text = stringify({ global: { external_labels: { cluster: "prod", replica: "a" } }, alerting: { alert_relabel_configs: [{ action: "labeldrop", regex: "replica" }, { action: "drop", source_labels: ["alertname"], regex: "Summed" }] } });
    const alerts = explainRender("p", withRelabel).alerts;
    expect(alerts.find((a) => a.alert === "Down")!.labels).to.deep.equal({ cluster: "prod", severity: "critical", alertname: "Down" });
    expect(alerts.find((a) => a.alert === "Summed")).to.deep.include({ droppedByRelabelling: true, receivers: [] });
  });

  it("shows where a receiver delivers without a credential: a Slack channel, an email recipient, a webhook's host only", () => {
    const integrations = receiverIntegrations({
      name: "r",
      slack_configs: [{ channel: "#ops", api_url_file: "/etc/secret" }],
      email_configs: [{ to: "ops@example.com" }],
      webhook_configs: [{ url: "https://user:pass@hooks.example.com/T000/B000/XXXXXXXX?token=abc" }],
      pagerduty_configs: [{ routing_key_file: "/etc/key" }],
    });
    expect(integrations).to.deep.equal(["slack (#ops)", "email (ops@example.com)", "webhook (hooks.example.com)", "pagerduty"]);
    expect(inhibitionRows([{ source_matchers: ['severity="critical"'], target_match: { severity: "warning" }, equal: ["instance"] }, {}])).to.deep.equal([
      ['severity="critical"', 'severity="warning"', "instance"],
      ["any alert", "any alert", "none"],
    ]);
  });

  it("writes every Mermaid syntax character of a label as an entity code", () => {
    const text = mermaidText('a "b" <c> #d & `e`');
    expect(text).to.equal("a #quot;b#quot; #lt;c#gt; #35;d #38; #96;e#96;");
    const chart = routeFlowchart({ receiver: "x", routes: [{ matchers: ['a="1"'], receiver: "y" }] });
    expect(chart.split("\n").slice(1).every((line) => !/"[^"]*"[^"\]]*"/.test(line))).to.equal(true);
  });
});
