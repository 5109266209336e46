// The egress a profile needs through the network policies (on by default): what the chart
// derives, and the warning, with its path, for each destination nothing allows.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { deepMerge, defaultsOf } from "../../generator/src/schema/defaults.js";
import type { PromstackValues } from "../../generator/src/types/values.js";
import { allows, derivedScrapeTargets } from "../../generator/src/validate/network-egress.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { formatProblem } from "../../generator/src/validate/problem.js";
import { parse } from "yaml";

const catalogue = loadCatalogue();
const contract = buildContract(catalogue).umbrella;
const validate = createValidator(contract, catalogue);
const defaults = defaultsOf(contract, contract) as Parameters<typeof deepMerge>[0];

describe("unit: network policy egress", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-egress-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The egress warnings of a profile, as validate prints them (file name dropped). */
  function warnings(text: string): string[] {
    const file = join(dir, "p.yaml");
    writeFileSync(file, text);
    return validate([file]).problems.filter((p) => /network policies/.test(p.message)).map((p) => formatProblem(p).slice(file.length + 1));
  }
  const values = (text: string) => deepMerge(defaults, parse(text)) as PromstackValues;

  it("network policies are on by default", () => {
    expect(values("{}")["network-policies"]?.enabled).to.equal(true);
  });

  it("derives the namespace and numbered port of pod-addressed Kubernetes jobs, and RabbitMQ's pods; nothing else", () => {
    const derived = derivedScrapeTargets(values(`
prometheus:
  scrapeJobs:
    - { name: app, kubernetes: { role: pod, namespaces: [shop], port: 8080 } }
    - { name: named, kubernetes: { role: endpoints, namespaces: [billing], port: metrics } }
    - { name: everywhere, kubernetes: { role: pod } }
    - { name: services, kubernetes: { role: service, namespaces: [shop] } }
  extraScrapeConfigs:
    - { job_name: raw, kubernetes_sd_configs: [{ role: pod, namespaces: { names: [raw-ns], own_namespace: true } }] }
    - { job_name: proxied, proxy_url: "http://proxy:3128", kubernetes_sd_configs: [{ role: pod, namespaces: { names: [other] } }] }
exporters:
  rabbitmq: { enabled: true, namespace: queues, podLabels: { app: rabbitmq } }
`));
    expect(derived).to.deep.equal([
      { namespaces: ["shop"], ports: [8080] },
      { namespaces: ["queues"], ports: [15692] },
    ]);
  });

  it("the new user's job in another namespace is derived: no warning", () => {
    expect(warnings("prometheus:\n  scrapeJobs:\n    - { name: app, kubernetes: { role: pod, namespaces: [shop], port: 8080 } }\n")).to.deep.equal([]);
  });

  it("warns, with the path and the entry to add, about each destination no entry allows", () => {
    const found = warnings(`prometheus:
  scrapeJobs:
    - { name: app, kubernetes: { role: pod, namespaces: [shop], port: 8080 } }
    - { name: api, static: { targets: ["api.shop.svc:9000", "10.1.2.3:9200", "api.example.com:8443"] } }
    - { name: everywhere, kubernetes: { role: pod, port: 9090 } }
    - { name: kubelets, kubernetes: { role: node } }
  remoteWrite:
    - url: https://mimir.example.com/api/v1/push
    - url: http://mimir.example.com:8080/api/v1/push
alertmanager:
  receivers:
    default:
      webhook:
        - url: http://hooks.example.com:5001/
        - url: http://localhost:5001/
    mail:
      email:
        - { to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:25" }
        - { to: a@example.com, from: b@example.com, smarthost: "smtp.example.com:587" }
`);
    expect(found).to.deep.equal([
      "4:40: prometheus.scrapeJobs[1].static.targets[0]: warning: prometheus.scrapeJobs[1] (job api) targets api.shop.svc:9000; the network policies allow no egress there (port 9000): add {namespaces: [shop], ports: [9000]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "4:61: prometheus.scrapeJobs[1].static.targets[1]: warning: prometheus.scrapeJobs[1] (job api) targets 10.1.2.3:9200; the network policies allow no egress there (port 9200): add {cidrs: [10.1.2.3/32], ports: [9200]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "4:78: prometheus.scrapeJobs[1].static.targets[2]: warning: prometheus.scrapeJobs[1] (job api) targets api.example.com:8443; the network policies allow no egress there (port 8443): add {cidrs: [<addresses of api.example.com>], ports: [8443]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "5:39: prometheus.scrapeJobs[2].kubernetes: warning: prometheus.scrapeJobs[2] (job everywhere) scrapes port 9090 of pods in every namespace; the network policies allow no egress there (port 9090): add {namespaces: [<the pods' namespaces>], ports: [9090]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "6:45: prometheus.scrapeJobs[3].kubernetes.role: warning: prometheus.scrapeJobs[3] (job kubelets) scrapes the kubelets; the network policies allow no egress there (port 10250): add {cidrs: [<the nodes' addresses>], ports: [10250]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "9:12: prometheus.remoteWrite[1].url: warning: prometheus.remoteWrite[1] sends to mimir.example.com:8080; the network policies allow no egress there (port 8080): add {cidrs: [<addresses of mimir.example.com>], ports: [8080]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "14:16: alertmanager.receivers.default.webhook[0].url: warning: alertmanager.receivers.default.webhook[0] sends to hooks.example.com:5001; the network policies allow no egress there (port 5001): add {cidrs: [<addresses of hooks.example.com>], ports: [5001]} to network-policies.alertmanagerEgress, or set network-policies.enabled: false",
      "18:64: alertmanager.receivers.mail.email[0].smarthost: warning: alertmanager.receivers.mail.email[0] sends mail to smtp.example.com:25; the network policies allow no egress there (port 25): add {cidrs: [<addresses of smtp.example.com>], ports: [25]} to network-policies.alertmanagerEgress, or set network-policies.enabled: false",
    ]);
  });

  it("a named port or a raw job's discovery: the namespaces are checked, the port cannot be", () => {
    const profile = `prometheus:
  scrapeJobs:
    - { name: named, kubernetes: { role: endpoints, namespaces: [billing], port: metrics } }
  extraScrapeConfigs:
    - { job_name: raw, kubernetes_sd_configs: [{ role: pod, namespaces: { names: [raw-ns] } }] }
`;
    expect(warnings(profile)).to.deep.equal([
      "3:34: prometheus.scrapeJobs[0].kubernetes: warning: prometheus.scrapeJobs[0] (job named) scrapes the port named metrics of pods in namespace billing; the network policies allow no egress there (its ports): add {namespaces: [billing], ports: [<the metrics port's number>]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
      "5:48: prometheus.extraScrapeConfigs[0].kubernetes_sd_configs[0]: warning: prometheus.extraScrapeConfigs[0] (job raw) discovers pods in namespace raw-ns; the network policies allow no egress there (its ports): add {namespaces: [raw-ns], ports: [<the metrics port's number>]} to network-policies.scrapeTargets, or set network-policies.enabled: false",
    ]);
    expect(warnings(`${profile}network-policies:\n  scrapeTargets: [{ namespaces: [billing, raw-ns], ports: [8080] }]\n`)).to.deep.equal([]);
  });

  it("an entry that allows the destination silences its warning; so does turning the policies off", () => {
    const profile = `prometheus:
  scrapeJobs:
    - { name: api, static: { targets: ["api.shop.svc:9000", "10.1.2.3:9200"] } }
alertmanager:
  receivers:
    default:
      webhook:
        - url: http://hooks.example.com:5001/
network-policies:
  scrapeTargets:
    - { namespaces: [shop], ports: [9000] }
    - { cidrs: [10.1.0.0/16], ports: [9200] }
  alertmanagerEgress:
    - { ports: [443, 587, 5001] }
`;
    expect(warnings(profile)).to.deep.equal([]);
    expect(warnings(profile.replace("10.1.0.0/16", "10.2.0.0/16"))).to.have.length(1);
    expect(warnings("network-policies: { enabled: false }\nprometheus:\n  scrapeJobs:\n    - { name: api, static: { targets: [\"api.example.com:8443\"] } }\n")).to.deep.equal([]);
  });

  it("warns when an ingress is on and no namespace may reach the UI", () => {
    expect(warnings("alertmanager:\n  ingress: { enabled: true, host: am.example.com, basicAuth: { secretName: am-auth } }\n")).to.deep.equal([
      "2:23: alertmanager.ingress.enabled: warning: alertmanager.ingress is enabled, but the network policies admit no ingress controller to alertmanager (9093): add the controller's namespace to network-policies.allowIngressFromNamespaces",
    ]);
  });

  it("allows: ports, namespaces, CIDRs, and entries that cannot be judged here", () => {
    const host = (h: string, port: number) => ({ port, address: { kind: "host" as const, host: h } });
    expect(allows({ ports: [443] }, host("example.com", 443))).to.equal(true);
    expect(allows({ ports: [443] }, host("example.com", 80))).to.equal(false);
    expect(allows({ cidrs: ["10.0.0.0/8"], ports: [80] }, host("10.9.8.7", 80))).to.equal(true);
    expect(allows({ cidrs: ["10.0.0.0/8"], ports: [80] }, host("192.168.0.1", 80))).to.equal(false);
    expect(allows({ cidrs: ["10.0.0.0/8"] }, host("example.com", 80)), "a host name may resolve into the block").to.equal(true);
    expect(allows({ namespaces: ["shop"] }, host("example.com", 80))).to.equal(false);
    expect(allows({ namespaces: ["shop"], ports: [80] }, { port: "unknown", address: { kind: "namespaces", namespaces: ["shop"] } }), "a named port may be 80").to.equal(true);
    expect(allows({ namespaces: ["other"], ports: [80] }, { port: "unknown", address: { kind: "namespaces", namespaces: ["shop"] } })).to.equal(false);
  });
});
