// validate's verdict on a prometheus.extraArgs or alertmanager.extraArgs value against the
// pinned binary's own: for one flag of every kind of value (the Go parser kingpin hands it to),
// a list of values meant to find the edges of each parser runs through the binary as the chart
// passes it (an empty value as the bare flag). Prometheus refuses a value when it prints "Error
// parsing command line arguments", Alertmanager when it prints "error: ... try --help"; a value
// either takes gets as far as loading the (missing) config file. The flag lists themselves are
// checked to be what the generators write from the pinned sources.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ALERTMANAGER_FLAGS_SCHEMA_FILE, buildAlertmanagerFlagsSchema } from "../../generator/src/schema/gen-alertmanager-flags.js";
import { rangeProblem } from "../../generator/src/validate/chart-flags.js";
import { flagValueProblem, type FlagValueSchema } from "../../generator/src/validate/flag-values.js";
import { promstack, run, repoRoot } from "../helpers/tools.js";

const VALUES = [
  "", "0", "1", "-1", "+1", "1.5", ".5", "5.", ".", "1e3", "1E-3", "1e400", "1e", "1_000", "_1", "1_", "1__0", "0x10", "0x1p4", "0X1.8P1", "0x", "017", "08", "0b101", "0o17",
  "9223372036854775807", "9223372036854775808", "inf", "-Infinity", "NaN", "+nan", "true", "false", "TRUE", "True", "t", "F", "yes", "maybe",
  "30s", "1h30m", "1.5h", "500ms", "1µs", "1us", "2", "2x", "1d", "1w2d", "2d1w", "1y", "5m30", "-1s", "0s",
  "512MB", "1GiB", "1KB", "1kB", "1.5GB", "1GiB512MiB", "1GB1MiB", "-1GB", "1024", "B", "10B",
  "debug", "DEBUG", "Info", "snappy", "Snappy", "zstd", "logfmt", "json", "lz4", "banana", " 1", "1 ",
];

interface Program {
  name: string;
  binary: string | undefined;
  schemaFile: string;
  values: string;
  /** Flags the test passes itself, and flags of another mode. */
  skip: (flag: string) => boolean;
  args: (dir: string) => string[];
  refused: (output: string) => boolean;
  reachedConfig: string;
}

const PROGRAMS: Program[] = [
  {
    name: "prometheus",
    binary: process.env.PROMETHEUS_BINARY,
    schemaFile: "prometheus-scrape-config.schema.json",
    values: "promRawServerFlagValues",
    // Agent mode takes other flags than the server (it refuses --storage.tsdb.path).
    skip: (flag) => flag === "agent" || flag.startsWith("storage.agent.") || ["config.file", "storage.tsdb.path", "web.listen-address"].includes(flag),
    args: (dir) => [`--config.file=${join(dir, "missing.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, "--web.listen-address=127.0.0.1:0"],
    refused: (output) => output.includes("Error parsing command line arguments") || /must be greater than 0/.test(output),
    reachedConfig: "Error loading config",
  },
  {
    name: "alertmanager",
    binary: process.env.ALERTMANAGER_BINARY,
    schemaFile: ALERTMANAGER_FLAGS_SCHEMA_FILE,
    values: "amRawServerFlagValues",
    skip: (flag) => ["config.file", "storage.path", "web.listen-address", "cluster.listen-address"].includes(flag),
    args: (dir) => [`--config.file=${join(dir, "missing.yml")}`, `--storage.path=${join(dir, "am-data")}`, "--web.listen-address=127.0.0.1:0", "--cluster.listen-address="],
    // A parse error, or a value it parses and then refuses (an interval that is not positive).
    refused: (output) => /: error: .*try --help/.test(output) || /must be positive|must be greater than 0/.test(output),
    reachedConfig: "error loading configuration file",
  },
];

describe("semantics: validate takes exactly the extraArgs flags and values the prometheus and alertmanager binaries take", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-flag-values-"))));
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const program of PROGRAMS) {
    it(`${program.name}: for one flag of every kind, over values at the edges of each Go parser (when its binary is built)`, function () {
      if (!program.binary || !existsSync(program.binary)) this.skip();
      const schema = JSON.parse(readFileSync(join(repoRoot, "schemas", program.schemaFile), "utf8")) as { definitions: Record<string, { properties: Record<string, FlagValueSchema> }> };
      const flags = schema.definitions[program.values]!.properties;
      // The first flag of each kind (an Enum per value list).
      const byKind = new Map<string, [string, FlagValueSchema]>();
      for (const [flag, value] of Object.entries(flags)) {
        if (program.skip(flag)) continue;
        const key = `${value.title}:${(value.enum ?? value.examples ?? []).join(",")}`;
        if (!byKind.has(key)) byKind.set(key, [flag, value]);
      }
      const judge = (arg: string): boolean => {
        const result = run(program.binary!, [arg, ...program.args(dir)], { cwd: dir });
        const output = result.stdout + result.stderr;
        const refused = program.refused(output);
        // A value the binary takes gets to the config file (a sure sign it parsed every flag).
        if (!refused) expect(output, `${arg}: neither a flag error nor the config error`).to.contain(program.reachedConfig);
        return refused;
      };
      const disagreements: string[] = [];
      let refused = 0;
      for (const [flag, kind] of byKind.values()) {
        for (const value of VALUES) {
          const arg = value === "" ? `--${flag}` : `--${flag}=${value}`;
          const binaryRefuses = judge(arg);
          const problem = flagValueProblem(kind, value) ?? rangeProblem(program.name, flag, value);
          if (binaryRefuses) refused++;
          if (binaryRefuses !== (problem !== undefined)) disagreements.push(`${arg} (${kind.title}): the binary ${binaryRefuses ? "refuses" : "takes"} it, validate ${problem ? `refuses it (${problem})` : "takes it"}`);
        }
      }
      // The negated form of a boolean flag, --no-<flag>, takes no value either.
      const [bool] = [...byKind.values()].find(([, kind]) => kind.title === "GoBool")!;
      for (const value of ["", "true", "false"]) {
        const arg = value === "" ? `--no-${bool}` : `--no-${bool}=${value}`;
        const problem = flagValueProblem(flags[bool]!, value);
        if (judge(arg) !== (problem !== undefined)) disagreements.push(`${arg}: validate ${problem ? "refuses" : "takes"} it, the binary does not`);
      }
      // Values a program parses and refuses: every interval Alertmanager needs positive (with
      // clustering on, as the chart runs it with replicas), and the GOMEMLIMIT ratio.
      const ranged = [...(program.name === "alertmanager" ? ["data.retention", "alerts.gc-interval", "cluster.gossip-interval", "cluster.reconnect-timeout", "cluster.settle-timeout"] : []), "auto-gomemlimit.ratio"];
      const clustered = program.args(dir).map((arg) => (arg === "--cluster.listen-address=" ? "--cluster.listen-address=127.0.0.1:0" : arg));
      for (const flag of ranged) {
        for (const value of ["0", "0s", "-1s", "1s", "0.5", "1", "1.5", "-0.5"]) {
          const output = run(program.binary!, [`--${flag}=${value}`, ...clustered], { cwd: dir });
          const binaryRefuses = program.refused(output.stdout + output.stderr);
          const problem = flagValueProblem(flags[flag]!, value) ?? rangeProblem(program.name, flag, value);
          if (binaryRefuses !== (problem !== undefined)) disagreements.push(`--${flag}=${value}: the binary ${binaryRefuses ? "refuses" : "takes"} it, validate ${problem ? `refuses it (${problem})` : "takes it"}`);
        }
      }
      console.log(`      ${program.name} flag values: ${byKind.size} flags x ${VALUES.length} values, the binary refused ${refused}`);
      expect(disagreements).to.deep.equal([]);
    });
  }

  it("alertmanager: an unknown flag and a bad value are refused by validate as by the binary", function () {
    const binary = process.env.ALERTMANAGER_BINARY;
    if (!binary || !existsSync(binary)) this.skip();
    const profile = join(dir, "alertmanager-args.yaml");
    writeFileSync(profile, stringify({ alertmanager: { extraArgs: { "bogus.flag": "1", "web.timeout": "2x", "log.silences": "true" } } }));
    const validated = promstack(["validate", "--no-tools", profile]);
    expect(validated.status).to.equal(1);
    const output = validated.stdout + validated.stderr;
    expect(output).to.contain('alertmanager.extraArgs["bogus.flag"]: --bogus.flag is not a flag of the pinned Alertmanager');
    expect(output).to.contain('--web.timeout="2x" is not a duration');
    expect(output).to.contain('--log.silences="true" is a boolean flag, which takes no value');
    expect(run(binary!, ["--bogus.flag=1", ...PROGRAMS[1]!.args(dir)], { cwd: dir }).stderr).to.contain("unknown long flag '--bogus.flag'");
  });

  it(`schemas/${ALERTMANAGER_FLAGS_SCHEMA_FILE} is what gen-alertmanager-flags writes from the pinned Alertmanager sources`, function () {
    const [am, toolkit, common] = ["ALERTMANAGER_MODULE_DIR", "ALERTMANAGER_TOOLKIT_DIR", "ALERTMANAGER_COMMON_DIR"].map((name) => process.env[name]);
    if (!am || !toolkit || !common) this.skip();
    const committed = readFileSync(join(repoRoot, "schemas", ALERTMANAGER_FLAGS_SCHEMA_FILE), "utf8");
    expect(`${JSON.stringify(buildAlertmanagerFlagsSchema(am!, toolkit!, common!), null, 2)}\n` === committed, "run make alertmanager-flags-schema and commit the result").to.equal(true);
  });
});
