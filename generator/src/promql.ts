// PromQL syntax check with the grammar Prometheus ships for its own web UI
// (@prometheus-io/lezer-promql, pinned to the Prometheus version the chart deploys).
// The grammar recovers from errors by inserting error nodes; every error node is a
// syntax problem at a known offset. It checks syntax only: type errors such as
// rate() over an instant vector pass here and are caught by promtool in the tests.
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
  const before = expr.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function describe(expr: string, from: number, to: number): string {
  if (from >= expr.trimEnd().length) return expr.trim() === "" ? "empty expression" : "unexpected end of expression";
  const text = from < to ? expr.slice(from, to) : expr.slice(from).trimStart().split(/\s/)[0]!;
  return `unexpected ${JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}…` : text)}`;
}

/** Every syntax error of a PromQL expression, in order; an empty list means it parses. */
export function checkPromQL(expr: string): PromQLError[] {
  const errors: PromQLError[] = [];
  const seen = new Set<number>();
  parser.parse(expr).iterate({
    enter(node) {
      if (!node.type.isError || seen.has(node.from)) return;
      seen.add(node.from);
      errors.push({ offset: node.from, ...lineAndColumn(expr, node.from), message: describe(expr, node.from, node.to) });
    },
  });
  return errors.sort((a, b) => a.offset - b.offset);
}

/** "line:column: message", the form the CLI prints after naming where the expression lives. */
export function formatPromQLError(error: PromQLError): string {
  return `${error.line}:${error.column}: ${error.message}`;
}
