// `promstack flux` output judged by the API server itself: Flux's CRDs installed at the pinned
// versions, every profile's manifests applied with a server-side dry run. Unlike the
// distribution layer's offline check, this runs the CRDs' CEL rules and defaulting too.
import { expect } from "chai";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { profileFiles, promstack } from "../helpers/tools.js";
import { cluster, createNamespace, deleteNamespace, kubectl, kubectlOk } from "./kube.js";

const namespace = "flux-system";
const sources = [
  { label: "OCIRepository", args: ["--repository", "oci"] },
  { label: "HTTP HelmRepository", args: ["--repository", "http"] },
];

function fluxCrds(): string {
  const dir = process.env["FLUX_CRDS"];
  if (!dir) throw new Error("FLUX_CRDS is not set: run the cluster tests through make (make test-cluster)");
  return dir;
}

/** Applies a folder (or one manifest on stdin) with --dry-run=server: admission and validation, nothing stored. */
function dryRun(target: { dir: string } | { manifest: object }) {
  const args = ["apply", "--dry-run=server", "--namespace", namespace, "--output", "name"];
  return "dir" in target ? kubectl([...args, "--filename", target.dir]) : kubectl([...args, "--filename", "-"], stringify(target.manifest));
}

describe("cluster: Flux manifests on the API server", function () {
  const work = join(cluster.workDir, "flux");

  before(() => {
    const crds = fluxCrds();
    kubectlOk(["apply", "--server-side", "--force-conflicts", "--filename", crds]);
    kubectlOk(["wait", "--for", "condition=Established", "--timeout", "60s", "--filename", crds]);
    createNamespace(namespace, "restricted");
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
  });
  after(() => {
    deleteNamespace(namespace);
    rmSync(work, { recursive: true, force: true });
  });

  for (const profile of profileFiles()) {
    for (const source of sources) {
      it(`${basename(profile)} with an ${source.label}: the API server accepts every object`, () => {
        const out = join(work, `${basename(profile, ".yaml")}-${source.args[1]}`);
        const written = promstack(["flux", profile, ...source.args, "--output", out]);
        expect(written.status, written.stderr).to.equal(0);
        const applied = dryRun({ dir: out });
        expect(applied.status, applied.stdout + applied.stderr).to.equal(0);
        const expected = readdirSync(out).map((file) => parse(readFileSync(join(out, file), "utf8")) as { kind: string; apiVersion: string; metadata: { name: string } });
        const names = applied.stdout.trim().split("\n").sort();
        expect(names).to.deep.equal(expected.map((o) => `${o.kind.toLowerCase()}.${o.apiVersion.split("/")[0]}/${o.metadata.name}`.replace(/^configmap\.v1\//, "configmap/")).sort());
      });
    }
  }

  it("the API server refuses a HelmRelease that breaks the CRD's CEL rule or schema (negative control)", () => {
    const out = join(work, "negative");
    expect(promstack(["flux", profileFiles()[0]!, "--output", out]).status).to.equal(0);
    const release = parse(readFileSync(join(out, "helmrelease.yaml"), "utf8")) as { spec: Record<string, any> };

    // chart and chartRef together: only the CEL rule forbids it; the offline check cannot run CEL.
    const both = structuredClone(release);
    both.spec["chart"] = { spec: { chart: "promstack", sourceRef: { kind: "HelmRepository", name: "promstack" } } };
    const refusedCel = dryRun({ manifest: both });
    expect(refusedCel.status).to.not.equal(0);
    expect(refusedCel.stderr).to.match(/either chart or chartRef must be set/);

    const misspelt = structuredClone(release);
    misspelt.spec["upgrade"].remediation.strategy = "rollbak";
    const refusedEnum = dryRun({ manifest: misspelt });
    expect(refusedEnum.status).to.not.equal(0);
    expect(refusedEnum.stderr).to.match(/spec\.upgrade\.remediation\.strategy: Unsupported value: "rollbak"/);

  });
});
