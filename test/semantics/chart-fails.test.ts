// A `fail` in the chart's templates that validate must mirror: what helm template refuses,
// validate refuses first, at the key; what helm renders, validate accepts.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../generator/src/cli.js";
import { chartDir, run, tools } from "../helpers/tools.js";

const cases: Array<{ name: string; profile: string; refused: RegExp | undefined }> = [
  {
    name: "dashboards in another namespace for the chart's own Grafana",
    profile: "grafana:\n  dashboardConfigMaps:\n    namespace: team-dashboards\n",
    refused: /3:16: grafana\.dashboardConfigMaps\.namespace: this chart's Grafana reads dashboards from the release namespace only/,
  },
  { name: "dashboards in another namespace for an existing Grafana (deploy: false)", profile: "grafana:\n  deploy: false\n  dashboardConfigMaps:\n    namespace: team-dashboards\n", refused: undefined },
];

describe("semantics: the chart's own refusals are validate's", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "promstack-chart-fails-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const { name, profile, refused } of cases) {
    it(`${name}: validate and helm template agree`, async () => {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
      writeFileSync(file, profile);
      const lines: string[] = [];
      const status = await main(["validate", "--no-tools", file], { out: (line) => lines.push(line), err: (line) => lines.push(line) });
      const rendered = run(tools.helm, ["template", "mon", chartDir, "--namespace", "monitoring", "-f", file]);
      if (refused) {
        expect(status, lines.join("\n")).to.equal(1);
        expect(lines.join("\n")).to.match(refused);
        expect(rendered.status).to.not.equal(0);
        expect(rendered.stderr).to.contain("grafana.dashboardConfigMaps.namespace");
      } else {
        expect(status, lines.join("\n")).to.equal(0);
        expect(rendered.status, rendered.stderr).to.equal(0);
      }
    });
  }
});
