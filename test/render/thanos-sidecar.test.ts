// The Thanos sidecar as helm renders it (all-enabled.yaml uploads; the flags below switch it
// off or to Store API only): the container beside Prometheus, hardened like the others, the
// image the catalogue pins, its object storage config from the user's Secret, the flags
// Prometheus needs exactly while it uploads, and the headless Service Thanos Query discovers.
// The live layer runs these args against a real Prometheus (test/live/thanos-sidecar.test.ts).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { configMapData, find, helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { fixture, rendered, selects } from "./cases.js";

const statefulSet = (objects: K8sObject[]) => find(objects, "StatefulSet", `${RELEASE}-prometheus`) as any;
const containerOf = (objects: K8sObject[], name: string) => statefulSet(objects).spec.template.spec.containers.find((c: { name: string }) => c.name === name);
const BLOCK_FLAGS = ["--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=2h"];

describe("render: Thanos sidecar", () => {
  const objects = rendered(fixture("all-enabled.yaml"));
  const sidecar = () => containerOf(objects, "thanos-sidecar");

  it("runs the catalogue's Thanos image beside Prometheus, as `thanos sidecar` against Prometheus on loopback", () => {
    const image = loadCatalogue().images["thanos"]!;
    expect(sidecar().image).to.equal(`${image.repository}:${image.tag}`);
    expect(sidecar().args.slice(0, 2)).to.deep.equal(["sidecar", "--prometheus.url=http://127.0.0.1:9090"]);
    expect(sidecar().args).to.include.members(["--tsdb.path=/prometheus", "--grpc-address=:10901", "--http-address=:10902"]);
  });

  it("reads the TSDB Prometheus writes: the same data volume at the path --tsdb.path names", () => {
    const prometheusData = containerOf(objects, "prometheus").volumeMounts.find((m: { name: string }) => m.name === "data");
    const sidecarData = sidecar().volumeMounts.find((m: { name: string }) => m.name === "data");
    expect(sidecarData.mountPath).to.equal(prometheusData.mountPath).and.to.equal("/prometheus");
    expect(sidecarData.readOnly, "the shipper writes thanos.shipper.json there").to.not.equal(true);
  });

  it("reads the object storage config from the user's Secret key, mounted read-only, never inline", () => {
    const values = parse(readFileSync(fixture("all-enabled.yaml"), "utf8")) as any;
    const ref = values.prometheus.thanosSidecar.objectStorageSecret;
    const volume = statefulSet(objects).spec.template.spec.volumes.find((v: { name: string }) => v.name === "thanos-objstore");
    expect(volume.secret).to.deep.equal({ secretName: ref.name, items: [{ key: ref.key, path: "objstore.yml" }] });
    const mount = sidecar().volumeMounts.find((m: { name: string }) => m.name === "thanos-objstore");
    expect(mount).to.deep.equal({ name: "thanos-objstore", mountPath: "/etc/thanos/objstore", readOnly: true });
    expect(sidecar().args).to.include(`--objstore.config-file=${mount.mountPath}/objstore.yml`);
  });

  it("is hardened like every container: non-root pod, read-only root, no capabilities, seccomp, requests and a memory limit", () => {
    const pod = statefulSet(objects).spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).to.equal(true);
    expect(pod.securityContext.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
    expect(sidecar().securityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(sidecar().resources.requests).to.have.keys("cpu", "memory", "ephemeral-storage");
    expect(sidecar().resources.limits).to.include.keys("memory");
  });

  it("serves gRPC 10901 and HTTP 10902 on named ports its probes use", () => {
    expect(sidecar().ports).to.deep.equal([{ name: "grpc", containerPort: 10901, protocol: "TCP" }, { name: "http-sidecar", containerPort: 10902, protocol: "TCP" }]);
    expect(sidecar().livenessProbe.httpGet).to.deep.equal({ path: "/-/healthy", port: "http-sidecar" });
    expect(sidecar().readinessProbe.httpGet).to.deep.equal({ path: "/-/ready", port: "http-sidecar" });
  });

  it("a headless Service gives Thanos Query each replica's Store API (dnssrv+_grpc._tcp.<service>)", () => {
    const service = find(objects, "Service", `${RELEASE}-prometheus-thanos-discovery`) as any;
    expect(service.spec.clusterIP).to.equal("None");
    expect(service.spec.ports.find((p: { name: string }) => p.name === "grpc")).to.deep.equal({ name: "grpc", port: 10901, targetPort: "grpc", protocol: "TCP" });
    expect(selects(service.spec.selector, statefulSet(objects).spec.template.metadata.labels)).to.equal(true);
  });

  it("while it uploads, Prometheus cuts 2h blocks and never compacts them (min = max block duration); its external labels say which replica", () => {
    const args: string[] = containerOf(objects, "prometheus").args;
    expect(args).to.include.members(BLOCK_FLAGS);
    const config = parse(configMapData(objects, `${RELEASE}-prometheus`, "prometheus.yml"));
    expect(config.global.external_labels).to.include({ cluster: "test", prometheus_replica: "${POD_NAME}" });
  });

  it("serving the Store API alone leaves Prometheus' flags and volumes as they were", () => {
    const storeOnly = parseObjects(helmTemplate([], ["--set", "global.clusterName=test", "--set", "prometheus.thanosSidecar.enabled=true"]));
    expect(containerOf(storeOnly, "thanos-sidecar")).to.not.equal(undefined);
    expect(containerOf(storeOnly, "prometheus").args).to.not.include.members([BLOCK_FLAGS[0]]);
    expect(containerOf(storeOnly, "prometheus").args).to.not.include.members([BLOCK_FLAGS[1]]);
    expect(containerOf(storeOnly, "thanos-sidecar").args.some((a: string) => a.startsWith("--objstore"))).to.equal(false);
    expect(statefulSet(storeOnly).spec.template.spec.volumes.map((v: { name: string }) => v.name)).to.not.include("thanos-objstore");
  });

  it("an extraArgs block duration replaces the chart's flag instead of repeating it", () => {
    const own = parseObjects(helmTemplate([fixture("all-enabled.yaml")], ["--set", "prometheus.extraArgs.storage\\.tsdb\\.min-block-duration=2h"]));
    const args: string[] = containerOf(own, "prometheus").args;
    expect(args.filter((a) => a.startsWith("--storage.tsdb.min-block-duration"))).to.have.length(1);
    expect(args.filter((a) => a.startsWith("--storage.tsdb.max-block-duration"))).to.deep.equal([BLOCK_FLAGS[1]]);
  });

  it("is off by default: no sidecar container, no discovery Service, no block flags", () => {
    const plain = parseObjects(helmTemplate([]));
    expect(statefulSet(plain).spec.template.spec.containers.map((c: { name: string }) => c.name)).to.deep.equal(["prometheus", "config-reloader"]);
    expect(plain.filter((o) => o.metadata.name.endsWith("-thanos-discovery"))).to.deep.equal([]);
    expect(containerOf(plain, "prometheus").args.filter((a: string) => a.includes("block-duration"))).to.deep.equal([]);
  });
});
