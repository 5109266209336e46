// Every query of every shipped dashboard, judged by Prometheus's own parser and type checker
// (promtool at the pinned Prometheus version): generate-time parsing with lezer-promql checks
// syntax only, promtool also rejects type errors such as rate() of an instant vector.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { expandGrafanaMacros } from "../../generator/src/dashboards/check.js";
import { checkPromQL } from "../../generator/src/promql.js";
import { chartDir, run, tools } from "../helpers/tools.js";

interface Panel {
  id: number;
  type: string;
  targets?: Array<{ refId: string; expr?: string }>;
  panels?: Panel[];
}

const dashboardDir = join(chartDir, "charts", "grafana", "dashboards");

/** One recording rule per panel query, named after dashboard, panel and refId. */
function rulesOf(file: string): Array<{ record: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(join(dashboardDir, file), "utf8")) as { panels: Panel[] };
  const prefix = file.replace(/\.json$/, "").replace(/[^A-Za-z0-9]/g, "_");
  return dashboard.panels
    .flatMap((panel) => [panel, ...(panel.panels ?? [])])
    .flatMap((panel) => (panel.targets ?? []).filter((t) => t.expr).map((t) => ({ record: `dashboard:${prefix}:panel${panel.id}_${t.refId}`, expr: expandGrafanaMacros(t.expr!).text })));
}

describe("semantics: promtool accepts every dashboard query", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-dashboards-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const files = readdirSync(dashboardDir).filter((f) => f.endsWith(".json")).sort();

  it("the chart ships the four built-in dashboards", () => {
    expect(files).to.deep.equal(["gorax.json", "jobpilot.json", "raspberry-pi.json", "slurm-exporter.json"]);
  });

  for (const file of files) {
    it(`${file}: promtool check rules`, () => {
      const rules = rulesOf(file);
      expect(rules.length).to.be.greaterThan(0);
      const path = join(dir, `${file}.rules.yaml`);
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
