// Facts about a PromQL expression, read from its syntax tree (the grammar Prometheus ships,
// @prometheus-io/lezer-promql, pinned to the deployed version): the comparisons against
// constant numbers, the metric names it selects, the quantiles and ranges it uses. The
// fidelity tests compare these with what a source document states.
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { durationSeconds } from "../../generator/src/duration.js";

/** `<expression> op value`, with a constant on the left turned around (10 < x is x > 10). */
export interface Comparison {
  op: string;
  value: number;
  text: string;
}

const COMPARISON_OPS: Record<string, string> = { Gtr: ">", Lss: "<", Gte: ">=", Lte: "<=", Eql: "==", Neq: "!=" };
const MIRRORED: Record<string, string> = { ">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!=" };
const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Mod: (a, b) => a % b,
  Pow: (a, b) => a ** b,
};

function parse(expr: string): SyntaxNode {
  const tree = parser.parse(expr);
  let error: number | undefined;
  tree.iterate({ enter: (node) => { if (node.type.isError && error === undefined) error = node.from; } });
  if (error !== undefined) throw new Error(`PromQL syntax error at offset ${error} in: ${expr}`);
  return tree.topNode;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** The operator child of a BinaryExpr: the one between its two operands. */
function operatorOf(node: SyntaxNode): string | undefined {
  return children(node).find((child) => child.name in COMPARISON_OPS || child.name in ARITHMETIC || ["And", "Or", "Unless", "Atan2"].includes(child.name))?.name;
}

function operands(node: SyntaxNode): [SyntaxNode, SyntaxNode] | undefined {
  const operatorIndex = children(node).findIndex((child) => child.name === operatorOf(node));
  const before = children(node).slice(0, operatorIndex);
  const after = children(node).slice(operatorIndex + 1).filter((child) => !["BoolModifier", "MatchingModifierClause"].includes(child.name));
  const left = before[before.length - 1];
  const right = after[after.length - 1];
  return left && right ? [left, right] : undefined;
}

/** The value of a constant sub-expression (numbers, parentheses, signs, arithmetic), else undefined. */
function constantValue(node: SyntaxNode, expr: string): number | undefined {
  switch (node.name) {
    case "NumberDurationLiteral": {
      const text = expr.slice(node.from, node.to);
      const value = Number(text);
      return Number.isNaN(value) && !/^nan$/i.test(text) ? undefined : value;
    }
    case "ParenExpr": {
      const inner = children(node).find((child) => !["(", ")"].includes(child.name));
      return inner ? constantValue(inner, expr) : undefined;
    }
    case "UnaryExpr": {
      const [op, operand] = children(node);
      const value = operand ? constantValue(operand, expr) : undefined;
      if (value === undefined || !op) return undefined;
      return expr.slice(op.from, op.to).trim() === "-" ? -value : value;
    }
    case "BinaryExpr": {
      const op = operatorOf(node);
      const pair = operands(node);
      if (!op || !(op in ARITHMETIC) || !pair) return undefined;
      const [a, b] = pair.map((child) => constantValue(child, expr));
      return a === undefined || b === undefined ? undefined : ARITHMETIC[op]!(a, b);
    }
    default:
      return undefined;
  }
}

function walk(node: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(node);
  for (const child of children(node)) walk(child, visit);
}

/** Every comparison of the expression with a constant, oriented as `expression op constant`. */
export function comparisons(expr: string): Comparison[] {
  const found: Comparison[] = [];
  walk(parse(expr), (node) => {
    if (node.name !== "BinaryExpr") return;
    const opName = operatorOf(node);
    const pair = operands(node);
    if (!opName || !(opName in COMPARISON_OPS) || !pair) return;
    const op = COMPARISON_OPS[opName]!;
    const [left, right] = pair.map((child) => constantValue(child, expr));
    const text = expr.slice(node.from, node.to);
    if (right !== undefined && left === undefined) found.push({ op, value: right, text });
    else if (left !== undefined && right === undefined) found.push({ op: MIRRORED[op]!, value: left, text });
  });
  return found;
}

/** The operator of every comparison in the expression, whatever its operands. */
export function comparisonOps(expr: string): string[] {
  const ops: string[] = [];
  walk(parse(expr), (node) => {
    const opName = node.name === "BinaryExpr" ? operatorOf(node) : undefined;
    if (opName && opName in COMPARISON_OPS) ops.push(COMPARISON_OPS[opName]!);
  });
  return ops;
}

/** Names of the metrics the expression selects (recording-rule names included). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  walk(parse(expr), (node) => {
    if (node.name !== "VectorSelector") return;
    const identifier = children(node).find((child) => child.name === "Identifier");
    if (identifier) names.add(expr.slice(identifier.from, identifier.to));
    // {__name__="x"} selects a metric too.
    for (const match of expr.slice(node.from, node.to).matchAll(/__name__\s*=\s*"([^"]+)"/g)) names.add(match[1]!);
  });
  return [...names];
}

/** The quantiles the expression computes: histogram_quantile(q, ...), quantile_over_time(q, ...), quantile(q, ...). */
export function quantiles(expr: string): number[] {
  const found: number[] = [];
  walk(parse(expr), (node) => {
    const isQuantileCall = node.name === "FunctionCall" && /^(histogram_quantile|quantile_over_time)$/.test(expr.slice(node.firstChild?.from ?? 0, node.firstChild?.to ?? 0));
    const isQuantileAggregation = node.name === "AggregateExpr" && expr.slice(node.firstChild?.from ?? 0, node.firstChild?.to ?? 0) === "quantile";
    if (!isQuantileCall && !isQuantileAggregation) return;
    const body = children(node).find((child) => child.name === "FunctionCallBody");
    const first = body ? children(body).find((child) => !["(", ")", ","].includes(child.name)) : undefined;
    const value = first ? constantValue(first, expr) : undefined;
    if (value !== undefined) found.push(value);
  });
  return found;
}

/** The ranges (in seconds) of its range selectors and subqueries, e.g. rate(x[5m]) gives 300. */
export function rangeSeconds(expr: string): number[] {
  const found: number[] = [];
  walk(parse(expr), (node) => {
    if (node.name !== "MatrixSelector" && node.name !== "SubqueryExpr") return;
    const range = children(node).find((child) => child.name === "DurationExpr");
    if (range) found.push(durationSeconds(expr.slice(range.from, range.to)));
  });
  return found;
}
