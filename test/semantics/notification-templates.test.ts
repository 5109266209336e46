// Notification texts, judged by Alertmanager's own template engine: every text a rendered
// receiver sends (Slack title and text, email subject and bodies, PagerDuty description ...)
// is executed by `amtool template render` against the template files the chart ships next to
// alertmanager.yml (promstack.tmpl and a profile's alertmanager.templates). A text that calls
// a template nobody defines, or a template that does not parse or execute, fails here rather
// than at the first real notification.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { find, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { profileFiles, repoRoot, run, tools } from "../helpers/tools.js";

const cases = [...profileFiles(), join(repoRoot, "test", "fixtures", "all-enabled.yaml")];

/** Every string in a receiver's integration configs that holds an Alertmanager template. */
function templatedTexts(receivers: Array<Record<string, unknown>>): Map<string, string> {
  const texts = new Map<string, string>();
  const visit = (value: unknown, where: string): void => {
    if (typeof value === "string" && value.includes("{{")) texts.set(value, where);
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${where}[${index}]`));
    else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`);
  };
  for (const receiver of receivers) visit(receiver, `receivers.${String(receiver.name)}`);
  return texts;
}

/** The rendered alertmanager.yml and template files of a profile, written to a folder. */
function renderedNotificationFiles(file: string, dir: string): { receivers: Array<Record<string, unknown>>; glob: string } {
  const configMap = find(parseObjects(helmTemplate([file])), "ConfigMap", `${RELEASE}-alertmanager`) as unknown as { data: Record<string, string> };
  mkdirSync(dir, { recursive: true });
  const templates = Object.keys(configMap.data).filter((key) => key.endsWith(".tmpl"));
  for (const name of templates) writeFileSync(join(dir, name), configMap.data[name]!);
  const config = parse(configMap.data["alertmanager.yml"]!) as { receivers?: Array<Record<string, unknown>>; templates?: string[] };
  expect(config.templates, "alertmanager.yml loads the shipped template files").to.deep.equal(["/etc/alertmanager/config/*.tmpl"]);
  return { receivers: config.receivers ?? [], glob: join(dir, "*.tmpl") };
}

function renderTemplate(glob: string, text: string) {
  return run(tools.amtool, ["template", "render", `--template.glob=${glob}`, `--template.text=${text}`]);
}

describe("semantics: every notification text executes (amtool template render)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-templates-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of cases) {
    const name = basename(file, ".yaml");
    it(`${name}: each receiver text renders with the shipped templates`, function () {
      this.timeout(120_000);
      const { receivers, glob } = renderedNotificationFiles(file, join(dir, name));
      for (const [text, where] of templatedTexts(receivers)) {
        const result = renderTemplate(glob, text);
        expect(result.status, `${where}: ${text}\n${result.stderr}`).to.equal(0);
        expect(result.stderr, `${where}: ${text}`).to.equal("");
      }
    });
  }

  it("a text that calls an undefined template fails (the check can fail)", () => {
    const { glob } = renderedNotificationFiles(join(repoRoot, "values", "jobpilot.yaml"), join(dir, "negative"));
    const result = renderTemplate(glob, '{{ template "jobpilot.slack.no-such-template" . }}');
    expect(result.status).to.not.equal(0);
    expect(result.stdout + result.stderr).to.contain("no-such-template");
  });
});
