// Every service discovery Prometheus compiles in, judged by promtool: for each, a list of cases
// (the empty config, a minimal valid one, one per rule of its UnmarshalYAML), each a raw job of
// prometheus.extraScrapeConfigs. Static validate (no tools) must refuse a case exactly when
// promtool check config --syntax-only refuses the prometheus.yml the chart renders from it.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { SCRAPE_CONFIG_SCHEMA_FILE } from "../../generator/src/schema/gen-scrape-config.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { repoRoot, run, tools } from "../helpers/tools.js";

type Obj = Record<string, unknown>;
const F = "/etc/prometheus/secrets/sd"; // a mounted Secret: validate accepts files named in it
const UUID = "0c6c1ffa-6d1b-4b4e-9a5c-1f1b8e8f0a11";

// Per discovery: [case name, its one <sd>_sd_configs entry]. Names say what the case breaks.
const CASES: Record<string, Array<[string, Obj]>> = {
  aws: [["empty", {}], ["minimal", { role: "ec2" }], ["bad-role", { role: "ec3" }], ["bearer-twice-unchecked", { role: "ec2", bearer_token: "t", bearer_token_file: `${F}/t` }], ["tls-cert-without-key", { role: "ec2", tls_config: { cert_file: `${F}/c` } }]],
  azure: [
    ["empty", {}],
    ["minimal", { subscription_id: "s", tenant_id: "t", client_id: "c", client_secret: "x" }],
    ["oauth-without-tenant", { subscription_id: "s", client_id: "c", client_secret: "x" }],
    ["managed-identity", { subscription_id: "s", authentication_method: "ManagedIdentity" }],
    ["bad-method", { subscription_id: "s", authentication_method: "Password" }],
  ],
  consul: [
    ["empty", {}],
    ["blank-server", { server: "  " }],
    ["username-and-basic-auth", { username: "u", basic_auth: { username: "v" } }],
    ["token-and-authorization", { token: "t", authorization: { credentials: "c" } }],
    ["username-and-bearer", { username: "u", bearer_token: "b" }],
    ["bearer", { server: "localhost:8500", bearer_token: "b" }],
  ],
  digitalocean: [
    ["empty", {}],
    ["bad-role", { role: "kubernetes" }],
    ["bearer-twice", { bearer_token: "a", bearer_token_file: `${F}/t` }],
    ["authorization-basic", { authorization: { type: "Basic", credentials: "c" } }],
    ["oauth2-without-token-url", { oauth2: { client_id: "a" } }],
    ["oauth2", { oauth2: { client_id: "a", token_url: "http://t/token" } }],
  ],
  dns: [["empty", {}], ["minimal", { names: ["_prometheus._tcp.example.com"] }], ["a-without-port", { names: ["a.example.com"], type: "A" }], ["a-lowercase-port", { names: ["a.example.com"], type: "a", port: 80 }], ["bad-type", { names: ["a"], type: "TXT" }], ["no-names", { names: [] }]],
  docker: [["empty", {}], ["minimal", { host: "unix:///var/run/docker.sock" }], ["host-bracket", { host: "http://[::1" }], ["host-bad-port", { host: "tcp://docker:port" }]],
  dockerswarm: [["empty", {}], ["minimal", { host: "unix:///var/run/docker.sock", role: "tasks" }], ["no-role", { host: "unix:///var/run/docker.sock" }], ["bad-role", { host: "unix:///var/run/docker.sock", role: "pods" }]],
  ec2: [["empty", {}], ["filter-without-values", { filters: [{ name: "a", values: [] }] }], ["filter", { filters: [{ name: "a", values: ["b"] }] }], ["proxy-url-and-environment", { proxy_url: "http://proxy:3128", proxy_from_environment: true }]],
  ecs: [["empty", {}], ["no-concurrency", { request_concurrency: 0 }], ["concurrency", { request_concurrency: 5 }]],
  elasticache: [["empty", {}], ["negative-concurrency", { request_concurrency: -1 }]],
  eureka: [["empty", {}], ["minimal", { server: "http://eureka:8761/eureka" }], ["no-scheme", { server: "eureka:8761" }], ["path-only", { server: "/eureka" }]],
  file: [["empty", {}], ["minimal", { files: [`${F}/*.json`] }], ["bad-extension", { files: [`${F}/targets.txt`] }], ["glob-in-directory", { files: ["/etc/prometheus/secrets/*/x.json"] }]],
  gce: [["empty", {}], ["minimal", { project: "p", zone: "europe-west1-b" }], ["no-zone", { project: "p" }]],
  hetzner: [["empty", {}], ["minimal", { role: "hcloud" }], ["bad-role", { role: "cloud" }]],
  http: [["empty", {}], ["minimal", { url: "http://sd.example.com/targets" }], ["ftp", { url: "ftp://sd/targets" }], ["no-host", { url: "http:///targets" }], ["bad-port", { url: "http://sd:port/" }], ["two-colons", { url: "http://sd:a:80/" }], ["ipv6", { url: "http://[::1]:8080/sd" }], ["bad-escape", { url: "http://sd/%zz" }]],
  ionos: [["empty", {}], ["minimal", { datacenter_id: "d" }], ["reserved-header", { datacenter_id: "d", http_headers: { authorization: { values: ["x"] } } }], ["header", { datacenter_id: "d", http_headers: { "X-Scope": { values: ["x"] } } }]],
  kubernetes: [
    ["empty", {}],
    ["minimal", { role: "pod" }],
    ["custom-http-without-api-server", { role: "pod", bearer_token: "t" }],
    ["custom-http-with-api-server", { role: "pod", api_server: "https://kubernetes.default.svc", bearer_token: "t" }],
    ["kubeconfig-and-api-server", { role: "pod", kubeconfig_file: `${F}/kubeconfig`, api_server: "https://k" }],
    ["node-with-pod-selector", { role: "node", selectors: [{ role: "pod", label: "a=b" }] }],
    ["duplicate-selector", { role: "pod", selectors: [{ role: "pod" }, { role: "pod" }] }],
    ["api-server-and-own-namespace", { role: "pod", api_server: "https://k", namespaces: { own_namespace: true } }],
    ["default-redirects", { role: "pod", follow_redirects: true }],
    ["bad-api-server", { role: "pod", api_server: "https://k:port" }],
  ],
  kuma: [["empty", {}], ["minimal", { server: "http://kuma:5676" }], ["no-scheme", { server: "kuma:5676" }]],
  lightsail: [["empty", {}], ["basic-auth-and-bearer", { basic_auth: { username: "u" }, bearer_token: "t" }]],
  linode: [["empty", {}], ["connect-header-without-proxy", { proxy_connect_header: { "X-A": ["a"] } }], ["no-proxy-without-proxy-url", { no_proxy: "internal" }]],
  marathon: [["empty", {}], ["minimal", { servers: ["http://marathon:8080"] }], ["token-twice", { servers: ["http://m"], auth_token: "a", auth_token_file: `${F}/t` }], ["token-and-basic-auth", { servers: ["http://m"], auth_token: "a", basic_auth: { username: "u" } }]],
  msk: [["empty", {}], ["negative-concurrency", { request_concurrency: -1 }]],
  nerve: [["empty", {}], ["minimal", { servers: ["zk:2181"], paths: ["/nerve"] }], ["relative-path", { servers: ["zk:2181"], paths: ["nerve"] }], ["no-paths", { servers: ["zk:2181"] }]],
  nomad: [["empty", {}], ["blank-server", { server: " \t" }], ["tls-key-twice", { tls_config: { cert_file: `${F}/c`, key: "k", key_file: `${F}/k` } }]],
  oci: [
    ["empty", {}],
    ["minimal", { region: "us-ashburn-1", tenancy: "t", user: "u", fingerprint: "f", key_file: `${F}/key.pem` }],
    ["api-key-without-credentials", { region: "us-ashburn-1" }],
    ["instance-principal", { region: "us-ashburn-1", auth: "instance_principal" }],
    ["instance-principal-with-user", { region: "us-ashburn-1", auth: "instance_principal", user: "u" }],
    ["zero-refresh", { region: "us-ashburn-1", auth: "instance_principal", refresh_interval: "0s" }],
    ["empty-compartment", { region: "us-ashburn-1", auth: "instance_principal", compartments: [""] }],
  ],
  openstack: [["empty", {}], ["minimal", { role: "instance", region: "r" }], ["bad-availability", { role: "instance", region: "r", availability: "private" }], ["no-region", { role: "instance" }]],
  outscale: [["empty", {}], ["minimal", { access_key: "a", secret_key: "s" }], ["no-secret", { access_key: "a" }], ["secret-twice", { access_key: "a", secret_key: "s", secret_key_file: `${F}/s` }]],
  ovhcloud: [
    ["empty", {}],
    ["minimal", { application_key: "a", application_secret: "b", consumer_key: "c", service: "vps" }],
    ["bad-service", { application_key: "a", application_secret: "b", consumer_key: "c", service: "cloud" }],
    ["empty-endpoint", { endpoint: "", application_key: "a", application_secret: "b", consumer_key: "c", service: "vps" }],
  ],
  rds: [["empty", {}], ["filter-without-values-unchecked", { filters: [{ name: "a", values: [] }] }], ["no-concurrency", { request_concurrency: 0 }]],
  puppetdb: [["empty", {}], ["minimal", { url: "https://puppetdb", query: 'resources { type = "Class" }' }], ["no-query", { url: "https://puppetdb" }]],
  scaleway: [
    ["empty", {}],
    ["minimal", { role: "instance", project_id: UUID, access_key: "SCWXXXXXXXXXXXXXXXXX", secret_key: UUID }],
    ["secret-file", { role: "instance", project_id: UUID, access_key: "SCWXXXXXXXXXXXXXXXXX", secret_key_file: `${F}/s` }],
    ["bad-access-key", { role: "instance", project_id: UUID, access_key: "key", secret_key: UUID }],
    ["bad-zone", { role: "instance", project_id: UUID, access_key: "SCWXXXXXXXXXXXXXXXXX", secret_key: UUID, zone: "paris" }],
    ["no-secret", { role: "instance", project_id: UUID, access_key: "SCWXXXXXXXXXXXXXXXXX" }],
    ["api-url-slash", { role: "instance", project_id: UUID, access_key: "SCWXXXXXXXXXXXXXXXXX", secret_key: UUID, api_url: "https://api.scaleway.com/" }],
  ],
  serverset: [["empty", {}], ["minimal", { servers: ["zk:2181"], paths: ["/serverset"] }], ["relative-path", { servers: ["zk:2181"], paths: ["serverset"] }]],
  stackit: [["empty", {}], ["no-region-no-endpoint", { region: "" }], ["endpoint", { region: "", endpoint: "https://stackit.example.com" }], ["bad-endpoint", { endpoint: "http://h:port" }]],
  triton: [["empty", {}], ["minimal", { account: "a", dns_suffix: "d", endpoint: "e" }], ["bad-role", { account: "a", dns_suffix: "d", endpoint: "e", role: "vm" }], ["zero-refresh", { account: "a", dns_suffix: "d", endpoint: "e", refresh_interval: "0s" }]],
  uyuni: [["empty", {}], ["minimal", { server: "https://uyuni", username: "u", password: "p" }], ["no-password", { server: "https://uyuni", username: "u" }], ["space-in-host", { server: "http://uy uni", username: "u", password: "p" }]],
  vultr: [["empty", {}], ["key-without-cert", { tls_config: { key_file: `${F}/k` } }], ["ca-twice", { tls_config: { ca: "x", ca_file: `${F}/ca` } }]],
};

// The scrape config's own rules, as jobs without a discovery.
const JOBS: Array<[string, Obj]> = [
  ["url-target", { static_configs: [{ targets: ["http://a:9100/metrics"] }] }],
  ["url-target-relabelled", { static_configs: [{ targets: ["http://a:9100/metrics"] }], relabel_configs: [{ target_label: "x", replacement: "z" }] }],
  ["url-target-blackbox", { static_configs: [{ targets: ["https://example.com/health"] }], relabel_configs: [{ source_labels: ["__address__"], target_label: "__param_target" }, { target_label: "__address__", replacement: "blackbox:9115" }] }],
  ["timeout-over-global-interval", { static_configs: [{ targets: ["a:1"] }], scrape_timeout: "1m" }],
  ["timeout-under-interval", { static_configs: [{ targets: ["a:1"] }], scrape_interval: "2m", scrape_timeout: "1m" }],
  ["timeout-over-interval", { static_configs: [{ targets: ["a:1"] }], scrape_interval: "10s", scrape_timeout: "20s" }],
  ["bearer-and-authorization", { static_configs: [{ targets: ["a:1"] }], bearer_token: "t", authorization: { credentials: "c" } }],
  ["oauth2-proxy-env-and-url", { static_configs: [{ targets: ["a:1"] }], oauth2: { client_id: "a", token_url: "http://t", proxy_url: "http://p", proxy_from_environment: true } }],
];

const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());

describe("semantics: every service discovery's rules, validate against promtool", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-sd-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("has cases for each of the 36 discoveries the pinned Prometheus compiles in", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schemas", SCRAPE_CONFIG_SCHEMA_FILE), "utf8")) as { definitions: { promRawScrapeConfig: { properties: Obj } } };
    const discoveries = Object.keys(schema.definitions.promRawScrapeConfig.properties).filter((key) => key.endsWith("_sd_configs")).map((key) => key.replace(/_sd_configs$/, ""));
    expect(Object.keys(CASES).sort()).to.deep.equal(discoveries.sort()).and.to.have.length(36);
  });

  it("validate --no-tools refuses a case exactly when promtool refuses its render", function () {
    this.timeout(300_000);
    const cases = [
      ...Object.entries(CASES).flatMap(([sd, list]) => list.map(([name, config]) => ({ job_name: `${sd}/${name}`, [`${sd}_sd_configs`]: [config] }) as Obj)),
      ...JOBS.map(([name, job]) => ({ job_name: `scrape/${name}`, ...job })),
    ];
    const profileOf = (jobs: Obj[]) => ({ prometheus: { secretMounts: ["sd"], extraScrapeConfigs: jobs } });
    // Static validate, one profile per case.
    const verdicts = cases.map((job, index) => {
      const file = join(dir, `case-${index}.yaml`);
      writeFileSync(file, stringify(profileOf([job])));
      const report = validate([file]);
      return { job, accepted: report.errorCount === 0, why: report.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join("; ") };
    });
    // One render of every case (Helm's schema check off: it refuses the cases validate refuses).
    const all = join(dir, "all.yaml");
    writeFileSync(all, stringify(profileOf(cases)));
    const rendered = parse(configMapData(parseObjects(helmTemplate([all], ["--skip-schema-validation"])), `${RELEASE}-prometheus`, "prometheus.yml")) as Obj & { scrape_configs: Obj[] };
    // Helm's own values.schema.json check admits every case validate accepts.
    const accepted = join(dir, "accepted.yaml");
    writeFileSync(accepted, stringify(profileOf(verdicts.filter((v) => v.accepted).map((v) => v.job))));
    helmTemplate([accepted]);
    const { scrape_config_files: _files, rule_files: _rules, ...base } = rendered;
    const disagreements: string[] = [];
    verdicts.forEach(({ job, accepted: valid, why }, index) => {
      const renderedJob = rendered.scrape_configs.find((j) => j.job_name === job.job_name);
      expect(renderedJob, `${String(job.job_name)} rendered as written`).to.deep.equal(job);
      const config = join(dir, `prometheus-${index}.yml`);
      writeFileSync(config, stringify({ ...base, scrape_configs: [renderedJob] }));
      const promtool = run(tools.promtool, ["check", "config", "--syntax-only", config]);
      const refusal = `${promtool.stdout}${promtool.stderr}`.trim().split("\n").filter((line) => /FAILED|error/i.test(line)).join(" ");
      if (valid !== (promtool.status === 0)) disagreements.push(`${String(job.job_name)}: validate ${valid ? "accepts" : `refuses (${why})`}, promtool ${promtool.status === 0 ? "accepts" : `refuses (${refusal})`}`);
    });
    console.log(`      service discoveries: validate and promtool agree on ${cases.length - disagreements.length}/${cases.length} cases (${verdicts.filter((v) => !v.accepted).length} refused)`);
    expect(disagreements).to.deep.equal([]);
  });

  it("Helm's values.schema.json refuses an empty discovery the schema can judge (ionos without datacenter_id)", () => {
    const file = join(dir, "ionos.yaml");
    writeFileSync(file, stringify({ prometheus: { extraScrapeConfigs: [{ job_name: "ionos", ionos_sd_configs: [{}] }] } }));
    expect(() => helmTemplate([file])).to.throw(/datacenter_id/);
  });
});
