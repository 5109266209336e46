// The cluster layer: `ct install` of every profile on a real kube-apiserver, in a namespace
// that enforces the Pod Security Standard "restricted", then an uninstall that leaves only
// the volume claims the chart documents as kept.
import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { chartDir } from "../helpers/tools.js";
import { createNamespace, deleteNamespace, helmOk, installOperatorCrds, kubectl, kubectlOk } from "./kube.js";
import {
  ctInstall, expectAllAdmitted, expectWorkloadsReady, manifest, profileValues, releaseSecretReport,
  uninstallLeavingOnlyClaims, type Installed, type Namespaces,
} from "./release.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";

const profiles = readdirSync(join(chartDir, "ci")).filter((f) => f.endsWith("-values.yaml")).map((f) => f.replace(/-values\.yaml$/, "")).sort();

describe("cluster: ct install of every profile (Pod Security 'restricted')", () => {
  it("has one ci values file per profile", () => {
    expect(profiles).to.deep.equal(readdirSync(join(chartDir, "..", "..", "values")).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, "")).sort());
  });

  for (const profile of profiles) {
    describe(profile, () => {
      const values = profileValues(profile);
      const operatorMode = values.prometheus?.mode === "operator";
      const architectures = values.global?.architectures ?? ["amd64", "arm64"];
      const namespaces: Namespaces = { release: `install-${profile}`, host: `install-${profile}-host` };
      let installed: Installed | undefined;
      let objects: K8sObject[] = [];

      before(function () {
        this.timeout(180_000);
        createNamespace(namespaces.release, "restricted");
        createNamespace(namespaces.host, "privileged");
        // Operator mode renders PrometheusRules and ServiceMonitors: their CRDs come first.
        if (operatorMode) console.log(`      operator CRDs: ${installOperatorCrds().length} applied`);
      });
      after(function () {
        this.timeout(300_000);
        deleteNamespace(namespaces.release);
        deleteNamespace(namespaces.host);
      });

      it("installs with ct (helm install --wait, rollout status, helm test)", function () {
        this.timeout(900_000);
        installed = ctInstall(profile, namespaces);
        objects = manifest(installed.release, namespaces.release);
        console.log(`      ${profile}: ct install took ${installed.seconds.toFixed(1)}s, ${objects.length} objects`);
        // ct ran `helm test`: each test pod the chart ships for this profile succeeded.
        const testPods = parseObjects(helmOk(["get", "hooks", installed.release, "--namespace", namespaces.release]))
          .filter((o) => o.kind === "Pod" && (o.metadata as { annotations?: Record<string, string> }).annotations?.["helm.sh/hook"] === "test");
        expect(testPods.length, "test pods of the release").to.be.greaterThan(0);
        for (const pod of testPods) expect(installed.output).to.match(new RegExp(`TEST SUITE:\\s+${pod.metadata.name}\\n[^\\n]*\\n[^\\n]*\\nPhase:\\s+Succeeded`));
      });

      it("every object of the release was admitted by the API server", function () {
        if (!installed) this.skip();
        expectAllAdmitted(objects, namespaces.release);
        if (operatorMode) {
          const operatorObjects = objects.filter((o) => o.apiVersion.startsWith("monitoring.coreos.com/"));
          console.log(`      ${profile}: ${operatorObjects.length} monitoring.coreos.com object(s) accepted`);
        }
      });

      it("kube-state-metrics may list and watch what it exposes, and no Secret (the API server's authorizer)", function () {
        const account = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name.endsWith("-kube-state-metrics"));
        if (!installed || !account) this.skip();
        const user = `system:serviceaccount:${namespaces.release}:${account.metadata.name}`;
        const can = (verb: string, resource: string) => kubectl(["auth", "can-i", verb, resource, "--all-namespaces", "--as", user]).stdout.trim();
        for (const resource of ["pods", "nodes", "deployments.apps", "leases.coordination.k8s.io"]) {
          expect(can("list", resource), `list ${resource}`).to.equal("yes");
          expect(can("watch", resource), `watch ${resource}`).to.equal("yes");
        }
        expect(can("list", "secrets")).to.equal("no");
        expect(can("watch", "secrets")).to.equal("no");
        expect(can("get", "pods")).to.equal("no");
      });

      it("every workload has all its pods ready, on nodes of the profile's architectures", function () {
        if (!installed) this.skip();
        const summary = expectWorkloadsReady(objects, namespaces, architectures, installed.release);
        console.log(`      ${profile}: ${summary.join(", ") || "no workloads"}`);
      });

      it("the release namespace enforces 'restricted' and node-exporter runs outside it", function () {
        if (!installed) this.skip();
        const labels = JSON.parse(kubectlOk(["get", "namespace", namespaces.release, "--output", "jsonpath={.metadata.labels}"])) as Record<string, string>;
        expect(labels["pod-security.kubernetes.io/enforce"]).to.equal("restricted");
        for (const daemonSet of objects.filter((o) => o.kind === "DaemonSet")) expect(daemonSet.metadata.namespace, daemonSet.metadata.name).to.equal(namespaces.host);
      });

      it("prints the size of the release's Helm Secret", function () {
        if (!installed) this.skip();
        console.log(`      ${profile}: ${releaseSecretReport(installed.release, namespaces.release)}`);
      });

      it("uninstalls, leaving nothing but the StatefulSets' volume claims", async function () {
        if (!installed) this.skip();
        this.timeout(300_000);
        const left = await uninstallLeavingOnlyClaims(installed.release, namespaces, objects);
        console.log(`      ${profile}: kept after uninstall: ${left.map((o) => o.name).join(", ") || "nothing"}`);
      });
    });
  }
});
