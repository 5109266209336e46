// The render layer: helm lint, helm template of every profile, chart-testing's lint, and
// strict Kubernetes schema validation of every rendered object.
import { expect } from "chai";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { chartDir, ctConfig, profileFiles, promstack, repoRoot, run, tools } from "../helpers/tools.js";

const allEnabled = join(repoRoot, "test", "fixtures", "all-enabled.yaml");
const renderCases = [...profileFiles(), allEnabled, join(repoRoot, "test", "fixtures", "operator-all.yaml"), join(repoRoot, "test", "fixtures", "operator-deploy.yaml")];

describe("render: helm lint --strict", () => {
  for (const file of renderCases) {
    it(basename(file), () => {
      const result = run(tools.helm, ["lint", "--strict", chartDir, "-f", file]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.contain("0 chart(s) failed");
    });
  }
});

describe("render: strict Kubernetes schema validation of every rendered object", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-render-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of renderCases) {
    it(basename(file), () => {
      const manifest = join(dir, basename(file));
      writeFileSync(manifest, helmTemplate([file]));
      const result = run(tools.kubernetesValidate, ["--strict", "--kubernetes-version", `1.${tools.k8sMinor}.0`, manifest]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout + result.stderr).not.to.match(/ERROR|error:/);
    });
  }
});

function podSpecs(objects: K8sObject[]): Array<{ name: string; spec: Record<string, any> }> {
  return objects
    .filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind))
    .map((o) => ({ name: `${o.kind}/${o.metadata.name}`, spec: (o as any).spec.template.spec }));
}

describe("render: hardened pods", () => {
  const objects = parseObjects(helmTemplate([allEnabled]));

  it("renders every subchart when all are enabled", () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ["StatefulSet", "Deployment", "DaemonSet", "ConfigMap", "Service", "PodDisruptionBudget", "NetworkPolicy"]) expect(kinds).to.include(kind);
  });

  for (const { name, spec } of podSpecs(objects)) {
    it(`${name} sets resources, probes and the restricted security context${name.includes("node-exporter") ? " (host namespaces excepted)" : ""}`, () => {
      expect(spec.securityContext?.runAsNonRoot, "runAsNonRoot").to.equal(true);
      expect(spec.securityContext?.seccompProfile?.type).to.equal("RuntimeDefault");
      for (const container of spec.containers as Array<Record<string, any>>) {
        expect(container.securityContext?.allowPrivilegeEscalation, `${container.name} privilege escalation`).to.equal(false);
        expect(container.securityContext?.capabilities?.drop).to.deep.equal(["ALL"]);
        expect(container.resources?.requests, `${container.name} requests`).to.be.an("object");
        expect(container.readinessProbe ?? container.livenessProbe, `${container.name} probe`).to.be.an("object");
      }
      if (!name.includes("node-exporter")) {
        expect(spec.hostNetwork ?? false).to.equal(false);
        expect(spec.hostPID ?? false).to.equal(false);
      }
    });
  }

  it("schedules every pod only onto the profile's CPU architectures", () => {
    for (const { name, spec } of podSpecs(parseObjects(helmTemplate([join(repoRoot, "values", "raspberry-pi.yaml")])))) {
      const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
      const arch = terms.flatMap((t: any) => t.matchExpressions).find((e: any) => e.key === "kubernetes.io/arch");
      expect(arch?.values, name).to.deep.equal(["arm"]);
    }
  });
});

describe("render: ct lint (chart-testing, offline)", () => {
  let copy: string;
  // ct runs `helm dependency build`, which writes Chart.lock: lint a copy, not the committed chart.
  before(() => {
    copy = join(mkdtempSync(join(tmpdir(), "promstack-ct-")), "promstack");
    cpSync(chartDir, copy, { recursive: true });
  });
  after(() => rmSync(join(copy, ".."), { recursive: true, force: true }));

  it("lints the chart with every ci/*-values.yaml", function () {
    this.timeout(600_000);
    const ciValues = readdirSync(join(chartDir, "ci"));
    expect(ciValues.length, "one ci values file per profile").to.equal(profileFiles().length);
    // The settings are ct.yaml's; only the chart (a copy) is this test's.
    const result = run(tools.ct, ["lint", "--config", ctConfig, "--print-config", "--charts", copy], { cwd: join(copy, ".."), env: { CT_CONFIG_DIR: process.env.CT_CONFIG_DIR, PATH: `${join(tools.helm, "..")}:${process.env.PATH}` } });
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout + result.stderr).to.contain("All charts linted successfully");
    // --print-config: ct names the file it read and the settings it took from it.
    expect(result.stdout + result.stderr).to.contain(`Using config file: ${ctConfig}`);
    expect(result.stdout + result.stderr).to.match(/ValidateChartSchema: true\n/).and.to.match(/ValidateYaml: true\n/);
    for (const file of ciValues) expect(result.stdout + result.stderr).to.contain(file);
  });
});

describe("render: generate", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "promstack-generate-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function tree(root: string): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (sub: string) => {
      for (const entry of readdirSync(join(root, sub), { withFileTypes: true })) {
        const path = join(sub, entry.name);
        if (entry.isDirectory()) walk(path);
        else files.set(path, readFileSync(join(root, path), "utf8"));
      }
    };
    walk("");
    return files;
  }

  it("is deterministic: two runs write identical trees, equal to the committed chart", () => {
    expect(promstack(["generate", "--output", join(dir, "a")]).status).to.equal(0);
    expect(promstack(["generate", "--output", join(dir, "b")]).status).to.equal(0);
    const a = tree(join(dir, "a"));
    expect(tree(join(dir, "b"))).to.deep.equal(a);
    expect(a).to.deep.equal(tree(chartDir));
  });

  it("starts every generated file with the do-not-edit notice", () => {
    expect(promstack(["generate", "--output", join(dir, "a")]).status).to.equal(0);
    for (const [path, content] of tree(join(dir, "a"))) {
      expect(content.split("\n").slice(0, 3).join("\n"), path).to.contain("generated by promstack; do not edit");
    }
  });

  it("writes nothing when a profile is invalid, leaving the previous chart as it was", () => {
    const output = join(dir, "chart");
    expect(promstack(["generate", "--output", output]).status).to.equal(0);
    const before = tree(output);
    const profiles = join(dir, "profiles");
    cpSync(join(repoRoot, "values"), profiles, { recursive: true });
    cpSync(join(repoRoot, "test", "fixtures", "broken", "unknown-key.yaml"), join(profiles, "zz-broken.yaml"));
    const result = promstack(["generate", "--output", output, "--profiles", profiles]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain('zz-broken.yaml:2:3: alertmanager.relicas: unknown key "relicas"');
    expect(result.stderr).to.contain("nothing written");
    expect(tree(output)).to.deep.equal(before);
  });
});
