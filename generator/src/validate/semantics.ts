// Checks the schema cannot express: rules and routing (rules.ts, alerting.ts), inhibit rules
// against the alerts they select (inhibition.ts), scraping
// (scraping.ts), network policies (network-policies.ts), images that
// lack the profile's CPU architecture, timings that contradict each other.
import { platformServesArchitecture, type Catalogue } from "../catalogue.js";
import { components } from "../components.js";
import { byteSizeBytes } from "../byte-size.js";
import { durationSeconds } from "../duration.js";
import type { Image, PromstackValues } from "../types/values.js";
import { checkAlertmanager } from "./alerting.js";
import { checkExtraArgs } from "./chart-flags.js";
import { checkDashboards } from "./dashboards.js";
import { checkIngressAuth } from "./ingress-auth.js";
import { checkInhibitionLabels } from "./inhibition.js";
import { Findings, type Segments } from "./findings.js";
import { checkEgress } from "./network-egress.js";
import { checkExtraVolumes } from "./extra-volumes.js";
import { checkNetworkPolicies } from "./network-policies.js";
import { checkReceivers } from "./receivers.js";
import { checkRelabelling } from "./relabel.js";
import { checkRules } from "./rules.js";
import { checkExporters, checkScraping } from "./scraping.js";
import { checkThanosSidecar } from "./thanos-sidecar.js";
import type { Problem } from "./problem.js";
import { hasPath, type ProfileSource } from "./source.js";
import { DEFAULT_ROUTES } from "../../../receiver/src/routes.js";

function valueAt(values: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), values);
}

function checkArchitectures(values: PromstackValues, catalogue: Catalogue, source: ProfileSource, findings: Findings): void {
  const architectures = values.global?.architectures ?? [];
  for (const component of components) {
    const componentValues = (values as Record<string, unknown>)[component.name] as Record<string, unknown> | undefined;
    if (!componentValues?.enabled) continue;
    for (const [imagePath, catalogueKey] of Object.entries(component.images)) {
      // An image inside a switchable part (exporters.nodeExporter.image) only counts when that part is on.
      const owner = imagePath.split(".").slice(0, -1).join(".");
      if (owner && valueAt(componentValues, `${owner}.enabled`) === false) continue;
      const image = valueAt(componentValues, imagePath) as Image;
      const pinned = catalogue.images[catalogueKey]!;
      const isPinned = image.repository === pinned.repository && image.tag === pinned.tag;
      const platforms = isPinned ? pinned.platforms : image.platforms ?? [];
      const segments: Segments = [component.name, ...imagePath.split(".")];
      const reference = `${image.repository}:${image.tag}`;
      // A recorded catalogue digest is the image default, and a digest wins over the tag: kept
      // under another tag or repository, the pod would run the catalogue's image, not this one.
      if (pinned.digest && image.digest === pinned.digest && !isPinned) {
        findings.add("error", [...segments, "digest"], `${image.digest} is the digest of the pinned ${pinned.repository}:${pinned.tag} and would be run in place of ${reference}; set the digest of ${reference}, or "" to run by tag`, segments, true);
      }
      if (!isPinned && platforms.length === 0) {
        findings.add("error", [...segments, "platforms"], `${reference} is not the pinned image; list the platforms it is published for (e.g. linux/arm64) so the architecture check can run`, segments, true);
        continue;
      }
      for (const [index, architecture] of architectures.entries()) {
        if (platforms.some((platform) => platformServesArchitecture(platform, architecture))) continue;
        const anchor = hasPath(source, segments) ? segments : ["global", "architectures", index];
        findings.add("error", segments, `${reference} is not published for ${architecture} (platforms: ${platforms.join(", ")}), but global.architectures includes it`, anchor, anchor === segments);
      }
    }
  }
}

function checkTimings(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus;
  // The schema's pattern takes every unit Prometheus reads; only the size limit is left here.
  const size = prometheus?.retention?.size;
  if (size && byteSizeBytes(size) === undefined) findings.add("error", ["prometheus", "retention", "size"], `retention size ${size} is too large: Prometheus reads sizes into a signed 64-bit byte count (at most 8EiB-1)`);
  if (prometheus?.scrapeTimeout && prometheus.scrapeInterval && durationSeconds(prometheus.scrapeTimeout) > durationSeconds(prometheus.scrapeInterval)) {
    findings.add("error", ["prometheus", "scrapeTimeout"], `scrapeTimeout ${prometheus.scrapeTimeout} exceeds scrapeInterval ${prometheus.scrapeInterval}; Prometheus refuses such a config`);
  }
  const alertmanager = values.alertmanager;
  const pdb = alertmanager?.podDisruptionBudget;
  if (alertmanager?.enabled && pdb?.enabled && (alertmanager.replicas ?? 1) > 1 && (pdb.minAvailable ?? 0) >= (alertmanager.replicas ?? 1)) {
    findings.add("warning", ["alertmanager", "podDisruptionBudget", "minAvailable"], `minAvailable ${pdb.minAvailable} with ${alertmanager.replicas} replicas blocks every voluntary eviction (node drains will hang)`);
  }
}

// --- grafana: what Grafana queries, and dashboards that would render nowhere -------------
function checkGrafana(values: PromstackValues, findings: Findings): void {
  const grafana = values.grafana;
  checkDashboards(values, findings);
  if (!grafana?.enabled) return;
  if (grafana.deploy === false) return;
  // The chart's own Grafana reads dashboards from the release namespace only (the template fails
  // otherwise); validate cannot know that namespace, so an explicit one needs deploy: false.
  if (grafana.dashboardConfigMaps?.namespace) {
    findings.add("error", ["grafana", "dashboardConfigMaps", "namespace"], `this chart's Grafana reads dashboards from the release namespace only: leave namespace empty, or set grafana.deploy: false to feed an existing Grafana in "${grafana.dashboardConfigMaps.namespace}"`);
  }
  const datasources = grafana.datasources;
  const prometheus = values.prometheus;
  if (!datasources?.prometheus?.url) {
    const runsPrometheus = prometheus?.enabled !== false && (prometheus?.mode !== "operator" || prometheus.operator?.deploy === true);
    if (!runsPrometheus) {
      const why = prometheus?.enabled === false ? "prometheus.enabled is false" : "prometheus.mode is operator";
      findings.add("error", ["grafana", "datasources", "prometheus", "url"], `${why}, so this release runs no Prometheus for Grafana to query: set the URL of your Prometheus (e.g. http://prometheus-operated.monitoring.svc:9090), or grafana.deploy: false to ship only the dashboards`);
    } else if (prometheus?.scrapeInterval && datasources?.prometheus?.scrapeInterval && durationSeconds(datasources.prometheus.scrapeInterval) !== durationSeconds(prometheus.scrapeInterval)) {
      findings.add("warning", ["grafana", "datasources", "prometheus", "scrapeInterval"], `${datasources.prometheus.scrapeInterval} differs from prometheus.scrapeInterval ${prometheus.scrapeInterval}; dashboards size $__rate_interval from it`);
    }
  }
  if (datasources?.alertmanager?.enabled && !datasources.alertmanager.url && !values.alertmanager?.enabled) {
    findings.add("error", ["grafana", "datasources", "alertmanager", "url"], "alertmanager.enabled is false, so this release runs no Alertmanager for the data source: set its URL or disable it");
  }
}

/** A webhook's alertReceiverPath needs this release's receiver, serving that path. */
function checkAlertReceiverPaths(values: PromstackValues, findings: Findings): void {
  const receiver = values["alert-receiver"];
  const configured = Object.keys(receiver?.routes ?? {});
  const paths = configured.length > 0 ? configured : Object.keys(DEFAULT_ROUTES);
  for (const [name, spec] of Object.entries(values.alertmanager?.receivers ?? {})) {
    (spec?.webhook ?? []).forEach((webhook, index) => {
      const path = webhook.alertReceiverPath;
      if (path === undefined) return;
      const segments: Segments = ["alertmanager", "receivers", name, "webhook", index, "alertReceiverPath"];
      if (receiver?.enabled !== true) findings.add("error", segments, `${path} is a path of this release's alert receiver, but alert-receiver.enabled is not true`);
      else if (!paths.includes(path)) findings.add("error", segments, `the alert receiver serves no ${path} (its routes: ${paths.join(", ")})`);
      else checkReceiverToken(receiver, webhook, ["alertmanager", "receivers", name, "webhook", index], findings);
    });
  }
  if (receiver?.enabled && receiver.requireToken === false && receiver.tokenSecret) {
    findings.add("warning", ["alert-receiver", "tokenSecret"], "requireToken is false, so the receiver checks no token and this Secret is not used");
  }
}

/**
 * A webhook to the bundled receiver without credentials of its own sends the token of the Secret
 * the chart creates when alert-receiver.tokenSecret is unset (the alertmanager subchart cannot
 * see the receiver's values); with tokenSecret set, the webhook must name that same key.
 */
function checkReceiverToken(receiver: NonNullable<PromstackValues["alert-receiver"]>, webhook: Record<string, any>, at: Segments, findings: Findings): void {
  const own = receiver.tokenSecret;
  if (!own || receiver.requireToken === false) return;
  const http = webhook.httpConfig ?? {};
  const sent = webhook.bearerTokenSecret as { name: string; key: string } | undefined;
  const wanted = `bearerTokenSecret: {name: ${own.name}, key: ${own.key}}`;
  if (!sent && !http.authorization && !http.basicAuth && !http.oauth2) {
    findings.add("error", at, `alert-receiver.tokenSecret names the receiver's token, so the chart creates no token Secret for this webhook to send: set ${wanted}`);
  } else if (sent && (sent.name !== own.name || sent.key !== own.key)) {
    findings.add("error", [...at, "bearerTokenSecret"], `the receiver checks alert-receiver.tokenSecret (${own.name}/${own.key}), not ${sent.name}/${sent.key}: set ${wanted}`);
  }
}

/** Semantic problems of a profile, judged on its values merged over the chart defaults. */
export function semanticProblems(values: PromstackValues, catalogue: Catalogue, source: ProfileSource): Problem[] {
  const findings = new Findings(source);
  if (values.alertmanager?.enabled) checkAlertmanager(values.alertmanager, findings);
  if (values.alertmanager?.enabled) checkInhibitionLabels(values, findings);
  if (values.alertmanager?.enabled) checkReceivers(source.values as Record<string, unknown>, values as unknown as Record<string, unknown>, findings);
  checkRules(values, findings);
  checkArchitectures(values, catalogue, source, findings);
  checkTimings(values, findings);
  checkGrafana(values, findings);
  checkAlertReceiverPaths(values, findings);
  checkScraping(values, findings);
  if (values.prometheus?.enabled) checkRelabelling(values, findings);
  checkExtraArgs(values as Record<string, unknown>, findings);
  if (values.exporters?.enabled) checkExporters(values.exporters, findings);
  checkNetworkPolicies(values, findings);
  checkEgress(values, findings);
  checkThanosSidecar(values, findings);
  checkIngressAuth(values, findings);
  if (values.prometheus?.enabled && values.prometheus.mode !== "operator") checkExtraVolumes("prometheus", values.prometheus, findings);
  if (values.alertmanager?.enabled) checkExtraVolumes("alertmanager", values.alertmanager, findings);
  return findings.problems;
}
