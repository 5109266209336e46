// The Thanos sidecar (prometheus.thanosSidecar), checked for what the sidecar itself would
// refuse at start and for what makes its data wrong: it exits without external labels on
// Prometheus, refuses to upload while local compaction is on (minimum and maximum block
// durations differ), and replicas with equal external labels upload blocks a Thanos cannot
// tell apart. Its network paths (Store API in, object storage out) are checked here too, as
// network-egress.ts checks the other destinations.
import type { PromstackValues } from "../types/values.js";
import type { Findings } from "./findings.js";

const BLOCK_FLAGS = ["storage.tsdb.min-block-duration", "storage.tsdb.max-block-duration"] as const;
/** What the chart passes for each block duration flag that extraArgs leaves unset (statefulset.yaml). */
const CHART_BLOCK_DURATION = "2h";

export function checkThanosSidecar(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus;
  const sidecar = prometheus?.thanosSidecar;
  if (!prometheus?.enabled || !sidecar?.enabled) return;
  if (prometheus.mode === "operator") {
    if (prometheus.operator?.deploy) return; // refused with the other settings the deployed operator's resource does not carry (scraping.ts)
    findings.add("warning", ["prometheus", "thanosSidecar", "enabled"], "thanosSidecar runs beside the stack's own Prometheus, which operator mode does not deploy; it is ignored (set spec.thanos on your Prometheus resource instead)");
    return;
  }
  const labels = Object.keys(prometheus.externalLabels ?? {});
  if (values.global?.clusterName) labels.push("cluster");
  if (prometheus.replicaExternalLabel) labels.push(prometheus.replicaExternalLabel);
  if (labels.length === 0) {
    findings.add("error", ["prometheus", "thanosSidecar", "enabled"], 'the Thanos sidecar refuses a Prometheus without external labels ("no external labels configured on Prometheus server"): set prometheus.externalLabels (e.g. cluster: <name>) or global.clusterName');
  }
  if ((prometheus.replicas ?? 1) > 1 && !prometheus.replicaExternalLabel) {
    findings.add("error", ["prometheus", "replicaExternalLabel"], `${prometheus.replicas} replicas with the Thanos sidecar need external labels unique per replica, or their blocks and Store APIs carry the same labels (a Thanos Query cannot deduplicate them, the compactor halts on overlapping blocks): set replicaExternalLabel (e.g. prometheus_replica)`);
  }
  if (sidecar.objectStorageSecret) {
    const extraArgs = prometheus.extraArgs ?? {};
    const [min, max] = BLOCK_FLAGS.map((flag) => extraArgs[flag] ?? CHART_BLOCK_DURATION);
    if (min !== max) {
      const key = BLOCK_FLAGS.find((flag) => extraArgs[flag] !== undefined)!;
      findings.add("error", ["prometheus", "extraArgs", key], `the Thanos sidecar uploads blocks (objectStorageSecret) and refuses to start while Prometheus compacts them: --storage.tsdb.min-block-duration (${min}) must equal --storage.tsdb.max-block-duration (${max}); leave both unset (the chart passes ${CHART_BLOCK_DURATION})`, undefined, true);
    }
  }
  checkSidecarNetwork(values, findings);
}

function checkSidecarNetwork(values: PromstackValues, findings: Findings): void {
  const policies = values["network-policies"];
  if (!policies || policies.enabled === false) return;
  const clients = policies.thanosStoreApiClients ?? {};
  if ((clients.namespaces ?? []).length === 0 && Object.keys(clients.podLabels ?? {}).length === 0) {
    findings.add("warning", ["prometheus", "thanosSidecar", "enabled"], "the Thanos sidecar's Store API (10901) is blocked: the network policies admit no client to it; set network-policies.thanosStoreApiClients to Thanos Query's namespaces and/or pod labels, or set network-policies.enabled: false");
  }
  if (values.prometheus?.thanosSidecar?.objectStorageSecret && (policies.objectStorageEgress ?? []).length === 0) {
    findings.add("warning", ["prometheus", "thanosSidecar", "objectStorageSecret"], "the Thanos sidecar uploads to object storage, but the network policies allow no egress there: add the store's address and port to network-policies.objectStorageEgress (e.g. {ports: [443]}, or {namespaces: [minio], ports: [9000]}), or set network-policies.enabled: false");
  }
}
