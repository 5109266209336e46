// TEST FIXTURES, not part of any profile: a tiny exporter whose series the scenarios switch
// on and off, and the rule that turns each of its series into an alert. The alert's labels
// (severity, service, category, ...) come from the series, so one rule serves every
// scenario: routing, silences, inhibition and the burst. Alerts a profile ships are used
// where they exist (the node-down alert; profile-drives.ts: series that make a profile's own
// rules fire, served here under the job label of the exporter they stand in for).
import { stringify } from "yaml";
import { LocalHttpServer } from "./http-server.js";

export const FIXTURE_ALERT = "LiveFixtureAlert";
export const FIXTURE_METRIC = "promstack_live_fixture_alert";

/** The rule file the rewrite adds to Prometheus' rule_files (marked as a fixture). */
export function fixtureRules(options: { nodeDownRule: boolean }): string {
  const rules: Array<Record<string, unknown>> = [
    {
      alert: FIXTURE_ALERT,
      expr: `${FIXTURE_METRIC} > 0`,
      annotations: {
        summary: "Live fixture {{ $labels.token }} is firing",
        description: "Test alert {{ $labels.token }} of the live harness (value {{ $value }}).",
      },
    },
  ];
  if (options.nodeDownRule) {
    // Only until the profile ships a node-down alert of its own.
    rules.push({
      alert: "LiveNodeExporterDown",
      expr: 'up{job="node-exporter"} == 0',
      labels: { severity: "critical", component: "infrastructure", category: "infrastructure" },
      annotations: { summary: "node-exporter {{ $labels.instance }} is down", description: "Prometheus cannot scrape {{ $labels.instance }}." },
    });
  }
  return `# TEST FIXTURE of the live harness (test/live/fixtures.ts); not part of any profile.\n${stringify({ groups: [{ name: "promstack-live-fixture", rules }] })}`;
}

function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(",");
}

/** A series the exporter serves in place of a profile's exporter: a gauge, or a counter rising at perSecond. */
export interface FixtureSeries {
  metric: string;
  /** Labels as the real target would carry them; the fixture job honours them (job included). */
  labels: Record<string, string>;
  gauge?: number;
  perSecond?: number;
}

export class FixtureExporter extends LocalHttpServer {
  private readonly series = new Map<string, number>();
  private readonly served = new Map<string, { type: "gauge" | "counter"; value: () => number }>();

  constructor() {
    super((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      const lines = [`# TYPE ${FIXTURE_METRIC} gauge`, ...[...this.series].map(([key, value]) => `${FIXTURE_METRIC}{${key}} ${value}`)];
      for (const [series, { value }] of [...this.served].sort(([a], [b]) => a.localeCompare(b))) lines.push(`${series} ${value()}`);
      const body = lines.join("\n") + "\n";
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4", "Content-Length": Buffer.byteLength(body) }).end(body);
    });
  }

  /** Condition true (1) or false (0) for one alert's labels. */
  set(labels: Record<string, string>, firing: boolean): void {
    this.series.set(seriesKey(labels), firing ? 1 : 0);
  }

  /** Serves a profile's metric (see profile-drives.ts) until clear(). */
  serve(s: FixtureSeries): void {
    const since = Date.now();
    const value = s.perSecond !== undefined ? (): number => Math.round((s.perSecond! * (Date.now() - since)) / 1000) : (): number => s.gauge ?? 0;
    this.served.set(`${s.metric}{${seriesKey(s.labels)}}`, { type: s.perSecond !== undefined ? "counter" : "gauge", value });
  }

  clear(): void {
    this.series.clear();
    this.served.clear();
  }
}
