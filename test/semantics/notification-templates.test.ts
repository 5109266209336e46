// Notification texts, judged by Alertmanager's own template engine: every text a rendered
// receiver sends (Slack title and text, email subject and bodies, PagerDuty description ...)
// is executed by `amtool template render`, for a firing alert, against the template files the
// chart ships next to alertmanager.yml (promstack.tmpl and a profile's alertmanager.templates).
// A text that calls a template nobody defines, or a template that does not execute, fails
// here rather than at the first real notification.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { find, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { profileFiles, repoRoot, run, tools } from "../helpers/tools.js";

const cases = [...profileFiles(), join(repoRoot, "test", "fixtures", "all-enabled.yaml")];

/** A notification about one firing alert, as Alertmanager hands it to the templates. */
function notification(labels: Record<string, string>, annotations: Record<string, string>) {
  const alert = { status: "firing", labels, annotations, startsAt: "2026-11-21T10:00:00Z", endsAt: "0001-01-01T00:00:00Z", generatorURL: "https://prometheus.example/graph?g0.expr=up", fingerprint: "1" };
  return { receiver: "critical", status: "firing", alerts: [alert], groupLabels: { alertname: labels.alertname }, commonLabels: labels, commonAnnotations: annotations, externalURL: "https://alertmanager.example" };
}

const genericAlert = notification(
  { alertname: "NodeDown", severity: "critical", instance: "node-1:9100", namespace: "monitoring" },
  { summary: "Node exporter on node-1:9100 is unreachable", description: "The node or its exporter is down.", runbook_url: "https://runbooks.example/node/NodeDown.md" },
);

/** Every string in a receiver's integration configs that holds an Alertmanager template, with where it is. */
function templatedTexts(receivers: Array<Record<string, unknown>>): Array<{ text: string; where: string; field: string }> {
  const texts: Array<{ text: string; where: string; field: string }> = [];
  const visit = (value: unknown, where: string, field: string): void => {
    if (typeof value === "string" && value.includes("{{")) texts.push({ text: value, where, field });
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${where}[${index}]`, field));
    else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`, key);
  };
  for (const receiver of receivers) visit(receiver, `receivers.${String(receiver.name)}`, "");
  return texts;
}

interface NotificationFiles {
  receivers: Array<Record<string, unknown>>;
  dir: string;
}

/** The rendered alertmanager.yml's receivers and the shipped template files, written to a folder. */
function renderedNotificationFiles(file: string, dir: string): NotificationFiles {
  const configMap = find(parseObjects(helmTemplate([file])), "ConfigMap", `${RELEASE}-alertmanager`) as unknown as { data: Record<string, string> };
  mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(configMap.data).filter((key) => key.endsWith(".tmpl"))) writeFileSync(join(dir, name), configMap.data[name]!);
  const config = parse(configMap.data["alertmanager.yml"]!) as { receivers?: Array<Record<string, unknown>>; templates?: string[] };
  expect(config.templates, "alertmanager.yml loads the shipped template files").to.deep.equal(["/etc/alertmanager/config/*.tmpl"]);
  return { receivers: config.receivers ?? [], dir };
}

/** Renders a text as Alertmanager would: HTML bodies with html/template's escaping, the rest as text. */
function render(files: NotificationFiles, text: string, field: string, data: object) {
  const dataFile = join(files.dir, "data.json");
  writeFileSync(dataFile, JSON.stringify(data));
  const type = field === "html" ? "html" : "text";
  return run(tools.amtool, ["template", "render", `--template.glob=${join(files.dir, "*.tmpl")}`, `--template.data=${dataFile}`, `--template.type=${type}`, `--template.text=${text}`]);
}

describe("semantics: every notification text executes (amtool template render)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-notifications-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of cases) {
    const name = basename(file, ".yaml");
    it(`${name}: each receiver text renders with the shipped templates`, function () {
      this.timeout(120_000);
      const files = renderedNotificationFiles(file, join(dir, name));
      const seen = new Set<string>();
      for (const { text, where, field } of templatedTexts(files.receivers)) {
        if (seen.has(`${field}\n${text}`)) continue;
        seen.add(`${field}\n${text}`);
        const result = render(files, text, field, genericAlert);
        expect(result.status, `${where}: ${text}\n${result.stderr}`).to.equal(0);
        expect(result.stdout.trim(), `${where}: ${text} renders to something`).to.not.equal("");
      }
    });
  }

  it("a text that calls an undefined template fails (the check can fail)", () => {
    const files = renderedNotificationFiles(join(repoRoot, "values", "jobpilot.yaml"), join(dir, "negative"));
    const result = render(files, '{{ template "jobpilot.slack.no-such-template" . }}', "text", genericAlert);
    expect(result.status).to.not.equal(0);
    expect(result.stdout + result.stderr).to.contain("no-such-template");
  });
});

// "templates/slack.tmpl: Rich formatting with color coding", "email.tmpl: HTML email templates,
// Responsive design with severity colors, Action buttons for quick access", "pagerduty.tmpl:
// Detailed alert context": what the JobPilot on-call receives for a critical database alert.
describe("semantics: jobpilot's own notification templates (a critical PostgresDown)", () => {
  let dir: string;
  let files: NotificationFiles;
  let critical: Record<string, Array<Record<string, string>>>;
  const postgresDown = notification(
    { alertname: "PostgresDown", severity: "critical", category: "database", namespace: "jobpilot", instance: "db:9187", cluster: "jobpilot" },
    { summary: "PostgreSQL unavailable: db:9187 is down", description: "postgres-exporter cannot connect to the database at db:9187.", runbook_url: "https://runbooks.example/database/PostgresDown.md" },
  );
  const text = (kind: string, field: string, index = 0) => {
    const template = critical[kind]![index]![field]!;
    const result = render(files, template, field, postgresDown);
    expect(result.status, result.stderr).to.equal(0);
    return result.stdout;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-jobpilot-notifications-"));
    files = renderedNotificationFiles(join(repoRoot, "values", "jobpilot.yaml"), dir);
    critical = files.receivers.find((r) => r.name === "critical") as unknown as typeof critical;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("Slack: red for critical, a title with the alert and a block with its context and action links", () => {
    expect(text("slack_configs", "color").trim()).to.equal("danger");
    expect(text("slack_configs", "title").trim()).to.equal(":rotating_light: [FIRING:1] PostgresDown");
    const body = text("slack_configs", "text");
    expect(body).to.contain("*PostgreSQL unavailable: db:9187 is down*\npostgres-exporter cannot connect to the database at db:9187.");
    expect(body).to.contain("*Severity:* `critical`  *Area:* `database`  *Namespace:* `jobpilot`  *Instance:* `db:9187`");
    expect(body).to.contain("<https://runbooks.example/database/PostgresDown.md|Runbook>");
    expect(body).to.contain("<https://alertmanager.example/#/silences/new?filter=%7Balertname%3D%22PostgresDown%22%7D|Silence>");
  });

  it("email: subject, a header in the severity's colour, action buttons, and a plain-text part", () => {
    const subject = (critical.email_configs![0] as unknown as { headers: Record<string, string> }).headers.Subject!;
    expect(render(files, subject, "text", postgresDown).stdout.trim()).to.equal("[JobPilot FIRING:1] PostgresDown (critical)");
    const html = text("email_configs", "html");
    expect(html).to.contain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).to.contain('<div class="header" style="background: #c62828">[JobPilot FIRING:1] PostgresDown (critical)</div>');
    expect(html).to.contain('<a class="button" style="background: #0052cc" href="https://runbooks.example/database/PostgresDown.md">Open runbook</a>');
    expect(html).to.contain(">Silence</a>");
    expect(text("email_configs", "text")).to.contain("[FIRING] PostgreSQL unavailable: db:9187 is down\npostgres-exporter cannot connect to the database at db:9187.");
  });

  it("PagerDuty: severity and a description with the alert's context", () => {
    expect(text("pagerduty_configs", "severity").trim()).to.equal("critical");
    expect(text("pagerduty_configs", "description").trim()).to.equal("[CRITICAL] database: PostgresDown in jobpilot – PostgreSQL unavailable: db:9187 is down");
  });
});
