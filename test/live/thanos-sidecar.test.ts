// The Thanos sidecar as the chart renders it, run against the real Prometheus (built at the
// deployed versions): Prometheus runs with its localised rendered args (localise.ts) and the
// pod's POD_NAME, the sidecar with its rendered args, where only the pod's addresses and
// mounts become this host's (loopback ports, the data directory both containers mount, the
// object storage config as the user's Secret would hold it: a FILESYSTEM bucket in a
// temporary directory). Proven: the sidecar accepts the Prometheus it is given (it exits on
// missing external labels or while local compaction is on) and becomes ready; it uploads a
// block Prometheus holds, labelled with the cluster and the replica; and a real Thanos Query
// reads that block's series through the sidecar's Store API, with the external labels.
import { expect } from "chai";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { repoRoot, run } from "../helpers/tools.js";
import { localise } from "./localise.js";
import { freePort } from "./ports.js";
import { MEMORY_CGROUP_ROOT, Proc, stopAll, type Confinement } from "./processes.js";
import { get, getJson, LIVE_NAMESPACE, LIVE_RELEASE, podUser, quantityBytes, waitUntil } from "./stack.js";
import { podName, readRelease, workload, type Container, type Workload } from "./workloads.js";

const PROFILE = join(repoRoot, "test", "fixtures", "thanos-sidecar.yaml");

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the live tests through make (make test-live)`);
  return value;
}

describe("live: the Thanos sidecar's rendered args against the real Prometheus", function () {
  this.timeout(240_000);
  let dir: string;
  let cgroupParent: string;
  let prometheusWorkload: Workload;
  let sidecar: Container;
  let clusterName: string;
  let dataDir: string;
  let bucket: string;
  let sidecarHttp: string;
  let sidecarGrpc: string;
  let query: string;
  let prometheusUrl: string;
  const block = { start: 0, end: 0 };

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "promstack-live-thanos-"));
    chmodSync(dir, 0o755);
    cgroupParent = join(MEMORY_CGROUP_ROOT, `promstack-live-thanos-${process.pid}`);
    clusterName = (parse(readFileSync(PROFILE, "utf8")) as { global: { clusterName: string } }).global.clusterName;
    const objects = parseObjects(helmTemplate([PROFILE], [], LIVE_RELEASE));
    const release = readRelease(objects, LIVE_RELEASE, LIVE_NAMESPACE);
    prometheusWorkload = workload(release, "prometheus");
    const statefulSet = objects.find((o: K8sObject) => o.kind === "StatefulSet" && o.metadata.name === prometheusWorkload.name) as unknown as { spec: { template: { spec: { containers: Container[] } } } };
    sidecar = statefulSet.spec.template.spec.containers.find((c) => c.name === "thanos-sidecar")!;
    expect(sidecar, "the profile renders the sidecar").to.not.equal(undefined);

    // Prometheus: its rendered args, localised as for every live test; nothing else of the release runs.
    const prometheusPort = await freePort();
    const closedPort = await freePort();
    const [spec] = localise(release, {
      dir, timeScale: 1, closedPort, notices: new Set(), declaredSecrets: new Map(),
      port: (app, _replica, containerPort) => (app === "prometheus" && containerPort === 9090 ? prometheusPort : closedPort),
      sink: () => { throw new Error("no receivers run here"); },
    }, ["prometheus"]);
    const storageFlag = spec!.args.find((a) => a.startsWith("--storage.tsdb.path="))!;
    dataDir = storageFlag.slice("--storage.tsdb.path=".length);

    // A block of two hours, ending an hour ago, in Prometheus' data directory before it starts
    // (Prometheus cuts its own only after 2h of samples, with the chart's block durations).
    block.end = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
    block.start = block.end - 7200 + 60;
    const samples = [];
    for (let t = block.start; t < block.end; t += 60) samples.push(`thanos_live_probe{source="backfill"} 1 ${t}`);
    writeFileSync(join(dir, "backfill.om"), `# TYPE thanos_live_probe gauge\n${samples.join("\n")}\n# EOF\n`);
    const backfill = run(required("PROMTOOL"), ["tsdb", "create-blocks-from", "openmetrics", join(dir, "backfill.om"), dataDir]);
    expect(backfill.status, backfill.stdout + backfill.stderr).to.equal(0);
    const user = podUser(prometheusWorkload);
    const group = user.fsGroup ?? user.gid;
    chownTree(dataDir, user.uid, group);

    const cwd = join(dir, "cwd");
    mkdirSync(cwd);
    chmodSync(cwd, 0o555);
    const confinement = (name: string, container: Container): Confinement => ({
      uid: user.uid, gid: user.gid, groups: [group], cgroup: join(cgroupParent, name),
      memoryBytes: container.resources?.limits?.["memory"] ? quantityBytes(container.resources.limits["memory"]) : -1,
    });
    // The pod's environment (POD_NAME: the replica's external label value).
    const env: NodeJS.ProcessEnv = {};
    for (const e of prometheusWorkload.container.env ?? []) {
      const ref = (e as { valueFrom?: { fieldRef?: { fieldPath?: string } } }).valueFrom?.fieldRef?.fieldPath;
      if (ref === "metadata.name") env[e.name] = podName(prometheusWorkload, 0);
      else if (e.value !== undefined) env[e.name] = e.value;
    }
    const prometheus = new Proc("prometheus-0", required("LIVE_PROMETHEUS"), spec!.args, { cwd, logFile: join(dir, "prometheus-0.log"), env, confinement: confinement("prometheus-0", prometheusWorkload.container) });
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    await waitUntil(async () => {
      if (!prometheus.alive) throw new Error(`prometheus exited:\n${prometheus.tail()}`);
      return (await get(`http://127.0.0.1:${prometheusPort}/-/ready`)).status === 200;
    }, 60_000, "Prometheus ready");

    // The sidecar: its rendered args, with the pod's addresses and mounts made this host's.
    bucket = join(dir, "bucket");
    mkdirSync(bucket);
    chownTree(bucket, user.uid, group);
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const secretDir = join(dir, "thanos-objstore");
    mkdirSync(secretDir);
    const secretVolume = prometheusWorkload.volumes.find((v) => v.name === "thanos-objstore")!;
    // What the user's Secret holds under its key, at the path the volume's items give it.
    writeFileSync(join(secretDir, secretVolume.secret!.items![0]!.path), `type: FILESYSTEM\nconfig:\n  directory: ${bucket}\n`);
    const hostPathOf = new Map<string, string>();
    for (const mount of sidecar.volumeMounts ?? []) hostPathOf.set(mount.mountPath, mount.name === "data" ? dataDir : mount.name === "thanos-objstore" ? secretDir : "");
    const args = sidecar.args!.map((arg) => {
      if (arg === "--prometheus.url=http://127.0.0.1:9090") return `--prometheus.url=http://127.0.0.1:${prometheusPort}`;
      if (arg === "--grpc-address=:10901") return `--grpc-address=127.0.0.1:${grpcPort}`;
      if (arg === "--http-address=:10902") return `--http-address=127.0.0.1:${httpPort}`;
      const path = /^--[\w.-]+=(\/.*)$/.exec(arg)?.[1];
      if (!path) return arg;
      const mountPath = [...hostPathOf.keys()].find((m) => path === m || path.startsWith(`${m}/`));
      if (!mountPath || !hostPathOf.get(mountPath)) throw new Error(`thanos-sidecar: ${arg} names a path no mount of the container provides`);
      return arg.replace(mountPath, hostPathOf.get(mountPath)!);
    });
    const thanos = required("LIVE_THANOS");
    const sidecarProc = new Proc("thanos-sidecar-0", thanos, args, { cwd, logFile: join(dir, "thanos-sidecar-0.log"), confinement: confinement("thanos-sidecar-0", sidecar) });
    sidecarHttp = `http://127.0.0.1:${httpPort}`;
    sidecarGrpc = `127.0.0.1:${grpcPort}`;
    await waitUntil(async () => {
      if (!sidecarProc.alive) throw new Error(`the sidecar exited:\n${sidecarProc.tail()}`);
      return (await get(`${sidecarHttp}/-/ready`)).status === 200;
    }, 60_000, "the sidecar ready");

    // A Thanos Query of the same build, reading through the Store API only.
    const queryHttp = await freePort();
    const queryGrpc = await freePort();
    const queryProc = new Proc("thanos-query", thanos, ["query", `--endpoint=${sidecarGrpc}`, `--http-address=127.0.0.1:${queryHttp}`, `--grpc-address=127.0.0.1:${queryGrpc}`], { cwd, logFile: join(dir, "thanos-query.log"), confinement: { uid: 65534, gid: 65534, groups: [65534], cgroup: join(cgroupParent, "thanos-query"), memoryBytes: -1 } });
    query = `http://127.0.0.1:${queryHttp}`;
    await waitUntil(async () => {
      if (!queryProc.alive) throw new Error(`thanos query exited:\n${queryProc.tail()}`);
      return (await get(`${query}/-/ready`)).status === 200;
    }, 60_000, "Thanos Query ready");
  });

  after(async function () {
    await stopAll();
    if (existsSync(cgroupParent)) {
      for (const child of readdirSync(cgroupParent, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(join(cgroupParent, child.name));
      rmdirSync(cgroupParent);
    }
    if (dir && !process.env["KEEP_LIVE_FILES"]) rmSync(dir, { recursive: true, force: true });
  });

  it("Prometheus runs with the rendered block durations (min = max = 2h), which the uploading sidecar accepts: it is ready", async () => {
    const flags = await getJson<{ data: Record<string, string> }>(`${prometheusUrl}/api/v1/status/flags`);
    expect([flags.data["storage.tsdb.min-block-duration"], flags.data["storage.tsdb.max-block-duration"]]).to.deep.equal(["2h", "2h"]);
    expect((await get(`${sidecarHttp}/-/ready`)).status).to.equal(200);
  });

  it("uploads the block to the bucket, labelled with the cluster and the replica's pod name", async () => {
    let metas: Array<{ minTime: number; maxTime: number; thanos: { labels: Record<string, string>; source: string } }> = [];
    await waitUntil(() => {
      metas = readdirSync(bucket).filter((e) => existsSync(join(bucket, e, "meta.json"))).map((e) => JSON.parse(readFileSync(join(bucket, e, "meta.json"), "utf8")));
      return metas.length > 0;
    }, 90_000, "a block in the bucket");
    const probe = metas.find((m) => m.minTime <= block.start * 1000 && m.maxTime >= block.start * 1000);
    expect(probe, JSON.stringify(metas)).to.not.equal(undefined);
    expect(probe!.thanos.source).to.equal("sidecar");
    expect(probe!.thanos.labels).to.deep.equal({ cluster: clusterName, prometheus_replica: podName(prometheusWorkload, 0) });
  });

  it("serves the block's series over the Store API: Thanos Query reads them with the external labels", async () => {
    const stores = await getJson<{ data: Record<string, Array<{ name: string; labelSets: Array<Record<string, string>> }>> }>(`${query}/api/v1/stores`);
    const sidecars = stores.data["sidecar"] ?? [];
    expect(sidecars.map((s) => s.name)).to.deep.equal([sidecarGrpc]);
    expect(sidecars[0]!.labelSets).to.deep.equal([{ cluster: clusterName, prometheus_replica: podName(prometheusWorkload, 0) }]);
    const at = block.start + 3600;
    const answer = await getJson<{ data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }>(`${query}/api/v1/query?query=thanos_live_probe&time=${at}&dedup=false`);
    expect(answer.data.result.map((r) => r.metric)).to.deep.equal([{ __name__: "thanos_live_probe", source: "backfill", cluster: clusterName, prometheus_replica: podName(prometheusWorkload, 0) }]);
    expect(answer.data.result[0]!.value[1]).to.equal("1");
  });
});

/** Owner and group of a tree, as the kubelet's fsGroup leaves a volume (the pod's user writes it). */
function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}
