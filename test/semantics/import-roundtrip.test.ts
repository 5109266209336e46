// promstack import judged on configurations written by others (make import-corpora):
// import -> validate -> helm template -> compare with the source. Routing equality is judged
// by amtool config routes test over label sets built from every matcher of the source; a
// Prometheus config is judged by promtool check config on the rendered file, with the files
// of the pod's mounts in place, and a file it names must be the Secret or ConfigMap key the
// import's printed command creates from the source's own file.
// Each corpus prints its score (equal / partial / refused); the assertions hold what passes
// today, so a regression fails: every imported profile validates and renders, at least
// MINIMUM files per corpus round-trip equal, and each file in SUPPORTED does.
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { parseObjects, helmTemplate, type K8sObject } from "../helpers/render.js";
import { ruleGroupsOf } from "../helpers/rendered-stack.js";
import { importFiles } from "../../generator/src/import/index.js";
import type { InputKind } from "../../generator/src/import/source.js";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { filesOfScrapeConfig } from "../../generator/src/validate/prometheus-files.js";
import { extractConfigs } from "../../generator/src/render/extract.js";
import { layOut } from "../../generator/src/tools/layout.js";
import { run, tools } from "../helpers/tools.js";

type Corpus = "alertmanager" | "prometheus-examples" | "prometheus-testdata" | "prometheus-rules" | "mixin-rules";
const KIND: Record<Corpus, InputKind> = { alertmanager: "alertmanager", "prometheus-examples": "prometheus", "prometheus-testdata": "prometheus", "prometheus-rules": "rules", "mixin-rules": "rules" };
/** The files of a corpus that are configurations (Prometheus' test data also holds the files they name, and refused configs). */
const CONFIG_FILES: Partial<Record<Corpus, RegExp>> = { "prometheus-testdata": /\.good\.yml$/ };
const CORPORA = Object.keys(KIND) as Corpus[];

// What round-trips equal on this branch; raise these as the contract widens.
// Measured after the contract work (receivers, globalConfig, ordered rule lists, chartTexts):
// every rule file promtool accepts round-trips equal; Alertmanager's examples route equal for
// every label set and differ only where they name template files or values the contract refuses
// (a proxy_url that is no URL); Prometheus' examples differ where they hold an inline credential
// Prometheus cannot read from a file (outscale, scaleway's access key, uyuni: refused on
// purpose, it would land in a ConfigMap). Files they name are mounted by the import (puppetdb's
// TLS files), inline credentials with a file form become keys of its Secret; their alerting,
// storage, otlp and every global key are compared as well. The two projects' config test data
// (what amtool accepts; Prometheus' *.good.yml) differ where they name files that are not there
// (templates, absolute rule paths) or set what the contract lacks (TSDB chunk encoding and
// retention percentage, OTLP attribute names padded with spaces, Azure's inline secret).
const EQUAL_EXAMPLES = [
  "prometheus-agent.yml", "prometheus-digitalocean.yml", "prometheus-docker.yml", "prometheus-dockerswarm.yml", "prometheus-eureka.yml", "prometheus-hetzner.yml",
  "prometheus-ionos.yml", "prometheus-kubernetes.yml", "prometheus-linode.yml", "prometheus-marathon.yml", "prometheus-nomad.yml", "prometheus-otlp.yml",
  "prometheus-ovhcloud.yml", "prometheus-puppetdb.yml", "prometheus-stackit.yml", "prometheus-vultr.yml", "prometheus.yml",
];
const MINIMUM: Record<Corpus, number> = { alertmanager: 15, "prometheus-examples": EQUAL_EXAMPLES.length, "prometheus-testdata": 42, "prometheus-rules": 12, "mixin-rules": 2 };
const SUPPORTED: Record<Corpus, string[]> = {
  alertmanager: ["conf.mattermost-default-webhook-url.yml", "conf.opsgenie-default-apikey.yml", "conf.telegram-default-bot-token.yml"],
  "prometheus-examples": EQUAL_EXAMPLES,
  "prometheus-testdata": ["otlp_no_translation.good.yml", "global_enable_scrape_native_hist_and_scrape_protocols.good.yml", "kubernetes_selectors_pod.good.yml", "otlp_label_underscore_sanitization_disabled.good.yml", "otlp_label_underscore_sanitization_enabled.good.yml"],
  "prometheus-rules": [],
  "mixin-rules": ["alerts.yaml", "rules.yaml"],
};

function corporaDir(): string {
  const dir = process.env.IMPORT_CORPORA;
  if (!dir || !existsSync(join(dir, ".installed"))) throw new Error("IMPORT_CORPORA is not set or not installed: run make import-corpora (make test-semantics does)");
  return dir;
}

/** Whether the source itself is accepted by its own tool (a corpus of test data holds refused files too). */
function sourceAccepted(corpus: Corpus, file: string): boolean {
  if (corpus === "alertmanager") return run(tools.amtool, ["check-config", file]).status === 0;
  if (corpus === "prometheus-rules" || corpus === "mixin-rules") return run(tools.promtool, ["check", "rules", file]).status === 0;
  return run(tools.promtool, ["check", "config", "--syntax-only", file]).status === 0;
}

// --- Comparisons: each returns the differences found, empty when equal ---

/** With anyFile, a credential read from a Secret file is equal whatever its path (Alertmanager's receivers); without, paths compare exactly. */
function deepDiff(path: string, a: unknown, b: unknown, out: string[], anyFile = true): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      // A credential read from a Secret file: the source's x (or x_file) is the rendered x_file.
      if (anyFile && key.endsWith("_file") && key in rb && (key in ra || key.slice(0, -5) in ra)) continue;
      if (anyFile && !key.endsWith("_file") && key in ra && !(key in rb) && `${key}_file` in rb) continue;
      if (ra[key] === null && !(key in rb)) continue;
      deepDiff(`${path}.${key}`, ra[key], rb[key], out, anyFile);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.forEach((item, i) => deepDiff(`${path}[${i}]`, item, b[i], out, anyFile));
  out.push(`${path}: source ${JSON.stringify(a)?.slice(0, 120)}, rendered ${JSON.stringify(b)?.slice(0, 120)}`);
}

interface ParsedMatcher {
  name: string;
  op: string;
  value: string;
}

/** A matcher string or a legacy map entry, enough to build label sets and compare rules. */
function parseMatchers(text: string): ParsedMatcher[] {
  const body = text.trim().replace(/^\{/, "").replace(/\}$/, "");
  const parts = body.match(/(?:"(?:[^"\\]|\\.)*"|[^,"])+/g) ?? [];
  return parts.map((part) => {
    const m = /^\s*("(?:[^"\\]|\\.)*"|[^=!~\s]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw new Error(`cannot read matcher ${part}`);
    const unquote = (s: string) => (s.startsWith('"') ? (JSON.parse(s) as string) : s);
    return { name: unquote(m[1]!), op: m[2]!, value: unquote(m[3]!) };
  });
}

function matchersOf(node: Record<string, any>, prefix = ""): ParsedMatcher[] {
  const out: ParsedMatcher[] = [];
  for (const [name, value] of Object.entries(node[`${prefix}match`] ?? {})) out.push({ name, op: "=", value: String(value) });
  for (const [name, value] of Object.entries(node[`${prefix}match_re`] ?? {})) out.push({ name, op: "=~", value: String(value) });
  for (const text of node[`${prefix}matchers`] ?? []) out.push(...parseMatchers(String(text)));
  return out;
}

function normalisedMatchers(node: Record<string, any>, prefix: string): string[] {
  return matchersOf(node, prefix).map((m) => `${m.name}${m.op}${m.value}`).sort();
}

/** A value that satisfies a matcher, and one that does not. */
function valuesFor(m: ParsedMatcher): { yes: string; no: string } {
  const candidates = [m.value, ...m.value.split("|").map((alt) => alt.replace(/[()^$]/g, "").replace(/\.\*/g, "").replace(/\.\+/g, "x").replace(/\\(.)/g, "$1")), "x", ""];
  const regex = (() => {
    try {
      return new RegExp(`^(?:${m.value})$`, "u");
    } catch {
      return undefined;
    }
  })();
  const matches = (v: string) => (m.op === "=" || m.op === "!=" ? v === m.value : regex ? regex.test(v) : v === m.value);
  const hit = candidates.find((v) => matches(v)) ?? m.value;
  const miss = ["zz-no-match", "", "x"].find((v) => !matches(v)) ?? "zz-no-match";
  return m.op === "=" || m.op === "=~" ? { yes: hit, no: miss } : { yes: miss, no: hit };
}

/** Label sets: along every route path, all its matchers satisfied, and each one in turn failed. */
function labelSets(route: Record<string, any>): Array<Record<string, string>> {
  const sets = new Map<string, Record<string, string>>([["{}", {}]]);
  const add = (labels: Record<string, string>) => sets.set(JSON.stringify(Object.entries(labels).sort()), labels);
  const walk = (node: Record<string, any>, above: ParsedMatcher[]) => {
    const all = [...above, ...matchersOf(node)];
    const satisfying: Record<string, string> = {};
    for (const m of all) satisfying[m.name] = valuesFor(m).yes;
    add(satisfying);
    for (const m of matchersOf(node)) add({ ...satisfying, [m.name]: valuesFor(m).no });
    for (const child of node.routes ?? []) walk(child, all);
  };
  walk(route, []);
  return [...sets.values()];
}

function routesTest(config: string, labels: Record<string, string>): string {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, ...args]);
  return `${result.status}:${result.stdout.trim()}`;
}

// Alertmanager's send_resolved default per integration: a rendered value equal to it is what the source meant.
const SEND_RESOLVED_DEFAULT: Record<string, boolean> = {
  email: false, slack: false, pushover: true, webhook: true, pagerduty: true, opsgenie: true, victorops: true, wechat: true,
  sns: true, telegram: true, webex: true, discord: true, msteams: true, msteamsv2: true, jira: true, rocketchat: true, incidentio: true, mattermost: true,
};

function withDefaults(receiver: Record<string, any>, rendered: Record<string, any>): Record<string, any> {
  const out = structuredClone(receiver);
  for (const [key, configs] of Object.entries(out)) {
    if (!key.endsWith("_configs") || !Array.isArray(configs)) continue;
    const fallback = SEND_RESOLVED_DEFAULT[key.slice(0, -"_configs".length)];
    configs.forEach((config: Record<string, any>, i: number) => {
      if (config.send_resolved === undefined && rendered[key]?.[i]?.send_resolved === fallback) config.send_resolved = fallback;
    });
  }
  return out;
}

function compareAlertmanager(sourceFile: string, rendered: string, dir: string): string[] {
  const source = parse(readFileSync(sourceFile, "utf8")) as Record<string, any>;
  const ours = parse(rendered) as Record<string, any>;
  const renderedFile = join(dir, "rendered-alertmanager.yml");
  writeFileSync(renderedFile, rendered);
  const out: string[] = [];
  for (const labels of labelSets(source.route ?? {})) {
    const expected = routesTest(sourceFile, labels);
    const actual = routesTest(renderedFile, labels);
    if (expected !== actual) out.push(`routing of ${JSON.stringify(labels)}: source ${expected}, rendered ${actual}`);
  }
  const renderedReceivers = new Map<string, Record<string, any>>((ours.receivers ?? []).map((r: Record<string, any>) => [r.name, r]));
  for (const receiver of source.receivers ?? []) {
    const mine = renderedReceivers.get(receiver.name);
    if (!mine) out.push(`receiver ${receiver.name} missing`);
    else deepDiff(`receivers.${receiver.name}`, withDefaults(receiver, mine), mine, out);
  }
  const inhibit = (rules: Array<Record<string, any>> | undefined) =>
    (rules ?? []).map((r) => JSON.stringify([normalisedMatchers(r, "source_"), normalisedMatchers(r, "target_"), [...(r.equal ?? [])].sort()]));
  deepDiff("inhibit_rules", inhibit(source.inhibit_rules), inhibit(ours.inhibit_rules), out);
  const intervals = (list: Array<Record<string, any>> | undefined) => Object.fromEntries((list ?? []).map((t) => [t.name, t.time_intervals]));
  deepDiff("time_intervals", intervals([...(source.time_intervals ?? []), ...(source.mute_time_intervals ?? [])]), intervals(ours.time_intervals), out);
  return out;
}

function compareRules(sourceFile: string, objects: K8sObject[]): string[] {
  const source = parse(readFileSync(sourceFile, "utf8")) as { groups: Array<Record<string, any>> };
  const rendered = new Map(ruleGroupsOf(objects).map((g) => [g.name, g as unknown as Record<string, any>]));
  const out: string[] = [];
  for (const group of source.groups) {
    // Prometheus reads an expression as text: expr: 1 is "1".
    for (const rule of group.rules ?? []) if (rule.expr !== undefined) rule.expr = String(rule.expr);
    const mine = rendered.get(group.name);
    if (!mine) {
      // Prometheus loads an empty group and does nothing with it; the chart leaves it out.
      if ((group.rules ?? []).length === 0) continue;
      out.push(`group ${group.name} missing`);
      continue;
    }
    deepDiff(`groups.${group.name}`, group, { ...mine, name: group.name }, out);
  }
  return out;
}

function renderedScrapeJobs(objects: K8sObject[]): Map<string, unknown> {
  const jobs = new Map<string, unknown>();
  for (const object of objects.filter((o) => o.kind === "ConfigMap") as Array<K8sObject & { data?: Record<string, string> }>)
    for (const text of Object.values(object.data ?? {})) {
      let value: unknown;
      try {
        value = parse(text);
      } catch {
        continue;
      }
      for (const job of ((value as { scrape_configs?: Array<{ job_name: string }> } | null)?.scrape_configs ?? [])) jobs.set(job.job_name, job);
    }
  return jobs;
}

/** Mounted path to the source file its key is created from, read from the import's printed kubectl commands. */
function filesOfCommands(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const command of lines.filter((line) => line.startsWith("kubectl create"))) {
    const [, kind, name] = /^kubectl create (secret generic|configmap) (\S+)/.exec(command)!;
    const mountDir = kind === "configmap" ? "/etc/prometheus/configmaps" : "/etc/prometheus/secrets";
    for (const [, key, file] of command.matchAll(/--from-file=([^=\s]+)=(\S+)/g)) out.set(`${mountDir}/${name}/${key}`, resolve(file!));
  }
  return out;
}

/**
 * The source's jobs as the import must render them: a file path the import moved becomes the
 * mounted path whose key the printed command creates from that same source file (a file_sd
 * glob: the ConfigMap of its directory, same pattern), and an inline credential the import
 * moved becomes the x_file of a key created from that same value; any other rendering is a
 * difference.
 */
function withMountedFiles(source: Record<string, any>, sourceFile: string, rendered: Map<string, unknown>, mounted: Map<string, string>, literals: Map<string, string>): Array<Record<string, any>> {
  return (source.scrape_configs ?? []).map((job: Record<string, any>) => {
    const expected = structuredClone(job);
    const theirs = rendered.get(job.job_name);
    for (const file of filesOfScrapeConfig(job)) {
      let ours: unknown = theirs;
      for (const segment of file.at) ours = (ours as Record<string | number, unknown> | undefined)?.[segment];
      if (typeof ours !== "string" || ours === file.path) continue;
      const want = resolve(dirname(sourceFile), file.path);
      const from = file.glob ? [...mounted].find(([at]) => dirname(at) === dirname(ours as string))?.[1] : mounted.get(ours);
      const same = file.glob ? from !== undefined && dirname(from) === dirname(want) && (ours as string).endsWith(`/${file.path.split("/").pop()}`) : from === want;
      if (!same) continue;
      let node = expected as Record<string | number, unknown>;
      for (const segment of file.at.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
      node[file.at[file.at.length - 1]!] = ours;
    }
    movedLiterals(expected, theirs, literals);
    return expected;
  });
}

/** Mounted path to the value its Secret key is created from, read from the printed `--from-literal=key=value`. */
function literalsOfCommands(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const command of lines.filter((line) => line.startsWith("kubectl create secret generic"))) {
    const name = /^kubectl create secret generic (\S+)/.exec(command)![1];
    for (const [, key, quoted, bare] of command.matchAll(/--from-literal=([^=\s]+)=(?:'((?:[^']|'\\'')*)'|(\S+))/g))
      out.set(`/etc/prometheus/secrets/${name}/${key}`, quoted !== undefined ? quoted.replace(/'\\''/g, "'") : bare!);
  }
  return out;
}

/**
 * An inline value the import moved to a Secret: the render reads x_file from a mounted key
 * whose printed command holds exactly the source's x. Expected is rewritten that way, in place.
 */
function movedLiterals(expected: unknown, rendered: unknown, literals: Map<string, string>): void {
  if (Array.isArray(expected)) return expected.forEach((item, i) => movedLiterals(item, (rendered as unknown[] | undefined)?.[i], literals));
  if (!expected || typeof expected !== "object" || !rendered || typeof rendered !== "object") return;
  const mine = expected as Record<string, unknown>;
  const theirs = rendered as Record<string, unknown>;
  for (const [key, value] of Object.entries(mine)) {
    const file = theirs[`${key}_file`];
    if (typeof value === "string" && !(key in theirs) && typeof file === "string" && literals.get(file) === value) {
      delete mine[key];
      mine[`${key}_file`] = file;
    } else movedLiterals(value, theirs[key], literals);
  }
}

function comparePrometheus(sourceFile: string, objects: K8sObject[], manifest: string, commands: string[], dir: string): string[] {
  const source = parse(readFileSync(sourceFile, "utf8")) as Record<string, any>;
  const prometheusYml = parse((objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "mon-prometheus") as any).data["prometheus.yml"]) as Record<string, any>;
  const out: string[] = [];
  // Prometheus' own check, with every file the pod mounts in place (a Secret's keys as placeholders).
  const layout = layOut(extractConfigs(manifest, "mon").prometheus!, mkdtempSync(join(dir, "pod-")));
  const checked = run(tools.promtool, ["check", "config", layout.config]);
  if (checked.status !== 0) out.push(`promtool check config of the rendered prometheus.yml: ${(checked.stdout + checked.stderr).split(layout.root).join("").trim().replace(/\s*\n\s*/g, "; ").slice(0, 300)}`);
  // Every global key either side has; the render always spells out Prometheus' default intervals.
  const global = { scrape_interval: "1m", scrape_timeout: "10s", evaluation_interval: "1m", ...(source.global ?? {}) };
  for (const key of new Set([...Object.keys(global), ...Object.keys(prometheusYml.global ?? {})])) deepDiff(`global.${key}`, global[key], prometheusYml.global?.[key], out);
  deepDiff("storage", source.storage ?? {}, prometheusYml.storage ?? {}, out);
  deepDiff("otlp", source.otlp ?? {}, prometheusYml.otlp ?? {}, out);
  // The chart's own Alertmanagers come first in the render; the source's follow, each as Prometheus
  // reads it: API v2 unless said, its static groups as one (they carry no labels), and an entry
  // without targets is no Alertmanager at all.
  const sourceAlertmanagers = ((source.alerting?.alertmanagers ?? []) as Array<Record<string, any>>)
    .map(({ static_configs: groups, ...rest }) => ({ api_version: "v2", ...rest, static_configs: [{ targets: (groups ?? []).flatMap((g: { targets?: string[] | null }) => g.targets ?? []) }] }))
    .filter((am) => am.static_configs[0]!.targets.length > 0 || Object.keys(am).length > 2);
  deepDiff("alerting.alertmanagers", sourceAlertmanagers, (prometheusYml.alerting?.alertmanagers ?? []).slice(1), out);
  const jobs = renderedScrapeJobs(objects);
  for (const job of withMountedFiles(source, sourceFile, jobs, filesOfCommands(commands), literalsOfCommands(commands))) deepDiff(`scrape_configs.${job.job_name}`, job, jobs.get(job.job_name), out, false);
  return out;
}

describe("semantics: promstack import round trip on public corpora", function () {
  this.timeout(600_000);
  let dir: string;
  let validate: ReturnType<typeof createValidator>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-import-roundtrip-"));
    const catalogue = loadCatalogue();
    validate = createValidator(buildContract(catalogue).umbrella, catalogue);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const corpus of CORPORA) {
    it(`${corpus}: every import validates and renders; the score holds`, () => {
      // The mixin's unit tests are not rules: the next test runs them.
      const files = readdirSync(join(corporaDir(), corpus)).filter((name) => name !== "tests.yaml" && (CONFIG_FILES[corpus]?.test(name) ?? true)).sort();
      const score = { equal: [] as string[], partial: [] as string[], refused: [] as string[], sourceInvalid: [] as string[] };
      const details: string[] = [];
      const allDifferences: Array<[string, string[]]> = [];
      for (const name of files) {
        const file = join(corporaDir(), corpus, name);
        if (!sourceAccepted(corpus, file)) {
          score.sourceInvalid.push(name);
          continue;
        }
        const profile = join(dir, `${corpus}-${name}.profile.yaml`);
        let imported;
        try {
          imported = importFiles([{ file, kind: KIND[corpus] }]);
        } catch (error) {
          score.refused.push(name);
          details.push(`${name}: import refused: ${(error as Error).message.split("\n")[0]}`);
          continue;
        }
        writeFileSync(profile, imported.yaml);
        // Sound: whatever the import writes, validate accepts and helm renders.
        const validated = validate([profile]);
        expect(validated.errorCount, `${name}: promstack validate\n${validated.problems.map((p) => p.message).join("\n")}`).to.equal(0);
        const manifest = helmTemplate([profile]);
        const objects = parseObjects(manifest);
        const differences =
          corpus === "alertmanager"
            ? compareAlertmanager(file, (objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "mon-alertmanager") as any).data["alertmanager.yml"], dir)
            : KIND[corpus] === "rules"
              ? compareRules(file, objects)
              : comparePrometheus(file, objects, manifest, [...imported.secrets.command(), ...imported.configMaps.commands()], dir);
        const unmapped = imported.unmapped.entries;
        allDifferences.push([name, differences]);
        if (unmapped.length === 0 && differences.length === 0) score.equal.push(name);
        else {
          score.partial.push(name);
          details.push(`${name}: ${unmapped.length} unmapped key(s), ${differences.length} difference(s)${unmapped.length ? `; first unmapped: ${unmapped[0]!.key}` : ""}${differences.length ? `; first difference: ${differences[0]}` : ""}`);
        }
      }
      const accepted = files.length - score.sourceInvalid.length;
      console.log(
        `      import round trip ${corpus}: ${score.equal.length}/${accepted} equal, ${score.partial.length} partial, ${score.refused.length} refused` +
          ` (${score.sourceInvalid.length} source file(s) refused by their own tool: ${score.sourceInvalid.join(", ") || "none"})`,
      );
      for (const line of details) console.log(`        ${line}`);
      if (process.env.IMPORT_ROUNDTRIP_DETAILS) for (const [name, list] of allDifferences) for (const d of list) console.log(`        ${name}: ${d}`);
      expect(score.equal.length, `${corpus}: files round-tripping equal`).to.be.at.least(MINIMUM[corpus]);
      for (const name of SUPPORTED[corpus]) expect(score.equal, `${corpus}: ${name} must round-trip equal`).to.include(name);
    });
  }

  // Equal text is one judge; behaviour is another: the mixin's authors' own promtool unit tests
  // (alerts firing with their labels and annotations, recorded values) run on the rules the
  // chart renders from the imported profile, in place of the mixin's files.
  it("mixin-rules: the mixin's own promtool unit tests pass on the rendered rules", () => {
    const corpus = join(corporaDir(), "mixin-rules");
    const imported = importFiles(["alerts.yaml", "rules.yaml"].map((name) => ({ file: join(corpus, name), kind: "rules" as InputKind })));
    expect(imported.unmapped.entries).to.deep.equal([]);
    const profile = join(dir, "mixin.profile.yaml");
    writeFileSync(profile, imported.yaml);
    // (An empty group does nothing in Prometheus; the chart leaves it out.)
    const sourceGroups = ["alerts.yaml", "rules.yaml"].flatMap((name) =>
      (parse(readFileSync(join(corpus, name), "utf8")) as { groups: Array<{ name: string; rules: unknown[] }> }).groups.filter((g) => g.rules.length > 0).map((g) => g.name),
    );
    const rendered = ruleGroupsOf(parseObjects(helmTemplate([profile]))).filter((g) => sourceGroups.includes(g.name));
    expect(rendered.map((g) => g.name)).to.have.members(sourceGroups);
    const rulesFile = join(dir, "mixin-rendered-rules.yaml");
    writeFileSync(rulesFile, stringify({ groups: rendered }));
    const tests = parse(readFileSync(join(corpus, "tests.yaml"), "utf8")) as Record<string, unknown>;
    const testsFile = join(dir, "mixin-tests.yaml");
    writeFileSync(testsFile, stringify({ ...tests, rule_files: [rulesFile] }));
    const result = run(tools.promtool, ["test", "rules", testsFile]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("SUCCESS");
  });
});
