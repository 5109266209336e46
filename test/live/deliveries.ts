// What a profile says should happen to an alert, computed from the rendered alertmanager.yml
// by amtool (routing), and matched against what arrived at the receiver and the sinks.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { run, tools } from "../helpers/tools.js";
import type { Arrival } from "./sinks.js";

export interface Delivery {
  kind: Arrival["kind"];
  receiver: string;
  /** Position of the integration within its receiver (sinks), or the webhook path (alert receiver). */
  index: number;
  route?: string;
  sendResolved: boolean;
}

/** Alertmanager's send_resolved defaults per integration. */
const SEND_RESOLVED_DEFAULT: Record<string, boolean> = {
  webhook_configs: true,
  pagerduty_configs: true,
  discord_configs: true,
  msteams_configs: true,
  msteamsv2_configs: true,
  slack_configs: false,
  email_configs: false,
};

const KIND: Record<string, Arrival["kind"]> = {
  webhook_configs: "webhook",
  pagerduty_configs: "pagerduty",
  discord_configs: "discord",
  msteams_configs: "msteams",
  msteamsv2_configs: "msteams",
  slack_configs: "slack",
  email_configs: "email",
};

/** Receivers an alert with these labels is routed to, in tree order, by `amtool config routes test`. */
export function routedReceivers(renderedConfig: string, labels: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), "promstack-live-routes-"));
  try {
    const file = join(dir, "alertmanager.yml");
    writeFileSync(file, renderedConfig);
    const args = ["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    const result = run(tools.amtool, args);
    if (result.status !== 0) throw new Error(`amtool ${args.join(" ")}: ${result.stdout}${result.stderr}`);
    return result.stdout.trim().split(",").filter((r) => r !== "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The integrations of `receivers`: one expected arrival each per notification. */
export function deliveriesOf(renderedConfig: string, receivers: string[]): Delivery[] {
  const config = parse(renderedConfig) as { receivers?: Array<Record<string, unknown>> };
  const out: Delivery[] = [];
  for (const name of receivers) {
    const receiver = (config.receivers ?? []).find((r) => r["name"] === name);
    if (!receiver) throw new Error(`no receiver ${name}`);
    let index = 0;
    for (const [key, list] of Object.entries(receiver)) {
      if (key === "name") continue;
      for (const item of list as Array<Record<string, unknown>>) {
        const sendResolved = (item["send_resolved"] as boolean | undefined) ?? SEND_RESOLVED_DEFAULT[key] ?? false;
        const url = typeof item["url"] === "string" ? new URL(item["url"]) : undefined;
        // A webhook into the cluster reaches the chart's alert receiver (one log line per alert).
        if (key === "webhook_configs" && url && (!url.hostname.includes(".") || /\.svc(\.cluster\.local)?$/.test(url.hostname))) {
          out.push({ kind: "alert-receiver", receiver: name, index, route: url.pathname, sendResolved });
        } else {
          out.push({ kind: KIND[key] ?? "webhook", receiver: name, index, sendResolved });
        }
        index++;
      }
    }
  }
  return out;
}

export function describeDelivery(d: Delivery): string {
  return `${d.kind}:${d.receiver}${d.route ?? `#${d.index}`}`;
}

export function isDelivery(arrival: Arrival, d: Delivery): boolean {
  if (arrival.kind !== d.kind || arrival.receiver !== d.receiver) return false;
  return d.kind === "alert-receiver" ? arrival.json?.["route"] === d.route : arrival.index === d.index;
}

/** The text of an arrival, for finding which alert it is about. */
export function arrivalText(arrival: Arrival): string {
  if (arrival.mail) return `${arrival.mail.subject}\n${[...arrival.mail.parts.values()].join("\n")}`;
  return JSON.stringify(arrival.json ?? {});
}

/** firing/resolved where the payload says so (webhooks, the alert receiver, PagerDuty). */
export function statusOf(arrival: Arrival): "firing" | "resolved" | undefined {
  const json = arrival.json ?? {};
  if (arrival.kind === "pagerduty") return json["event_action"] === "trigger" ? "firing" : json["event_action"] === "resolve" ? "resolved" : undefined;
  const status = json["status"];
  return status === "firing" || status === "resolved" ? status : undefined;
}
