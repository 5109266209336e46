// The Secrets a profile declares in its `<profile>.secrets.example` (the `kubectl create secret
// generic` commands a user runs before installing). The live harness fills a Secret the
// release does not render from these declarations only, so a pod that mounts a key the
// profile never asks the user for fails here as it would in the cluster.
import { existsSync, readFileSync } from "node:fs";

/** Secret name -> key -> test value (each `<placeholder>` becomes live-test-<key>). */
export function declaredSecrets(exampleFile: string): Map<string, Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  if (!existsSync(exampleFile)) return secrets;
  let current: Record<string, string> | undefined;
  for (const line of readFileSync(exampleFile, "utf8").split("\n")) {
    if (line.trimStart().startsWith("#")) continue;
    const create = /create secret generic ([a-z0-9.-]+)/.exec(line);
    if (create) secrets.set(create[1]!, (current = {}));
    const literal = /--from-literal=([A-Za-z0-9._-]+)='([^']*)'/.exec(line);
    if (literal) {
      if (!current) throw new Error(`${exampleFile}: --from-literal=${literal[1]} before any "create secret generic"`);
      current[literal[1]!] = literal[2]!.replace(/<[^>]*>/g, `live-test-${literal[1]}`);
    }
  }
  return secrets;
}
