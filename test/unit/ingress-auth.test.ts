// validate's warning about a Prometheus or Alertmanager Ingress without authentication.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { formatProblem } from "../../generator/src/validate/problem.js";

const catalogue = loadCatalogue();
const validate = createValidator(buildContract(catalogue).umbrella, catalogue);

describe("unit: ingress authentication in validate", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-ingress-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Problems about one component's ingress: `ingress: { enabled: true, host: x.example.com<extra> }`. */
  function problems(component: string, extra: string): string[] {
    const file = join(dir, "p.yaml");
    writeFileSync(file, `network-policies: { allowIngressFromNamespaces: [ingress] }\n${component}:\n  ingress: { enabled: true, host: x.example.com${extra} }\n`);
    return validate([file]).problems.filter((p) => p.path.includes("ingress")).map((p) => formatProblem(p).slice(file.length + 1));
  }

  it("warns at the ingress of Prometheus and of Alertmanager; not of Grafana, which has its own login", () => {
    expect(problems("alertmanager", "")).to.deep.equal([
      "3:3: alertmanager.ingress: warning: alertmanager.ingress exposes the Alertmanager UI and API (silences included) without authentication: set basicAuth (ingress-nginx), traefikBasicAuth (Traefik) or oauth2Proxy, or authenticatedElsewhere: true if something else guards it",
    ]);
    expect(problems("prometheus", "")).to.have.length(1);
    expect(problems("grafana", "")).to.deep.equal([]);
  });

  it("any of the three options, an auth annotation or the acknowledgement silences it", () => {
    for (const extra of [
      ", basicAuth: { secretName: s }",
      ", traefikBasicAuth: { secretName: s }",
      ", oauth2Proxy: { url: \"https://auth.example.com\" }",
      ", annotations: { nginx.ingress.kubernetes.io/auth-url: \"https://auth.example.com/check\" }",
      ", authenticatedElsewhere: true",
    ]) expect(problems("alertmanager", extra), extra).to.deep.equal([]);
  });

  it("two options at once are an error; an option the ingress class ignores is a warning", () => {
    expect(problems("prometheus", ", basicAuth: { secretName: s }, oauth2Proxy: { url: \"https://auth.example.com\" }")).to.deep.equal([
      "3:93: prometheus.ingress.oauth2Proxy: prometheus.ingress sets basicAuth and oauth2Proxy: choose one way to authenticate",
    ]);
    expect(problems("prometheus", ", className: traefik, basicAuth: { secretName: s }")).to.deep.equal([
      "3:81: prometheus.ingress.basicAuth: warning: basicAuth is enforced by ingress-nginx, but this Ingress' class is traefik: use traefikBasicAuth",
    ]);
  });
});
