import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { changesOf, compareSemver, parseChangelog } from "../../generator/src/chart/changelog.js";
import { chartMetadata } from "../../generator/src/chart/metadata.js";
import { paths } from "../../generator/src/paths.js";

const changelog = (body: string) => `# Changelog\n\nIntro text.\n\n## Versioning\n\n- not a change\n\n${body}`;

describe("unit: CHANGELOG.md and chart versions", () => {
  it("orders versions by semantic-version precedence", () => {
    const ordered = ["0.9.0", "0.10.0-alpha", "0.10.0-alpha.1", "0.10.0-alpha.beta", "0.10.0-beta.2", "0.10.0-beta.11", "0.10.0-rc.1", "0.10.0", "1.0.0"];
    for (let i = 1; i < ordered.length; i++) expect(compareSemver(ordered[i - 1]!, ordered[i]!), `${ordered[i - 1]} < ${ordered[i]}`).to.be.below(0);
    expect(compareSemver("1.2.3", "1.2.3+build.5")).to.equal(0);
  });

  it("reads each release's changes by kind, joining wrapped bullets and lifting links", () => {
    const releases = parseChangelog(
      changelog(`## [1.1.0] - 2026-11-01

### Added

- Thanos sidecar, see [the docs](https://example.org/thanos)
  for the object store settings.

### Security

- Grafana 12.3.1 (CVE fix).

## [1.0.0] - 2026-10-01

### Fixed

- Gossip over UDP.
`),
      "CHANGELOG.md",
    );
    expect(releases.map((r) => r.version)).to.deep.equal(["1.1.0", "1.0.0"]);
    expect(releases[0]!.changes).to.deep.equal([
      { kind: "added", description: "Thanos sidecar, see the docs for the object store settings.", links: [{ name: "the docs", url: "https://example.org/thanos" }] },
      { kind: "security", description: "Grafana 12.3.1 (CVE fix)." },
    ]);
    expect(changesOf(releases, "1.1.0", "CHANGELOG.md")).to.have.length(2);
  });

  it("names file and line for every mistake", () => {
    const cases: Array<[string, RegExp]> = [
      ["## [1.0] - x\n### Added\n- a\n", /CHANGELOG.md:9: "1.0" is not a semantic version/],
      ["## [1.0.0]\n### Improved\n- a\n", /CHANGELOG.md:10: unknown change kind "Improved"/],
      ["## [1.0.0]\n- a\n", /CHANGELOG.md:10: change listed outside a ### kind heading/],
      ["## [1.0.0]\n### Added\n- a\n## [1.1.0]\n### Added\n- b\n", /CHANGELOG.md:12: 1.1.0 must come after 1.0.0: list releases newest first/],
    ];
    for (const [body, message] of cases) expect(() => parseChangelog(changelog(body), "CHANGELOG.md")).to.throw(message);
  });

  it("requires the chart version to be the newest release, with changes", () => {
    const releases = parseChangelog(changelog("## [1.0.0] - 2026-10-01\n### Fixed\n- a\n## [0.9.0]\n### Added\n- b\n"), "CHANGELOG.md");
    expect(() => changesOf(releases, "1.0.1", "CHANGELOG.md")).to.throw(/CHANGELOG.md:9: the newest release is 1.0.0 but the chart version \(package.json\) is 1.0.1/);
    const empty = parseChangelog(changelog("## [2.0.0]\n### Removed\n"), "CHANGELOG.md");
    expect(() => changesOf(empty, "2.0.0", "CHANGELOG.md")).to.throw(/release 2.0.0 lists no changes/);
  });

  it("the committed chart carries the version and the changes of CHANGELOG.md", () => {
    const meta = chartMetadata();
    const chart = parse(readFileSync(`${paths.chart}/Chart.yaml`, "utf8")) as { version: string; annotations: Record<string, string> };
    expect(chart.version).to.equal(meta.version);
    expect(parse(chart.annotations["artifacthub.io/changes"]!)).to.deep.equal(meta.changes);
    expect(chart.annotations["artifacthub.io/prerelease"]).to.equal(String(meta.version.includes("-")));
    for (const key of ["artifacthub.io/images", "artifacthub.io/license", "artifacthub.io/links"]) expect(chart.annotations).to.have.property(key);
  });
});
