import { expect } from "chai";
import type { RuleGroups } from "../../generator/src/rules/model.js";
import { resolveProfileRules } from "../../generator/src/rules/resolve.js";
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
