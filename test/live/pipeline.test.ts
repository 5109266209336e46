// The live layer: the rendered configuration of a profile run by the upstream programs
// (amd64 builds) on 127.0.0.1, with the chart's alert receiver and local sinks. Each profile
// runs as shipped; scenarios that need several Alertmanagers run on a named HA variant.
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { HOST } from "./platform.js";
import { stopAll } from "./processes.js";
import { liveScenarios, TIME_SCALE } from "./scenarios.js";

after(stopAll);

const profile = (name: string): string => join(repoRoot, "values", `${name}.yaml`);

liveScenarios({
  title: "live (amd64): raspberry-pi as shipped (one Alertmanager), timings × 1/30",
  profile: profile("raspberry-pi"),
  platform: HOST,
  timeScale: TIME_SCALE,
  // 5 skips with the reason when the profile has no inhibit rule (the document lists none).
  scenarios: [1, 2, 3, 4, 5, 7, 8],
});

liveScenarios({
  // HA variant: the chart's own replica setting raised (gossip peers, cluster label and all come from the chart).
  title: "live (amd64): raspberry-pi HA variant (alertmanager.replicas=3), timings printed",
  profile: profile("raspberry-pi"),
  helmArgs: ["--set", "alertmanager.replicas=3"],
  platform: HOST,
  timeScale: TIME_SCALE,
  scenarios: [1, 4, 6, 8],
});

liveScenarios({
  title: "live (amd64): jobpilot as shipped (three Alertmanagers), timings printed",
  profile: profile("jobpilot"),
  platform: HOST,
  timeScale: TIME_SCALE,
  scenarios: [1, 2, 3, 4, 5, 6, 7],
});

liveScenarios({
  title: "live (amd64): gorax as shipped (three Alertmanagers), timings printed",
  profile: profile("gorax"),
  platform: HOST,
  timeScale: TIME_SCALE,
  scenarios: [1, 7],
});

// Operator mode: the release renders Alertmanagers and PrometheusRule objects for the user's
// own Prometheus Operator; a Prometheus of the harness loads those rules in its place.
for (const name of ["slurm-exporter", "tavira"]) {
  liveScenarios({
    title: `live (amd64): ${name} as shipped (three Alertmanagers; PrometheusRule objects loaded by the harness's Prometheus), timings printed`,
    profile: profile(name),
    platform: HOST,
    timeScale: TIME_SCALE,
    scenarios: [7],
  });
}
