// Which labels an expression's result keeps, read from its syntax tree. An inhibit rule's
// `equal` labels only work when both alerts carry them, and an aggregation, a vector match or
// a function can drop a label the selectors had; this finds the node that drops it. A selector
// of a series a recording rule records is followed into that rule; other selectors are assumed
// to carry every label, since what a scraped series has is known only at run time.
import { lineAndColumn } from "./promql.js";
import { promqlTree, type Expr } from "./promql-types.js";

export interface LabelLoss {
  /** Offset, 1-based line and column in the expression of the node that drops the label. */
  offset: number;
  line: number;
  column: number;
  /** What drops it, e.g. "sum by (queue) keeps only queue". */
  reason: string;
}

/** Whether an expression evaluates to a scalar (which has no labels). */
function isScalar(expr: Expr): boolean {
  switch (expr.kind) {
    case "number":
      return true;
    case "paren":
    case "unary":
      return isScalar(expr.inner);
    case "call":
      return expr.signature.returns === "scalar";
    case "binary":
      return isScalar(expr.lhs) && isScalar(expr.rhs);
    default:
      return false;
  }
}

const list = (labels: string[]) => `(${labels.join(", ")})`;

/** Recording rules by the series they record: their expression and static labels. */
export type Recordings = ReadonlyMap<string, { expr: string; labels: Record<string, string> }>;

interface Context {
  recordings: Recordings;
  /** Recorded series being followed, so a cycle of recording rules ends. */
  following: Set<string>;
}

type Drop = { at: Expr; reason: string } | undefined;

function selectorDrops(expr: Extract<Expr, { kind: "selector" }>, label: string, context: Context): Drop {
  const name = expr.name ?? expr.matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
  const recording = name === undefined ? undefined : context.recordings.get(name);
  if (name === undefined || !recording || label in recording.labels || context.following.has(name)) return undefined;
  const tree = promqlTree(recording.expr);
  if (!tree) return undefined;
  context.following.add(name);
  const inner = drops(tree, label, context);
  context.following.delete(name);
  return inner && { at: expr, reason: `${name} is recorded by a rule whose expression drops it (${inner.reason})` };
}

/** The node of an expression that drops `label` from its result, as Prometheus evaluates it. */
function drops(expr: Expr, label: string, context: Context): Drop {
  switch (expr.kind) {
    case "selector":
      return selectorDrops(expr, label, context);
    case "number":
    case "string":
    case "duration":
      return { at: expr, reason: "a scalar has no labels" };
    case "paren":
    case "unary":
    case "matrix":
    case "subquery":
      return drops(expr.inner, label, context);
    case "call":
      return callDrops(expr, label, context);
    case "aggregate":
      return aggregateDrops(expr, label, context);
    case "binary":
      return binaryDrops(expr, label, context);
  }
}

function callDrops(expr: Extract<Expr, { kind: "call" }>, label: string, context: Context): Drop {
  const { name, args } = expr;
  if (expr.signature.returns === "scalar") return { at: expr, reason: `${name}() returns a scalar, which has no labels` };
  if (name === "absent" || name === "absent_over_time") {
    // absent() builds its one series from the equality matchers of a selector argument.
    const arg = args[0]?.kind === "matrix" ? args[0].inner : args[0];
    const kept = arg?.kind === "selector" && arg.matchers.some((m) => m.name === label && m.op === "=");
    return kept ? undefined : { at: expr, reason: `${name}() carries only the labels its selector sets with =` };
  }
  if ((name === "label_replace" || name === "label_join") && args[1]?.kind === "string" && args[1].value === label) return undefined;
  if (name === "vector") return { at: expr, reason: "vector() has no labels" };
  // Every other function returns the series of its vector argument, without __name__.
  const source = args.find((_, index) => {
    const type = expr.signature.args[Math.min(index, expr.signature.args.length - 1)];
    return type === "vector" || type === "matrix";
  });
  return source ? drops(source, label, context) : { at: expr, reason: `${name}() has no labels` };
}

function aggregateDrops(expr: Extract<Expr, { kind: "aggregate" }>, label: string, context: Context): Drop {
  const inner = expr.args[expr.args.length - 1]!;
  // These select series and return them whole; the grouping only partitions the selection.
  if (["topk", "bottomk", "limitk", "limit_ratio"].includes(expr.op)) return drops(inner, label, context);
  if (expr.op === "count_values" && expr.args[0]?.kind === "string" && expr.args[0].value === label) return undefined;
  const grouping = expr.grouping;
  if (!grouping) return { at: expr, reason: `${expr.op}() without by or without keeps no labels` };
  if (grouping.without) return grouping.labels.includes(label) ? { at: expr, reason: `${expr.op} without ${list(grouping.labels)} removes it` } : drops(inner, label, context);
  return grouping.labels.includes(label) ? drops(inner, label, context) : { at: expr, reason: `${expr.op} by ${list(grouping.labels)} keeps only ${grouping.labels.join(", ") || "no labels"}` };
}

function binaryDrops(expr: Extract<Expr, { kind: "binary" }>, label: string, context: Context): Drop {
  const [leftScalar, rightScalar] = [isScalar(expr.lhs), isScalar(expr.rhs)];
  if (leftScalar && rightScalar) return { at: expr, reason: "an operation between scalars has no labels" };
  if (rightScalar) return drops(expr.lhs, label, context);
  if (leftScalar) return drops(expr.rhs, label, context);
  if (expr.op === "and" || expr.op === "unless") return drops(expr.lhs, label, context);
  if (expr.op === "or") return drops(expr.lhs, label, context) ?? drops(expr.rhs, label, context);
  const matching = expr.on ? `on ${list(expr.matching)}` : `ignoring ${list(expr.matching)}`;
  if (expr.card === "one-to-one") {
    if (expr.on && !expr.matching.includes(label)) return { at: expr, reason: `${expr.op} ${matching} keeps only ${expr.matching.join(", ") || "no labels"}` };
    if (!expr.on && expr.matching.includes(label)) return { at: expr, reason: `${expr.op} ${matching} removes it` };
    return drops(expr.lhs, label, context);
  }
  // group_left/group_right: the result is the "many" side's series, plus the listed labels of the "one" side.
  const [many, one] = expr.card === "many-to-one" ? [expr.lhs, expr.rhs] : [expr.rhs, expr.lhs];
  return expr.include.includes(label) ? drops(one, label, context) : drops(many, label, context);
}

/** Where an expression drops `label` from its result, or undefined when it keeps it (or does not parse). */
export function labelLoss(expr: string, label: string, recordings: Recordings = new Map()): LabelLoss | undefined {
  const tree = promqlTree(expr);
  const loss = tree && drops(tree, label, { recordings, following: new Set() });
  if (!loss) return undefined;
  return { offset: loss.at.from, ...lineAndColumn(expr, loss.at.from), reason: loss.reason };
}
