// Helm's provenance message (helm.sh/helm/v3 pkg/provenance): the chart metadata as helm
// serialises it, a YAML document-end line, then the archive's SHA-256 under `files`. Helm
// writes the same metadata bytes into the archive's Chart.yaml, so the message is built from
// that entry; a distribution test compares it with the message `helm package --sign` signs.
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { archiveEntries } from "./tgz.js";

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The Chart.yaml helm wrote at the top of the archive (chart-name/Chart.yaml). */
export function packagedChartYaml(archive: Buffer): string {
  const entry = archiveEntries(archive).find((e) => /^[^/]+\/Chart\.yaml$/.test(e.name));
  if (!entry) throw new Error("the archive has no top-level Chart.yaml");
  return entry.data.toString("utf8");
}

export function provenanceMessage(archiveName: string, archive: Buffer): string {
  const sums = { files: { [archiveName]: `sha256:${sha256(archive)}` } };
  // "---" may not start a line of a clearsigned text, hence helm's "..." separator.
  return `${packagedChartYaml(archive)}\n...\n${stringify(sums)}`;
}

