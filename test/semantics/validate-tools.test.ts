// `promstack validate` as the one check a user needs: on a profile its static checks accept,
// it renders the chart and runs helm, promtool and amtool, and places what they refuse in
// the profile. Each fixture passes the static checks (asserted first, so a fixture a static
// check learns to catch is flagged for replacement rather than silently testing nothing).
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolChecks } from "../../generator/src/tools/check.js";
import type { ToolSet } from "../../generator/src/tools/locate.js";
import { loadProfile, parseProfile } from "../../generator/src/validate/source.js";
import { formatProblem } from "../../generator/src/validate/problem.js";
import { repoRoot, run, tools } from "../helpers/tools.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "tools", name);

function toolSet(): ToolSet {
  return {
    found: {
      helm: { name: "helm", path: tools.helm, source: "HELM" },
      promtool: { name: "promtool", path: tools.promtool, source: "PROMTOOL" },
      amtool: { name: "amtool", path: tools.amtool, source: "AMTOOL" },
    },
    missing: {},
  };
}

function validate(args: string[], env: Record<string, string> = { PROMSTACK_HELM: tools.helm, PROMSTACK_PROMTOOL: tools.promtool, PROMSTACK_AMTOOL: tools.amtool }) {
  return run(process.execPath, [join(repoRoot, "bin", "promstack.js"), "validate", ...args], { env });
}

// Each case: a profile the static checks accept, and the line validate must print for it. The
// static checks have since learned the earlier cases (a bad selector regex, `continue` on the
// root route, YAML 1.1 words, a pod label name that is not a Kubernetes label); this one they
// still miss.
const cases: Array<{ name: string; line: string }> = [
  {
    name: "raw-selector-value.yaml",
    line: ':11:15: prometheus.extraScrapeConfigs[0].kubernetes_sd_configs[0].selectors[0].label: promtool check config: parsing YAML file /etc/prometheus/config/prometheus.yml: unable to parse requirement: values[0][app]: Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
  },
];

describe("semantics: promstack validate runs helm, promtool and amtool", () => {
  for (const { name, line } of cases) {
    it(`${name}: the tool's refusal, placed in the profile, fails validate`, () => {
      const file = fixture(name);
      const staticOnly = validate(["--no-tools", file]);
      expect(staticOnly.status, `fixture must pass the static checks (pick another gap):\n${staticOnly.stderr}`).to.equal(0);
      expect(staticOnly.stdout).to.not.contain("skipped");
      const result = validate([file]);
      expect(result.status, result.stdout + result.stderr).to.equal(1);
      expect(result.stderr.split("\n"), result.stderr).to.include(`${file}${line}`);
      expect(result.stdout).to.not.contain("skipped");
    });
  }

  it("without the tools it says which checks it skipped, and the exit code is the static one", () => {
    const file = fixture("raw-selector-value.yaml");
    const result = validate([file], { PROMSTACK_HELM: "/nonexistent/helm", PROMSTACK_PROMTOOL: tools.promtool, PROMSTACK_AMTOOL: tools.amtool });
    expect(result.status, result.stderr).to.equal(0);
    const skipped = result.stdout.split("\n").filter((l) => l.includes("skipped"));
    expect(skipped).to.deep.equal(["validate: skipped helm template, promtool check config, promtool check rules, amtool check-config: PROMSTACK_HELM=/nonexistent/helm is not an executable file"]);
  });

  it("without amtool only amtool's check is skipped; promtool still judges", () => {
    const file = fixture("raw-selector-value.yaml");
    const result = validate([file], { PROMSTACK_HELM: tools.helm, PROMSTACK_PROMTOOL: tools.promtool, PROMSTACK_AMTOOL: "/nonexistent/amtool" });
    expect(result.status).to.equal(1);
    expect(result.stdout).to.contain("validate: skipped amtool check-config: PROMSTACK_AMTOOL=/nonexistent/amtool is not an executable file");
    expect(result.stderr).to.contain("promtool check config");
  });

  it("every seed profile and fixture passes with the tools (no false refusals)", async () => {
    const files = [...["gorax", "jobpilot", "raspberry-pi", "slurm-exporter", "tavira"].map((p) => join(repoRoot, "values", `${p}.yaml`)), join(repoRoot, "test", "fixtures", "all-enabled.yaml"), join(repoRoot, "test", "fixtures", "operator-all.yaml")];
    const outcomes = await Promise.all(
      files.map(async (file) => {
        const loaded = loadProfile(file);
        if (!loaded.ok) throw new Error(`${file} does not load`);
        return toolChecks(loaded.source, toolSet());
      }),
    );
    const problems = outcomes.flatMap((o) => o.problems).map(formatProblem);
    expect(problems).to.deep.equal([]);
    // Operator mode deploys no Prometheus: its rules and Alertmanager are still checked.
    expect(outcomes.at(-1)!.ran).to.deep.equal(["helm template", "promtool check rules", "amtool check-config"]);
    expect(outcomes[0]!.ran).to.deep.equal(["helm template", "promtool check config", "promtool check rules", "amtool check-config"]);
  });

  it("a credential file no volume mounts fails promtool check config at the key that names it", async () => {
    const text = "prometheus:\n  extraScrapeConfigs:\n    - job_name: unmounted\n      authorization: { credentials_file: /etc/prometheus/secrets/nothing/token }\n      static_configs: [{ targets: [\"a:1\"] }]\n";
    const dir = mkdtempSync(join(tmpdir(), "promstack-unmounted-"));
    try {
      const file = join(dir, "unmounted.yaml");
      writeFileSync(file, text);
      const loaded = parseProfile(file, text);
      if (!loaded.ok) throw new Error("does not parse");
      const { problems } = await toolChecks(loaded.source, toolSet());
      expect(problems.map(formatProblem)).to.deep.equal([
        `${file}:4:24: prometheus.extraScrapeConfigs[0].authorization.credentials_file: promtool check config: error checking authorization credentials or bearer token file "/etc/prometheus/secrets/nothing/token": stat /etc/prometheus/secrets/nothing/token: no such file or directory`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
