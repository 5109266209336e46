// Upgrades on the test cluster: from the previous chart to this one for every profile, and from
// one profile's values to another's, then a rollback; each ends in a clean uninstall.
import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chartDir, repoRoot, run } from "../helpers/tools.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { cluster, createNamespace, deleteNamespace, exec, helm, helmOk, installOperatorCrds } from "./kube.js";
import {
  ciValuesFile, clusterSetArgs, expectAllAdmitted, expectWorkloadsReady, manifest, profileValues,
  releaseSecretReport, uninstallLeavingOnlyClaims, type Namespaces,
} from "./release.js";

/**
 * The previous release. No promstack version has been published yet, so "previous" is the
 * chart as committed at this commit (the state of main before the cluster layer and its test
 * hooks), taken from git history with `git archive`. Once a version is released, replace this
 * with that version's packaged chart.
 */
const PREVIOUS = { commit: "a512c9dfaf83ad850a440b315af9c894ab69b3dc", label: "main@a512c9d" };

const HELM_WAIT = ["--wait", "--timeout", "300s"];

function previousChart(): string {
  const dir = join(cluster.workDir, "previous");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const known = run("git", ["cat-file", "-e", `${PREVIOUS.commit}^{commit}`]);
  if (known.status !== 0) throw new Error(`the previous chart is commit ${PREVIOUS.commit}, which this clone lacks: the cluster layer needs the git history (no shallow clone)`);
  const archive = exec("bash", ["-c", `git archive ${PREVIOUS.commit} charts/promstack | tar -x -C "${dir}"`], { cwd: repoRoot });
  if (archive.status !== 0) throw new Error(`git archive of ${PREVIOUS.commit} failed: ${archive.stderr}`);
  return join(dir, "charts", "promstack");
}

function revision(release: string, namespace: string): { revision: number; status: string; chart: string } {
  const history = JSON.parse(helmOk(["history", release, "--namespace", namespace, "--output", "json"])) as Array<{ revision: number; status: string; chart: string }>;
  return history[history.length - 1]!;
}

function withNamespaces(prefix: string): Namespaces {
  return { release: prefix, host: `${prefix}-host` };
}

describe(`cluster: upgrade from the previous chart (${PREVIOUS.label}) to this one`, () => {
  let previous: string;
  before(function () {
    this.timeout(60_000);
    previous = previousChart();
  });

  const profiles = readdirSync(join(chartDir, "ci")).filter((f) => f.endsWith("-values.yaml")).map((f) => f.replace(/-values\.yaml$/, "")).sort();
  for (const profile of profiles) {
    it(`${profile}: previous chart → this chart (same values, as ct --upgrade does) → this profile's current values, helm test, uninstall`, async function () {
      this.timeout(900_000);
      const previousValues = join(previous, "ci", `${profile}-values.yaml`);
      if (!existsSync(previousValues)) {
        console.log(`      ${profile}: not a profile of ${PREVIOUS.label}; nothing to upgrade from`);
        this.skip();
      }
      const namespaces = withNamespaces(`upgrade-${profile}`);
      const release = `up-${profile}`.slice(0, 30);
      const architectures = profileValues(profile).global?.architectures ?? ["amd64", "arm64"];
      const upgrade = (values: string) => helm(["upgrade", release, chartDir, "--namespace", namespaces.release, "--values", values, ...clusterSetArgs(namespaces), ...HELM_WAIT]);
      createNamespace(namespaces.release, "restricted");
      createNamespace(namespaces.host, "privileged");
      if (profileValues(profile).prometheus?.mode === "operator") installOperatorCrds();
      try {
        const start = Date.now();
        helmOk(["install", release, previous, "--namespace", namespaces.release, "--values", previousValues, ...clusterSetArgs(namespaces), ...HELM_WAIT]);
        const seen = manifest(release, namespaces.release);
        const installed = Date.now();

        // The chart alone changes: the release's values stay what they were.
        const sameValues = upgrade(previousValues);
        expect(sameValues.status, `this chart with the values of ${PREVIOUS.label}:\n${sameValues.stderr}`).to.equal(0);
        const upgraded = Date.now();
        expect(revision(release, namespaces.release)).to.include({ revision: 2, status: "deployed" });
        const second = manifest(release, namespaces.release);
        seen.push(...second);
        expectAllAdmitted(second, namespaces.release);
        expectWorkloadsReady(second, namespaces, architectures, release);
        helmOk(["test", release, "--namespace", namespaces.release, "--timeout", "300s"]);

        // Then the profile's values as they are now. Where the profile changed a volume claim
        // template since, the API server must refuse (see the chart README) and a rollback recover.
        const wanted = claimTemplates(parseObjects(helmOk(["template", release, chartDir, "--namespace", namespaces.release, "--values", ciValuesFile(profile), ...clusterSetArgs(namespaces)])));
        const changed = [...wanted].filter(([name, template]) => claimTemplates(second).has(name) && claimTemplates(second).get(name) !== template).map(([name]) => name);
        const current = upgrade(ciValuesFile(profile));
        if (changed.length === 0) {
          expect(current.status, current.stderr).to.equal(0);
          expect(revision(release, namespaces.release)).to.include({ revision: 3, status: "deployed" });
          const third = manifest(release, namespaces.release);
          seen.push(...third);
          expectWorkloadsReady(third, namespaces, architectures, release);
        } else {
          expect(current.status, `${changed.join(", ")}: claim templates changed, yet the upgrade passed`).to.not.equal(0);
          for (const name of changed) expect(current.stderr).to.match(new RegExp(`cannot patch "${name}" with kind StatefulSet: .*spec\\.volumeClaimTemplates: .*field is immutable`));
          helmOk(["rollback", release, "2", "--namespace", namespaces.release, ...HELM_WAIT]);
          expect(revision(release, namespaces.release)).to.include({ revision: 4, status: "deployed" });
          console.log(`      ${profile}: NOTE the profile changed the volume claims of ${changed.join(", ")} since ${PREVIOUS.label}; an existing release cannot take its current values without the resize procedure (refused, rolled back)`);
        }
        console.log(`      ${profile}: previous install ${((installed - start) / 1000).toFixed(1)}s, upgrade ${((upgraded - installed) / 1000).toFixed(1)}s; ${releaseSecretReport(release, namespaces.release)}`);
        await uninstallLeavingOnlyClaims(release, namespaces, seen);
      } finally {
        deleteNamespace(namespaces.release);
        deleteNamespace(namespaces.host);
      }
    });
  }
});

/** Each StatefulSet's volume claim templates (what the API server will not let change), as JSON. */
function claimTemplates(objects: K8sObject[]): Map<string, string> {
  return new Map(objects.filter((o) => o.kind === "StatefulSet").map((o) => {
    const templates = ((o as K8sObject & { spec: { volumeClaimTemplates?: Array<{ metadata: { name: string }; spec: object }> } }).spec.volumeClaimTemplates ?? [])
      .map((t) => ({ name: t.metadata.name, spec: t.spec }));
    return [o.metadata.name, JSON.stringify(templates)];
  }));
}

describe("cluster: upgrade from one profile's values to another's, and roll back", () => {
  const from = "jobpilot";
  const to = "gorax";
  const namespaces = withNamespaces("upgrade-profiles");
  const release = "profiles";
  const seen: K8sObject[] = [];
  const architectures = (profile: string) => profileValues(profile).global?.architectures ?? ["amd64", "arm64"];
  const prometheusReplicas = (objects: K8sObject[]) =>
    (objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === `${release}-prometheus`) as (K8sObject & { spec: { replicas: number } }) | undefined)?.spec.replicas;
  const upgradeTo = (extra: string[] = []) => helm(["upgrade", release, chartDir, "--namespace", namespaces.release, "--values", ciValuesFile(to), ...clusterSetArgs(namespaces), ...extra, ...HELM_WAIT]);
  const rollbackTo1 = () => helmOk(["rollback", release, "1", "--namespace", namespaces.release, ...HELM_WAIT]);

  before(function () {
    this.timeout(120_000);
    createNamespace(namespaces.release, "restricted");
    createNamespace(namespaces.host, "privileged");
  });
  after(function () {
    this.timeout(300_000);
    deleteNamespace(namespaces.release);
    deleteNamespace(namespaces.host);
  });

  it(`installs ${from}`, function () {
    this.timeout(600_000);
    helmOk(["install", release, chartDir, "--namespace", namespaces.release, "--values", ciValuesFile(from), ...clusterSetArgs(namespaces), ...HELM_WAIT]);
    const objects = manifest(release, namespaces.release);
    seen.push(...objects);
    expect(prometheusReplicas(objects)).to.equal(1);
    expectWorkloadsReady(objects, namespaces, architectures(from), release);
  });

  // The two profiles size their volumes differently, and a StatefulSet's claim templates
  // cannot change: the API server refuses the upgrade (the chart README says what to do).
  it(`upgrading to ${to}'s volume sizes is refused (volumeClaimTemplates are immutable), and a rollback recovers`, function () {
    this.timeout(600_000);
    const refused = upgradeTo();
    expect(refused.status).to.not.equal(0);
    for (const statefulSet of [`${release}-prometheus`, `${release}-alertmanager`]) {
      expect(refused.stderr).to.match(new RegExp(`cannot patch "${statefulSet}" with kind StatefulSet: .*spec\\.volumeClaimTemplates: .*field is immutable`));
    }
    expect(revision(release, namespaces.release)).to.include({ revision: 2, status: "failed" });
    rollbackTo1();
    expect(revision(release, namespaces.release)).to.include({ revision: 3, status: "deployed" });
    expectWorkloadsReady(manifest(release, namespaces.release), namespaces, architectures(from), release);
  });

  it(`upgrades to ${to}'s values with ${from}'s volume sizes kept: Prometheus 1 → 2 replicas, helm test passes`, function () {
    this.timeout(600_000);
    const kept = ["prometheus", "alertmanager"].flatMap((component) => {
      const persistence = (profileValues(from) as Record<string, { persistence?: { size?: string } }>)[component]?.persistence;
      return persistence?.size ? ["--set", `${component}.persistence.size=${persistence.size}`] : [];
    });
    const result = upgradeTo(kept);
    expect(result.status, result.stderr).to.equal(0);
    expect(revision(release, namespaces.release)).to.include({ revision: 4, status: "deployed" });
    const objects = manifest(release, namespaces.release);
    seen.push(...objects);
    expect(prometheusReplicas(objects)).to.equal(2);
    expectAllAdmitted(objects, namespaces.release);
    expectWorkloadsReady(objects, namespaces, architectures(to), release);
    helmOk(["test", release, "--namespace", namespaces.release, "--timeout", "300s"]);
  });

  it(`rolls back to ${from} (revision 1) as revision 5`, function () {
    this.timeout(600_000);
    rollbackTo1();
    expect(revision(release, namespaces.release)).to.include({ revision: 5, status: "deployed" });
    const objects = manifest(release, namespaces.release);
    expect(prometheusReplicas(objects)).to.equal(1);
    expectWorkloadsReady(objects, namespaces, architectures(from), release);
    console.log(`      ${release}: ${releaseSecretReport(release, namespaces.release)}`);
  });

  it("uninstalls, leaving only the volume claims of every revision", async function () {
    this.timeout(300_000);
    const left = await uninstallLeavingOnlyClaims(release, namespaces, seen);
    console.log(`      ${release}: kept after uninstall: ${left.map((o) => o.name).join(", ")}`);
  });
});
