// What the chart says about itself: its version (package.json, one version for the umbrella
// chart and every subchart), its home, and the changes of this version (CHANGELOG.md).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { paths, repoRoot } from "../paths.js";
import { changesOf, isSemver, parseChangelog } from "./changelog.js";
import type { ChartMetadata } from "./emit.js";

export const HOME = "https://github.com/promstack/promstack";

export function chartMetadata(packageJson = paths.packageJson, changelog = paths.changelog): ChartMetadata {
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  if (!isSemver(version)) throw new Error(`${relative(repoRoot, packageJson)}: version "${version}" is not a semantic version`);
  const file = relative(repoRoot, changelog);
  const changes = changesOf(parseChangelog(readFileSync(changelog, "utf8"), file), version, file);
  return { version, home: HOME, changes };
}
