import { expect } from "chai";
import type { RuleGroups } from "../../generator/src/rules/model.js";
import { seriesReads } from "../../generator/src/rules/reads.js";
import { resolveProfileRules, ruleFileName, substituteChecked } from "../../generator/src/rules/resolve.js";
import type { PromstackValues } from "../../generator/src/types/values.js";

describe("unit: a profile's rules over the packs", () => {
  const packs: RuleGroups = {
    redis: {
      RedisDown: {
        expr: "redis_up{${selector}} == 0",
        selector: 'job="redis"',
        severity: "critical",
        test: {
          fire: [{ series: 'redis_up{job="redis", instance="r:9121"}', gauge: 0 }],
          safe: [{ series: 'redis_up{job="redis", instance="r:9121"}', gauge: 1 }],
          labels: { job: "redis", instance: "r:9121" },
        },
      },
    },
  };

  it("keeps the pack's test when the profile only tunes the alert", () => {
    const values = { rules: { redis: { RedisDown: { for: "2m" } } } } as unknown as PromstackValues;
    const alert = resolveProfileRules(values, packs)[0]!.alerts[0]!;
    expect(alert.for).to.equal("2m");
    expect(alert.source.test?.labels).to.deep.equal({ job: "redis", instance: "r:9121" });
  });

  it("replaces the pack's test whole when the profile gives its own", () => {
    const own = {
      fire: [{ series: 'kube_deployment_status_replicas_available{deployment="redis"}', gauge: 0 }],
      safe: [{ series: 'kube_deployment_status_replicas_available{deployment="redis"}', gauge: 1 }],
      labels: { deployment: "redis" },
    };
    const values = { rules: { redis: { RedisDown: { expr: "max by (deployment) (kube_deployment_status_replicas_available) == 0", test: own } } } } as unknown as PromstackValues;
    const alert = resolveProfileRules(values, packs)[0]!.alerts[0]!;
    expect(alert.source.test).to.deep.equal(own);
    expect(alert.expr).to.equal("max by (deployment) (kube_deployment_status_replicas_available) == 0");
  });

  it("an alert that starts from a pack alert (from:) keeps its own test whole", () => {
    const own = {
      fire: [{ series: 'redis_up{job="cache"}', gauge: 0 }],
      safe: [{ series: 'redis_up{job="cache"}', gauge: 1 }],
      labels: { job: "cache" },
    };
    const values = { rules: { cache: { RedisDown: { from: "redis", selector: 'job="cache"', test: own } } } } as unknown as PromstackValues;
    const alert = resolveProfileRules(values, packs).find((g) => g.name === "cache")!.alerts[0]!;
    expect(alert.expr).to.equal('redis_up{job="cache"} == 0');
    expect(alert.source.test).to.deep.equal(own);
  });
});

describe("unit: placeholders, group file names, series a rule reads", () => {
  it("$${ is a literal ${; unknown placeholders are reported, escaped ones are not", () => {
    expect(substituteChecked('label_replace(up{${selector}}, "a", "$${1}", "b", "(.*)") > ${threshold}', { selector: 'job="x"', threshold: 1.5 })).to.deep.equal({
      text: 'label_replace(up{job="x"}, "a", "${1}", "b", "(.*)") > 1.5',
      unknown: [],
    });
    expect(substituteChecked("${nope} $${kept} ${open", {}).unknown).to.deep.equal(["nope", "open"]);
  });

  it("a group name that is a safe file name stays; any other becomes safe characters and a hash", () => {
    expect(ruleFileName("node")).to.equal("node");
    expect(ruleFileName("kube.rules")).to.equal("kube.rules");
    expect(ruleFileName("../etc")).to.match(/^-etc-[0-9a-f]{10}$/);
    expect(ruleFileName("a/b")).to.not.equal(ruleFileName("a b"));
  });

  it("finds the series names an expression selects", () => {
    const reads = seriesReads('sum(rate(a:b[5m])) / {__name__="c"} + {"d.e"} + {__name__=~"f:.*"}');
    expect([...reads.names].sort()).to.deep.equal(["a:b", "c", "d.e"]);
    expect(reads.patterns.some((pattern) => pattern.test("f:x"))).to.equal(true);
  });

  it("reads __name__ regexes as Go's RE2 does, not as JavaScript's RegExp", () => {
    // JavaScript refuses (?i) and \Q...\E, so these reads used to go unseen.
    const reads = seriesReads('{__name__=~"(?i)JOB:UP.*"} + {__name__=~`\\Qa:b\\E`}');
    expect(["job:up:sum", "a:b"].map((name) => reads.patterns.some((pattern) => pattern.test(name)))).to.deep.equal([true, true]);
  });
});
