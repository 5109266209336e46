// The profile an import builds: values set at paths, each remembering the source key it came
// from (for the unmapped report) and an optional comment (for the written YAML).
import { Document, isMap, isScalar, isSeq, type Node } from "yaml";
import { isMapping, type Path, type Where } from "./source.js";

interface Meta {
  where?: Where;
  comment?: string;
}

const pathKey = (path: Path): string => JSON.stringify(path);

export class ProfileBuilder {
  readonly values: Record<string, unknown> = {};
  private readonly meta = new Map<string, Meta>();
  /** Values the import adds for equality with the source (not from it): dropped without a report if the contract refuses them. */
  private readonly optional = new Set<string>();

  setOptional(path: Path, value: unknown, comment: string): void {
    this.set(path, value, undefined, comment);
    this.optional.add(pathKey(path));
  }

  isOptional(path: Path): boolean {
    return this.optional.has(pathKey(path));
  }

  /** Sets a value, creating the mappings above it. */
  set(path: Path, value: unknown, where?: Where, comment?: string): void {
    let node: Record<string | number, unknown> = this.values;
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      if (node[segment] === undefined || node[segment] === null || typeof node[segment] !== "object") node[segment] = typeof path[i + 1] === "number" ? [] : {};
      node = node[segment] as Record<string | number, unknown>;
    }
    node[path[path.length - 1]!] = value;
    this.note(path, where, comment);
  }

  /** Appends to the list at path; returns the new element's path. */
  push(path: Path, value: unknown, where?: Where, comment?: string): Path {
    const list = (this.get(path) as unknown[] | undefined) ?? [];
    if (list.length === 0) this.set(path, list);
    list.push(value);
    const itemPath = [...path, list.length - 1];
    this.note(itemPath, where, comment);
    return itemPath;
  }

  get(path: Path): unknown {
    let node: unknown = this.values;
    for (const segment of path) {
      if (node === null || typeof node !== "object") return undefined;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return node;
  }

  has(path: Path): boolean {
    return this.get(path) !== undefined;
  }

  note(path: Path, where?: Where, comment?: string): void {
    const meta = this.meta.get(pathKey(path)) ?? {};
    if (where) meta.where = where;
    if (comment) meta.comment = meta.comment ? `${meta.comment}\n${comment}` : comment;
    this.meta.set(pathKey(path), meta);
  }

  /** The source of the value at path, or of its nearest ancestor that has one. */
  whereOf(path: Path): Where | undefined {
    for (let n = path.length; n >= 0; n--) {
      const where = this.meta.get(pathKey(path.slice(0, n)))?.where;
      if (where) return where;
    }
    return undefined;
  }

  /** Removes the value at path (list items are spliced out and later items' notes follow them). */
  delete(path: Path): void {
    if (path.length === 0) return;
    const parent = this.get(path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof last === "number") {
      parent.splice(last, 1);
      this.shiftNotes(path.slice(0, -1), last);
    } else if (isMapping(parent)) {
      delete parent[last as string];
      const prefix = pathKey(path).slice(0, -1);
      for (const key of [...this.meta.keys()]) if (key === pathKey(path) || key.startsWith(`${prefix},`)) this.meta.delete(key);
    }
  }

  private shiftNotes(listPath: Path, removed: number): void {
    const depth = listPath.length;
    const moved: Array<[Path, Meta]> = [];
    for (const [key, meta] of this.meta) {
      const path = JSON.parse(key) as Path;
      if (path.length <= depth || pathKey(path.slice(0, depth)) !== pathKey(listPath)) continue;
      const index = path[depth] as number;
      if (index < removed) continue;
      this.meta.delete(key);
      if (index > removed) moved.push([[...listPath, index - 1, ...path.slice(depth + 1)], meta]);
    }
    for (const [path, meta] of moved) this.meta.set(pathKey(path), meta);
  }

  /** The profile as YAML, with the header and every note's comment above its key or item. */
  toYaml(header: string): string {
    // Written for Helm's YAML 1.1 reading: a string it would read as something else (yes, on,
    // n, 010, 1:20) is quoted, where YAML 1.2 would leave it plain.
    const document = new Document(this.values, { version: "1.1" });
    document.commentBefore = header;
    for (const [key, meta] of this.meta) {
      if (!meta.comment) continue;
      const path = JSON.parse(key) as Path;
      const target = commentTarget(document, path);
      if (target) target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${commentText(meta.comment)}` : commentText(meta.comment);
    }
    return document.toString({ lineWidth: 0, indent: 2, indentSeq: true });
  }
}

function commentText(comment: string): string {
  return comment
    .split("\n")
    .map((line) => ` ${line}`)
    .join("\n");
}

/** The node a comment about path goes on: the key of a mapping entry, or a list item. */
function commentTarget(document: Document, path: Path): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1]!;
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === last);
    if (!pair) return undefined;
    if (!isScalar(pair.key)) pair.key = document.createNode(pair.key);
    return pair.key as Node;
  }
  if (isSeq(parent) && typeof last === "number") return parent.items[last] as Node | undefined;
  return undefined;
}
