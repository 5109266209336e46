// CHANGELOG.md → the chart's release notes. Each `## [X.Y.Z] - date` section lists changes
// under `### Added|Changed|Deprecated|Removed|Fixed|Security`, the kinds Artifact Hub's
// `artifacthub.io/changes` annotation knows. Versions must be semantic and newest first.
export const CHANGE_KINDS = ["added", "changed", "deprecated", "removed", "fixed", "security"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  kind: ChangeKind;
  description: string;
  links?: { name: string; url: string }[];
}

export interface Release {
  version: string;
  line: number;
  changes: Change[];
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

/** Semantic-version precedence (semver.org §11): negative when a < b. */
export function compareSemver(a: string, b: string): number {
  const [, ...pa] = SEMVER.exec(a) ?? [];
  const [, ...pb] = SEMVER.exec(b) ?? [];
  if (pa.length === 0 || pb.length === 0) throw new Error(`not a semantic version: ${pa.length === 0 ? a : b}`);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return Number(pa[i]) - Number(pb[i]);
  const [preA, preB] = [pa[3], pb[3]];
  if (preA === preB) return 0;
  if (preA === undefined) return 1; // a release ranks above its pre-releases
  if (preB === undefined) return -1;
  const idsA = preA.split(".");
  const idsB = preB.split(".");
  for (let i = 0; i < Math.min(idsA.length, idsB.length); i++) {
    const [x, y] = [idsA[i]!, idsB[i]!];
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1; // numeric identifiers rank below alphanumeric ones
    return x < y ? -1 : 1;
  }
  return idsA.length - idsB.length;
}

/** A bullet's text with markdown links reduced to their names, and the links themselves. */
function toChange(kind: ChangeKind, text: string): Change {
  const links: { name: string; url: string }[] = [];
  const description = text.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, name: string, url: string) => {
    links.push({ name, url });
    return name;
  });
  return links.length > 0 ? { kind, description, links } : { kind, description };
}

export function parseChangelog(text: string, file: string): Release[] {
  const releases: Release[] = [];
  let release: Release | undefined;
  let kind: ChangeKind | undefined;
  let bullet: { text: string } | undefined;
  const fail = (line: number, message: string): never => {
    throw new Error(`${file}:${line}: ${message}`);
  };
  const flush = () => {
    if (bullet && release && kind) release.changes.push(toChange(kind, bullet.text));
    bullet = undefined;
  };

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const releaseHeading = /^## \[?([^\]\s]+)\]?(?:\s+-\s+.*)?$/.exec(raw);
    if (raw.startsWith("## ")) {
      flush();
      kind = undefined;
      // "## Versioning" and other prose sections are not releases.
      release = releaseHeading && /^\d/.test(releaseHeading[1]!) ? { version: releaseHeading[1]!, line, changes: [] } : undefined;
      if (release) {
        if (!isSemver(release.version)) fail(line, `"${release.version}" is not a semantic version (X.Y.Z[-pre])`);
        const newer = releases.at(-1);
        if (newer && compareSemver(newer.version, release.version) <= 0) fail(line, `${release.version} must come after ${newer.version}: list releases newest first, each once`);
        releases.push(release);
      }
      return;
    }
    if (!release) return;
    if (raw.startsWith("### ")) {
      flush();
      const name = raw.slice(4).trim().toLowerCase();
      if (!(CHANGE_KINDS as readonly string[]).includes(name)) fail(line, `unknown change kind "${raw.slice(4).trim()}"; use one of ${CHANGE_KINDS.join(", ")} (capitalised)`);
      kind = name as ChangeKind;
      return;
    }
    if (raw.startsWith("- ")) {
      flush();
      if (!kind) fail(line, `change listed outside a ### kind heading in release ${release.version}`);
      bullet = { text: raw.slice(2).trim() };
      return;
    }
    if (bullet && /^\s+\S/.test(raw)) bullet.text += ` ${raw.trim()}`; // a wrapped bullet
    else flush();
  });
  flush();
  return releases;
}

/** The changes of `version`, which must be the newest release listed. */
export function changesOf(releases: Release[], version: string, file: string): Change[] {
  const newest = releases[0];
  if (!newest) throw new Error(`${file}: no release sections ("## [${version}] - YYYY-MM-DD")`);
  if (newest.version !== version) {
    throw new Error(`${file}:${newest.line}: the newest release is ${newest.version} but the chart version (package.json) is ${version}: add a "## [${version}]" section above it`);
  }
  if (newest.changes.length === 0) throw new Error(`${file}:${newest.line}: release ${version} lists no changes`);
  return newest.changes;
}
