import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { profileFiles, promstack, repoRoot, run, tools } from "../helpers/tools.js";
import { loadCrdValidator, type CrdValidator } from "./crd-schema.js";
import { scratch, tool } from "./helpers.js";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec?: Record<string, any>;
  data?: Record<string, string>;
}

const SOURCES: Array<{ label: string; args: string[]; sourceFile: string }> = [
  { label: "HTTP HelmRepository", args: ["--repository", "http"], sourceFile: "helmrepository.yaml" },
  { label: "OCIRepository", args: ["--repository", "oci"], sourceFile: "ocirepository.yaml" },
  { label: "OCI HelmRepository", args: ["--repository", "oci", "--oci-source", "HelmRepository"], sourceFile: "helmrepository.yaml" },
];

function readManifests(dir: string): Map<string, Manifest> {
  return new Map(readdirSync(dir).map((file) => [file, parse(readFileSync(join(dir, file), "utf8")) as Manifest]));
}

function brokenProfiles(): string[] {
  const dir = join(repoRoot, "test", "fixtures", "broken");
  return readdirSync(dir).sort().map((file) => join(dir, file));
}

describe("distribution: promstack flux", function () {
  let work: ReturnType<typeof scratch>;
  let crds: CrdValidator;

  before(() => {
    work = scratch("flux");
    const dir = tool("FLUX_CRDS");
    crds = loadCrdValidator(readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => join(dir, f)));
  });
  after(() => work?.remove());

  for (const profile of profileFiles()) {
    for (const source of SOURCES) {
      it(`${basename(profile)} with a ${source.label}: valid against Flux's CRDs and consistent`, () => {
        const out = join(work.dir, `${basename(profile, ".yaml")}-${source.sourceFile}-${source.args.length}`);
        const result = promstack(["flux", profile, ...source.args, "--output", out]);
        expect(result.status, result.stderr).to.equal(0);
        const manifests = readManifests(out);
        expect([...manifests.keys()].sort()).to.deep.equal([source.sourceFile, "helmrelease.yaml", "values-configmap.yaml"].sort());

        const release = manifests.get("helmrelease.yaml")!;
        const sourceObject = manifests.get(source.sourceFile)!;
        for (const object of [release, sourceObject]) expect(crds.validate(object), `${object.kind}/${object.metadata.name}`).to.deep.equal([]);

        // The references resolve among the emitted objects, in the HelmRelease's namespace.
        const values = manifests.get("values-configmap.yaml")!;
        for (const object of manifests.values()) expect(object.metadata.namespace).to.equal(release.metadata.namespace);
        const ref = release.spec!.chartRef ?? release.spec!.chart.spec.sourceRef;
        expect({ kind: ref.kind, name: ref.name }).to.deep.equal({ kind: sourceObject.kind, name: sourceObject.metadata.name });
        // The HelmRelease CRD's CEL rule "either chart or chartRef must be set", which ajv cannot run:
        expect([release.spec!.chart, release.spec!.chartRef].filter(Boolean)).to.have.length(1);
        expect(release.spec!.valuesFrom).to.deep.equal([
          { kind: "ConfigMap", name: values.metadata.name, valuesKey: "values.yaml" },
          { kind: "Secret", name: "monitoring-credentials", valuesKey: "values.yaml", optional: true },
        ]);
        expect(release.spec).to.include({ releaseName: "monitoring", targetNamespace: "monitoring", storageNamespace: "monitoring" });
        expect(release.spec!.install.remediation.retries).to.be.above(0);
        expect(release.spec!.upgrade.remediation).to.include({ strategy: "rollback", remediateLastFailure: true });

        // The ConfigMap carries the profile as written, and is a valid core object.
        expect(values.data!["values.yaml"]).to.equal(readFileSync(profile, "utf8"));
        const strict = run(tools.kubernetesValidate, ["--strict", "--kubernetes-version", `1.${tools.k8sMinor}.0`, join(out, "values-configmap.yaml")]);
        expect(strict.status, strict.stdout + strict.stderr).to.equal(0);
      });
    }
  }

  it("the CRD check refuses what Flux would refuse", () => {
    const out = join(work.dir, "negative");
    expect(promstack(["flux", profileFiles()[0]!, "--output", out]).status).to.equal(0);
    const release = parse(readFileSync(join(out, "helmrelease.yaml"), "utf8")) as Manifest;
    const source = parse(readFileSync(join(out, "ocirepository.yaml"), "utf8")) as Manifest;
    const broken = (object: Manifest, change: (copy: Manifest) => void) => {
      const copy = structuredClone(object);
      change(copy);
      return crds.validate(copy).join("\n");
    };
    expect(broken(release, (r) => (r.spec!.upgrade.remediation.strategy = "rollbak"))).to.match(/\/spec\/upgrade\/remediation\/strategy: must be equal to one of the allowed values/);
    expect(broken(release, (r) => (r.spec!.valueFrom = []))).to.match(/\/spec: must NOT have additional properties \(valueFrom\)/);
    expect(broken(release, (r) => (r.spec!.interval = "30 minutes"))).to.match(/\/spec\/interval: must match pattern/);
    expect(broken(release, (r) => (r.spec!.install.remediation.retries = "3"))).to.match(/\/spec\/install\/remediation\/retries: must be integer/);
    expect(broken(release, (r) => (r.metadata.name = "Monitoring"))).to.match(/\/metadata\/name: must match pattern/);
    expect(broken(release, (r) => (r.apiVersion = "helm.toolkit.fluxcd.io/v2beta1"))).to.match(/no CustomResourceDefinition serves helm.toolkit.fluxcd.io\/v2beta1\/HelmRelease/);
    expect(broken(source, (s) => (s.spec!.url = "https://ghcr.io/promstack/charts"))).to.match(/\/spec\/url: must match pattern "\^oci:\/\/\.\*\$"/);
    expect(broken(source, (s) => (s.spec!.layerSelector.operation = "unpack"))).to.match(/layerSelector\/operation: must be equal to one of the allowed values/);
    // The CEL rules ajv leaves out are known, and the one that concerns the release is checked above.
    expect(crds.celRules.get("helm.toolkit.fluxcd.io/v2/HelmRelease")).to.include(".spec: (has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))");
  });

  it("prints the same objects as one stream without --output", () => {
    const dir = join(work.dir, "stream-files");
    expect(promstack(["flux", profileFiles()[0]!, "--output", dir]).status).to.equal(0);
    const printed = promstack(["flux", profileFiles()[0]!]);
    expect(printed.status, printed.stderr).to.equal(0);
    const objects = parseAllDocuments(printed.stdout).map((doc) => doc.toJS() as Manifest);
    expect(objects).to.deep.equal(["ocirepository.yaml", "values-configmap.yaml", "helmrelease.yaml"].map((f) => parse(readFileSync(join(dir, f), "utf8"))));
  });

  it("docs/flux/raspberry-pi is what the command writes today", () => {
    const out = join(work.dir, "docs-check");
    expect(promstack(["flux", join(repoRoot, "values", "raspberry-pi.yaml"), "--output", out]).status).to.equal(0);
    const docs = join(repoRoot, "docs", "flux", "raspberry-pi");
    expect(readdirSync(docs).sort()).to.deep.equal(readdirSync(out).sort());
    for (const file of readdirSync(out)) expect(readFileSync(join(docs, file), "utf8"), file).to.equal(readFileSync(join(out, file), "utf8"));
  });

  for (const broken of brokenProfiles()) {
    it(`an invalid profile (${basename(broken)}) fails exactly like promstack validate and writes nothing`, () => {
      const fresh = join(work.dir, `fresh-${basename(broken)}`);
      const existing = join(work.dir, `existing-${basename(broken)}`);
      mkdirSync(existing);
      writeFileSync(join(existing, "helmrelease.yaml"), "previous\n");
      const validate = promstack(["validate", broken]);
      expect(validate.status).to.equal(1);
      for (const out of [fresh, existing]) {
        const flux = promstack(["flux", broken, "--output", out]);
        expect({ status: flux.status, stdout: flux.stdout, stderr: flux.stderr }).to.deep.equal({ status: validate.status, stdout: validate.stdout, stderr: validate.stderr });
      }
      expect(existsSync(fresh)).to.equal(false);
      expect(readdirSync(existing)).to.deep.equal(["helmrelease.yaml"]);
      expect(readFileSync(join(existing, "helmrelease.yaml"), "utf8")).to.equal("previous\n");
      expect(readdirSync(work.dir).filter((name) => name.includes(".new-") || name.includes(".old-"))).to.deep.equal([]);
    });
  }

  it("rejects bad options with a message and exit code 2, and never replaces a directory it did not write", () => {
    const profile = profileFiles()[0]!;
    const cases: Array<[string[], RegExp]> = [
      [["--repository", "git"], /--repository must be one of http, oci \(got "git"\)/],
      [["--repository", "oci", "--url", "https://ghcr.io/x"], /--url for --repository oci must look like oci:\/\/registry\/path/],
      [["--repository", "http", "--url", "oci://ghcr.io/x"], /--url for --repository http must start with http:\/\/ or https:\/\//],
      [["--interval", "ten minutes"], /--interval "ten minutes" is not a duration/],
      [["--release", "Monitoring"], /--release "Monitoring" is not a valid Helm release name/],
      [["--target-namespace", "a.b"], /--target-namespace "a.b" is not a valid namespace/],
      [["--colour", "red"], /unknown option --colour/],
    ];
    for (const [args, message] of cases) {
      const result = promstack(["flux", profile, ...args]);
      expect(result.status, args.join(" ")).to.equal(2);
      expect(result.stderr).to.match(message);
      expect(result.stdout).to.equal("");
    }
    const foreign = join(work.dir, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.md"), "mine\n");
    const refused = promstack(["flux", profile, "--output", foreign]);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(/refusing to replace .*foreign: it holds files promstack flux does not write \(notes.md\)/);
    expect(readdirSync(foreign)).to.deep.equal(["notes.md"]);
  });

  it("warns when a profile's hard-coded alert-receiver URL names another release or namespace", () => {
    // alertReceiverPath follows the release; a written-out URL does not.
    const raspberry = readFileSync(join(repoRoot, "values", "raspberry-pi.yaml"), "utf8");
    const written = raspberry.replace("- alertReceiverPath: /webhook\n", "- url: http://monitoring-alert-receiver.monitoring.svc:8080/webhook\n");
    expect(written).not.to.equal(raspberry);
    const profile = join(work.dir, "written-url.yaml");
    writeFileSync(profile, written);
    const renamed = promstack(["flux", profile, "--release", "mon", "--output", join(work.dir, "renamed")]);
    expect(renamed.status, renamed.stderr).to.equal(0);
    expect(renamed.stderr).to.match(/warning: http:\/\/monitoring-alert-receiver\.monitoring\.svc:8080\/webhook is the alert receiver of release "monitoring" in namespace "monitoring", but this HelmRelease installs "mon" in "monitoring"/);
    const same = promstack(["flux", profile, "--output", join(work.dir, "same")]);
    expect(same.status, same.stderr).to.equal(0);
    // The profile's other warnings (an Ingress without authentication, say) are not this one.
    expect(same.stderr).not.to.match(/is the alert receiver of release/);
  });
});
