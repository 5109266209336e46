// Authentication in front of the web UIs: Traefik's basicAuth Middleware (validated against
// Traefik's own CRD) named by the router annotation, and oauth2-proxy through ingress-nginx.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CrdValidator, traefikCrdDirectory } from "../helpers/crds.js";
import { helmTemplate, NAMESPACE, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { run, tools } from "../helpers/tools.js";

const ingressOf = (objects: K8sObject[], name: string) => objects.find((o) => o.kind === "Ingress" && o.metadata.name === name) as any;

describe("render: authentication in front of the Prometheus and Alertmanager UIs", () => {
  let dir: string;
  let crds: CrdValidator;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-ingress-auth-"));
    crds = new CrdValidator(traefikCrdDirectory());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function render(values: string): K8sObject[] {
    const file = join(dir, "values.yaml");
    writeFileSync(file, values);
    const manifest = helmTemplate([file]);
    writeFileSync(join(dir, "manifest.yaml"), manifest);
    return parseObjects(manifest);
  }

  it("traefikBasicAuth: a Middleware Traefik's CRD accepts, named by the Ingress' router annotation", () => {
    const objects = render("alertmanager:\n  ingress: { enabled: true, className: traefik, host: am.example.com, traefikBasicAuth: { secretName: am-users, realm: Alerts } }\n");
    const middleware = objects.find((o) => o.kind === "Middleware") as any;
    expect(crds.kinds()).to.include("traefik.io/v1alpha1/Middleware");
    expect(crds.problems(middleware)).to.deep.equal([]);
    expect(middleware.spec).to.deep.equal({ basicAuth: { secret: "am-users", realm: "Alerts" } });
    const ingress = ingressOf(objects, `${RELEASE}-alertmanager`);
    expect(ingress.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).to.equal(`${NAMESPACE}-${middleware.metadata.name}@kubernetescrd`);
    expect(middleware.metadata.namespace).to.equal(NAMESPACE);
    // Everything but the CRD object passes the strict Kubernetes schemas.
    writeFileSync(join(dir, "builtin.yaml"), objects.filter((o) => o.kind !== "Middleware").map((o) => JSON.stringify(o)).join("\n---\n"));
    const result = run(tools.kubernetesValidate, ["--strict", "--kubernetes-version", `1.${tools.k8sMinor}.0`, join(dir, "builtin.yaml")]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
  });

  it("the CRD check can fail: an unknown field of the Middleware is refused", () => {
    const middleware = render("prometheus:\n  ingress: { enabled: true, host: p.example.com, traefikBasicAuth: { secretName: p-users } }\n").find((o) => o.kind === "Middleware") as any;
    middleware.spec.basicAuth.users2 = ["a"];
    expect(crds.problems(middleware).join("\n")).to.match(/users2/);
  });

  it("oauth2Proxy: ingress-nginx's auth-url and auth-signin point at the proxy", () => {
    const ingress = ingressOf(render("prometheus:\n  ingress: { enabled: true, className: nginx, host: p.example.com, oauth2Proxy: { url: \"https://auth.example.com/\" } }\n"), `${RELEASE}-prometheus`);
    expect(ingress.metadata.annotations).to.include({
      "nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/oauth2/auth",
      "nginx.ingress.kubernetes.io/auth-signin": "https://auth.example.com/oauth2/start?rd=$scheme://$host$escaped_request_uri",
    });
  });

  it("without an option: no Middleware and no auth annotation", () => {
    const objects = render("alertmanager:\n  ingress: { enabled: true, host: am.example.com }\n");
    expect(objects.filter((o) => o.kind === "Middleware")).to.deep.equal([]);
    expect(Object.keys(ingressOf(objects, `${RELEASE}-alertmanager`).metadata.annotations ?? {})).to.deep.equal([]);
  });
});
