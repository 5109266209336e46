// Flux really reconciles promstack: source-controller and helm-controller (built at the
// versions whose CRDs the project pins, run by scripts/cluster/flux.sh) fetch the chart that
// `make package` made from the local OCI registry and the local HTTP repository, and install
// every profile from `promstack flux` output. The release Helm stored must be what
// `helm template` renders for the same values. Then the day-2 flows of the worked example
// (docs/flux/raspberry-pi): a values edit, a new chart version in the semver range, drift
// detection, and a version that fails to upgrade.
import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { createThrowawayKey } from "../../generator/src/package/signing.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { profileFiles, promstack, tools } from "../helpers/tools.js";
import { ChartPublisher, chartVersion } from "./chart-publisher.js";
import {
  condition, describeConditions, eventsFor, fluxObject, isReady, latestRelease, reconcileNow, releaseObjects,
  storedReleases, waitFor, type FluxObject, type Ref,
} from "./flux-state.js";
import { cluster, exec, getJson, installOperatorCrds, kubectl, kubectlOk } from "./kube.js";
import { expectWorkloadsReady, type ProfileValues } from "./release.js";

const WORKED_PROFILE = "raspberry-pi";
/** Flux adds these to every object it installs (helm-controller's origin labels). */
const ORIGIN_LABELS = ["helm.toolkit.fluxcd.io/name", "helm.toolkit.fluxcd.io/namespace"];

interface SourceKind { id: string; label: string; args: string[]; sourceKind: "OCIRepository" | "HelmRepository" }
const SOURCE_KINDS: SourceKind[] = [
  { id: "oci", label: "an OCIRepository", args: ["--repository", "oci"], sourceKind: "OCIRepository" },
  { id: "ocihr", label: "a HelmRepository of type oci", args: ["--repository", "oci", "--oci-source", "HelmRepository"], sourceKind: "HelmRepository" },
  { id: "http", label: "an HTTP HelmRepository", args: ["--repository", "http"], sourceKind: "HelmRepository" },
];

interface Case {
  profile: string;
  file: string;
  source: SourceKind;
  /**
   * node-exporter's host port: releases side by side on the same kwok nodes need their own
   * (hostPort), given through the HelmRelease's optional values Secret; the worked example
   * keeps the default and has no Secret.
   */
  nodeExporterPort?: number;
  /** Namespace of the Flux objects, release name and target namespace. */
  namespace: string;
  release: string;
  target: string;
  worked: boolean;
}

/**
 * The worked example keeps `promstack flux`'s defaults (flux-system, release and namespace
 * `monitoring`), as docs/flux shows it; the others get names of their own so that all
 * reconcile side by side (cluster-scoped objects are named after the release).
 */
const cases: Case[] = profileFiles().flatMap((file) => SOURCE_KINDS.map((source) => {
  const profile = basename(file, ".yaml");
  const worked = profile === WORKED_PROFILE && source.id === "oci";
  const id = `${profile}-${source.id}`;
  return worked
    ? { profile, file, source, namespace: "flux-system", release: "monitoring", target: "monitoring", worked }
    : { profile, file, source, namespace: `flux-${id}`, release: id, target: id, worked };
})).map((c, i) => (c.worked ? c : { ...c, nodeExporterPort: 9101 + i }));

/** A chart version without build metadata: Flux installs an OCIRepository's chart as X.Y.Z+<digest>. */
const baseVersion = (v: string | undefined) => v?.split("+")[0];

function fluxEnv(): Record<string, string> {
  const file = join(process.env["CLUSTER_DIR"] ?? "", "flux", "env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file} is missing: the Flux controllers did not start (run the cluster tests through make test-cluster)`);
  }
  return Object.fromEntries(text.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

function namespaceOf(o: K8sObject, fallback: string): string {
  return o.metadata.namespace ?? fallback;
}
const keyOf = (o: K8sObject, namespace: string) => `${o.kind}/${namespaceOf(o, namespace)}/${o.metadata.name}`;

function byKey(objects: K8sObject[], namespace: string): Map<string, K8sObject> {
  return new Map(objects.map((o) => [keyOf(o, namespace), o]));
}

/** A Secret's data with each value replaced by its decoded length: for values drawn at random. */
function maskSecretData(o: K8sObject): K8sObject {
  const data = (o as { data?: Record<string, string> }).data ?? {};
  return { ...o, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, `<${Buffer.from(v, "base64").length} random bytes>`])) } as K8sObject;
}

const isHook = (o: K8sObject) => Boolean((o.metadata as { annotations?: Record<string, string> }).annotations?.["helm.sh/hook"]);

describe("cluster: Flux source-controller and helm-controller reconcile every profile", function () {
  const work = join(cluster.workDir, "flux-reconcile");
  let publisher: ChartPublisher;
  let version: string;
  let kubeVersion: string;
  const start = Date.now();

  /** The values Secret's file of a case, or nothing. */
  const overrides = (c: Case) => join(work, "values", `${c.release}.yaml`);

  /**
   * helm template of the chart as helm-controller loaded it: from an OCIRepository its version
   * carries the artifact's digest as build metadata (X.Y.Z+<digest>), which the chart's labels
   * show, so the archive is unpacked and given that version.
   */
  function render(c: Case, archive: string, storedVersion: string): string {
    let chart = archive;
    if (storedVersion !== chartVersion()) {
      const dir = join(work, "render", c.release);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      exec("tar", ["-xzf", archive, "-C", dir]);
      chart = join(dir, "promstack");
      const chartYaml = readFileSync(join(chart, "Chart.yaml"), "utf8");
      expect(chartYaml).to.include(`\nversion: ${baseVersion(storedVersion)}\n`);
      writeFileSync(join(chart, "Chart.yaml"), chartYaml.replace(`\nversion: ${baseVersion(storedVersion)}\n`, `\nversion: ${storedVersion}\n`));
    }
    const values = ["-f", c.file, ...(c.nodeExporterPort ? ["-f", overrides(c)] : [])];
    const result = exec(tools.helm, ["template", c.release, chart, "--namespace", c.target, ...values, "--kube-version", kubeVersion]);
    if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
    return result.stdout;
  }

  function fluxOutput(c: Case, extra: string[] = []): string {
    const out = join(work, "manifests", `${c.profile}-${c.source.id}${extra.length ? "-changed" : ""}`);
    const url = c.source.id === "http" ? publisher.httpUrl : publisher.ociUrl;
    const args = c.worked ? [] : ["--namespace", c.namespace, "--release", c.release, "--target-namespace", c.target];
    const written = promstack(["flux", c.file, ...c.source.args, "--url", url, ...args, ...extra, "--output", out]);
    if (written.status !== 0) throw new Error(`promstack flux ${c.file} failed:\n${written.stderr}`);
    return out;
  }

  const sourceRef = (c: Case): Ref => ({ kind: c.source.sourceKind, name: "promstack", namespace: c.namespace });
  const releaseRef = (c: Case): Ref => ({ kind: "HelmRelease", name: c.release, namespace: c.namespace });

  before(async function () {
    this.timeout(600_000);
    const env = fluxEnv();
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const registry = process.env["REGISTRY"];
    if (!registry) throw new Error("REGISTRY is not set: run the cluster tests through make test-cluster");
    publisher = new ChartPublisher(work, createThrowawayKey(join(work, "key")), { certificate: env["CHARTS_TLS_CERT"]!, key: env["CHARTS_TLS_KEY"]!, ca: env["CHARTS_CA"]! });
    await publisher.start(registry, 3600);
    version = chartVersion();
    publisher.publish();
    kubeVersion = (JSON.parse(kubectlOk(["version", "--output", "json"])) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion;
    console.log(`      published ${version}, servers up, in ${((Date.now() - start) / 1000).toFixed(0)}s`);
    installOperatorCrds();
    // Everything at once: helm-controller reconciles several releases side by side.
    mkdirSync(join(work, "values"), { recursive: true });
    for (const c of cases) {
      kubectlOk(["apply", "--filename", "-"], JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: c.namespace } }));
      if (c.nodeExporterPort) {
        // The Secret the HelmRelease merges over the profile (valuesFrom, optional), before the release exists.
        writeFileSync(overrides(c), `exporters:\n  nodeExporter:\n    port: ${c.nodeExporterPort}\n`);
        kubectlOk(["create", "secret", "generic", `${c.release}-credentials`, "--namespace", c.namespace, `--from-file=values.yaml=${overrides(c)}`]);
      }
      kubectlOk(["apply", "--filename", fluxOutput(c)]);
    }
    console.log(`      ${cases.length} HelmReleases applied after ${((Date.now() - start) / 1000).toFixed(0)}s`);
  });

  after(async function () {
    this.timeout(600_000);
    // helm-controller uninstalls each release while removing its finalizer; then the namespaces go.
    for (const c of cases) kubectl(["delete", "helmreleases.helm.toolkit.fluxcd.io", "--all", "--namespace", c.namespace, "--wait=false"]);
    for (const c of cases) {
      const gone = kubectl(["wait", "--for=delete", "helmreleases.helm.toolkit.fluxcd.io", "--all", "--namespace", c.namespace, "--timeout", "120s"]);
      if (gone.status !== 0) kubectl(["patch", "helmreleases.helm.toolkit.fluxcd.io", c.release, "--namespace", c.namespace, "--type", "merge", "--patch", '{"metadata":{"finalizers":null}}']);
    }
    console.log(`      HelmReleases uninstalled after ${((Date.now() - start) / 1000).toFixed(0)}s`);
    // All namespaces in one call: the API server and kwok remove their pods side by side.
    const namespaces = [...new Set(cases.flatMap((c) => [c.target, c.namespace]))];
    kubectl(["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=true", "--timeout", "300s"]);
    await publisher?.stop();
    console.log(`      Flux reconcile tests took ${((Date.now() - start) / 1000).toFixed(0)}s`);
  });

  for (const c of cases) {
    it(`${c.profile} from ${c.source.label}${c.worked ? " (the worked example)" : ""}: source and HelmRelease Ready, the stored release is helm template's`, async function () {
      this.timeout(900_000);
      const began = Date.now();
      // source-controller keeps a HelmRepository of type oci static (no status, no artifact):
      // the HelmChart made from it is what becomes Ready, checked below.
      const source = c.source.id === "ocihr" ? fluxObject(sourceRef(c)) : await waitFor(sourceRef(c), "Ready", 300, isReady);
      const release = await waitFor(releaseRef(c), "Ready", 600, (o) => isReady(o) || condition(o, "Stalled")?.status === "True");
      expect(isReady(release), describeConditions(release)).to.equal(true);

      // The chart came from our servers: the OCI artifact's revision names the version and
      // digest; a HelmRepository's chart is a HelmChart of that version.
      if (c.source.sourceKind === "OCIRepository") {
        expect(source.status?.artifact?.revision).to.match(new RegExp(`^${version.replace(/\./g, "\\.")}@sha256:[0-9a-f]{64}$`));
      } else {
        const chart = fluxObject({ kind: "HelmChart", name: `${c.namespace}-${c.release}`, namespace: c.namespace });
        expect(isReady(chart), describeConditions(chart)).to.equal(true);
        expect(chart.status?.artifact?.revision).to.equal(version);
        if (c.source.id === "http") expect(publisher.httpRequests()).to.include(`/promstack-${version}.tgz`);
      }
      const stored = latestRelease(c.release, c.target);
      expect(stored.info.status).to.equal("deployed");
      expect(stored.version).to.equal(1);
      if (c.source.sourceKind === "OCIRepository") {
        const digest = source.status!.artifact!.revision.split("@sha256:")[1]!;
        expect(stored.chart.metadata.version).to.equal(`${version}+${digest.slice(0, 12)}`);
      } else {
        expect(stored.chart.metadata.version).to.equal(version);
      }
      expect(release.status?.history?.[0]).to.include({ chartVersion: stored.chart.metadata.version, status: "deployed", version: 1 });
      if (c.nodeExporterPort) expect(stored.config, "values from the ConfigMap, then the Secret").to.nested.include({ "exporters.nodeExporter.port": c.nodeExporterPort });

      // helm template of the same archive with the same values (the ConfigMap holds the profile).
      const archive = join(work, "dist", version, `promstack-${version}.tgz`);
      const first = parseObjects(render(c, archive, stored.chart.metadata.version));
      const second = byKey(parseObjects(render(c, archive, stored.chart.metadata.version)), c.target);
      // What differs between two renders is drawn at random (the chart-made Secrets): only
      // their keys and value lengths can be compared.
      const random = new Set(first.filter((o) => JSON.stringify(o) !== JSON.stringify(second.get(keyOf(o, c.target)))).map((o) => keyOf(o, c.target)));
      for (const key of random) expect(key, "only chart-made Secrets differ between two renders").to.match(/^Secret\//);
      const expected = (o: K8sObject) => (random.has(keyOf(o, c.target)) ? maskSecretData(o) : o);

      const installed = releaseObjects(stored);
      const hooks = (stored.hooks ?? []).flatMap((hook) => parseObjects(hook.manifest));
      const actual = [...installed, ...hooks].map((o) => {
        const labels = { ...(o.metadata.labels ?? {}) };
        expect(labels[ORIGIN_LABELS[0]!], `${keyOf(o, c.target)} origin label`).to.equal(c.release);
        expect(labels[ORIGIN_LABELS[1]!], `${keyOf(o, c.target)} origin label`).to.equal(c.namespace);
        for (const label of ORIGIN_LABELS) delete labels[label];
        const metadata = { ...o.metadata, labels };
        if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
        return expected({ ...o, metadata });
      });
      expect(byKey(installed, c.target).size, "no object twice").to.equal(installed.length);
      const want = first.map(expected);
      expect([...byKey(actual, c.target).keys()].sort()).to.deep.equal([...byKey(want, c.target).keys()].sort());
      const wanted = byKey(want, c.target);
      for (const [key, object] of byKey(actual, c.target)) expect(object, key).to.deep.equal(wanted.get(key));
      expect(hooks.length, "hooks stored apart").to.equal(first.filter(isHook).length);

      // kwok's nodes ran the workloads: every pod ready, on the profile's architectures.
      const values = (parse(readFileSync(c.file, "utf8")) as ProfileValues | null) ?? {};
      const summary = expectWorkloadsReady(installed, { release: c.target, host: c.target }, values.global?.architectures ?? ["amd64", "arm64"], c.release);
      console.log(`      ${c.profile} (${c.source.id}): Ready after ${((Date.now() - began) / 1000).toFixed(0)}s of this test; ${installed.length} objects + ${hooks.length} hooks equal to helm template; ${summary.length} workloads ready`);
    });
  }

  describe(`day 2 on the worked example (${WORKED_PROFILE} from an OCIRepository)`, function () {
    const worked = cases.find((c) => c.worked)!;
    const release = () => releaseRef(worked);
    const prometheus = () => releaseObjects(latestRelease(worked.release, worked.target)).find((o) => o.kind === "StatefulSet" && o.metadata.name.endsWith("-prometheus"))!;
    /** An object of the umbrella chart itself: its helm.sh/chart label names the promstack version (subcharts name theirs). */
    const umbrellaObject = () => releaseObjects(latestRelease(worked.release, worked.target)).find((o) => o.metadata.labels?.["helm.sh/chart"]?.startsWith("promstack-"))!;
    const live = <T = FluxObject>(o: K8sObject) => getJson<T>([o.kind.toLowerCase(), o.metadata.name, "--namespace", namespaceOf(o, worked.target)]);
    const revisions = () => storedReleases(worked.release, worked.target).length;
    const grafanaPassword = () => {
      const secret = releaseObjects(latestRelease(worked.release, worked.target)).find((o) => o.kind === "Secret" && o.metadata.name.endsWith("-grafana-admin"));
      return secret ? JSON.stringify(live<{ data: unknown }>(secret).data) : undefined;
    };

    before(function () {
      if (!isReady(fluxObject(release()))) this.skip();
    });

    it("an edit of the values ConfigMap upgrades the release with the edited value", async function () {
      this.timeout(600_000);
      const profile = readFileSync(worked.file, "utf8");
      expect(profile, "the profile's retention").to.match(/\n {4}time: 2d\n/);
      const before = revisions();
      const password = grafanaPassword();
      const configMap = { ...getJson<{ data: Record<string, string> }>(["configmap", `${worked.release}-values`, "--namespace", worked.namespace]) };
      kubectlOk(["patch", "configmap", `${worked.release}-values`, "--namespace", worked.namespace, "--type", "merge", "--patch",
        JSON.stringify({ data: { "values.yaml": configMap.data["values.yaml"]!.replace(/\n {4}time: 2d\n/, "\n    time: 3d\n") } })]);
      // The ConfigMap carries reconcile.fluxcd.io/watch: helm-controller reacts without waiting for its interval.
      const upgraded = await waitFor(release(), "upgraded to a second revision", 300, (o) => isReady(o) && (o.status?.history?.[0]?.version ?? 0) > before);
      const stored = latestRelease(worked.release, worked.target);
      expect(stored.info.status).to.equal("deployed");
      expect((stored.config as { prometheus: { retention: { time: string } } }).prometheus.retention.time).to.equal("3d");
      const args = live<{ spec: { template: { spec: { containers: Array<{ name: string; args?: string[] }> } } } }>(prometheus())
        .spec.template.spec.containers.flatMap((container) => container.args ?? []);
      expect(args).to.include("--storage.tsdb.retention.time=3d");
      expect(grafanaPassword(), "the chart-made Grafana password survives the upgrade (lookup)").to.equal(password);
      console.log(`      values edit: revision ${upgraded.status?.history?.[0]?.version}, Prometheus runs with --storage.tsdb.retention.time=3d`);
    });

    it("a chart version published within the HelmRelease's semver range is installed", async function () {
      this.timeout(600_000);
      const [major, minor, patch] = version.split(".").map(Number) as [number, number, number];
      const range = `${major}.${minor}.x`;
      const next = `${major}.${minor}.${patch + 1}`;
      const out = fluxOutput(worked, ["--chart-version", range]);
      const ociRepository = parse(readFileSync(join(out, "ocirepository.yaml"), "utf8")) as { spec: { ref: Record<string, string> } };
      expect(ociRepository.spec.ref).to.deep.equal({ semver: range });
      kubectlOk(["apply", "--filename", join(out, "ocirepository.yaml")]);
      await waitFor(sourceRef(worked), `Ready with range ${range}`, 120, (o) => isReady(o) && Boolean(o.status?.artifact?.revision.startsWith(`${version}@`)));

      publisher.publish(publisher.variant(next));
      await reconcileNow(sourceRef(worked));
      const source = await waitFor(sourceRef(worked), `at ${next}`, 120, (o) => isReady(o) && Boolean(o.status?.artifact?.revision.startsWith(`${next}@`)));
      const upgraded = await waitFor(release(), `upgraded to ${next}`, 300, (o) => isReady(o) && baseVersion(o.status?.history?.[0]?.chartVersion) === next);
      expect(baseVersion(latestRelease(worked.release, worked.target).chart.metadata.version)).to.equal(next);
      expect(live<K8sObject>(umbrellaObject()).metadata.labels?.["helm.sh/chart"]).to.match(new RegExp(`^promstack-${next.replace(/\./g, "\\.")}_[0-9a-f]{12}$`));
      console.log(`      semver ${range}: source at ${source.status?.artifact?.revision.slice(0, 20)}..., release revision ${upgraded.status?.history?.[0]?.version} runs chart ${next}`);
    });

    it("drift detection enabled: no correction of what the chart leaves to controllers, and a real edit is undone", async function () {
      this.timeout(600_000);
      kubectlOk(["patch", "helmreleases.helm.toolkit.fluxcd.io", worked.release, "--namespace", worked.namespace, "--type", "merge", "--patch", '{"spec":{"driftDetection":{"mode":"enabled"}}}']);
      await waitFor(release(), "Ready with drift detection", 120, isReady);
      const before = revisions();
      const drift = () => eventsFor(release()).filter((e) => /drift/i.test(e.reason) || /drift/i.test(e.message));
      for (let i = 0; i < 3; i++) await reconcileNow(release());
      expect(drift(), "drift events after 3 reconciles of an untouched release").to.deep.equal([]);
      expect(revisions(), "no new revision").to.equal(before);

      // Positive control: a field the chart sets, changed by hand, is drift and is corrected.
      const deployment = releaseObjects(latestRelease(worked.release, worked.target)).find((o) => o.kind === "Deployment")!;
      const replicas = (deployment as K8sObject & { spec: { replicas?: number } }).spec.replicas ?? 1;
      kubectlOk(["scale", "deployment", deployment.metadata.name, "--namespace", namespaceOf(deployment, worked.target), "--replicas", String(replicas + 2)]);
      await reconcileNow(release());
      const corrected = live<{ spec: { replicas: number } }>(deployment).spec.replicas;
      expect(corrected, `${deployment.metadata.name} replicas after the correction`).to.equal(replicas);
      expect(drift().length, "the hand edit was reported as drift").to.be.greaterThan(0);
      expect(revisions(), "corrected in place, no new revision").to.equal(before);
      console.log(`      drift: 3 reconciles without drift; ${deployment.metadata.name} scaled to ${replicas + 2} by hand, back at ${corrected}: ${drift()[0]?.message.split("\n")[0]}`);
    });

    it("a published version that the API server refuses: Flux reports the failure, rolls back, and the previous release keeps running", async function () {
      this.timeout(900_000);
      const good = latestRelease(worked.release, worked.target);
      const goodVersion = baseVersion(good.chart.metadata.version)!;
      const [major, minor, patch] = goodVersion.split(".").map(Number) as [number, number, number];
      const broken = `${major}.${minor}.${patch + 1}`;
      // A ConfigMap name with capitals: Helm renders it, the API server refuses it at upgrade.
      publisher.publish(publisher.variant(broken, {
        "refused-by-the-api-server.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Refused-By-The-API-Server\ndata: {}\n",
      }));
      await reconcileNow(sourceRef(worked));
      await waitFor(sourceRef(worked), `at ${broken}`, 120, (o) => isReady(o) && Boolean(o.status?.artifact?.revision.startsWith(`${broken}@`)));
      const failed = await waitFor(release(), "out of upgrade retries", 600, (o) => condition(o, "Stalled")?.status === "True");
      expect(condition(failed, "Ready")?.status).to.equal("False");
      expect(condition(failed, "Stalled")?.reason).to.equal("RetriesExceeded");
      expect(describeConditions(failed)).to.match(/Refused-By-The-API-Server/);

      // The manifests' upgrade remediation: `retries` more attempts after the first, each
      // failure rolled back (strategy rollback, remediateLastFailure: the last one too).
      const retries = (failed.spec["upgrade"] as { remediation: { retries: number } }).remediation.retries;
      const attempts = 1 + retries;
      expect(failed.status?.upgradeFailures, "failed upgrade attempts").to.equal(attempts);
      const all = storedReleases(worked.release, worked.target);
      const latest = all[all.length - 1]!;
      expect(latest.version, "one failed upgrade and one rollback per attempt").to.equal(good.version + 2 * attempts);
      expect(latest.info.status, "the newest revision is the rollback").to.equal("deployed");
      expect(latest.chart.metadata.version).to.equal(good.chart.metadata.version);
      // Helm keeps the newest revisions only (the HelmRelease's maxHistory, 5 by default).
      const since = all.filter((r) => r.version > good.version);
      expect(since.length).to.be.greaterThan(1);
      for (const r of since) {
        if (baseVersion(r.chart.metadata.version) === broken) expect(r.info.status, `revision ${r.version}`).to.equal("failed");
        else expect(r.info.description, `revision ${r.version}`).to.match(/^Rollback to \d+/);
      }
      expect(live<K8sObject>(umbrellaObject()).metadata.labels?.["helm.sh/chart"]).to.equal(`promstack-${good.chart.metadata.version.replace("+", "_")}`);
      const statefulSet = live<K8sObject & { status: { readyReplicas?: number }; spec: { replicas?: number } }>(prometheus());
      expect(statefulSet.status.readyReplicas).to.equal(statefulSet.spec.replicas ?? 1);
      expect(kubectl(["get", "configmap", "Refused-By-The-API-Server", "--namespace", worked.target]).status).to.not.equal(0);
      console.log(`      failing ${broken}: ${failed.status?.upgradeFailures} failed upgrades, each rolled back; ${condition(failed, "Stalled")?.reason}: ${condition(failed, "Stalled")?.message}; revision ${latest.version} "${latest.info.description}" deployed, Prometheus ${statefulSet.status.readyReplicas}/${statefulSet.spec.replicas ?? 1} ready at promstack-${goodVersion}`);
    });
  });
});
