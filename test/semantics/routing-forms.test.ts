// amtool judges the Alertmanager forms validate accepts (every matcher form, one-sided
// inhibit rules, a default receiver removed with null, edge time intervals, templates) and
// the ones it refuses (each broken fixture validate rejects, helm renders, amtool refuses).
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { checkGoTemplate } from "../../generator/src/go-template.js";
import { alertmanagerTemplates } from "../../generator/src/go-template-dialects.js";
import { parseMatchers } from "../../generator/src/validate/matchers.js";
import { labelSetsFromConfig, routesTestArgs } from "../helpers/routing.js";
import { promstack, repoRoot, run, tools } from "../helpers/tools.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", name);

/** Renders a profile and writes its alertmanager.yml and templates into dir; returns the config path. */
function renderAlertmanager(profile: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const objects = parseObjects(helmTemplate([profile]));
  const data = (objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-alertmanager`) as unknown as { data: Record<string, string> }).data;
  for (const [file, content] of Object.entries(data)) writeFileSync(join(dir, file), content.split("/etc/alertmanager/config/").join(`${dir}/`));
  return join(dir, "alertmanager.yml");
}

describe("semantics: amtool accepts every Alertmanager form validate accepts", () => {
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "promstack-routing-forms-"));
    config = renderAlertmanager(fixture("routing-forms.yaml"), join(dir, "forms"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("validate reports nothing, not even a warning (the chart's default receiver is removed with null)", () => {
    const result = promstack(["validate", fixture("routing-forms.yaml")]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain("0 error(s), 0 warning(s)");
  });

  it("amtool check-config accepts the render, and the matchers are kept as written", () => {
    const result = run(tools.amtool, ["check-config", config]);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain("3 inhibit rules");
    const rendered = parse(run("cat", [config]).stdout) as { route: { routes: Array<{ matchers: string[] }> }; receivers: Array<{ name: string }>; inhibit_rules: object[] };
    expect(rendered.route.routes[3]!.matchers).to.deep.equal(['msg="say \\"hi\\""']);
    expect(rendered.receivers.map((r) => r.name)).not.to.include("default");
    expect(rendered.inhibit_rules[1]).to.deep.equal({ target_matchers: ['{team="db", severity="info"}'], equal: ["cluster"] });
    expect((rendered.route as { labels?: object }).labels).to.deep.equal({ reason: "{{ .GroupLabels.alertname }}", description: '{{ .GroupLabels.alertname }} firing ({{ routeLabels "reason" }})' });
  });

  const routes: Array<[string[], string]> = [
    [['"service.name"="api"'], "api"],
    [["team=db", "env=prod", "severity=page"], "db,db-pager"],
    [["team=db", "env=dev", "severity=critical"], "db-pager"],
    [['msg="say \\"hi\\""'], "quoted"],
    [["team=webshop", "zone=us-1"], "web"],
    [["team=webshop", "zone=eu-1"], "fallback"],
    [['"ü.label"="YES"'], "utf8"],
  ];
  for (const [labels, receivers] of routes) {
    it(`amtool config routes test: ${labels.join(" ")} → ${receivers}`, () => {
      const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, `--verify.receivers=${receivers}`, ...labels]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    });
  }

  it("labelSetsFromConfig reaches every receiver of the routing tree", () => {
    const sets = labelSetsFromConfig(run("cat", [config]).stdout);
    const reached = new Set<string>();
    for (const labels of sets) {
      const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${config}`, ...routesTestArgs(labels)]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      for (const receiver of result.stdout.trim().split(",")) reached.add(receiver);
    }
    expect([...reached].sort()).to.deep.equal(["api", "db", "db-pager", "fallback", "quoted", "utf8", "web"]);
  });
});

// One defect per profile: validate must refuse it, and amtool must refuse the same render
// (made with Helm's schema check skipped, since it would refuse schema errors first).
const am = (yaml: string) => `alertmanager:\n${yaml.replace(/^/gm, "  ")}\n`;
const route = (extra: string) => am(`route:\n  receiver: default\n${extra.replace(/^/gm, "  ")}`);
const child = (extra: string) => route(`routes:\n  - receiver: default\n${extra.replace(/^/gm, "    ")}`);
const interval = (spec: string) => am(`timeIntervals:\n  t:\n    - ${spec}`);
const refused: Array<{ name: string; profile: string; validate: string; amtool: string }> = [
  { name: "root route with matchers", profile: route("matchers: [a=b]"), validate: "the root route must not have matchers", amtool: "root route must not have any matchers" },
  { name: "root route with continue", profile: route("continue: true"), validate: "the root route cannot have continue", amtool: "cannot have continue in root route" },
  { name: "root route with mute intervals", profile: am("route:\n  receiver: default\n  muteTimeIntervals: [t]\ntimeIntervals: {t: [{weekdays: [monday]}]}"), validate: "the root route must not have muteTimeIntervals", amtool: "root route must not have any mute time intervals" },
  { name: "root route with active intervals", profile: am("route:\n  receiver: default\n  activeTimeIntervals: [t]\ntimeIntervals: {t: [{weekdays: [monday]}]}"), validate: "the root route must not have activeTimeIntervals", amtool: "root route must not have any active time intervals" },
  { name: "repeatInterval 0ms", profile: route("repeatInterval: 0ms"), validate: "repeatInterval must be greater than zero", amtool: "repeat_interval cannot be zero" },
  { name: "groupInterval 0s", profile: child("groupInterval: 0s"), validate: "groupInterval must be greater than zero", amtool: "group_interval cannot be zero" },
  { name: "groupBy twice", profile: child("groupBy: [a, a]"), validate: 'label "a" is listed twice in groupBy', amtool: 'duplicated label "a" in group_by' },
  { name: "groupBy ... with labels", profile: child('groupBy: ["...", a]'), validate: 'groupBy cannot mix "..."', amtool: "cannot have wildcard group_by" },
  { name: "time of day 24:30", profile: interval('times: [{start: "22:00", end: "24:30"}]'), validate: '"24:30" is not a valid TimeOfDay', amtool: "couldn't parse timestamp 24:30" },
  { name: "weekdays out of order", profile: interval('weekdays: ["friday:monday"]'), validate: "the start day comes after the end day", amtool: "start day cannot be before end day" },
  { name: "day of month 0", profile: interval('daysOfMonth: ["0"]'), validate: "0 is not a day of the month", amtool: "0 is not a valid day of the month" },
  { name: "day of month 32", profile: interval('daysOfMonth: ["1:32"]'), validate: "32 is not a day of the month", amtool: "32 is not a valid day of the month" },
  { name: "days of month from the end to the start", profile: interval('daysOfMonth: ["-1:5"]'), validate: "must also end counting from the end", amtool: "end day must be negative if start day is negative" },
  { name: "days of month always reversed", profile: interval('daysOfMonth: ["20:10"]'), validate: "the end day is always before the start day", amtool: "end day 10 is always before start day 20" },
  { name: "month name unknown", profile: interval('months: ["janury"]'), validate: "janury is not a month (january to december, or 1 to 12)", amtool: "janury is not a valid month" },
  { name: "months out of order", profile: interval('months: ["december:january"]'), validate: "the end month is before the start month", amtool: "end month january is before start month december" },
  { name: "weekday name unknown", profile: interval('weekdays: ["Monday:frday"]'), validate: "frday is not a weekday (monday to sunday)", amtool: "frday is not a valid weekday" },
  { name: "years out of order", profile: interval('years: ["2026:2025"]'), validate: "the end year is before the start year", amtool: "end year 2025 is before start year 2026" },
  { name: "unknown time zone", profile: interval("location: Mars/Olympus"), validate: 'unknown time zone "Mars/Olympus"', amtool: "unknown time zone Mars/Olympus" },
  { name: "time zone in the wrong case", profile: interval("location: europe/madrid"), validate: "zone names are case-sensitive", amtool: "unknown time zone europe/madrid" },
  { name: "regex that does not compile", profile: child("matchers: ['job=~\"(\"']"), validate: "does not compile: missing closing )", amtool: "missing closing )" },
  { name: "regex with a lookahead", profile: child("matchers: ['job=~\"x(?=y)\"']"), validate: "lookaround assertions are not supported", amtool: "invalid or unsupported Perl syntax" },
  { name: "matcher with a lone !", profile: child("matchers: ['severity!critical']"), validate: "'!' must be followed by '=' or '~'", amtool: "bad matcher format: severity!critical" },
  { name: "unterminated quote in an inhibit matcher", profile: am("inhibitRules:\n  - targetMatchers: ['team=\"db']"), validate: 'missing closing "', amtool: "unescaped double quote" },
  { name: "template calling lookup", profile: am('templates:\n  t.tmpl: \'{{ lookup "v1" "Secret" "ns" "x" }}\''), validate: 'function "lookup" not defined', amtool: 'function "lookup" not defined' },
  { name: "template with an unclosed action", profile: am("templates:\n  t.tmpl: '{{ .Status '"), validate: "unclosed action", amtool: "unclosed action" },
  { name: "template with a missing end", profile: am("templates:\n  t.tmpl: '{{ if .Status }}x'"), validate: "has no {{end}}", amtool: "unexpected EOF" },
];

describe("semantics: what validate refuses, amtool refuses", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-routing-refused-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  refused.forEach(({ name, profile, validate, amtool }, index) => {
    it(name, () => {
      const file = join(dir, `case-${index}.yaml`);
      writeFileSync(file, profile);
      const validated = promstack(["validate", file]);
      expect(validated.status, validated.stdout + validated.stderr).to.equal(1);
      expect(validated.stderr).to.contain(validate);
      const out = join(dir, `case-${index}`);
      mkdirSync(out);
      const objects = parseObjects(helmTemplate([file], ["--skip-schema-validation"]));
      const data = (objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-alertmanager`) as unknown as { data: Record<string, string> }).data;
      for (const [f, content] of Object.entries(data)) writeFileSync(join(out, f), content.split("/etc/alertmanager/config/").join(`${out}/`));
      const result = run(tools.amtool, ["check-config", join(out, "alertmanager.yml")]);
      expect(result.status, result.stdout).to.not.equal(0);
      expect(result.stdout + result.stderr).to.contain(amtool);
    });
  });

  it("time zones: amtool loads the ones validate accepts and refuses the others", () => {
    const zones: Array<[string, boolean]> = [["Mars/Olympus", false], ["europe/madrid", false], ["+01:00", false], ["Europe/Madrid", true], ["US/Eastern", true], ["Etc/GMT+5", true], ["Local", true]];
    for (const [zone, loads] of zones) {
      const file = join(dir, "zone.yml");
      writeFileSync(file, JSON.stringify({ route: { receiver: "a" }, receivers: [{ name: "a" }], time_intervals: [{ name: "t", time_intervals: [{ location: zone }] }] }));
      expect(run(tools.amtool, ["check-config", file]).status === 0, zone).to.equal(loads);
    }
  });
});

// validate's own parsers against amtool on tricky inputs: each must agree on accept/refuse.
const matcherInputs: string[] = [`severity="critical"`, `foo=bar`, `{a="b",c="d"}`, `a=b, c=~"x|y"`, `"foo.bar"="x"`, `a="say \\"hi\\""`, `foo=bar baz`, `a==b`, `a=~"("`, `{a=b`, `a=b}`, ``, `{}`, `a=b,`, `a="x`, `a='x'`, `a!b`, `foo = "bar"`, `team=~db|infra`, `a=~"\\d+"`, `a="\\z"`, `a=~"(?i)x"`, `a=~"x(?=y)"`, `a=~"\\1"`, `a=~"a**"`, `a=~"[z-a]"`, `a=~"x{2,1}"`, `a=~"(?P<n>x)"`, `a=~"[[:alpha:]]+"`, `a=~"\\pL"`, `a=~"x{1001}"`, `,a=b`, `a=b,,c=d`, `{a=b}}`, `{{a=b}`, `"a"=b`, `a="\\u00e9"`, `a="\\xff"`, `a="\\x41"`, `ü=x`, `a.b=c`, `a-b=c`, `a=~"*"`, `a=~")"`, `a=~"\\Z"`, `a=~"\\Qa.b\\E"`, `a=~"(?s:.)"`, `a=~"(?x)a"`, `a=~"\\C"`, `a=~"x|*"`, `a=~"^*"`, `a=~"\\b+"`, `a="b" c="d"`, `a=b c`, `a =~ "x"`, `a!~x`, `a=~"[]a]"`, `a=~"[^]a]"`, `a=~"[a-]"`, `a=~"\\8"`, `a=~"\\0"`, `a=~"\\12"`, `a=~"(?i:x)+"`, `a=~"(?i)+"`, `a=~"x{,2}"`, `a=~"x{2}{3}"`, `a=~"(?<n>x)"`, `a=~"\\x{110000}"`, `a=~"[\\d-z]"`, `a="\\'"`, `a=\`x\``, `a=~"(?:x|y)+"`, `a=~"\\p{Foo}"`, `a=~"(x{500}){3}"`, `a=~"(?P<n>x)(?P<n>y)"`, `a=~"\\_"`, `a=~"[a-\\d]"`];
const templateInputs: string[] = [`{{ lookup "x" }}`, `{{ .x }}`, `{{ if .x }}a{{ else if .y }}b{{ end }}`, `{{ with .x }}{{ else with .y }}{{ end }}`, `{{ range .x }}{{ else if .y }}{{ end }}`, `{{ $x := 1 }}{{ $x = 2 }}{{ $x }}`, `{{ $x = 2 }}`, `{{ if $x := .a }}{{ else }}{{ $x }}{{ end }}`, `{{ if .a }}{{ $y := 1 }}{{ end }}{{ $y }}`, `{{ define "a" }}{{ $z := 1 }}{{ end }}{{ $z }}`, `{{ 3 }}`, `{{ -3 }}`, `{{- 3 -}}`, `{{ 0x1F }}`, `{{ 1e3 }}`, `{{ 3abc }}`, `{{ 'a' }}`, `{{ "a\\qb" }}`, `{{ \`raw
multi\` }}`, `{{ .a.b.c }}`, `{{ (.a).b }}`, `{{ $.a }}`, `{{ nil }}`, `{{ true | not }}`, `{{ template "x" }}`, `{{ template x }}`, `{{ block "b" . }}x{{ end }}`, `{{ break }}`, `{{ range . }}{{ continue }}{{ end }}`, `{{ end }}`, `{{ else }}`, `{{/* a */}}`, `{{ /* a */ }}`, `{{/* a */ -}}`, `{{- /* a */}}`, `{{/* a */ }}`, `{{ .a | }}`, `{{ | .a }}`, `{{ ( }}`, `{{ ) }}`, `{{ index .a "x" | printf "%s" | toUpper }}`, `{{ .a
}}`, `{{ dict "a" 1 | toJson }}`, `{{ slice .a 1 2 }}`, `{{ call .f }}`, `{{ $ }}`, `{{ $a.b }}`, `{{ range $i, $e := . }}{{ $i }}{{ end }}`, `{{ range $e := . }}{{ end }}`, `{{ with $x := 1 }}{{ $x }}{{ end }}`, `{{ .a := 1 }}`, `{{ 1 2 }}`, `{{ "x" .a }}`, `{{ if }}{{ end }}`, `{{ define "a" }}{{ end }}{{ define "a" }}{{ end }}`, `{{ define "a" }}{{ define "b" }}{{ end }}{{ end }}`, `{{ .A.b-c }}`, `{{ .a.1 }}`, `{{ $x := .a | }}`, `{{ eq .a "b" "c" }}`, `{{ .a.b
| x }}`, `{{ "a\\\\b" }}`, `{{ "a\\\\\\qb" }}`, `{{ "\\x41\\u00e9" }}`, `{{ printf "%s\\n" .a }}`, `{{ 0x1p-2 }}`, `{{ join(.a) }}`, `{{ if .a }}a{{ else }}b{{ else }}c{{ end }}`, `{{ 'ab' }}`, `{{ range . }}{{ else }}{{ break }}{{ end }}`];

describe("semantics: validate's matcher and template parsers agree with amtool", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-parsers-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const amtoolAccepts = (config: object) => {
    writeFileSync(join(dir, "c.yml"), JSON.stringify(config));
    return run(tools.amtool, ["check-config", join(dir, "c.yml")]).status === 0;
  };

  it(`${matcherInputs.length} matcher strings`, () => {
    const disagreements = matcherInputs.filter((text) => parseMatchers(text).ok !== amtoolAccepts({ route: { receiver: "a", routes: [{ receiver: "a", matchers: [text] }] }, receivers: [{ name: "a" }] }));
    expect(disagreements).to.deep.equal([]);
  });

  it(`${templateInputs.length} notification templates`, () => {
    const disagreements = templateInputs.filter((text) => {
      writeFileSync(join(dir, "t.tmpl"), text);
      return (checkGoTemplate(text, alertmanagerTemplates) === undefined) !== amtoolAccepts({ route: { receiver: "a" }, receivers: [{ name: "a" }], templates: [join(dir, "*.tmpl")] });
    });
    expect(disagreements).to.deep.equal([]);
  });
});
