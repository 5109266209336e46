// promstack explain decides each alert's receivers with the generator's routing model on the
// rendered alertmanager.yml; amtool must give the same ordered list for every alert of every
// profile and fixture, and for probe label sets built from every matcher of the tree (so the
// model is judged beyond the labels today's alerts happen to carry). The Mermaid route trees
// are parsed by Mermaid itself (make mermaid installs it). Bad input fails with a clear message.
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { explainRender, profileName, renderProfile } from "../../generator/src/explain/index.js";
import { receiversFor } from "../../generator/src/explain/alerts.js";
import { routeFlowchart } from "../../generator/src/explain/mermaid.js";
import type { RouteConfig } from "../../generator/src/explain/route-tree.js";
import { runTool } from "../../generator/src/tools/check.js";
import { labelSetsFromConfig, routesTestArgs, type LabelSet } from "../helpers/routing.js";
import { profileFiles, promstack, repoRoot, run, tools } from "../helpers/tools.js";
import { parse } from "yaml";

const fixturesDir = join(repoRoot, "test", "fixtures");
const cases = [...profileFiles(), ...readdirSync(fixturesDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(fixturesDir, f))];

/** Each case rendered once for both suites. */
const renders = new Map<string, ReturnType<typeof renderProfile>>();
function rendered(file: string): ReturnType<typeof renderProfile> {
  if (!renders.has(file)) renders.set(file, renderProfile(tools.helm, file));
  return renders.get(file)!;
}

/** amtool's answer for each label set, a few at a time (each run is a process). */
async function amtoolReceivers(configFile: string, sets: LabelSet[]): Promise<string[][]> {
  const answers: string[][] = new Array(sets.length);
  let next = 0;
  const worker = async () => {
    while (next < sets.length) {
      const index = next++;
      const args = ["config", "routes", "test", `--config.file=${configFile}`, ...routesTestArgs(sets[index]!)];
      const result = await runTool(tools.amtool, args);
      if (result.status !== 0) throw new Error(`amtool ${args.join(" ")}: ${result.output}`);
      answers[index] = result.stdout.trim().split(",").filter((r) => r !== "");
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return answers;
}

describe("semantics: promstack explain routes every alert as amtool config routes test does", function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-explain-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let checked = 0;
  after(() => console.log(`    explain: ${checked} label set(s) routed by the model and by amtool alike`));

  for (const file of cases) {
    it(`${basename(file)}: every alert's receivers and every probe label set equal amtool's`, async () => {
      const configs = await rendered(file);
      const explanation = explainRender(profileName(file), configs);
      if (!configs.alertmanager) {
        expect(explanation.alerts.every((a) => a.receivers.length === 0), "no Alertmanager: no receivers").to.equal(true);
        return;
      }
      const configFile = join(dir, `${profileName(file)}.yml`);
      writeFileSync(configFile, configs.alertmanager.text);
      const route = (parse(configs.alertmanager.text) as { route: RouteConfig }).route;
      // An alert alert_relabel_configs drops reaches no Alertmanager: nothing for amtool to route.
      const sent = explanation.alerts.filter((a) => !a.droppedByRelabelling);
      const alertSets = sent.map((a) => a.labels);
      const probes = labelSetsFromConfig(configs.alertmanager.text);
      const sets = [...alertSets, ...probes];
      const expected = await amtoolReceivers(configFile, sets);
      sets.forEach((labels, i) => {
        const decided = i < alertSets.length ? sent[i]!.receivers : receiversFor(route, labels).receivers;
        expect(decided, `${basename(file)}: ${routesTestArgs(labels).join(" ")}`).to.deep.equal(expected[i]);
      });
      checked += sets.length;
      expect(explanation.alerts.length + probes.length).to.be.greaterThan(0);
    });
  }
});

// Mermaid from .tools (make mermaid): its own parser, with a DOM from jsdom for its sanitiser.
async function loadMermaid(): Promise<{ parse: (text: string) => Promise<unknown> }> {
  const root = process.env.MERMAID_DIR;
  if (!root) throw new Error("MERMAID_DIR is not set: run the tests through make (make test-semantics)");
  const require = createRequire(join(root, "package.json"));
  const { JSDOM } = (await import(pathToFileURL(require.resolve("jsdom")).href)) as { JSDOM: new (html: string) => { window: Window & typeof globalThis } };
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  const mermaid = (await import(pathToFileURL(require.resolve("mermaid")).href)) as { default: { parse: (text: string) => Promise<unknown> } };
  return mermaid.default;
}

describe("semantics: the route trees are valid Mermaid", function () {
  let mermaid: { parse: (text: string) => Promise<unknown> };
  before(async () => (mermaid = await loadMermaid()));

  it("rejects an unescaped quote in a label (the check can fail)", async () => {
    let error: unknown;
    await mermaid.parse('flowchart LR\n  route["service="a" or b"]').catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/Parse error/);
  });

  it("parses a tree whose matchers hold every character Mermaid treats as syntax", async () => {
    const awkward: RouteConfig = {
      receiver: 'root "r"',
      routes: [
        { receiver: "a<b>", matchers: ['team=~"a|b|[c]{2}"', 'x!="#1; & `y`"'], continue: true },
        { receiver: "c", match: { service: 'say "hi" -->|1| (end)' }, routes: [{ receiver: "d", match_re: { env: "prod.*" }, mute_time_intervals: ["nights"] }] },
      ],
    };
    const text = routeFlowchart(awkward);
    await mermaid.parse(text);
    expect(text).to.not.match(/=\s*"critical"/);
  });

  for (const file of cases) {
    it(`${basename(file)}: its route tree parses`, async () => {
      const explanation = explainRender(profileName(file), await rendered(file));
      if (explanation.flowchart === undefined) return;
      const result = (await mermaid.parse(explanation.flowchart)) as { diagramType?: string };
      expect(result.diagramType).to.match(/^flowchart/);
    });
  }
});

describe("semantics: promstack explain on bad input", () => {
  it("a missing profile: exit 1 naming the file", () => {
    const result = promstack(["explain", join(repoRoot, "no-such-profile.yaml")]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("no-such-profile.yaml: no such file");
    expect(result.stdout).to.equal("");
  });

  it("an invalid profile: exit 1 with validate's file:line:col message, nothing printed", () => {
    const result = promstack(["explain", join(fixturesDir, "broken", "several-problems.yaml")]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/several-problems\.yaml:2:9: prometheus\.mode: /);
    expect(result.stdout).to.not.contain("# Profile");
  });

  it("no helm: exit 1 saying explain needs helm, and no page written", () => {
    const out = join(tmpdir(), `promstack-explain-nohelm-${process.pid}.md`);
    const result = run(process.execPath, [join(repoRoot, "bin", "promstack.js"), "explain", join(repoRoot, "values", "tavira.yaml"), "--output", out], { env: { PROMSTACK_HELM: "/nonexistent/helm" } });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("needs helm").and.contain("PROMSTACK_HELM=/nonexistent/helm");
    expect(existsSync(out)).to.equal(false);
  });

  it("--output with two profiles is a usage error (exit 2)", () => {
    const result = promstack(["explain", ...profileFiles().slice(0, 2), "--output", "x.md"]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.contain("--output takes one profile");
  });
});
