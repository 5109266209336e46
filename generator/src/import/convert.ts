// Alertmanager's snake_case configuration to the contract's camelCase, for receivers and the
// global section: keys are camel-cased, free-form maps keep the user's keys, and every
// credential becomes a Secret reference (`x_file: path` and inline `x: value` both give
// `xSecret: {name, key}`).
import type { UnmappedReport } from "./report.js";
import type { SecretSink } from "./secrets.js";
import { isMapping, type Path, type Src, type Where } from "./source.js";

export interface ConvertContext {
  sink: SecretSink;
  report: UnmappedReport;
  /** Records where the value at a path relative to the converted object came from. */
  note: (path: Path, where: Where, comment?: string) => void;
}

export function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Maps whose keys are the user's (header names, PagerDuty details, Jira fields, ...). */
const FREE_FORM = new Set(["headers", "details", "custom_fields", "attributes", "http_headers", "proxy_connect_header", "endpoint_params", "fields"]);

/** Keys that hold a credential inline, in any Alertmanager integration or in http_config. */
const CREDENTIALS = new Set([
  "password", "auth_password", "auth_secret", "credentials", "bearer_token", "client_secret", "api_key", "api_secret",
  "service_key", "user_key", "token", "bot_token", "token_id", "webhook_url", "alert_source_token",
  "secret_key", "key", "app_token",
  // Alertmanager's global section
  "slack_api_url", "slack_app_token", "smtp_auth_password", "smtp_auth_secret", "opsgenie_api_key", "victorops_api_key", "wechat_api_secret",
  "rocketchat_token", "rocketchat_token_id", "telegram_bot_token", "mattermost_webhook_url",
]);

/** Whether a key holds a credential in this kind of config (Slack's api_url is its webhook with the token). */
function isCredential(kind: string, key: string, value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (CREDENTIALS.has(key)) return key !== "key" || /-----BEGIN/.test(value);
  if (key === "api_url" && kind === "slack") return true;
  // PagerDuty's routing key is its integration key; VictorOps' routing_key only names a route.
  if (key === "routing_key" && kind === "pagerduty") return true;
  if (key === "url" && (kind === "webhook" || kind === "incidentio")) return urlCarriesToken(value);
  return false;
}

/** A URL with a password, or a query parameter named like a credential. */
export function urlCarriesToken(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.password) return true;
    return [...url.searchParams.keys()].some((name) => /token|key|secret|sig|auth|code|pass|signature/i.test(name));
  } catch {
    return false;
  }
}

/**
 * Converts one config mapping. `kind` names the integration (slack, webhook, ..., or global);
 * `hint` prefixes Secret key names.
 */
export function convertConfig(src: Src, kind: string, hint: string, ctx: ConvertContext, rel: Path = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const value = src.value;
  if (!isMapping(value)) return out;
  for (const [key, field] of Object.entries(value)) {
    const where = src.where([key]);
    if (field === null || field === undefined) continue; // Alertmanager reads an empty key as unset
    if (key.endsWith("_file") && typeof field === "string") {
      const target = `${camel(key.slice(0, -"_file".length))}Secret`;
      out[target] = ctx.sink.file(`${hint}-${key.slice(0, -5)}`, field, where);
      ctx.note([...rel, target], where, `${key}: ${field} (the Secret key is created from that file)`);
    } else if (isCredential(kind, key, field)) {
      const target = `${camel(key)}Secret`;
      out[target] = ctx.sink.literal(`${hint}-${key}`, field as string, where);
      ctx.note([...rel, target], where, `${key}: inline credential, moved to a Secret`);
    } else if (FREE_FORM.has(key) && isMapping(field)) {
      out[camel(key)] = field;
      ctx.note([...rel, camel(key)], where);
    } else if (isMapping(field)) {
      out[camel(key)] = convertConfig(src.sub([key]), kind, hint, ctx, [...rel, camel(key)]);
      ctx.note([...rel, camel(key)], where);
    } else if (Array.isArray(field)) {
      out[camel(key)] = field.map((item, i) => (isMapping(item) ? convertConfig(src.sub([key, i]), kind, hint, ctx, [...rel, camel(key), i]) : item));
      ctx.note([...rel, camel(key)], where);
    } else {
      out[camel(key)] = field;
      ctx.note([...rel, camel(key)], where);
    }
  }
  return out;
}
