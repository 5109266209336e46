import { expect } from "chai";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { sha256 } from "../../generator/src/package/provenance.js";
import type { ThrowawayKey } from "../../generator/src/package/signing.js";
import { chartDir, promstack } from "../helpers/tools.js";
import { startRegistry, type RunningServer } from "./servers.js";
import { helm, helmHome, packageChart, PROFILE, renderChart, scratch, throwawayKey, tool } from "./helpers.js";

interface OciManifest {
  config: { mediaType: string; digest: string };
  layers: Array<{ mediaType: string; digest: string; size: number }>;
}

describe("distribution: OCI registry", function () {
  let work: ReturnType<typeof scratch>;
  let key: ThrowawayKey;
  let registry: RunningServer | undefined;
  let env: Record<string, string>;
  let archive: Buffer;
  let chartVersion: string;
  let host: string;

  before(async function () {
    work = scratch("oci");
    key = throwawayKey(work.dir);
    const packaged = packageChart(join(work.dir, "dist"), key);
    expect(packaged.status, packaged.stderr).to.equal(0);
    chartVersion = (parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { version: string }).version;
    archive = readFileSync(join(work.dir, "dist", `promstack-${chartVersion}.tgz`));
    env = helmHome(work.dir);
    registry = await startRegistry(tool("REGISTRY"));
    host = `127.0.0.1:${registry.port}`;
  });
  after(async () => {
    await registry?.stop();
    work?.remove();
  });

  async function manifest(): Promise<OciManifest> {
    const response = await fetch(`${registry!.url}/v2/charts/promstack/manifests/${chartVersion}`, {
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(response.status).to.equal(200);
    return (await response.json()) as OciManifest;
  }

  it("helm push stores the chart and its provenance under charts/promstack:<version>", async () => {
    const pushed = helm(["push", join(work.dir, "dist", `promstack-${chartVersion}.tgz`), `oci://${host}/charts`, "--plain-http"], env);
    expect(pushed.stdout + pushed.stderr).to.include(`Pushed: ${host}/charts/promstack:${chartVersion}`);
    // Judged by the registry's own API: the tag exists, and its layers are the archive and the .prov.
    const tags = (await (await fetch(`${registry!.url}/v2/charts/promstack/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).to.deep.equal([chartVersion]);
    const layers = (await manifest()).layers;
    const chartLayer = layers.find((layer) => layer.mediaType === "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
    expect(chartLayer?.digest).to.equal(`sha256:${sha256(archive)}`);
    expect(layers.map((layer) => layer.mediaType)).to.include("application/vnd.cncf.helm.chart.provenance.v1.prov");
  });

  it("helm pull --verify gets the same bytes back and checks the signature", () => {
    const out = join(work.dir, "pulled");
    mkdirSync(out);
    const pulled = helm(["pull", `oci://${host}/charts/promstack`, "--version", chartVersion, "--plain-http", "--verify", "--keyring", key.publicKeyring, "--destination", out], env);
    expect(pulled.stdout).to.include(`Chart Hash Verified: sha256:${sha256(archive)}`);
    expect(readFileSync(join(out, `promstack-${chartVersion}.tgz`)).equals(archive)).to.equal(true);
  });

  it("helm template from oci:// renders the raspberry-pi profile exactly as the chart directory does", () => {
    const fromRegistry = renderChart(`oci://${host}/charts/promstack`, env, ["--version", chartVersion, "--plain-http"]);
    expect(fromRegistry).to.match(/kind: StatefulSet/);
    expect(fromRegistry).to.equal(renderChart(chartDir, env));
  });

  for (const ociSource of ["OCIRepository", "HelmRepository"]) {
    it(`the Flux ${ociSource} of \`promstack flux --repository oci\` resolves in this registry`, async () => {
      const out = join(work.dir, `flux-${ociSource}`);
      const result = promstack(["flux", PROFILE, "--repository", "oci", "--oci-source", ociSource, "--url", `oci://${host}/charts`, "--output", out]);
      expect(result.status, result.stderr).to.equal(0);
      const source = parse(readFileSync(join(out, `${ociSource.toLowerCase()}.yaml`), "utf8")) as {
        spec: { url: string; type?: string; ref?: { tag?: string }; layerSelector?: { mediaType: string } };
      };
      // What source-controller resolves: repository path from the URL, the tag, then the layer.
      const { url } = source.spec;
      const repositoryPath = url.replace(`oci://${host}/`, "");
      if (ociSource === "OCIRepository") {
        expect(repositoryPath).to.equal("charts/promstack");
        expect(source.spec.ref?.tag).to.equal(chartVersion);
        const layers = (await manifest()).layers.map((layer) => layer.mediaType);
        expect(layers).to.include(source.spec.layerSelector!.mediaType);
      } else {
        expect(source.spec.type).to.equal("oci");
        const release = parse(readFileSync(join(out, "helmrelease.yaml"), "utf8")) as { spec: { chart: { spec: { chart: string; version: string } } } };
        const ref = `${url}/${release.spec.chart.spec.chart}`;
        const pulled = helm(["show", "chart", ref, "--version", release.spec.chart.spec.version, "--plain-http"], env);
        expect((parse(pulled.stdout) as { version: string }).version).to.equal(chartVersion);
      }
    });
  }
});
