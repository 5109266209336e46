import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { main } from "../../generator/src/cli.js";
import { importFiles, parseDottedPath } from "../../generator/src/import/index.js";
import { detectKind } from "../../generator/src/import/source.js";
import { freeKey, secretKey } from "../../generator/src/import/secrets.js";
import { repoRoot } from "../../generator/src/paths.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "import", name);

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("promstack import", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-import-unit-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("recognises each kind of input by its keys", () => {
    expect(detectKind({ route: {}, receivers: [] })).to.equal("alertmanager");
    expect(detectKind({ groups: [] })).to.equal("rules");
    expect(detectKind({ kind: "PrometheusRule", spec: {} })).to.equal("prometheus-rule");
    expect(detectKind({ global: {}, scrape_configs: [] })).to.equal("prometheus");
    expect(detectKind({ prometheus: { prometheusSpec: {} } })).to.equal("kube-prometheus-stack");
    expect(detectKind({ defaultRules: {} })).to.equal("kube-prometheus-stack");
    expect(detectKind({ something: 1 })).to.equal(undefined);
  });

  it("converts legacy match/match_re and source_match/target_match_re to matchers", () => {
    const { profile } = importFiles([{ file: fixture("alertmanager.yml") }]);
    const am = profile.alertmanager as Record<string, any>;
    expect(am.route.routes[0].matchers).to.deep.equal(['team="db"', 'service=~"pg|mysql"']);
    expect(am.route.routes[1]).to.deep.include({ continue: true, matchers: ['severity="critical"'] });
    expect(am.inhibitRules).to.deep.equal([{ sourceMatchers: ['severity="critical"'], targetMatchers: ['severity=~"warning|info"'], equal: ["alertname"] }]);
  });

  it("never writes an inline credential into the profile; the kubectl command holds it, or reads the source's file", () => {
    const result = importFiles([{ file: fixture("alertmanager.yml") }], { secretName: "team-creds" });
    for (const secret of ["abc123", "0123456789abcdef", "XXXXSECRET"]) expect(result.yaml).not.to.contain(secret);
    const receivers = (result.profile.alertmanager as Record<string, any>).receivers;
    expect(receivers.ops.webhook[0].urlSecret).to.deep.equal({ name: "team-creds", key: "ops-webhook-url" });
    expect(receivers.db.pagerduty[0].routingKeySecret).to.deep.equal({ name: "team-creds", key: "db-pagerduty-routing-key" });
    const command = result.secrets.command().join("\n");
    expect(command).to.contain("kubectl create secret generic team-creds");
    expect(command).to.contain("--from-literal=db-pagerduty-routing-key=0123456789abcdef");
    expect(command).to.contain("--from-file=db-email-auth-password=/etc/am/smtp-password");
    // The global section's Slack URL is a credential too: a Secret key, its value only in the command.
    expect((result.profile.alertmanager as Record<string, any>).globalConfig.slackApiUrlSecret).to.deep.equal({ name: "team-creds", key: "global-slack-api-url" });
    expect(command).to.contain("--from-literal=global-slack-api-url=https://hooks.slack.com/services/T000/B000/XXXXSECRET");
  });

  it("lists every key it cannot map as file:line: key: reason", () => {
    const { unmapped } = importFiles([{ file: fixture("alertmanager.yml") }, { file: fixture("kps-values.yaml") }]);
    const lines = unmapped.lines();
    expect(lines).to.include(`${fixture("alertmanager.yml")}:34: tracing: promstack does not configure Alertmanager tracing`);
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:19: prometheus.prometheusSpec.enableAdminAPI: `))).to.equal(true);
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:24: prometheus.prometheusSpec.additionalAlertManagerConfigs[1]: not mapped (dns_sd_configs)`)), lines.join("\n")).to.equal(true);
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:49: defaultRules.disabled.KubeSomethingNotInPromstack: `))).to.equal(true);
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:50: grafana: `))).to.equal(true);
  });

  it("maps kube-prometheus-stack's common keys", () => {
    const { profile } = importFiles([{ file: fixture("kps-values.yaml") }]);
    const p = profile.prometheus as Record<string, any>;
    expect(p.retention).to.deep.equal({ time: "30d" });
    expect(p.replicas).to.equal(2);
    expect(p.externalLabels).to.deep.equal({ cluster: "prod" });
    expect(p.scheduling).to.deep.equal({ nodeSelector: { role: "monitoring" } });
    expect(p.persistence).to.deep.equal({ enabled: true, size: "100Gi", storageClass: "fast" });
    expect(p.extraScrapeConfigs).to.deep.equal([{ job_name: "extra", static_configs: [{ targets: ["a:9100"] }] }]);
    expect(p.queryLogFile).to.equal("queries.log");
    expect(p.replicaExternalLabel).to.equal("prometheus_replica");
    expect(p.additionalAlertmanagers).to.deep.equal([{ targets: ["am-0.central:9093", "am-1.central:9093"], scheme: "https", pathPrefix: "/am", timeout: "5s" }]);
    expect(p.tsdb).to.deep.equal({ outOfOrderTimeWindow: "10m" });
    expect(p.remoteWrite).to.deep.equal([
      { url: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", sigv4: { region: "eu-west-1", roleArn: "arn:aws:iam::123456789012:role/amp" }, sendExemplars: true },
    ]);
    expect(p.remoteRead).to.deep.equal([
      { url: "https://thanos-query.example.com/api/v1/read", readRecent: true, oauth2: { clientId: "promstack", clientSecretSecret: { name: "oauth", key: "secret" }, tokenUrl: "https://auth.example.com/token" } },
    ]);
    expect(profile.global).to.deep.equal({ imageRegistry: "registry.example.com", imagePullSecrets: [{ name: "pull" }] });
    expect((profile.rules as Record<string, any>).node.NodeDown).to.deep.equal({ enabled: false });
    expect(profile.alertmanager).to.deep.include({ replicas: 3, retention: "240h" });
    expect(profile.alertmanager).to.deep.include({
      podLabels: { team: "observability" },
      podAnnotations: { "example.com/owner": "sre" },
      scheduling: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }] },
      secretMounts: ["alertmanager-extra"],
      extraVolumes: [{ name: "team-templates", configMap: { name: "team-alert-templates" } }],
      extraVolumeMounts: [{ name: "team-templates", mountPath: "/etc/alertmanager/extra/templates" }],
    });
  });

  it("writes a profile promstack validate accepts, whatever it could not map", () => {
    const result = importFiles([{ file: fixture("alertmanager.yml") }, { file: fixture("kps-values.yaml") }, { file: fixture("rules.yaml") }]);
    const file = join(dir, "all.yaml");
    writeFileSync(file, result.yaml);
    const catalogue = loadCatalogue();
    const report = createValidator(buildContract(catalogue).umbrella, catalogue)([file]);
    expect(report.errorCount, report.problems.map((p) => p.message).join("\n")).to.equal(0);
    expect(result.yaml).to.match(/^# Imported by `promstack import` from:/);
  });

  it("keeps the chart's default route where kube-prometheus-stack's config leaves it to that chart's defaults; a bare alertmanager.yml without a route is reported", () => {
    const kps = join(dir, "kps-partial-config.yaml");
    writeFileSync(kps, "alertmanager:\n  config:\n    global:\n      resolve_timeout: 10m\n");
    const result = importFiles([{ file: kps, kind: "kube-prometheus-stack" }]);
    expect(result.unmapped.lines()).to.deep.equal([]);
    const alertmanager = result.profile.alertmanager as Record<string, unknown>;
    expect(alertmanager.globalConfig).to.deep.equal({ resolveTimeout: "10m" });
    for (const key of ["route", "receivers", "inhibitRules"]) expect(alertmanager, key).to.not.have.property(key);
    expect(result.yaml).to.contain("It leaves route, receivers, inhibit_rules to kube-prometheus-stack's defaults");
    const file = join(dir, "kps-partial-profile.yaml");
    writeFileSync(file, result.yaml);
    const catalogue = loadCatalogue();
    expect(createValidator(buildContract(catalogue).umbrella, catalogue)([file]).errorCount).to.equal(0);

    const bare = join(dir, "no-route.yml");
    writeFileSync(bare, "receivers:\n- name: team\n");
    expect(importFiles([{ file: bare, kind: "alertmanager" }]).unmapped.lines()).to.include(`${bare}:1: (document): no route: Alertmanager refuses a configuration without one`);
  });

  it("names the value a profile needs that the sources leave out, exits 1 and writes nothing", async () => {
    const kps = join(dir, "kps-no-prometheus.yaml");
    writeFileSync(kps, "prometheus:\n  enabled: false\n");
    const output = join(dir, "never-written.yaml");
    const result = await cli(["import", "--kube-prometheus-stack", kps, "--output", output]);
    expect(result.code).to.equal(1);
    expect(result.err.join("\n")).to.match(/^promstack import: the sources leave the profile incomplete; add to it by hand: grafana\.datasources\.prometheus\.url: /m);
    expect(() => readFileSync(output)).to.throw(/ENOENT/);
  });

  it("exits 1 on unmapped keys unless --allow-partial, and 2 on a usage error", async () => {
    const output = join(dir, "cli.yaml");
    const partial = await cli(["import", "--alertmanager", fixture("alertmanager.yml"), "--output", output]);
    expect(partial.code).to.equal(1);
    expect(parse(readFileSync(output, "utf8"))).to.have.property("alertmanager");
    expect(partial.out.join("\n")).to.contain("kubectl create secret generic promstack-imported");
    expect((await cli(["import", "--alertmanager", fixture("alertmanager.yml"), "--output", output, "--allow-partial"])).code).to.equal(0);
    expect((await cli(["import", "--nope", "x"])).code).to.equal(2);
    expect((await cli(["import"])).code).to.equal(2);
  });

  it("mounts every file a scrape config names: a Secret for credentials and TLS files, a ConfigMap per directory for file_sd targets", () => {
    const source = fixture("files/prometheus.yml");
    const result = importFiles([{ file: source }], { secretName: "team-files" });
    const p = result.profile.prometheus as Record<string, any>;
    expect(p.secretMounts).to.deep.equal(["team-files"]);
    expect(p.configMapMounts).to.deep.equal(["team-files-file-sd", "team-files-file-sd-2"]);
    const jobs = Object.fromEntries((p.extraScrapeConfigs as Array<Record<string, any>>).map((job) => [job.job_name, job]));
    // Two files named ca.pem in different directories are two keys; the same file twice is one.
    expect(jobs.node.tls_config).to.deep.equal({ ca_file: "/etc/prometheus/secrets/team-files/ca.pem" });
    expect(jobs.node.authorization).to.deep.equal({ credentials_file: "/etc/prometheus/secrets/team-files/token" });
    expect(jobs.node.file_sd_configs).to.deep.equal([{ files: ["/etc/prometheus/configmaps/team-files-file-sd/*.yml", "/etc/prometheus/configmaps/team-files-file-sd-2/extra.json"] }]);
    expect(jobs.api.tls_config).to.deep.equal({
      ca_file: "/etc/prometheus/secrets/team-files/ca-2.pem",
      cert_file: "/etc/prometheus/secrets/team-files/client.crt",
      key_file: "/etc/prometheus/secrets/team-files/client.key",
    });
    expect(jobs.api.bearer_token_file).to.equal("/etc/prometheus/secrets/team-files/token");
    expect(jobs.api.http_headers).to.deep.equal({ "X-Api-Key": { files: ["/etc/prometheus/secrets/team-files/api-key"] } });
    // What the pod already mounts (the service account) stays as written.
    expect(jobs.kubelet.tls_config.ca_file).to.equal("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
    // remote_write's typed Secret reference reuses the key of the same file.
    expect(p.remoteWrite[0].tls).to.deep.equal({ caSecret: { name: "team-files", key: "ca.pem" } });

    // Each key is created from the source's file, resolved from the source's directory.
    const files = join(repoRoot, "test", "fixtures", "import", "files");
    const command = result.secrets.command().join("\n");
    expect(command).to.contain("kubectl create secret generic team-files");
    for (const option of [`--from-file=ca.pem=${files}/certs/a/ca.pem`, `--from-file=ca-2.pem=${files}/certs/b/ca.pem`, `--from-file=token=${files}/token`, "--from-file=client.crt=/etc/pki/client.crt", "--from-file=client.key=/etc/pki/client.key", `--from-file=api-key=${files}/headers/api-key`])
      expect(command).to.contain(option);
    expect(command.match(/--from-file=/g)).to.have.length(6);
    expect(command).to.match(/# client\.crt: .*cert_file \(read from the file the source names; not found here, run this where it is\)/);
    const configMaps = result.configMaps.commands().join("\n");
    expect(configMaps).to.contain(`kubectl create configmap team-files-file-sd \\\n  --from-file=db.yml=${files}/targets/db.yml \\\n  --from-file=web.yml=${files}/targets/web.yml`);
    expect(configMaps).to.contain(`kubectl create configmap team-files-file-sd-2 \\\n  --from-file=extra.json=${files}/more/extra.json`);
    expect(configMaps).to.contain(`# team-files-file-sd-2: not found here (run this where they are): ${files}/more/extra.json`);

    // A job the contract refuses (a log file outside the data volume) is reported whole, and its file is not in the Secret.
    expect(jobs.logged).to.equal(undefined);
    expect(result.unmapped.lines()).to.deep.equal([
      `${source}:29: scrape_configs[3]: not expressible in this promstack contract (prometheus.extraScrapeConfigs[3]: /var/log/prometheus/failures.log is not in a writable mount of the Prometheus pod (the only one is /prometheus/))`,
    ]);
    expect(command).not.to.contain("only-logged");

    const file = join(dir, "files.yaml");
    writeFileSync(file, result.yaml);
    const catalogue = loadCatalogue();
    const report = createValidator(buildContract(catalogue).umbrella, catalogue)([file]);
    expect(report.errorCount, report.problems.map((p) => p.message).join("\n")).to.equal(0);
  });

  it("maps prometheus.yml's alerting.alertmanagers, keep_dropped_targets, storage.tsdb and otlp; reports what the contract lacks", () => {
    writeFileSync(join(dir, "am-password"), "s3cret\n");
    writeFileSync(join(dir, "am-ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    const source = join(dir, "prometheus-alerting.yml");
    writeFileSync(source, [
      "global: { scrape_interval: 30s, keep_dropped_targets: 50 }",
      "alerting:",
      "  alertmanagers:",
      "    - static_configs: [{ targets: [am-0.example:9093] }, { targets: [am-1.example:9093] }]",
      "      scheme: https",
      "      path_prefix: /am",
      "      timeout: 5s",
      "      basic_auth: { username: prom, password_file: am-password }",
      "      tls_config: { ca_file: am-ca.crt }",
      "    - static_configs: [{ targets: [] }]",
      "    - dns_sd_configs: [{ names: [am.example] }]",
      "storage: { tsdb: { out_of_order_time_window: 10m }, exemplars: { max_exemplars: 1000 } }",
      "otlp: { promote_resource_attributes: [service.name], convert_histograms_to_nhcb: true, label_name_underscore_sanitization: true }",
    ].join("\n"));
    const result = importFiles([{ file: source }]);
    const prometheus = result.profile.prometheus as Record<string, any>;
    expect(prometheus.keepDroppedTargets).to.equal(50);
    expect(prometheus.tsdb).to.deep.equal({ outOfOrderTimeWindow: "10m" });
    expect(prometheus.otlp).to.deep.equal({ promoteResourceAttributes: ["service.name"], convertHistogramsToNHCB: true, labelNameUnderscoreSanitization: true });
    expect(prometheus.additionalAlertmanagers).to.have.length(1);
    const [am] = prometheus.additionalAlertmanagers;
    expect(am).to.deep.include({ targets: ["am-0.example:9093", "am-1.example:9093"], scheme: "https", pathPrefix: "/am", timeout: "5s" });
    expect(Object.keys(am.basicAuth).sort()).to.deep.equal(["passwordSecret", "usernameSecret"]);
    expect(Object.keys(am.tls)).to.deep.equal(["caSecret"]);
    expect(JSON.stringify(result.profile)).to.not.contain("prom\"").and.not.contain("s3cret");
    expect(result.unmapped.entries.map((e) => e.key).sort()).to.deep.equal(["alerting.alertmanagers[2]", "storage.exemplars"]);
    const file = join(dir, "alerting-profile.yaml");
    writeFileSync(file, result.yaml);
    const catalogue = loadCatalogue();
    const report = createValidator(buildContract(catalogue).umbrella, catalogue)([file]);
    expect(report.errorCount, report.problems.map((p) => p.message).join("\n")).to.equal(0);
  });

  it("moves a raw scrape config's inline credential to its Secret where Prometheus reads it from a file, and reports it where not", async () => {
    const source = join(dir, "prometheus-inline.yml");
    writeFileSync(source, [
      "scrape_configs:",
      "  - job_name: api",
      "    authorization: { credentials: t0ken }",
      "    static_configs: [{ targets: [api.example:9100] }]",
      "  - job_name: droplets",
      "    digitalocean_sd_configs: [{ basic_auth: { username: ops, password: pa55 } }]",
      "  - job_name: ec2",
      "    ec2_sd_configs: [{ region: eu-west-1, access_key: AKIAEXAMPLE, secret_key: s3cret }]",
    ].join("\n"));
    const result = importFiles([{ file: source }]);
    const jobs = (result.profile.prometheus as Record<string, any>).extraScrapeConfigs as Array<Record<string, any>>;
    const secretsDir = "/etc/prometheus/secrets/promstack-imported";
    expect(jobs.find((j) => j.job_name === "api")!.authorization).to.deep.equal({ credentials_file: `${secretsDir}/api-credentials` });
    expect(jobs.find((j) => j.job_name === "droplets")!.digitalocean_sd_configs[0].basic_auth).to.deep.equal({ username: "ops", password_file: `${secretsDir}/droplets-password` });
    expect((result.profile.prometheus as Record<string, any>).secretMounts).to.deep.equal(["promstack-imported"]);
    const command = result.secrets.command().join("\n");
    expect(command).to.contain("--from-literal=api-credentials=t0ken").and.contain("--from-literal=droplets-password=pa55");
    expect(JSON.stringify(result.profile)).to.not.contain("t0ken").and.not.contain("pa55").and.not.contain("s3cret");
    // EC2's keys have no file form: both are reported (import exits 1 unless --allow-partial).
    expect(result.unmapped.entries.map((e) => e.key)).to.include.members(["scrape_configs[2].ec2_sd_configs[0].access_key", "scrape_configs[2].ec2_sd_configs[0].secret_key"]);
    expect(command).to.not.contain("s3cret");
  });

  it("reads a relative *_file of Alertmanager from the alertmanager.yml's directory", () => {
    const source = fixture("files/alertmanager/alertmanager.yml");
    const result = importFiles([{ file: source }]);
    const hook = (result.profile.alertmanager as Record<string, any>).receivers.hook.webhook[0];
    expect(hook.httpConfig.tlsConfig.caSecret).to.deep.equal({ name: "promstack-imported", key: "hook-webhook-ca" });
    expect(result.secrets.command().join("\n")).to.contain(`--from-file=hook-webhook-ca=${fixture("files/alertmanager/ca.pem")}`);
    expect(result.unmapped.entries).to.deep.equal([]);
  });

  it("keeps the paths of kube-prometheus-stack's mounted Secrets and ConfigMaps (prometheusSpec.secrets, configMaps)", () => {
    const values = join(dir, "kps-files.yaml");
    writeFileSync(
      values,
      [
        "prometheus:",
        "  prometheusSpec:",
        "    secrets: [etcd-certs]",
        "    configMaps: [sd-targets]",
        "    additionalScrapeConfigs:",
        "      - job_name: etcd",
        "        tls_config: { ca_file: /etc/prometheus/secrets/etcd-certs/ca.crt, cert_file: client.crt, key_file: client.key }",
        "        file_sd_configs: [{ files: [/etc/prometheus/configmaps/sd-targets/*.json] }]",
      ].join("\n"),
    );
    const result = importFiles([{ file: values }]);
    const p = result.profile.prometheus as Record<string, any>;
    expect(p.secretMounts).to.deep.equal(["etcd-certs", "promstack-imported"]);
    expect(p.configMapMounts).to.deep.equal(["sd-targets"]);
    expect(p.extraScrapeConfigs[0].tls_config).to.deep.equal({
      ca_file: "/etc/prometheus/secrets/etcd-certs/ca.crt",
      cert_file: "/etc/prometheus/secrets/promstack-imported/client.crt",
      key_file: "/etc/prometheus/secrets/promstack-imported/client.key",
    });
    expect(p.extraScrapeConfigs[0].file_sd_configs).to.deep.equal([{ files: ["/etc/prometheus/configmaps/sd-targets/*.json"] }]);
    expect(result.configMaps.names).to.deep.equal([]);
    expect(result.unmapped.entries).to.deep.equal([]);
  });

  it("prints the Secret and ConfigMap commands and counts them", async () => {
    const output = join(dir, "files-cli.yaml");
    const run = await cli(["import", "--prometheus", fixture("files/prometheus.yml"), "--output", output, "--allow-partial"]);
    expect(run.code).to.equal(0);
    const out = run.out.join("\n");
    expect(out).to.contain("# 6 credential(s) and file(s) go to the Secret promstack-imported; create it with:");
    expect(out).to.contain("# file_sd target files go to the ConfigMap(s) promstack-imported-file-sd, promstack-imported-file-sd-2; create them with:");
    expect(out).to.contain("kubectl create configmap promstack-imported-file-sd \\");
    expect(run.err.at(-1)).to.equal(`import: 1 document(s), 1 unmapped key(s), 6 Secret key(s), 2 ConfigMap(s); wrote ${output}`);
    expect(readFileSync(output, "utf8")).to.contain("# file_sd target files are in the ConfigMap(s) promstack-imported-file-sd, promstack-imported-file-sd-2");
  });

  it("reads validate's dotted paths back and makes valid Secret keys", () => {
    expect(parseDottedPath('alertmanager.receivers["a b"].slack[0].apiUrlSecret')).to.deep.equal(["alertmanager", "receivers", "a b", "slack", 0, "apiUrlSecret"]);
    expect(secretKey("team-X pager/service_key")).to.equal("team-x-pager-service-key");
    const taken = new Set(["ca.pem", "ca-2.pem", "token"]);
    expect(freeKey("ca.pem", (k) => taken.has(k))).to.equal("ca-3.pem");
    expect(freeKey("token", (k) => taken.has(k))).to.equal("token-2");
    expect(freeKey("client.crt", (k) => taken.has(k))).to.equal("client.crt");
    expect(freeKey("team.x-slack-api-url", (k) => k === "team.x-slack-api-url")).to.equal("team.x-slack-api-url-2");
  });
});
