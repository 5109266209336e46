// The promstack command line: generate the chart, validate profiles, write Flux manifests.
// Each command loads the modules only it needs (import() in its function), so that
// `promstack validate` does not pay for the generator, import, flux or the tools.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCatalogue } from "./catalogue.js";
import { paths } from "./paths.js";
import type { ImportInput } from "./import/index.js";
import type { InputKind } from "./import/source.js";
import type { ToolSet } from "./tools/locate.js";
import { loadContract } from "./validate/contract-validator.js";
import { createValidator, type ValidationReport } from "./validate/index.js";
import { formatProblem, sortProblems } from "./validate/problem.js";
import type { OutputChange } from "./write/atomic.js";

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = { out: (line) => console.log(line), err: (line) => console.error(line) };

const usage = {
  main: `Usage: promstack <command> [options]

Turns typed monitoring profiles into the promstack umbrella Helm chart.

Commands:
  generate    write charts/promstack from the schemas, templates and profiles
  validate    check profile values files against the contract and semantic rules
  flux        write Flux manifests (source, HelmRelease, values ConfigMap) for a profile
  import      turn an alertmanager.yml, rule files, a prometheus.yml or kube-prometheus-stack values into a profile
  explain     describe what a profile deploys and where each of its alerts goes (Markdown)

Options:
  -h, --help     show help (also: promstack <command> --help)
  -v, --version  print the promstack version and the chart version it validates against`,
  generate: `Usage: promstack generate [--output <dir>] [--profiles <dir>] [--runbooks <dir>]

Writes the umbrella chart: Chart.yaml, values.yaml and values.schema.json from schemas/,
templates from generator/assets/, README.md, one subchart per component, and
ci/<profile>-values.yaml for every profile, the runbook pages and the kube-prometheus-stack
migration guide (docs/). Every profile is validated first; on any
error nothing is written and the previous chart stays exactly as it was.

Options:
  --output <dir>    chart directory to write (default: charts/promstack)
  --profiles <dir>  directory of profile values files (default: values/)
  --runbooks <dir>  where the runbook pages go, one per alert (default: docs/runbooks/)
  -h, --help        show this help`,
  validate: `Usage: promstack validate [--no-tools] <profile.yaml>...

Validates each profile against the values contract (JSON Schema) and semantic rules
(routes naming missing receivers, images lacking the profile's CPU architectures, ...).
Then, for each profile without errors, renders it with the chart (helm template) and runs
the consumers on the rendered files: promtool check config, promtool check rules and
amtool check-config. The tools are PROMSTACK_HELM, PROMSTACK_PROMTOOL, PROMSTACK_AMTOOL
when set, else the pinned builds in .tools/bin, else helm, promtool, amtool on PATH; a
missing tool's checks are skipped, and one line says which.
Prints every problem as file:line:col: path: message. Exits 1 when any error is found,
0 otherwise (warnings alone do not fail).

Options:
  --no-tools  only the contract and semantic checks (no helm, promtool, amtool)
  -h, --help  show this help`,
  import: `Usage: promstack import [<file>...] [--alertmanager <f>] [--rules <f>]... [--prometheus-rule <f>]
                        [--prometheus <f>] [--kube-prometheus-stack <f>] [--output <profile.yaml>]
                        [--secret-name <name>] [--allow-partial]

Turns configuration a team already runs into a profile: an alertmanager.yml, Prometheus rule
files, PrometheusRule objects, a prometheus.yml (with the rule files and scrape config files it
names) and a kube-prometheus-stack values file. A file given without an option is recognised
by its content (route:/receivers:, groups:, kind: PrometheusRule, scrape_configs:/global:,
prometheus.prometheusSpec/alertmanager.alertmanagerSpec/defaultRules).

The profile (YAML, with comments saying where each non-obvious value came from) goes to
--output, or to standard output. Every source key the profile cannot carry is listed on
standard error as file:line: key: reason; the profile is written either way, and the exit
code is 1 unless --allow-partial.

Credentials (passwords, API keys, tokens, routing keys, Slack webhook URLs, URLs carrying a
token) never enter the profile: each becomes a key of one Secret, referenced as
<field>Secret: {name, key}. The import prints the kubectl command that creates that Secret
(to standard output with --output, else to standard error): a credential the source reads
from a file (*_file) is taken from that file (--from-file, a relative path read from the
source file's directory); an inline one is spelled out (--from-literal), so treat the printed
command as a secret. Files a scrape config names that the Prometheus pod would not have
(credential, TLS and header files) go to that Secret too, mounted with prometheus.secretMounts;
file_sd target files go to a ConfigMap per directory (<secret-name>-file-sd), mounted with
prometheus.configMapMounts; their paths are rewritten to the mounts and the commands printed.

Options:
  --alertmanager <f>           an alertmanager.yml
  --rules <f>                  a Prometheus rule file (repeatable)
  --prometheus-rule <f>        PrometheusRule objects (repeatable)
  --prometheus <f>             a prometheus.yml
  --kube-prometheus-stack <f>  kube-prometheus-stack values (repeatable)
  --output <file>              write the profile there (default: standard output)
  --secret-name <name>         the Secret credentials go to (default: promstack-imported)
  --allow-partial              exit 0 even when some keys could not be mapped
  -h, --help                   show this help`,
};

const explainUsage = `Usage: promstack explain <profile.yaml>... [--output <file> | --output-dir <dir>]

Renders each profile with the chart (helm template, release and namespace "monitoring") and
describes the render in Markdown: its workloads (replicas, images, requests and limits,
volumes), Services and Ingresses; every alert with the receivers it reaches, decided by the
rendered alertmanager.yml's routing tree on the alert's labels (alertname, Prometheus' external
labels, the rule's labels), in the order amtool config routes test lists them; and the route
tree as a Mermaid flowchart. An invalid profile fails as promstack validate fails on it.
helm is PROMSTACK_HELM when set, else the pinned build in .tools/bin, else helm on PATH.

Options:
  --output <file>     write the page there (one profile; default: standard output)
  --output-dir <dir>  write <dir>/<profile>.md for every profile, and remove other .md pages there
  -h, --help          show this help`;

function version(): string {
  return (JSON.parse(readFileSync(paths.packageJson, "utf8")) as { version: string }).version;
}

/** What --version prints: the CLI, the chart it validates against, and the programs that chart deploys. */
function versionLine(): string {
  const { images } = loadCatalogue();
  return `promstack ${version()} (chart promstack ${version()}; Prometheus ${images.prometheus!.tag}, Alertmanager ${images.alertmanager!.tag})`;
}

class UsageError extends Error {}

function parseOptions(args: string[], known: string[], flags: string[] = []): { options: Map<string, string>; positional: string[]; help: boolean } {
  const options = new Map<string, string>();
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") help = true;
    else if (flags.includes(arg.slice(2)) && arg.startsWith("--")) options.set(arg.slice(2), "true");
    else if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      options.set(name, value);
    } else positional.push(arg);
  }
  return { options, positional, help };
}

function report(result: ValidationReport, io: Io): void {
  for (const problem of result.problems) (problem.severity === "error" ? io.err : io.out)(formatProblem(problem));
}

function profileFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

async function validateProfiles(files: string[]): Promise<ValidationReport> {
  const catalogue = loadCatalogue();
  const { contract, validate } = await loadContract(catalogue);
  return createValidator(contract, catalogue, validate)(files);
}

/** What `promstack validate` prints for a report, and its exit code. */
function reportValidation(result: ValidationReport, fileCount: number, io: Io): number {
  report(result, io);
  const warnings = result.problems.length - result.errorCount;
  const summary = `${fileCount} profile(s): ${result.errorCount} error(s), ${warnings} warning(s)`;
  (result.errorCount > 0 ? io.err : io.out)(summary);
  return result.errorCount > 0 ? 1 : 0;
}

async function runValidate(args: string[], io: Io): Promise<number> {
  const { options, positional, help } = parseOptions(args, [], ["no-tools"]);
  if (help) return io.out(usage.validate), 0;
  if (positional.length === 0) throw new UsageError("validate needs at least one profile file");
  const result = await validateProfiles(positional);
  if (options.has("no-tools")) return reportValidation(result, positional.length, io);
  const { locateTools } = await import("./tools/locate.js");
  return reportValidation(await withToolChecks(result, locateTools(), io), positional.length, io);
}

/**
 * Adds what helm, promtool and amtool say about each profile the static checks passed
 * (the tools judge only a profile that is otherwise sound, so their messages are not noise).
 */
export async function withToolChecks(result: ValidationReport, tools: ToolSet, io: Io): Promise<ValidationReport> {
  const { skippedLine } = await import("./tools/check.js");
  const skipped = skippedLine(tools);
  if (skipped) io.out(skipped);
  if (!tools.found.helm) return result;
  const { toolChecks } = await import("./tools/check.js");
  const failing = new Set(result.problems.filter((p) => p.severity === "error").map((p) => p.file));
  const sound = result.profiles.filter((profile) => !failing.has(profile.source.file));
  const outcomes = await Promise.all(sound.map((profile) => toolChecks(profile.source, tools)));
  const problems = sortProblems([...result.problems, ...outcomes.flatMap((o) => o.problems)]);
  return { ...result, problems, errorCount: problems.filter((p) => p.severity === "error").length };
}

async function runGenerate(args: string[], io: Io): Promise<number> {
  const { options, positional, help } = parseOptions(args, ["output", "profiles", "runbooks"]);
  if (help) return io.out(usage.generate), 0;
  if (positional.length > 0) throw new UsageError(`generate takes no arguments (got ${positional.join(" ")})`);
  // The installed package ships the generated chart, not the generator's sources.
  if (!existsSync(paths.assets)) throw new Error(`generate runs in a promstack source checkout (${paths.assets} is missing); this installation validates against the chart it ships in ${paths.chart}`);
  const output = resolve(options.get("output") ?? paths.chart);
  const profilesDir = resolve(options.get("profiles") ?? paths.values);
  const runbooksDir = resolve(options.get("runbooks") ?? paths.runbooks);
  const [{ buildContract }, { chartMetadata }, { GENERATED_NOTICE, withHeader }, { loadPacks }, { runbookPages }, { secretsExample }, { writeAllAtomically }, { migrationGuide }] = await Promise.all([
    import("./schema/contract.js"),
    import("./chart/metadata.js"),
    import("./chart/header.js"),
    import("./rules/packs.js"),
    import("./rules/runbooks.js"),
    import("./secrets-example.js"),
    import("./write/atomic.js"),
    import("./import/migration-guide.js"),
  ]);
  const catalogue = loadCatalogue();
  const contract = buildContract(catalogue); // the subcharts' schemas too, which generate writes
  const result = createValidator(contract.umbrella, catalogue)(profileFiles(profilesDir));
  report(result, io);
  if (result.errorCount > 0) {
    io.err(`generate: ${result.errorCount} error(s) in profiles; nothing written`);
    return 1;
  }
  const meta = chartMetadata();
  const [{ emitChart }, { bundleReceiver }] = await Promise.all([import("./chart/emit.js"), import("../../receiver/src/bundle.js")]);
  const files = emitChart(contract, catalogue, result.profiles, meta, await bundleReceiver());
  const runbooks = new Map([...runbookPages(loadPacks(), result.profiles)].map(([path, content]) => [path, withHeader(path, content)]));
  // Chart, runbooks and secrets examples change together or not at all.
  const changes: OutputChange[] = [
    { kind: "tree", target: output, files },
    { kind: "tree", target: runbooksDir, files: runbooks },
    { kind: "file", target: paths.migrationGuide, content: withHeader("guide.md", migrationGuide()) },
  ];
  for (const profile of result.profiles) {
    const example = secretsExample(profile);
    const target = profile.source.file.replace(/\.ya?ml$/, ".secrets.example");
    changes.push(example ? { kind: "file", target, content: `# ${GENERATED_NOTICE}\n${example}` } : { kind: "remove", target });
  }
  try {
    writeAllAtomically(changes);
  } catch (error) {
    io.err(`generate: cannot write the output: ${(error as Error).message}; nothing changed`);
    return 1;
  }
  io.out(`generate: wrote ${files.size} files to ${output} and ${runbooks.size} runbook pages to ${runbooksDir}`);
  return 0;
}

// --- promstack flux (the manifests live in ./flux/) ---
async function runFlux(args: string[], io: Io): Promise<number> {
  const [{ fluxManifests, receiverUrlWarnings }, { FLUX_OPTION_NAMES, fluxUsage, resolveFluxOptions }, { checkOutputDir, fluxFiles, fluxStream, oversizedObjects }, { writeTreeAtomically }] = await Promise.all([
    import("./flux/manifests.js"),
    import("./flux/options.js"),
    import("./flux/output.js"),
    import("./write/atomic.js"),
  ]);
  const { options, positional, help } = parseOptions(args, FLUX_OPTION_NAMES);
  const chartVersion = version();
  if (help) return io.out(fluxUsage(chartVersion)), 0;
  if (positional.length !== 1) throw new UsageError(`flux takes exactly one profile file (got ${positional.length})`);
  let fluxOptions;
  try {
    fluxOptions = resolveFluxOptions(options, chartVersion);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // An invalid profile fails exactly as `promstack validate` fails on it.
  const result = await validateProfiles(positional);
  if (result.errorCount > 0) return reportValidation(result, positional.length, io);
  const source = result.profiles[0]!.source;
  // Warnings go to stderr: stdout may carry the manifests.
  for (const problem of result.problems) io.err(formatProblem(problem));
  const profileText = readFileSync(source.file, "utf8"); // the profile as its author wrote it
  for (const warning of receiverUrlWarnings(profileText, fluxOptions)) io.err(`${source.file}: warning: ${warning}`);
  const manifests = fluxManifests(profileText, fluxOptions);
  const tooLarge = oversizedObjects(manifests);
  if (tooLarge.length > 0) {
    for (const message of tooLarge) io.err(`${source.file}:1:1: (root): ${message}`);
    io.err("flux: nothing written");
    return 1;
  }
  const output = options.get("output");
  if (output === undefined) return io.out(fluxStream(manifests).trimEnd()), 0;
  checkOutputDir(resolve(output), manifests);
  writeTreeAtomically(resolve(output), fluxFiles(manifests));
  io.err(`flux: wrote ${manifests.map((m) => m.file).join(", ")} to ${output}`);
  return 0;
}

// --- promstack import (the mapping lives in ./import/) ---
const IMPORT_KIND_OPTIONS: Record<string, InputKind> = {
  alertmanager: "alertmanager",
  rules: "rules",
  "prometheus-rule": "prometheus-rule",
  prometheus: "prometheus",
  "kube-prometheus-stack": "kube-prometheus-stack",
};

async function runImport(args: string[], io: Io): Promise<number> {
  const [{ importFiles }, { InputError }, { writeFileAtomically }] = await Promise.all([import("./import/index.js"), import("./import/source.js"), import("./write/atomic.js")]);
  const inputs: ImportInput[] = [];
  let output: string | undefined;
  let secretName: string | undefined;
  let allowPartial = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") return io.out(usage.import), 0;
    if (arg === "--allow-partial") {
      allowPartial = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      inputs.push({ file: arg });
      continue;
    }
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    if (name in IMPORT_KIND_OPTIONS) inputs.push({ file: value, kind: IMPORT_KIND_OPTIONS[name] });
    else if (name === "output") output = value;
    else if (name === "secret-name") secretName = value;
    else throw new UsageError(`unknown option --${name}`);
  }
  if (inputs.length === 0) throw new UsageError("import needs at least one file");
  if (secretName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(secretName)) throw new UsageError(`--secret-name ${secretName} is not a Kubernetes Secret name`);
  let result;
  try {
    result = importFiles(inputs, { secretName });
  } catch (error) {
    if (error instanceof InputError || (error as NodeJS.ErrnoException).code === "ENOENT") return io.err(`promstack import: ${(error as Error).message}`), 1;
    throw error;
  }
  if (output === undefined) io.out(result.yaml.trimEnd());
  else writeFileAtomically(resolve(output), result.yaml);
  const unmapped = result.unmapped.lines();
  for (const line of unmapped) io.err(line);
  for (const warning of result.warnings) io.err(`${output ?? "(profile)"}:${formatProblem(warning).replace(/^[^:]*:/, "")}`);
  const command = result.secrets.command();
  const print = output === undefined ? io.err : io.out;
  if (command.length > 0) {
    print(`# ${result.secrets.size} credential(s) and file(s) go to the Secret ${result.secrets.name}; create it with:`);
    for (const line of command) print(line);
  }
  const configMaps = result.configMaps.commands();
  if (configMaps.length > 0) {
    print(`# file_sd target files go to the ConfigMap(s) ${result.configMaps.names.join(", ")}; create them with:`);
    for (const line of configMaps) print(line);
  }
  io.err(`import: ${result.kinds.length} document(s), ${unmapped.length} unmapped key(s), ${result.secrets.size} Secret key(s), ${result.configMaps.names.length} ConfigMap(s)${output ? `; wrote ${output}` : ""}`);
  return unmapped.length > 0 && !allowPartial ? 1 : 0;
}

// --- promstack explain (the description lives in ./explain/) ---
async function runExplain(args: string[], io: Io): Promise<number> {
  const { options, positional, help } = parseOptions(args, ["output", "output-dir"]);
  if (help) return io.out(explainUsage), 0;
  if (positional.length === 0) throw new UsageError("explain needs at least one profile file");
  if (options.has("output") && options.has("output-dir")) throw new UsageError("explain takes --output or --output-dir, not both");
  if (options.has("output") && positional.length > 1) throw new UsageError(`--output takes one profile (got ${positional.length}); use --output-dir`);
  for (const file of positional) if (!existsSync(file)) return io.err(`promstack explain: ${file}: no such file`), 1;
  const result = await validateProfiles(positional);
  if (result.errorCount > 0) return reportValidation(result, positional.length, io);
  // Warnings go to stderr: stdout may carry the page.
  for (const problem of result.problems) io.err(formatProblem(problem));
  const [{ locateTools }, { explainProfile, profileName }, { writeFileAtomically, writeTreeAtomically }] = await Promise.all([
    import("./tools/locate.js"),
    import("./explain/index.js"),
    import("./write/atomic.js"),
  ]);
  const helm = locateTools().found.helm;
  if (!helm) return io.err(`promstack explain: needs helm to render the profile: ${locateTools().missing.helm}`), 1;
  const { GENERATED_NOTICE } = await import("./chart/header.js");
  const pages = new Map<string, string>();
  for (const file of positional) pages.set(`${profileName(file)}.md`, `<!-- ${GENERATED_NOTICE} -->\n${await explainProfile(helm.path, file)}`);
  const outputDir = options.get("output-dir");
  const output = options.get("output");
  if (outputDir !== undefined) writeTreeAtomically(resolve(outputDir), pages);
  else if (output !== undefined) writeFileAtomically(resolve(output), [...pages.values()][0]!);
  else io.out([...pages.values()].join("\n").trimEnd());
  if (output !== undefined || outputDir !== undefined) io.err(`explain: wrote ${[...pages.keys()].join(", ")} to ${outputDir ?? output}`);
  return 0;
}

export async function main(args: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.out(usage.main);
        return command === undefined ? 2 : 0;
      case "-v":
      case "--version":
        io.out(versionLine());
        return 0;
      case "generate":
        return await runGenerate(rest, io);
      case "validate":
        return await runValidate(rest, io);
      case "flux":
        return await runFlux(rest, io);
      case "import":
        return await runImport(rest, io);
      case "explain":
        return await runExplain(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`promstack: ${error.message}\n\n${usage.main}`);
      return 2;
    }
    io.err(`promstack: ${(error as Error).message}`);
    return 1;
  }
}
