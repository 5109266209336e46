// A checker for the Go text/template source Prometheus parses in alert labels and
// annotations (promtool check rules parses every one of them, and refuses the rule file
// when one fails). It tokenises actions the way text/template's lexer does (trim markers,
// comments, quoted, raw and character strings, numbers, fields, variables), then walks the
// actions: control structures must balance, every function must exist in Prometheus' template
// engine or among text/template's builtins, and every variable must be declared.
import { lineAndColumn } from "./promql.js";

export interface TemplateError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

// text/template's builtins, then the functions Prometheus' template engine adds (template/template.go).
const goBuiltins = ["and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"];
const prometheusFunctions = [
  "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title", "toUpper", "toLower",
  "graphLink", "tableLink", "sortByLabel", "stripPort", "stripDomain", "humanize", "humanize1024", "humanizeDuration",
  "humanizePercentage", "humanizeTimestamp", "toTime", "toDuration", "now", "pathPrefix", "externalURL", "parseDuration", "urlQueryEscape",
];
export const prometheusTemplateFunctions: ReadonlySet<string> = new Set([...goBuiltins, ...prometheusFunctions]);
/** The variables Prometheus declares before an alert's template. */
export const prometheusTemplateVariables = ["$labels", "$externalLabels", "$externalURL", "$value"];

type TokenKind = "field" | "variable" | "identifier" | "keyword" | "string" | "number" | "char" | "bool" | "nil" | "dot" | "pipe" | "lparen" | "rparen" | "comma" | "declare" | "assign" | "end";

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
}

const keywords = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"]);

class TemplateSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Splits the inside of one action into tokens; `start` is the offset just after "{{". Returns the tokens and the offset after "}}". */
function lexAction(text: string, start: number): { tokens: Token[]; next: number } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    const rest = text.slice(i);
    const space = /^[ \t\r\n]+/.exec(rest);
    if (space) {
      if (/^[ \t\r\n]+-\}\}/.test(rest)) return { tokens, next: i + space[0].length + 3 };
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("}}")) return { tokens, next: i + 2 };
    if (rest === "") throw new TemplateSyntaxError(i, "unclosed action");
    const ch = rest[0]!;
    const push = (kind: TokenKind, length: number) => {
      tokens.push({ kind, text: rest.slice(0, length), offset: i });
      i += length;
    };
    if (ch === '"') {
      const match = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
      if (!match) throw new TemplateSyntaxError(i, "unterminated quoted string");
      const escape = /\\(?![abfnrtv\\"'0-7xuU])/.exec(match[0]);
      if (escape) throw new TemplateSyntaxError(i + escape.index, `invalid syntax in quoted string ${match[0]}`);
      push("string", match[0].length);
    } else if (ch === "`") {
      const end = rest.indexOf("`", 1);
      if (end < 0) throw new TemplateSyntaxError(i, "unterminated raw quoted string");
      push("string", end + 1);
    } else if (ch === "'") {
      const match = /^'(?:[^'\\\n]|\\.[^']*)'/.exec(rest);
      if (!match) throw new TemplateSyntaxError(i, "unterminated character constant");
      push("char", match[0].length);
    } else if (ch === "|") push("pipe", 1);
    else if (ch === "(") push("lparen", 1);
    else if (ch === ")") push("rparen", 1);
    else if (ch === ",") push("comma", 1);
    else if (rest.startsWith(":=")) push("declare", 2);
    else if (ch === "=") push("assign", 1);
    else if (ch === "$") push("variable", /^\$[\p{L}\p{Nd}_]*/u.exec(rest)![0].length);
    else if (ch === ".") {
      const field = /^\.[\p{L}_][\p{L}\p{Nd}_]*/u.exec(rest);
      if (field) push("field", field[0].length);
      else if (/^\.[0-9]/.test(rest)) push("number", /^[.0-9a-zA-Z_+-]+/.exec(rest)![0].length);
      else push("dot", 1);
    } else if (/[0-9+-]/.test(ch)) {
      const number = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/.exec(rest)![0];
      if (!/[0-9]/.test(number) || /^[\p{L}\p{Nd}_.]/u.test(rest.slice(number.length))) {
        throw new TemplateSyntaxError(i, `bad number syntax: "${/^[^\s|)}]*/.exec(rest)![0]}"`);
      }
      push("number", number.length);
    } else if (/[\p{L}_]/u.test(ch)) {
      const word = /^[\p{L}\p{Nd}_]+/u.exec(rest)![0];
      push(word === "true" || word === "false" ? "bool" : word === "nil" ? "nil" : keywords.has(word) ? "keyword" : "identifier", word.length);
    } else {
      throw new TemplateSyntaxError(i, `unrecognized character in action: ${JSON.stringify(ch)}`);
    }
  }
}

interface Frame {
  keyword: string;
  offset: number;
  variables: Set<string>;
  sawElse: boolean;
}

class TemplateChecker {
  private readonly stack: Frame[];
  constructor(readonly functions: ReadonlySet<string>, variables: string[]) {
    this.stack = [{ keyword: "", offset: 0, variables: new Set(["$", ...variables]), sawElse: false }];
  }

  private declared(name: string): boolean {
    return this.stack.some((frame) => frame.variables.has(name));
  }

  /** Checks one pipeline (tokens up to an unmatched ")" or the end); returns the index after it. */
  private pipeline(tokens: Token[], from: number, context: string, at: number): number {
    let i = from;
    // Declarations: $x := ..., $x, $y := ... (range), $x = ...
    const declare = tokens.slice(i, i + 4);
    const declaration = declare[0]?.kind === "variable" && (declare[1]?.kind === "declare" || declare[1]?.kind === "assign" || (declare[1]?.kind === "comma" && declare[2]?.kind === "variable" && (declare[3]?.kind === "declare" || declare[3]?.kind === "assign")));
    const newVariables: Token[] = [];
    if (declaration) {
      const count = declare[1]!.kind === "comma" ? 2 : 1;
      const operator = tokens[i + (count === 2 ? 3 : 1)]!;
      for (const variable of count === 2 ? [declare[0]!, declare[2]!] : [declare[0]!]) {
        // Go's parser leaves an assignment to an undeclared variable to execution time.
        if (operator.kind === "declare") newVariables.push(variable);
      }
      i += count === 2 ? 4 : 2;
    }
    let commands = 0;
    for (;;) {
      const start = i;
      let operands = 0;
      while (i < tokens.length && tokens[i]!.kind !== "pipe" && tokens[i]!.kind !== "rparen") {
        const token = tokens[i]!;
        i++;
        switch (token.kind) {
          case "identifier":
            if (!this.functions.has(token.text)) throw new TemplateSyntaxError(token.offset, `function "${token.text}" not defined`);
            break;
          case "variable": {
            if (!this.declared(token.text)) throw new TemplateSyntaxError(token.offset, `undefined variable "${token.text}"`);
            break;
          }
          case "lparen":
            i = this.pipeline(tokens, i, "parenthesized pipeline", token.offset);
            if (tokens[i]?.kind !== "rparen") throw new TemplateSyntaxError(token.offset, "unclosed left paren");
            i++;
            break;
          case "nil":
          case "field":
          case "dot":
          case "string":
          case "number":
          case "char":
          case "bool":
            break;
          default:
            throw new TemplateSyntaxError(token.offset, `unexpected "${token.text}" in ${context}`);
        }
        // A field chain may follow a parenthesised pipeline or a variable: (x).Field, $x.Field.
        while (tokens[i]?.kind === "field" && tokens[i]!.offset === tokens[i - 1]!.offset + tokens[i - 1]!.text.length) i++;
        operands++;
      }
      // Go accepts a trailing "|" but no empty command before one.
      if (operands === 0 && tokens[start]?.kind === "pipe") throw new TemplateSyntaxError(tokens[start]!.offset, `unexpected "|" in ${context}`);
      if (operands === 0 && commands === 0) throw new TemplateSyntaxError(tokens[start]?.offset ?? at, `missing value for ${context}`);
      commands++;
      if (tokens[i]?.kind !== "pipe") break;
      i++;
    }
    // Declared variables are visible from the end of their pipeline to the end of the block.
    for (const variable of newVariables) this.stack[this.stack.length - 1]!.variables.add(variable.text);
    return i;
  }

  private wholePipeline(tokens: Token[], from: number, context: string, at: number): void {
    const end = this.pipeline(tokens, from, context, at);
    if (end < tokens.length) throw new TemplateSyntaxError(tokens[end]!.offset, `unexpected "${tokens[end]!.text}" in ${context}`);
  }

  action(tokens: Token[], offset: number): void {
    const first = tokens[0];
    if (!first) throw new TemplateSyntaxError(offset, "missing value for command");
    if (first.kind !== "keyword") return this.wholePipeline(tokens, 0, "command", offset);
    const top = this.stack[this.stack.length - 1]!;
    switch (first.text) {
      case "if":
      case "with":
      case "range":
        this.stack.push({ keyword: first.text, offset: first.offset, variables: new Set(), sawElse: false });
        return this.wholePipeline(tokens, 1, first.text, first.offset);
      case "else": {
        if (!["if", "with", "range"].includes(top.keyword) || top.sawElse) throw new TemplateSyntaxError(first.offset, "unexpected {{else}}");
        const chained = tokens[1];
        if (chained && chained.kind === "keyword" && (chained.text === "if" || chained.text === "with") && top.keyword !== "range") {
          top.variables = new Set();
          return this.wholePipeline(tokens, 2, chained.text, chained.offset);
        }
        if (chained) throw new TemplateSyntaxError(chained.offset, `unexpected "${chained.text}" in else`);
        top.sawElse = true;
        top.variables = new Set();
        return;
      }
      case "end":
        if (top.keyword === "") throw new TemplateSyntaxError(first.offset, "unexpected {{end}}");
        if (tokens[1]) throw new TemplateSyntaxError(tokens[1].offset, `unexpected "${tokens[1].text}" in end`);
        this.stack.pop();
        return;
      case "break":
      case "continue":
        if (!this.stack.some((frame) => frame.keyword === "range")) throw new TemplateSyntaxError(first.offset, `{{${first.text}}} outside {{range}}`);
        if (tokens[1]) throw new TemplateSyntaxError(tokens[1].offset, `unexpected "${tokens[1].text}" in ${first.text}`);
        return;
      case "template":
      case "block": {
        const name = tokens[1];
        if (!name || name.kind !== "string") throw new TemplateSyntaxError(name?.offset ?? first.offset, `unexpected ${name ? `"${name.text}"` : "end"} in template clause`);
        if (first.text === "block") this.stack.push({ keyword: "block", offset: first.offset, variables: new Set(["$"]), sawElse: false });
        if (tokens.length > 2) this.wholePipeline(tokens, 2, "template clause", name.offset);
        else if (first.text === "block") throw new TemplateSyntaxError(name.offset, "missing value for block clause");
        return;
      }
      case "define":
        if (this.stack.length > 1) throw new TemplateSyntaxError(first.offset, "unexpected {{define}}");
        if (tokens[1]?.kind !== "string" || tokens.length !== 2) throw new TemplateSyntaxError(tokens[1]?.offset ?? first.offset, "define clause needs a quoted name");
        this.stack.push({ keyword: "define", offset: first.offset, variables: new Set(["$"]), sawElse: false });
        return;
      default:
        throw new TemplateSyntaxError(first.offset, `unexpected "${first.text}" in command`);
    }
  }

  finish(length: number): void {
    if (this.stack.length > 1) {
      const open = this.stack[this.stack.length - 1]!;
      throw new TemplateSyntaxError(length, `unexpected EOF: {{${open.keyword}}} at offset ${open.offset} has no {{end}}`);
    }
  }
}

/**
 * The first problem Go's text/template parser (with Prometheus' functions) reports for a
 * label or annotation template, or undefined when it parses.
 */
export function checkGoTemplate(text: string, functions: ReadonlySet<string> = prometheusTemplateFunctions, variables: string[] = prometheusTemplateVariables): TemplateError | undefined {
  const checker = new TemplateChecker(functions, variables);
  try {
    for (let i = text.indexOf("{{"); i >= 0; i = text.indexOf("{{", i)) {
      let start = i + 2;
      if (/^-[ \t\r\n]/.test(text.slice(start))) start += 2;
      const comment = /^[ \t\r\n]*\/\*/.exec(text.slice(start));
      if (comment) {
        const close = text.indexOf("*/", start + comment[0].length);
        if (close < 0) throw new TemplateSyntaxError(i, "unclosed comment");
        const after = /^(?:[ \t\r\n]+-)?\}\}/.exec(text.slice(close + 2));
        if (!after) throw new TemplateSyntaxError(close, "comment ends before closing delimiter");
        i = close + 2 + after[0].length;
        continue;
      }
      const { tokens, next } = lexAction(text, start);
      checker.action(tokens, i);
      i = next;
    }
    checker.finish(text.length);
    return undefined;
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), message: error.message };
  }
}
