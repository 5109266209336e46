import { expect } from "chai";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { sha256 } from "../../generator/src/package/provenance.js";
import type { ThrowawayKey } from "../../generator/src/package/signing.js";
import { chartDir, promstack } from "../helpers/tools.js";
import { freePort, startStaticServer, type StaticServer } from "./servers.js";
import { helm, helmHome, packageChart, PROFILE, renderChart, scratch, throwawayKey } from "./helpers.js";

interface RepositoryIndex {
  apiVersion: string;
  entries: Record<string, Array<{ version: string; digest: string; urls: string[]; annotations?: Record<string, string> }>>;
}

describe("distribution: HTTP chart repository", function () {
  let work: ReturnType<typeof scratch>;
  let key: ThrowawayKey;
  let server: StaticServer | undefined;
  let env: Record<string, string>;
  let archive: Buffer;
  let chartVersion: string;
  const repoName = "promstack-local";

  before(async function () {
    work = scratch("http-repo");
    key = throwawayKey(work.dir);
    const site = join(work.dir, "site");
    const packaged = packageChart(site, key);
    expect(packaged.status, packaged.stderr).to.equal(0);
    chartVersion = (parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { version: string }).version;
    archive = readFileSync(join(site, `promstack-${chartVersion}.tgz`));
    // The URL goes into index.yaml, so the port is chosen before indexing, as a Pages site's is.
    const port = await freePort();
    env = helmHome(work.dir);
    helm(["repo", "index", site, "--url", `http://127.0.0.1:${port}`], env);
    server = await startStaticServer(site, port, "/index.yaml");
  });
  after(async () => {
    await server?.stop();
    work?.remove();
  });

  it("index.yaml lists the chart with the archive's digest, URL and Artifact Hub annotations", () => {
    const index = parse(readFileSync(join(work.dir, "site", "index.yaml"), "utf8")) as RepositoryIndex;
    const [entry, ...others] = index.entries.promstack ?? [];
    expect(others).to.have.length(0);
    expect(entry!.version).to.equal(chartVersion);
    expect(entry!.digest).to.equal(sha256(archive));
    expect(entry!.urls).to.deep.equal([`${server!.url}/promstack-${chartVersion}.tgz`]);
    expect(parse(entry!.annotations!["artifacthub.io/changes"]!)).to.be.an("array").that.is.not.empty;
  });

  it("helm repo add and helm search find the chart on the server", () => {
    helm(["repo", "add", repoName, server!.url], env);
    const found = JSON.parse(helm(["search", "repo", `${repoName}/promstack`, "--versions", "--output", "json"], env).stdout) as Array<{ name: string; version: string }>;
    expect(found).to.deep.equal([{ ...found[0], name: `${repoName}/promstack`, version: chartVersion }]);
    expect(server!.requests()).to.include("/index.yaml");
  });

  it("helm pull --verify downloads the archive and its provenance and checks them", () => {
    const out = join(work.dir, "pulled");
    mkdirSync(out);
    const pulled = helm(["pull", `${repoName}/promstack`, "--version", chartVersion, "--verify", "--keyring", key.publicKeyring, "--destination", out], env);
    expect(pulled.stdout).to.include(`Chart Hash Verified: sha256:${sha256(archive)}`);
    expect(readFileSync(join(out, `promstack-${chartVersion}.tgz`)).equals(archive)).to.equal(true);
    expect(server!.requests()).to.include.members([`/promstack-${chartVersion}.tgz`, `/promstack-${chartVersion}.tgz.prov`]);
  });

  it("helm template from the repository renders the raspberry-pi profile exactly as the chart directory does", () => {
    // `helm install --dry-run` needs a reachable cluster even in client mode (helm 3.22), so the
    // repository path is proven with the same render `install` would send.
    const fromRepository = renderChart(`${repoName}/promstack`, env, ["--version", chartVersion, "--verify", "--keyring", key.publicKeyring]);
    const objects = parseAllDocuments(fromRepository).filter((doc) => doc.contents !== null);
    expect(objects.length).to.be.above(10);
    expect(fromRepository).to.equal(renderChart(chartDir, env));
  });

  it("the Flux HelmRepository of `promstack flux --repository http` points at this index", async () => {
    const out = join(work.dir, "flux");
    const result = promstack(["flux", PROFILE, "--repository", "http", "--url", server!.url, "--output", out]);
    expect(result.status, result.stderr).to.equal(0);
    const repository = parse(readFileSync(join(out, "helmrepository.yaml"), "utf8")) as { spec: { url: string; type?: string } };
    const release = parse(readFileSync(join(out, "helmrelease.yaml"), "utf8")) as { spec: { chart: { spec: { chart: string; version: string } } } };
    expect(repository.spec.type).to.equal(undefined); // the default type: an HTTP index
    // What source-controller does first: fetch <url>/index.yaml and look the chart version up.
    const index = parse(await (await fetch(`${repository.spec.url}/index.yaml`)).text()) as RepositoryIndex;
    const versions = (index.entries[release.spec.chart.spec.chart] ?? []).map((entry) => entry.version);
    expect(versions).to.include(release.spec.chart.spec.version);
  });
});
