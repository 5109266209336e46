// Alert latency of the live pipeline with each profile's OWN timings (timeScale 1, no
// replica override): from the moment an alert's condition becomes true (the fixture exporter
// starts exposing the series) to the moment the first notification arrives at the receiver
// or a sink. Printed next to scrape interval + evaluation interval + `for` + group_wait, the
// sum of the waits the pipeline can impose: a condition that turns true just after a scrape
// waits almost all of it; one that turns true just before a scrape waits little of it.
// Samples are independent alert groups (distinct `service`, which the profiles group by)
// started at even steps across one scrape interval, so they meet the cycles at different phases.
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../../generator/src/paths.js";
import { arrivalText, deliveriesOf, routedReceivers } from "../../test/live/deliveries.js";
import { parseDuration } from "../../test/live/duration.js";
import { FIXTURE_ALERT } from "../../test/live/fixtures.js";
import { HOST } from "../../test/live/platform.js";
import { stopAll } from "../../test/live/processes.js";
import { Stack, waitUntil } from "../../test/live/stack.js";

const PROFILES = (process.env["LIVE_BENCH_PROFILES"] ?? "raspberry-pi,jobpilot").split(",");
const SAMPLES = Number(process.env["LIVE_BENCH_SAMPLES"] ?? 6);

function figure(name: string, value: number, unit: string): void {
  console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** group_wait of the route an alert with these labels takes (the first matching route's, inherited). */
function groupWaitFor(config: Record<string, unknown>, labels: Record<string, string>): number {
  let route = config["route"] as Record<string, unknown>;
  let wait = parseDuration(String(route["group_wait"] ?? "30s"));
  for (;;) {
    const child = ((route["routes"] as Array<Record<string, unknown>> | undefined) ?? []).find((r) =>
      ((r["matchers"] as string[] | undefined) ?? []).every((m) => {
        const parsed = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"?([^"]*)"?\s*$/.exec(m);
        if (!parsed) return false;
        const [, name, op, value] = parsed as unknown as [string, string, string, string];
        const actual = labels[name] ?? "";
        const re = new RegExp(`^(?:${value})$`);
        return op === "=" ? actual === value : op === "!=" ? actual !== value : op === "=~" ? re.test(actual) : !re.test(actual);
      }),
    );
    if (!child) return wait;
    if (child["group_wait"] !== undefined) wait = parseDuration(String(child["group_wait"]));
    route = child;
  }
}

async function bench(profile: string): Promise<void> {
  const stack = await Stack.start({ profile: join(repoRoot, "values", `${profile}.yaml`), platform: HOST, timeScale: 1 });
  try {
    const prom = stack.localConfig("prometheus") as { global: Record<string, string> };
    const scrape = parseDuration(prom.global["scrape_interval"] ?? "1m");
    const evaluation = parseDuration(prom.global["evaluation_interval"] ?? "1m");
    const labels = (i: number): Record<string, string> => ({ token: `bench-${profile}-${i}`, severity: "warning", service: `bench-${i}` });
    // The labels Alertmanager sees: the series' plus the target's and the external labels.
    const sample = { ...labels(0), alertname: FIXTURE_ALERT, ...((prom as { global: { external_labels?: Record<string, string> } }).global.external_labels ?? {}) };
    const deliveries = deliveriesOf(stack.renderedAlertmanagerConfig, routedReceivers(stack.renderedAlertmanagerConfig, sample));
    if (deliveries.length === 0) {
      console.error(`bench: ${profile} routes a warning to receivers without integrations; no latency to measure`);
      return;
    }
    const groupWait = groupWaitFor(parse(stack.renderedAlertmanagerConfig) as Record<string, unknown>, sample);
    const bound = scrape + evaluation + 0 /* the fixture rule has no `for` */ + groupWait;
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: SAMPLES }, async (_, i) => {
        // Spread the starts evenly over one scrape interval: each meets the scrape (and so the
        // evaluation that follows it) at a different phase.
        await new Promise((r) => setTimeout(r, (scrape * i) / SAMPLES));
        const start = Date.now();
        stack.exporter.set(labels(i), true);
        const token = labels(i)["token"]!;
        const arrived = (): number | undefined => stack.arrivals.find((a) => a.at >= start && (a.kind === "alert-receiver" ? (a.json?.["labels"] as Record<string, string>)["token"] === token : arrivalText(a).includes(token)))?.at;
        await waitUntil(() => arrived() !== undefined, 3 * bound + 60_000, `${token} delivered`, 100);
        latencies.push((arrived()! - start) / 1000);
      }),
    );
    const tag = `profile="${profile}",alertmanagers="${stack.alertmanagers.length}"`;
    figure(`live_alert_latency_median{${tag}}`, quantile(latencies, 0.5), "s");
    figure(`live_alert_latency_min{${tag}}`, Math.min(...latencies), "s");
    figure(`live_alert_latency_max{${tag}}`, Math.max(...latencies), "s");
    figure(`live_alert_latency_theoretical{${tag},sum="scrape+eval+for+group_wait"}`, bound / 1000, "s");
  } finally {
    await stack.stop();
  }
}

try {
  for (const profile of PROFILES) await bench(profile);
} finally {
  await stopAll();
}
