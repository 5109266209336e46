// The notification templates the chart ships, rendered by amtool (Alertmanager's own template
// engine, at the deployed version) for a firing alert: the texts a person receives.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { repoRoot, run, tools } from "../helpers/tools.js";

const alert = {
  status: "firing",
  labels: { alertname: "NodeDown", severity: "critical", instance: "node-1:9100" },
  annotations: { summary: "Node exporter on node-1:9100 is unreachable", description: "The node or its exporter is down.", runbook_url: "https://runbooks.example/node/NodeDown.md" },
  startsAt: "2026-11-21T10:00:00Z",
  endsAt: "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus/graph",
  fingerprint: "1",
};
const data = {
  receiver: "critical",
  status: "firing",
  alerts: [alert],
  groupLabels: { alertname: "NodeDown" },
  commonLabels: alert.labels,
  commonAnnotations: alert.annotations,
  externalURL: "https://alertmanager.example",
};

describe("semantics: notification templates rendered by amtool", () => {
  let dir: string;
  const render = (text: string, type = "text") => {
    const result = run(tools.amtool, ["template", "render", `--template.glob=${join(dir, "*.tmpl")}`, `--template.data=${join(dir, "data.json")}`, `--template.type=${type}`, `--template.text=${text}`]);
    expect(result.status, result.stderr).to.equal(0);
    return result.stdout;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-templates-"));
    const objects = parseObjects(helmTemplate([]));
    writeFileSync(join(dir, "promstack.tmpl"), configMapData(objects, `${RELEASE}-alertmanager`, "promstack.tmpl"));
    writeFileSync(join(dir, "data.json"), JSON.stringify(data));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the chart ships promstack.tmpl byte for byte: Helm never touched its {{ }}", () => {
    const shipped = readFileSync(join(dir, "promstack.tmpl"), "utf8").trimEnd();
    const source = readFileSync(join(repoRoot, "generator", "assets", "charts", "alertmanager", "files", "promstack.tmpl"), "utf8").trimEnd();
    expect(shipped.endsWith(source)).to.equal(true);
  });

  it("email subject and HTML body", () => {
    expect(render('{{ template "promstack.email.subject" . }}').trim()).to.equal("[FIRING:1] NodeDown (critical)");
    const html = render('{{ template "promstack.email.html" . }}', "html");
    expect(html).to.contain("<h2>[FIRING:1] NodeDown (critical)</h2>");
    expect(html).to.contain("<strong>Node exporter on node-1:9100 is unreachable</strong><br>The node or its exporter is down.");
    expect(html).to.contain('<a href="https://runbooks.example/node/NodeDown.md">Runbook</a>');
  });

  it("Slack title, colour and text", () => {
    expect(render('{{ template "promstack.slack.title" . }}').trim()).to.equal("[FIRING:1] NodeDown (critical)");
    expect(render('{{ template "promstack.slack.color" . }}').trim()).to.equal("danger");
    expect(render('{{ template "promstack.slack.text" . }}')).to.contain("*Node exporter on node-1:9100 is unreachable*\nThe node or its exporter is down.\nRunbook: https://runbooks.example/node/NodeDown.md");
  });

  it("PagerDuty summary and severity", () => {
    expect(render('{{ template "promstack.pagerduty.description" . }}').trim()).to.equal("[FIRING:1] NodeDown (critical): Node exporter on node-1:9100 is unreachable");
    expect(render('{{ template "promstack.pagerduty.severity" . }}').trim()).to.equal("critical");
  });

  it("Discord and Teams texts", () => {
    expect(render('{{ template "promstack.discord.message" . }}')).to.contain("Node exporter on node-1:9100 is unreachable");
    expect(render('{{ template "promstack.msteams.text" . }}')).to.contain("**Node exporter on node-1:9100 is unreachable**: The node or its exporter is down.");
  });

  it("amtool refuses a template that does not exist (the render can fail)", () => {
    const result = run(tools.amtool, ["template", "render", `--template.glob=${join(dir, "*.tmpl")}`, `--template.text={{ template "promstack.nope" . }}`]);
    expect(result.status).to.not.equal(0);
  });
});
