// Raw scrape configs and extra flags, judged by Prometheus' own code: the scrape_config
// schema is what its Go structs accept (regenerated and compared), every scrape config of
// its documentation/examples validates and passes promtool after rendering, and what
// validate refuses, promtool (or Prometheus' flag parser) refuses too.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { buildScrapeConfigSchema, SCRAPE_CONFIG_SCHEMA_FILE } from "../../generator/src/schema/gen-scrape-config.js";
import { compileContract } from "../../generator/src/validate/contract-validator.js";
import { chartFlags, prometheusServerFlags } from "../../generator/src/validate/chart-flags.js";
import { prometheusMounts, SECRETS_DIR } from "../../generator/src/validate/prometheus-files.js";
import type { PrometheusValues } from "../../generator/src/types/values.js";
import { checkInPod } from "../helpers/prometheus-pod.js";
import { configMapData, find, helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { promstack, repoRoot, run, tools } from "../helpers/tools.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through make test-semantics`);
  return value;
}

type Job = Record<string, unknown> & { job_name: string };

/** The scrape configs of Prometheus' documentation/examples, each named after its file. */
function exampleJobs(): Array<{ file: string; job: Job }> {
  const dir = join(env("PROMETHEUS_MODULE_DIR"), "documentation", "examples");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), "utf8")).flatMap((doc) => {
        const config = doc.toJS() as { scrape_configs?: Job[] } | null;
        return (config?.scrape_configs ?? []).map((job) => ({ file, job }));
      }),
    );
}

/** A file path the examples name outside the pod's mounts becomes a key of one mounted Secret. */
function mountedCopy(job: unknown, secret: string): unknown {
  if (Array.isArray(job)) return job.map((item) => mountedCopy(item, secret));
  if (!job || typeof job !== "object") return job;
  return Object.fromEntries(
    Object.entries(job).map(([key, value]) => {
      if (/_file$/.test(key) && typeof value === "string" && !value.startsWith("/var/run/secrets/kubernetes.io/serviceaccount/")) {
        return [key, `${SECRETS_DIR}/${secret}/${basename(value)}`];
      }
      return [key, mountedCopy(value, secret)];
    }),
  );
}

function prometheusContainer(objects: K8sObject[]): { args: string[]; volumeMounts: Array<{ mountPath: string }> } {
  const statefulSet = find(objects, "StatefulSet", `${RELEASE}-prometheus`) as unknown as { spec: { template: { spec: { containers: Array<{ name: string; args: string[]; volumeMounts: Array<{ mountPath: string }> }> } } } };
  return statefulSet.spec.template.spec.containers.find((c) => c.name === "prometheus")!;
}

describe("semantics: raw scrape configs", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-raw-scrape-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`schemas/${SCRAPE_CONFIG_SCHEMA_FILE} is what gen-scrape-config writes from the pinned Prometheus sources`, () => {
    const committed = readFileSync(join(repoRoot, "schemas", SCRAPE_CONFIG_SCHEMA_FILE), "utf8");
    const regenerated = `${JSON.stringify(buildScrapeConfigSchema(env("PROMETHEUS_MODULE_DIR"), env("PROMETHEUS_COMMON_DIR")), null, 2)}\n`;
    expect(regenerated === committed, "run make scrape-config-schema and commit the result").to.equal(true);
  });

  it("every scrape config of Prometheus' documentation/examples validates, renders and passes promtool check config", () => {
    const examples = exampleJobs();
    expect(examples.length).to.be.greaterThan(30);
    const secret = "doc-examples";
    const jobs = examples.map(({ file, job }) => ({ ...(mountedCopy(job, secret) as Job), job_name: `${basename(file, ".yml")}/${job.job_name}` }));
    const profile = join(dir, "examples.yaml");
    writeFileSync(profile, stringify({ prometheus: { secretMounts: [secret], extraScrapeConfigs: jobs } }));
    const validated = promstack(["validate", profile]);
    expect(validated.status, validated.stdout + validated.stderr).to.equal(0);
    const objects = parseObjects(helmTemplate([profile]));
    const prometheusYml = configMapData(objects, `${RELEASE}-prometheus`, "prometheus.yml");
    const rendered = (parse(prometheusYml) as { scrape_configs: Job[] }).scrape_configs;
    // Appended as written.
    expect(rendered.slice(-jobs.length)).to.deep.equal(jobs);
    const result = checkInPod(join(dir, "examples-pod"), prometheusYml, prometheusMounts({ secretMounts: [secret] } as PrometheusValues));
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("SUCCESS");
  });

  it("promtool refuses the unknown keys validate refuses (scrape_intervall)", () => {
    const profile = parse(readFileSync(join(repoRoot, "test", "fixtures", "broken", "extra-scrape-unknown-keys.yaml"), "utf8")) as { prometheus: { extraScrapeConfigs: Job[] } };
    for (const [key, fix] of [["scrape_intervall", "scrape_interval"]] as const) {
      // Only the typo: the fixture's other mistakes are fixed here.
      const { basic_auth: _auth, ...typo } = profile.prometheus.extraScrapeConfigs[0]!;
      const job = { ...typo, kubernetes_sd_configs: [{ role: "pod" }], relabel_configs: [] };
      const config = join(dir, `unknown-${key}.yml`);
      writeFileSync(config, stringify({ scrape_configs: [job] }));
      const refused = run(tools.promtool, ["check", "config", "--syntax-only", config]);
      expect(refused.status).to.not.equal(0);
      expect(refused.stdout + refused.stderr).to.contain(`field ${key} not found`);
      const { [key]: value, ...rest } = job as Record<string, unknown>;
      writeFileSync(config, stringify({ scrape_configs: [{ ...rest, [fix]: value }] }));
      expect(run(tools.promtool, ["check", "config", "--syntax-only", config]).status).to.equal(0);
    }
  });

  it("a raw duration longer than Go's time.Duration holds: validate refuses it at the key, and promtool too", () => {
    const job = { job_name: "long", scrape_interval: "999999999999y", static_configs: [{ targets: ["a:1"] }] };
    const config = join(dir, "long-duration.yml");
    writeFileSync(config, stringify({ scrape_configs: [job] }));
    const refused = run(tools.promtool, ["check", "config", "--syntax-only", config]);
    expect(refused.status).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.contain("duration out of range");
    const profile = join(dir, "long-duration.yaml");
    writeFileSync(profile, stringify({ prometheus: { extraScrapeConfigs: [job] } }));
    const validated = promstack(["validate", "--no-tools", profile]);
    expect(validated.status).to.equal(1);
    expect(validated.stderr).to.contain("prometheus.extraScrapeConfigs[0].scrape_interval: duration out of range");
  });

  it("the contract and promtool agree on the values of typed keys", () => {
    const contract = compileContract(buildContract(loadCatalogue()).umbrella);
    const target = { static_configs: [{ targets: ["a:1"] }] };
    // [what the job adds, whether Prometheus accepts it]
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ body_size_limit: "10MB" }, true],
      [{ body_size_limit: "1.5GiB" }, true],
      [{ body_size_limit: 1000 }, false],
      [{ body_size_limit: "10mb" }, false],
      [{ scrape_interval: "1h30m" }, true],
      [{ scrape_interval: "" }, false],
      [{ scrape_interval: "90 s" }, false],
      [{ relabel_configs: [{ action: "Keep", source_labels: ["a"], regex: "b" }] }, true],
      [{ relabel_configs: [{ action: "kep", source_labels: ["a"] }] }, false],
      [{ kubernetes_sd_configs: [{ role: "endpointslice" }] }, true],
      [{ kubernetes_sd_configs: [{ role: "pods" }] }, false],
      [{ scrape_protocols: ["PrometheusText0.0.4", "OpenMetricsText1.0.0"] }, true],
      [{ scrape_protocols: ["text"] }, false],
      [{ tls_config: { min_version: "TLS12" } }, true],
      [{ tls_config: { min_version: "TLS1.2" } }, false],
      [{ metric_name_validation_scheme: "legacy" }, true],
      [{ metric_name_validation_scheme: "UTF8" }, false],
      [{ relabel_configs: null, params: { module: ["http_2xx"] } }, true],
      [{ ec2_sd_configs: [{ region: "eu-west-1", port: 9100 }] }, true],
      [{ dns_sd_configs: [{ names: ["a.example.com"], type: "SRV", refresh: "30s" }] }, false],
    ];
    for (const [index, [extra, accepted]] of cases.entries()) {
      const job = { job_name: `case-${index}`, ...target, ...extra };
      const config = join(dir, `agree-${index}.yml`);
      writeFileSync(config, stringify({ scrape_configs: [job] }));
      const promtool = run(tools.promtool, ["check", "config", "--syntax-only", config]);
      const label = `${JSON.stringify(extra)}: ${promtool.stdout}${promtool.stderr}`;
      expect(promtool.status === 0, label).to.equal(accepted);
      expect(contract({ prometheus: { extraScrapeConfigs: [job] } }), `${label} ${JSON.stringify(contract.errors)}`).to.equal(accepted);
    }
  });

  it("promtool refuses the render of files validate calls unmounted, and accepts the mounted ones", () => {
    const broken = join(repoRoot, "test", "fixtures", "broken", "extra-scrape-unmounted-files.yaml");
    const values = (parse(readFileSync(broken, "utf8")) as { prometheus: PrometheusValues }).prometheus;
    const refused = checkInPod(join(dir, "unmounted-pod"), configMapData(parseObjects(helmTemplate([broken])), `${RELEASE}-prometheus`, "prometheus.yml"), prometheusMounts(values));
    expect(refused.status).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.match(/FAILED: error checking .*(client\.crt|client\.key|token)/);

    const good = join(repoRoot, "test", "fixtures", "extra-scrape-mounted.yaml");
    const goodValues = (parse(readFileSync(good, "utf8")) as { prometheus: PrometheusValues }).prometheus;
    const accepted = checkInPod(join(dir, "mounted-pod"), configMapData(parseObjects(helmTemplate([good])), `${RELEASE}-prometheus`, "prometheus.yml"), prometheusMounts(goodValues));
    expect(accepted.status, accepted.stdout + accepted.stderr).to.equal(0);
  });

  it("the mounts validate knows are the Prometheus container's mounts in the render", () => {
    const file = join(repoRoot, "test", "fixtures", "extra-scrape-mounted.yaml");
    const values = (parse(readFileSync(file, "utf8")) as { prometheus: PrometheusValues }).prometheus;
    // A scrape job's Secret is mounted too.
    const withJobSecret = join(dir, "mounts.yaml");
    const jobs = [{ name: "secured", static: { targets: ["a:1"] }, bearerTokenSecret: { name: "job-token", key: "token" } }];
    writeFileSync(withJobSecret, stringify({ prometheus: { ...values, scrapeJobs: jobs } }));
    const objects = parseObjects(helmTemplate([withJobSecret]));
    const rendered = prometheusContainer(objects).volumeMounts.map((m) => m.mountPath);
    const known = prometheusMounts({ ...values, scrapeJobs: jobs } as PrometheusValues).map((m) => m.path);
    // The service account token is mounted by Kubernetes (automountServiceAccountToken), not listed in the pod spec.
    expect(find(objects, "ServiceAccount", `${RELEASE}-prometheus`)).to.have.property("automountServiceAccountToken", true);
    expect([...rendered, "/var/run/secrets/kubernetes.io/serviceaccount"].sort()).to.deep.equal([...known].sort());
  });
});

describe("semantics: extraArgs never repeat a flag the chart passes", () => {
  it("the flags validate knows are every flag the rendered containers get besides extraArgs", () => {
    const fixture = join(repoRoot, "test", "fixtures", "all-enabled.yaml");
    const objects = parseObjects(helmTemplate([fixture]));
    const fixtureValues = parse(readFileSync(fixture, "utf8")) as Record<string, any>;
    const known = chartFlags();
    const templates = new Map(known.map((entry) => [entry.owner.join("."), entry]));
    const containers: Array<[string, string, string]> = [
      ["prometheus", "StatefulSet", `${RELEASE}-prometheus`],
      ["alertmanager", "StatefulSet", `${RELEASE}-alertmanager`],
      ["exporters.nodeExporter", "DaemonSet", `${RELEASE}-node-exporter`],
    ];
    for (const [owner, kind, name] of containers) {
      const spec = (find(objects, kind, name) as unknown as { spec: { template: { spec: { containers: Array<{ args?: string[] }> } } } }).spec.template.spec;
      const flags = (spec.containers[0]!.args ?? []).map((arg) => /^--([^=]+)/.exec(arg)?.[1]).filter((f): f is string => !!f);
      const extraArgs = Object.keys(owner.split(".").reduce((node, key) => node?.[key], fixtureValues as any)?.extraArgs ?? {});
      for (const flag of flags.filter((f) => !extraArgs.includes(f))) expect(templates.get(owner)?.flags.has(flag), `${owner} --${flag}`).to.equal(true);
    }
    expect(known.map((entry) => entry.owner.join("."))).to.include.members(["prometheus", "alertmanager", "exporters.nodeExporter", "exporters.kubeStateMetrics", "exporters.blackbox", "exporters.postgres", "exporters.redis"]);
  });

  it("the Prometheus flags validate knows include all of prometheus --help-long (when its binary is built)", function () {
    const binary = process.env.PROMETHEUS_BINARY;
    if (!binary || !existsSync(binary)) this.skip();
    const help = run(binary!, ["--help-long"]);
    const listed = [...`${help.stdout}${help.stderr}`.matchAll(/^\s+(?:-\w, )?--(?:\[no-\])?([a-z][\w.-]*)/gm)].map((m) => m[1]!.replace(/\.+$/, ""));
    // Every flag it lists is known (hidden ones, which it also parses, are not listed).
    expect(listed.length).to.be.greaterThan(40);
    expect(prometheusServerFlags()).to.include.members(listed);
  });

  for (const [program, envName, owner] of [["Prometheus", "PROMETHEUS_BINARY", "prometheus"], ["Alertmanager", "ALERTMANAGER_BINARY", "alertmanager"]] as const) {
    it(`${program} itself refuses the flags validate refuses (when its binary is built)`, function () {
      const binary = process.env[envName];
      if (!binary || !existsSync(binary)) this.skip();
      const objects = parseObjects(helmTemplate([join(repoRoot, "test", "fixtures", "broken", "extra-args-repeated.yaml")]));
      const statefulSet = find(objects, "StatefulSet", `${RELEASE}-${owner}`) as unknown as { spec: { template: { spec: { containers: Array<{ name: string; args: string[] }> } } } };
      const args = statefulSet.spec.template.spec.containers.find((c) => c.name === owner)!.args;
      const work = mkdtempSync(join(tmpdir(), "promstack-flags-"));
      mkdirSync(join(work, "data"));
      try {
        // The flag parser runs before anything else, so the binary exits at once.
        const result = run(binary!, args, { cwd: work });
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.match(/cannot be repeated/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
