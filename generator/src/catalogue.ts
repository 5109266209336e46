// The pinned catalogue (versions.json): images the chart deploys with their platforms,
// and the tool versions the tests build.
import { readFileSync } from "node:fs";
import { paths } from "./paths.js";

export interface CatalogueImage {
  repository: string;
  tag: string;
  /** sha256:… of the tag's manifest (list); empty until a digest has been verified against the registry. */
  digest?: string;
  platforms: string[];
}

export interface Catalogue {
  kubernetes: { minor: number; chartKubeVersion: string };
  images: Record<string, CatalogueImage>;
  tools: Record<string, unknown>;
}

export function loadCatalogue(file: string = paths.versions): Catalogue {
  return JSON.parse(readFileSync(file, "utf8")) as Catalogue;
}

/** Platforms (linux/arm/v7 …) that serve nodes of a Kubernetes architecture (arm …). */
export function platformServesArchitecture(platform: string, architecture: string): boolean {
  const [, arch] = platform.split("/");
  return arch === architecture;
}
