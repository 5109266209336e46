// remote_read, remote_write's oauth2, sigv4, send_exemplars, proxy and protocol, query_log_file, the TSDB
// out-of-order window, keep_dropped_targets and otlp: what all-enabled.yaml writes reaches the rendered prometheus.yml
// unchanged (read back from the render, key by key), promtool accepts the render with the
// pod's files in place, and the combinations validate refuses, promtool refuses too.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { PrometheusValues } from "../../generator/src/types/values.js";
import { prometheusMounts } from "../../generator/src/validate/prometheus-files.js";
import { checkInPod } from "../helpers/prometheus-pod.js";
import { configMapData, find, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { promstack, repoRoot } from "../helpers/tools.js";

const fixture = join(repoRoot, "test", "fixtures", "all-enabled.yaml");
const values = (parse(readFileSync(fixture, "utf8")) as { prometheus: PrometheusValues }).prometheus;
const secretFile = (ref: { name: string; key: string }) => `/etc/prometheus/secrets/${ref.name}/${ref.key}`;

describe("semantics: remote_read, remote_write auth and exemplars, query log, out-of-order window, keep_dropped_targets, otlp", () => {
  let dir: string;
  let config: Record<string, any>;
  let yml: string;
  let objects: ReturnType<typeof parseObjects>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-remote-"));
    objects = parseObjects(helmTemplate([fixture]));
    yml = configMapData(objects, `${RELEASE}-prometheus`, "prometheus.yml");
    config = parse(yml) as Record<string, any>;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("promtool check config accepts the render, every file it names in place", () => {
    const result = checkInPod(join(dir, "pod"), yml, prometheusMounts(values));
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("SUCCESS");
  });

  it("remote_read: each endpoint as written, its client secret a file of a mounted Secret", () => {
    const written = values.remoteRead ?? [];
    expect(written).to.not.be.empty;
    expect(config.remote_read).to.have.length(written.length);
    written.forEach((remote, i) => {
      const got = config.remote_read[i];
      expect(got.url).to.equal(remote.url);
      expect(got.name).to.equal(remote.name);
      expect(got.remote_timeout).to.equal(remote.remoteTimeout);
      expect(got.read_recent).to.equal(remote.readRecent);
      expect(got.required_matchers).to.deep.equal(remote.requiredMatchers);
      expect(got.filter_external_labels).to.equal(remote.filterExternalLabels);
      expect(got.headers).to.deep.equal(remote.headers);
      expect(got.enable_http2).to.equal(remote.enableHttp2);
      if (remote.oauth2) {
        expect(got.oauth2).to.include({ client_id: remote.oauth2.clientId, token_url: remote.oauth2.tokenUrl, client_secret_file: secretFile(remote.oauth2.clientSecretSecret) });
        expect(got.oauth2).to.not.have.property("client_secret");
      }
    });
  });

  it("remote_write: oauth2, sigv4, send_exemplars, the proxy and the protocol as written; sigv4's credentials only as a file from a Secret", () => {
    const byName = new Map((config.remote_write as Array<Record<string, any>>).map((r) => [r.name ?? r.url, r]));
    const oauth2 = values.remoteWrite!.find((r) => r.oauth2)!;
    expect(byName.get(oauth2.name)!.oauth2).to.deep.equal({
      client_id: oauth2.oauth2!.clientId,
      client_secret_file: secretFile(oauth2.oauth2!.clientSecretSecret),
      token_url: oauth2.oauth2!.tokenUrl,
      scopes: oauth2.oauth2!.scopes,
      endpoint_params: oauth2.oauth2!.endpointParams,
    });
    // The proxy, redirect, HTTP/2 and protocol settings, by prometheus.yml's names.
    const proxied = values.remoteWrite!.find((r) => r.proxyUrl)!;
    expect(byName.get(proxied.name)).to.deep.include({ proxy_url: proxied.proxyUrl, follow_redirects: proxied.followRedirects, enable_http2: proxied.enableHttp2, protobuf_message: proxied.protobufMessage });
    const signed = values.remoteWrite!.find((r) => r.sigv4)!;
    const got = byName.get(signed.name)!;
    expect(got.sigv4).to.deep.equal({ region: signed.sigv4!.region, profile: signed.sigv4!.profile, role_arn: signed.sigv4!.roleArn });
    expect(got.send_exemplars).to.equal(signed.sendExemplars);
    // The key itself is in no ConfigMap: the container is told where the mounted file is.
    const sts = find(objects, "StatefulSet", `${RELEASE}-prometheus`) as any;
    const container = sts.spec.template.spec.containers.find((c: any) => c.name === "prometheus");
    const path = secretFile(signed.sigv4!.credentialsSecret!);
    expect(container.env).to.deep.include({ name: "AWS_SHARED_CREDENTIALS_FILE", value: path });
    const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    expect(sts.spec.template.spec.volumes.find((v: any) => v.name === mount.name).secret.secretName).to.equal(signed.sigv4!.credentialsSecret!.name);
    expect(container.args).to.include("--enable-feature=exemplar-storage");
  });

  it("query_log_file in the data volume, and the out-of-order window in storage.tsdb", () => {
    expect(config.global.query_log_file).to.equal(`/prometheus/${values.queryLogFile}`);
    expect(config.global.scrape_failure_log_file).to.equal(`/prometheus/${values.scrapeFailureLogFile}`);
    expect(config.storage).to.deep.equal({ tsdb: { out_of_order_time_window: values.tsdb!.outOfOrderTimeWindow } });
  });

  it("keep_dropped_targets, rule_query_offset and the scrape defaults in global, and the otlp section with prometheus.yml's keys", () => {
    expect(config.global.keep_dropped_targets).to.equal(values.keepDroppedTargets);
    expect(config.global.rule_query_offset).to.equal(values.ruleQueryOffset);
    const defaults = values.scrapeDefaults!;
    expect(config.global).to.deep.include({
      scrape_protocols: defaults.protocols,
      scrape_native_histograms: defaults.nativeHistograms,
      always_scrape_classic_histograms: defaults.alwaysScrapeClassicHistograms,
      extra_scrape_metrics: defaults.extraScrapeMetrics,
      body_size_limit: defaults.bodySizeLimit,
      sample_limit: defaults.sampleLimit,
      label_limit: defaults.labelLimit,
      label_name_length_limit: defaults.labelNameLengthLimit,
      label_value_length_limit: defaults.labelValueLengthLimit,
      target_limit: defaults.targetLimit,
    });
    const otlp = values.otlp!;
    expect(config.otlp).to.deep.equal({
      promote_all_resource_attributes: otlp.promoteAllResourceAttributes,
      ignore_resource_attributes: otlp.ignoreResourceAttributes,
      translation_strategy: otlp.translationStrategy,
      convert_histograms_to_nhcb: otlp.convertHistogramsToNHCB,
      promote_scope_metadata: otlp.promoteScopeMetadata,
      label_name_underscore_sanitization: otlp.labelNameUnderscoreSanitization,
      label_name_preserve_multiple_underscores: otlp.labelNamePreserveMultipleUnderscores,
    });
  });

  for (const [name, otlp, message, refusal] of [
    ["listed and all resource attributes", { promoteAllResourceAttributes: true, promoteResourceAttributes: ["service.name"] }, "prometheus.otlp.promoteResourceAttributes: promoteAllResourceAttributes already promotes", /cannot be configured simultaneously/],
    ["ignored attributes without all", { ignoreResourceAttributes: ["service.name"] }, "prometheus.otlp.ignoreResourceAttributes: ignoreResourceAttributes needs promoteAllResourceAttributes: true", /cannot be configured unless/],
  ] as const) {
    it(`otlp with ${name}: validate refuses it, and so does promtool on the render`, () => {
      const profile = join(dir, "otlp.yaml");
      writeFileSync(profile, stringify({ prometheus: { otlp } }));
      const validated = promstack(["validate", "--no-tools", profile]);
      expect(validated.status).to.equal(1);
      expect(validated.stderr).to.contain(message);
      const rendered = configMapData(parseObjects(helmTemplate([profile])), `${RELEASE}-prometheus`, "prometheus.yml");
      const refused = checkInPod(join(dir, `otlp-pod-${name.replace(/ /g, "-")}`), rendered, prometheusMounts({} as PrometheusValues));
      expect(refused.status).to.not.equal(0);
      expect(refused.stdout + refused.stderr).to.match(refusal);
    });
  }

  it("two ways to authenticate one endpoint: validate refuses it, and so does promtool on the render", () => {
    const profile = join(dir, "two-auths.yaml");
    const remote = { url: "https://mimir.example.com/api/v1/push", bearerTokenSecret: { name: "t", key: "token" }, oauth2: { clientId: "c", clientSecretSecret: { name: "o", key: "secret" }, tokenUrl: "https://auth.example.com/token" } };
    writeFileSync(profile, stringify({ prometheus: { remoteWrite: [remote] } }));
    const validated = promstack(["validate", "--no-tools", profile]);
    expect(validated.status).to.equal(1);
    expect(validated.stderr).to.contain("prometheus.remoteWrite[0].oauth2: set one of bearerTokenSecret and oauth2, not both");
    const rendered = configMapData(parseObjects(helmTemplate([profile])), `${RELEASE}-prometheus`, "prometheus.yml");
    const refused = checkInPod(join(dir, "two-auths-pod"), rendered, prometheusMounts({ remoteWrite: [remote] } as PrometheusValues));
    expect(refused.status).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.match(/at most one of/);
  });

  for (const key of ["queryLogFile", "scrapeFailureLogFile"]) {
    it(`a ${key} outside the writable mounts: validate refuses it`, () => {
      const profile = join(dir, `${key}.yaml`);
      writeFileSync(profile, stringify({ prometheus: { [key]: "/var/log/prometheus/queries.log" } }));
      const validated = promstack(["validate", "--no-tools", profile]);
      expect(validated.status).to.equal(1);
      expect(validated.stderr).to.contain(`prometheus.${key}: /var/log/prometheus/queries.log is not in a writable mount of the Prometheus pod`);
    });
  }
});
