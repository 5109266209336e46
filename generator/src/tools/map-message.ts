// Points a message of helm, promtool or amtool at the place in the profile it is about. The
// tools speak of the rendered files; what links them to the profile are the names the
// message quotes (groups, alerts, receivers, jobs, Secrets, fields), looked up in the
// profile's YAML within the section the tool checks. Unplaced messages go to the top.
import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { dottedPath, type Problem } from "../validate/problem.js";
import { positionOf, type ProfileSource } from "../validate/source.js";

type Path = Array<string | number>;

export type ToolCheck = "helm template" | "promtool check config" | "promtool check rules" | "amtool check-config";

function nodeAt(source: ProfileSource, path: Path): Node | null {
  return source.document.getIn(path, true) as Node | null ?? null;
}

/** The path of the first key or string value equal to name below `base`, in document order. */
function findName(source: ProfileSource, base: Path, name: string): Path | undefined {
  const start = base.length === 0 ? source.document.contents : nodeAt(source, base);
  const walk = (node: unknown, path: Path): Path | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (key === name) return [...path, key];
        const below = walk(pair.value, [...path, key]);
        if (below) return below;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const below = walk(node.items[i], [...path, i]);
        if (below) return below;
      }
    } else if (isScalar(node) && typeof node.value === "string" && (node.value === name || (name.length > 2 && node.value.includes(name)))) {
      return path;
    }
    return undefined;
  };
  return walk(start, base);
}

/** Names a message quotes: "x", 'x', field x, and the Secret and key of a mounted file path. */
export function quotedNames(message: string): string[] {
  const names: string[] = [];
  for (const match of message.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|\bfield (\S+)|\bunknown time zone (\S+)/g)) {
    const name = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? "").replace(/\\"/g, '"');
    if (!name) continue;
    const secret = /^\/etc\/[a-z-]+\/secrets\/([^/]+)\/([^/]+)$/.exec(name);
    if (secret) names.push(secret[1]!, secret[2]!);
    names.push(name);
  }
  return names;
}

function topKeys(source: ProfileSource): string[] {
  const root = source.document.contents;
  return isMap(root) ? root.items.filter((p) => isPair(p) && isScalar(p.key)).map((p) => String((p.key as { value: unknown }).value)) : [];
}

function exists(source: ProfileSource, path: Path): boolean {
  return path.length === 0 || source.document.hasIn(path);
}

/** The sections of a profile each check is about, most specific first. */
const SECTIONS: Record<ToolCheck, Path[]> = {
  "helm template": [[]],
  "promtool check config": [["prometheus"], ["exporters"], ["scrape"], []],
  "promtool check rules": [["rules"], ["prometheus"], []],
  "amtool check-config": [["alertmanager"], []],
};

function placeRule(source: ProfileSource, message: string): Path | undefined {
  const match = /group "((?:[^"\\]|\\.)*)", rule \d+, "((?:[^"\\]|\\.)*)"/.exec(message);
  if (!match) return undefined;
  const [, group, rule] = match;
  const base = ["rules", group!];
  if (!exists(source, base)) return undefined;
  return (rule && findName(source, base, rule)) || base;
}

function placeHelm(source: ProfileSource, message: string): Path | undefined {
  // Helm's schema errors name a JSON pointer ("at '/a/b/0'") or a dotted path ("- a.b: ...").
  const pointer = /at '\/([^']*)'/.exec(message)?.[1]?.split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const raw = pointer ?? /^- ([^:\s]+): /m.exec(message)?.[1]?.split(".");
  if (!raw) return undefined;
  let segments: Path = raw.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  // Helm copies the parent's `global` into every subchart: <subchart>.global.x is global.x.
  if (segments[1] === "global" && !exists(source, segments.slice(0, 2))) segments = segments.slice(1);
  // A subchart's own schema names paths below its key: /extraEnv of grafana is grafana.extraEnv.
  if (!exists(source, segments.slice(0, 1))) {
    const owner = topKeys(source).find((key) => exists(source, [key, segments[0]!]));
    if (owner) segments = [owner, ...segments];
  }
  for (let n = segments.length; n > 0; n--) if (exists(source, segments.slice(0, n))) return segments.slice(0, n);
  return undefined;
}

/** Where in the profile a tool's message belongs. */
export function placeMessage(source: ProfileSource, check: ToolCheck, message: string): Path {
  const specific = check === "promtool check rules" ? placeRule(source, message) : check === "helm template" ? placeHelm(source, message) : undefined;
  if (specific) return specific;
  const names = quotedNames(message);
  for (const section of SECTIONS[check]) {
    if (!exists(source, section)) continue;
    for (const name of names) {
      const found = findName(source, section, name);
      if (found) return found;
    }
  }
  if (check === "amtool check-config") {
    for (const [word, path] of [["inhibit", ["alertmanager", "inhibitRules"]], ["time interval", ["alertmanager", "timeIntervals"]], ["route", ["alertmanager", "route"]], ["receiver", ["alertmanager", "receivers"]], ["template", ["alertmanager", "templates"]]] as Array<[string, Path]>) {
      if (message.toLowerCase().includes(word) && exists(source, path)) return path;
    }
  }
  return [];
}

export function toolProblem(source: ProfileSource, check: ToolCheck, message: string): Problem {
  const path = placeMessage(source, check, message);
  const position = path.length === 0 ? { line: 1, col: 1 } : positionOf(source, path, typeof path[path.length - 1] === "string");
  return { file: source.file, line: position.line, col: position.col, path: dottedPath(path), message: `${check}: ${message}`, severity: "error" };
}
