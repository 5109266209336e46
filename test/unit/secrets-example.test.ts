import { expect } from "chai";
import { join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { repoRoot } from "../../generator/src/paths.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { secretsExample } from "../../generator/src/secrets-example.js";
import { createValidator } from "../../generator/src/validate/index.js";

describe("secrets.example", () => {
  const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());

  it("lists every Secret key a profile refers to, with where it is used, as kubectl commands", () => {
    const report = validate([join(repoRoot, "test", "fixtures", "all-enabled.yaml")]);
    const example = secretsExample(report.profiles[0]!)!;
    expect(example).to.contain("#   alert-webhooks/default-url: used by alertmanager.receivers.default.webhook[0].urlSecret");
    expect(example).to.match(/kubectl --namespace monitoring create secret generic alert-webhooks \\\n(  --from-literal=[^\n]+\n)*  --from-literal=default-url='<default-url>'/);
  });

  it("shows redis_exporter's password file as the JSON object it reads: address (with user@ when set) to password", () => {
    const plain = secretsExample(validate([join(repoRoot, "test", "fixtures", "all-enabled.yaml")]).profiles[0]!)!;
    expect(plain).to.contain(`--from-literal=password='{"redis://redis.cache.svc:6379":"<password>"}'`);
    const withUser = secretsExample(validate([join(repoRoot, "test", "fixtures", "operator-all.yaml")]).profiles[0]!)!;
    expect(withUser).to.contain(`--from-literal=password='{"rediss://monitor@redis.cache.svc:6380":"<password>"}'`);
  });

  it("is absent for a profile without Secrets", () => {
    const report = validate([join(repoRoot, "test", "fixtures", "unused-receiver.yaml")]);
    expect(secretsExample(report.profiles[0]!)).to.equal(undefined);
  });
});
