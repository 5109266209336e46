import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { main } from "../../generator/src/cli.js";
import { importFiles, parseDottedPath } from "../../generator/src/import/index.js";
import { detectKind } from "../../generator/src/import/source.js";
import { secretKey } from "../../generator/src/import/secrets.js";
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
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:27: defaultRules.disabled.KubeSomethingNotInPromstack: `))).to.equal(true);
    expect(lines.some((l) => l.startsWith(`${fixture("kps-values.yaml")}:28: grafana: `))).to.equal(true);
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
    expect(profile.global).to.deep.equal({ imageRegistry: "registry.example.com", imagePullSecrets: ["pull"] });
    expect((profile.rules as Record<string, any>).node.NodeDown).to.deep.equal({ enabled: false });
    expect(profile.alertmanager).to.deep.include({ replicas: 3, retention: "240h" });
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

  it("reads validate's dotted paths back and makes valid Secret keys", () => {
    expect(parseDottedPath('alertmanager.receivers["a b"].slack[0].apiUrlSecret')).to.deep.equal(["alertmanager", "receivers", "a b", "slack", 0, "apiUrlSecret"]);
    expect(secretKey("team-X pager/service_key")).to.equal("team-x-pager-service-key");
  });
});
