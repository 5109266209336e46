// Relabelling steps and remote-write queues: what promtool refuses, validate refuses first,
// at the key. Each case is judged twice: validate's static checks, and promtool on the render.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../generator/src/cli.js";
import { toolChecks } from "../../generator/src/tools/check.js";
import { loadProfile } from "../../generator/src/validate/source.js";
import { tools } from "../helpers/tools.js";

const remoteWrite = (entry: string) => `prometheus:\n  remoteWrite:\n    - url: https://example.com/write\n${entry}`;

const rawJob = (job: string) => `prometheus:\n  extraScrapeConfigs:\n    - job_name: raw\n      static_configs: [{ targets: ["a:1"] }]\n${job}`;

const cases: Array<{ name: string; profile: string; message: RegExp }> = [
  { name: "a raw job's replace step without target_label", profile: rawJob("      relabel_configs:\n        - {}\n"), message: /extraScrapeConfigs\[0\]\.relabel_configs\[0\]\.target_label: the replace action needs target_label/ },
  { name: "a raw job's hashmod without modulus", profile: rawJob("      metric_relabel_configs:\n        - { action: HashMod, source_labels: [job], target_label: shard }\n"), message: /metric_relabel_configs\[0\]\.modulus: the hashmod action needs a modulus/ },
  { name: "a raw job's dotted target under the legacy scheme", profile: rawJob("      metric_name_validation_scheme: legacy\n      relabel_configs:\n        - { source_labels: [job], target_label: a.b }\n"), message: /relabel_configs\[0\]\.target_label: "a\.b" is not a label name under the legacy name validation scheme/ },
  { name: "a raw job's regex RE2 does not compile", profile: rawJob("      relabel_configs:\n        - { action: drop, source_labels: [job], regex: '(' }\n"), message: /relabel_configs\[0\]\.regex: regex does not compile in Go's RE2/ },
  { name: "a replace step without targetLabel", profile: remoteWrite("      writeRelabelings:\n        - { sourceLabels: [job] }\n"), message: /writeRelabelings\[0\]\.targetLabel: the replace action needs targetLabel/ },
  { name: "hashmod without modulus", profile: remoteWrite("      writeRelabelings:\n        - { action: hashmod, sourceLabels: [job], targetLabel: shard }\n"), message: /writeRelabelings\[0\]\.modulus: the hashmod action needs a modulus/ },
  { name: "labeldrop with a targetLabel", profile: remoteWrite("      writeRelabelings:\n        - { action: labeldrop, regex: tmp_.*, targetLabel: x1 }\n"), message: /the labeldrop action takes only regex, not targetLabel/ },
  { name: "a regex RE2 does not compile", profile: remoteWrite("      writeRelabelings:\n        - { action: drop, sourceLabels: [job], regex: '(' }\n"), message: /writeRelabelings\[0\]\.regex: regex does not compile in Go's RE2/ },
  { name: "minShards above maxShards", profile: remoteWrite("      queue: { minShards: 5, maxShards: 2 }\n"), message: /queue\.minShards: minShards 5 is more than maxShards 2/ },
  { name: "minShards above the default maxShards", profile: remoteWrite("      queue: { minShards: 60 }\n"), message: /queue\.minShards: minShards 60 is more than maxShards \(Prometheus' default\) 50/ },
  { name: "minBackoff above the default maxBackoff", profile: remoteWrite("      queue: { minBackoff: 24h }\n"), message: /queue\.minBackoff: maxBackoff \(Prometheus' default\) 5s is less than minBackoff 24h/ },
  { name: "maxBackoff below the default minBackoff", profile: remoteWrite("      queue: { maxBackoff: 10ms }\n"), message: /queue\.maxBackoff: maxBackoff 10ms is less than minBackoff \(Prometheus' default\) 30ms/ },
];

describe("semantics: relabelling and remote-write queues", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "promstack-relabel-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const toolSet = () => ({
    found: {
      helm: { name: "helm" as const, path: tools.helm, source: "HELM" },
      promtool: { name: "promtool" as const, path: tools.promtool, source: "PROMTOOL" },
    },
    missing: { amtool: "not needed here" },
  });

  for (const { name, profile, message } of cases) {
    it(`${name}: validate refuses it, and so does promtool check config`, async () => {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
      writeFileSync(file, profile);
      const lines: string[] = [];
      const status = await main(["validate", "--no-tools", file], { out: (line) => lines.push(line), err: (line) => lines.push(line) });
      expect(status, lines.join("\n")).to.equal(1);
      expect(lines.join("\n")).to.match(message);
      const loaded = loadProfile(file);
      if (!loaded.ok) throw new Error("fixture does not parse");
      const outcome = await toolChecks(loaded.source, toolSet() as never);
      expect(outcome.ran).to.include("promtool check config");
      expect(outcome.problems.filter((p) => p.message.startsWith("promtool check config")), JSON.stringify(outcome.problems)).to.not.be.empty;
    });
  }

  it("a well-formed step and queue pass both", async () => {
    const file = join(dir, "good.yaml");
    writeFileSync(file, remoteWrite("      queue: { minShards: 1, maxShards: 4 }\n      writeRelabelings:\n        - { action: hashmod, sourceLabels: [job], targetLabel: shard, modulus: 4 }\n        - { action: labeldrop, regex: tmp_.* }\n"));
    const status = await main(["validate", "--no-tools", file], { out: () => {}, err: () => {} });
    expect(status).to.equal(0);
    const loaded = loadProfile(file);
    if (!loaded.ok) throw new Error("fixture does not parse");
    const outcome = await toolChecks(loaded.source, toolSet() as never);
    expect(outcome.problems).to.deep.equal([]);
  });
});
