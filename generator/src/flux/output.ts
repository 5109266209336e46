// Serialising `promstack flux` manifests: one file per object for a GitOps directory, or one
// multi-document stream for stdout.
import { existsSync, readdirSync, statSync } from "node:fs";
import { withHeader } from "../chart/header.js";
import { toYaml } from "../chart/serialize.js";
import { KUBERNETES_OBJECT_DATA_LIMIT, objectDataBytes } from "../validate/release-size.js";
import type { FluxManifest } from "./manifests.js";

export function fluxFiles(manifests: FluxManifest[]): Map<string, string> {
  return new Map(manifests.map(({ file, object }) => [file, withHeader(file, toYaml(object))]));
}

export function fluxStream(manifests: FluxManifest[]): string {
  return withHeader("flux.yaml", manifests.map(({ object }) => toYaml(object)).join("---\n"));
}

/**
 * The output directory is replaced as a whole, so it must hold nothing but files this
 * command writes: a mistyped --output (".", a repository root) must not wipe a directory.
 */
export function checkOutputDir(dir: string, manifests: FluxManifest[]): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`--output ${dir} is not a directory`);
  const ours = new Set(["helmrepository.yaml", "ocirepository.yaml", ...manifests.map((m) => m.file)]);
  const foreign = readdirSync(dir).filter((name) => !ours.has(name));
  if (foreign.length > 0) throw new Error(`refusing to replace ${dir}: it holds files promstack flux does not write (${foreign.join(", ")})`);
}

/** The API server refuses a ConfigMap or Secret whose data exceeds 1 MiB: say so before writing it. */
export function oversizedObjects(manifests: FluxManifest[]): string[] {
  return manifests.flatMap(({ file, object }) => {
    const data = (object as { data?: Record<string, string> }).data;
    if (!data) return [];
    const bytes = objectDataBytes(data);
    if (bytes <= KUBERNETES_OBJECT_DATA_LIMIT) return [];
    return [`the ${object.kind} in ${file} would hold ${bytes} bytes of data, over Kubernetes' limit of ${KUBERNETES_OBJECT_DATA_LIMIT} bytes (1 MiB): the API server would refuse it; make the profile smaller`];
  });
}
