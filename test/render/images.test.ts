// Image references: a digest set in values pins the container to <repository>@<digest>
// (chart README, "Pinning images by digest"), for every image value the chart has.
import { createHash } from "node:crypto";
import { expect } from "chai";
import { components } from "../../generator/src/components.js";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { checkov } from "../helpers/linters.js";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { fixture } from "./cases.js";

// Every image value of the umbrella chart (e.g. exporters.redis.image) with its catalogue key.
const imageValues = components.flatMap((c) => Object.entries(c.images).map(([path, key]) => ({ path: `${c.name}.${path}`, key })));
// A distinct, well-formed digest per image value (not a real image's: nothing is pulled).
const digestOf = (path: string) => `sha256:${createHash("sha256").update(path).digest("hex")}`;
const withDigests = imageValues.flatMap(({ path }) => ["--set", `${path}.digest=${digestOf(path)}`]);

/** Every container image of every pod the render creates (workloads and helm test pods). */
function images(objects: K8sObject[]): Array<{ owner: string; image: string }> {
  return objects.flatMap((o: any) => {
    const spec = o.kind === "Pod" ? o.spec : o.spec?.template?.spec;
    if (!spec?.containers) return [];
    return [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => ({ owner: `${o.kind}/${o.metadata.name}/${c.name}`, image: c.image as string }));
  });
}

describe("render: image digests", () => {
  const catalogue = loadCatalogue();
  const allEnabled = fixture("all-enabled.yaml");

  it("without a digest every container runs a catalogue repository:tag", () => {
    const pinned = new Set(Object.values(catalogue.images).map((i) => `${i.repository}:${i.tag}`));
    for (const { owner, image } of images(parseObjects(helmTemplate([allEnabled])))) expect(pinned.has(image), `${owner}: ${image}`).to.equal(true);
  });

  it("a digest set in values is the reference of every container of that image, in place of the tag", () => {
    const rendered = images(parseObjects(helmTemplate([allEnabled], withDigests)));
    const pinned = (path: string, key: string) => `${catalogue.images[key]!.repository}@${digestOf(path)}`;
    // The standalone fixture runs every image but the Prometheus Operator's (prometheus.operator.deploy), judged below.
    const expected = new Set(imageValues.filter(({ key }) => key !== "prometheusOperator").map(({ path, key }) => pinned(path, key)));
    for (const { owner, image } of rendered) expect(expected.has(image), `${owner}: ${image}`).to.equal(true);
    expect(new Set(rendered.map((r) => r.image))).to.deep.equal(expected);
    // With the chart's own operator: its container, the Prometheus resource and the reloader the operator injects.
    const deployed = parseObjects(helmTemplate([fixture("operator-deploy.yaml")], withDigests));
    const operator = images(deployed).find((r) => r.owner.endsWith("-prometheus-operator/prometheus-operator"));
    expect(operator?.image).to.equal(pinned("prometheus.operator.image", "prometheusOperator"));
    expect((deployed.find((o) => o.kind === "Prometheus") as any).spec.image).to.equal(pinned("prometheus.image", "prometheus"));
    expect((deployed.find((o) => o.kind === "Deployment" && o.metadata.name.endsWith("-prometheus-operator")) as any).spec.template.spec.containers[0].args)
      .to.include(`--prometheus-config-reloader=${pinned("prometheus.configReloader.image", "configReloader")}`);
  });

  it("global.imageRegistry replaces the registry host and keeps the digest", () => {
    const rendered = images(parseObjects(helmTemplate([allEnabled], [...withDigests, "--set", "global.imageRegistry=registry.example.org"])));
    const prometheus = rendered.find((r) => r.owner.endsWith("/prometheus") && r.owner.startsWith("StatefulSet/"));
    expect(prometheus?.image).to.equal(`registry.example.org/prometheus/prometheus@${digestOf("prometheus.image")}`);
  });

  it("checkov's digest check (CKV_K8S_43) passes every workload once every image has a digest", () => {
    const manifest = helmTemplate([allEnabled], withDigests);
    const { findings } = checkov(new Map([["digests", manifest]]));
    expect(findings.get("digests")!.filter((f) => f.check === "CKV_K8S_43").map((f) => f.object)).to.deep.equal([]);
    // … and fails them without: the check did run.
    const { findings: unpinned } = checkov(new Map([["tags", helmTemplate([allEnabled])]]));
    expect(unpinned.get("tags")!.filter((f) => f.check === "CKV_K8S_43")).to.not.be.empty;
  });
});
