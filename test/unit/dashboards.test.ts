import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { GENERATED_NOTICE } from "../../generator/src/chart/header.js";
import { dashboardProblems, expandGrafanaMacros, panelQueries } from "../../generator/src/dashboards/check.js";
import { DashboardError, emitDashboards } from "../../generator/src/dashboards/emit.js";
import { dashboards } from "../../generator/src/dashboards/index.js";
import { dashboard, finish, PROMETHEUS, query, type DashboardDefinition } from "../../generator/src/dashboards/kit.js";
import { parse } from "yaml";
import { profileDashboards, withDashboards } from "../../values/dashboards/build.js";
import { repoRoot } from "../helpers/tools.js";

// The general dashboards of the chart and the seed profiles' own: both are built with the kit.
const seeds = Object.values(profileDashboards).flat();
const built = new Map([...dashboards, ...seeds].map((definition) => [definition.name, definition.build()]));
const get = (name: string) => built.get(name)!;
/** Visible panels, rows left out (the documents count panels, not rows). */
const panelsOf = (d: Dashboard) => (d.panels ?? []).flatMap((p) => (p.type === "row" ? ((p as RowPanel).panels as Panel[]) : [p as Panel]));
const titles = (d: Dashboard) => panelsOf(d).map((p) => p.title);
const exprs = (d: Dashboard) => panelQueries(d).map((q) => q.expr);
const defaultsOf = (panel: Panel) => panel.fieldConfig?.defaults ?? {};
const targetsOf = (panel: Panel) => (panel.targets ?? []) as unknown as Array<{ expr: string; legendFormat?: string; refId?: string; datasource?: unknown }>;

describe("unit: dashboards, shared rules", () => {
  for (const [name, d] of built) {
    describe(name, () => {
      it("has a unique uid, a title and the Prometheus data source variable", () => {
        expect(d.uid).to.match(/^promstack-[a-z0-9-]+$/);
        expect([...built.values()].filter((other) => other.uid === d.uid)).to.have.length(1);
        expect(d.title).to.be.a("string").and.not.equal("");
        expect(d.templating?.list?.find((v) => v.name === "datasource")).to.deep.include({ type: "datasource", query: "prometheus" });
      });

      it("numbers every panel uniquely and gives each a title and a description", () => {
        const all = (d.panels ?? []).flatMap((p) => [p, ...(((p as RowPanel).panels ?? []) as Panel[])]);
        expect(new Set(all.map((p) => p.id)).size).to.equal(all.length);
        for (const panel of panelsOf(d)) {
          expect(panel.title, `panel ${panel.id}`).to.be.a("string").and.not.equal("");
          expect(panel.description, panel.title).to.be.a("string").and.not.equal("");
        }
      });

      it("queries only through the data source variable, with distinct refIds per panel", () => {
        for (const panel of panelsOf(d)) {
          const targets = targetsOf(panel);
          expect(targets.length, panel.title).to.be.greaterThan(0);
          expect(new Set(targets.map((t) => t.refId)).size, panel.title).to.equal(targets.length);
          for (const target of targets) {
            expect(target.refId, panel.title).to.match(/^[A-Z]$/);
            expect(target.datasource, panel.title).to.deep.equal(PROMETHEUS);
          }
        }
      });

      it("lays its panels on the 24-column grid without overlaps", () => {
        const boxes = (d.panels ?? []).map((p) => ({ title: p.title, ...p.gridPos! }));
        for (const box of boxes) expect(box.x + box.w, box.title).to.be.at.most(24);
        for (const [i, a] of boxes.entries()) {
          for (const b of boxes.slice(i + 1)) {
            const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            expect(overlap, `${a.title} overlaps ${b.title}`).to.equal(false);
          }
        }
      });

      it("has PromQL that parses", () => expect(dashboardProblems(name, d)).to.deep.equal([]));
    });
  }
});

describe("unit: raspberry-pi dashboard (seed 001, section 5)", () => {
  const d = get("raspberry-pi");

  it('is the 9-panel "Raspberry Pi Cluster Monitoring", refreshing every 30 s over the last hour', () => {
    expect(d.title).to.equal("Raspberry Pi Cluster Monitoring");
    expect(titles(d)).to.deep.equal([
      "CPU Usage by Node",
      "Memory Usage by Node",
      "CPU Temperature",
      "Disk Usage",
      "Network Traffic (Receive)",
      "Network Traffic (Transmit)",
      "System Load",
      "Uptime",
      "Active Alerts",
    ]);
    expect(d.refresh).to.equal("30s");
    expect(d.time).to.deep.equal({ from: "now-1h", to: "now" });
  });

  it("draws memory with yellow at 75 % and red at 85 %", () => {
    const memory = panelsOf(d).find((p) => p.title === "Memory Usage by Node")!;
    expect(memory.type).to.equal("timeseries");
    expect(defaultsOf(memory).unit).to.equal("percent");
    expect(defaultsOf(memory).thresholds?.steps).to.deep.equal([
      { value: null, color: "green" },
      { value: 75, color: "yellow" },
      { value: 85, color: "red" },
    ]);
  });

  it("names every node by node_uname_info's nodename, never by IP (instance)", () => {
    for (const panel of panelsOf(d).filter((p) => p.title !== "Active Alerts")) {
      for (const target of targetsOf(panel)) {
        expect(target.expr, panel.title).to.match(/\* on\(instance\) group_left\(nodename\) node_uname_info/);
        expect(target.legendFormat, panel.title).to.match(/^\{\{nodename\}\}/);
        expect(target.legendFormat, panel.title).not.to.contain("instance");
      }
    }
  });

  it("uses the panel types the document names", () => {
    const typeOf = (title: string) => panelsOf(d).find((p) => p.title === title)!.type;
    expect(typeOf("CPU Usage by Node")).to.equal("timeseries");
    expect(typeOf("CPU Temperature")).to.equal("gauge");
    expect(typeOf("Disk Usage")).to.equal("gauge");
    expect(typeOf("System Load")).to.equal("timeseries");
    expect(panelsOf(d).find((p) => p.title === "System Load")!.targets).to.have.length(3);
    expect(exprs(d).join("\n")).to.contain('ALERTS{alertstate="firing"}');
  });
});

describe("unit: gorax dashboard (seed 004, gorax-overview.json)", () => {
  it("has the seven panels of the overview, in the document's order", () => {
    expect(titles(get("gorax"))).to.deep.equal([
      "Workflow Execution Rate",
      "Workflow Success Rate",
      "Active Workers",
      "HTTP Request Rate",
      "Queue Depth",
      "Workflow Duration Percentiles",
      "Top Workflows",
    ]);
  });

  it("computes the success rate as the document's recording rule does", () => {
    const rate = panelQueries(get("gorax")).find((q) => q.panelTitle === "Workflow Success Rate")!.expr;
    expect(rate).to.match(/sum\(rate\(gorax_workflow_executions_total\{[^}]*status="completed"[^}]*\}\[\$__rate_interval\]\)\) \/ sum\(rate\(gorax_workflow_executions_total/);
  });
});

describe("unit: slurm-exporter SLA dashboard (seed 002)", () => {
  const d = get("slurm-exporter");

  it("has the five panels the document lists", () => {
    expect(titles(d)).to.deep.equal(["SLA Status", "Service Health", "Performance Metrics", "Error Tracking", "Cardinality Monitoring"]);
  });

  it("marks the SLOs: 99.9 % availability over 24 h, 5 s p95, 1 % errors", () => {
    const panel = (title: string) => panelsOf(d).find((p) => p.title === title)!;
    const steps = (title: string) => defaultsOf(panel(title)).thresholds?.steps.map((s) => s.value);
    expect(steps("SLA Status")).to.deep.equal([null, 99.9]);
    expect(targetsOf(panel("SLA Status"))[0]!.expr).to.contain("[24h]");
    expect(steps("Performance Metrics")).to.deep.equal([null, 5]);
    expect(targetsOf(panel("Performance Metrics"))[0]!.expr).to.match(/^quantile_over_time\(0\.95,/);
    expect(steps("Error Tracking")).to.deep.equal([null, 1]);
  });
});

describe("unit: jobpilot service dashboard (seed 000)", () => {
  it("groups its panels in one row per alert group", () => {
    const rows = (get("jobpilot").panels ?? []).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).to.deep.equal(["Service Health", "Infrastructure", "Databases", "Message Queue", "Business Metrics"]);
  });

  it("marks the thresholds of the service-health alerts", () => {
    const panel = (title: string) => panelsOf(get("jobpilot")).find((p) => p.title === title)!;
    expect(defaultsOf(panel("Error Rate (5xx)")).thresholds?.steps[1]?.value).to.equal(5);
    expect(defaultsOf(panel("Latency P95")).thresholds?.steps[1]?.value).to.equal(2);
    expect(defaultsOf(panel("Memory Usage (% of limit)")).thresholds?.steps[1]?.value).to.equal(85);
    expect(defaultsOf(panel("CPU Usage (% of limit)")).thresholds?.steps[1]?.value).to.equal(85);
  });
});

describe("unit: Grafana macros before parsing", () => {
  it("expands $__rate_interval, ${__range} and $__range_s and maps offsets back", () => {
    const expr = "increase(x[$__rate_interval]) / ${__range_s} + y[${__range}]";
    const expansion = expandGrafanaMacros(expr);
    expect(expansion.text).to.equal("increase(x[1m]) / 60 + y[1m]");
    // The "/" after the first macro, "+" after the second, and an offset inside a macro.
    expect(expansion.original(expansion.text.indexOf("/"))).to.equal(expr.indexOf("/"));
    expect(expansion.original(expansion.text.indexOf("+"))).to.equal(expr.indexOf("+"));
    expect(expansion.original(expansion.text.indexOf("60") + 1)).to.equal(expr.indexOf("${__range_s}"));
  });

  it("leaves dashboard variables inside label matchers alone", () => {
    expect(expandGrafanaMacros('up{job=~"$job"}').text).to.equal('up{job=~"$job"}');
  });
});

describe("unit: a dashboard whose PromQL does not parse fails generation", () => {
  const broken: DashboardDefinition = {
    name: "broken",
    source: "test",
    build: () =>
      finish(
        dashboard("Broken", "promstack-broken", [])
          .withPanel(new TimeSeriesPanel().title("Fine").withTarget(query("A", "up")))
          .withPanel(new TimeSeriesPanel().title("Request Errors").withTarget(query("A", "up")).withTarget(query("B", "sum(rate(errors_total[$__rate_interval]) by (job)"))),
      ),
  };

  it("names the dashboard, the panel, the query and the position in the query as written", () => {
    const problems = dashboardProblems("broken", broken.build());
    expect(problems).to.have.length(1);
    const expr = "sum(rate(errors_total[$__rate_interval]) by (job)";
    const column = expr.indexOf("by") + 1;
    expect(problems[0]).to.match(new RegExp(`^dashboard "broken", panel 2 "Request Errors", query B: 1:${column}: unexpected "by"\\n`));
    expect(problems[0]!.split("\n")[2]!.indexOf("^")).to.equal(4 + column - 1);
  });

  it("makes emitDashboards throw, so generate writes nothing", () => {
    expect(() => emitDashboards(["broken"], [broken])).to.throw(DashboardError, /1 problem\(s\) in the built-in dashboards:\n {2}dashboard "broken", panel 2 "Request Errors", query B/);
  });

  it("rejects a dashboard the values schema does not offer, and a schema key without a dashboard", () => {
    expect(() => emitDashboards([], dashboards)).to.throw(DashboardError, /dashboard "nodes" has no grafana.dashboards.nodes key/);
    expect(() => emitDashboards([...dashboards.map((d) => d.name), "extra"], dashboards)).to.throw(DashboardError, /offers dashboards.extra, but no dashboard module defines "extra"/);
  });
});

describe("unit: emitted dashboard files", () => {
  const names = dashboards.map((d) => d.name);

  it("writes one JSON file per dashboard into the grafana subchart, with the generated notice, and the rows each needs a feature for", () => {
    const files = emitDashboards(names);
    const rowsNeeding = dashboards.filter((d) => d.rowsNeeding).map((d) => `charts/grafana/dashboard-rows-needing/${d.name}.json`);
    expect(rowsNeeding).to.not.be.empty;
    expect([...files.keys()].sort()).to.deep.equal([...names.map((n) => `charts/grafana/dashboards/${n}.json`), ...rowsNeeding].sort());
    for (const [path, content] of files) {
      if (path.includes("/dashboard-rows-needing/")) continue;
      const parsed = JSON.parse(content) as Record<string, unknown>;
      expect(parsed.$comment, path).to.equal(GENERATED_NOTICE);
      expect(parsed.uid, path).to.equal(built.get(path.replace(/^.*\/|\.json$/g, ""))!.uid);
    }
  });

  it("refuses a row-needing entry that names no row of its dashboard", () => {
    const prometheus = dashboards.find((d) => d.name === "prometheus")!;
    expect(() => emitDashboards(names, dashboards.map((d) => (d === prometheus ? { ...d, rowsNeeding: { "Remote writes": "remoteWrite" as const } } : d)))).to.throw(DashboardError, /names row "Remote writes" in rowsNeeding, but has no row of that title/);
  });

  it("is deterministic", () => {
    expect(emitDashboards(names)).to.deep.equal(emitDashboards(names));
  });
});

describe("unit: general dashboards (what every install gets)", () => {
  it("are the five of the chart, and none of a seed's", () => {
    expect(dashboards.map((d) => d.name)).to.deep.equal(["nodes", "kubernetes", "prometheus", "alertmanager", "alert-receiver"]);
    expect(dashboards.map((d) => d.name)).not.to.include.members(seeds.map((d) => d.name));
  });

  it("nodes: CPU, memory, disk I/O, filesystems, network and pressure rows, every node series named by nodename", () => {
    const d = get("nodes");
    expect((d.panels ?? []).filter((p) => p.type === "row").map((p) => p.title)).to.deep.equal(["CPU", "Memory", "Disk I/O", "Filesystems", "Network", "Pressure"]);
    for (const q of panelQueries(d)) expect(q.expr, q.panelTitle).to.contain('node_uname_info{nodename=~"$node"}');
    expect(exprs(d).join("\n")).to.contain("node_pressure_memory_stalled_seconds_total");
  });

  it("kubernetes: kube-state-metrics and cAdvisor series, filtered by namespace and pod", () => {
    const text = exprs(get("kubernetes")).join("\n");
    for (const metric of ["kube_pod_status_phase", "kube_pod_container_status_restarts_total", "container_cpu_usage_seconds_total", "container_memory_working_set_bytes"]) expect(text).to.contain(metric);
    expect(get("kubernetes").templating?.list?.map((v) => v.name)).to.deep.equal(["datasource", "namespace", "pod"]);
  });

  it("prometheus, alertmanager and alert-receiver read the metrics their components export", () => {
    expect(exprs(get("prometheus")).join("\n")).to.contain("prometheus_rule_evaluation_failures_total").and.contain("prometheus_remote_storage_samples_failed_total").and.contain("prometheus_tsdb_head_series");
    expect(exprs(get("alertmanager")).join("\n")).to.contain("alertmanager_notifications_failed_total").and.contain("alertmanager_cluster_members").and.contain('alertmanager_silences{state="active"}');
    // Every alert_receiver_ metric the receiver registers (receiver/src/metrics.ts) has a panel.
    const receiver = exprs(get("alert-receiver")).join("\n");
    for (const metric of ["alerts_received_total", "notifications_received_total", "alerts_truncated_total", "requests_rejected_total", "request_duration_seconds_bucket", "ready"]) expect(receiver).to.contain(`alert_receiver_${metric}`);
  });
});

describe("unit: a seed's dashboards are written into its profile (values/dashboards/build.ts)", () => {
  const definition = profileDashboards["slurm-exporter"]![0]!;
  const profile = `# a profile\ngrafana:\n  userDashboards:\n    # kept\n    ${definition.name}:\n      fileName: dashboard.json\n      json: "{}"\n\nrules: { node: { enabled: false } } # kept too\n`;

  it("replaces only the json scalar, with the dashboard as a block of indented JSON", () => {
    const written = withDashboards("p.yaml", profile, [definition]);
    expect(written.startsWith(`# a profile\ngrafana:\n  userDashboards:\n    # kept\n    ${definition.name}:\n      fileName: dashboard.json\n      json: |\n        {\n`)).to.equal(true);
    expect(written.endsWith('        }\n\nrules: { node: { enabled: false } } # kept too\n')).to.equal(true);
    const json = (parse(written) as { grafana: { userDashboards: Record<string, { json: string }> } }).grafana.userDashboards[definition.name]!.json;
    expect(JSON.parse(json)).to.deep.equal(JSON.parse(JSON.stringify(definition.build())));
  });

  it("is idempotent, so make generate twice changes nothing", () => {
    const once = withDashboards("p.yaml", profile, [definition]);
    expect(withDashboards("p.yaml", once, [definition])).to.equal(once);
  });

  it("asks for the key when the profile has none, rather than guessing where it goes", () => {
    expect(() => withDashboards("p.yaml", "grafana: {}\n", [definition])).to.throw(/p\.yaml: add grafana\.userDashboards\.slurm-exporter\.json/);
  });
});

describe("unit: the values schema describes the general dashboards as built", () => {
  it("each grafana.dashboards.<name> description states the dashboard's panel count", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schemas", "grafana.schema.json"), "utf8")) as { properties: { dashboards: { properties: Record<string, { description: string }> } } };
    const described = schema.properties.dashboards.properties;
    expect(Object.keys(described)).to.deep.equal(dashboards.map((d) => d.name));
    for (const { name } of dashboards) expect(described[name]!.description, name).to.match(new RegExp(`; ${panelsOf(get(name)).length} panels\\)\\.$`));
  });
});
