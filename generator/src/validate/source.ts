// A profile file parsed with the yaml package, keeping source positions so every problem
// can point at the line and column it concerns.
import { readFileSync } from "node:fs";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Problem } from "./problem.js";

export interface ProfileSource {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The parsed values, or undefined when the file could not be parsed. */
  values: unknown;
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

export function parseProfile(file: string, text: string): LoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error): Problem => {
      const position = lineCounter.linePos(error.pos[0]);
      return { file, line: position.line, col: position.col, path: "", message: `YAML syntax: ${firstLine(error.message)}`, severity: "error" };
    });
    return { ok: false, problems };
  }
  const values = document.toJS({ maxAliasCount: 100 }) ?? {};
  return { ok: true, source: { file, document, lineCounter, values } };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
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
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (last && key) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      node = (pair.value as Node | null) ?? null;
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
