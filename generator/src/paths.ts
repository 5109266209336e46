// Locations inside the repository, found from this module so the CLI works from any cwd
// and from both the sources and the compiled output in dist/.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, "versions.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`promstack: cannot find versions.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

export const paths = {
  schemas: resolve(repoRoot, "schemas"),
  versions: resolve(repoRoot, "versions.json"),
  assets: resolve(repoRoot, "generator", "assets"),
  types: resolve(repoRoot, "generator", "src", "types"),
  values: resolve(repoRoot, "values"),
  chart: resolve(repoRoot, "charts", "promstack"),
  packageJson: resolve(repoRoot, "package.json"),
  rulePacks: resolve(repoRoot, "rules"),
  runbooks: resolve(repoRoot, "docs", "runbooks"),
  migrationGuide: resolve(repoRoot, "docs", "migrating-from-kube-prometheus-stack.md"),
  changelog: resolve(repoRoot, "CHANGELOG.md"),
};
