// The live layer: the rendered configuration of a profile run by the upstream programs
// (amd64 builds) on 127.0.0.1, with the chart's alert receiver and local sinks.
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { HOST } from "./platform.js";
import { stopAll } from "./processes.js";
import { liveScenarios, TIME_SCALE } from "./scenarios.js";

after(stopAll);

liveScenarios({
  // The profile runs one Alertmanager; the HA scenarios need three, so the test renders it with
  // the chart's own replica setting raised (gossip peers, cluster label and all come from the chart).
  title: "live (amd64): raspberry-pi with alertmanager.replicas=3, timings × 1/30",
  profile: join(repoRoot, "values", "raspberry-pi.yaml"),
  helmArgs: ["--set", "alertmanager.replicas=3"],
  platform: HOST,
  timeScale: TIME_SCALE,
  scenarios: [1, 2, 3, 4, 5, 6],
});

liveScenarios({
  title: "live (amd64): jobpilot, timings × 1/30",
  profile: join(repoRoot, "values", "jobpilot.yaml"),
  platform: HOST,
  timeScale: TIME_SCALE,
  scenarios: [1, 2, 3, 4, 5, 6],
});
