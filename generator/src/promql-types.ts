// What Prometheus' parser refuses after the grammar accepts an expression: types (function
// arguments, aggregation parameters, operands), selectors (metric name twice, only empty
// matchers, regexes that RE2 does not compile), string escapes, ranges and durations, and the
// modifiers that only selectors and subqueries take. It mirrors the checks of Prometheus'
// promql/parser (parse.go checkAST and the grammar's actions) at the pinned version.
//
// The lezer grammar gives postfix modifiers ([range], [range:step], offset, @) the lowest
// precedence, so `a + x[5m]` comes out as (a + x)[5m]; Prometheus binds them tightest. The
// tree is rebuilt here with Prometheus' precedence before anything is judged.
import type { SyntaxNode } from "@lezer/common";
import { durationProblem } from "./duration.js";
import { aggregations, documentedType, promqlFunctions, type FunctionSignature, type ValueType } from "./promql-functions.js";
import { regexMatchesEmpty, regexProblem, unquotePromQLString } from "./promql-strings.js";
import { checkPromQL, lineAndColumn, promqlSyntaxTree, type PromQLError } from "./promql.js";

interface Span {
  from: number;
  to: number;
}

interface Matcher extends Span {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

interface Modifiers {
  offset: boolean;
  at: boolean;
}

export type Expr = Span &
  (
    | { kind: "number" }
    | { kind: "string"; value: string }
    | { kind: "duration" }
    | ({ kind: "selector"; name?: string; matchers: Matcher[] } & Modifiers)
    | { kind: "matrix"; inner: Expr }
    | ({ kind: "subquery"; inner: Expr } & Modifiers)
    | { kind: "call"; name: string; signature: FunctionSignature; args: Expr[] }
    | { kind: "aggregate"; op: string; args: Expr[]; grouping?: { without: boolean; labels: string[] } }
    | { kind: "binary"; op: string; lhs: Expr; rhs: Expr; bool: boolean; on: boolean; matching: string[]; card: "one-to-one" | "many-to-one" | "one-to-many"; include: string[]; opSpan: Span }
    | { kind: "unary"; inner: Expr }
    | { kind: "paren"; inner: Expr }
  );

const comparisons = new Set(["==", "!=", ">", "<", ">=", "<="]);
const setOperators = new Set(["and", "or", "unless"]);

export type RequiredType = "rule" | "query" | "any";

class Checker {
  readonly errors: Array<{ offset: number; message: string }> = [];
  constructor(readonly text: string) {}

  error(at: number, message: string): void {
    this.errors.push({ offset: at, message });
  }

  slice(node: Span): string {
    return this.text.slice(node.from, node.to);
  }

  children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.name !== "LineComment") out.push(child);
    return out;
  }

  string(node: SyntaxNode): string {
    const unquoted = unquotePromQLString(this.slice(node));
    if (!unquoted.ok) {
      this.error(node.from + unquoted.offset, `${unquoted.message} in string ${this.slice(node)}`);
      return "";
    }
    return unquoted.value;
  }

  /** A number literal's value (seconds for a duration), reporting what Prometheus cannot parse. */
  number(node: SyntaxNode): number {
    const text = this.slice(node).replace(/^[+-]/, "");
    const sign = this.slice(node).startsWith("-") ? -1 : 1;
    if (/^[0-9]+[a-z]/i.test(text) && !/^0x/i.test(text) && !/^[0-9.]+e[+-]?[0-9]/i.test(text)) {
      const problem = durationProblem(text);
      if (problem) {
        this.error(node.from, problem);
        return 0;
      }
      return sign * durationSeconds(text);
    }
    const value = /^(inf|nan)$/i.test(text) ? (/^inf$/i.test(text) ? Infinity : NaN) : Number(text.replace(/_/g, ""));
    return sign * value;
  }

  build(node: SyntaxNode): Expr {
    const span = { from: node.from, to: node.to };
    const kids = this.children(node);
    switch (node.name) {
      case "PromQL":
      case "FunctionCallBody":
        return this.build(kids[0]!);
      case "NumberDurationLiteral":
        this.number(node);
        return { kind: "number", ...span };
      case "StringLiteral":
        return { kind: "string", value: this.string(node), ...span };
      case "ParenExpr":
        return { kind: "paren", inner: this.build(kids[0]!), ...span };
      case "UnaryExpr":
        return { kind: "unary", inner: this.build(kids[1]!), ...span };
      case "VectorSelector":
        return this.selector(node, kids);
      case "FunctionCall":
        return this.call(node, kids);
      case "AggregateExpr":
        return this.aggregate(node, kids);
      case "BinaryExpr":
        return this.binary(node, kids);
      case "MatrixSelector":
        return this.postfix(this.build(kids[0]!), (target) => {
          this.positiveDuration(kids[1]!);
          let problem: string | undefined;
          if (target.kind !== "selector") problem = "ranges only allowed for vector selectors";
          else if (target.offset) problem = "no offset modifiers allowed before range";
          else if (target.at) problem = "no @ modifiers allowed before range";
          if (problem) this.error(kids[1]!.from - 1, problem);
          return { kind: "matrix", inner: target, from: target.from, to: node.to };
        });
      case "SubqueryExpr":
        return this.postfix(this.build(kids[0]!), (target) => {
          for (const duration of kids.slice(1)) this.positiveDuration(duration);
          return { kind: "subquery", inner: target, offset: false, at: false, from: target.from, to: node.to };
        });
      case "OffsetExpr":
        return this.postfix(this.build(kids[0]!), (target) => {
          this.offsetDuration(kids[2]!);
          return this.modify(target, "offset", node);
        });
      case "StepInvariantExpr":
        return this.postfix(this.build(kids[0]!), (target) => {
          const at = kids[2]!;
          if (at.name === "NumberDurationLiteral") {
            const seconds = this.number(at);
            if (!Number.isFinite(seconds) || Math.abs(seconds) >= 2 ** 63) this.error(at.from, `timestamp out of bounds for @ modifier: ${this.slice(at)}`);
          }
          return this.modify(target, "at", node);
        });
      case "AnchoredExpr":
      case "SmoothedExpr": {
        const inner = this.build(kids[0]!);
        const word = node.name === "AnchoredExpr" ? "anchored" : "smoothed";
        this.error(kids[1]!.from, `the ${word} modifier is experimental, and the Prometheus this chart runs does not enable it`);
        return inner;
      }
      default:
        // A node the grammar has and this checker does not know: judge nothing inside it.
        return { kind: "number", ...span };
    }
  }

  /** Applies a postfix modifier to the operand it binds to in Prometheus: the rightmost one. */
  postfix(target: Expr, apply: (operand: Expr) => Expr): Expr {
    if (target.kind === "binary") {
      const rhs = this.postfix(target.rhs, apply);
      return { ...target, rhs, to: rhs.to };
    }
    if (target.kind === "unary") {
      const inner = this.postfix(target.inner, apply);
      return { ...target, inner, to: inner.to };
    }
    return apply(target);
  }

  modify(target: Expr, modifier: "offset" | "at", node: SyntaxNode): Expr {
    const holder = target.kind === "matrix" ? target.inner : target;
    if (holder.kind !== "selector" && holder.kind !== "subquery") {
      const what = modifier === "offset" ? "offset modifier" : "@ modifier";
      this.error(target.from, target.kind === "matrix" ? "ranges only allowed for vector selectors" : `${what} must follow an instant vector selector, a range vector selector or a subquery`);
      return target;
    }
    if (holder[modifier]) this.error(target.from, modifier === "offset" ? "offset may not be set multiple times" : "@ <timestamp> may not be set multiple times");
    holder[modifier] = true;
    return { ...target, to: node.to };
  }

  /** A range or subquery step: a literal must be positive and fit; duration arithmetic is left to Prometheus. */
  positiveDuration(node: SyntaxNode): void {
    const seconds = this.literalDuration(node);
    if (seconds !== undefined && seconds <= 0) this.error(node.from, `duration must be greater than 0 (got ${this.slice(node).trim()})`);
  }

  offsetDuration(node: SyntaxNode): void {
    this.literalDuration(node);
  }

  /** The seconds of a duration written as a (signed) literal, else undefined; reports a literal out of range. */
  literalDuration(node: SyntaxNode): number | undefined {
    const kids = this.children(node);
    if (kids.length === 1 && kids[0]!.name === "NumberDurationLiteralInDurationContext") {
      const before = this.errors.length;
      const seconds = this.number(kids[0]!);
      if (this.errors.length > before) return undefined;
      if (Math.abs(seconds) > 2 ** 63 / 1e9) {
        this.error(kids[0]!.from, "duration out of range");
        return undefined;
      }
      return seconds;
    }
    if (kids.length === 2 && kids[0]!.name === "UnaryOp" && (kids[1]!.name === "DurationExpr" || kids[1]!.name === "OffsetDurationExpr")) {
      const inner = this.children(kids[1]!);
      if (inner.length !== 1 || inner[0]!.name !== "NumberDurationLiteralInDurationContext") return undefined;
      const seconds = this.literalDuration(kids[1]!);
      return seconds === undefined ? undefined : this.slice(kids[0]!) === "-" ? -seconds : seconds;
    }
    for (const kid of kids) if (kid.name === "DurationExpr" || kid.name === "OffsetDurationExpr") this.literalDuration(kid);
    return undefined;
  }

  selector(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const identifier = kids.find((kid) => kid.name === "Identifier");
    const matchers: Matcher[] = [];
    for (const item of this.children(kids.find((kid) => kid.name === "LabelMatchers") ?? node).filter((kid) => kid.name.endsWith("LabelMatcher") || kid.name === "QuotedLabelName")) {
      const parts = this.children(item);
      if (item.name === "QuotedLabelName") {
        matchers.push({ name: "__name__", op: "=", value: this.string(parts[0]!), from: item.from, to: item.to });
        continue;
      }
      const name = parts[0]!.name === "QuotedLabelName" ? this.string(this.children(parts[0]!)[0]!) : this.slice(parts[0]!);
      const op = this.slice(parts[1]!) as Matcher["op"];
      const literal = parts[2]!;
      const unquoted = unquotePromQLString(this.slice(literal));
      if (!unquoted.ok) {
        this.error(literal.from + unquoted.offset, `${unquoted.message} in string ${this.slice(literal)}`);
        continue;
      }
      if (op === "=~" || op === "!~") {
        const problem = unquoted.invalidUtf8 ? "invalid UTF-8" : regexProblem(unquoted.value);
        if (problem) {
          this.error(literal.from, `label ${name}: the regex ${this.slice(literal)} does not compile in Prometheus (Go RE2 syntax): ${problem}`);
          continue;
        }
      }
      matchers.push({ name, op, value: unquoted.value, from: item.from, to: item.to });
    }
    const base = { kind: "selector" as const, matchers, offset: false, at: false, from: node.from, to: node.to };
    return identifier ? { ...base, name: this.slice(identifier) } : base;
  }

  call(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const identifier = kids[0]!;
    const name = this.slice(identifier);
    const signature = promqlFunctions.get(name);
    const args = kids[1] ? this.children(kids[1]).map((arg) => this.build(arg)) : [];
    if (!signature) {
      this.error(identifier.from, `unknown function with name "${name}"`);
      return { kind: "number", from: node.from, to: node.to };
    }
    if (signature.experimental) this.error(identifier.from, `function "${name}" is experimental, and the Prometheus this chart runs does not enable it`);
    return { kind: "call", name, signature, args, from: node.from, to: node.to };
  }

  aggregate(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const op = this.slice(kids[0]!);
    const body = kids.find((kid) => kid.name === "FunctionCallBody");
    const args = body ? this.children(body).map((arg) => this.build(arg)) : [];
    const modifier = kids.find((kid) => kid.name === "AggregateModifier");
    const labels = this.groupingLabels(modifier);
    const grouping = modifier ? { without: this.children(modifier).some((kid) => kid.name === "Without"), labels } : undefined;
    return { kind: "aggregate", op, args, ...(grouping ? { grouping } : {}), from: node.from, to: node.to };
  }

  groupingLabels(modifier: SyntaxNode | undefined): string[] {
    const grouping = modifier && this.children(modifier).find((kid) => kid.name === "GroupingLabels");
    if (!grouping) return [];
    return this.children(grouping).map((label) => {
      if (label.name !== "QuotedLabelName") return this.slice(label);
      const literal = this.children(label)[0]!;
      const name = this.string(literal);
      if (name === "") this.error(literal.from, `invalid label name for grouping: ""`);
      return name;
    });
  }

  binary(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const lhs = this.build(kids[0]!);
    const rhs = this.build(kids[kids.length - 1]!);
    const opNode = kids[1]!;
    const modifiers = kids.slice(2, -1);
    const matching = modifiers.find((kid) => kid.name === "MatchingModifierClause");
    const parts = matching ? this.children(matching) : [];
    const groupingLists = parts.filter((kid) => kid.name === "GroupingLabels");
    const label = (list: SyntaxNode | undefined) => (list ? this.children(list).map((item) => (item.name === "QuotedLabelName" ? this.string(this.children(item)[0]!) : this.slice(item))) : []);
    const groupIndex = parts.findIndex((kid) => kid.name === "GroupLeft" || kid.name === "GroupRight");
    const fill = modifiers.find((kid) => kid.name === "FillModifier");
    if (fill) this.error(fill.from, "fill modifiers are experimental, and the Prometheus this chart runs does not enable them");
    return {
      kind: "binary",
      op: this.slice(opNode).toLowerCase(),
      lhs,
      rhs,
      bool: modifiers.some((kid) => kid.name === "BoolModifier"),
      on: parts.some((kid) => kid.name === "On"),
      matching: label(groupingLists[0]),
      card: groupIndex < 0 ? "one-to-one" : parts[groupIndex]!.name === "GroupLeft" ? "many-to-one" : "one-to-many",
      include: groupIndex < 0 ? [] : label(parts[groupIndex + 1]?.name === "GroupingLabels" ? parts[groupIndex + 1] : undefined),
      opSpan: { from: opNode.from, to: opNode.to },
      from: node.from,
      to: node.to,
    };
  }

  /** The type of an expression, reporting what Prometheus' checkAST reports on the way. */
  check(expr: Expr): ValueType {
    switch (expr.kind) {
      case "number":
      case "duration":
        return "scalar";
      case "string":
        return "string";
      case "paren":
        return this.check(expr.inner);
      case "unary": {
        const type = this.check(expr.inner);
        if (type !== "scalar" && type !== "vector") this.error(expr.from, `unary expression only allowed on expressions of type scalar or instant vector, got ${documentedType(type)}`);
        return type;
      }
      case "matrix":
        this.check(expr.inner);
        return "matrix";
      case "subquery": {
        const type = this.check(expr.inner);
        if (type !== "vector") this.error(expr.from, `subquery is only allowed on instant vector, got ${documentedType(type)} instead`);
        return "matrix";
      }
      case "selector":
        this.checkSelector(expr);
        return "vector";
      case "call":
        this.checkCall(expr);
        return expr.signature.returns;
      case "aggregate":
        this.checkAggregate(expr);
        return "vector";
      case "binary":
        return this.checkBinary(expr);
    }
  }

  expect(expr: Expr, want: ValueType, context: string): void {
    const type = this.check(expr);
    if (type !== want) this.error(expr.from, `expected type ${documentedType(want)} in ${context}, got ${documentedType(type)}`);
  }

  checkSelector(expr: Extract<Expr, { kind: "selector" }>): void {
    if (expr.name !== undefined) {
      const twice = expr.matchers.find((matcher) => matcher.name === "__name__");
      if (twice) this.error(twice.from, `metric name must not be set twice: "${expr.name}" or "${twice.value}"`);
      return;
    }
    if (!expr.matchers.some((matcher) => !this.matchesEmpty(matcher))) {
      this.error(expr.from, "vector selector must contain at least one non-empty matcher (every matcher here also matches series without the label, so it would select every series)");
    }
  }

  matchesEmpty(matcher: Matcher): boolean {
    switch (matcher.op) {
      case "=":
        return matcher.value === "";
      case "!=":
        return matcher.value !== "";
      case "=~":
        return regexMatchesEmpty(matcher.value);
      case "!~":
        return !regexMatchesEmpty(matcher.value);
    }
  }

  checkCall(expr: Extract<Expr, { kind: "call" }>): void {
    const { name, signature, args } = expr;
    const count = signature.args.length;
    if (signature.variadic === 0) {
      if (args.length !== count) this.error(expr.from, `expected ${count} argument(s) in call to "${name}", got ${args.length}`);
    } else if (args.length < count - 1) {
      this.error(expr.from, `expected at least ${count - 1} argument(s) in call to "${name}", got ${args.length}`);
    } else if (signature.variadic > 0 && args.length > count - 1 + signature.variadic) {
      this.error(expr.from, `expected at most ${count - 1 + signature.variadic} argument(s) in call to "${name}", got ${args.length}`);
    }
    args.forEach((arg, index) => {
      if (index >= count && signature.variadic === 0) return; // Prometheus does not look at surplus arguments
      const want = signature.args[Math.min(index, count - 1)]!;
      const type = this.check(arg);
      if (type !== want) this.error(arg.from, `expected type ${documentedType(want)} in call to function "${name}", got ${documentedType(type)}`);
    });
  }

  checkAggregate(expr: Extract<Expr, { kind: "aggregate" }>): void {
    const spec = aggregations[expr.op]!;
    if (spec.experimental) {
      this.error(expr.from, `${expr.op}() is experimental, and the Prometheus this chart runs does not enable it`);
      return;
    }
    const wanted = spec.param ? 2 : 1;
    if (expr.args.length === 0) return this.error(expr.from, "no arguments for aggregate expression provided");
    if (expr.args.length !== wanted) return this.error(expr.from, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${expr.args.length}`);
    this.expect(expr.args[wanted - 1]!, "vector", "aggregation expression");
    if (spec.param) this.expect(expr.args[0]!, spec.param, "aggregation parameter");
  }

  checkBinary(expr: Extract<Expr, { kind: "binary" }>): ValueType {
    const left = this.check(expr.lhs);
    const right = this.check(expr.rhs);
    const at = expr.opSpan.from;
    const comparison = comparisons.has(expr.op);
    const set = setOperators.has(expr.op);
    if (expr.bool && !comparison) this.error(at, "bool modifier can only be used on comparison operators");
    if (comparison && !expr.bool && left === "scalar" && right === "scalar") this.error(at, `comparisons between scalars must use the bool modifier (write "${expr.op} bool")`);
    if (expr.on) for (const name of expr.matching) if (expr.include.includes(name)) this.error(at, `label "${name}" must not occur in ON and GROUP clause at once`);
    if (left !== "scalar" && left !== "vector") this.error(expr.lhs.from, `binary expression must contain only scalar and instant vector types, got ${documentedType(left)}`);
    if (right !== "scalar" && right !== "vector") this.error(expr.rhs.from, `binary expression must contain only scalar and instant vector types, got ${documentedType(right)}`);
    if (left !== "vector" || right !== "vector") {
      if (expr.matching.length > 0) this.error(at, "vector matching only allowed between instant vectors");
    } else if (set && expr.card !== "one-to-one") {
      this.error(at, `no grouping allowed for "${expr.op}" operation`);
    }
    if ((left === "scalar" || right === "scalar") && set) this.error(at, `set operator "${expr.op}" not allowed in binary scalar expression`);
    return left === "scalar" && right === "scalar" ? "scalar" : "vector";
  }
}

function durationSeconds(text: string): number {
  const seconds: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const match of text.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)) total += Number(match[1]) * seconds[match[2]!]!;
  return total;
}

type Analysis =
  | { syntax: PromQLError[] }
  /** type: the expression's type, when it was type-checked (only when it built without error). */
  | { tree: Expr; errors: ReadonlyArray<{ offset: number; message: string }>; type?: ValueType };

// Analyses asked for again in one run (the inhibition checks ask once per alert and label for
// the tree the rule checks built), kept like the parser's own caches; callers only read them.
const ANALYSIS_CACHE_LIMIT = 2000;
const analyses = new Map<string, Analysis>();

function analyse(expr: string): Analysis {
  let analysis = analyses.get(expr);
  if (analysis) return analysis;
  const syntax = checkPromQL(expr);
  if (syntax.length > 0) analysis = { syntax };
  else {
    const checker = new Checker(expr);
    const tree = checker.build(promqlSyntaxTree(expr).topNode);
    // Prometheus type-checks only an expression whose literals and selectors all parsed.
    const type = checker.errors.length === 0 ? checker.check(tree) : undefined;
    analysis = { tree, errors: checker.errors, ...(type !== undefined ? { type } : {}) };
  }
  if (analyses.size >= ANALYSIS_CACHE_LIMIT) analyses.clear();
  analyses.set(expr, analysis);
  return analysis;
}

/**
 * Every problem Prometheus' parser would report for an expression, syntax first; an empty list
 * means promtool accepts it. `rule`: the expression of a rule, which must evaluate to an instant
 * vector or a scalar (so must a query Grafana sends as a range query: `query`).
 */
export function checkPromQLExpression(expr: string, required: RequiredType = "any"): PromQLError[] {
  const analysis = analyse(expr);
  if ("syntax" in analysis) return analysis.syntax.slice();
  const { tree, type } = analysis;
  const all = [...analysis.errors];
  if (type !== undefined && required !== "any" && type !== "vector" && type !== "scalar") {
    const what = required === "rule" ? "a rule's expression" : "a range query";
    all.push({ offset: tree.from, message: `${what} must evaluate to an instant vector or a scalar, but this is a ${documentedType(type)}` });
  }
  const seen = new Set<string>();
  return all
    .filter((error) => !seen.has(`${error.offset}:${error.message}`) && seen.add(`${error.offset}:${error.message}`))
    .sort((a, b) => a.offset - b.offset)
    .map((error) => ({ offset: error.offset, ...lineAndColumn(expr, error.offset), message: error.message }));
}

/** The syntax tree of an expression Prometheus accepts, with its precedence; undefined when it has a problem. */
export function promqlTree(expr: string): Expr | undefined {
  const analysis = analyse(expr);
  return "tree" in analysis && analysis.errors.length === 0 ? analysis.tree : undefined;
}
