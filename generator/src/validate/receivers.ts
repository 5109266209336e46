// Checks of receivers and Alertmanager's global section that span several keys, so the schema
// cannot express them: a setting a receiver may leave to globalConfig must be set in one of the
// two (amtool refuses the config otherwise), a field set twice through a shorthand and its full
// form, and keys written under Helm's `alertmanager.global` that mean Alertmanager's global.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { paths } from "../paths.js";
import type { Findings, Segments } from "./findings.js";
import { suggestion } from "./schema-errors.js";

type Values = Record<string, unknown>;

function objectAt(value: unknown): Values {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Values) : {};
}

function propertiesOf(file: string, pointer: string[]): string[] {
  let node = JSON.parse(readFileSync(join(paths.schemas, file), "utf8")) as Values;
  for (const key of pointer) node = objectAt(node[key]);
  return Object.keys(objectAt(node.properties));
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Unknown keys under alertmanager.global, which Helm treats as its own global and drops. */
function checkHelmGlobal(profile: Values, findings: Findings): void {
  const global = objectAt(objectAt(profile.alertmanager).global);
  const known = propertiesOf("common.schema.json", ["definitions", "global"]);
  const alertmanagerKeys = propertiesOf("alertmanager.schema.json", ["properties", "globalConfig"]);
  for (const key of Object.keys(global)) {
    if (known.includes(key)) continue;
    const base = camel(key.replace(/_file$/, ""));
    const target = [base, `${base}Secret`, key].find((name) => alertmanagerKeys.includes(name));
    const message = target
      ? `unknown key "${key}": alertmanager.global is Helm's global (values shared with every subchart), not Alertmanager's; Alertmanager's global section is alertmanager.globalConfig: write alertmanager.globalConfig.${target}`
      : `unknown key "${key}": alertmanager.global is Helm's global and holds only ${known.join(", ")}${suggestion(key, known)} (Alertmanager's own global section is alertmanager.globalConfig)`;
    findings.add("error", ["alertmanager", "global", key], message, ["alertmanager", "global", key], true);
  }
}

/** alertmanager.smtp field -> the globalConfig key it is a shorthand for. */
const smtpShorthands: Record<string, string> = {
  smarthost: "smtpSmarthost",
  from: "smtpFrom",
  hello: "smtpHello",
  authUsername: "smtpAuthUsername",
  authPasswordSecret: "smtpAuthPasswordSecret",
  requireTls: "smtpRequireTls",
};

function checkSmtpTwice(profile: Values, findings: Findings): void {
  const alertmanager = objectAt(profile.alertmanager);
  const smtp = objectAt(alertmanager.smtp);
  const globalConfig = objectAt(alertmanager.globalConfig);
  for (const [short, full] of Object.entries(smtpShorthands)) {
    if (short in smtp && full in globalConfig) {
      findings.add("error", ["alertmanager", "smtp", short], `set twice: alertmanager.smtp.${short} and alertmanager.globalConfig.${full} are the same Alertmanager setting (${full.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/_secret$/, "_file")}); keep one`, ["alertmanager", "smtp", short], true);
    }
  }
}

/**
 * Per kind: groups of keys of which a config, or else globalConfig, must set one. Alertmanager
 * fills these from its global section and refuses the config when neither has them.
 */
const needsOneOf: Record<string, Array<{ own: string[]; global: string[]; what: string }>> = {
  slack: [{ own: ["apiUrlSecret", "apiUrl", "appTokenSecret"], global: ["slackApiUrlSecret", "slackAppTokenSecret"], what: "a Slack webhook URL or app token" }],
  opsgenie: [{ own: ["apiKeySecret"], global: ["opsgenieApiKeySecret"], what: "an Opsgenie API key" }],
  wechat: [
    { own: ["apiSecretSecret"], global: ["wechatApiSecretSecret"], what: "a WeChat API secret" },
    { own: ["corpId"], global: ["wechatApiCorpId"], what: "a WeChat corp ID" },
  ],
  victorops: [{ own: ["apiKeySecret"], global: ["victoropsApiKeySecret"], what: "a VictorOps API key" }],
  telegram: [{ own: ["botTokenSecret"], global: ["telegramBotTokenSecret"], what: "a Telegram bot token" }],
  rocketchat: [
    { own: ["tokenIdSecret"], global: ["rocketchatTokenIdSecret"], what: "a Rocket.Chat token ID" },
    { own: ["tokenSecret"], global: ["rocketchatTokenSecret"], what: "a Rocket.Chat token" },
  ],
  mattermost: [{ own: ["webhookUrlSecret"], global: ["mattermostWebhookUrlSecret"], what: "a Mattermost webhook URL" }],
  jira: [{ own: ["apiUrl"], global: ["jiraApiUrl"], what: "a Jira API URL" }],
  email: [
    { own: ["smarthost"], global: ["smtpSmarthost", "smarthost"], what: "an SMTP smarthost" },
    { own: ["from"], global: ["smtpFrom", "from"], what: "a sender address" },
  ],
};

const authKeys = ["authorization", "basicAuth", "oauth2", "bearerTokenSecret"];

/** Email header names are case-insensitive; threading writes References and In-Reply-To itself. */
function checkEmailHeaders(config: Values, segments: Segments, findings: Findings): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(objectAt(config.headers))) {
    const canonical = name.toLowerCase();
    const first = seen.get(canonical);
    if (first !== undefined) findings.add("error", [...segments, "headers", name], `header "${name}" repeats "${first}" (header names are case-insensitive)`, [...segments, "headers", name], true);
    seen.set(canonical, name);
    if (objectAt(config.threading).enabled === true && ["references", "in-reply-to"].includes(canonical)) {
      findings.add("error", [...segments, "headers", name], `header "${name}" conflicts with threading.enabled, which sets it`, [...segments, "headers", name], true);
    }
  }
}

/** A Slack app token becomes the request's Authorization, so it cannot meet another one. */
function checkSlackToken(config: Values, globals: Values, segments: Segments, findings: Findings): void {
  const ownAuthorization = "authorization" in objectAt(config.httpConfig);
  if ("appTokenSecret" in config && ownAuthorization) {
    findings.add("error", [...segments, "appTokenSecret"], "appTokenSecret and httpConfig.authorization exclude each other: the app token is sent as the Authorization header");
  }
  const ownTarget = ["apiUrlSecret", "apiUrl", "appTokenSecret"].some((key) => key in config);
  if (ownTarget || "slackApiUrlSecret" in globals || !("slackAppTokenSecret" in globals)) return;
  if (ownAuthorization) {
    findings.add("error", segments, "slack config relies on globalConfig.slackAppTokenSecret, which Alertmanager skips for a config with its own httpConfig.authorization; set apiUrl or apiUrlSecret here");
  } else if (!("httpConfig" in config) && "authorization" in objectAt(objectAt(globals.httpConfig))) {
    findings.add("error", segments, "slack config inherits globalConfig.httpConfig.authorization and globalConfig.slackAppTokenSecret, which Alertmanager refuses together; give this config its own httpConfig");
  }
}

function checkConfig(kind: string, config: Values, globals: Values, segments: Segments, findings: Findings): void {
  for (const need of needsOneOf[kind] ?? []) {
    if (need.own.some((key) => key in config) || need.global.some((key) => key in globals)) continue;
    const where = need.global.filter((key) => !["smarthost", "from"].includes(key)).map((key) => `alertmanager.globalConfig.${key}`);
    if (kind === "email") where.push(`alertmanager.smtp.${need.own[0]}`);
    findings.add("error", segments, `${kind} config needs ${need.what}: set ${need.own.join(" or ")} here, or ${where.join(" or ")} (Alertmanager refuses the config otherwise)`);
  }
  const httpConfig = objectAt(config.httpConfig);
  if (kind === "webhook" && "bearerTokenSecret" in config) {
    const other = authKeys.find((key) => key in httpConfig);
    if (other) findings.add("error", [...segments, "bearerTokenSecret"], `set twice: bearerTokenSecret is a shorthand for httpConfig.authorization, and httpConfig.${other} authenticates too; keep one`);
  }
  if (kind === "email" && "subject" in config) {
    const header = Object.keys(objectAt(config.headers)).find((name) => name.toLowerCase() === "subject");
    if (header) findings.add("error", [...segments, "subject"], `set twice: subject and headers.${header} are the same header; keep one`);
  }
  if (kind === "email") checkEmailHeaders(config, segments, findings);
  if (kind === "slack") checkSlackToken(config, globals, segments, findings);
  if (kind === "slack" && config.updateMessage === true && config.apiUrl !== "https://slack.com/api/chat.postMessage") {
    findings.add("error", [...segments, "updateMessage"], "updateMessage needs apiUrl: https://slack.com/api/chat.postMessage (a bot token in httpConfig.authorization); Alertmanager refuses it otherwise");
  }
}

export function checkReceivers(profile: Values, merged: Values, findings: Findings): void {
  checkHelmGlobal(profile, findings);
  checkSmtpTwice(profile, findings);
  const alertmanager = objectAt(merged.alertmanager);
  const globals = { ...objectAt(alertmanager.smtp), ...objectAt(alertmanager.globalConfig) };
  for (const [name, receiver] of Object.entries(objectAt(alertmanager.receivers))) {
    for (const [kind, configs] of Object.entries(objectAt(receiver))) {
      if (!Array.isArray(configs)) continue;
      configs.forEach((config, index) => checkConfig(kind, objectAt(config), globals, ["alertmanager", "receivers", name, kind, index], findings));
    }
  }
}
