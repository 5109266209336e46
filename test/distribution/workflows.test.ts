import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot, run, tools } from "../helpers/tools.js";
import { packageChart, scratch, throwawayKey, tool } from "./helpers.js";

const workflowsDir = join(repoRoot, ".github", "workflows");
const workflows = readdirSync(workflowsDir).filter((file) => /\.ya?ml$/.test(file)).sort();
const shellcheck = run("sh", ["-c", "command -v shellcheck"]).status === 0;

interface Workflow {
  jobs: Record<string, { steps?: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
}

function actionlint(files: string[]): ReturnType<typeof run> {
  return run(tool("ACTIONLINT"), ["-no-color", "-oneline", "-verbose", ...files], { cwd: repoRoot });
}

describe("distribution: GitHub workflows", function () {
  it("there are workflows to check, the release workflow among them", () => {
    expect(workflows).to.include("release.yaml");
  });

  for (const file of workflows) {
    it(`actionlint${shellcheck ? " (with shellcheck)" : ""} accepts ${file}`, () => {
      const result = actionlint([join(workflowsDir, file)]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      // actionlint runs shellcheck on run: scripts when it is installed (Debian: shellcheck).
      if (shellcheck) expect(result.stderr).not.to.match(/Rule "shellcheck" was disabled/);
    });

    it(`${file} pins every action by a version tag`, () => {
      const workflow = parse(readFileSync(join(workflowsDir, file), "utf8")) as Workflow;
      const uses = Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.uses).filter((u): u is string => !!u));
      for (const action of uses.filter((u) => !u.startsWith("./"))) expect(action, file).to.match(/^[\w.-]+\/[\w./-]+@v\d+\.\d+\.\d+$/);
    });
  }

  it("actionlint reports a broken workflow (the check can fail)", () => {
    const work = scratch("actionlint");
    try {
      const broken = join(work.dir, "broken.yaml");
      writeFileSync(
        broken,
        ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-24.04", "    steps:", "      - run: echo ${{ steps.missing.outputs.value }}", "      - uses: actions/checkout@v7.0.1", "        with:", "          fetch-dept: 0", ""].join("\n"),
      );
      const result = actionlint([broken]);
      expect(result.status).to.equal(1);
      expect(result.stdout).to.match(/property "missing" is not defined/);
    } finally {
      work.remove();
    }
  });

  it("the release workflow publishes what make package builds, to both repositories", () => {
    const workflow = parse(readFileSync(join(workflowsDir, "release.yaml"), "utf8")) as Workflow;
    const steps = workflow.jobs.release!.steps!;
    const scripts = steps.map((step) => step.run ?? "").join("\n");
    expect(scripts).to.match(/^\s*make package$/m);
    expect(scripts).to.match(/helm push "\.work\/dist\/promstack-\$VERSION\.tgz" "oci:\/\//);
    const releaser = steps.find((step) => step.uses?.startsWith("helm/chart-releaser-action@"));
    expect(releaser?.with).to.include({ skip_packaging: true });
  });

  it("the signing secret's documented format (an armoured secret key) de-armours into a keyring make package signs with", () => {
    const work = scratch("release-key");
    try {
      const key = throwawayKey(work.dir);
      // As a maintainer exports it into the secret, from their own GnuPG home...
      const home = join(work.dir, "gnupg");
      const gpg = (args: string) => run("sh", ["-c", `gpg --homedir "${home}" --batch --quiet ${args}`]);
      mkdirSync(home, { mode: 0o700 });
      try {
        expect(gpg(`--import "${key.keyring}"`).status).to.equal(0);
        const exported = gpg(`--export-secret-keys --armor > "${join(work.dir, "secret.asc")}"`);
        expect(exported.status, exported.stderr).to.equal(0);
      } finally {
        run("gpgconf", ["--homedir", home, "--kill", "all"]);
      }
      expect(readFileSync(join(work.dir, "secret.asc"), "utf8")).to.match(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
      // ...and as the workflow's "Import the signing key" step turns it into a keyring.
      const dearmoured = run("sh", ["-c", `gpg --dearmor < "${join(work.dir, "secret.asc")}" > "${join(work.dir, "secring.gpg")}"`]);
      expect(dearmoured.status, dearmoured.stderr).to.equal(0);
      const result = packageChart(join(work.dir, "dist"), { ...key, keyring: join(work.dir, "secring.gpg") });
      expect(result.status, result.stderr).to.equal(0);
      const archive = readdirSync(join(work.dir, "dist")).find((f) => f.endsWith(".tgz"))!;
      expect(run(tools.helm, ["verify", join(work.dir, "dist", archive), "--keyring", key.publicKeyring]).status).to.equal(0);
    } finally {
      work.remove();
    }
  });
});
