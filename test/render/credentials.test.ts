// No credential in any ConfigMap, judged on every rendered object of every profile and
// fixture: configuration files name credentials only through *_file paths (or, for the
// operator, Secret references), URLs carry no user:password, and containers read secrets from
// files of mounted Secrets, never from environment variables.
import { expect } from "chai";
import { parse } from "yaml";
import { caseName, podTemplates, renderCases, rendered } from "./cases.js";

// Keys that hold a credential in Prometheus, Alertmanager, blackbox, Grafana and receiver configs.
const CREDENTIAL_KEY = /^(password|passwd|secret|token|bearer_token|credentials|api_key|apikey|auth_password|auth_secret|routing_key|service_key|api_url|webhook_url|bot_token|client_secret|secure_json_data|basicauthpassword|dsn)$/i;
const USERINFO_URL = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const SECRET_ENV = /(PASS|PASSWORD|SECRET|TOKEN|DSN|DATA_SOURCE_NAME|API_KEY|CREDENTIALS)/;

/** Parses a ConfigMap value as YAML/JSON when it is one; plain text stays a string. */
function structured(value: string): unknown {
  try {
    return parse(value);
  } catch {
    return value;
  }
}

/** Every credential-like key with an inline value, and every URL with a user:password part. */
export function credentialFindings(node: unknown, path = ""): string[] {
  if (typeof node === "string") return USERINFO_URL.test(node) ? [`${path}: URL with user:password`] : [];
  if (Array.isArray(node)) return node.flatMap((item, index) => credentialFindings(item, `${path}[${index}]`));
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const here = `${path}.${key}`;
    const inline = CREDENTIAL_KEY.test(key) && value !== null && value !== "" && typeof value !== "object";
    const header = key.toLowerCase() === "headers" && value && typeof value === "object" && Object.keys(value).some((name) => /^(authorization|x-api-key)$/i.test(name));
    return [...(inline ? [`${here}: inline credential`] : []), ...(header ? [`${here}: credential header`] : []), ...credentialFindings(value, here)];
  });
}

describe("render: no credential in any ConfigMap", () => {
  it("the check can fail: it finds inline passwords, tokens, userinfo URLs and auth headers", () => {
    expect(credentialFindings(structured("basic_auth:\n  username: a\n  password: hunter2\n"))).to.have.length(1);
    expect(credentialFindings({ receivers: [{ slack_configs: [{ api_url: "https://hooks.slack.com/services/T/B/X" }] }] })).to.have.length(1);
    expect(credentialFindings({ remote_write: [{ url: "https://user:pw@mimir.example.com/push" }] })).to.have.length(1);
    expect(credentialFindings({ remote_write: [{ headers: { Authorization: "Bearer x" } }] })).to.have.length(1);
    expect(credentialFindings({ basic_auth: { password_file: "/etc/prometheus/secrets/a/b" }, authorization: { credentials_file: "/x" } })).to.deep.equal([]);
  });

  for (const file of renderCases) {
    describe(caseName(file), () => {
      const objects = rendered(file);

      it("ConfigMaps hold no credential", () => {
        const configMaps = objects.filter((o) => o.kind === "ConfigMap") as Array<{ metadata: { name: string }; data?: Record<string, string> }>;
        expect(configMaps.length).to.be.greaterThan(0);
        for (const configMap of configMaps) {
          for (const [key, value] of Object.entries(configMap.data ?? {})) {
            if (key.endsWith(".cjs") || key.endsWith(".js")) continue; // the bundled receiver's source code
            expect(credentialFindings(structured(value), `${configMap.metadata.name}/${key}`)).to.deep.equal([]);
          }
        }
      });

      it("containers read credentials from files of mounted Secrets, never from environment variables", () => {
        for (const pod of podTemplates(objects)) {
          for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
            const credentials = (container.env ?? []).filter((env: { name: string }) => SECRET_ENV.test(env.name) && !env.name.endsWith("_FILE"));
            expect(credentials.map((env: { name: string }) => env.name), `${pod.owner} ${container.name}`).to.deep.equal([]);
          }
        }
      });
    });
  }
});
