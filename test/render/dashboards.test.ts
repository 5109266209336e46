// Which dashboards helm renders: the general ones on a default install, only where the
// component producing their metrics runs; a user's JSON dashboard given with --set-file, in its
// own labelled ConfigMap that Grafana mounts; JSON that is no dashboard refused by the chart.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { find, helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { chartDir, run, tools } from "../helpers/tools.js";

type ConfigMap = K8sObject & { data?: Record<string, string> };

/** Names of the general dashboards rendered, from their ConfigMaps labelled for Grafana. */
function generalDashboards(objects: K8sObject[]): string[] {
  const prefix = `${RELEASE}-grafana-dashboard-`;
  return objects
    .filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1" && o.metadata.name.startsWith(prefix))
    .map((o) => o.metadata.name.slice(prefix.length))
    .sort();
}

const mountedConfigMaps = (objects: K8sObject[]): Array<{ name: string; optional?: boolean }> =>
  (find(objects, "Deployment", `${RELEASE}-grafana`) as any).spec.template.spec.volumes.find((v: any) => v.name === "dashboards").projected.sources.map((s: any) => s.configMap);

describe("render: general dashboards where their data exists", () => {
  it("a default install (no values) renders the dashboards of the components it runs, with dashboard JSON", () => {
    const objects = parseObjects(helmTemplate([]));
    // alert-receiver is off by default, so is its dashboard.
    expect(generalDashboards(objects)).to.deep.equal(["alertmanager", "kubernetes", "nodes", "prometheus"]);
    for (const name of generalDashboards(objects)) {
      const data = (find(objects, "ConfigMap", `${RELEASE}-grafana-dashboard-${name}`) as ConfigMap).data!;
      const dashboard = JSON.parse(data[`${name}.json`]!) as { title: string; uid: string; panels: unknown[] };
      expect(dashboard.uid).to.equal(`promstack-${name}`);
      expect(dashboard.panels.length, name).to.be.greaterThan(5);
    }
  });

  // Each general dashboard, and the setting that turns off the component producing its metrics.
  const components: Array<[string, string[]]> = [
    ["nodes", ["--set", "exporters.nodeExporter.enabled=false"]],
    ["kubernetes", ["--set", "exporters.kubeStateMetrics.enabled=false"]],
    ["prometheus", ["--set", "prometheus.enabled=false", "--set", "grafana.datasources.prometheus.url=http://prometheus.example:9090"]],
    ["alertmanager", ["--set", "alertmanager.enabled=false"]],
    ["alert-receiver", ["--set", "alert-receiver.enabled=false"]],
  ];
  const withReceiver = ["--set", "alert-receiver.enabled=true"];

  it("with every component on, all five render", () => {
    expect(generalDashboards(parseObjects(helmTemplate([], withReceiver)))).to.deep.equal(["alert-receiver", "alertmanager", "kubernetes", "nodes", "prometheus"]);
  });

  for (const [dashboard, off] of components) {
    it(`${dashboard}: not rendered when its component is off (${off.filter((a) => a !== "--set").join(", ")}), the others still are`, () => {
      const objects = parseObjects(helmTemplate([], [...withReceiver, ...off]));
      expect(generalDashboards(objects)).to.deep.equal(components.map(([name]) => name).filter((name) => name !== dashboard).sort());
    });
  }

  it("exporters.enabled false takes away the node and Kubernetes dashboards", () => {
    expect(generalDashboards(parseObjects(helmTemplate([], ["--set", "exporters.enabled=false"])))).to.deep.equal(["alertmanager", "prometheus"]);
  });

  it("grafana.dashboards.<name>.enabled false turns one off: not rendered, not mounted", () => {
    const objects = parseObjects(helmTemplate([], ["--set", "grafana.dashboards.nodes.enabled=false"]));
    expect(generalDashboards(objects)).to.deep.equal(["alertmanager", "kubernetes", "prometheus"]);
    expect(mountedConfigMaps(objects).map((c) => c.name)).not.to.include(`${RELEASE}-grafana-dashboard-nodes`);
  });

  it("Grafana mounts a general dashboard's ConfigMap as optional, so a component switched off later does not block its start", () => {
    const mounted = mountedConfigMaps(parseObjects(helmTemplate([])));
    expect(mounted.find((c) => c.name === `${RELEASE}-grafana-dashboard-alert-receiver`)).to.deep.equal({ name: `${RELEASE}-grafana-dashboard-alert-receiver`, optional: true });
  });
});

describe("render: rows a release cannot fill are dropped with their panels", () => {
  const dashboardOf = (objects: K8sObject[], name: string) =>
    JSON.parse((find(objects, "ConfigMap", `${RELEASE}-grafana-dashboard-${name}`) as ConfigMap).data![`${name}.json`]!) as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> };
  const rows = (dashboard: ReturnType<typeof dashboardOf>) => dashboard.panels.filter((p) => p.type === "row").map((p) => p.title);
  const exprs = (dashboard: ReturnType<typeof dashboardOf>) => dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join("\n");

  it("without remote_write the Prometheus dashboard has no remote-write row or query; with an endpoint it has both", () => {
    const without = dashboardOf(parseObjects(helmTemplate([])), "prometheus");
    expect(rows(without)).to.not.include("Remote write");
    expect(exprs(without)).to.not.contain("prometheus_remote_storage_");
    expect(rows(without)).to.include("Notifications");
    const withEndpoint = dashboardOf(parseObjects(helmTemplate([], ["--set", "prometheus.remoteWrite[0].url=https://mimir.example/api/v1/push"])), "prometheus");
    expect(rows(withEndpoint)).to.include("Remote write");
    expect(exprs(withEndpoint)).to.contain("prometheus_remote_storage_samples_total");
    expect(withEndpoint.panels.length - without.panels.length).to.equal(3);
  });

  it("one Alertmanager: no cluster row or gossip query; several: the cluster row with its members", () => {
    const single = dashboardOf(parseObjects(helmTemplate([], ["--set", "alertmanager.replicas=1"])), "alertmanager");
    expect(rows(single)).to.not.include("Cluster");
    expect(exprs(single)).to.not.contain("alertmanager_cluster_");
    const ha = dashboardOf(parseObjects(helmTemplate([], ["--set", "alertmanager.replicas=3"])), "alertmanager");
    expect(rows(ha)).to.include("Cluster");
    expect(exprs(ha)).to.contain("min(alertmanager_cluster_members)");
  });
});

describe("render: a user's own dashboard from --set-file", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-user-dashboard-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const exported = {
    title: "Checkout service",
    uid: "checkout",
    panels: [{ type: "timeseries", title: "Requests", targets: [{ refId: "A", expr: 'sum(rate(http_requests_total{job="checkout"}[$__rate_interval]))' }] }],
    schemaVersion: 39,
  };

  it('lands in a ConfigMap labelled grafana_dashboard: "1", unchanged, and Grafana mounts it', () => {
    const path = file("checkout.json", `${JSON.stringify(exported, null, 2)}\n`);
    const objects = parseObjects(helmTemplate([], ["--set-file", `grafana.userDashboards.checkout.json=${path}`]));
    const configMap = find(objects, "ConfigMap", `${RELEASE}-grafana-dashboard-checkout`) as ConfigMap;
    expect(configMap.metadata.labels?.grafana_dashboard).to.equal("1");
    expect(configMap.metadata.namespace).to.equal(NAMESPACE);
    expect(Object.keys(configMap.data!)).to.deep.equal(["checkout.json"]);
    expect(JSON.parse(configMap.data!["checkout.json"]!)).to.deep.equal(exported);
    expect(mountedConfigMaps(objects)).to.deep.include({ name: `${RELEASE}-grafana-dashboard-checkout` });
  });

  it("an existing ConfigMap of the user's is mounted, not rendered", () => {
    const objects = parseObjects(helmTemplate([], ["--set", "grafana.userDashboards.team.existingConfigMap=team-dashboards"]));
    expect(mountedConfigMaps(objects)).to.deep.include({ name: "team-dashboards" });
    expect(objects.filter((o) => o.kind === "ConfigMap" && o.metadata.name === "team-dashboards")).to.deep.equal([]);
  });

  for (const [what, text, message] of [
    ["JSON that does not parse", '{ "title": "Broken"\n  "panels": [] }', /grafana\.userDashboards\.mine\.json is not JSON/],
    ["JSON that is not a dashboard (an API envelope)", JSON.stringify({ dashboard: exported }), /grafana\.userDashboards\.mine\.json is not a Grafana dashboard: it needs a title and panels or rows/],
  ] as const) {
    it(`refuses ${what}, which --set-file brings past promstack validate`, () => {
      const path = file("mine.json", text);
      const result = run(tools.helm, ["template", RELEASE, chartDir, "-n", NAMESPACE, "--set-file", `grafana.userDashboards.mine.json=${path}`]);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.match(message);
    });
  }

  it("refuses a user dashboard named like a general one, whose ConfigMap it would replace", () => {
    const path = file("nodes.json", JSON.stringify(exported));
    const result = run(tools.helm, ["template", RELEASE, chartDir, "-n", NAMESPACE, "--set-file", `grafana.userDashboards.nodes.json=${path}`]);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.contain('grafana.userDashboards.nodes: "nodes" is the name of a general dashboard');
  });
});
