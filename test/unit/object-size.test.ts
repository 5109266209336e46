// Kubernetes' 1 MiB cap on ConfigMap and Secret data: `promstack flux` refuses to write a
// values ConfigMap over it, and validate warns when a profile's values alone fill half of
// the Helm release Secret.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../generator/src/cli.js";

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { status, out: out.join("\n"), err: err.join("\n") };
}

describe("unit: Kubernetes object size limits", () => {
  const dir = mkdtempSync(join(tmpdir(), "promstack-size-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("flux refuses a values ConfigMap over 1 MiB and writes nothing", async () => {
    const profile = join(dir, "big.yaml");
    // Comments travel in the ConfigMap too (it holds the profile as written).
    writeFileSync(profile, `${"# a long explanation\n".repeat(55_000)}prometheus:\n  replicas: 1\n`);
    const output = join(dir, "flux-out");
    const result = await cli(["flux", profile, "--output", output]);
    expect(result.status).to.equal(1);
    expect(result.err).to.match(/big\.yaml:1:1: \(root\): the ConfigMap in values-configmap\.yaml would hold 11\d{5} bytes of data, over Kubernetes' limit of 1048576 bytes/);
    expect(existsSync(output)).to.equal(false);
    expect(readdirSync(dir)).to.deep.equal(["big.yaml"]);
  });

  it("flux writes a ConfigMap just under the limit", async () => {
    const profile = join(dir, "fits.yaml");
    writeFileSync(profile, `${"# a long explanation\n".repeat(45_000)}prometheus:\n  replicas: 1\n`);
    const result = await cli(["flux", profile, "--output", join(dir, "fits-out")]);
    expect(result.status, result.err).to.equal(0);
  });

  it("validate warns when a profile's values risk the Helm release Secret cap", async () => {
    const profile = join(dir, "heavy.yaml");
    writeFileSync(profile, `prometheus:\n  podAnnotations:\n    blob: ${randomBytes(450_000).toString("base64")}\n`);
    const result = await cli(["validate", "--no-tools", profile]);
    expect(result.status, result.err).to.equal(0);
    expect(result.out + result.err).to.match(/heavy\.yaml:1:1: \(root\): warning: these values take about \d+ KiB of the Helm release Secret/);
    const small = join(dir, "small.yaml");
    writeFileSync(small, "prometheus:\n  replicas: 1\n");
    expect((await cli(["validate", "--no-tools", small])).out).to.not.match(/release Secret/);
  });
});
