// The options of `promstack flux`, with their defaults and the checks that turn a typo into
// a clear message instead of a manifest Flux rejects (or silently misreads) later.
import { HOME } from "../chart/metadata.js";

export type RepositoryType = "http" | "oci";
export type OciSource = "OCIRepository" | "HelmRepository";

export interface FluxOptions {
  repository: RepositoryType;
  /** http(s):// URL of a chart repository, or oci://registry/path holding the chart. */
  url: string;
  ociSource: OciSource;
  chartVersion: string;
  release: string;
  namespace: string;
  targetNamespace: string;
  interval: string;
  sourceSecret?: string;
  valuesSecret: string;
}

export const FLUX_OPTION_NAMES = [
  "output",
  "repository",
  "url",
  "oci-source",
  "chart-version",
  "release",
  "namespace",
  "target-namespace",
  "interval",
  "source-secret",
  "values-secret",
];

const [, owner, project] = /github\.com\/([^/]+)\/([^/]+)/.exec(HOME)!;
/** Where the release workflow publishes: GitHub Pages and the GitHub container registry. */
export const DEFAULT_URLS: Record<RepositoryType, string> = {
  http: `https://${owner}.github.io/${project}`,
  oci: `oci://ghcr.io/${owner}/charts`,
};

export function fluxUsage(chartVersion: string): string {
  return `Usage: promstack flux <profile.yaml> [options]

Writes the Flux manifests that install the published promstack chart with a profile:
the chart's source (a HelmRepository, or an OCIRepository for an OCI registry), a
HelmRelease (helm.toolkit.fluxcd.io/v2) and a ConfigMap holding the profile as values.
The HelmRelease also reads values from an optional Secret, for anything you keep out of
git in clear text. The profile is validated first, exactly as \`promstack validate\` does;
on any error nothing is written.

Options:
  --output <dir>             directory to write (replaced as a whole); default: print to stdout
  --repository http|oci      how the chart is published (default: oci)
  --url <url>                http(s)://... chart repository, or oci://registry/path holding
                             the chart (default: ${DEFAULT_URLS.http} or ${DEFAULT_URLS.oci})
  --oci-source <kind>        Flux source for an OCI registry: OCIRepository (default) or HelmRepository
  --chart-version <version>  chart version or semver range (default: ${chartVersion})
  --release <name>           Helm release name (default: monitoring)
  --target-namespace <ns>    namespace the chart is installed in (default: monitoring)
  --namespace <ns>           namespace of the Flux objects (default: flux-system)
  --interval <duration>      how often Flux reconciles the release (default: 30m)
  --source-secret <name>     Secret with credentials for a private repository or registry
  --values-secret <name>     optional Secret whose values.yaml is merged over the profile
                             (default: <release>-credentials)
  -h, --help                 show this help`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The pattern Flux's CRDs give every duration field.
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  check((allowed as readonly string[]).includes(value), `--${option} must be one of ${allowed.join(", ")} (got "${value}")`);
  return value as T;
}

function objectName(option: string, value: string, maxLength = 253): string {
  check(DNS_SUBDOMAIN.test(value) && value.length <= maxLength, `--${option} "${value}" is not a valid Kubernetes name (lower-case letters, digits, "-" and ".", at most ${maxLength} characters)`);
  return value;
}

function namespace(option: string, value: string): string {
  check(DNS_LABEL.test(value) && value.length <= 63, `--${option} "${value}" is not a valid namespace (lower-case letters, digits and "-", at most 63 characters)`);
  return value;
}

export function resolveFluxOptions(given: Map<string, string>, chartVersion: string): FluxOptions {
  const repository = oneOf("repository", given.get("repository") ?? "oci", ["http", "oci"] as const);
  const url = (given.get("url") ?? DEFAULT_URLS[repository]).replace(/\/+$/, "");
  if (repository === "http") check(/^https?:\/\/[^/\s]+/.test(url), `--url for --repository http must start with http:// or https:// (got "${url}")`);
  else check(/^oci:\/\/[^/\s]+\/\S+$/.test(url), `--url for --repository oci must look like oci://registry/path (got "${url}")`);
  const release = given.get("release") ?? "monitoring";
  // Helm limits release names to 53 characters (they prefix object names).
  check(DNS_LABEL.test(release) && release.length <= 53, `--release "${release}" is not a valid Helm release name (lower-case letters, digits and "-", at most 53 characters)`);
  const interval = given.get("interval") ?? "30m";
  check(FLUX_DURATION.test(interval), `--interval "${interval}" is not a duration like 30m, 1h or 90s`);
  const version = given.get("chart-version") ?? chartVersion;
  check(/^[0-9A-Za-z.*+<>=~^|!, -]+$/.test(version) && /\d|\*/.test(version), `--chart-version "${version}" is neither a version nor a semver range`);
  const sourceSecret = given.get("source-secret");
  return {
    repository,
    url,
    ociSource: oneOf("oci-source", given.get("oci-source") ?? "OCIRepository", ["OCIRepository", "HelmRepository"] as const),
    chartVersion: version,
    release,
    namespace: namespace("namespace", given.get("namespace") ?? "flux-system"),
    targetNamespace: namespace("target-namespace", given.get("target-namespace") ?? "monitoring"),
    interval,
    ...(sourceSecret !== undefined ? { sourceSecret: objectName("source-secret", sourceSecret) } : {}),
    valuesSecret: objectName("values-secret", given.get("values-secret") ?? `${release}-credentials`),
  };
}
