// User strings reach the rendered YAML quoted: a Secret name or key holding `#`, `: ` or
// `*` cannot turn into a comment, a new key or an alias. The contract refuses such names
// (the API server would), so the rendering is checked with Helm's schema check skipped,
// and the refusal with both promstack validate and Helm.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { find, helmTemplate, parseObjects } from "../helpers/render.js";
import { chartDir, promstack, run, tools } from "../helpers/tools.js";

const ODD = ["chat #x", "*alias", "a: b", "&anchor", "!tag", "{x}"];

describe("render: user strings are quoted in the rendered YAML", () => {
  const dir = mkdtempSync(join(tmpdir(), "promstack-quoting-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function profile(name: string, secretName: string, key: string): string {
    const file = join(dir, name);
    writeFileSync(file, [
      "alert-receiver:",
      "  enabled: true",
      `  tokenSecret: { name: ${JSON.stringify(secretName)}, key: ${JSON.stringify(key)} }`,
      "grafana:",
      "  admin:",
      `    userKey: ${JSON.stringify(key)}`,
      "",
    ].join("\n"));
    return file;
  }

  ODD.forEach((odd, index) => {
    it(`renders ${JSON.stringify(odd)} as the same string (schema check skipped)`, () => {
      const objects = parseObjects(helmTemplate([profile(`odd-${index}.yaml`, odd, odd)], ["--skip-schema-validation"]));
      const receiver = find(objects, "Deployment", "mon-alert-receiver") as unknown as { spec: { template: { spec: { volumes: Array<{ name: string; secret?: { secretName: string; items: Array<{ key: string; path: string }> } }> } } } };
      const token = receiver.spec.template.spec.volumes.find((volume) => volume.name === "token")!;
      expect(token.secret).to.deep.equal({ secretName: odd, items: [{ key: odd, path: odd }] });
      const admin = find(objects, "Secret", "mon-grafana-admin") as unknown as { data: Record<string, string> };
      expect(Object.keys(admin.data)).to.include(odd);
    });
  });

  it("a Secret name or key the API server refuses is refused by validate (with its position) and by Helm's schema check", () => {
    const file = profile("refused.yaml", "chat #x", "a: b");
    const result = promstack(["validate", file]);
    expect(result.status).to.equal(1);
    const output = result.stdout + result.stderr;
    expect(output).to.include(`${file}:3:24: alert-receiver.tokenSecret.name: "chat #x" is not a valid Secret name`);
    expect(output).to.include(`${file}:3:40: alert-receiver.tokenSecret.key: "a: b" is not a valid Secret key`);
    expect(output).to.include(`${file}:6:14: grafana.admin.userKey: "a: b" is not a valid Secret key`);
    const helm = run(tools.helm, ["template", "mon", chartDir, "-f", file]);
    expect(helm.status).to.not.equal(0);
    expect(helm.stderr).to.match(/tokenSecret/);
  });

  it("Secret names with dots give valid volume names", () => {
    const file = join(dir, "dots.yaml");
    writeFileSync(file, "alertmanager:\n  smtp:\n    smarthost: smtp.example.org:587\n    from: a@example.org\n    authUsername: a\n    authPasswordSecret: { name: smtp.credentials, key: password }\n");
    const validate = promstack(["validate", file]);
    expect(validate.status, validate.stdout + validate.stderr).to.equal(0);
    const objects = parseObjects(helmTemplate([file]));
    const statefulSet = find(objects, "StatefulSet", "mon-alertmanager") as unknown as { spec: { template: { spec: { volumes: Array<{ name: string; secret?: { secretName: string } }> } } } };
    const volume = statefulSet.spec.template.spec.volumes.find((v) => v.secret?.secretName === "smtp.credentials");
    expect(volume?.name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
