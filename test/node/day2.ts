// Day 2 on the real node: a `helm upgrade` that changes the profile's values (Prometheus'
// retention, and the alert fixture of test/fixtures/node-alert.yaml), then `helm rollback`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { helmOk } from "../cluster/kube.js";
import { ciValuesFile } from "../cluster/release.js";
import { repoRoot } from "../helpers/tools.js";
import { realNode } from "./node.js";

export const alertFixture = { file: join(repoRoot, "test", "fixtures", "node-alert.yaml"), alertname: "PromstackNodeFixture", receiver: "node-fixture" };

type Route = Record<string, unknown>;
type Values = { prometheus?: { retention?: { time?: string } }; alertmanager?: { route?: { routes?: Route[] } } };

/**
 * The upgrade's values for a profile: a retention other than the profile's, and the alert
 * fixture with its route put before the profile's own routes (which a list in a later values
 * file would replace). Returns the file and the retention before and after.
 */
export function upgradeValuesFile(profile: string): { file: string; retentionBefore: string; retentionAfter: string } {
  const profileValues = (parse(readFileSync(ciValuesFile(profile), "utf8")) ?? {}) as Values;
  const fixture = parse(readFileSync(alertFixture.file, "utf8")) as Values & Record<string, unknown>;
  const retentionBefore = profileValues.prometheus?.retention?.time;
  if (!retentionBefore) throw new Error(`${ciValuesFile(profile)}: no prometheus.retention.time to change in the upgrade`);
  // Days that are not whole weeks: Prometheus' flags API prints 7d as 1w.
  const retentionAfter = retentionBefore === "9d" ? "10d" : "9d";
  const routes = [...(fixture.alertmanager?.route?.routes ?? []), ...(profileValues.alertmanager?.route?.routes ?? [])];
  const values = {
    ...fixture,
    prometheus: { ...fixture.prometheus, retention: { time: retentionAfter } },
    alertmanager: { ...fixture.alertmanager, route: { ...fixture.alertmanager?.route, routes } },
  };
  const file = join(realNode.workDir, `${profile}-upgrade-values.yaml`);
  writeFileSync(file, stringify(values, { aliasDuplicateObjects: false }));
  return { file, retentionBefore, retentionAfter };
}

export interface Revision { revision: number; status: string; description: string }

export function history(release: string, namespace: string): Revision[] {
  return JSON.parse(helmOk(["history", release, "--namespace", namespace, "--output", "json"])) as Revision[];
}

/** A receiver log line for one alert (receiver/src/server.ts logAlerts). */
export interface ReceivedAlert { msg: string; route: string; receiver: string; alertname: string | null; status: string; generatorURL?: string }

export function receivedAlerts(logs: string): ReceivedAlert[] {
  return logs.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as ReceivedAlert).filter((l) => l.msg === "alert");
}
