// The schema layer: every profile satisfies the contract, and each broken profile is
// rejected with its own precise file:line:col message, by ajv (promstack validate) and by
// Helm's own values.schema.json check.
import { expect } from "chai";
import { basename, join } from "node:path";
import { chartDir, profileFiles, promstack, repoRoot, run, tools } from "../helpers/tools.js";

const broken = (name: string) => join(repoRoot, "test", "fixtures", "broken", name);

describe("schema: profiles", () => {
  for (const file of profileFiles()) {
    it(`${basename(file)} passes promstack validate`, () => {
      const result = promstack(["validate", file]);
      expect(result.stderr, result.stderr).to.equal("");
      expect(result.status).to.equal(0);
    });
  }
});

// Each case: the fixture, then the exact location and the message the user must see.
const cases: Array<{ fixture: string; expected: string[] }> = [
  { fixture: "wrong-type.yaml", expected: ['2:13: prometheus.replicas: must be integer, got string "two"'] },
  { fixture: "unknown-key.yaml", expected: ['2:3: alertmanager.relicas: unknown key "relicas"; did you mean "replicas"?'] },
  { fixture: "bad-duration.yaml", expected: ['3:23: prometheus.evaluationInterval: "5 min" is not a valid Duration'] },
  { fixture: "missing-required.yaml", expected: ['3:5: alert-receiver.tokenSecret: missing required key "key"'] },
  {
    fixture: "syntax-error.yaml",
    expected: ["2:13: (root): YAML syntax: Nested mappings are not allowed in compact mappings", "2:13: (root): YAML syntax: Implicit keys need to be on a single line"],
  },
  {
    fixture: "missing-receiver.yaml",
    expected: ['6:19: alertmanager.route.routes[0].receiver: route names receiver "pagerduty", which is not defined in alertmanager.receivers (defined: default)'],
  },
  {
    fixture: "wrong-architecture.yaml",
    expected: ["5:5: exporters.kubeStateMetrics.image: example.org/kube-state-metrics:v2.17.0-custom is not published for arm (platforms: linux/amd64)"],
  },
  { fixture: "ingress-without-host.yaml", expected: ['3:5: alertmanager.ingress: missing required key "host"'] },
  {
    fixture: "grafana-without-prometheus.yaml",
    expected: ["5:3: grafana.datasources.prometheus.url: prometheus.mode is operator, so this release runs no Prometheus for Grafana to query"],
  },
  {
    fixture: "grafana-dashboard-json.yaml",
    expected: [
      `10:11: grafana.userDashboards.mine.json: dashboard "mine" is not JSON: Expected ',' or '}' after property value in JSON at position ${'{\n  "title": "Mine"\n  '.length}`,
      '13:13: grafana.userDashboards.wrapped.json: dashboard "wrapped" is JSON but not a Grafana dashboard: it lacks a title and panels or rows',
    ],
  },
  {
    fixture: "root-route-narrowed.yaml",
    expected: [
      "4:5: alertmanager.route.matchers: the root route must not have matchers: every alert enters it (put matchers on a child route in routes)",
      "5:5: alertmanager.route.continue: the root route cannot have continue: it has no siblings",
      "6:5: alertmanager.route.muteTimeIntervals: the root route must not have muteTimeIntervals: set them on child routes",
    ],
  },
  {
    fixture: "route-timing-zero.yaml",
    expected: [
      "4:21: alertmanager.route.repeatInterval: repeatInterval must be greater than zero (Alertmanager refuses 0ms)",
      "7:24: alertmanager.route.routes[0].groupInterval: groupInterval must be greater than zero (Alertmanager refuses 0s)",
      '8:39: alertmanager.route.routes[0].groupBy[2]: label "alertname" is listed twice in groupBy',
      '10:18: alertmanager.route.routes[1].groupBy: groupBy cannot mix "..." (group by all labels) with label names',
    ],
  },
  {
    fixture: "kubernetes-labels.yaml",
    expected: [
      `6:18: exporters.rabbitmq.podLabels._f3x: invalid key "_f3x": not a Kubernetes label name (an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`,
      `9:11: global.commonLabels.team: "-bad-" is not a valid KubernetesLabelValue: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    ],
  },
  {
    fixture: "object-names.yaml",
    expected: [
      `4:22: global.imagePullSecrets[0]: "{{ $value" is not a valid ImagePullSecret: a Secret name`,
      `7:19: prometheus.persistence.storageClass: "a b" is not a valid Object name`,
      `9:24: prometheus.scheduling.priorityClassName: "Big" is not a valid Object name`,
      `12:16: exporters.nodeExporter.namespace: "{{ $value" is not a valid Namespace name`,
    ],
  },
  { fixture: "time-of-day-out-of-range.yaml", expected: ['4:40: alertmanager.timeIntervals.late[0].times[0].end: "24:30" is not a valid TimeOfDay: HH:MM from 00:00 to 24:00 (24:00 is the end of the day)'] },
  {
    fixture: "time-interval-ranges.yaml",
    expected: [
      '4:20: alertmanager.timeIntervals.odd[0].weekdays[0]: time interval "odd": friday:monday: the start day comes after the end day (weeks run sunday to saturday; split it, e.g. saturday and sunday)',
      '5:23: alertmanager.timeIntervals.odd[0].daysOfMonth[0]: time interval "odd": 0: 0 is not a day of the month (1 to 31, or -31 to -1 counting from the end)',
      '5:28: alertmanager.timeIntervals.odd[0].daysOfMonth[1]: time interval "odd": -1:5: a range that starts counting from the end must also end counting from the end',
      '6:18: alertmanager.timeIntervals.odd[0].months[0]: time interval "odd": 13: 13 is not a month (1 to 12)',
      '6:24: alertmanager.timeIntervals.odd[0].months[1]: time interval "odd": december:january: the end month is before the start month (split ranges that cross the new year)',
      '7:17: alertmanager.timeIntervals.odd[0].years[0]: time interval "odd": 2026:2025: the end year is before the start year',
      '8:19: alertmanager.timeIntervals.odd[1].location: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Madrid, or UTC)',
      '9:19: alertmanager.timeIntervals.odd[2].location: unknown time zone "europe/madrid": zone names are case-sensitive; did you mean "Europe/Madrid"?',
    ],
  },
  {
    fixture: "bad-matchers.yaml",
    expected: [
      '5:26: alertmanager.route.routes[0].matchers[0]: invalid matcher "job=~\\"(\\"" at column 6: regular expression "(" does not compile: missing closing ): `(`',
      '5:38: alertmanager.route.routes[0].matchers[1]: invalid matcher "team=\\"db" at column 6: "db: missing closing "',
      "7:34: alertmanager.inhibitRules[0].sourceMatchers[0]: invalid matcher \"severity!critical\" at column 10: '!' must be followed by '=' or '~', not 'c'",
      '8:58: alertmanager.inhibitRules[0].targetMatchers[1]: invalid matcher "instance=~\\"x(?=y)\\"" at column 11: regular expression "x(?=y)" does not compile: invalid or unsupported Perl syntax: `(?=` (lookaround assertions are not supported)',
    ],
  },
  {
    fixture: "template-unknown-function.yaml",
    expected: [
      '5:24: alertmanager.route.labels.reason: route label "reason" is a template Alertmanager cannot render (1:9: function "lookup" not defined in Alertmanager 0.34.2 templates)',
      '10:12: alertmanager.templates["team.tmpl"]: template team.tmpl:3:6: function "lookup" not defined in Alertmanager 0.34.2 templates',
      '12:18: alertmanager.templates["other.tmpl"]: template other.tmpl:1:1: unclosed action (no closing }})',
    ],
  },
  {
    fixture: "native-rules.yaml",
    expected: [
      '7:15: rules["team.web"].rules[1].expr: invalid PromQL at 1:21: unexpected end of expression in: avg(up{job="web"}) <',
      '8:19: rules["team.web"].rules[1].labels.__name__: __name__ is not a label a rule may set (Prometheus refuses the rule file); name a recorded series with record',
      '11:16: rules["team.web"].SiteDown.summary: the summary refers to ${for}, which the rule does not define (as for, threshold, selector, window or params; write $${ for a literal ${)',
      '12:19: rules["team.web"].SiteDown.runbookUrl: set either runbookUrl or annotations.runbook_url, not both: the annotation is rendered as written',
    ],
  },
  {
    fixture: "recording-rule-for.yaml",
    expected: ['4:9: rules["team.web"].rules[0]: {"record":"job:up:sum","expr":"sum by (job) (up)","for":"... must be exactly one of: an alerting rule (alert, without record) | a recording rule (record, without alert, for, keepFiringFor or annotations)'],
  },
  {
    fixture: "alert-receiver-path.yaml",
    expected: ["5:30: alertmanager.receivers.default.webhook[0].alertReceiverPath: the alert receiver serves no /webhook/critcal (its routes: /webhook, /webhook/critical, /webhook/batch-jobs, /webhook/infrastructure)"],
  },
  {
    fixture: "rule-from-missing.yaml",
    expected: ['4:13: rules.team-web.SiteHighCPU.from: group "node" has no alert HighCPUUsag'],
  },
  {
    fixture: "invalid-promql.yaml",
    expected: ["4:13: rules.node.HighTemperature.expr: invalid PromQL at 1:48: unexpected end of expression in: max by (instance) (node_hwmon_temp_celsius > 80 (from max by (instance) (node_hwmon_temp_celsius > ${threshold})"],
  },
  {
    fixture: "never-matching-interval.yaml",
    expected: [
      '4:17: alertmanager.timeIntervals.night[0].times[0]: time interval "night" never matches: its time range 22:00-06:00 is empty (start must be before end; split ranges that cross midnight)',
      '6:9: alertmanager.timeIntervals.leap-february[0]: time interval "leap-february" never matches: no calendar day satisfies its weekdays, daysOfMonth, months and years together',
      '13:53: alertmanager.route.routes[0].activeTimeIntervals[2]: route names time interval "weekend", which is not defined in alertmanager.timeIntervals (defined: night, leap-february)',
    ],
  },
  {
    fixture: "unknown-alert.yaml",
    expected: [
      '3:5: rules.node.HighTemprature: alert "HighTemprature" has no expr: it is not a built-in alert of group "node", so it needs an expression; did you mean "HighTemperature"?',
      "6:13: rules.node.HighCPUUsage.expr: the expression refers to ${windw}, which the rule does not define (as threshold, selector, window or params; write $${ for a literal ${)",
    ],
  },
  {
    fixture: "postgres-incomplete.yaml",
    expected: [
      "2:3: exporters.postgres.passwordSecret: exporters.postgres needs passwordSecret",
      "2:3: exporters.postgres.user: exporters.postgres needs user",
    ],
  },
  { fixture: "scrape-job-two-sources.yaml", expected: ['3:7: prometheus.scrapeJobs[0]: {"name":"both","kubernetes":{"role":"pod"},"static":{"tar... must set only one of: a "kubernetes" key | a "static" key'] },
  {
    fixture: "scrape-jobs.yaml",
    expected: [
      "4:39: prometheus.scrapeJobs[0].kubernetes.port: port does not apply to role node",
      '5:13: prometheus.scrapeJobs[1].name: scrape job "kubelets" is defined twice',
      '7:13: prometheus.scrapeJobs[2].name: scrape job name "grafana" is taken by the stack\'s own job of that name',
      "10:26: prometheus.scrapeJobs[2].bearerTokenSecret: set either basicAuth or bearerTokenSecret, not both",
    ],
  },
  { fixture: "blackbox-unknown-module.yaml", expected: ['5:30: exporters.blackbox.probes[0].module: probe "web" uses module "http_200", which exporters.blackbox.modules does not define (defined: http_2xx, tcp_connect)'] },
  { fixture: "node-exporter-port-blocked.yaml", expected: ["4:1: network-policies.nodeExporter.ports: Prometheus could not reach node-exporter: its port 9101 (exporters.nodeExporter.port) is not in network-policies.nodeExporter.ports (9100)"] },
  {
    fixture: "amd64-only-reloader.yaml",
    expected: ["6:5: prometheus.configReloader.image: example.org/prometheus-config-reloader:v0.87.1-amd64 is not published for arm (platforms: linux/amd64)"],
  },
  {
    // Alertmanager's global keys written under Helm's global are pointed to globalConfig.
    fixture: "alertmanager-global-keys.yaml",
    expected: [
      '3:5: alertmanager.global.resolve_timeout: unknown key "resolve_timeout": alertmanager.global is Helm\'s global (values shared with every subchart), not Alertmanager\'s; Alertmanager\'s global section is alertmanager.globalConfig: write alertmanager.globalConfig.resolveTimeout',
      '4:5: alertmanager.global.slack_api_url_file: unknown key "slack_api_url_file": alertmanager.global is Helm\'s global (values shared with every subchart), not Alertmanager\'s; Alertmanager\'s global section is alertmanager.globalConfig: write alertmanager.globalConfig.slackApiUrlSecret',
      '6:5: alertmanager.global.clusterNmae: unknown key "clusterNmae": alertmanager.global is Helm\'s global and holds only architectures, imageRegistry, imagePullSecrets, commonLabels, clusterName; did you mean "clusterName"?',
    ],
  },
  {
    fixture: "receivers-incomplete.yaml",
    expected: [
      "3:5: alertmanager.smtp.smarthost: set twice: alertmanager.smtp.smarthost and alertmanager.globalConfig.smtpSmarthost are the same Alertmanager setting (smtp_smarthost); keep one",
      "8:15: alertmanager.receivers.default.slack[0]: slack config needs a Slack webhook URL or app token: set apiUrlSecret or apiUrl or appTokenSecret here, or alertmanager.globalConfig.slackApiUrlSecret or alertmanager.globalConfig.slackAppTokenSecret",
      "11:30: alertmanager.receivers.default.webhook[0].bearerTokenSecret: set twice: bearerTokenSecret is a shorthand for httpConfig.authorization, and httpConfig.basicAuth authenticates too; keep one",
      "13:15: alertmanager.receivers.default.email[0]: email config needs a sender address: set from here, or alertmanager.globalConfig.smtpFrom or alertmanager.smtp.from",
      "13:47: alertmanager.receivers.default.email[0].subject: set twice: subject and headers.subject are the same header; keep one",
      "14:18: alertmanager.receivers.default.opsgenie[0]: opsgenie config needs an Opsgenie API key: set apiKeySecret here, or alertmanager.globalConfig.opsgenieApiKeySecret",
    ],
  },
  {
    fixture: "exclusive-settings.yaml",
    expected: [
      "5:11: alertmanager.receivers.default.pushover[0]: html and monospace exclude each other",
      "12:13: alertmanager.receivers.default.webhook[0].httpConfig: at most one of authorization, basicAuth, oauth2 and bearerTokenSecret",
    ],
  },
  {
    fixture: "pod-knobs.yaml",
    expected: [
      '4:16: prometheus.podLabels["app.kubernetes.io/name"]: invalid key "app.kubernetes.io/name": the selector labels app.kubernetes.io/name and app.kubernetes.io/instance are the chart\'s own',
      '5:21: prometheus.podAnnotations["checksum/config"]: invalid key "checksum/config": checksum/* annotations are the chart\'s own',
      "8:84: prometheus.scheduling.topologySpreadConstraints[0].whenUnsatisfiable: minDomains needs whenUnsatisfiable DoNotSchedule",
      '12:45: prometheus.scheduling.topologySpreadConstraints[1].labelSelector.matchExpressions[0]: missing required key "values"',
      '14:30: global.imagePullSecrets[0].name: "Bad" is not a valid Secret name',
      '14:37: global.imagePullSecrets[1]: missing required key "name"',
      '14:39: global.imagePullSecrets[1].secretName: unknown key "secretName"',
    ],
  },
  {
    fixture: "extra-volumes.yaml",
    expected: [
      "5:15: prometheus.extraVolumes[0].name: config, rules, scrape, data and thanos-objstore are the chart's own volume names",
      '6:7: prometheus.extraVolumes[1]: {"name":"both","secret":{"secretName":"a"},"configMap":{"... must set only one of: a "secret" key | a "configMap" key',
      '7:34: prometheus.extraVolumes[2].emptyDir: missing required key "sizeLimit"',
      '9:32: prometheus.extraVolumeMounts[0].mountPath: "/etc/ssl/../team" is not a valid MountPath',
    ],
  },
  {
    fixture: "extra-volume-mounts.yaml",
    expected: [
      "7:15: prometheus.extraVolumeMounts[0].name: no extraVolumes entry is named missing (there are: team-ca)",
      "8:35: prometheus.extraVolumeMounts[1].mountPath: /etc/prometheus/secrets/team-ca overlaps the chart's own mount /etc/prometheus/secrets",
      "13:30: prometheus.extraScrapeConfigs[0].tls_config.ca_file: /etc/ssl/other/ca.crt is in nothing the Prometheus pod mounts",
      "17:15: alertmanager.extraVolumes[1].name: volume t is already defined at extraVolumes[0]",
      "19:29: alertmanager.extraVolumeMounts[0].mountPath: /etc overlaps the chart's own mount /etc/alertmanager/config",
      "20:29: alertmanager.extraVolumeMounts[1].mountPath: /etc is already mounted by extraVolumeMounts[0]",
      "20:29: alertmanager.extraVolumeMounts[1].mountPath: /etc overlaps the chart's own mount /etc/alertmanager/config",
    ],
  },
  {
    fixture: "ha-alerting.yaml",
    expected: [
      "4:25: prometheus.replicaExternalLabel: externalLabels already sets team",
      "7:17: prometheus.additionalAlertmanagers[0].targets[0]: [1:2:3]:9093: 1:2:3 in brackets is not an IPv6 address",
      "8:26: prometheus.additionalAlertmanagers[0].bearerTokenSecret: set one of basicAuth and bearerTokenSecret, not both",
      "12:27: prometheus.scrapeJobs[0].static.targets[0]: a.example.com:99999: port 99999 is above 65535",
    ],
  },
  {
    fixture: "operator-deploy-standalone.yaml",
    expected: ["4:13: prometheus.operator.deploy: deploy needs prometheus.mode: operator (standalone mode deploys Prometheus itself and reads no ServiceMonitor"],
  },
  {
    fixture: "operator-deploy-disabled.yaml",
    expected: ["5:23: prometheus.operator.deploy: deploy installs the Prometheus Operator for this release's Prometheus, but prometheus.enabled is false"],
  },
  {
    fixture: "operator-deploy-unsupported.yaml",
    expected: [
      "6:5: prometheus.remoteWrite: remoteWrite is not carried to the Prometheus resource of prometheus.operator.deploy",
      "8:5: prometheus.extraScrapeConfigs: extraScrapeConfigs is not carried to the Prometheus resource of prometheus.operator.deploy",
      "10:23: prometheus.ingress.enabled: the Prometheus Ingress is rendered in standalone mode only",
      "11:29: prometheus.thanosSidecar.enabled: thanosSidecar is not carried to the Prometheus resource of prometheus.operator.deploy",
      "12:39: prometheus.scrapeDefaults.nativeHistograms: scrapeDefaults.nativeHistograms is not carried to the Prometheus resource of prometheus.operator.deploy",
      "12:65: prometheus.scrapeDefaults.extraScrapeMetrics: scrapeDefaults.extraScrapeMetrics is not carried to the Prometheus resource of prometheus.operator.deploy",
      "13:97: prometheus.otlp.labelNameUnderscoreSanitization: otlp.labelNameUnderscoreSanitization is not carried to the Prometheus resource of prometheus.operator.deploy",
    ],
  },
  {
    fixture: "several-problems.yaml",
    expected: [
      '2:9: prometheus.mode: "standlone" is not one of standalone, operator; did you mean "standalone"?',
      '4:11: prometheus.retention.time: "15 days" is not a valid Duration',
      '6:17: alertmanager.antiAffinity: "always" is not one of soft, hard, none',
    ],
  },
];

describe("schema: broken profiles are rejected with position and message", () => {
  for (const { fixture, expected } of cases) {
    it(fixture, () => {
      const file = broken(fixture);
      const result = promstack(["validate", file]);
      expect(result.status).to.equal(1);
      expect(result.stderr).not.to.match(/\n\s+at .*\.js:\d+/, "no stack trace");
      const lines = result.stderr.split("\n").filter((line) => line.startsWith(`${file}:`));
      expect(lines, result.stderr).to.have.length(expected.length);
      expected.forEach((message, index) => expect(lines[index]).to.contain(`${file}:${message}`));
    });
  }

  it("a file that does not exist", () => {
    const result = promstack(["validate", "values/no-such-profile.yaml"]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("values/no-such-profile.yaml:0:0: (root): cannot read profile: no such file");
  });

  it("reports every problem of every file in one run", () => {
    const result = promstack(["validate", broken("wrong-type.yaml"), broken("unknown-key.yaml")]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("wrong-type.yaml:2:13");
    expect(result.stderr).to.contain("unknown-key.yaml:2:3");
    expect(result.stderr).to.contain("2 profile(s): 2 error(s)");
  });

  it("bad-matchers.yaml: warns about a matcher only the classic parser reads, naming its UTF-8 form", () => {
    const file = broken("bad-matchers.yaml");
    expect(promstack(["validate", file]).stdout).to.contain(`${file}:8:44: alertmanager.inhibitRules[0].targetMatchers[0]: warning: matcher "{severity=\\"warning\\"" is read by Alertmanager's deprecated classic parser only (column 20: unexpected end of input, expected a closing }); write it as "severity=\\"warning\\""`);
  });

  it("accepts one-sided inhibit rules and a default receiver removed with null, without a warning", () => {
    for (const name of ["inhibit-one-sided.yaml", "routing-forms.yaml"]) {
      const result = promstack(["validate", join(repoRoot, "test", "fixtures", name)]);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.contain("1 profile(s): 0 error(s), 0 warning(s)");
    }
  });

  it("accepts the fixture with every Alertmanager integration and every class of field", () => {
    const file = join(repoRoot, "test", "fixtures", "all-integrations.yaml");
    const result = promstack(["validate", file]);
    expect(result.stderr, result.stderr).to.equal("");
    expect(result.status).to.equal(0);
  });

  it("warns, without failing, about an existing dashboard ConfigMap nothing of the release mounts", () => {
    const file = join(repoRoot, "test", "fixtures", "existing-dashboard-configmap.yaml");
    const result = promstack(["validate", file]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain(`${file}:8:26: grafana.userDashboards.team.existingConfigMap: warning: with grafana.deploy: false nothing mounts ConfigMap team-dashboards: label it grafana_dashboard: "1" so your Grafana's sidecar finds it`);
  });

  it("warns, without failing, about a receiver nothing routes to", () => {
    const file = join(repoRoot, "test", "fixtures", "unused-receiver.yaml");
    const result = promstack(["validate", file]);
    expect(result.status).to.equal(0);
    expect(result.stdout).to.contain(`${file}:7:5: alertmanager.receivers.spare: warning: receiver "spare" is defined but no route sends to it`);
  });
});

// Helm's schema check is compared with the contract on every fixture in helm-parity.test.ts.
describe("schema: Helm enforces the same contract through values.schema.json", () => {
  it("helm template refuses an exporter without its connection settings, naming the key", () => {
    const result = run(tools.helm, ["template", "mon", chartDir, "-f", broken("postgres-incomplete.yaml")]);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.contain("exporters.postgres.passwordSecret is required when exporters.postgres is enabled");
  });

  it("helm template accepts every profile", () => {
    for (const file of profileFiles()) {
      const result = run(tools.helm, ["template", "mon", chartDir, "-f", file]);
      expect(result.status, `${file}: ${result.stderr}`).to.equal(0);
    }
  });
});
