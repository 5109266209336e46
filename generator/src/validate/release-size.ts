// Kubernetes caps a Secret or ConfigMap at 1 MiB of data. Helm keeps each release in a
// Secret holding base64(gzip(release JSON)), and the release holds the profile's values
// twice: as given, and inside the rendered manifest (rules, dashboards, templates). The
// chart's own templates and files take room too, so a profile that fills half the cap on
// its own is at risk.
import { gzipSync } from "node:zlib";
import type { Problem } from "./problem.js";
import type { ProfileSource } from "./source.js";

export const KUBERNETES_OBJECT_DATA_LIMIT = 1024 * 1024;

/** Bytes a Kubernetes ConfigMap or Secret counts against its limit: every key and value of its data. */
export function objectDataBytes(data: Record<string, string>): number {
  return Object.entries(data).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

/** A cheap estimate of the part of the Helm release Secret the profile's values make up. */
export function releaseShareEstimate(values: unknown): number {
  const compressed = gzipSync(JSON.stringify(values)).length;
  return Math.ceil((2 * compressed * 4) / 3);
}

export function releaseSizeProblems(source: ProfileSource): Problem[] {
  const estimate = releaseShareEstimate(source.values);
  if (estimate <= KUBERNETES_OBJECT_DATA_LIMIT / 2) return [];
  const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
  return [{
    file: source.file,
    line: 1,
    col: 1,
    path: "",
    message: `these values take about ${kib(estimate)} of the Helm release Secret (values and rendered manifest, compressed), which Kubernetes caps at 1 MiB with the chart itself: the install may fail; move large content (dashboards, templates) out of the profile`,
    severity: "warning",
  }];
}
