// Where the external tools `promstack validate` runs live: an environment override, the
// project's pinned build in .tools/bin (the names the Makefile gives them), or PATH.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { loadCatalogue } from "../catalogue.js";
import { repoRoot } from "../paths.js";

export type ToolName = "helm" | "promtool" | "amtool";

export interface FoundTool {
  name: ToolName;
  path: string;
  /** How it was found, for the report: "PROMSTACK_HELM", ".tools/bin", "PATH". */
  source: string;
}

export interface ToolSet {
  found: Partial<Record<ToolName, FoundTool>>;
  /** Why a tool is missing, by tool. */
  missing: Partial<Record<ToolName, string>>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pinnedVersions(): Record<ToolName, string> {
  const tools = loadCatalogue().tools as Record<string, { version: string }>;
  return { helm: tools.helm!.version, promtool: tools.promtool!.version, amtool: tools.amtool!.version };
}

export function locateTools(env: NodeJS.ProcessEnv = process.env, root: string = repoRoot): ToolSet {
  const versions = pinnedVersions();
  const found: ToolSet["found"] = {};
  const missing: ToolSet["missing"] = {};
  for (const name of ["helm", "promtool", "amtool"] as const) {
    const variable = `PROMSTACK_${name.toUpperCase()}`;
    const override = env[variable];
    if (override) {
      // An explicit choice that does not work is reported, not silently replaced by another binary.
      if (executable(override)) found[name] = { name, path: override, source: variable };
      else missing[name] = `${variable}=${override} is not an executable file`;
      continue;
    }
    const pinned = join(root, ".tools", "bin", `${name}-${versions[name]}`);
    if (executable(pinned)) {
      found[name] = { name, path: pinned, source: ".tools/bin" };
      continue;
    }
    const onPath = (env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, name)).find(executable);
    if (onPath) found[name] = { name, path: onPath, source: "PATH" };
    else missing[name] = `no ${name} (${variable}, .tools/bin/${name}-${versions[name]} or PATH)`;
  }
  return { found, missing };
}
