// The checks `promstack validate` delegates to the real consumers: the profile rendered by
// the chart with helm, then prometheus.yml judged by `promtool check config`, the rule files
// by `promtool check rules` and alertmanager.yml by `amtool check-config`, in parallel, each
// with the files its container mounts. Their messages become problems placed in the profile.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { paths } from "../paths.js";
import { extractConfigs, type RenderedConfigs } from "../render/extract.js";
import type { Problem } from "../validate/problem.js";
import type { ProfileSource } from "../validate/source.js";
import { layOut } from "./layout.js";
import type { ToolName, ToolSet } from "./locate.js";
import { toolProblem, type ToolCheck } from "./map-message.js";

export const RELEASE = "mon";
export const NAMESPACE = "monitoring";
const TIMEOUT_MS = 120_000;

export interface ToolRun {
  status: number | null;
  stdout: string;
  /** stdout then stderr: where the tools' messages are. */
  output: string;
}

/** Runs a tool without a shell; resolves (never rejects) with its exit status and all its output. */
export function runTool(command: string, args: string[], cwd?: string): Promise<ToolRun> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: TIMEOUT_MS });
    let output = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => done({ status: null, stdout: output, output: `${output}${stderr}${error.message}` }));
    child.on("close", (status, signal) => done({ status: signal ? null : status, stdout: output, output: `${output}${stderr}${signal ? `killed by ${signal} (timeout ${TIMEOUT_MS / 1000}s)` : ""}` }));
  });
}

export interface RenderResult {
  ok: boolean;
  manifest: string;
  output: string;
}

export async function helmTemplate(helm: string, valuesFile: string, chart: string = paths.chart): Promise<RenderResult> {
  const result = await runTool(helm, ["template", RELEASE, chart, "--namespace", NAMESPACE, "-f", resolve(valuesFile)]);
  // Helm may warn on stderr while rendering: the manifest is stdout alone.
  return { ok: result.status === 0, manifest: result.status === 0 ? result.stdout : "", output: result.output };
}

/**
 * The messages of a failed check: what follows each "FAILED:", one message per line that
 * starts at the margin, indented lines continuing it. The temporary root is cut from paths.
 */
export function failureMessages(output: string, root: string): string[] {
  const text = root ? output.split(root).join("") : output;
  const messages: string[] = [];
  let inFailure = false;
  for (const raw of text.split("\n")) {
    const failed = raw.indexOf("FAILED:");
    if (failed >= 0) {
      inFailure = true;
      const rest = raw.slice(failed + "FAILED:".length).trim();
      if (rest) messages.push(rest);
      continue;
    }
    if (!inFailure || /^[\w.-]+: error: failed to validate/.test(raw)) continue; // amtool's closing summary
    if (/^(Checking|Found:|\s*SUCCESS)/.test(raw) || raw.trim() === "") {
      inFailure = /^\s*$/.test(raw) ? inFailure : false;
      continue;
    }
    if (/^\s/.test(raw) && messages.length > 0) messages[messages.length - 1] += `; ${raw.trim()}`;
    else messages.push(raw.trim());
  }
  return messages;
}

function helmMessages(output: string): string[] {
  const text = output.replace(/^Error: /m, "").replace(/\n*Use --debug flag to render out invalid YAML\s*$/, "").trim();
  // A schema failure lists one violation per "- path: message" line: one problem each.
  const lines = text.split("\n").filter((line) => line.startsWith("- "));
  return lines.length > 0 ? lines : [text];
}

interface Check {
  check: ToolCheck;
  /** The directory the check's files live in, cut from its messages. */
  root: string;
  run: () => Promise<ToolRun>;
}

function checksFor(configs: RenderedConfigs, tools: ToolSet, root: string): Check[] {
  const checks: Check[] = [];
  const promtool = tools.found.promtool?.path;
  const amtool = tools.found.amtool?.path;
  const ruleFileNames = new Set(configs.rules.map((file) => file.name));
  if (promtool && configs.prometheus) {
    const dir = join(root, "prometheus");
    // The rule files are checked by `promtool check rules` below; here they only need to exist.
    const layout = layOut(configs.prometheus, dir, (path) => (ruleFileNames.has(path.split("/").pop()!) && path.includes("/rules/") ? "groups: []\n" : undefined));
    checks.push({ check: "promtool check config", root: dir, run: () => runTool(promtool, ["check", "config", layout.config]) });
  }
  if (promtool && configs.rules.length > 0) {
    const dir = join(root, "rules");
    mkdirSync(dir, { recursive: true });
    const files = configs.rules.map((file, i) => {
      const path = join(dir, `${i}-${file.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`);
      writeFileSync(path, file.text ?? stringify({ groups: file.groups }, { lineWidth: 0 }));
      return path;
    });
    checks.push({ check: "promtool check rules", root: dir, run: () => runTool(promtool, ["check", "rules", ...files]) });
  }
  if (amtool && configs.alertmanager) {
    const dir = join(root, "alertmanager");
    const layout = layOut(configs.alertmanager, dir);
    checks.push({ check: "amtool check-config", root: dir, run: () => runTool(amtool, ["check-config", layout.config]) });
  }
  return checks;
}

/** Helm repeats an error once per chart whose schema sees the value: one problem per place and message. */
function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.path}:${p.message.replace(/at '\/[^']*'/, "at")}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

export interface ToolOutcome {
  problems: Problem[];
  /** The checks that ran, e.g. "promtool check rules". */
  ran: ToolCheck[];
}

/** Renders one profile and runs every check its tools allow. Needs helm; the others are optional. */
export async function toolChecks(source: ProfileSource, tools: ToolSet): Promise<ToolOutcome> {
  const helm = tools.found.helm?.path;
  if (!helm) return { problems: [], ran: [] };
  const render = await helmTemplate(helm, source.file);
  if (!render.ok) return { problems: unique(helmMessages(render.output).map((m) => toolProblem(source, "helm template", m))), ran: ["helm template"] };
  const root = mkdtempSync(join(tmpdir(), "promstack-validate-"));
  try {
    const checks = checksFor(extractConfigs(render.manifest, RELEASE), tools, root);
    const results = await Promise.all(checks.map((c) => c.run()));
    const problems = checks.flatMap((c, i) => {
      const result = results[i]!;
      if (result.status === 0) return [];
      // A rule file's name and its line:col in the rendered file mean nothing to the profile's author.
      const messages = failureMessages(result.output, c.root).map((m) => (c.check === "promtool check rules" ? m.replace(/^\/[^:\s]*: (\d+:\d+: )*/, "") : m));
      return (messages.length > 0 ? messages : [result.output.split(c.root).join("").trim() || `exited with status ${result.status}`]).map((m) => toolProblem(source, c.check, m));
    });
    return { problems: unique(problems), ran: ["helm template", ...checks.map((c) => c.check)] };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The one line `validate` prints when tools are missing: which checks it skipped and why. */
export function skippedLine(tools: ToolSet): string | undefined {
  const missing = Object.entries(tools.missing) as Array<[ToolName, string]>;
  if (missing.length === 0) return undefined;
  const skipped: string[] = [];
  if (tools.missing.helm) skipped.push("helm template", "promtool check config", "promtool check rules", "amtool check-config");
  else {
    if (tools.missing.promtool) skipped.push("promtool check config", "promtool check rules");
    if (tools.missing.amtool) skipped.push("amtool check-config");
  }
  return `validate: skipped ${skipped.join(", ")}: ${missing.map(([, why]) => why).join("; ")}`;
}
