// A profile file parsed with the yaml package, keeping source positions so every problem
// can point at the line and column it concerns. Scalars are read the way Helm reads them
// (YAML 1.1, see yaml11.ts); every place where that reading differs from YAML 1.2 is kept,
// so validate can tell the author to quote it.
import { readFileSync } from "node:fs";
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, Scalar, type Document, type Node, type YAMLMap } from "yaml";
import type { CST } from "yaml";
import { dottedPath, type Problem } from "./problem.js";
import { helmKey, helmReading } from "./yaml11.js";

/** Deeper nesting is refused: no profile needs it, and recursive readers would overflow. */
export const MAX_DEPTH = 500;
/** Nodes one alias may expand to, as a guard against alias bombs ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

/** A plain scalar that YAML 1.2 and Helm (YAML 1.1) read differently. */
export interface Reinterpretation {
  path: Array<string | number>;
  text: string;
  /** What the yaml package (YAML 1.2 core) reads. */
  yaml12: unknown;
  /** What Helm reads. */
  helm: unknown;
  /** A mapping key (Helm turns it into a string key). */
  key: boolean;
  offset: number;
}

export interface ProfileSource {
  file: string;
  /** The profile as its author wrote it. */
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The parsed values as Helm reads them, or undefined when the file could not be parsed. */
  values: unknown;
  reinterpretations: Reinterpretation[];
  /** Warnings found while reading (keys Helm renames, ...). */
  readingWarnings: Problem[];
}

export type LoadResult = { ok: true; source: ProfileSource } | { ok: false; problems: Problem[] };

export function loadProfile(file: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (error as Error).message;
    return { ok: false, problems: [{ file, line: 0, col: 0, path: "", message: `cannot read profile: ${reason}`, severity: "error" }] };
  }
  return parseProfile(file, text);
}

// Characters go-yaml refuses anywhere in a stream ("control characters are not allowed").
const RAW_CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;
// Control characters a value may not carry even when written as an escape ("\x01").
const VALUE_CONTROL = /[\x00-\x08\x0B-\x1F\x7F]/;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Text of a value for a message, shortened so a huge value is not echoed whole. */
export function excerpt(text: string, max = 80): string {
  const head = text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
  return head.replace(/\n/g, "\\n");
}

/** The deepest collection nesting of a CST token, found without recursion. */
function tooDeep(root: CST.Token): number | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token || typeof token !== "object") continue;
    const t = token as { type?: string; offset?: number; value?: unknown; items?: Array<{ key?: unknown; value?: unknown }> };
    const collection = t.type === "block-map" || t.type === "block-seq" || t.type === "flow-collection";
    const next = collection ? depth + 1 : depth;
    if (next > MAX_DEPTH) return t.offset ?? 0;
    if (t.value && typeof t.value === "object") stack.push([t.value, next]);
    for (const item of t.items ?? []) {
      if (item.key && typeof item.key === "object") stack.push([item.key, next]);
      if (item.value && typeof item.value === "object") stack.push([item.value, next]);
    }
  }
  return undefined;
}

export function parseProfile(file: string, text: string): LoadResult {
  const lineCounter = new LineCounter();
  const fail = (offset: number, message: string, path: ReadonlyArray<string | number> = []): LoadResult => {
    const { line, col } = lineCounter.linePos(offset);
    return { ok: false, problems: [{ file, line, col, path: dottedPath(path), message, severity: "error" }] };
  };

  const raw = RAW_CONTROL.exec(text);
  if (raw) {
    // The line counter is filled by the parser; count lines up to the character here.
    const before = text.slice(0, raw.index);
    const line = before.split("\n").length;
    const col = raw.index - before.lastIndexOf("\n");
    return { ok: false, problems: [{ file, line, col, path: "", message: `control character ${codePoint(raw[0])} is not allowed in YAML: Helm refuses the file ("control characters are not allowed")`, severity: "error" }] };
  }

  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  for (const token of tokens) {
    const offset = tooDeep(token);
    if (offset !== undefined) return fail(offset, `YAML nesting deeper than ${MAX_DEPTH} levels: a profile never needs it; flatten the structure`);
  }
  // Duplicate keys are found below, after keys are read as Helm reads them (the yaml
  // package's own check is quadratic in the number of keys of a mapping).
  const documents = [...new Composer({ uniqueKeys: false, merge: true, prettyErrors: false }).compose(tokens, true, text.length)];
  const document = documents[0]!;
  const errors = [...document.errors];
  if (documents.length > 1) errors.push(...documents.slice(1).flatMap((d) => d.errors));
  if (errors.length > 0) {
    const problems = errors.map((error): Problem => {
      const position = lineCounter.linePos(error.pos[0]);
      return { file, line: position.line, col: position.col, path: "", message: `YAML syntax: ${excerpt(firstLine(error.message), 200)}`, severity: "error" };
    });
    return { ok: false, problems };
  }
  if (documents.length > 1) return fail(documents[1]!.range[0], "a profile is one YAML document; Helm reads only the first, so remove the `---` and what follows or split the file");

  const reading = readAsHelm(file, document, lineCounter);
  if (reading.problems.length > 0) return { ok: false, problems: reading.problems };

  let values: unknown;
  try {
    values = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const alias = reading.firstAlias ?? 0;
    const message = /alias count/i.test((error as Error).message)
      ? `an alias expands to too many nodes (more than ${MAX_ALIAS_COUNT}): alias bombs are refused`
      : `cannot expand aliases: ${firstLine((error as Error).message)}`;
    return fail(alias, message);
  }
  return { ok: true, source: { file, text, document, lineCounter, values, reinterpretations: reading.reinterpretations, readingWarnings: reading.warnings } };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

/**
 * Walks the document (without recursion) and rewrites each plain scalar to Helm's reading,
 * keeping the differences; reports what Helm refuses (non-finite numbers, null keys,
 * control characters, unresolved aliases) and duplicate keys, each at its position.
 */
function readAsHelm(file: string, document: Document.Parsed, lineCounter: LineCounter) {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const reinterpretations: Reinterpretation[] = [];
  let firstAlias: number | undefined;
  const report = (list: Problem[], offset: number, path: Array<string | number>, message: string, severity: "error" | "warning") => {
    const { line, col } = lineCounter.linePos(offset);
    list.push({ file, line, col, path: dottedPath(path), message, severity });
  };

  // Returns the scalar's value as Helm reads it; rewrites the node when it differs.
  const readScalar = (scalar: Scalar, path: Array<string | number>, key: boolean): unknown => {
    const offset = scalar.range?.[0] ?? 0;
    if (typeof scalar.value === "string") {
      const control = VALUE_CONTROL.exec(scalar.value);
      if (control) report(problems, offset, path, `contains control character ${codePoint(control[0])}: Kubernetes objects and the rendered configs cannot carry it; remove it`, "error");
    }
    if (scalar.type !== Scalar.PLAIN || scalar.tag !== undefined || scalar.source === undefined) return scalar.value;
    const text = scalar.source;
    if (key && text === "<<") return scalar.value; // merge key, as in go-yaml
    const reading = helmReading(text);
    if (reading.kind === "error") {
      report(problems, offset, path, reading.message, "error");
      return scalar.value;
    }
    let helm: unknown = reading.value;
    if (key && typeof helm !== "string") {
      const name = helmKey(helm as boolean | number | null);
      if (name === undefined) {
        report(problems, offset, path, `a null key (\`${text || "empty"}\`): Helm refuses it ("unsupported map key"); quote the key`, "error");
        return scalar.value;
      }
      helm = name;
    }
    if (Object.is(helm, scalar.value)) return helm;
    if (!key) reinterpretations.push({ path, text, yaml12: scalar.value, helm, key, offset });
    scalar.value = helm;
    return helm;
  };

  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: document.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isAlias(node)) {
      firstAlias = Math.min(firstAlias ?? Infinity, node.range?.[0] ?? 0);
      if (!node.resolve(document)) report(problems, node.range?.[0] ?? 0, path, `alias *${node.source} names no anchor defined before it`, "error");
    } else if (isScalar(node)) {
      readScalar(node, path, false);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => stack.push({ node: item, path: [...path, index] }));
    } else if (isMap(node)) {
      const seen = new Map<string, { text: string; offset: number }>();
      for (const pair of (node as YAMLMap).items) {
        if (!isPair(pair)) continue;
        let name: string;
        if (isScalar(pair.key)) {
          const keyNode = pair.key as Scalar;
          const helm = readScalar(keyNode, [...path, String(keyNode.source ?? keyNode.value)], true);
          name = String(helm);
          const offset = keyNode.range?.[0] ?? 0;
          const text = keyNode.source ?? name;
          if (name !== "<<") {
            const earlier = seen.get(name);
            if (earlier) {
              const same = earlier.text === text ? `duplicate key "${name}"` : `key \`${text}\` is the key "${name}" for Helm, like \`${earlier.text}\` at line ${lineCounter.linePos(earlier.offset).line}`;
              report(problems, offset, [...path, name], `${same}: Helm keeps only the last one; remove one`, "error");
            } else seen.set(name, { text, offset });
          }
          if (typeof keyNode.value === "string" && text !== name) {
            report(warnings, offset, [...path, name], `Helm (YAML 1.1) reads the unquoted key \`${text}\` as "${name}"; quote it ("${text}") to keep the name`, "warning");
          }
        } else {
          if (isAlias(pair.key)) firstAlias = Math.min(firstAlias ?? Infinity, pair.key.range?.[0] ?? 0);
          name = String((pair.key as { source?: string } | null)?.source ?? "?");
          if (pair.key && !isAlias(pair.key)) stack.push({ node: pair.key, path: [...path, name] });
        }
        stack.push({ node: pair.value, path: [...path, name] });
      }
    }
  }
  return { problems, warnings, reinterpretations, firstAlias };
}

// positionOf is called once per problem: an index per mapping keeps that linear in the
// number of problems instead of (problems x keys).
const pairIndex = new WeakMap<YAMLMap, Map<string, Node>>();

function pairsOf(map: YAMLMap): Map<string, Node> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item as unknown as Node);
    }
    pairIndex.set(map, index);
  }
  return index;
}

/**
 * Line and column of the node at a values path. With `key`, the position of the map key
 * itself (for unknown keys). Falls back to the deepest existing ancestor.
 */
export function positionOf(source: ProfileSource, path: ReadonlyArray<string | number>, key = false): { line: number; col: number } {
  let node: Node | null = source.document.contents;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length && node; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairsOf(node as YAMLMap).get(String(segment)) as unknown as { key: Node; value: Node | null } | undefined;
      if (!pair) break;
      const keyNode = pair.key;
      if (last && key) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      node = pair.value ?? null;
      offset = node?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return source.lineCounter.linePos(offset);
}

/** Whether the profile itself sets the value at path (as opposed to a chart default). */
export function hasPath(source: ProfileSource, path: ReadonlyArray<string | number>): boolean {
  return source.document.hasIn(path);
}

const texts = new WeakMap<ProfileSource, string>();

/**
 * Line and column of a place inside a string value (its 1-based line and column), where the
 * YAML form allows a precise mapping: block scalars (| and >, line by line) and one-line
 * scalars without escapes. Otherwise the start of the value.
 */
export function positionInString(source: ProfileSource, path: ReadonlyArray<string | number>, line: number, col: number): { line: number; col: number } {
  const start = positionOf(source, path);
  const node = source.document.getIn(path, true);
  if (!isScalar(node) || !node.range || typeof node.value !== "string") return start;
  let text = texts.get(source);
  if (text === undefined) {
    try {
      text = readFileSync(source.file, "utf8");
    } catch {
      return start;
    }
    texts.set(source, text);
  }
  if (node.type === "BLOCK_LITERAL") {
    const lines = text.slice(node.range[0], node.range[1]).split("\n").slice(1);
    const indent = lines.find((l) => l.trim() !== "")?.match(/^ */)?.[0].length ?? 0;
    return { line: start.line + line, col: indent + col };
  }
  if (line !== 1) return start;
  const raw = text.slice(node.range[0], node.range[1]);
  const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
  const body = quoted ? raw.slice(1, raw.lastIndexOf(raw[0]!)) : raw;
  if (body !== node.value || [...body].length !== body.length) return { line: start.line, col: start.col };
  return { line: start.line, col: start.col + (quoted ? 1 : 0) + col - 1 };
}
