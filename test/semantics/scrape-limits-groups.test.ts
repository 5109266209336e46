// Typed scrape jobs' static target groups (one, or a list of groups with labels of their own,
// IPv6 addresses in brackets) and per-job limits (sample_limit, label_limit, ...): read back
// from the rendered prometheus.yml (standalone) and the Operator objects (operator mode),
// equal to what the profile writes; promtool accepts the standalone render.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { PromstackValues, ScrapeJob } from "../../generator/src/types/values.js";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { repoRoot, run, tools } from "../helpers/tools.js";

const LIMITS = { sampleLimit: "sample_limit", labelLimit: "label_limit", labelNameLengthLimit: "label_name_length_limit", labelValueLengthLimit: "label_value_length_limit", targetLimit: "target_limit" } as const;
const groupsOf = (job: ScrapeJob) => (job.static === undefined ? [] : Array.isArray(job.static) ? job.static : [job.static]);
const jobsOf = (file: string) => ((parse(readFileSync(file, "utf8")) as PromstackValues).prometheus?.scrapeJobs ?? []).filter((job) => job.static || Object.keys(LIMITS).some((k) => k in job));

describe("semantics: static target groups and scrape limits of typed jobs", () => {
  it("standalone: static_configs and the limits as written; promtool accepts them", () => {
    const file = join(repoRoot, "test", "fixtures", "all-enabled.yaml");
    const jobs = jobsOf(file);
    expect(jobs.some((job) => Array.isArray(job.static) && job.static.length > 1), "the fixture has a job with several groups").to.equal(true);
    expect(jobs.some((job) => groupsOf(job).some((g) => g.targets.some((t) => t.startsWith("[")))), "and IPv6 targets").to.equal(true);
    const yml = configMapData(parseObjects(helmTemplate([file])), `${RELEASE}-prometheus`, "prometheus.yml");
    const rendered = new Map((parse(yml).scrape_configs as Array<Record<string, any>>).map((job) => [job.job_name, job]));
    for (const job of jobs) {
      const got = rendered.get(job.name)!;
      expect(got.static_configs, job.name).to.deep.equal(groupsOf(job).map((g) => ({ targets: g.targets, ...(g.labels ? { labels: g.labels } : {}) })));
      for (const [from, to] of Object.entries(LIMITS)) expect(got[to], `${job.name} ${to}`).to.equal((job as Record<string, unknown>)[from]);
    }
    // promtool reads the limits and the bracketed IPv6 targets (the credential files are not this test's concern).
    const dir = mkdtempSync(join(tmpdir(), "promstack-groups-"));
    try {
      const only = { global: parse(yml).global, scrape_configs: jobs.map((job) => ({ ...rendered.get(job.name), basic_auth: undefined })).map((j) => JSON.parse(JSON.stringify(j))) };
      writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(only));
      const result = run(tools.promtool, ["check", "config", join(dir, "prometheus.yml")]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("operator mode: staticConfigs and the limits on the ScrapeConfig, PodMonitor or ServiceMonitor spec", () => {
    const file = join(repoRoot, "test", "fixtures", "operator-all.yaml");
    const jobs = jobsOf(file);
    expect(jobs.length).to.be.greaterThan(1);
    const objects = parseObjects(helmTemplate([file])) as Array<Record<string, any>>;
    for (const job of jobs) {
      const object = objects.find((o) => ["ScrapeConfig", "ServiceMonitor", "PodMonitor"].includes(o.kind) && o.metadata.name === `${RELEASE}-${job.name}`);
      expect(object, job.name).to.be.an("object");
      if (job.static) expect(object!.spec.staticConfigs).to.deep.equal(groupsOf(job).map((g) => ({ targets: g.targets, ...(g.labels ? { labels: g.labels } : {}) })));
      for (const key of Object.keys(LIMITS)) expect(object!.spec[key], `${job.name} ${key}`).to.equal((job as Record<string, unknown>)[key]);
    }
  });
});
