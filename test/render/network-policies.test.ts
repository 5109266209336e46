// The rendered NetworkPolicies judged by cyclonus (offline policy engine): a truth table of
// connections between the stack's pods, an ingress controller, DNS, the nodes and the
// outside, each expected allowed or denied exactly as the chart README documents.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NAMESPACE, RELEASE, type K8sObject } from "../helpers/render.js";
import { profileFiles, run } from "../helpers/tools.js";
import { parse } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { deepMerge, defaultsOf } from "../../generator/src/schema/defaults.js";
import type { PromstackValues } from "../../generator/src/types/values.js";
import { derivedScrapeTargets } from "../../generator/src/validate/network-egress.js";
import { caseName, fixture, renderCases, rendered } from "./cases.js";

const contract = buildContract(loadCatalogue()).umbrella;
const defaults = defaultsOf(contract, contract) as Parameters<typeof deepMerge>[0];

interface Peer {
  Internal?: { PodLabels: Record<string, string>; NamespaceLabels: Record<string, string>; Namespace: string };
  IP: string;
}

let nextIp = 10;
/** A pod of a namespace; components of the release carry the chart's labels. */
function pod(namespace: string, labels: Record<string, string>): Peer {
  return { Internal: { PodLabels: labels, NamespaceLabels: { "kubernetes.io/metadata.name": namespace }, Namespace: namespace }, IP: `10.244.0.${nextIp++}` };
}
const component = (name: string) => pod(NAMESPACE, { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": RELEASE });
const external = (ip: string): Peer => ({ IP: ip });

const prometheus = component("prometheus");
const alertmanager = component("alertmanager");
const alertmanager2 = component("alertmanager");
const grafana = component("grafana");
const receiver = component("alert-receiver");
const kubeStateMetrics = component("kube-state-metrics");
const postgresExporter = component("postgres-exporter");
const ingressController = pod("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" });
const appPod = pod("apps", { app: "shop" });
const dns = pod("kube-system", { "k8s-app": "kube-dns" });
const thanosQuery = pod("thanos", { "app.kubernetes.io/name": "thanos-query" });
const node = external("192.168.1.20");
const apiServer = external("192.168.1.10");
const slack = external("203.0.113.10");

type Case = [string, Peer, Peer, number, "TCP" | "UDP", boolean];

function cyclonus(): string {
  const value = process.env.CYCLONUS;
  if (!value) throw new Error("CYCLONUS is not set: run the tests through make");
  return value;
}

/** Verdicts of cyclonus for each connection, in order. */
function verdicts(policies: K8sObject[], cases: Case[], dir: string): boolean[] {
  const list = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicyList", items: policies.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: p.metadata.namespace ?? NAMESPACE } })) };
  writeFileSync(join(dir, "policies.json"), JSON.stringify(list));
  const traffic = cases.map(([, source, destination, port, protocol]) => ({ Source: source, Destination: destination, ResolvedPort: port, ResolvedPortName: "", Protocol: protocol }));
  writeFileSync(join(dir, "traffic.json"), JSON.stringify(traffic));
  const result = run(cyclonus(), ["analyze", "--mode", "query-traffic", "--policy-path", join(dir, "policies.json"), "--traffic-path", join(dir, "traffic.json")]);
  expect(result.status, result.stdout + result.stderr).to.equal(0);
  const answers = [...result.stdout.matchAll(/IS ALLOWED\?\s*\|\s*(true|false)/gi)].map((m) => m[1]!.toLowerCase() === "true");
  expect(answers, "one verdict per connection").to.have.length(cases.length);
  return answers;
}

function policiesOf(file: string): K8sObject[] {
  return rendered(file).filter((o) => o.kind === "NetworkPolicy");
}

// Connection, source, destination, port, protocol, allowed.
const documentedPaths: Case[] = [
  ["Prometheus → Alertmanager (alerts)", prometheus, alertmanager, 9093, "TCP", true],
  ["Alertmanager ↔ Alertmanager gossip over TCP", alertmanager, alertmanager2, 9094, "TCP", true],
  ["Alertmanager ↔ Alertmanager gossip over UDP", alertmanager2, alertmanager, 9094, "UDP", true],
  ["Alertmanager → alert receiver", alertmanager, receiver, 8080, "TCP", true],
  ["Alertmanager → Slack/PagerDuty (HTTPS)", alertmanager, slack, 443, "TCP", true],
  ["Alertmanager → SMTP submission", alertmanager, slack, 587, "TCP", true],
  ["Grafana → Prometheus", grafana, prometheus, 9090, "TCP", true],
  ["Prometheus → Grafana metrics", prometheus, grafana, 3000, "TCP", true],
  ["Prometheus → kube-state-metrics", prometheus, kubeStateMetrics, 8080, "TCP", true],
  ["Prometheus → postgres exporter", prometheus, postgresExporter, 9187, "TCP", true],
  ["Prometheus → alert receiver metrics", prometheus, receiver, 8080, "TCP", true],
  ["Prometheus → node-exporter on a node", prometheus, node, 9100, "TCP", true],
  ["Prometheus → Kubernetes API", prometheus, apiServer, 6443, "TCP", true],
  ["kube-state-metrics → Kubernetes API", kubeStateMetrics, apiServer, 443, "TCP", true],
  ["postgres exporter → PostgreSQL", postgresExporter, external("10.0.5.5"), 5432, "TCP", true],
  ["ingress controller → Prometheus UI", ingressController, prometheus, 9090, "TCP", true],
  ["ingress controller → Alertmanager UI", ingressController, alertmanager, 9093, "TCP", true],
  ["ingress controller → Grafana UI", ingressController, grafana, 3000, "TCP", true],
  ["Prometheus → DNS (UDP)", prometheus, dns, 53, "UDP", true],
  ["Alertmanager → DNS (TCP)", alertmanager, dns, 53, "TCP", true],
  ["alert receiver → DNS", receiver, dns, 53, "UDP", true],
  ["Grafana → Alertmanager gossip", grafana, alertmanager, 9094, "TCP", false],
  ["Prometheus → Alertmanager gossip (UDP)", prometheus, alertmanager, 9094, "UDP", false],
  ["ingress controller → Alertmanager gossip", ingressController, alertmanager, 9094, "UDP", false],
  ["Alertmanager → Prometheus", alertmanager, prometheus, 9090, "TCP", false],
  ["Alertmanager → plain HTTP outside", alertmanager, slack, 80, "TCP", false],
  ["alert receiver → the outside", receiver, slack, 443, "TCP", false],
  ["kube-state-metrics → Alertmanager", kubeStateMetrics, alertmanager, 9093, "TCP", false],
  ["a pod of another namespace → Prometheus", appPod, prometheus, 9090, "TCP", false],
  ["a pod of another namespace → Alertmanager", appPod, alertmanager, 9093, "TCP", false],
  ["Grafana → the outside", grafana, slack, 443, "TCP", false],
  ["postgres exporter → Alertmanager", postgresExporter, alertmanager, 9093, "TCP", false],
];

describe("render: network policies, judged by cyclonus", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-netpol-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe(caseName(fixture("all-enabled.yaml")), () => {
    const cases: Case[] = [
      ...documentedPaths,
      ["Grafana → Alertmanager (data source on)", grafana, alertmanager, 9093, "TCP", true],
      ["Prometheus → a listed scrape target", prometheus, appPod, 8080, "TCP", true],
      ["Prometheus → an unlisted port of that target", prometheus, appPod, 9999, "TCP", false],
      ["Prometheus → remote_write CIDR", prometheus, external("203.0.113.50"), 443, "TCP", true],
      ["Thanos Query → the Thanos sidecar's Store API", thanosQuery, prometheus, 10901, "TCP", true],
      ["another pod of Thanos Query's namespace → the Store API", pod("thanos", { "app.kubernetes.io/name": "thanos-store" }), prometheus, 10901, "TCP", false],
      ["Thanos Query → Prometheus' own port", thanosQuery, prometheus, 9090, "TCP", false],
      ["Grafana → the Store API", grafana, prometheus, 10901, "TCP", false],
      ["Thanos sidecar → object storage (objectStorageEgress)", prometheus, external("198.51.100.7"), 9000, "TCP", true],
      ["Thanos sidecar → that port outside objectStorageEgress", prometheus, external("192.0.2.7"), 9000, "TCP", false],
    ];
    let answers: boolean[];
    before(() => (answers = verdicts(policiesOf(fixture("all-enabled.yaml")), cases, dir)));
    cases.forEach(([name, , , port, protocol, allowed], index) => {
      it(`${allowed ? "allows" : "denies"} ${name} (${port}/${protocol})`, () => expect(answers[index]).to.equal(allowed));
    });
  });

  for (const name of ["jobpilot", "gorax"]) {
    describe(`${name}.yaml`, () => {
      const file = profileFiles().find((f) => f.endsWith(`/${name}.yaml`))!;
      const own = pod(name, { app: name === "gorax" ? "gorax-api" : "rabbitmq" });
      const cases: Case[] = [
        ["Alertmanager ↔ Alertmanager gossip over TCP", alertmanager, alertmanager2, 9094, "TCP", true],
        ["Alertmanager ↔ Alertmanager gossip over UDP", alertmanager, alertmanager2, 9094, "UDP", true],
        ["Prometheus → Alertmanager", prometheus, alertmanager, 9093, "TCP", true],
        ["Grafana → Prometheus", grafana, prometheus, 9090, "TCP", true],
        ["Grafana → Alertmanager", grafana, alertmanager, 9093, "TCP", name === "jobpilot"],
        ["Prometheus → the application's metrics", prometheus, own, name === "gorax" ? 9090 : 15692, "TCP", true],
        ["Alertmanager → PagerDuty/Slack", alertmanager, slack, 443, "TCP", true],
      ];
      let answers: boolean[];
      before(() => (answers = verdicts(policiesOf(file), cases, dir)));
      cases.forEach(([label, , , port, protocol, allowed], index) => {
        it(`${allowed ? "allows" : "denies"} ${label} (${port}/${protocol})`, () => expect(answers[index]).to.equal(allowed));
      });
    });
  }

  describe("scrape-other-namespace.yaml: a new user's job in another namespace, policies on by default", () => {
    const shop = pod("shop", { app: "shop" });
    const cases: Case[] = [
      ["Prometheus → the job's pods on its port (derived)", prometheus, shop, 8080, "TCP", true],
      ["Prometheus → another port of those pods", prometheus, shop, 9999, "TCP", false],
      ["Prometheus → port 8080 in a namespace no job names", prometheus, appPod, 8080, "TCP", false],
      ["Prometheus → a host name's address (validate warns instead)", prometheus, external("198.51.100.7"), 9400, "TCP", false],
      ["Alertmanager → Slack/PagerDuty (HTTPS)", alertmanager, slack, 443, "TCP", true],
    ];
    let answers: boolean[];
    before(() => (answers = verdicts(policiesOf(fixture("scrape-other-namespace.yaml")), cases, dir)));
    cases.forEach(([name, , , port, protocol, allowed], index) => {
      it(`${allowed ? "allows" : "denies"} ${name} (${port}/${protocol})`, () => expect(answers[index]).to.equal(allowed));
    });
  });

  // The chart derives egress in Helm; validate mirrors it to know what not to warn about.
  for (const file of [...renderCases, fixture("scrape-other-namespace.yaml")]) {
    it(`${caseName(file)}: Prometheus' policy has exactly the egress validate expects the chart to derive`, () => {
      const values = deepMerge(defaults, (parse(readFileSync(file, "utf8")) ?? {}) as Parameters<typeof deepMerge>[1]) as PromstackValues;
      const policy = policiesOf(file).find((p) => p.metadata.name === `${RELEASE}-prometheus`) as any;
      const derived = derivedScrapeTargets(values, NAMESPACE);
      const expected = derived.map((t) => ({
        to: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: t.namespaces }] } }],
        ports: (t.ports ?? []).map((port) => ({ port, protocol: "TCP" })),
      }));
      // The derived rules come last, after the listed scrapeTargets.
      const rendered = policy && derived.length ? (policy.spec.egress as unknown[]).slice(-derived.length) : [];
      expect(rendered).to.deep.equal(expected);
    });
  }

  it("the check can fail: a policy that opens 9094 to TCP only denies UDP gossip", () => {
    const policies = structuredClone(policiesOf(fixture("all-enabled.yaml"))) as any[];
    const policy = policies.find((p) => p.metadata.name === `${RELEASE}-alertmanager`);
    for (const rule of [...policy.spec.ingress, ...policy.spec.egress]) {
      if (rule.ports) rule.ports = rule.ports.filter((p: any) => p.protocol !== "UDP");
    }
    const [tcp, udp] = verdicts(policies, [
      ["gossip TCP", alertmanager, alertmanager2, 9094, "TCP", true],
      ["gossip UDP", alertmanager, alertmanager2, 9094, "UDP", false],
    ], dir);
    expect([tcp, udp]).to.deep.equal([true, false]);
  });

  it("default deny covers every pod of the release, in and out", () => {
    const deny = policiesOf(fixture("all-enabled.yaml")).find((p) => p.metadata.name === `${RELEASE}-default-deny`) as any;
    expect(deny.spec.podSelector).to.deep.equal({ matchLabels: { "app.kubernetes.io/instance": RELEASE } });
    expect(deny.spec.policyTypes).to.deep.equal(["Ingress", "Egress"]);
    expect(deny.spec.ingress).to.equal(undefined);
    expect(deny.spec.egress).to.equal(undefined);
  });
});
