// The Prometheus pod's file system, laid out in a temporary directory so that promtool's
// full `check config` (which opens every credential, TLS and file_sd file) sees what the
// container would see: the chart's mounts exist there, nothing else does.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import type { Mount } from "../../generator/src/validate/prometheus-files.js";
import { run, tools, type RunResult } from "./tools.js";

/** Every string of a parsed YAML value. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === "string") out.push(node);
  else if (Array.isArray(node)) node.forEach((item) => strings(item, out));
  else if (node && typeof node === "object") Object.values(node).forEach((value) => strings(value, out));
  return out;
}

/**
 * Writes prometheus.yml (its scrape_config_files dropped: the stack's own jobs are checked
 * elsewhere) under root, with each mount's directory moved to root/<mount path> and filled
 * with the files the config names in it (a Secret or ConfigMap holds whatever keys it is
 * given), then runs promtool check config on it.
 */
export function checkInPod(root: string, prometheusYml: string, mounts: Mount[]): RunResult {
  const config = parse(prometheusYml) as Record<string, unknown>;
  delete config.scrape_config_files;
  delete config.rule_files;
  const named = strings(config);
  for (const mount of mounts) {
    const dir = join(root, mount.path);
    mkdirSync(dir, { recursive: true });
    for (const file of mount.files ?? []) writeFileSync(join(dir, file), "");
    for (const value of named.filter((s) => s.startsWith(`${mount.path}/`))) {
      // A file_sd glob gets one (empty) target file that it matches.
      const file = /[*?[]/.test(value) ? join(dirname(value), "targets.json") : value;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), file.endsWith(".json") ? "[]" : "");
    }
  }
  // Paths are moved where they start with a mount (the longest that matches).
  const byLength = [...mounts].sort((a, b) => b.path.length - a.path.length);
  const move = (node: unknown): unknown => {
    if (typeof node === "string") {
      const mount = byLength.find((m) => node.startsWith(`${m.path}/`));
      return mount ? join(root, node) : node;
    }
    if (Array.isArray(node)) return node.map(move);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, move(value)]));
    return node;
  };
  const text = stringify(move(config));
  const file = join(root, "prometheus.yml");
  writeFileSync(file, text);
  return run(tools.promtool, ["check", "config", file]);
}
