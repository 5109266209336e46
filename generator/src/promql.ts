// PromQL syntax check with the grammar Prometheus ships for its own web UI
// (@prometheus-io/lezer-promql, pinned to the Prometheus version the chart deploys).
// The grammar recovers from errors by inserting error nodes; every error node is a
// syntax problem at a known offset. It checks syntax only: type errors such as
// rate() over an instant vector pass here and are caught by promtool in the tests.
import type { Tree } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

export interface PromQLError {
  /** Offset of the problem in the expression (0-based, in UTF-16 code units). */
  offset: number;
  /** 1-based line and column of the offset, for expressions written over several lines. */
  line: number;
  column: number;
  message: string;
}

/** 1-based line and column of an offset in an expression. */
export function lineAndColumn(expr: string, offset: number): { line: number; column: number } {
  return lineLocator(expr)(offset);
}

/** Finds line starts once, so locating many offsets stays linear in the expression's size. */
function lineLocator(expr: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = expr.indexOf("\n"); i !== -1; i = expr.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}

function describe(expr: string, from: number, to: number): string {
  if (from >= expr.trimEnd().length) return expr.trim() === "" ? "empty expression" : "unexpected end of expression";
  const text = from < to ? expr.slice(from, to) : expr.slice(from).trimStart().split(/\s/)[0]!;
  return `unexpected ${JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}…` : text)}`;
}

// Error recovery costs time per error: a huge expression full of errors took minutes. Past
// this size the parse stops at the first error (the one every caller reports).
const RECOVERY_LIMIT = 20_000;
const strictParser = parser.configure({ strict: true });

// validate reads each expression three times (syntax, types, the series it reads): the tree
// and the syntax errors are kept per expression, so it is parsed once. Bounded, for long runs.
const CACHE_LIMIT = 2000;
const trees = new Map<string, Tree>();
const syntaxErrors = new Map<string, PromQLError[]>();

function remember<T>(cache: Map<string, T>, expr: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expr, value);
  return value;
}

/** The grammar's tree of an expression (with error nodes where it does not parse). */
export function promqlSyntaxTree(expr: string): Tree {
  return trees.get(expr) ?? remember(trees, expr, parser.parse(expr));
}

/** Every syntax error of a PromQL expression, in order; an empty list means it parses. */
export function checkPromQL(expr: string): PromQLError[] {
  return (syntaxErrors.get(expr) ?? remember(syntaxErrors, expr, syntaxErrorsOf(expr))).slice();
}

function syntaxErrorsOf(expr: string): PromQLError[] {
  const errors: PromQLError[] = [];
  const seen = new Set<number>();
  const locate = lineLocator(expr);
  if (expr.length > RECOVERY_LIMIT) {
    try {
      strictParser.parse(expr);
      return [];
    } catch (error) {
      const at = /No parse at (\d+)/.exec((error as Error).message);
      if (!at) throw error;
      const offset = Number(at[1]);
      return [{ offset, ...locate(offset), message: describe(expr, offset, offset) }];
    }
  }
  promqlSyntaxTree(expr).iterate({
    enter(node) {
      if (!node.type.isError || seen.has(node.from)) return;
      seen.add(node.from);
      errors.push({ offset: node.from, ...locate(node.from), message: describe(expr, node.from, node.to) });
    },
  });
  return errors.sort((a, b) => a.offset - b.offset);
}

/** "line:column: message", the form the CLI prints after naming where the expression lives. */
export function formatPromQLError(error: PromQLError): string {
  return `${error.line}:${error.column}: ${error.message}`;
}
