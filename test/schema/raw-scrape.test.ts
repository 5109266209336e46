// Raw Prometheus settings (extraScrapeConfigs, extraArgs) are checked as strictly as
// Prometheus reads them: unknown keys, files the pod does not mount, flags the chart passes.
import { expect } from "chai";
import { join } from "node:path";
import { chartDir, promstack, repoRoot, run, tools } from "../helpers/tools.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", name);

const cases: Array<{ file: string; expected: string[] }> = [
  {
    file: "broken/extra-scrape-unknown-keys.yaml",
    expected: [
      '4:7: prometheus.extraScrapeConfigs[0].scrape_intervall: unknown key "scrape_intervall"; did you mean "scrape_interval"?',
      '5:44: prometheus.extraScrapeConfigs[0].kubernetes_sd_configs[0].namespace: unknown key "namespace"; did you mean "namespaces"?',
      '6:35: prometheus.extraScrapeConfigs[0].relabel_configs[0].action: "kep" is not a valid PrometheusRelabelAction',
      // Prometheus installs no secret manager, so a *_ref fails when it builds the HTTP client.
      '7:34: prometheus.extraScrapeConfigs[0].basic_auth.password_ref: unknown key "password_ref"',
    ],
  },
  {
    file: "broken/extra-scrape-unmounted-files.yaml",
    expected: [
      "7:85: prometheus.extraScrapeConfigs[0].tls_config.cert_file: /etc/ssl/etcd/client.crt is in nothing the Prometheus pod mounts; mount it with prometheus.secretMounts",
      "7:121: prometheus.extraScrapeConfigs[0].tls_config.key_file: /etc/prometheus/secrets/etcd/client.key: Secret etcd is not mounted; add it to prometheus.secretMounts",
      "8:42: prometheus.extraScrapeConfigs[0].authorization.credentials_file: token (read as /etc/prometheus/config/token): /etc/prometheus/config (the chart's configuration) holds only prometheus.yml",
    ],
  },
  {
    file: "broken/extra-args-repeated.yaml",
    expected: [
      '3:16: prometheus.extraArgs["storage.tsdb.retention.time"]: --storage.tsdb.retention.time is already passed by the chart (charts/promstack/charts/prometheus/templates/statefulset.yaml)',
      '3:50: prometheus.extraArgs["web.enable-lifecycle"]: --web.enable-lifecycle is already passed by the chart',
      '5:16: alertmanager.extraArgs["data.retention"]: --data.retention is already passed by the chart (charts/promstack/charts/alertmanager/templates/statefulset.yaml)',
    ],
  },
  {
    file: "broken/extra-args-unknown.yaml",
    expected: [
      '3:16: prometheus.extraArgs["query.timout"]: --query.timout is not a flag of the pinned Prometheus, which would refuse to start; did you mean "query.timeout"?',
      '3:34: prometheus.extraArgs["no-web.enable-lifecycle"]: --no-web.enable-lifecycle is already passed by the chart',
    ],
  },
];

describe("schema: raw scrape configs and extra flags", () => {
  for (const { file, expected } of cases) {
    it(`${file} is rejected, naming each key`, () => {
      const path = fixture(file);
      const result = promstack(["validate", path]);
      expect(result.status).to.equal(1);
      const lines = result.stderr.split("\n").filter((line) => line.startsWith(`${path}:`));
      expect(lines, result.stderr).to.have.length(expected.length);
      expected.forEach((message, index) => expect(lines[index]).to.contain(`${path}:${message}`));
    });
  }

  it("helm template refuses the unknown keys too (values.schema.json)", () => {
    const result = run(tools.helm, ["template", "mon", chartDir, "-f", fixture("broken/extra-scrape-unknown-keys.yaml")]);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(/scrape_intervall/);
  });

  it("files from secretMounts, configMapMounts and the service account pass, and the chart mounts them", () => {
    const path = fixture("extra-scrape-mounted.yaml");
    const result = promstack(["validate", path]);
    expect(result.status, result.stderr).to.equal(0);
    const rendered = run(tools.helm, ["template", "mon", chartDir, "-f", path]);
    expect(rendered.status, rendered.stderr).to.equal(0);
    // User strings are rendered quoted (a Secret name cannot start a YAML comment or alias).
    expect(rendered.stdout).to.match(/mountPath: "?\/etc\/prometheus\/secrets\/etcd-client"?\n/);
    expect(rendered.stdout).to.match(/secretName: "?etcd-client"?\n/);
    expect(rendered.stdout).to.match(/mountPath: "?\/etc\/prometheus\/configmaps\/file-sd"?\n/);
  });
});
