// validate's verdict on a prometheus.extraArgs value against the pinned prometheus binary's own:
// for one flag of every kind of value (the Go parser kingpin hands it to), a list of values
// meant to find the edges of each parser runs through the binary as the chart passes it (an
// empty value as the bare flag). The binary refuses a value when it prints "Error parsing
// command line arguments"; a value it takes gets as far as loading the (missing) config file.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flagValueProblem, type FlagValueSchema } from "../../generator/src/validate/flag-values.js";
import { run, repoRoot } from "../helpers/tools.js";

const VALUES = [
  "", "0", "1", "-1", "+1", "1.5", ".5", "5.", ".", "1e3", "1E-3", "1e400", "1e", "1_000", "_1", "1_", "1__0", "0x10", "0x1p4", "0X1.8P1", "0x", "017", "08", "0b101", "0o17",
  "9223372036854775807", "9223372036854775808", "inf", "-Infinity", "NaN", "+nan", "true", "false", "TRUE", "True", "t", "F", "yes", "maybe",
  "30s", "1h30m", "1.5h", "500ms", "1µs", "1us", "2", "2x", "1d", "1w2d", "2d1w", "1y", "5m30", "-1s", "0s",
  "512MB", "1GiB", "1KB", "1kB", "1.5GB", "1GiB512MiB", "1GB1MiB", "-1GB", "1024", "B", "10B",
  "debug", "DEBUG", "Info", "snappy", "Snappy", "zstd", "logfmt", "json", "lz4", "banana", " 1", "1 ",
];

describe("semantics: validate takes exactly the extraArgs values the prometheus binary takes", function () {
  this.timeout(300_000);
  const binary = process.env.PROMETHEUS_BINARY;
  let dir: string;
  before(function () {
    if (!binary || !existsSync(binary)) this.skip();
    dir = mkdtempSync(join(tmpdir(), "promstack-flag-values-"));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("for one flag of every kind, over values at the edges of each Go parser", () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, "schemas", "prometheus-scrape-config.schema.json"), "utf8")) as { definitions: { promRawServerFlagValues: { properties: Record<string, FlagValueSchema> } } };
    const flags = schema.definitions.promRawServerFlagValues.properties;
    // The first flag of each kind (an Enum per value list).
    const byKind = new Map<string, [string, FlagValueSchema]>();
    for (const [flag, value] of Object.entries(flags)) {
      // Agent mode takes other flags than the server (it refuses --storage.tsdb.path): server flags only.
      if (flag === "agent" || flag.startsWith("storage.agent.")) continue;
      if (["config.file", "storage.tsdb.path", "web.listen-address"].includes(flag)) continue; // the test passes these itself
      const key = `${value.title}:${(value.enum ?? value.examples ?? []).join(",")}`;
      if (!byKind.has(key)) byKind.set(key, [flag, value]);
    }
    expect([...new Set([...byKind.values()].map(([, value]) => value.title))].sort()).to.deep.equal(["Base2Bytes", "Enum", "EnumAnyCase", "GoBool", "GoDuration", "GoFloat", "GoInt64", "PrometheusDuration", "String"]);
    const disagreements: string[] = [];
    let refused = 0;
    for (const [flag, kind] of byKind.values()) {
      for (const value of VALUES) {
        const arg = value === "" ? `--${flag}` : `--${flag}=${value}`;
        const result = run(binary!, [arg, `--config.file=${join(dir, "missing.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, "--web.listen-address=127.0.0.1:0"], { cwd: dir });
        const output = result.stdout + result.stderr;
        const binaryRefuses = output.includes("Error parsing command line arguments");
        // A value the binary takes gets to the config file (a sure sign it parsed every flag).
        if (!binaryRefuses) expect(output, `${arg}: neither a flag error nor the config error`).to.contain("Error loading config");
        const problem = flagValueProblem(kind, value);
        if (binaryRefuses) refused++;
        if (binaryRefuses !== (problem !== undefined)) disagreements.push(`${arg} (${kind.title}): the binary ${binaryRefuses ? "refuses" : "takes"} it, validate ${problem ? `refuses it (${problem})` : "takes it"}`);
      }
    }
    // The negated form of a boolean flag, --no-<flag>, takes no value either.
    const [bool] = [...byKind.values()].find(([, kind]) => kind.title === "GoBool")!;
    for (const value of ["", "true", "false"]) {
      const arg = value === "" ? `--no-${bool}` : `--no-${bool}=${value}`;
      const output = run(binary!, [arg, `--config.file=${join(dir, "missing.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, "--web.listen-address=127.0.0.1:0"], { cwd: dir });
      const binaryRefuses = (output.stdout + output.stderr).includes("Error parsing command line arguments");
      const problem = flagValueProblem(flags[bool]!, value);
      if (binaryRefuses !== (problem !== undefined)) disagreements.push(`${arg}: the binary ${binaryRefuses ? "refuses" : "takes"} it, validate ${problem ? "refuses" : "takes"} it`);
    }
    console.log(`      flag values: ${byKind.size} flags x ${VALUES.length} values, the binary refused ${refused}`);
    expect(disagreements).to.deep.equal([]);
  });
});
