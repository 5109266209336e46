// Every query of every shipped dashboard (the chart's general ones, and those the seed profiles
// carry in grafana.userDashboards), judged by Prometheus's own parser and type checker
// (promtool at the pinned Prometheus version): generate-time parsing with lezer-promql checks
// syntax only, promtool also rejects type errors such as rate() of an instant vector.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { expandGrafanaMacros } from "../../generator/src/dashboards/check.js";
import { checkPromQL } from "../../generator/src/promql.js";
import { chartDir, profileFiles, run, tools } from "../helpers/tools.js";

interface Panel {
  id: number;
  type: string;
  targets?: Array<{ refId: string; expr?: string }>;
  panels?: Panel[];
}

const dashboardDir = join(chartDir, "charts", "grafana", "dashboards");

/** The dashboards of every profile's grafana.userDashboards, by "<profile>/<name>". */
function profileDashboards(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of profileFiles()) {
    const values = parse(readFileSync(file, "utf8")) as { grafana?: { userDashboards?: Record<string, { json?: string }> } };
    for (const [name, dashboard] of Object.entries(values.grafana?.userDashboards ?? {})) {
      if (dashboard.json) found.set(`${file.replace(/^.*\/|\.yaml$/g, "")}/${name}`, dashboard.json);
    }
  }
  return found;
}

/** One recording rule per panel query, named after dashboard, panel and refId. */
function rulesOf(name: string, json: string): Array<{ record: string; expr: string }> {
  const dashboard = JSON.parse(json) as { panels: Panel[] };
  const prefix = name.replace(/\.json$/, "").replace(/[^A-Za-z0-9]/g, "_");
  return dashboard.panels
    .flatMap((panel) => [panel, ...(panel.panels ?? [])])
    .flatMap((panel) => (panel.targets ?? []).filter((t) => t.expr).map((t) => ({ record: `dashboard:${prefix}:panel${panel.id}_${t.refId}`, expr: expandGrafanaMacros(t.expr!).text })));
}

describe("semantics: promtool accepts every dashboard query", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-dashboards-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const files = readdirSync(dashboardDir).filter((f) => f.endsWith(".json")).sort();
  const dashboards = new Map([...files.map((f) => [f, readFileSync(join(dashboardDir, f), "utf8")] as const), ...profileDashboards()]);

  it("the chart ships the five general dashboards; the seed profiles carry their own", () => {
    expect(files).to.deep.equal(["alert-receiver.json", "alertmanager.json", "kubernetes.json", "nodes.json", "prometheus.json"]);
    expect([...profileDashboards().keys()].sort()).to.deep.equal(["gorax/gorax", "jobpilot/jobpilot", "raspberry-pi/raspberry-pi", "slurm-exporter/slurm-exporter"]);
  });

  for (const [file, json] of dashboards) {
    it(`${file}: promtool check rules`, () => {
      const rules = rulesOf(file, json);
      expect(rules.length).to.be.greaterThan(0);
      const path = join(dir, `${file.replace(/\//g, "_")}.rules.yaml`);
      writeFileSync(path, stringify({ groups: [{ name: file, rules }] }));
      const result = run(tools.promtool, ["check", "rules", path]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain(`SUCCESS: ${rules.length} rules found`);
    });
  }

  it("promtool catches the type error the syntax check lets through (the layers differ)", () => {
    const expr = "rate(up)";
    expect(checkPromQL(expr)).to.deep.equal([]);
    const path = join(dir, "type-error.rules.yaml");
    writeFileSync(path, stringify({ groups: [{ name: "bad", rules: [{ record: "bad:rate", expr }] }] }));
    const result = run(tools.promtool, ["check", "rules", path]);
    expect(result.status).to.not.equal(0);
    expect(result.stdout + result.stderr).to.match(/range vector/);
  });
});
