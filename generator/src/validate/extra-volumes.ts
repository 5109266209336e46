// extraVolumes and extraVolumeMounts of Prometheus and Alertmanager, checked as the API server
// checks a pod: every mount names a volume of the pod, volume names and mount paths are unique.
// A mount may also not be, hold or lie inside one of the chart's own mounts: it would hide the
// chart's configuration or Secrets, or be hidden by them.
import type { AlertmanagerValues, PrometheusValues } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { CONFIG_DIR, CONFIGMAPS_DIR, DATA_DIR, SECRETS_DIR } from "./prometheus-files.js";

/** Directories the chart itself mounts into each component's main container. */
export const CHART_MOUNT_DIRS = {
  prometheus: [CONFIG_DIR, "/etc/prometheus/rules", "/etc/prometheus/scrape", DATA_DIR, SECRETS_DIR, CONFIGMAPS_DIR],
  alertmanager: ["/etc/alertmanager/config", "/alertmanager", "/etc/alertmanager/secrets"],
} as const;

const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`) || dir.startsWith(`${path === "/" ? "" : path}/`);

export function checkExtraVolumes(component: "prometheus" | "alertmanager", values: Pick<PrometheusValues, "extraVolumes" | "extraVolumeMounts"> | Pick<AlertmanagerValues, "extraVolumes" | "extraVolumeMounts">, findings: Findings): void {
  const volumes = values.extraVolumes ?? [];
  const mounts = values.extraVolumeMounts ?? [];
  const names = new Map<string, number>();
  volumes.forEach((volume, index) => {
    if (names.has(volume.name)) findings.add("error", [component, "extraVolumes", index, "name"], `volume ${volume.name} is already defined at extraVolumes[${names.get(volume.name)}]; the API server refuses two volumes of one name`);
    else names.set(volume.name, index);
  });
  const paths = new Map<string, number>();
  mounts.forEach((mount, index) => {
    const at: Segments = [component, "extraVolumeMounts", index];
    if (!names.has(mount.name)) {
      const known = [...names.keys()];
      findings.add("error", [...at, "name"], `no extraVolumes entry is named ${mount.name}${known.length ? ` (there are: ${known.join(", ")})` : " (extraVolumes is empty)"}; the API server refuses a mount of a volume the pod lacks`);
    }
    const path = mount.mountPath.length > 1 ? mount.mountPath.replace(/\/+$/, "") : mount.mountPath;
    if (paths.has(path)) findings.add("error", [...at, "mountPath"], `${path} is already mounted by extraVolumeMounts[${paths.get(path)}]; the API server refuses two mounts at one path`);
    else paths.set(path, index);
    const clash = CHART_MOUNT_DIRS[component].find((dir) => within(path, dir));
    if (clash) findings.add("error", [...at, "mountPath"], `${path} overlaps the chart's own mount ${clash}; mount elsewhere (e.g. /etc/${component}/extra/<name>), or use secretMounts for a Secret`);
  });
}
