// The shared Ingress (common.schema.json#/definitions/ingress, template promstack.ingress),
// judged on the objects helm renders for Alertmanager, Prometheus and Grafana.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { find, helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { chartDir, repoRoot, run, tools } from "../helpers/tools.js";

const allEnabled = join(repoRoot, "test", "fixtures", "all-enabled.yaml");

function ingressArgs(component: string, settings: Record<string, unknown>): string[] {
  return ["--set-json", `${component}.ingress=${JSON.stringify(settings)}`];
}

function servicePortNames(objects: K8sObject[], name: string): string[] {
  return ((find(objects, "Service", name) as any).spec.ports as Array<{ name: string }>).map((port) => port.name);
}

describe("render: shared Ingress", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-ingress-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const component of ["alertmanager", "prometheus", "grafana"]) {
    describe(component, () => {
      const full = {
        enabled: true,
        className: "nginx",
        host: `${component}.example.com`,
        annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "1m", "cert-manager.io/cluster-issuer": "overridden" },
        tls: { enabled: true, clusterIssuer: "letsencrypt-prod" },
        basicAuth: { secretName: `${component}-htpasswd` },
      };
      let objects: K8sObject[];
      let manifest: string;
      before(() => {
        manifest = helmTemplate([allEnabled], ingressArgs(component, full));
        objects = parseObjects(manifest);
      });

      it("routes the host to the component's Service on a port that Service has", () => {
        const ingress = find(objects, "Ingress", `${RELEASE}-${component}`) as any;
        expect(ingress.spec.ingressClassName).to.equal("nginx");
        const [rule] = ingress.spec.rules;
        expect(rule.host).to.equal(full.host);
        const [path] = rule.http.paths;
        expect(path).to.deep.include({ path: "/", pathType: "Prefix" });
        expect(path.backend.service.name).to.equal(`${RELEASE}-${component}`);
        expect(servicePortNames(objects, path.backend.service.name)).to.include(path.backend.service.port.name);
        expect(ingress.metadata.labels["app.kubernetes.io/name"]).to.equal(component);
      });

      it("asks cert-manager for the certificate and ingress-nginx for basic auth; typed settings win over raw annotations", () => {
        const ingress = find(objects, "Ingress", `${RELEASE}-${component}`) as any;
        expect(ingress.spec.tls).to.deep.equal([{ hosts: [full.host], secretName: `${RELEASE}-${component}-tls` }]);
        expect(ingress.metadata.annotations).to.deep.equal({
          "cert-manager.io/cluster-issuer": "letsencrypt-prod",
          "nginx.ingress.kubernetes.io/auth-type": "basic",
          "nginx.ingress.kubernetes.io/auth-secret": `${component}-htpasswd`,
          "nginx.ingress.kubernetes.io/auth-realm": "Authentication Required",
          "nginx.ingress.kubernetes.io/proxy-body-size": "1m",
        });
      });

      it("passes strict Kubernetes schema validation", () => {
        const file = join(dir, `${component}.yaml`);
        writeFileSync(file, manifest);
        const result = run(tools.kubernetesValidate, ["--strict", "--kubernetes-version", `1.${tools.k8sMinor}.0`, file]);
        expect(result.status, result.stdout + result.stderr).to.equal(0);
      });

      it("without TLS or basic auth: no tls block, no annotations; a given TLS Secret is used as named", () => {
        const plain = parseObjects(helmTemplate([allEnabled], ingressArgs(component, { enabled: true, host: full.host, path: "/ui", pathType: "ImplementationSpecific" })));
        const ingress = find(plain, "Ingress", `${RELEASE}-${component}`) as any;
        expect(ingress.spec.tls).to.equal(undefined);
        expect(ingress.spec.ingressClassName).to.equal(undefined);
        expect(ingress.metadata.annotations).to.equal(undefined);
        expect(ingress.spec.rules[0].http.paths[0]).to.deep.include({ path: "/ui", pathType: "ImplementationSpecific" });
        const own = parseObjects(helmTemplate([allEnabled], ingressArgs(component, { enabled: true, host: full.host, tls: { enabled: true, secretName: "wildcard-cert" } })));
        const ownIngress = find(own, "Ingress", `${RELEASE}-${component}`) as any;
        expect(ownIngress.spec.tls).to.deep.equal([{ hosts: [full.host], secretName: "wildcard-cert" }]);
        expect(ownIngress.metadata.annotations).to.equal(undefined);
      });

      it("renders no Ingress unless enabled", () => {
        expect(parseObjects(helmTemplate([allEnabled], ingressArgs(component, { enabled: false, host: full.host }))).filter((o) => o.kind === "Ingress" && o.metadata.labels?.["app.kubernetes.io/name"] === component)).to.deep.equal([]);
      });

      it("helm rejects an enabled Ingress without a host (values.schema.json)", () => {
        const result = run(tools.helm, ["template", RELEASE, chartDir, "-f", allEnabled, ...ingressArgs(component, { enabled: true })]);
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.match(/ingress.*missing property 'host'/);
      });
    });
  }
});
