// Receivers and Alertmanager's global section: the fixture that uses every integration with
// every class of field renders to a config amtool accepts, and the rendered receivers carry
// the fixture's values in Alertmanager's own names (computed here from the fixture, not copied
// from a render), with every Secret the config reads mounted.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { configMapData, find, helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { repoRoot, run, tools } from "../helpers/tools.js";

type Values = Record<string, unknown>;
const fixture = join(repoRoot, "test", "fixtures", "all-integrations.yaml");
const secretsRoot = "/etc/alertmanager/secrets";

// Alertmanager's YAML names are the snake_case of ours: sendResolved -> send_resolved.
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const isSecretRef = (value: unknown): value is { name: string; key: string } =>
  !!value && typeof value === "object" && typeof (value as Values).name === "string" && typeof (value as Values).key === "string";

/** Every {name, key} object anywhere in the values: what the fixture asks to be mounted. */
function secretNames(value: unknown, out = new Set<string>()): Set<string> {
  if (isSecretRef(value)) out.add(value.name);
  else if (Array.isArray(value)) value.forEach((item) => secretNames(item, out));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => secretNames(item, out));
  return out;
}

describe("semantics: every Alertmanager integration (test/fixtures/all-integrations.yaml)", () => {
  let dir: string;
  let objects: K8sObject[];
  let config: Values;
  let source: { alertmanager: { receivers: Record<string, Record<string, Values[]>>; globalConfig: Values } };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-receivers-"));
    objects = parseObjects(helmTemplate([fixture]));
    const data = (find(objects, "ConfigMap", `${RELEASE}-alertmanager`) as unknown as { data: Record<string, string> }).data;
    for (const [file, content] of Object.entries(data)) writeFileSync(join(dir, file), content.split("/etc/alertmanager/config/").join(`${dir}/`));
    config = parse(configMapData(objects, `${RELEASE}-alertmanager`, "alertmanager.yml")) as Values;
    source = parse(readFileSync(fixture, "utf8")) as typeof source;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("amtool check-config accepts the rendered config", () => {
    const result = run(tools.amtool, ["check-config", join(dir, "alertmanager.yml")]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("SUCCESS");
  });

  it("amtool refuses a field left in our camelCase (the check can fail)", () => {
    const broken = structuredClone(config) as { receivers: Array<Record<string, Values[]>> };
    broken.receivers[0]!.slack_configs![0]!.sendResolved = true;
    const file = join(dir, "camel.yml");
    writeFileSync(file, JSON.stringify(broken));
    const result = run(tools.amtool, ["check-config", file]);
    expect(result.status).to.not.equal(0);
    expect(result.stdout + result.stderr).to.contain("sendResolved");
  });

  it("each receiver has one <kind>_configs list per kind, with every config of the fixture", () => {
    const rendered = config.receivers as Array<Values & { name: string }>;
    for (const [name, receiver] of Object.entries(source.alertmanager.receivers)) {
      const out = rendered.find((r) => r.name === name);
      expect(out, name).to.not.equal(undefined);
      const kinds = Object.keys(receiver).filter((key) => key !== "labels");
      expect(Object.keys(out!).filter((key) => key.endsWith("_configs")).sort(), name).to.deep.equal(kinds.map((kind) => `${kind}_configs`).sort());
      for (const kind of kinds) expect((out![`${kind}_configs`] as unknown[]).length, `${name}.${kind}`).to.equal(receiver[kind]!.length);
      if (receiver.labels) expect(out!.labels, `${name}.labels`).to.deep.equal(receiver.labels);
    }
  });

  it("plain fields keep their value under the snake_case name; Secrets become *_file paths; free-form maps keep their keys", () => {
    const freeForm = ["headers", "details", "customFields", "attributes", "payload"];
    const shorthands = ["subject", "alertReceiverPath", "bearerTokenSecret"];
    const rendered = config.receivers as Array<Values & { name: string }>;
    let checked = 0;
    for (const [name, receiver] of Object.entries(source.alertmanager.receivers)) {
      const out = rendered.find((r) => r.name === name)!;
      for (const [kind, configs] of Object.entries(receiver)) {
        if (kind === "labels") continue;
        configs.forEach((values, index) => {
          const got = (out[`${kind}_configs`] as Values[])[index]!;
          for (const [key, value] of Object.entries(values)) {
            const where = `${name}.${kind}[${index}].${key}`;
            if (shorthands.includes(key)) continue;
            if (key.endsWith("Secret") && isSecretRef(value)) {
              expect(got[`${snake(key.slice(0, -"Secret".length))}_file`], where).to.equal(`${secretsRoot}/${value.name}/${value.key}`);
            } else if (freeForm.includes(key) || (key === "fields" && !Array.isArray(value))) {
              // The user's keys, as written (email headers also hold the chart's default Subject).
              for (const [inner, innerValue] of Object.entries(value as Values)) expect((got[snake(key)] as Values)[inner], `${where}.${inner}`).to.deep.equal(innerValue);
            } else if (value === null || typeof value !== "object") {
              expect(got[snake(key)], where).to.equal(value);
            } else {
              continue;
            }
            checked += 1;
          }
        });
      }
    }
    expect(checked).to.be.greaterThan(200);
  });

  it("httpConfig reaches Alertmanager nested, with its credentials and header files as mounted paths", () => {
    const webhook = (source.alertmanager.receivers.default!.webhook![0]!.httpConfig ?? {}) as {
      oauth2: { clientSecretSecret: { name: string; key: string }; endpointParams: Values; tokenUrl: string };
      tlsConfig: { keySecret: { name: string; key: string } };
      httpHeaders: Record<string, { values?: string[]; files?: Array<{ name: string; key: string }> }>;
    };
    const receivers = config.receivers as Array<Values & { name: string }>;
    const got = ((receivers.find((r) => r.name === "default")!.webhook_configs as Values[])[0]!.http_config ?? {}) as Values & {
      oauth2: Values;
      tls_config: Values;
      http_headers: Record<string, Values>;
    };
    expect(got.oauth2.client_secret_file).to.equal(`${secretsRoot}/${webhook.oauth2.clientSecretSecret.name}/${webhook.oauth2.clientSecretSecret.key}`);
    expect(got.oauth2.token_url).to.equal(webhook.oauth2.tokenUrl);
    expect(got.oauth2.endpoint_params).to.deep.equal(webhook.oauth2.endpointParams);
    expect(got.tls_config.key_file).to.equal(`${secretsRoot}/${webhook.tlsConfig.keySecret.name}/${webhook.tlsConfig.keySecret.key}`);
    for (const [header, spec] of Object.entries(webhook.httpHeaders)) {
      expect(got.http_headers[header], header).to.deep.equal({
        ...(spec.values ? { values: spec.values } : {}),
        ...(spec.files ? { files: spec.files.map((ref) => `${secretsRoot}/${ref.name}/${ref.key}`) } : {}),
      });
    }
  });

  it("globalConfig becomes Alertmanager's global section", () => {
    const global = config.global as Values;
    for (const [key, value] of Object.entries(source.alertmanager.globalConfig)) {
      if (key.endsWith("Secret") && isSecretRef(value)) expect(global[`${snake(key.slice(0, -"Secret".length))}_file`], key).to.equal(`${secretsRoot}/${value.name}/${value.key}`);
      else if (value === null || typeof value !== "object") expect(global[snake(key)], key).to.equal(value);
    }
  });

  it("every Secret the fixture names is mounted into Alertmanager", () => {
    const statefulSet = find(objects, "StatefulSet", `${RELEASE}-alertmanager`) as unknown as { spec: { template: { spec: { volumes: Array<{ secret?: { secretName: string } }> } } } };
    const mounted = statefulSet.spec.template.spec.volumes.flatMap((volume) => (volume.secret ? [volume.secret.secretName] : []));
    expect(mounted.sort()).to.deep.equal([...secretNames(source.alertmanager)].sort());
  });
});

describe("semantics: a Telegram chat ID survives Helm's float64 numbers", () => {
  it("renders -1001234567890 as an integer amtool reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "promstack-telegram-"));
    try {
      const values = join(dir, "values.yaml");
      writeFileSync(values, "alertmanager:\n  receivers:\n    default:\n      telegram: [{ chatId: -1001234567890, botTokenSecret: { name: t, key: token } }]\n");
      const objects = parseObjects(helmTemplate([values]));
      const text = configMapData(objects, `${RELEASE}-alertmanager`, "alertmanager.yml");
      expect(text).to.contain("chat_id: -1001234567890");
      mkdirSync(join(dir, "am"));
      writeFileSync(join(dir, "am", "alertmanager.yml"), text.replace(/\/etc\/alertmanager\/config\/\*\.tmpl/, join(dir, "am", "*.tmpl")));
      const result = run(tools.amtool, ["check-config", join(dir, "am", "alertmanager.yml")]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Receiver settings amtool refuses: validate must refuse each too, with a message that says
// why (soundness). The real judge is helm's schema check or amtool check-config.
describe("semantics: receiver settings amtool refuses, validate refuses first", () => {
  const receiver = (body: string, globalConfig = "") =>
    `alertmanager:\n${globalConfig ? `  globalConfig:\n    ${globalConfig}\n` : ""}  receivers:\n    default:\n      ${body}\n`;
  const cases: Array<[string, string, string]> = [
    ["basic-type", receiver('webhook: [{ url: "http://x.example/", httpConfig: { authorization: { type: Basic, credentialsSecret: { name: s, key: a } } } }]'), "use basicAuth"],
    ["reserved-header", receiver('webhook: [{ url: "http://x.example/", httpConfig: { httpHeaders: { user-agent: { values: [x] } } } }]'), "a header the HTTP client sets itself"],
    ["no-proxy-alone", receiver('webhook: [{ url: "http://x.example/", httpConfig: { noProxy: localhost } }]'), "must have property proxyUrl"],
    ["proxy-env-and-url", receiver('webhook: [{ url: "http://x.example/", httpConfig: { proxyFromEnvironment: true, proxyUrl: "http://p.example:3128" } }]'), "proxyFromEnvironment excludes proxyUrl"],
    ["oauth2-without-client", receiver('webhook: [{ url: "http://x.example/", httpConfig: { oauth2: { tokenUrl: "http://t.example/" } } }]'), 'missing required key "clientId"'],
    ["tls-key-without-cert", receiver('webhook: [{ url: "http://x.example/", httpConfig: { tlsConfig: { keySecret: { name: s, key: k } } } }]'), 'a "certSecret" key'],
    ["webex-without-token", receiver("webex: [{ roomId: r }]"), 'missing required key "httpConfig"'],
    ["telegram-chat-zero", receiver("telegram: [{ chatId: 0, botTokenSecret: { name: s, key: t } }]"), "0 is not a chat ID"],
    ["victorops-reserved-field", receiver("victorops: [{ routingKey: r, apiKeySecret: { name: s, key: k }, customFields: { entity_state: x } }]"), "a field Alertmanager sets itself"],
    ["jira-without-url", receiver("jira: [{ project: P, issueType: Bug }]"), "needs a Jira API URL"],
    ["slack-update-with-webhook", receiver("slack: [{ apiUrlSecret: { name: s, key: u }, updateMessage: true }]"), "updateMessage needs apiUrl"],
    ["slack-app-token-and-authorization", receiver("slack: [{ appTokenSecret: { name: s, key: t }, httpConfig: { authorization: { credentialsSecret: { name: s, key: a } } } }]"), "exclude each other"],
    ["slack-global-token-own-authorization", receiver("slack: [{ channel: x, httpConfig: { authorization: { credentialsSecret: { name: s, key: a } } } }]", "slackAppTokenSecret: { name: s, key: t }"), "Alertmanager skips"],
    ["email-thread-without-date", receiver('email: [{ to: a@example.com, smarthost: "h:25", threading: { enabled: true } }]', "smtpFrom: a@example.com"), 'missing required key "threadByDate"'],
    ["email-header-twice", receiver('email: [{ to: a@example.com, smarthost: "h:25", headers: { X-A: x, x-a: z } }]', "smtpFrom: a@example.com"), "header names are case-insensitive"],
    ["incidentio-http-without-auth", receiver('incidentio: [{ url: "https://x.example/", httpConfig: { followRedirects: true } }]'), "needs authorization, or alertSourceTokenSecret"],
    ["wechat-without-corp", receiver("wechat: [{ apiSecretSecret: { name: s, key: t } }]"), "needs a WeChat corp ID"],
  ];
  let dir: string;
  let report: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-receiver-cases-"));
    for (const [name, text] of cases) writeFileSync(join(dir, `${name}.yaml`), text);
    const result = run(process.execPath, [join(repoRoot, "bin", "promstack.js"), "validate", ...cases.map(([name]) => join(dir, `${name}.yaml`))]);
    report = result.stdout + result.stderr;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, , message] of cases) {
    it(name, () => {
      const file = join(dir, `${name}.yaml`);
      const lines = report.split("\n").filter((line) => line.startsWith(`${file}:`) && !line.includes("warning:"));
      expect(lines.join("\n"), report).to.contain(message);
      // The real tools agree: helm's schema check or amtool refuses the same profile.
      const rendered = run(tools.helm, ["template", RELEASE, join(repoRoot, "charts", "promstack"), "--namespace", "monitoring", "-f", file]);
      if (rendered.status !== 0) return;
      const amDir = join(dir, `${name}-am`);
      mkdirSync(amDir);
      const text = configMapData(parseObjects(rendered.stdout), `${RELEASE}-alertmanager`, "alertmanager.yml");
      writeFileSync(join(amDir, "alertmanager.yml"), text.replace(/\/etc\/alertmanager\/config\/\*\.tmpl/, join(amDir, "*.tmpl")));
      const checked = run(tools.amtool, ["check-config", join(amDir, "alertmanager.yml")]);
      expect(checked.status, `amtool accepted what validate refused:\n${text}`).to.not.equal(0);
    });
  }
});
