// The fidelity tables are well formed: every table parses, names only what it defines, and
// its counts agree with what its document states. Broken copies prove each check can fail.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { fidelityProblems, fidelityTableFiles, isDuration, loadFidelityTable, type FidelityTable } from "../helpers/fidelity.js";
import { repoRoot } from "../helpers/tools.js";

const profiles = readdirSync(join(repoRoot, "values"))
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => name.replace(/\.yaml$/, ""))
  .sort();

// Totals the documents state in so many words (seed index: "38 alerts in 5 groups",
// "8 alerts", "15 alerts in 5 groups"); the other two documents state none.
const statedTotals: Record<string, { alerts: number; groups: number } | undefined> = {
  jobpilot: { alerts: 38, groups: 5 },
  "raspberry-pi": { alerts: 8, groups: 2 },
  gorax: { alerts: 15, groups: 5 },
  "slurm-exporter": undefined,
  tavira: undefined,
};

describe("unit: fidelity tables", () => {
  it("there is one table per profile in values/", () => {
    const tables = fidelityTableFiles().map((file) => basename(file).replace(/\.fidelity\.yaml$/, ""));
    expect(tables).to.deep.equal(profiles);
  });

  for (const file of fidelityTableFiles()) {
    const name = basename(file);
    describe(name, () => {
      let table: FidelityTable;
      before(() => {
        table = loadFidelityTable(file);
      });

      it("is well formed (no problem found)", () => {
        expect(fidelityProblems(parse(readFileSync(file, "utf8")), file)).to.deep.equal([]);
      });

      it("states the alert total and groups its document gives", () => {
        const stated = statedTotals[table.profile];
        if (stated) {
          expect(table.expectedAlertCount).to.equal(stated.alerts);
          expect(table.alerts).to.have.length(stated.alerts);
          expect(table.groups).to.have.length(stated.groups);
        } else {
          expect(table).not.to.have.property("expectedAlertCount");
        }
      });

      it("gives every alert a valid for duration and a severity", () => {
        for (const alert of table.alerts) {
          expect(isDuration(alert.for), `${alert.alert}.for`).to.equal(true);
          expect(["critical", "warning", "info"]).to.include(alert.severity);
        }
      });

      it("routes every case to at least one defined receiver", () => {
        const defined = new Set(table.receivers.map((r) => r.name));
        for (const route of table.routes) {
          expect(route.receivers, JSON.stringify(route)).to.be.an("array").that.is.not.empty;
          for (const receiver of route.receivers) expect(defined.has(receiver), receiver).to.equal(true);
        }
      });

      it("explains every added entry and records its contradictions", () => {
        const added = [...table.alerts, ...table.routes, ...table.inhibitions, ...table.receivers].filter((e) => e.added);
        for (const entry of added) expect(entry.rationale, JSON.stringify(entry)).to.be.a("string").and.not.be.empty;
        expect(table.notes).to.be.an("array").that.is.not.empty;
      });
    });
  }
});

describe("unit: fidelity table checks catch broken tables", () => {
  const file = join(repoRoot, "test", "fidelity", "jobpilot.fidelity.yaml");
  // A fresh, valid copy of a real table for each case, broken in one way.
  const fresh = (): Record<string, any> => parse(readFileSync(file, "utf8")) as Record<string, any>;
  const problemsOf = (table: unknown) => fidelityProblems(table, file);

  it("accepts the unbroken copy", () => {
    expect(problemsOf(fresh())).to.deep.equal([]);
  });

  it("rejects a duration Prometheus cannot parse", () => {
    const table = fresh();
    table.alerts[0].for = "1 min";
    expect(problemsOf(table)).to.deep.equal(['alerts[0].for: "1 min" is not a Prometheus duration']);
  });

  it("rejects an alert count that differs from the stated total", () => {
    const table = fresh();
    table.alerts.pop();
    expect(problemsOf(table)).to.include("expectedAlertCount: the document states 38 alerts, the table lists 37");
  });

  it("rejects a routing case without receivers or with an unknown one", () => {
    const table = fresh();
    table.routes[0].receivers = [];
    table.routes[1].receivers = ["pagerduty-critical"];
    expect(problemsOf(table)).to.include.members([
      "routes[0].receivers: must be a non-empty list of receiver names",
      'routes[1].receivers: "pagerduty-critical" is not a receiver of this table',
    ]);
  });

  it("rejects a route or inhibition naming an alert the table does not have", () => {
    const table = fresh();
    table.routes[3].alert = "ServiceDownn";
    table.inhibitions[0].target.alertname = ["HighErrorRate", "HighLatncy"];
    expect(problemsOf(table)).to.include.members([
      'routes[3].alert: "ServiceDownn" is not an alert of this table',
      'inhibitions[0].target.alertname: names "HighLatncy", which is not an alert of this table',
    ]);
  });

  it("rejects an added alert without a rationale, and a typo in a key", () => {
    const table = fresh();
    const added = table.alerts.findIndex((a: { added?: boolean }) => a.added);
    delete table.alerts[added].rationale;
    table.alerts[0].severty = "critical";
    expect(problemsOf(table)).to.include.members([`alerts[${added}]: added: true needs a one-line rationale`, 'alerts[0]: unknown key "severty"']);
  });

  it("rejects a receiver nothing routes to unless it is marked unrouted", () => {
    const table = fresh();
    table.receivers.push({ name: "email-only", channels: [{ type: "email", to: "x@" }] });
    expect(problemsOf(table)).to.deep.equal(['receivers: "email-only" is reached by no routing case; add one or mark it unrouted: true']);
    table.receivers[table.receivers.length - 1].unrouted = true;
    expect(problemsOf(table)).to.deep.equal([]);
  });

  it("rejects a threshold without its comparison and unit, and a percent above 100", () => {
    const table = fresh();
    delete table.alerts[1].op;
    delete table.alerts[1].thresholdUnit;
    table.alerts[3].threshold = 850;
    expect(problemsOf(table)).to.include.members([
      "alerts[1]: a threshold needs its comparison (op)",
      'alerts[1].thresholdUnit: undefined is not one of count, ratio, percent, seconds, days, per-second, per-minute, celsius, bytes',
      "alerts[3].threshold: a percent lies between 0 and 100",
    ]);
  });

  it("rejects sizes that are neither a byte size nor a quantity, and a panel count mismatch", () => {
    const table = fresh();
    table.topology.prometheus.retentionSize = "50 GB";
    table.topology.prometheus.storageSize = "50GB";
    table.dashboards[0].panelCount = 9;
    expect(problemsOf(table)).to.include.members([
      'topology.prometheus.retentionSize: "50 GB" is not a Prometheus byte size (e.g. 50GB)',
      'topology.prometheus.storageSize: "50GB" is not a Kubernetes quantity (e.g. 2Gi, 500m)',
      `dashboards[0].panelCount: the document states 9 panels, the table lists ${table.dashboards[0].panels.length}`,
    ]);
  });

  it("rejects a deviation whose target is not in the table, or whose document value is not the table's", () => {
    const table = fresh();
    table.deviations[0].target = "alerts[RabbitMQDwn].metrics";
    table.deviations[1].document = ["service"];
    table.deviations[2].profile = table.deviations[2].document;
    delete table.deviations[3].reason;
    expect(problemsOf(table)).to.deep.equal([
      "deviations[0].target: alerts[RabbitMQDwn].metrics is not in the table (no item RabbitMQDwn)",
      'deviations[1].document: ["service"] is not the table\'s value at inhibitions[4].equal (["namespace"]): the table keeps the document\'s value',
      "deviations[2].profile: equals the document's value: no deviation",
      'deviations[3]: missing required key "reason"',
      "deviations[3].reason: say why the profile differs from the document",
    ]);
  });

  it("rejects a deviation with an unknown key, a duplicate target, and a table that took the profile's value", () => {
    const table = fresh();
    table.deviations[0].because = "typo";
    table.deviations[1].target = table.deviations[0].target;
    table.deviations[1].document = table.deviations[0].document;
    expect(problemsOf(table)).to.include.members(['deviations[0]: unknown key "because"', "deviations[1].target: duplicate deviation for alerts[RabbitMQDown].metrics"]);
    const drifted = fresh();
    drifted.alerts.find((a: { alert: string }) => a.alert === "RabbitMQDown").metrics = ["up"];
    expect(problemsOf(drifted)).to.deep.equal(['deviations[0].document: ["rabbitmq_up"] is not the table\'s value at alerts[RabbitMQDown].metrics (["up"]): the table keeps the document\'s value']);
  });

  it("rejects malformed receiver details", () => {
    const table = fresh();
    const critical = table.receivers[0].channels;
    critical[1].titel = "Critical";
    critical[1].sendResolved = "yes";
    critical[2].headers = { Subject: 3 };
    critical[0].urlSecret = "no-such-secret";
    critical[1].optional = 1;
    expect(problemsOf(table)).to.deep.equal([
      'receivers[0].channels[0].urlSecret: "no-such-secret" is not a key of secrets',
      'receivers[0].channels[1]: unknown key "titel"',
      "receivers[0].channels[1].sendResolved: must be true or false",
      "receivers[0].channels[1].optional: must be true or false",
      "receivers[0].channels[2].headers: must map header names to values",
    ]);
  });

  it("loadFidelityTable names the file on a YAML syntax error", () => {
    const dir = mkdtempSync(join(tmpdir(), "fidelity-"));
    try {
      const broken = join(dir, "broken.fidelity.yaml");
      writeFileSync(broken, "profile: broken\nalerts: [\n");
      expect(() => loadFidelityTable(broken)).to.throw(`${broken}: YAML syntax`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
