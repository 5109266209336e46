// What validate says about a Thanos sidecar the pod would not run as meant: the sidecar's own
// refusals (no external labels, block durations that let Prometheus compact what it has yet
// to upload), replicas it cannot tell apart, and its blocked network paths, each at its path.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";

const catalogue = loadCatalogue();
const validate = createValidator(buildContract(catalogue).umbrella, catalogue);

describe("unit: Thanos sidecar checks", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-thanos-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Each problem validate finds (static checks), as severity, path and message. */
  function problems(text: string): Array<{ severity: string; path: string; message: string }> {
    const file = join(dir, "p.yaml");
    writeFileSync(file, text);
    return validate([file]).problems.map(({ severity, path, message }) => ({ severity, path, message }));
  }
  const clients = "network-policies: { thanosStoreApiClients: { namespaces: [thanos] } }\n";

  it("accepts a sidecar with a cluster label, unique replica labels and the chart's block durations", () => {
    expect(problems(`global: { clusterName: eu1 }
prometheus:
  replicas: 2
  replicaExternalLabel: prometheus_replica
  thanosSidecar: { enabled: true, objectStorageSecret: { name: thanos-objstore, key: objstore.yml } }
${clients}`)).to.deep.equal([]);
  });

  it("refuses a sidecar without external labels, as the sidecar would at start", () => {
    const found = problems(`prometheus: { thanosSidecar: { enabled: true } }\n${clients}`);
    expect(found).to.have.length(1);
    expect(found[0]).to.include({ severity: "error", path: "prometheus.thanosSidecar.enabled" });
    expect(found[0]!.message).to.contain("no external labels configured on Prometheus server").and.to.contain("prometheus.externalLabels");
  });

  it("refuses two replicas whose external labels are the same", () => {
    const found = problems(`prometheus: { replicas: 2, externalLabels: { cluster: eu1 }, thanosSidecar: { enabled: true } }\n${clients}`);
    expect(found.map((p) => [p.severity, p.path])).to.deep.equal([["error", "prometheus.replicaExternalLabel"]]);
    expect(found[0]!.message).to.contain("unique per replica");
  });

  it("refuses extraArgs that make the block durations differ while the sidecar uploads, and only then", () => {
    const profile = (secret: string) => `prometheus:
  externalLabels: { cluster: eu1 }
  extraArgs: { storage.tsdb.max-block-duration: 1d }
  thanosSidecar: { enabled: true${secret} }
${clients}`;
    const found = problems(profile(", objectStorageSecret: { name: s, key: objstore.yml }"));
    expect(found.map((p) => [p.severity, p.path])).to.deep.equal([["error", 'prometheus.extraArgs["storage.tsdb.max-block-duration"]']]);
    expect(found[0]!.message).to.contain("min-block-duration (2h) must equal --storage.tsdb.max-block-duration (1d)");
    // Serving the Store API alone never needs compaction off.
    expect(problems(profile(""))).to.deep.equal([]);
    // Equal durations are what the sidecar asks for.
    expect(problems(profile(", objectStorageSecret: { name: s, key: objstore.yml }").replace("{ storage.tsdb.max-block-duration: 1d }", "{ storage.tsdb.max-block-duration: 2h }"))).to.deep.equal([]);
  });

  it("warns at the path when the network policies block the Store API or the upload", () => {
    const found = problems(`prometheus:
  externalLabels: { cluster: eu1 }
  thanosSidecar: { enabled: true, objectStorageSecret: { name: s, key: objstore.yml } }
network-policies: { objectStorageEgress: [] }
`);
    expect(found.map((p) => [p.severity, p.path])).to.deep.equal([["warning", "prometheus.thanosSidecar.enabled"], ["warning", "prometheus.thanosSidecar.objectStorageSecret"]]);
    expect(found[0]!.message).to.contain("Store API (10901) is blocked").and.to.contain("network-policies.thanosStoreApiClients");
    expect(found[1]!.message).to.contain("network-policies.objectStorageEgress");
    expect(problems(`prometheus: { externalLabels: { cluster: eu1 }, thanosSidecar: { enabled: true } }\nnetwork-policies: { enabled: false }\n`)).to.deep.equal([]);
  });

  it("warns that operator mode ignores it", () => {
    const found = problems(`prometheus: { mode: operator, operator: { monitorSelectorLabels: { release: kps } }, thanosSidecar: { enabled: true } }
grafana: { datasources: { prometheus: { url: "http://prometheus-operated.monitoring.svc:9090" } } }
`);
    expect(found.map((p) => [p.severity, p.path])).to.deep.equal([["warning", "prometheus.thanosSidecar.enabled"]]);
  });

  it("refuses the sidecar on 32-bit arm, for which the pinned Thanos image is not published, and only when it runs", () => {
    const arm = (enabled: boolean) => problems(`global: { architectures: [arm], clusterName: pi }\nprometheus: { thanosSidecar: { enabled: ${enabled} } }\n${clients}`);
    const found = arm(true);
    expect(found.map((p) => [p.severity, p.path])).to.deep.equal([["error", "prometheus.thanosSidecar.image"]]);
    expect(found[0]!.message).to.contain("is not published for arm");
    expect(arm(false)).to.deep.equal([]);
  });

  it("refuses two ways to authenticate on a scrape job, and the Thanos volume name for an extra volume", () => {
    const twice = problems(`prometheus:
  scrapeJobs:
    - name: api
      static: { targets: ["api:443"] }
      bearerTokenSecret: { name: t, key: token }
      oauth2: { clientId: c, clientSecretSecret: { name: o, key: s }, tokenUrl: "https://auth.example.com/token" }
`);
    expect(twice.map((p) => [p.severity, p.path, p.message])).to.deep.equal([["error", "prometheus.scrapeJobs[0].oauth2", "set either bearerTokenSecret or oauth2, not both: Prometheus accepts one way to authenticate per scrape_config"]]);
    const volume = problems(`prometheus: { extraVolumes: [{ name: thanos-objstore, emptyDir: {} }] }\n`);
    expect(volume.some((p) => p.severity === "error" && /thanos-objstore are the chart's own volume names/.test(p.message)), JSON.stringify(volume)).to.equal(true);
  });
});
