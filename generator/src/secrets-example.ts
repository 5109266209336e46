// values/<profile>.secrets.example: every Secret key a profile refers to, as the kubectl
// commands that create them, so a user knows exactly which credentials to provide.
import { basename } from "node:path";
import type { ValidatedProfile } from "./validate/index.js";
import { dottedPath } from "./validate/problem.js";

interface SecretKeyUse {
  secret: string;
  key: string;
  path: string;
}

function isSecretKeyRef(value: unknown): value is { name: string; key: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === "key" && keys[1] === "name";
}

function collect(value: unknown, segments: Array<string | number>, out: SecretKeyUse[]): void {
  if (isSecretKeyRef(value)) out.push({ secret: value.name, key: value.key, path: dottedPath(segments) });
  else if (Array.isArray(value)) value.forEach((item, index) => collect(item, [...segments, index], out));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) collect(item, [...segments, key], out);
}

/**
 * What a Secret key holds: the credential itself, or for redis_exporter its password file, a
 * JSON object from the server address (with user@ when a user is set, as redis_exporter looks
 * it up) to the password.
 */
function placeholder(key: string, paths: string[], values: unknown): string {
  const redis = (values as { exporters?: { redis?: { address?: string; user?: string } } }).exporters?.redis;
  if (!paths.includes("exporters.redis.passwordSecret") || !redis?.address) return `<${key}>`;
  const address = redis.user ? redis.address.replace("://", `://${redis.user}@`) : redis.address;
  return JSON.stringify({ [address]: `<${key}>` });
}

/** The example file of a profile, or undefined when it refers to no Secret. */
export function secretsExample(profile: ValidatedProfile): string | undefined {
  const uses: SecretKeyUse[] = [];
  collect(profile.source.values, [], uses);
  if (uses.length === 0) return undefined;
  const bySecret = new Map<string, Map<string, string[]>>();
  for (const use of uses) {
    const keys = bySecret.get(use.secret) ?? new Map<string, string[]>();
    keys.set(use.key, [...(keys.get(use.key) ?? []), use.path]);
    bySecret.set(use.secret, keys);
  }
  const lines = [`# Secrets that values/${basename(profile.source.file)} refers to. Create them in the release`, "# namespace before installing; replace each <...> with the real credential.", ""];
  for (const [secret, keys] of [...bySecret].sort(([a], [b]) => a.localeCompare(b))) {
    const sortedKeys = [...keys].sort(([a], [b]) => a.localeCompare(b));
    for (const [key, paths] of sortedKeys) lines.push(`#   ${secret}/${key}: used by ${paths.join(", ")}`);
    lines.push(`kubectl --namespace monitoring create secret generic ${secret} \\`);
    sortedKeys.forEach(([key, paths], index) => lines.push(`  --from-literal=${key}='${placeholder(key, paths, profile.source.values)}'${index < sortedKeys.length - 1 ? " \\" : ""}`));
    lines.push("");
  }
  return lines.join("\n");
}
