// validate reads a profile the way Helm does (YAML 1.1 scalars through sigs.k8s.io/yaml).
// The judge is Helm itself: a probe chart prints the values it read as JSON, and the values
// promstack's reader produces must be equal, scalar by scalar and key by key.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseProfile } from "../../generator/src/validate/source.js";
import { chartDir, promstack, run, tools } from "../helpers/tools.js";

// Plain scalars whose reading differs between YAML 1.1 and 1.2, or looks like it might.
const SCALARS = [
  "on", "off", "yes", "no", "y", "n", "Y", "N", "On", "OFF", "True", "TRUE", "false", "oN", "yEs",
  "1_000", "0x1F", "0xFF_FF", "0755", "07", "09", "0o17", "0b101", "-0b11", "+12", "-0", "1:20", "190:20:30",
  "1e3", "12e03", "1.5_0", ".5", "1.", "1e400", "99999999999999999999", "0x", "_1", "1__0",
  "2001-12-14", "~", "Null", "NULL", "<<", "=", "+", ".", "0.1", "1.0", "+.5", "text",
];

function helmValues(valuesYaml: string): { status: number | null; json: unknown; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "promstack-yaml-"));
  try {
    mkdirSync(join(dir, "chart", "templates"), { recursive: true });
    writeFileSync(join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n");
    writeFileSync(join(dir, "chart", "templates", "values.yaml"), "data: {{ toJson .Values | quote }}\n");
    writeFileSync(join(dir, "values.yaml"), valuesYaml);
    const result = run(tools.helm, ["template", join(dir, "chart"), "-f", join(dir, "values.yaml")]);
    const line = result.stdout.split("\n").find((l) => l.startsWith("data: "));
    return { status: result.status, json: line ? JSON.parse(JSON.parse(line.slice(6)) as string) : undefined, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ours(valuesYaml: string): unknown {
  const loaded = parseProfile("probe.yaml", valuesYaml);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join("\n"));
  return loaded.source.values;
}

describe("schema: profiles are read as Helm reads them", () => {
  it("every plain scalar, as a value and inside a sequence, reads as Helm reads it", () => {
    const yaml = SCALARS.map((text, i) => `v${i}: ${text}\n`).join("") + `list: [${SCALARS.filter((t) => t !== "<<").join(", ")}]\n`;
    const helm = helmValues(yaml);
    expect(helm.status, helm.stderr).to.equal(0);
    expect(ours(yaml)).to.deep.equal(helm.json);
  });

  it("mapping keys Helm reads as booleans or numbers become the same string keys", () => {
    const keys = ["on", "no", "1_000", "0x1F", "0755", "1.5", "2e3", "text", "1:20"];
    const yaml = `keys:\n${keys.map((key, i) => `  ${key}: ${i}\n`).join("")}`;
    const helm = helmValues(yaml);
    expect(helm.status, helm.stderr).to.equal(0);
    expect(ours(yaml)).to.deep.equal(helm.json);
  });

  for (const [name, yaml, expected] of [
    ["a non-finite number", "a: .inf\n", /1:4: a: Helm reads the unquoted \.inf as a non-finite number/],
    ["NaN", "a: [.NaN]\n", /1:5: a\[0\]: Helm reads the unquoted \.NaN/],
    ["a null key", "a:\n  ~: 1\n", /2:3: a\["~"\]: a null key/],
    ["a raw control character", "a: \"x\u0001y\"\n", /1:6: \(root\): control character U\+0001 is not allowed/],
  ] as const) {
    it(`refuses ${name}, as Helm does, with a position`, () => {
      const helm = helmValues(yaml);
      expect(helm.status, "helm accepted it").to.not.equal(0);
      const loaded = parseProfile("p.yaml", yaml);
      expect(loaded.ok).to.equal(false);
      if (!loaded.ok) expect(`${loaded.problems[0]!.line}:${loaded.problems[0]!.col}: ${loaded.problems[0]!.path || "(root)"}: ${loaded.problems[0]!.message}`).to.match(expected);
    });
  }

  it("two keys Helm reads as the same key are refused, naming both", () => {
    const helm = helmValues("a:\n  on: 1\n  yes: 2\n");
    expect(helm.json, "Helm keeps the last").to.deep.equal({ a: { true: 2 } });
    const loaded = parseProfile("p.yaml", "a:\n  on: 1\n  yes: 2\n");
    expect(loaded.ok).to.equal(false);
    if (!loaded.ok) expect(loaded.problems[0]!.message).to.equal('key `yes` is the key "true" for Helm, like `on` at line 2: Helm keeps only the last one; remove one');
  });

  it("an escaped control character in a value is refused with its position", () => {
    const loaded = parseProfile("p.yaml", 'a:\n  b: "x\\x01y"\n');
    expect(loaded.ok).to.equal(false);
    if (!loaded.ok) expect(loaded.problems[0]).to.include({ line: 2, col: 6, path: "a.b" });
    expect(parseProfile("p.yaml", 'a: "tab\\there\\nnewline"\n').ok).to.equal(true);
  });
});

describe("schema: YAML 1.1 words in a profile", () => {
  const dir = mkdtempSync(join(tmpdir(), "promstack-yaml-profile-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("a string field written `no` or `on` is an error that says to quote it; Helm's schema check refuses it too", () => {
    const file = write("words.yaml", "prometheus:\n  podAnnotations:\n    team: on\nrules:\n  g:\n    X:\n      expr: up == 0\n      severity: no\n      summary: x\n      description: x\n");
    const result = promstack(["validate", file]);
    expect(result.status).to.equal(1);
    expect(result.stderr + result.stdout).to.include(`${file}:3:11: prometheus.podAnnotations.team: must be string, got boolean true (Helm (YAML 1.1) reads the unquoted \`on\` as true, not the text "on"; quote it ("on") if you mean the text)`);
    expect(result.stderr + result.stdout).to.include(`${file}:8:17: rules.g.X.severity: must be string, got boolean false (Helm (YAML 1.1) reads the unquoted \`no\``);
    const helm = run(tools.helm, ["template", "mon", chartDir, "-f", file]);
    expect(helm.status).to.not.equal(0);
    expect(helm.stderr).to.match(/podAnnotations\.team|team/);
  });

  it("a boolean field written `yes` is accepted, as Helm accepts it, and an octal number gets a warning", () => {
    const file = write("yes.yaml", "grafana:\n  enabled: yes\nprometheus:\n  replicas: 010\n");
    const result = promstack(["validate", file]);
    expect(result.status, result.stderr + result.stdout).to.equal(0);
    expect(result.stderr + result.stdout).to.include(`${file}:4:13: prometheus.replicas: warning: Helm (YAML 1.1) reads the unquoted \`010\` as 8, not 10`);
    const helm = run(tools.helm, ["template", "mon", chartDir, "-f", file]);
    expect(helm.status, helm.stderr).to.equal(0);
  });
});
