// Which series a PromQL expression reads, by metric name: the names of its vector selectors
// (foo, {__name__="foo"}, {"foo.bar"}) and the regexes of {__name__=~"..."}. Used to find a rule
// that reads a series its group records only later, so it would see the previous evaluation's value.
import { checkPromQL, promqlSyntaxTree } from "../promql.js";
import { re2Matcher, type Re2Matcher } from "../re2.js";

export interface SeriesReads {
  names: Set<string>;
  patterns: Re2Matcher[];
}

/** A PromQL string literal's value: "..." and '...' with Go escapes, `...` raw. */
function unquote(literal: string): string {
  if (literal.startsWith("`")) return literal.slice(1, -1);
  try {
    if (literal.startsWith('"')) return JSON.parse(literal) as string;
    return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

export function seriesReads(expr: string): SeriesReads {
  const reads: SeriesReads = { names: new Set(), patterns: [] };
  const text = (node: { from: number; to: number }) => expr.slice(node.from, node.to);
  // An expression that does not parse reads nothing we can name (its syntax error is reported
  // elsewhere); the syntax check and the tree are the ones validate already made for it.
  if (checkPromQL(expr).length > 0) return reads;
  promqlSyntaxTree(expr).iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === "Identifier" && node.parent?.name === "VectorSelector") reads.names.add(text(node));
      else if (node.name === "QuotedLabelName" && node.parent?.name === "LabelMatchers") {
        const literal = node.getChild("StringLiteral");
        if (literal) reads.names.add(unquote(text(literal)));
      } else if (node.name === "UnquotedLabelMatcher" || node.name === "QuotedLabelMatcher") {
        const name = node.getChild("LabelName") ?? node.getChild("QuotedLabelName");
        const op = node.getChild("MatchOp");
        const value = node.getChildren("StringLiteral").at(-1);
        if (!name || !op || !value) return;
        const label = name.name === "LabelName" ? text(name) : unquote(text(name));
        if (label !== "__name__") return;
        const matched = unquote(text(value));
        if (text(op) === "=") reads.names.add(matched);
        else if (text(op) === "=~") {
          // A regex that does not compile is left to the PromQL checks.
          const pattern = re2Matcher(matched, "prometheus");
          if (pattern) reads.patterns.push(pattern);
        }
      }
    },
  });
  return reads;
}

export function readsSeries(reads: SeriesReads, name: string): boolean {
  return reads.names.has(name) || reads.patterns.some((pattern) => pattern.test(name));
}
