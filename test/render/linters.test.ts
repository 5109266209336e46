// Independent linters judge every render (issue 16): kube-score and checkov run on the
// objects of every profile and fixture, and each finding must be a listed, reasoned exception
// (linter-allow-list.yaml). An exception that matches nothing fails too, so the list stays honest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { checkov, kubeScore, type Finding, type Linter } from "../helpers/linters.js";
import { helmTemplate } from "../helpers/render.js";
import { repoRoot, tools } from "../helpers/tools.js";
import { caseName, renderCases } from "./cases.js";

interface Exception {
  linter: Linter;
  check: string;
  /** Kind/name globs (`*` is any text). */
  objects: string[];
  /** A regular expression the finding's message must match, when one check covers several things. */
  message?: string;
  /** Render names (values file without .yaml, globs) it applies to; every render when absent. */
  renders?: string[];
  reason: string;
}

const allowList = parse(readFileSync(join(repoRoot, "test", "render", "linter-allow-list.yaml"), "utf8")) as Exception[];

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`);

function allows(exception: Exception, render: string, finding: Finding): boolean {
  return exception.linter === finding.linter && exception.check === finding.check &&
    (exception.renders === undefined || exception.renders.some((r) => glob(r).test(render))) &&
    exception.objects.some((o) => glob(o).test(finding.object)) &&
    (exception.message === undefined || new RegExp(exception.message).test(finding.message));
}

// A pod with none of the chart's hardening: both linters must flag it, or they judge nothing.
const CANARY = `apiVersion: apps/v1
kind: Deployment
metadata: { name: canary, namespace: monitoring }
spec:
  replicas: 1
  selector: { matchLabels: { app: canary } }
  template:
    metadata: { labels: { app: canary } }
    spec:
      containers:
        - name: canary
          image: example.org/canary:latest
`;

describe("render: kube-score and checkov find nothing the allow-list does not explain", function () {
  const findings = new Map<string, Finding[]>();
  let canary: Finding[] = [];

  before(function () {
    const manifests = new Map(renderCases.map((file) => [caseName(file).replace(/\.yaml$/, ""), helmTemplate([file])]));
    for (const [name, manifest] of manifests) {
      const { findings: found, scored } = kubeScore(manifest, tools.k8sMinor);
      expect(scored, `kube-score scored objects of ${name}`).to.be.greaterThan(0);
      findings.set(name, found);
    }
    const { findings: checked, resources } = checkov(new Map([...manifests, ["canary", CANARY]]));
    expect(resources, "checkov read resources").to.be.greaterThan(manifests.size);
    for (const [name, found] of checked) {
      if (name === "canary") canary = found;
      else findings.get(name)!.push(...found);
    }
    canary.push(...kubeScore(CANARY, tools.k8sMinor).findings);
    if (process.env.LINTER_COUNTS) printCounts(findings);
  });

  it("both linters flag an unhardened Deployment (they run and their reports are read)", () => {
    const checks = (linter: Linter) => new Set(canary.filter((f) => f.linter === linter && f.object === "Deployment/canary").map((f) => f.check));
    expect([...checks("kube-score")]).to.include.members(["container-resources", "container-security-context-readonlyrootfilesystem", "container-image-tag", "container-seccomp-profile"]);
    expect([...checks("checkov")]).to.include.members(["CKV_K8S_8", "CKV_K8S_22", "CKV_K8S_14"]); // probes, read-only root, image tag
  });

  for (const file of renderCases) {
    const name = caseName(file).replace(/\.yaml$/, "");
    for (const linter of ["kube-score", "checkov"] as const) {
      it(`${caseName(file)}: every ${linter} finding is an allow-listed exception`, () => {
        const unexplained = findings.get(name)!.filter((f) => f.linter === linter && !allowList.some((e) => allows(e, name, f)));
        const lines = unexplained.map((f) => `${caseName(file)}: ${f.linter} ${f.check} ${f.object}: ${f.message}`);
        expect(lines, `findings not in test/render/linter-allow-list.yaml (fix the chart, or add an exception with its reason):\n${lines.join("\n")}\n`).to.deep.equal([]);
      });
    }
  }

  it("every exception names a linter, a check, objects and a reason", () => {
    for (const e of allowList) {
      const label = `${e.linter} ${e.check}`;
      expect(e.linter, label).to.be.oneOf(["kube-score", "checkov"]);
      expect(e.check, label).to.be.a("string").and.not.empty;
      expect(e.objects, label).to.be.an("array").and.not.empty;
      expect(e.reason, label).to.be.a("string").with.length.greaterThan(20);
    }
  });

  it("every exception matches a finding of some render (no stale exceptions)", () => {
    const all = [...findings].flatMap(([render, found]) => found.map((f) => ({ render, f })));
    const stale = allowList.filter((e) => !all.some(({ render, f }) => allows(e, render, f))).map((e) => `${e.linter} ${e.check} ${e.objects.join(",")}${e.message ? ` /${e.message}/` : ""}`);
    expect(stale, `allow-list entries that match nothing: remove them:\n${stale.join("\n")}\n`).to.deep.equal([]);
  });
});

/** Findings per render and linter: total, allow-listed (set LINTER_COUNTS=1 to print). */
function printCounts(findings: Map<string, Finding[]>): void {
  for (const [name, found] of findings) {
    const cells = (["kube-score", "checkov"] as const).map((linter) => {
      const own = found.filter((f) => f.linter === linter);
      return `${linter} ${own.length} (allow-listed ${own.filter((f) => allowList.some((e) => allows(e, name, f))).length})`;
    });
    console.log(`  linters: ${name}: ${cells.join(", ")}`);
  }
}
