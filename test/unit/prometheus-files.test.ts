import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartFlags } from "../../generator/src/validate/chart-flags.js";
import { filesOfScrapeConfig, prometheusMounts, unreadable } from "../../generator/src/validate/prometheus-files.js";
import type { PrometheusValues } from "../../generator/src/types/values.js";

describe("prometheus-files: what the Prometheus pod can read", () => {
  const mounts = prometheusMounts({ secretMounts: ["certs"], configMapMounts: ["sd"], scrapeJobs: [{ name: "j", static: { targets: ["a:1"] }, bearerTokenSecret: { name: "job-token", key: "t" } }] } as PrometheusValues);

  it("accepts keys of mounted Secrets and ConfigMaps, the service account files and a log in the data volume", () => {
    expect(unreadable("/etc/prometheus/secrets/certs/ca.crt", mounts)).to.equal(undefined);
    expect(unreadable("/etc/prometheus/secrets/job-token/other-key", mounts)).to.equal(undefined);
    expect(unreadable("/etc/prometheus/configmaps/sd/*.json", mounts, { glob: true })).to.equal(undefined);
    expect(unreadable("/var/run/secrets/kubernetes.io/serviceaccount/token", mounts)).to.equal(undefined);
    expect(unreadable("/prometheus/failures.log", mounts, { write: true })).to.equal(undefined);
  });

  it("refuses everything else, saying why", () => {
    expect(unreadable("/etc/prometheus/secrets/other/ca.crt", mounts)).to.contain("Secret other is not mounted; add it to prometheus.secretMounts");
    expect(unreadable("/etc/prometheus/secrets/certs/sub/ca.crt", mounts)).to.contain("a subdirectory of /etc/prometheus/secrets/certs");
    expect(unreadable("ca.pem", mounts)).to.contain("ca.pem (read as /etc/prometheus/config/ca.pem)");
    expect(unreadable("/var/run/secrets/kubernetes.io/serviceaccount/password", mounts)).to.contain("holds only ca.crt, namespace, token");
    expect(unreadable("/prometheus/token", mounts)).to.contain("which holds no files of yours");
    expect(unreadable("/etc/prometheus/secrets/certs/x.log", mounts, { write: true })).to.contain("not in a writable mount");
    expect(unreadable("/etc/*/x.json", mounts, { glob: true })).to.contain("a glob in a directory name");
  });

  it("knows the files of extraVolumeMounts: any key of a Secret, ConfigMap or CSI volume, its items' subdirectories, a writable emptyDir", () => {
    const extra = prometheusMounts({
      extraVolumes: [
        { name: "ca", secret: { secretName: "team-ca", items: [{ key: "ca.crt", path: "bundle/pem/ca.crt" }] } },
        { name: "scratch", emptyDir: { sizeLimit: "8Mi" } },
        { name: "vault", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true } },
      ],
      extraVolumeMounts: [
        { name: "ca", mountPath: "/etc/ssl/team/" },
        { name: "scratch", mountPath: "/tmp/scratch" },
        { name: "vault", mountPath: "/mnt/vault" },
      ],
    } as PrometheusValues);
    expect(unreadable("/etc/ssl/team/bundle/pem/ca.crt", extra)).to.equal(undefined);
    expect(unreadable("/etc/ssl/team/bundle/ca.crt", extra)).to.equal(undefined);
    expect(unreadable("/mnt/vault/token", extra)).to.equal(undefined);
    expect(unreadable("/tmp/scratch/failures.log", extra, { write: true })).to.equal(undefined);
    expect(unreadable("/etc/ssl/team/other/ca.crt", extra)).to.contain("a subdirectory of /etc/ssl/team (extraVolumes ca (Secret team-ca))");
    expect(unreadable("/mnt/vault/x.log", extra, { write: true })).to.contain("(they are /prometheus/, /tmp/scratch/)");
    expect(unreadable("/tmp/scratch/token", extra)).to.contain("/tmp/scratch (extraVolumes scratch (an emptyDir)), which holds no files of yours");
  });

  it("finds every file a scrape_config names", () => {
    const files = filesOfScrapeConfig({
      job_name: "x",
      bearer_token_file: "/a",
      tls_config: { ca_file: "/b" },
      oauth2: { client_secret_file: "/c", tls_config: { key_file: "/d" } },
      kubernetes_sd_configs: [{ role: "pod", kubeconfig_file: "/e" }],
      file_sd_configs: [{ files: ["/f/*.json"] }],
      http_headers: { X: { files: ["/g"] } },
      scrape_failure_log_file: "/h",
      params: { files: ["not-a-file"] },
    });
    expect(files.map((f) => [f.at.join("."), f.path, !!f.glob, !!f.write])).to.deep.equal([
      ["bearer_token_file", "/a", false, false],
      ["tls_config.ca_file", "/b", false, false],
      ["oauth2.client_secret_file", "/c", false, false],
      ["oauth2.tls_config.key_file", "/d", false, false],
      ["kubernetes_sd_configs.0.kubeconfig_file", "/e", false, false],
      ["file_sd_configs.0.files.0", "/f/*.json", true, false],
      ["http_headers.X.files.0", "/g", false, false],
      ["scrape_failure_log_file", "/h", false, true],
    ]);
  });
});

describe("chart-flags: the flags a chart template passes besides extraArgs", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-flags-"));
    mkdirSync(join(dir, "charts", "thing", "templates"), { recursive: true });
    writeFileSync(
      join(dir, "charts", "thing", "templates", "deployment.yaml"),
      [
        "{{- $values := .Values.part }}",
        "          args:",
        "            - --config.file=/x",
        '            - "--quoted={{ .Values.q }}"',
        "            {{- range .Values.peers }}",
        "            - --peer={{ . }}",
        "            {{- end }}",
        '            {{- if not (hasKey $values.extraArgs "tunable") }}',
        "            - --tunable=1",
        "            {{- end }}",
        '            {{- with $values.extraArgs }}{{ include "promstack.extraArgs" . | trim | nindent 12 }}{{ end }}',
        "          ports: []",
      ].join("\n"),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads flags, loops (repeatable) and hasKey guards (overridable)", () => {
    const [entry, ...rest] = chartFlags(dir);
    expect(rest).to.have.length(0);
    expect(entry!.owner).to.deep.equal(["thing", "part"]);
    expect([...entry!.flags].sort()).to.deep.equal(["config.file", "peer", "quoted", "tunable"]);
    expect([...entry!.repeatable]).to.deep.equal(["peer"]);
    expect([...entry!.overridable]).to.deep.equal(["tunable"]);
  });
});
