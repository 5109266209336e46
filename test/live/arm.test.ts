// The arm layer: scenarios 1-3 of the live layer for the raspberry-pi profile, with the
// arm64 and arm/v7 builds of Prometheus, Alertmanager and node-exporter running under QEMU
// user emulation (qemu-aarch64-static, qemu-arm-static). The alert receiver is JavaScript and
// runs on the host's Node.
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { ARM64, ARMV7 } from "./platform.js";
import { stopAll } from "./processes.js";
import { liveScenarios, TIME_SCALE } from "./scenarios.js";

after(stopAll);

for (const platform of [ARM64, ARMV7]) {
  liveScenarios({
    title: `arm (${platform.name} under QEMU): raspberry-pi with alertmanager.replicas=3, timings × 1/30`,
    profile: join(repoRoot, "values", "raspberry-pi.yaml"),
    helmArgs: ["--set", "alertmanager.replicas=3"],
    platform,
    timeScale: TIME_SCALE,
    scenarios: [1, 2, 3],
  });
}
