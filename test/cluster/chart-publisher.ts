// The chart published where Flux's sources look: the local OCI registry (the distribution
// `registry`, over HTTPS with the cluster's test CA, which source-controller trusts) and a
// local HTTP chart repository (index.yaml and archives, as GitHub Pages serves them). Each
// version is packaged by the `make package` entry point; later versions are copies of the
// chart with only Chart.yaml's version changed (and, for a version meant to fail, one
// template added), as a release of the project would publish them.
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { sourceDateEpoch } from "../../generator/src/package/package.js";
import type { ThrowawayKey } from "../../generator/src/package/signing.js";
import { chartDir, run, tools } from "../helpers/tools.js";
import { PACKAGE_MAIN, helm, helmHome } from "../distribution/helpers.js";
import { freePort, startRegistry, startStaticServer, type RunningServer, type StaticServer } from "../distribution/servers.js";

export interface ChartTls { certificate: string; key: string; ca: string }

export function chartVersion(dir = chartDir): string {
  return (parse(readFileSync(join(dir, "Chart.yaml"), "utf8")) as { version: string }).version;
}

export class ChartPublisher {
  private registry?: RunningServer;
  private site?: StaticServer;
  private readonly siteDir: string;
  private readonly env: Record<string, string>;

  constructor(private readonly work: string, private readonly key: ThrowawayKey, private readonly tls: ChartTls) {
    this.siteDir = join(work, "site");
    mkdirSync(this.siteDir, { recursive: true });
    this.env = helmHome(work);
  }

  /** Starts both servers, for `lifetimeSeconds` at most (they end by themselves after it). */
  async start(registryBinary: string, lifetimeSeconds: number): Promise<void> {
    this.registry = await startRegistry(registryBinary, { tls: this.tls, lifetimeSeconds });
    // The URL goes into index.yaml, so the port is chosen before indexing.
    const port = await freePort();
    writeFileSync(join(this.siteDir, "index.yaml"), "apiVersion: v1\nentries: {}\n");
    this.site = await startStaticServer(this.siteDir, port, "/index.yaml", { lifetimeSeconds });
  }

  async stop(): Promise<void> {
    await this.registry?.stop();
    await this.site?.stop();
  }

  /** oci://127.0.0.1:port/charts: where `helm push` puts charts/promstack:<version>. */
  get ociUrl(): string { return `oci://127.0.0.1:${this.registry!.port}/charts`; }
  get httpUrl(): string { return this.site!.url; }
  /** Paths requested from the HTTP repository, to prove Flux fetched from it. */
  httpRequests(): string[] { return this.site!.requests(); }

  /**
   * Packages a chart folder with the `make package` entry point (signed with the throwaway
   * key), pushes it to the registry and adds it to the HTTP repository's index.
   */
  publish(dir = chartDir): string {
    const version = chartVersion(dir);
    const out = join(this.work, "dist", version);
    // A copy outside git has no commit to date its entries by: the chart's own commit dates it.
    const packaged = run(process.execPath, [PACKAGE_MAIN, "--output", out, "--chart", dir, "--key", this.key.name, "--keyring", this.key.keyring], {
      env: { HELM: tools.helm, SOURCE_DATE_EPOCH: String(sourceDateEpoch(chartDir, {})) },
    });
    if (packaged.status !== 0) throw new Error(`make package of ${dir} failed:\n${packaged.stdout}${packaged.stderr}`);
    const archive = join(out, `promstack-${version}.tgz`);
    helm(["push", archive, this.ociUrl, "--ca-file", this.tls.ca], this.env);
    copyFileSync(archive, join(this.siteDir, `promstack-${version}.tgz`));
    copyFileSync(`${archive}.prov`, join(this.siteDir, `promstack-${version}.tgz.prov`));
    helm(["repo", "index", this.siteDir, "--url", this.httpUrl], this.env);
    return archive;
  }

  /** A copy of the chart at another version, optionally with extra templates (name → text). */
  variant(version: string, templates: Record<string, string> = {}): string {
    const copy = join(this.work, "variants", version, "promstack");
    rmSync(join(this.work, "variants", version), { recursive: true, force: true });
    cpSync(chartDir, copy, { recursive: true });
    const chartYaml = readFileSync(join(copy, "Chart.yaml"), "utf8");
    const current = chartVersion();
    if (!chartYaml.includes(`\nversion: ${current}\n`)) throw new Error(`Chart.yaml has no top-level "version: ${current}" line to change`);
    writeFileSync(join(copy, "Chart.yaml"), chartYaml.replace(`\nversion: ${current}\n`, `\nversion: ${version}\n`));
    for (const [name, text] of Object.entries(templates)) writeFileSync(join(copy, "templates", name), text);
    return copy;
  }
}
