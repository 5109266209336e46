// The grafana subchart as helm renders it: one ConfigMap per enabled dashboard, labelled for
// Grafana sidecars, holding dashboard JSON whose panels are the ones the source documents
// describe; the provisioned data sources; the admin credentials only in a Secret.
import { expect } from "chai";
import { join } from "node:path";
import { parse } from "yaml";
import { find, helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { dashboards } from "../../generator/src/dashboards/index.js";
import { chartDir, repoRoot, run, tools } from "../helpers/tools.js";

const profile = (name: string) => join(repoRoot, "values", `${name}.yaml`);
const allEnabled = join(repoRoot, "test", "fixtures", "all-enabled.yaml");

interface GrafanaPanel {
  type: string;
  title: string;
  panels?: GrafanaPanel[];
}
interface GrafanaDashboard {
  title: string;
  uid: string;
  refresh: string;
  time: { from: string; to: string };
  panels: GrafanaPanel[];
}

type ConfigMap = K8sObject & { data?: Record<string, string> };

/** The chart's general dashboards (generator/src/dashboards/index.ts), in the order they are listed. */
const GENERAL = dashboards.map((d) => d.name);

const dashboardConfigMaps = (objects: K8sObject[]) =>
  objects.filter((o): o is ConfigMap => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");

/** The one dashboard a ConfigMap carries, parsed. */
function dashboardIn(configMap: ConfigMap): GrafanaDashboard {
  const entries = Object.entries(configMap.data ?? {});
  expect(entries, `${configMap.metadata.name} holds exactly one dashboard`).to.have.length(1);
  const [key, json] = entries[0]!;
  expect(key).to.match(/\.json$/);
  return JSON.parse(json) as GrafanaDashboard;
}

/** Panels as a reader sees them: rows unfolded and not counted. */
const visiblePanels = (d: GrafanaDashboard) => d.panels.flatMap((p) => (p.type === "row" ? p.panels ?? [] : [p]));

// From the source documents, written here by hand: the rendered chart must match them.
const documented: Record<string, { profile: string; title?: string; panels?: string[]; configMapName?: string; fileName?: string }> = {
  // 001_9bc49c6dc5a1a13f.txt, "5. Grafana Dashboard", panels 1 to 9.
  "raspberry-pi": {
    profile: "raspberry-pi",
    title: "Raspberry Pi Cluster Monitoring",
    panels: [
      "CPU Usage by Node", "Memory Usage by Node", "CPU Temperature", "Disk Usage", "Network Traffic (Receive)",
      "Network Traffic (Transmit)", "System Load", "Uptime", "Active Alerts",
    ],
  },
  // 004_db245d4cb75f5788.txt, "gorax-overview.json ... with 7 panels".
  // The document creates ConfigMap gorax-dashboards from dashboards/gorax-overview.json; the profile keeps both.
  gorax: {
    profile: "gorax",
    panels: ["Workflow Execution Rate", "Workflow Success Rate", "Active Workers", "HTTP Request Rate", "Queue Depth", "Workflow Duration Percentiles", "Top Workflows"],
    configMapName: "gorax-dashboards",
    fileName: "gorax-overview.json",
  },
  // 002_7f2f8fd7557e01a1.txt, "3. Grafana Dashboard ... featuring".
  // The document creates ConfigMap slurm-exporter-dashboard with key dashboard.json; the profile keeps both.
  "slurm-exporter": {
    profile: "slurm-exporter",
    panels: ["SLA Status", "Service Health", "Performance Metrics", "Error Tracking", "Cardinality Monitoring"],
    configMapName: "slurm-exporter-dashboard",
    fileName: "dashboard.json",
  },
  // 000_670fb6aba4f2819c.txt names no panels: its service dashboard only has to exist.
  jobpilot: { profile: "jobpilot" },
};

describe("render: grafana dashboards of each profile", () => {
  for (const [dashboard, expected] of Object.entries(documented)) {
    describe(`${expected.profile} renders the ${dashboard} dashboard from its profile (grafana.userDashboards)`, () => {
      const configMaps = dashboardConfigMaps(parseObjects(helmTemplate([profile(expected.profile)])));
      const name = expected.configMapName ?? `${RELEASE}-grafana-dashboard-${dashboard}`;
      const own = () => configMaps.find((c) => c.metadata.name === name)!;

      it('as one ConfigMap labelled grafana_dashboard: "1", with parseable JSON', () => {
        expect(configMaps.map((c) => c.metadata.name)).to.include(name);
        expect(Object.keys(own().data ?? {})).to.deep.equal([expected.fileName ?? `${dashboard}.json`]);
        const parsed = dashboardIn(own());
        expect(parsed.uid).to.match(/^promstack-/);
        expect(visiblePanels(parsed).length).to.be.greaterThan(0);
      });

      if (expected.panels) {
        it(`with the ${expected.panels.length} panels the document lists`, () => {
          const parsed = dashboardIn(own());
          if (expected.title) expect(parsed.title).to.equal(expected.title);
          expect(visiblePanels(parsed).map((p) => p.title)).to.deep.equal(expected.panels);
        });
      }
    });
  }

  it("raspberry-pi refreshes every 30 s over the last hour", () => {
    const configMap = dashboardConfigMaps(parseObjects(helmTemplate([profile("raspberry-pi")]))).find((c) => c.metadata.name === `${RELEASE}-grafana-dashboard-raspberry-pi`);
    const parsed = dashboardIn(configMap!);
    expect(parsed.refresh).to.equal("30s");
    expect(parsed.time).to.deep.equal({ from: "now-1h", to: "now" });
  });

  it("tavira enables no dashboard and no Grafana", () => {
    const objects = parseObjects(helmTemplate([profile("tavira")]));
    expect(dashboardConfigMaps(objects)).to.deep.equal([]);
    expect(objects.filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "grafana")).to.deep.equal([]);
  });
});

describe("render: grafana server", () => {
  const objects = parseObjects(helmTemplate([allEnabled]));
  const deployment = find(objects, "Deployment", `${RELEASE}-grafana`) as any;
  const pod = deployment.spec.template.spec;
  const volume = (name: string) => pod.volumes.find((v: any) => v.name === name);

  it("mounts every dashboard ConfigMap it renders, and the user's existing one", () => {
    const sources = volume("dashboards").projected.sources.map((s: any) => s.configMap);
    const required = sources.filter((c: any) => !c.optional).map((c: any) => c.name).sort();
    const optional = sources.filter((c: any) => c.optional).map((c: any) => c.name).sort();
    // The user's dashboards must be there; a general one exists only while its component runs.
    expect(required).to.deep.equal([`${RELEASE}-grafana-dashboard-team-overview`, "team-dashboards"]);
    expect(optional).to.deep.equal(GENERAL.map((name) => `${RELEASE}-grafana-dashboard-${name}`).sort());
    expect([...required, ...optional]).to.include.members(dashboardConfigMaps(objects).map((c) => c.metadata.name));
    const provisioning = parse((find(objects, "ConfigMap", `${RELEASE}-grafana-provisioning`) as ConfigMap).data!["dashboards.yaml"]!);
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === "dashboards");
    expect(provisioning.providers[0].options.path).to.equal(mount.mountPath);
  });

  it("provisions this release's Prometheus Service as the default data source, and the Alertmanager", () => {
    const datasources = parse((find(objects, "ConfigMap", `${RELEASE}-grafana-provisioning`) as ConfigMap).data!["datasources.yaml"]!).datasources;
    const prometheus = datasources.find((d: any) => d.type === "prometheus");
    expect(prometheus).to.deep.include({ isDefault: true, url: `http://${RELEASE}-prometheus.${NAMESPACE}.svc:9090` });
    // The URL names a Service of the same render on the port it serves.
    const service = find(objects, "Service", `${RELEASE}-prometheus`) as any;
    expect(service.spec.ports.map((p: any) => p.port)).to.include(9090);
    const alertmanager = datasources.find((d: any) => d.type === "alertmanager");
    expect(alertmanager.url).to.equal(`http://${RELEASE}-alertmanager.${NAMESPACE}.svc:9093`);
    expect((find(objects, "Service", `${RELEASE}-alertmanager`) as any).spec.ports.map((p: any) => p.port)).to.include(9093);
  });

  it("reads the admin credentials from files of a Secret, never from a value", () => {
    const env = pod.containers[0].env as Array<{ name: string; value?: string }>;
    expect(env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD__FILE")?.value).to.equal("/etc/grafana/admin/password");
    expect(env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")).to.equal(undefined);
    const secret = find(objects, "Secret", volume("admin").secret.secretName) as any;
    expect(Object.keys(secret.data).sort()).to.deep.equal(["admin-password", "admin-user"]);
    expect(Buffer.from(secret.data["admin-password"], "base64").toString()).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it("puts no credential in any ConfigMap", () => {
    const secretValues = objects
      .filter((o) => o.kind === "Secret")
      .flatMap((o) => Object.values(((o as any).data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, "base64").toString()))
      .filter((v) => v.length >= 8);
    expect(secretValues.length).to.be.greaterThan(0);
    for (const configMap of objects.filter((o) => o.kind === "ConfigMap") as ConfigMap[]) {
      const text = JSON.stringify(configMap.data ?? {});
      for (const value of secretValues) expect(text, configMap.metadata.name).not.to.contain(value);
      expect(text, configMap.metadata.name).not.to.match(/secureJsonData|basicAuthPassword|"password"\s*:/i);
    }
  });

  it("keeps its database on a volume claim when persistence is on, replacing the pod rather than rolling", () => {
    const claim = find(objects, "PersistentVolumeClaim", `${RELEASE}-grafana`) as any;
    expect(volume("data").persistentVolumeClaim.claimName).to.equal(claim.metadata.name);
    expect(deployment.spec.strategy.type).to.equal("Recreate");
  });

  it("uses an existing admin Secret when one is named, and creates none", () => {
    const withSecret = parseObjects(helmTemplate([allEnabled], ["--set", "grafana.admin.existingSecret=grafana-credentials", "--set", "grafana.admin.passwordKey=password"]));
    expect(withSecret.filter((o) => o.kind === "Secret" && o.metadata.name.includes("grafana"))).to.deep.equal([]);
    const admin = (find(withSecret, "Deployment", `${RELEASE}-grafana`) as any).spec.template.spec.volumes.find((v: any) => v.name === "admin");
    expect(admin.secret.secretName).to.equal("grafana-credentials");
    expect(admin.secret.items).to.deep.include({ key: "password", path: "password" });
  });
});

describe("render: grafana behind its Ingress", () => {
  const env = (args: string[]) => {
    const objects = parseObjects(helmTemplate([allEnabled], args));
    return (find(objects, "Deployment", `${RELEASE}-grafana`) as any).spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
  };
  const value = (list: Array<{ name: string; value?: string }>, name: string) => list.find((e) => e.name === name)?.value;

  it("knows its public URL: https with TLS, served from the Ingress path", () => {
    const list = env(["--set-json", 'grafana.ingress={"enabled":true,"host":"monitoring.example.com","path":"/grafana","tls":{"enabled":true}}']);
    expect(value(list, "GF_SERVER_ROOT_URL")).to.equal("https://monitoring.example.com/grafana/");
    expect(value(list, "GF_SERVER_SERVE_FROM_SUB_PATH")).to.equal("true");
  });

  it("at the root path over plain HTTP it serves from /, and an explicit root URL in extraEnv wins", () => {
    const plain = env(["--set-json", 'grafana.ingress={"enabled":true,"host":"grafana.local"}']);
    expect(value(plain, "GF_SERVER_ROOT_URL")).to.equal("http://grafana.local/");
    expect(value(plain, "GF_SERVER_SERVE_FROM_SUB_PATH")).to.equal(undefined);
    const explicit = env(["--set-json", 'grafana.ingress={"enabled":true,"host":"grafana.local"}', "--set-json", 'grafana.extraEnv=[{"name":"GF_SERVER_ROOT_URL","value":"https://dash.example.org/"}]']);
    expect(explicit.filter((e) => e.name === "GF_SERVER_ROOT_URL").map((e) => e.value)).to.deep.equal(["https://dash.example.org/"]);
  });

  it("without an Ingress Grafana keeps its default root URL", () => {
    expect(value(env([]), "GF_SERVER_ROOT_URL")).to.equal(undefined);
  });

  it("raspberry-pi exposes Grafana as grafana.local through k3s's Traefik", () => {
    const objects = parseObjects(helmTemplate([profile("raspberry-pi")]));
    const ingress = find(objects, "Ingress", `${RELEASE}-grafana`) as any;
    expect(ingress.spec.ingressClassName).to.equal("traefik");
    expect(ingress.spec.rules[0].host).to.equal("grafana.local");
  });
});

describe("render: grafana.deploy false feeds an existing Grafana", () => {
  it("slurm-exporter renders only dashboard ConfigMaps (its own, and the general ones of the components it runs), no Grafana server", () => {
    const objects = parseObjects(helmTemplate([profile("slurm-exporter")]));
    const grafanaObjects = objects.filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "grafana");
    expect(grafanaObjects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).to.deep.equal(
      ["ConfigMap/slurm-exporter-dashboard", `ConfigMap/${RELEASE}-grafana-dashboard-alertmanager`, `ConfigMap/${RELEASE}-grafana-dashboard-prometheus`].sort(),
    );
  });

  it("puts the ConfigMaps where the sidecar looks, with its folder annotation", () => {
    const objects = parseObjects(helmTemplate([profile("slurm-exporter")], [
      "--set", "grafana.dashboardConfigMaps.namespace=observability",
      "--set", "grafana.dashboardConfigMaps.annotations.grafana_folder=SLURM",
    ]));
    const configMaps = dashboardConfigMaps(objects);
    expect(configMaps.length).to.be.greaterThan(1);
    for (const configMap of configMaps) {
      expect(configMap.metadata.namespace, configMap.metadata.name).to.equal("observability");
      expect((configMap.metadata as { annotations?: Record<string, string> }).annotations, configMap.metadata.name).to.deep.equal({ grafana_folder: "SLURM" });
    }
  });

  it("refuses another namespace for a Grafana of this release, which could not mount it", () => {
    const result = run(tools.helm, ["template", RELEASE, chartDir, "-n", NAMESPACE, "-f", allEnabled, "--set", "grafana.dashboardConfigMaps.namespace=observability"]);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.contain('grafana.dashboardConfigMaps.namespace "observability": this chart\'s Grafana reads dashboards from the release namespace "monitoring" only');
  });
});
