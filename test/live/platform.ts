// Which build of the upstream programs runs, and how: natively on the host (amd64), or the
// arm64 / arm/v7 builds under QEMU user emulation. Paths come from the Makefile (TEST_ENV).
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface Platform {
  name: "amd64" | "arm64" | "armv7";
  /** How much slower than native (timeouts are multiplied by it). */
  slowdown: number;
}

export const HOST: Platform = { name: "amd64", slowdown: 1 };
export const ARM64: Platform = { name: "arm64", slowdown: 4 };
export const ARMV7: Platform = { name: "armv7", slowdown: 4 };

const ENV: Record<string, string> = { prometheus: "LIVE_PROMETHEUS", alertmanager: "LIVE_ALERTMANAGER", "node-exporter": "LIVE_NODE_EXPORTER" };
const QEMU: Record<string, string> = { arm64: "qemu-aarch64-static", armv7: "qemu-arm-static" };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the live tests through make (make test-live, make test-arm)`);
  return value;
}

/** The command that runs `app` on `platform`: [binary] or [qemu, binary]. */
export function binary(app: string, platform: Platform): string[] {
  const variable = ENV[app];
  if (!variable) throw new Error(`no binary for ${app}`);
  const host = required(variable);
  if (platform.name === "amd64") return [host];
  const cross = `${host}-${platform.name}`;
  const emulator = join(required("QEMU_DIR"), "usr", "bin", QEMU[platform.name]!);
  for (const file of [cross, emulator]) if (!existsSync(file)) throw new Error(`${file} is missing: run make arm-tools`);
  return [emulator, cross];
}
