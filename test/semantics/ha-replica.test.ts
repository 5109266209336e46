// An HA Prometheus pair with replicaExternalLabel, run as the real binaries on 127.0.0.1: each
// replica's federated series carry its own pod name (Prometheus expands ${POD_NAME} from the
// environment the chart sets), and one firing rule reaches Alertmanager as one alert, without
// the replica label. The same pair without the rendered alert_relabel_configs delivers two
// alerts: the control that shows the relabelling is what deduplicates them.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { configMapData, find, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { freePort } from "../live/ports.js";
import { Proc, stopAll } from "../live/processes.js";

const LABEL = "prometheus_replica";

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("semantics: an HA pair with replicaExternalLabel delivers each alert once", function () {
  this.timeout(180000);
  const prometheusBinary = process.env.PROMETHEUS_BINARY;
  const alertmanagerBinary = process.env.ALERTMANAGER_BINARY;
  let dir: string;
  let rendered: Record<string, any>;
  let podNames: string[];

  before(function () {
    if (!prometheusBinary || !existsSync(prometheusBinary) || !alertmanagerBinary || !existsSync(alertmanagerBinary)) this.skip();
    dir = mkdtempSync(join(tmpdir(), "promstack-ha-"));
    const profile = join(dir, "ha.yaml");
    writeFileSync(profile, stringify({ global: { clusterName: "test" }, prometheus: { replicas: 2, replicaExternalLabel: LABEL, evaluationInterval: "1s" } }));
    const objects = parseObjects(helmTemplate([profile]));
    rendered = parse(configMapData(objects, `${RELEASE}-prometheus`, "prometheus.yml")) as Record<string, any>;
    const sts = find(objects, "StatefulSet", `${RELEASE}-prometheus`) as any;
    const env = sts.spec.template.spec.containers.find((c: any) => c.name === "prometheus").env as Array<Record<string, any>>;
    expect(env).to.deep.include({ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
    podNames = Array.from({ length: sts.spec.replicas }, (_, i) => `${sts.metadata.name}-${i}`);
  });
  after(async () => {
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one Alertmanager and the pair with this alerting section; returns the alerts it holds and the federated ALERTS lines. */
  async function runPair(name: string, alerting: Record<string, any>): Promise<{ alerts: Array<{ labels: Record<string, string> }>; federated: string[] }> {
    const work = join(dir, name);
    mkdirSync(work);
    const amPort = await freePort();
    writeFileSync(join(work, "alertmanager.yml"), stringify({ route: { receiver: "null", group_wait: "1s" }, receivers: [{ name: "null" }] }));
    const am = new Proc(`${name}-alertmanager`, alertmanagerBinary!, [`--config.file=${join(work, "alertmanager.yml")}`, `--storage.path=${join(work, "am-data")}`, `--web.listen-address=127.0.0.1:${amPort}`, "--cluster.listen-address="], { cwd: work, logFile: join(work, "alertmanager.log") });
    writeFileSync(join(work, "rules.yaml"), stringify({ groups: [{ name: "always", rules: [{ alert: "AlwaysFiring", expr: "vector(1)", labels: { severity: "info" } }] }] }));
    // The rendered config, with the chart's own Alertmanager discovery replaced by the local one.
    const config = {
      global: rendered.global,
      alerting: { ...alerting, alertmanagers: [{ api_version: "v2", static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      rule_files: [join(work, "rules.yaml")],
    };
    writeFileSync(join(work, "prometheus.yml"), stringify(config));
    const ports: number[] = [];
    for (const pod of podNames) {
      const port = await freePort();
      ports.push(port);
      new Proc(`${name}-${pod}`, prometheusBinary!, [`--config.file=${join(work, "prometheus.yml")}`, `--storage.tsdb.path=${join(work, pod)}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: work, logFile: join(work, `${pod}.log`), env: { POD_NAME: pod } });
    }
    const federated = await waitFor("ALERTS on both replicas", async () => {
      const lines: string[] = [];
      for (const port of ports) {
        const text = await (await fetch(`http://127.0.0.1:${port}/federate?match[]=ALERTS`)).text();
        const found = text.split("\n").filter((l) => l.startsWith("ALERTS{") && l.includes('alertstate="firing"'));
        if (found.length === 0) return undefined;
        lines.push(...found);
      }
      return lines;
    });
    // Both replicas have sent by now (every evaluation resends); give the last push a moment.
    await waitFor("an alert in Alertmanager", async () => {
      const alerts = (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)).json()) as unknown[];
      return alerts.length > 0 ? alerts : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const alerts = (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string> }>;
    expect(am.alive, am.tail()).to.equal(true);
    await stopAll();
    return { alerts, federated };
  }

  it("the render: the replica label is ${POD_NAME} and alert_relabel_configs drops it", () => {
    expect(rendered.global.external_labels).to.include({ [LABEL]: "${POD_NAME}", cluster: "test" });
    expect(rendered.alerting.alert_relabel_configs).to.deep.equal([{ action: "labeldrop", regex: LABEL }]);
  });

  it("Prometheus expands the pod name per replica, and Alertmanager holds one alert without the replica label", async () => {
    const { alerts, federated } = await runPair("rendered", rendered.alerting);
    for (const pod of podNames) expect(federated.some((l) => l.includes(`${LABEL}="${pod}"`)), `${pod} in ${federated.join("\n")}`).to.equal(true);
    expect(alerts, JSON.stringify(alerts)).to.have.length(1);
    expect(alerts[0]!.labels).to.not.have.property(LABEL);
    expect(alerts[0]!.labels).to.include({ alertname: "AlwaysFiring", cluster: "test" });
  });

  it("control: without the rendered alert_relabel_configs the pair delivers two alerts", async () => {
    const { alert_relabel_configs: _dropped, ...without } = rendered.alerting;
    const { alerts } = await runPair("control", without);
    expect(alerts.map((a) => a.labels[LABEL]).sort()).to.deep.equal([...podNames].sort());
  });
});
