// Authentication in front of the web UIs. Prometheus' and Alertmanager's UIs have no login of
// their own (anyone who reaches them can query every series, or silence every alert), so an
// Ingress to them without authentication is a warning; Grafana has its own login.
import type { PromstackValues } from "../types/values.js";
import type { Findings } from "./findings.js";

interface IngressAuth {
  enabled?: boolean;
  className?: string;
  annotations?: Record<string, string>;
  basicAuth?: { secretName?: string };
  traefikBasicAuth?: { secretName?: string };
  oauth2Proxy?: { url?: string };
  authenticatedElsewhere?: boolean;
}

/** Annotations by which a user configures a controller's authentication directly. */
const AUTH_ANNOTATIONS = ["nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-type", "traefik.ingress.kubernetes.io/router.middlewares"];

export function checkIngressAuth(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus;
  const components: Array<[string, boolean | undefined, boolean]> = [
    ["prometheus", prometheus?.enabled && prometheus.mode !== "operator", true],
    ["alertmanager", values.alertmanager?.enabled, true],
    ["grafana", values.grafana?.enabled && values.grafana.deploy !== false, false],
  ];
  for (const [component, runs, needsAuth] of components) {
    const ingress = (values[component as "prometheus"] as { ingress?: IngressAuth } | undefined)?.ingress;
    if (!runs || !ingress?.enabled) continue;
    const chosen = [
      ingress.basicAuth?.secretName && "basicAuth",
      ingress.traefikBasicAuth?.secretName && "traefikBasicAuth",
      ingress.oauth2Proxy?.url && "oauth2Proxy",
    ].filter((m): m is string => Boolean(m));
    if (chosen.length > 1) findings.add("error", [component, "ingress", chosen[1]!], `${component}.ingress sets ${chosen.join(" and ")}: choose one way to authenticate`);
    // The nginx options are annotations Traefik ignores, and the other way round.
    const className = ingress.className ?? "";
    const nginxOnly = chosen.filter((m) => m !== "traefikBasicAuth");
    if (/traefik/i.test(className) && nginxOnly.length) findings.add("warning", [component, "ingress", nginxOnly[0]!], `${nginxOnly[0]} is enforced by ingress-nginx, but this Ingress' class is ${className}: use traefikBasicAuth`);
    if (/nginx/i.test(className) && chosen.includes("traefikBasicAuth")) findings.add("warning", [component, "ingress", "traefikBasicAuth"], `traefikBasicAuth is enforced by Traefik, but this Ingress' class is ${className}: use basicAuth or oauth2Proxy`);
    const annotated = Object.keys(ingress.annotations ?? {}).some((key) => AUTH_ANNOTATIONS.includes(key));
    if (needsAuth && chosen.length === 0 && !annotated && !ingress.authenticatedElsewhere) {
      findings.add("warning", [component, "ingress"], `${component}.ingress exposes the ${component === "prometheus" ? "Prometheus UI and API" : "Alertmanager UI and API (silences included)"} without authentication: set basicAuth (ingress-nginx), traefikBasicAuth (Traefik) or oauth2Proxy, or authenticatedElsewhere: true if something else guards it`, [component, "ingress"], true);
    }
  }
}
