// promstack explain: renders a profile with the chart (helm template, the release name the
// profiles' in-cluster URLs assume) and describes the render: workloads, Services, Ingresses,
// every alert with its receivers decided on the rendered alertmanager.yml, and the route tree.
import { basename, resolve } from "node:path";
import { paths } from "../paths.js";
import { extractConfigs, type RenderedConfigs } from "../render/extract.js";
import { runTool } from "../tools/check.js";
import { explainAlerts, parseAlertmanagerConfig } from "./alerts.js";
import { inhibitionRows, receiverIntegrations } from "./receivers.js";
import { summariseDeployment } from "./deployment.js";
import { routeFlowchart } from "./mermaid.js";
import { explanationPage, type Explanation } from "./page.js";

export const EXPLAIN_RELEASE = "monitoring";
export const EXPLAIN_NAMESPACE = "monitoring";

export async function renderProfile(helm: string, profileFile: string, chart: string = paths.chart): Promise<RenderedConfigs> {
  const result = await runTool(helm, ["template", EXPLAIN_RELEASE, chart, "--namespace", EXPLAIN_NAMESPACE, "-f", resolve(profileFile)]);
  if (result.status !== 0) throw new Error(`${profileFile}: helm template failed: ${result.output.trim()}`);
  return extractConfigs(result.stdout, EXPLAIN_RELEASE);
}

export function profileName(file: string): string {
  return basename(file).replace(/\.ya?ml$/, "");
}

export function explainRender(profile: string, configs: RenderedConfigs): Explanation {
  // Without an Alertmanager (alertmanager.enabled: false) the alerts are listed unrouted.
  const config = configs.alertmanager ? parseAlertmanagerConfig(configs.alertmanager.text) : undefined;
  return {
    profile,
    release: EXPLAIN_RELEASE,
    namespace: EXPLAIN_NAMESPACE,
    deployment: summariseDeployment(configs.objects),
    alerts: explainAlerts(configs, config),
    receivers: (config?.receivers ?? []).map((r) => r.name),
    integrations: Object.fromEntries((config?.receivers ?? []).map((r) => [r.name, receiverIntegrations(r)])),
    inhibitions: inhibitionRows(config?.inhibit_rules ?? []),
    flowchart: config ? routeFlowchart(config.route!) : undefined,
  };
}

export async function explainProfile(helm: string, profileFile: string): Promise<string> {
  return explanationPage(explainRender(profileName(profileFile), await renderProfile(helm, profileFile)));
}
