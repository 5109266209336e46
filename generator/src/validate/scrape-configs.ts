// What Prometheus refuses in a raw scrape job (prometheus.extraScrapeConfigs) beyond what the
// schema says: the rules of the scrape config's, each service discovery's and the HTTP client
// config's UnmarshalYAML/Validate (Prometheus v0.315.0, prometheus/common v0.71.0) that depend on
// other fields or need a URL parsed. The rules a schema can say (required keys, enums, formats)
// are in the generated schema (SD_RULES in generator/src/schema/gen-scrape-config.ts).
import { checkRawRelabelling } from "./relabel.js";
import { durationSeconds } from "../duration.js";
import type { PrometheusValues } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { parseGoUrl } from "./go-url.js";

type Obj = Record<string, unknown>;
type Report = (key: string | undefined, message: string) => void;

const isObj = (value: unknown): value is Obj => value !== null && typeof value === "object" && !Array.isArray(value);
/** Go's zero-value test for a string field: absent, null and "" are all empty. */
const set = (value: unknown): boolean => typeof value === "string" && value !== "";
/** A pointer field (basic_auth, authorization, oauth2, http_headers) is set once written. */
const present = (value: unknown): boolean => value !== undefined && value !== null;

// Go's strings.TrimSpace trims Unicode white space (unicode.IsSpace).
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
const blank = (value: unknown) => typeof value === "string" && GO_SPACE.test(value);

// prometheus/common's ReservedHeaders: http_headers may not set them.
const RESERVED_HEADERS = new Set([
  "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent", "Connection", "Keep-Alive", "Proxy-Authenticate",
  "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding", "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version",
  "X-Prometheus-Scrape-Timeout-Seconds", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
]);

/** Go's http.CanonicalHeaderKey: a name of token characters is capitalised per dash-separated word. */
function canonicalHeader(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** ProxyConfig.Validate (of an HTTP client config, and of an oauth2 block, which embeds one). */
function checkProxy(c: Obj, report: Report): void {
  const url = typeof c.proxy_url === "string" ? c.proxy_url : undefined; // a written proxy_url is a non-nil URL, even ""
  const fromEnvironment = c.proxy_from_environment === true;
  if (isObj(c.proxy_connect_header) && Object.keys(c.proxy_connect_header).length > 0 && !fromEnvironment && !url) {
    report("proxy_connect_header", "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
  }
  if (fromEnvironment && url) report("proxy_url", "if proxy_from_environment is configured, proxy_url must not be configured");
  if (fromEnvironment && set(c.no_proxy)) report("no_proxy", "if proxy_from_environment is configured, no_proxy must not be configured");
  if (url === undefined && set(c.no_proxy)) report("no_proxy", "if no_proxy is configured, proxy_url must also be configured");
}

/** TLSConfig.Validate: it runs wherever a tls_config is decoded. */
function checkTls(tls: unknown, report: Report): void {
  if (!isObj(tls)) return;
  const pairs: Array<[string, string, string]> = [["ca", "ca_file", "at most one of ca, ca_file & ca_ref must be configured"], ["cert", "cert_file", "at most one of cert, cert_file & cert_ref must be configured"], ["key", "key_file", "at most one of key and key_file must be configured"]];
  for (const [inline, file, message] of pairs) if (set(tls[inline]) && set(tls[file])) report(file, message);
  const cert = set(tls.cert) || set(tls.cert_file);
  const key = set(tls.key) || set(tls.key_file);
  if (cert && !key) report("key_file", "exactly one of key or key_file must be configured when a client certificate is configured");
  if (key && !cert) report("cert_file", "exactly one of cert or cert_file must be configured when a client key is configured");
}

/** What decodes itself inside any object with HTTP client fields: tls_config, oauth2, proxy_url. */
function checkSelfDecoding(c: Obj, at: Segments, findings: Findings): void {
  const reportAt = (where: Segments): Report => (key, message) => findings.add("error", key ? [...where, key] : where, message);
  checkTls(c.tls_config, reportAt([...at, "tls_config"]));
  if (typeof c.proxy_url === "string") urlProblem(c.proxy_url, reportAt(at), "proxy_url");
  if (isObj(c.oauth2)) {
    checkProxy(c.oauth2, reportAt([...at, "oauth2"]));
    checkTls(c.oauth2.tls_config, reportAt([...at, "oauth2", "tls_config"]));
    if (typeof c.oauth2.proxy_url === "string") urlProblem(c.oauth2.proxy_url, reportAt([...at, "oauth2"]), "proxy_url");
  }
}

/** HTTPClientConfig.Validate, which the scrape config and most discoveries call. */
function checkHttpClient(c: Obj, report: Report, basicAuthSet = present(c.basic_auth)): void {
  const bearer = set(c.bearer_token) || set(c.bearer_token_file);
  if (set(c.bearer_token) && set(c.bearer_token_file)) return report("bearer_token_file", "at most one of bearer_token & bearer_token_file must be configured");
  if ((basicAuthSet || present(c.oauth2)) && bearer) return report(set(c.bearer_token) ? "bearer_token" : "bearer_token_file", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  const basic = isObj(c.basic_auth) ? c.basic_auth : {};
  if (set(basic.username) && set(basic.username_file)) return report("basic_auth", "at most one of basic_auth username, username_file & username_ref must be configured");
  if (set(basic.password) && set(basic.password_file)) return report("basic_auth", "at most one of basic_auth password, password_file & password_ref must be configured");
  if (present(c.authorization)) {
    const authorization = isObj(c.authorization) ? c.authorization : {};
    if (bearer) return report("authorization", "authorization is not compatible with bearer_token & bearer_token_file");
    if (set(authorization.credentials) && set(authorization.credentials_file)) return report("authorization", "at most one of authorization credentials & credentials_file must be configured");
    if (typeof authorization.type === "string" && authorization.type.trim().toLowerCase() === "basic") return report("authorization", 'authorization type cannot be set to "basic", use "basic_auth" instead');
    if (basicAuthSet || present(c.oauth2)) return report("authorization", "at most one of basic_auth, oauth2 & authorization must be configured");
  }
  if (isObj(c.oauth2)) {
    const oauth2 = c.oauth2;
    if (basicAuthSet) return report("oauth2", "at most one of basic_auth, oauth2 & authorization must be configured");
    if (!set(oauth2.client_id)) return report("oauth2", "oauth2 client_id must be configured");
    if (!set(oauth2.token_url)) return report("oauth2", "oauth2 token_url must be configured");
    if (oauth2.grant_type === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      if (set(oauth2.client_certificate_key) && set(oauth2.client_certificate_key_file)) return report("oauth2", "at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer");
      if (set(oauth2.signature_algorithm) && !["RS256", "RS384", "RS512"].includes(oauth2.signature_algorithm as string)) return report("oauth2", "valid signature algorithms are RS256, RS384 and RS512");
    } else if (set(oauth2.client_secret) && set(oauth2.client_secret_file)) {
      return report("oauth2", "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials");
    }
  }
  checkProxy(c, report);
  if (isObj(c.http_headers)) {
    for (const name of Object.keys(c.http_headers)) {
      if (RESERVED_HEADERS.has(canonicalHeader(name))) report("http_headers", `setting header "${canonicalHeader(name)}" is not allowed`);
    }
  }
}

/** Reports why Go cannot parse the URL; gives back its scheme and host when it can. */
function urlProblem(value: string, report: Report, key: string): { scheme: string; host: string } | undefined {
  const parsed = parseGoUrl(value);
  if ("error" in parsed) {
    report(key, `Prometheus cannot parse ${JSON.stringify(value)} as a URL: ${parsed.error}`);
    return undefined;
  }
  return parsed;
}

/** A URL Prometheus needs with a scheme (from schemes, when given) and a host. */
function checkServerUrl(value: unknown, report: Report, key: string, schemes?: string[]): void {
  if (typeof value !== "string" || value === "") return; // the schema requires it
  const url = urlProblem(value, report, key);
  if (!url) return;
  if (schemes && !schemes.includes(url.scheme)) report(key, `${key} ${JSON.stringify(value)} must use the scheme ${schemes.join(" or ")}`);
  else if (!url.scheme || !url.host) report(key, `${key} ${JSON.stringify(value)} needs a scheme and a host, e.g. http://server:8080`);
}

/** Whether the value has any HTTP client setting other than its defaults (kubernetes compares). */
function customHttpClient(c: Obj): boolean {
  const tls = isObj(c.tls_config) ? c.tls_config : {};
  const tlsCustom = Object.values(tls).some((value) => value === true || (typeof value === "string" && value !== ""));
  return (
    ["basic_auth", "authorization", "oauth2", "http_headers", "proxy_connect_header"].some((key) => present(c[key])) ||
    ["bearer_token", "bearer_token_file", "no_proxy"].some((key) => set(c[key])) ||
    typeof c.proxy_url === "string" || c.proxy_from_environment === true || c.follow_redirects === false || c.enable_http2 === false || tlsCustom
  );
}

const positiveDuration = (c: Obj, report: Report, sd: string) => {
  if (typeof c.refresh_interval === "string" && durationSeconds(c.refresh_interval) <= 0) report("refresh_interval", `${sd} refresh_interval must be positive`);
};

// The discoveries whose UnmarshalYAML calls HTTPClientConfig.Validate (aws's own does not, and
// dns, file, gce, nerve, openstack, ovhcloud, serverset and triton have no HTTP client).
const VALIDATES_HTTP = new Set([
  "azure", "consul", "digitalocean", "docker", "dockerswarm", "ec2", "ecs", "elasticache", "eureka", "hetzner", "http", "ionos", "kubernetes", "kuma",
  "lightsail", "linode", "marathon", "msk", "nomad", "oci", "outscale", "puppetdb", "rds", "scaleway", "stackit", "uyuni", "vultr",
]);

const KUBERNETES_SELECTOR_ROLES: Record<string, string[]> = {
  pod: ["pod", "node"], service: ["service"], endpointslice: ["pod", "service", "endpointslice"], endpoints: ["pod", "service", "endpoints"], node: ["node"], ingress: ["ingress"],
};

/** Per discovery, the rules its UnmarshalYAML has that the schema cannot say. */
const SD_CHECKS: Record<string, (c: Obj, report: Report) => void> = {
  azure(c, report) {
    if ((c.authentication_method ?? "OAuth") !== "OAuth") return;
    for (const key of ["tenant_id", "client_id", "client_secret"]) if (!set(c[key])) report(key, `azure SD configuration requires a ${key} with authentication_method OAuth (the default)`);
  },
  consul(c, report) {
    if (c.server !== undefined && blank(c.server)) report("server", "consul SD configuration requires a server address");
    const userPassword = set(c.username) || set(c.password);
    if (userPassword && present(c.basic_auth)) report("basic_auth", "at most one of consul SD configuration username and password and basic auth can be configured");
    if (set(c.token) && (present(c.authorization) || present(c.oauth2))) report("token", "at most one of consul SD token, authorization, or oauth2 can be configured");
    // username/password become basic_auth before the HTTP client config is validated.
    checkHttpClient(c, report, present(c.basic_auth) || userPassword);
  },
  dns(c, report) {
    const type = typeof c.type === "string" ? c.type.toUpperCase() : "SRV";
    if (type !== "SRV" && !c.port) report("port", `a port is required in DNS-SD configs for all record types except SRV (type ${c.type})`);
  },
  docker: (c, report) => void (typeof c.host === "string" && urlProblem(c.host, report, "host")),
  dockerswarm: (c, report) => void (typeof c.host === "string" && urlProblem(c.host, report, "host")),
  eureka: (c, report) => checkServerUrl(c.server, report, "server"),
  http: (c, report) => checkServerUrl(c.url, report, "url", ["http", "https"]),
  puppetdb: (c, report) => checkServerUrl(c.url, report, "url", ["http", "https"]),
  kuma: (c, report) => checkServerUrl(c.server, report, "server"),
  kubernetes(c, report) {
    const apiServer = typeof c.api_server === "string"; // a written api_server is a non-nil URL, even ""
    if (apiServer) urlProblem(c.api_server as string, report, "api_server");
    const kubeconfig = set(c.kubeconfig_file);
    const custom = customHttpClient(c);
    const ownNamespace = isObj(c.namespaces) && c.namespaces.own_namespace === true;
    if (apiServer && kubeconfig) report("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
    else if (kubeconfig && custom) report("kubeconfig_file", "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
    else if (!apiServer && custom) report(undefined, "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
    else if (apiServer && ownNamespace) report("namespaces", "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
    else if (kubeconfig && ownNamespace) report("namespaces", "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
    const seen = new Set<unknown>();
    const allowed = KUBERNETES_SELECTOR_ROLES[c.role as string] ?? [];
    for (const selector of Array.isArray(c.selectors) ? c.selectors : []) {
      if (!isObj(selector)) continue;
      if (seen.has(selector.role)) report("selectors", `duplicated selector role: ${String(selector.role)}`);
      seen.add(selector.role);
      if (!allowed.includes(selector.role as string)) report("selectors", `${String(c.role)} role supports only ${allowed.join(", ")} selectors`);
    }
  },
  marathon(c, report) {
    const token = set(c.auth_token);
    const tokenFile = set(c.auth_token_file);
    if (token && tokenFile) return report("auth_token_file", "marathon_sd: at most one of auth_token & auth_token_file must be configured");
    if (!token && !tokenFile) return;
    if (present(c.basic_auth)) report("basic_auth", "marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured");
    else if (set(c.bearer_token) || set(c.bearer_token_file)) report("auth_token", "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured");
    else if (present(c.authorization)) report("authorization", "marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured");
  },
  nomad(c, report) {
    if (c.server !== undefined && blank(c.server)) report("server", "nomad SD configuration requires a server address");
  },
  oci(c, report) {
    const credentials = ["tenancy", "user", "fingerprint", "key_file", "key_passphrase", "key_passphrase_file"];
    if ((c.auth ?? "api_key") === "api_key") {
      for (const key of ["tenancy", "user", "fingerprint", "key_file"]) if (!set(c[key])) report(key, `oci_sd: api_key auth (the default) requires ${key}`);
      if (set(c.key_passphrase) && set(c.key_passphrase_file)) report("key_passphrase_file", "oci_sd: at most one of key_passphrase and key_passphrase_file must be configured");
    } else if (c.auth === "instance_principal") {
      for (const key of credentials) if (set(c[key])) report(key, `oci_sd: instance_principal auth must not have ${key} set`);
    }
    positiveDuration(c, report, "oci_sd:");
  },
  outscale(c, report) {
    if (!set(c.secret_key) && !set(c.secret_key_file)) report("secret_key", "one of secret_key & secret_key_file must be configured");
    if (set(c.secret_key) && set(c.secret_key_file)) report("secret_key_file", "at most one of secret_key & secret_key_file must be configured");
  },
  scaleway(c, report) {
    if (!set(c.secret_key) && !set(c.secret_key_file)) report("secret_key", "one of secret_key & secret_key_file must be configured");
    if (set(c.secret_key) && set(c.secret_key_file)) report("secret_key_file", "at most one of secret_key & secret_key_file must be configured");
    if (typeof c.api_url === "string") urlProblem(c.api_url, report, "api_url");
  },
  stackit(c, report) {
    if (!set(c.endpoint) && c.region === "") report("region", "stackit_sd: endpoint and region missing (region defaults to eu01 when left out)");
    if (typeof c.endpoint === "string") urlProblem(c.endpoint, report, "endpoint");
  },
  triton: (c, report) => positiveDuration(c, report, "triton SD configuration:"),
  uyuni: (c, report) => void (typeof c.server === "string" && urlProblem(c.server, report, "server")),
};

/** Errors for the raw scrape jobs that Prometheus would refuse to load. */
export function checkRawScrapeConfigs(prometheus: PrometheusValues, findings: Findings): void {
  for (const [index, raw] of (prometheus.extraScrapeConfigs ?? []).entries()) {
    const job = raw as unknown as Obj;
    const at: Segments = ["prometheus", "extraScrapeConfigs", index];
    const reportAt = (where: Segments): Report => (key, message) => findings.add("error", key ? [...where, key] : where, message);
    checkHttpClient(job, reportAt(at));
    checkSelfDecoding(job, at, findings);
    checkRawRelabelling(findings, at, job);
    // ScrapeConfig.Validate: an unset (or zero) interval is the global one, which the chart sets from prometheus.scrapeInterval.
    const ownInterval = typeof job.scrape_interval === "string" ? durationSeconds(job.scrape_interval) : 0;
    const interval = ownInterval > 0 ? ownInterval : durationSeconds(prometheus.scrapeInterval ?? "1m");
    if (typeof job.scrape_timeout === "string" && durationSeconds(job.scrape_timeout) > interval) {
      const whose = ownInterval > 0 ? `scrape_interval ${String(job.scrape_interval)}` : `the global scrape interval ${prometheus.scrapeInterval} (prometheus.scrapeInterval)`;
      findings.add("error", [...at, "scrape_timeout"], `scrape_timeout ${job.scrape_timeout} exceeds ${whose}; Prometheus refuses such a config`);
    }
    // A static target's address cannot hold a "/" (config.CheckTargetAddress; promtool checks it
    // after relabelling). Only a step that writes __address__ can make a URL target valid (the
    // blackbox pattern); validate does not run relabelling, so it trusts such a step.
    const rules = Array.isArray(job.relabel_configs) ? job.relabel_configs.filter(isObj) : [];
    if (!rules.some((rule) => rule.target_label === "__address__" || String(rule.action ?? "").toLowerCase() === "labelmap")) {
      (Array.isArray(job.static_configs) ? job.static_configs : []).forEach((group, g) => {
        const targets = isObj(group) && Array.isArray(group.targets) ? group.targets : [];
        targets.forEach((target, t) => {
          if (typeof target === "string" && target.includes("/")) findings.add("error", [...at, "static_configs", g, "targets", t], `"${target}" is not a valid hostname: a target is host:port (set metrics_path and scheme for the rest, or write __address__ in relabel_configs)`);
        });
      });
    }
    for (const [key, list] of Object.entries(job)) {
      const sd = /^(\w+)_sd_configs$/.exec(key)?.[1];
      if (!sd || !Array.isArray(list)) continue;
      list.forEach((config, position) => {
        if (!isObj(config)) return;
        const where: Segments = [...at, key, position];
        if (VALIDATES_HTTP.has(sd) && sd !== "consul") checkHttpClient(config, reportAt(where));
        checkSelfDecoding(config, where, findings);
        SD_CHECKS[sd]?.(config, reportAt(where));
      });
    }
  }
}
