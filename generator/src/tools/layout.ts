// The filesystem a rendered container sees, laid out under a temporary root so promtool and
// amtool can check a config with the files it references: ConfigMap mounts hold their
// rendered files, a path under a Secret mount exists (its content is the user's), and a path
// no mount provides does not exist, exactly as in the pod.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { isScalar, isSeq, parseDocument, visit, type Scalar } from "yaml";
import type { Mount, MountedConfig } from "../render/extract.js";

/** Keys whose values are paths, in Prometheus' and Alertmanager's configs. */
function isPathKey(key: string): boolean {
  return key.endsWith("_file") || key === "rule_files" || key === "scrape_config_files" || key === "templates" || key === "files";
}

function mountOf(mounts: Mount[], path: string): Mount | undefined {
  return mounts.filter((m) => path === m.path || path.startsWith(`${m.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}

export interface Layout {
  root: string;
  /** The config file's path under root. */
  config: string;
}

/**
 * Rewrites every absolute path a config file names so it points below root, and creates the
 * Secret-mounted files it names. Edits the YAML document in place, so every other scalar keeps
 * its style (a plain `on` stays plain, as Go's YAML reads it).
 */
function rewritePaths(text: string, root: string, mounts: Mount[]): string {
  const document = parseDocument(text, { keepSourceTokens: false });
  if (document.errors.length > 0) return text; // the tool will say what is wrong with it
  const rewrite = (node: Scalar) => {
    if (typeof node.value !== "string" || !isAbsolute(node.value)) return;
    const original = node.value;
    const mount = mountOf(mounts, original);
    if (mount?.kind === "secret" && !original.includes("*")) {
      mkdirSync(dirname(join(root, original)), { recursive: true });
      writeFileSync(join(root, original), "placeholder\n");
    }
    node.value = join(root, original);
  };
  visit(document, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isPathKey(String(pair.key.value))) return;
      if (isScalar(pair.value)) rewrite(pair.value);
      else if (isSeq(pair.value)) {
        for (const item of pair.value.items) if (isScalar(item)) rewrite(item);
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * Lays out a container's mounts under root and returns the config's path there. Files of
 * `placeholders` (e.g. rule files checked on their own) are written as the given text instead.
 */
export function layOut(config: MountedConfig, root: string, placeholders: (path: string) => string | undefined = () => undefined): Layout {
  for (const mount of config.mounts) {
    mkdirSync(join(root, mount.path), { recursive: true });
    if (mount.kind !== "configMap") continue;
    for (const [name, content] of mount.files) {
      const path = `${mount.path}/${name}`;
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      const replacement = placeholders(path);
      writeFileSync(target, replacement ?? (/\.ya?ml$/.test(name) ? rewritePaths(content, root, config.mounts) : content));
    }
  }
  const target = join(root, config.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, rewritePaths(config.text, root, config.mounts));
  return { root, config: target };
}
