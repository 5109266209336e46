// Two remote_write (or remote_read) endpoints of one name, or two identical unnamed ones:
// validate refuses both, and so do the real tools. promtool refuses a shared name; it passes
// identical endpoints, which the Prometheus server itself then refuses to load (it hashes each
// endpoint's config when it applies it), the false all-clear validate must not give.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { configMapData, helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { promstack, run, tools } from "../helpers/tools.js";
import { freePort } from "../live/ports.js";
import { Proc, stopAll } from "../live/processes.js";

/** The remote endpoints of the rendered prometheus.yml, alone in a config file the tools can read. */
function renderedRemoteConfig(dir: string, name: string, prometheus: Record<string, unknown>): string {
  const profile = join(dir, `${name}.yaml`);
  writeFileSync(profile, stringify({ prometheus }));
  const rendered = parse(configMapData(parseObjects(helmTemplate([profile])), `${RELEASE}-prometheus`, "prometheus.yml")) as Record<string, unknown>;
  const file = join(dir, `${name}-prometheus.yml`);
  writeFileSync(file, stringify({ global: rendered.global, remote_write: rendered.remote_write, remote_read: rendered.remote_read }));
  return file;
}

describe("semantics: remote endpoints of one name, or identical ones, are refused as Prometheus refuses them", function () {
  this.timeout(120_000);
  const binary = process.env.PROMETHEUS_BINARY;
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-remote-duplicates-"))));
  after(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it("one name twice: validate and promtool refuse it", () => {
    for (const key of ["remoteWrite", "remoteRead"] as const) {
      const prometheus = { [key]: [{ name: "primary", url: "https://metrics-a.example/api" }, { name: "primary", url: "https://metrics-b.example/api" }] };
      const profile = join(dir, `named-${key}.yaml`);
      writeFileSync(profile, stringify({ prometheus }));
      const validated = promstack(["validate", "--no-tools", profile]);
      expect(validated.status, key).to.equal(1);
      expect(validated.stdout + validated.stderr).to.contain(`prometheus.${key}[1].name: ${key}[0] is named "primary" too`);
      const checked = run(tools.promtool, ["check", "config", "--syntax-only", renderedRemoteConfig(dir, `named-${key}`, prometheus)]);
      expect(checked.status, key).to.not.equal(0);
      expect(checked.stdout + checked.stderr).to.match(/found multiple remote (write|read) configs with job name "primary"/);
    }
  });

  it("identical endpoints: validate refuses them; promtool passes them, and the Prometheus server refuses to load them (when its binary is built)", async function () {
    const prometheus = { remoteWrite: [{ url: "http://127.0.0.1:9/api/v1/write" }, { url: "http://127.0.0.1:9/api/v1/write" }] };
    const profile = join(dir, "identical.yaml");
    writeFileSync(profile, stringify({ prometheus }));
    const validated = promstack(["validate", "--no-tools", profile]);
    expect(validated.status).to.equal(1);
    expect(validated.stdout + validated.stderr).to.contain("prometheus.remoteWrite[1]: the same as remoteWrite[0]: Prometheus refuses duplicate remote write configs");
    const config = renderedRemoteConfig(dir, "identical", prometheus);
    const checked = run(tools.promtool, ["check", "config", "--syntax-only", config]);
    expect(checked.status, checked.stdout + checked.stderr).to.equal(0);

    if (!binary || !existsSync(binary)) this.skip();
    const work = join(dir, "server");
    mkdirSync(work);
    const server = new Proc("prometheus-identical-remote-write", binary!, [`--config.file=${config}`, `--storage.tsdb.path=${join(work, "data")}`, `--web.listen-address=127.0.0.1:${await freePort()}`], { cwd: work, logFile: join(work, "prometheus.log") });
    const exited = await Promise.race([server.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60_000))]);
    expect(exited, "Prometheus kept running with two identical remote_write configs").to.not.equal(undefined);
    expect(exited!.code).to.not.equal(0);
    expect(server.lines.join("\n")).to.contain("duplicate remote write configs are not allowed");
  });
});
