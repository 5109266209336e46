// The alert receiver requires a bearer token by default: the chart creates it (or uses
// tokenSecret), the receiver reads it from a mounted Secret, and Alertmanager's webhooks to the
// receiver send it through credentials_file from a mounted Secret, never from a ConfigMap.
import { expect } from "chai";
import { parse } from "yaml";
import { helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { profileFiles } from "../helpers/tools.js";

const raspberryPi = profileFiles().find((f) => f.endsWith("/raspberry-pi.yaml"))!;
const TOKEN_SECRET = `${RELEASE}-alert-receiver-token`;

const byKind = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;

/** The receiver's config.json and its pod's volumes, and Alertmanager's webhooks to the receiver with its pod's Secret mounts. */
function picture(objects: K8sObject[]) {
  const receiverPod = byKind(objects, "Deployment", `${RELEASE}-alert-receiver`).spec.template.spec;
  const receiverConfig = JSON.parse(byKind(objects, "ConfigMap", `${RELEASE}-alert-receiver`).data["config.json"]);
  const amConfigMap = objects.find((o) => o.kind === "ConfigMap" && (o as any).data?.["alertmanager.yml"]) as any;
  const amConfig = parse(amConfigMap.data["alertmanager.yml"]);
  const webhooks = (amConfig.receivers as any[]).flatMap((r) => r.webhook_configs ?? []).filter((w: any) => String(w.url).includes(`${RELEASE}-alert-receiver.`));
  const amPod = byKind(objects, "StatefulSet", `${RELEASE}-alertmanager`).spec.template.spec;
  const amSecretMounts = (amPod.volumes as any[]).filter((v) => v.secret).map((v) => ({ secret: v.secret.secretName, path: amPod.containers[0].volumeMounts.find((m: any) => m.name === v.name)?.mountPath }));
  return { receiverPod, receiverConfig, webhooks, amSecretMounts, amConfigText: amConfigMap.data["alertmanager.yml"] as string };
}

describe("render: the alert receiver's bearer token", () => {
  it("by default: a chart-made random token Secret, required by the receiver and sent by every webhook to it", () => {
    const objects = parseObjects(helmTemplate([raspberryPi]));
    const secret = byKind(objects, "Secret", TOKEN_SECRET);
    const token = Buffer.from(secret.data.token, "base64").toString();
    expect(token).to.match(/^[A-Za-z0-9]{40}$/);
    const { receiverPod, receiverConfig, webhooks, amSecretMounts, amConfigText } = picture(objects);
    expect(receiverConfig.tokenFile).to.equal("/var/run/secrets/alert-receiver/token");
    expect(receiverPod.volumes).to.deep.include({ name: "token", secret: { secretName: TOKEN_SECRET, items: [{ key: "token", path: "token" }] } });
    expect(webhooks).to.have.length(4);
    for (const webhook of webhooks) {
      expect(webhook.http_config.authorization).to.deep.equal({ type: "Bearer", credentials_file: `/etc/alertmanager/secrets/${TOKEN_SECRET}/token` });
    }
    expect(amSecretMounts).to.deep.include({ secret: TOKEN_SECRET, path: `/etc/alertmanager/secrets/${TOKEN_SECRET}` });
    expect(amConfigText, "the token never reaches the ConfigMap").to.not.include(token);
  });

  it("tokenSecret: the receiver checks the user's Secret and the chart makes none", () => {
    const objects = parseObjects(helmTemplate([raspberryPi], ["--set", "alert-receiver.tokenSecret.name=my-token,alert-receiver.tokenSecret.key=t"]));
    expect(objects.filter((o) => o.metadata.name === TOKEN_SECRET)).to.deep.equal([]);
    const { receiverPod, receiverConfig } = picture(objects);
    expect(receiverConfig.tokenFile).to.equal("/var/run/secrets/alert-receiver/t");
    expect(receiverPod.volumes).to.deep.include({ name: "token", secret: { secretName: "my-token", items: [{ key: "t", path: "t" }] } });
  });

  it("requireToken: false is the explicit opt-out: no token file, and the webhooks' token is ignored", () => {
    const objects = parseObjects(helmTemplate([raspberryPi], ["--set", "alert-receiver.requireToken=false"]));
    const { receiverPod, receiverConfig, webhooks } = picture(objects);
    expect(receiverConfig.tokenFile).to.equal(undefined);
    expect((receiverPod.volumes as any[]).map((v) => v.name)).to.not.include("token");
    // Alertmanager cannot see the receiver's values: it still sends the (still created) token.
    expect(byKind(objects, "Secret", TOKEN_SECRET)).to.not.equal(undefined);
    expect(webhooks[0].http_config.authorization.credentials_file).to.equal(`/etc/alertmanager/secrets/${TOKEN_SECRET}/token`);
  });
});
