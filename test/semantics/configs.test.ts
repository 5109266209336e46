// The semantics layer: the configuration files the chart renders are judged by
// Prometheus' and Alertmanager's own tools, at the versions the chart deploys.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { extractConfigs } from "../../generator/src/render/extract.js";
import { layOut } from "../../generator/src/tools/layout.js";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { profileFiles, repoRoot, run, tools } from "../helpers/tools.js";

const cases = [...profileFiles(), ...["all-enabled.yaml", "operator-all.yaml"].map((f) => join(repoRoot, "test", "fixtures", f))];

describe("semantics: tool versions match the deployed images", () => {
  it("promtool and amtool report the versions of the pinned images", () => {
    const catalogue = (JSON.parse(run("cat", [join(repoRoot, "versions.json")]).stdout) as { images: Record<string, { tag: string }> }).images;
    expect(run(tools.promtool, ["--version"]).stdout).to.contain(`version ${catalogue.prometheus!.tag.slice(1)}`);
    expect(run(tools.amtool, ["--version"]).stdout).to.contain(`version ${catalogue.alertmanager!.tag.slice(1)}`);
  });
});

describe("semantics: promtool and amtool accept every rendered config", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-semantics-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of cases) {
    const name = basename(file, ".yaml");
    it(`${name}: promtool check config (or, in operator mode, no Prometheus deployed)`, () => {
      const manifest = helmTemplate([file]);
      const objects = parseObjects(manifest);
      const mode = (parse(readFileSync(file, "utf8")) as { prometheus?: { mode?: string } } | null)?.prometheus?.mode;
      if (mode === "operator") {
        expect(objects.filter((o) => o.metadata.name === `${RELEASE}-prometheus` && o.kind !== "NetworkPolicy")).to.deep.equal([]);
        expect(objects.filter((o) => ["StatefulSet", "Deployment"].includes(o.kind) && o.metadata.labels?.["app.kubernetes.io/name"] === "prometheus")).to.deep.equal([]);
        return;
      }
      // The deployed layout, as `promstack validate` lays it out: the config, the stack's scrape
      // jobs (scrape_config_files), the rule files and every Secret the pod mounts. The full
      // check (not --syntax-only) reads them all.
      const configs = extractConfigs(manifest, RELEASE);
      expect(configs.prometheus, "rendered prometheus.yml").to.not.equal(undefined);
      const rendered = parse(configs.prometheus!.text) as { scrape_config_files: string[] };
      expect(rendered.scrape_config_files).to.deep.equal(["/etc/prometheus/scrape/*.yaml"]);
      const layout = layOut(configs.prometheus!, join(dir, name));
      const result = run(tools.promtool, ["check", "config", layout.config]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain("SUCCESS");
      const stackJobs = parse(configMapData(objects, `${RELEASE}-promstack-scrape`, "promstack.yaml")) as { scrape_configs: Array<{ job_name: string }> };
      // Every job (the config's own and the stack's) is loaded, each name once.
      const jobs = [...((rendered as { scrape_configs?: Array<{ job_name: string }> }).scrape_configs ?? []), ...stackJobs.scrape_configs].map((job) => job.job_name);
      expect(new Set(jobs).size, jobs.join(", ")).to.equal(jobs.length);
    });

    it(`${name}: amtool check-config`, () => {
      // The files Alertmanager's container mounts, laid out as `promstack validate` does: the
      // notification templates too, which the config's template glob names.
      const alertmanager = extractConfigs(helmTemplate([file]), RELEASE).alertmanager;
      expect(alertmanager, "rendered alertmanager.yml").to.not.equal(undefined);
      const layout = layOut(alertmanager!, join(dir, `${name}-alertmanager`));
      const result = run(tools.amtool, ["check-config", layout.config]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain("SUCCESS");
      expect(result.stdout).to.match(/- [1-9]\d* templates\n\s+SUCCESS/);
    });
  }

  it("promtool reads the stack's scrape file: a bad job there fails the check", () => {
    const root = join(dir, "bad-scrape");
    mkdirSync(join(root, "scrape"), { recursive: true });
    writeFileSync(join(root, "prometheus.yml"), stringify({ scrape_config_files: [join(root, "scrape", "*.yaml")] }));
    writeFileSync(join(root, "scrape", "promstack.yaml"), stringify({ scrape_configs: [{ job_name: "x", scrape_interval: "10s", scrape_timeout: "20s", static_configs: [{ targets: ["a:1"] }] }] }));
    const result = run(tools.promtool, ["check", "config", join(root, "prometheus.yml")]);
    expect(result.status, result.stdout + result.stderr).to.not.equal(0);
    expect(result.stdout + result.stderr).to.contain("scrape timeout greater than scrape interval");
  });

  it("promtool rejects a config it should reject (the check can fail)", () => {
    const config = join(dir, "bad-prometheus.yml");
    writeFileSync(config, "global:\n  scrape_interval: 10s\n  scrape_timeout: 20s\n");
    expect(run(tools.promtool, ["check", "config", "--syntax-only", config]).status).to.not.equal(0);
  });
});

describe("semantics: routing of the raspberry-pi profile (amtool config routes test)", () => {
  let config: string;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-routes-"));
    config = join(dir, "alertmanager.yml");
    const objects = parseObjects(helmTemplate([join(repoRoot, "values", "raspberry-pi.yaml")]));
    writeFileSync(config, configMapData(objects, `${RELEASE}-alertmanager`, "alertmanager.yml"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const routes: Array<[string[], string]> = [
    [["alertname=NodeDown", "severity=critical"], "critical"],
    [["alertname=HighTemperature", "severity=warning", "component=infrastructure"], "infrastructure"],
    [["alertname=HighErrorRate", "severity=warning"], "default"],
  ];
  for (const [labels, receiver] of routes) {
    it(`${labels.join(" ")} → ${receiver}`, () => {
      const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, `--verify.receivers=${receiver}`, ...labels]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout.trim()).to.equal(receiver);
    });
  }

  it("a wrong expectation fails (the check can fail)", () => {
    const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, "--verify.receivers=default", "severity=critical"]);
    expect(result.status).to.not.equal(0);
  });
});

describe("semantics: the alert receiver accepts the config the chart renders", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-receiver-config-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function extract(valuesFile: string, extraArgs: string[] = []): { script: string; config: string } {
    const objects = parseObjects(helmTemplate([valuesFile], extraArgs));
    const script = join(dir, "receiver.cjs");
    const config = join(dir, "config.json");
    writeFileSync(script, configMapData(objects, `${RELEASE}-alert-receiver`, "receiver.cjs"));
    writeFileSync(config, configMapData(objects, `${RELEASE}-alert-receiver`, "config.json"));
    return { script, config };
  }

  it("the bundled receiver validates the rendered config.json (--check-config)", () => {
    const { script, config } = extract(join(repoRoot, "values", "raspberry-pi.yaml"));
    const result = run(process.execPath, [script, "--config", config, "--check-config"]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
  });

  it("custom routes and a token reach the receiver's config", () => {
    const { script, config } = extract(join(repoRoot, "test", "fixtures", "all-enabled.yaml"), [
      "--set-json", 'alert-receiver.routes={"/hooks/db":{"levels":{"firing":"ERROR"}}}',
      "--set", "alert-receiver.tokenSecret.name=receiver-token,alert-receiver.tokenSecret.key=token",
    ]);
    const result = run(process.execPath, [script, "--config", config, "--check-config"]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    const { valid, config: resolved } = JSON.parse(result.stdout) as { valid: boolean; config: { routes: Record<string, unknown>; tokenFile: string } };
    expect(valid).to.equal(true);
    expect(Object.keys(resolved.routes)).to.deep.equal(["/hooks/db"]);
    expect(resolved.tokenFile).to.equal("/var/run/secrets/alert-receiver/token");
  });
});
