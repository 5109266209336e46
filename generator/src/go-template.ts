// A checker for Go text/template source as text/template parses it, before anything runs:
// promtool check rules parses every alert label and annotation this way, and amtool
// check-config every notification template. It follows text/template/parse: a lexer that
// reads one token when the parser asks for it, and a recursive parser that stops at the first
// error, as Go does. What differs between the programs (the functions they add to Go's
// builtins, the variables they declare first) is a dialect (go-template-dialects.ts).
import { lineAndColumn } from "./promql.js";
import { suggestion } from "./validate/schema-errors.js";

export interface TemplateDialect {
  /** The program and version, as messages name it. */
  name: string;
  /** text/template's builtins and the program's own functions. */
  functions: ReadonlySet<string>;
  /** Variables the program declares before the user's text. */
  variables: readonly string[];
}

export interface TemplateError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

type Kind =
  | "leftDelim" | "rightDelim" | "eof" | "bool" | "charConstant" | "number" | "dot" | "field" | "identifier" | "keyword" | "nil"
  | "string" | "variable" | "leftParen" | "rightParen" | "pipe" | "assign" | "declare" | "char";

interface Token {
  kind: Kind;
  text: string;
  offset: number;
  /** Go's parser reads spaces as tokens; where it cares (between operands), this says whether one came first. */
  spaceBefore: boolean;
}

class TemplateSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

const keywords = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"]);
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const alphaNumeric = /[\p{L}\p{Nd}_]*/uy;
const isAlphaNumericAt = (text: string, at: number) => /^[\p{L}\p{Nd}_]/u.test(text.slice(at, at + 2));

class Lexer {
  private pos = 0;
  private inside = false;
  private parenDepth = 0;
  private actionStart = 0;
  constructor(private readonly text: string) {}

  next(): Token {
    return this.inside ? this.insideAction() : this.nextAction();
  }

  /** Skips text and comments up to the next "{{" (after its trim marker). */
  private nextAction(): Token {
    const text = this.text;
    for (;;) {
      const open = text.indexOf("{{", this.pos);
      if (open < 0) return { kind: "eof", text: "", offset: text.length, spaceBefore: false };
      let at = open + 2;
      if (text[at] === "-" && isSpace(text[at + 1])) at += 2;
      if (text.startsWith("/*", at)) {
        const close = text.indexOf("*/", at + 2);
        if (close < 0) throw new TemplateSyntaxError(open, "unclosed comment");
        const end = close + 2;
        if (text.startsWith("}}", end)) this.pos = end + 2;
        else if (isSpace(text[end]) && text.startsWith("-}}", end + 1)) this.pos = end + 4;
        else throw new TemplateSyntaxError(close, "comment ends before closing delimiter");
        continue;
      }
      this.inside = true;
      this.parenDepth = 0;
      this.actionStart = open;
      this.pos = at;
      return { kind: "leftDelim", text: "{{", offset: open, spaceBefore: false };
    }
  }

  private atTerminator(at: number): boolean {
    const c = this.text[at];
    return c === undefined || isSpace(c) || ".,|:)(".includes(c) || this.text.startsWith("}}", at);
  }

  private insideAction(): Token {
    const text = this.text;
    let spaceBefore = false;
    while (isSpace(text[this.pos])) {
      this.pos++;
      spaceBefore = true;
    }
    const start = this.pos;
    const token = (kind: Kind, end: number): Token => {
      this.pos = end;
      return { kind, text: text.slice(start, end), offset: start, spaceBefore };
    };
    if (text.startsWith("}}", start) || (spaceBefore && text.startsWith("-}}", start))) {
      if (this.parenDepth > 0) throw new TemplateSyntaxError(start, "unclosed left paren");
      this.inside = false;
      return { ...token("rightDelim", start + (text[start] === "-" ? 3 : 2)), text: "}}" };
    }
    const c = text[start];
    if (c === undefined) throw new TemplateSyntaxError(this.actionStart, "unclosed action (no closing }})");
    if (c === "=") return token("assign", start + 1);
    if (c === ":") {
      if (text[start + 1] !== "=") throw new TemplateSyntaxError(start, "expected :=");
      return token("declare", start + 2);
    }
    if (c === "|") return token("pipe", start + 1);
    if (c === '"' || c === "'") return token(c === '"' ? "string" : "charConstant", this.quoted(start));
    if (c === "`") {
      const close = text.indexOf("`", start + 1);
      if (close < 0) throw new TemplateSyntaxError(start, "unterminated raw quoted string");
      return token("string", close + 1);
    }
    if (c === "$") return token("variable", this.atTerminator(start + 1) ? start + 1 : this.word(start + 1));
    if (c === "." && !/[0-9]/.test(text[start + 1] ?? "")) return this.atTerminator(start + 1) ? token("dot", start + 1) : token("field", this.word(start + 1));
    if (/[.+\-0-9]/.test(c)) return token("number", this.number(start));
    if (isAlphaNumericAt(text, start)) {
      const end = this.word(start);
      const word = text.slice(start, end);
      return token(keywords.has(word) ? "keyword" : word === "true" || word === "false" ? "bool" : word === "nil" ? "nil" : "identifier", end);
    }
    if (c === "(") {
      this.parenDepth++;
      return token("leftParen", start + 1);
    }
    if (c === ")") {
      if (--this.parenDepth < 0) throw new TemplateSyntaxError(start, "unexpected right paren");
      return token("rightParen", start + 1);
    }
    // Other printable ASCII characters are tokens the parser then finds out of place.
    if (c >= "!" && c <= "~") return token("char", start + 1);
    throw new TemplateSyntaxError(start, `unrecognized character in action: ${JSON.stringify(String.fromCodePoint(text.codePointAt(start)!))}`);
  }

  /** The end of a name (identifier, field or variable), which must be followed by a terminator. */
  private word(from: number): number {
    alphaNumeric.lastIndex = from;
    const end = from + alphaNumeric.exec(this.text)![0].length;
    if (!this.atTerminator(end)) throw new TemplateSyntaxError(end, `bad character ${JSON.stringify(String.fromCodePoint(this.text.codePointAt(end)!))}`);
    return end;
  }

  /** The end of a "..." string or '...' character constant; their escapes are checked when parsed. */
  private quoted(start: number): number {
    const quote = this.text[start]!;
    for (let i = start + 1; ; i++) {
      const c = this.text[i];
      if (c === "\\" && this.text[i + 1] !== undefined && this.text[i + 1] !== "\n") i++;
      else if (c === undefined || c === "\n" || c === "\\") throw new TemplateSyntaxError(start, quote === '"' ? "unterminated quoted string" : "unterminated character constant");
      else if (c === quote) return i + 1;
    }
  }

  /** The end of what Go's lexer reads as a number (its value is checked when parsed). */
  private number(start: number): number {
    const text = this.text;
    let i = start;
    const accept = (chars: string) => (text[i] !== undefined && chars.includes(text[i]!) ? (i++, true) : false);
    const scan = (): boolean => {
      accept("+-");
      let digits = "0123456789_";
      if (accept("0")) {
        if (accept("xX")) digits = "0123456789abcdefABCDEF_";
        else if (accept("oO")) digits = "01234567_";
        else if (accept("bB")) digits = "01_";
      }
      while (accept(digits));
      if (accept(".")) while (accept(digits));
      if (digits.length === 11 && accept("eE")) {
        accept("+-");
        while (accept("0123456789_"));
      }
      if (digits.length === 23 && accept("pP")) {
        accept("+-");
        while (accept("0123456789_"));
      }
      accept("i");
      if (isAlphaNumericAt(text, i)) {
        i++;
        return false;
      }
      return true;
    };
    const ok = scan() && (!/[+-]/.test(text[i] ?? "") || (scan() && text[i - 1] === "i"));
    if (!ok) throw new TemplateSyntaxError(start, `bad number syntax: ${JSON.stringify(text.slice(start, i))}`);
    return i;
  }
}

/** The length of the Go escape at text[i] (a backslash) between `quote`s, or 0 where strconv.Unquote refuses it. */
function escapeLength(text: string, i: number, quote: string): number {
  const match = /^\\(?:[abfnrtv\\]|([0-7]{3})|x[0-9a-fA-F]{2}|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(["']))/.exec(text.slice(i, i + 10));
  if (!match) return 0;
  const code = match[2] ?? match[3];
  if (match[1] !== undefined && parseInt(match[1], 8) > 255) return 0;
  if (code !== undefined && (parseInt(code, 16) > 0x10ffff || (parseInt(code, 16) >= 0xd800 && parseInt(code, 16) < 0xe000))) return 0;
  if (match[4] !== undefined && match[4] !== quote) return 0;
  return match[0].length;
}

const digits = (set: string) => `[${set}](?:_?[${set}])*`;
const goInteger = new RegExp(`^[+-]?(?:0[xX]_?${digits("0-9a-fA-F")}|0[bB]_?${digits("01")}|0[oO]_?${digits("0-7")}|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$`);
const goDecimalFloat = new RegExp(`^[+-]?(?:${digits("0-9")}(?:\\.(?:${digits("0-9")})?)?|\\.${digits("0-9")})(?:[eE][+-]?${digits("0-9")})?$`);
const goHexFloat = new RegExp(`^[+-]?0[xX]_?(?:${digits("0-9a-fA-F")}(?:\\.(?:${digits("0-9a-fA-F")})?)?|\\.${digits("0-9a-fA-F")})[pP][+-]?${digits("0-9")}$`);

/** Why text/template refuses a number token (it tries it as uint64, int64, float64 and imaginary), or undefined. */
function numberProblem(text: string): string | undefined {
  if (/^[+-]?[^+-]+[+-].*i$/.test(text)) return undefined; // a complex constant such as 1+2i
  const float = (literal: string) => goHexFloat.test(literal) || (goDecimalFloat.test(literal) && Number.isFinite(Number(literal.replace(/_/g, ""))));
  if (text.endsWith("i") && float(text.slice(0, -1))) return undefined;
  if (goInteger.test(text)) {
    const negative = text.startsWith("-");
    const unsigned = text.replace(/^[+-]/, "").replace(/_/g, "").replace(/^0(?=[0-7])/, "0o");
    const value = BigInt(unsigned);
    if (negative ? value <= 2n ** 63n : value < 2n ** 64n) return undefined;
    return `integer overflow: ${JSON.stringify(text)}`;
  }
  if (float(text)) return /[.eEpP]/.test(text) ? undefined : `integer overflow: ${JSON.stringify(text)}`;
  return `illegal number syntax: ${JSON.stringify(text)}`;
}

interface Block {
  keyword: Token;
  /** The variables, their count and the range depth to restore at {{end}}. */
  vars: string[];
  mark: number;
  rangeDepth: number;
  sawElse: boolean;
  /** Opened by {{else if}} or {{else with}}: the {{end}} that closes it closes its parent too. */
  chained: boolean;
}

const termStarts = new Set<Kind>(["bool", "charConstant", "number", "dot", "field", "identifier", "nil", "string", "variable", "leftParen"]);
const literals = new Set<string>(["bool", "number", "string", "nil", "dot"]);

class Parser {
  private readonly lookahead: Token[] = [];
  private vars: string[];
  private rangeDepth = 0;
  private parenDepth = 0;

  constructor(private readonly lexer: Lexer, private readonly dialect: TemplateDialect) {
    this.vars = ["$", ...dialect.variables];
  }

  private next(): Token {
    return this.lookahead.pop() ?? this.lexer.next();
  }

  private backup(token: Token): void {
    this.lookahead.push(token);
  }

  private peek(): Token {
    const token = this.next();
    this.backup(token);
    return token;
  }

  private unexpected(token: Token, context: string): never {
    const shown = token.kind === "eof" ? "EOF" : token.kind === "keyword" ? `<${token.text}>` : token.text.length > 10 ? `${JSON.stringify(token.text.slice(0, 10))}...` : JSON.stringify(token.text);
    throw new TemplateSyntaxError(token.offset, `unexpected ${shown} in ${context}`);
  }

  private expect(kind: Kind, context: string): void {
    const token = this.next();
    if (token.kind !== kind) this.unexpected(token, context);
  }

  /**
   * The whole text. Blocks are a stack, not recursion, so that no depth of nesting (Go sets
   * none) exhausts JavaScript's stack.
   */
  parse(): void {
    const blocks: Block[] = [];
    for (let open = this.next(); open.kind !== "eof"; open = this.next()) {
      const keyword = this.peek().kind === "keyword" ? this.next() : undefined;
      const top = blocks.at(-1);
      switch (keyword?.text) {
        case "define":
          // Only at the top level; elsewhere it is an operand out of place.
          if (top) this.unexpected(keyword, "command");
          this.templateName(this.next(), "define clause");
          this.expect("rightDelim", "define clause");
          blocks.push(this.enterTemplate(keyword));
          break;
        case "block":
          this.templateName(this.next(), "block clause");
          this.pipeline("block clause", "rightDelim", keyword);
          blocks.push(this.enterTemplate(keyword));
          break;
        case "if":
        case "range":
        case "with":
          blocks.push(this.enterControl(keyword));
          break;
        case "else": {
          const chained = this.peek();
          const chains = chained.kind === "keyword" && (chained.text === "if" || chained.text === "with");
          if (!chains) this.expect("rightDelim", "else");
          if (!top) throw new TemplateSyntaxError(keyword.offset, "unexpected {{else}}");
          if (top.keyword.text === "define" || top.keyword.text === "block") throw new TemplateSyntaxError(keyword.offset, `unexpected {{else}} in ${top.keyword.text} clause`);
          if (top.sawElse) throw new TemplateSyntaxError(keyword.offset, "expected end; found {{else}}");
          top.sawElse = true;
          if (top.keyword.text === "range") this.rangeDepth--;
          if (chains) {
            // {{else if}} continues an if, {{else with}} a with; the last {{end}} closes them all.
            if (chained.text !== top.keyword.text) this.unexpected(chained, "input");
            blocks.push({ ...this.enterControl(this.next()), chained: true });
          }
          break;
        }
        case "end":
          this.expect("rightDelim", "end");
          if (!top) throw new TemplateSyntaxError(keyword.offset, "unexpected {{end}}");
          for (let block = blocks.pop(); block; block = block.chained ? blocks.pop() : undefined) this.leave(block);
          break;
        case "break":
        case "continue":
          this.expect("rightDelim", `{{${keyword.text}}}`);
          if (this.rangeDepth === 0) throw new TemplateSyntaxError(keyword.offset, `{{${keyword.text}}} outside {{range}}`);
          break;
        case "template":
          this.templateName(this.next(), "template clause");
          if (this.peek().kind === "rightDelim") this.next();
          else this.pipeline("template clause", "rightDelim", keyword);
          break;
        default:
          if (keyword) this.backup(keyword);
          this.pipeline("command", "rightDelim", open);
      }
    }
    const open = blocks.at(-1);
    if (open) throw new TemplateSyntaxError(open.keyword.offset, `unexpected EOF: {{${open.keyword.text}}} has no {{end}}`);
  }

  /** {{if}}, {{range}}, {{with}}: variables declared in them last until the {{end}}, through {{else}}. */
  private enterControl(keyword: Token): Block {
    const block = this.scope(keyword);
    this.pipeline(keyword.text, "rightDelim", keyword);
    if (keyword.text === "range") this.rangeDepth++;
    return block;
  }

  /** {{define}} and {{block}} bodies are templates of their own, which see only "$". */
  private enterTemplate(keyword: Token): Block {
    const block = this.scope(keyword);
    this.vars = ["$"];
    this.rangeDepth = 0;
    return block;
  }

  /** A block opened by `keyword`, with what its {{end}} restores. */
  private scope(keyword: Token): Block {
    return { keyword, vars: this.vars, mark: this.vars.length, rangeDepth: this.rangeDepth, sawElse: false, chained: false };
  }

  private leave(block: Block): void {
    this.vars = block.vars;
    this.vars.length = block.mark;
    this.rangeDepth = block.rangeDepth;
  }

  private templateName(token: Token, context: string): void {
    if (token.kind !== "string") this.unexpected(token, context);
    this.checkString(token);
  }

  private checkString(token: Token): void {
    if (token.text.startsWith("`")) return;
    for (let i = 1; i < token.text.length - 1; i++) {
      if (token.text[i] !== "\\") continue;
      const length = escapeLength(token.text, i, '"');
      if (length === 0) throw new TemplateSyntaxError(token.offset + i, `invalid escape in quoted string: ${token.text.slice(i, i + 2)}`);
      i += length - 1;
    }
  }

  private checkCharConstant(token: Token): void {
    const body = token.text.slice(1);
    const length = body[0] === "\\" ? escapeLength(body, 0, "'") : body[0] === "'" ? 0 : String.fromCodePoint(body.codePointAt(0)!).length;
    if (length === 0) throw new TemplateSyntaxError(token.offset, `invalid character constant: ${token.text}`);
    if (body.slice(length) !== "'") throw new TemplateSyntaxError(token.offset, `malformed character constant: ${token.text}`);
  }

  /** Declarations, then commands separated by "|", up to `end`. */
  private pipeline(context: string, end: Kind, at: Token): void {
    let declared = 0;
    for (;;) {
      const variable = this.next();
      const operator = variable.kind === "variable" ? this.next() : undefined;
      if (operator?.kind === "assign" || operator?.kind === "declare") {
        // Go's parser declares the variable here, even for "=" and before its value is read.
        this.vars.push(variable.text);
        break;
      }
      if (operator?.kind === "char" && operator.text === ",") {
        this.vars.push(variable.text);
        declared++;
        const after = this.peek();
        if (context !== "range" || declared >= 2) throw new TemplateSyntaxError(operator.offset, `too many declarations in ${context}`);
        if (after.kind === "variable" || after.kind === "rightDelim" || after.kind === "rightParen") continue;
        throw new TemplateSyntaxError(after.offset, "range can only initialize variables");
      }
      if (operator) this.backup(operator);
      this.backup(variable);
      break;
    }
    const firstOperands: string[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === end) break;
      if (!termStarts.has(token.kind)) this.unexpected(token, context);
      this.backup(token);
      firstOperands.push(this.command());
    }
    if (firstOperands.length === 0) throw new TemplateSyntaxError(at.offset, `missing value for ${context}`);
    const stage = firstOperands.findIndex((kind, index) => index > 0 && literals.has(kind));
    if (stage > 0) throw new TemplateSyntaxError(at.offset, `non executable command in pipeline stage ${stage + 1}`);
  }

  /** Operands separated by spaces, up to "|", "}}" or ")"; returns the kind of the first. */
  private command(): string {
    let first: string | undefined;
    for (;;) {
      const operand = this.operand();
      first ??= operand;
      const token = this.peek();
      if (token.kind === "rightDelim" || token.kind === "rightParen") break;
      if (token.kind === "pipe") {
        this.next();
        break;
      }
      if (operand === undefined || !token.spaceBefore) this.unexpected(token, "operand");
    }
    return first!;
  }

  /** A term and the fields chained to it: (x).Field, $x.Field. */
  private operand(): string | undefined {
    const start = this.peek();
    const kind = this.term();
    if (kind === undefined) return undefined;
    let chained = false;
    while (this.peek().kind === "field" && !this.peek().spaceBefore) {
      this.next();
      chained = true;
    }
    if (chained && literals.has(kind)) throw new TemplateSyntaxError(start.offset, `unexpected . after term ${JSON.stringify(start.text)}`);
    return chained && kind !== "field" && kind !== "variable" ? "chain" : kind;
  }

  private term(): string | undefined {
    const token = this.next();
    switch (token.kind) {
      case "identifier":
        if (!this.dialect.functions.has(token.text)) {
          throw new TemplateSyntaxError(token.offset, `function "${token.text}" not defined in ${this.dialect.name}${suggestion(token.text, [...this.dialect.functions])}`);
        }
        return "identifier";
      case "variable":
        if (!this.vars.includes(token.text)) throw new TemplateSyntaxError(token.offset, `undefined variable "${token.text}"`);
        return "variable";
      case "charConstant":
        this.checkCharConstant(token);
        return "number";
      case "number": {
        const problem = numberProblem(token.text);
        if (problem) throw new TemplateSyntaxError(token.offset, problem);
        return "number";
      }
      case "string":
        this.checkString(token);
        return "string";
      case "leftParen":
        // Go allows 10000 levels; JavaScript's stack does not, so deeper than 1000 is refused here.
        if (this.parenDepth >= 1000) throw new TemplateSyntaxError(token.offset, "parentheses nest deeper than the 1000 levels promstack checks");
        this.parenDepth++;
        this.pipeline("parenthesized pipeline", "rightParen", token);
        this.parenDepth--;
        return "pipeline";
      case "dot":
      case "nil":
      case "field":
      case "bool":
        return token.kind;
    }
    this.backup(token);
    return undefined;
  }
}

/**
 * The first problem Go's text/template parser reports for a template, with the functions and
 * variables of `dialect`, or undefined when it parses.
 */
export function checkGoTemplate(text: string, dialect: TemplateDialect): TemplateError | undefined {
  try {
    new Parser(new Lexer(text), dialect).parse();
    return undefined;
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), message: error.message };
  }
}
