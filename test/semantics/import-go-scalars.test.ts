// Prometheus reads a plain scalar in a string field as written (Go's yaml.v2): `regex: 010` is
// the regex "010", `replacement: 1.50` the text "1.50", a null empties the field. promstack
// import must carry those values as Prometheus reads them, and write strings Helm would read as
// something else (yes, on) quoted. The judge is Prometheus itself: the scrape job as the real
// binary loaded it from the source file and from the rendered chart, read back from
// /api/v1/status/config.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { promstack, run, tools } from "../helpers/tools.js";
import { freePort } from "../live/ports.js";
import { Proc, stopAll } from "../live/processes.js";

// Every scalar below is unquoted, as a team's prometheus.yml would have it; Prometheus accepts the file.
const SOURCE = `global:
  external_labels: { region: 010, replica: 1.0 }
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ["app:8080"]
        labels: { port: 8080, ratio: 1.50, flag: true, on: yes, hex: 0x1F, empty: ~ }
    relabel_configs:
      - { source_labels: [port], regex: 010, target_label: octal, replacement: 010 }
      - { source_labels: [ratio], regex: 1.50, target_label: decimal, replacement: 1e3 }
      - { source_labels: [flag], regex: true, target_label: boolean, replacement: yes }
      - { source_labels: [hex], regex: 0x1F, target_label: hex_out }
      - { source_labels: [empty], regex: ~, target_label: nothing, replacement: }
`;

// Alertmanager reads the legacy match maps, group_by and equal the same way.
const ALERTMANAGER_SOURCE = `route:
  receiver: default
  group_by: [alertname, 1]
  routes:
    - { receiver: pager, match: { code: 500, priority: 1.0, critical: yes } }
receivers:
  - name: default
  - name: pager
    webhook_configs: [{ url: "http://pager.example:8080/hook" }]
inhibit_rules:
  - { source_match: { level: 1 }, target_match: { level: 2.50 }, equal: [instance, 1] }
`;

/** The receivers amtool routes a label set to under a config file. */
function routedTo(config: string, labels: Record<string, string>): string {
  const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, ...Object.entries(labels).map(([name, value]) => `${name}=${value}`)]);
  expect(result.status, result.stderr).to.equal(0);
  return result.stdout.trim();
}

/** The job named app and the external labels, as Prometheus loaded them from `config`. */
async function loadedJob(dir: string, name: string, config: string, binary: string): Promise<{ job: Record<string, unknown>; externalLabels: unknown }> {
  const work = join(dir, name);
  mkdirSync(work);
  writeFileSync(join(work, "prometheus.yml"), config);
  const port = await freePort();
  new Proc(`prometheus-${name}`, binary, [`--config.file=${join(work, "prometheus.yml")}`, `--storage.tsdb.path=${join(work, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: work, logFile: join(work, "prometheus.log") });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/status/config`).catch(() => undefined);
    if (response?.ok) {
      const loaded = parse(((await response.json()) as { data: { yaml: string } }).data.yaml) as { global: { external_labels?: unknown }; scrape_configs: Array<Record<string, unknown>> };
      return { job: loaded.scrape_configs.find((job) => job.job_name === "app")!, externalLabels: loaded.global.external_labels };
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`Prometheus (${name}) did not serve its config within 60s; see ${work}/prometheus.log`);
}

describe("semantics: promstack import keeps Prometheus' and Alertmanager's reading of unquoted scalars", function () {
  this.timeout(180_000);
  const binary = process.env.PROMETHEUS_BINARY;
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-go-scalars-"))));
  after(async () => {
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("imports the job whole, and the rendered job is the job Prometheus loads from the source (when its binary is built)", async function () {
    if (!binary || !existsSync(binary)) this.skip();
    const source = join(dir, "prometheus.yml");
    const profile = join(dir, "profile.yaml");
    writeFileSync(source, SOURCE);
    const imported = promstack(["import", "--prometheus", source, "--output", profile]);
    expect(imported.status, imported.stderr).to.equal(0);
    expect(imported.stderr).to.match(/0 unmapped key\(s\)/);

    const rendered = parse(configMapData(parseObjects(helmTemplate([profile])), `${RELEASE}-prometheus`, "prometheus.yml")) as { global: { external_labels: Record<string, string> }; scrape_configs: Array<Record<string, unknown>> };
    const renderedJob = rendered.scrape_configs.find((job) => job.job_name === "app");
    expect(renderedJob, "the imported job is in the render").to.be.an("object");

    const { job: fromSource, externalLabels } = await loadedJob(dir, "source", SOURCE, binary!);
    // The render's job and external labels (the chart adds its own labels: cluster and the like).
    const renderedLabels = Object.fromEntries(Object.entries(rendered.global.external_labels).filter(([name]) => name === "region" || name === "replica"));
    const fromRender = await loadedJob(dir, "render", stringify({ global: { external_labels: renderedLabels }, scrape_configs: [renderedJob] }), binary!);
    expect(fromRender.job).to.deep.equal(fromSource);
    expect(fromRender.externalLabels).to.deep.equal(externalLabels);
    expect(externalLabels).to.deep.equal({ region: "010", replica: "1.0" });
    // What equality means here: Prometheus' own reading, not the yaml package's (10, 1.5, true, null).
    const relabel = fromSource.relabel_configs as Array<Record<string, unknown>>;
    expect(relabel.map((step) => step.regex)).to.deep.equal(["010", "1.50", "true", "0x1F", ""]);
    expect(relabel.map((step) => step.replacement)).to.deep.equal(["010", "1e3", "yes", "$1", ""]);
    expect((fromSource.static_configs as Array<{ labels: Record<string, string> }>)[0]!.labels).to.deep.include({ port: "8080", ratio: "1.50", flag: "true", on: "yes", hex: "0x1F" });
  });

  it("keeps Alertmanager's reading of unquoted match values, group_by and equal: amtool routes alike before and after", () => {
    const source = join(dir, "alertmanager.yml");
    const profile = join(dir, "alertmanager-profile.yaml");
    writeFileSync(source, ALERTMANAGER_SOURCE);
    const imported = promstack(["import", "--alertmanager", source, "--output", profile]);
    expect(imported.status, imported.stderr).to.equal(0);
    const renderedText = configMapData(parseObjects(helmTemplate([profile])), `${RELEASE}-alertmanager`, "alertmanager.yml");
    const rendered = join(dir, "rendered-alertmanager.yml");
    writeFileSync(rendered, renderedText);
    // 1.0 is not 1 to Alertmanager: the pager route takes priority="1.0" only.
    for (const labels of [{ code: "500", priority: "1.0", critical: "yes" }, { code: "500", priority: "1", critical: "yes" }]) {
      expect(routedTo(rendered, labels), JSON.stringify(labels)).to.equal(routedTo(source, labels));
    }
    expect(routedTo(rendered, { code: "500", priority: "1.0", critical: "yes" })).to.equal("pager");
    const config = parse(renderedText) as { route: { group_by: string[] }; inhibit_rules: Array<Record<string, string[]>> };
    expect(config.route.group_by).to.deep.equal(["alertname", "1"]);
    expect(config.inhibit_rules[0]).to.deep.include({ source_matchers: ['level="1"'], target_matchers: ['level="2.50"'], equal: ["instance", "1"] });
  });
});
