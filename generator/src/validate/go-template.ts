// A checker for Go text/template source as Alertmanager parses its notification templates:
// balanced {{ }} and comments, strings that end, control blocks that close, and, as Go's
// parser does, every function and variable named must exist. Alertmanager's functions are
// its template FuncMap (template/template.go at 0.34.2) plus text/template's builtins.
import { suggestion } from "./schema-errors.js";

/** text/template's builtin functions. */
const BUILTINS = ["and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"];

/** Alertmanager 0.34.2's DefaultFuncs. */
export const ALERTMANAGER_FUNCTIONS = [
  "toUpper", "toLower", "title", "trimSpace", "join", "match", "safeHtml", "safeUrl", "urlUnescape", "reReplaceAll",
  "stringSlice", "routeLabels", "date", "tz", "now", "since", "humanizeDuration", "toDate", "mustToDate", "toJson",
  "base64encode", "base64decode", "list", "append", "dict",
];

const KEYWORDS = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"]);

export interface TemplateProblem {
  line: number;
  col: number;
  message: string;
}

type ItemKind = "word" | "field" | "variable" | "string" | "number" | "char" | "(" | ")" | "|" | ":=" | "=" | "," | "dot" | "end-action";
interface Item {
  kind: ItemKind;
  text: string;
  line: number;
  col: number;
}

class TemplateError extends Error {
  constructor(readonly line: number, readonly col: number, message: string) {
    super(message);
  }
}

/** Splits source into actions (their items) with positions; throws TemplateError on a lexical problem. */
function lexActions(source: string): Item[][] {
  const actions: Item[][] = [];
  let line = 1;
  let lineStart = 0;
  const positionAt = (offset: number) => ({ line, col: offset - lineStart + 1 });
  // Advances line counting over source[from, to).
  const advance = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (source[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
    }
  };
  let offset = 0;
  for (;;) {
    const open = source.indexOf("{{", offset);
    if (open < 0) break;
    advance(offset, open);
    const start = positionAt(open);
    let i = open + 2;
    if (source[i] === "-" && /[ \t\r\n]/.test(source[i + 1] ?? "")) i += 2;
    if (source.startsWith("/*", i)) {
      const close = source.indexOf("*/", i + 2);
      if (close < 0) throw new TemplateError(start.line, start.col, "unclosed comment");
      let j = close + 2;
      if (source.startsWith(" -}}", j) || source.startsWith("\t-}}", j) || source.startsWith("\n-}}", j) || source.startsWith("\r-}}", j)) j += 4;
      else if (source.startsWith("}}", j)) j += 2;
      else {
        advance(open, close);
        throw new TemplateError(line, close - lineStart + 1, "comment ends before closing delimiter");
      }
      advance(open, j);
      offset = j;
      continue;
    }
    advance(open, i);
    const items: Item[] = [];
    for (;;) {
      const c = source[i];
      const at = positionAt(i);
      if (c === undefined) throw new TemplateError(start.line, start.col, "unclosed action (no closing }})");
      if (/[ \t\r\n]/.test(c)) {
        if (source.startsWith("-}}", i + 1)) {
          advance(i, i + 4);
          i += 4;
          break;
        }
        advance(i, i + 1);
        i++;
        continue;
      }
      if (source.startsWith("}}", i)) {
        i += 2;
        break;
      }
      const push = (kind: ItemKind, length: number) => {
        items.push({ kind, text: source.slice(i, i + length), ...at });
        i += length;
      };
      if (c === "(" || c === ")" || c === "|" || c === ",") push(c, 1);
      else if (source.startsWith(":=", i)) push(":=", 2);
      else if (c === "=") push("=", 1);
      else if (c === '"') {
        let j = i + 1;
        while (j < source.length && source[j] !== '"' && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
        if (source[j] !== '"') throw new TemplateError(at.line, at.col, "unterminated quoted string");
        // Go unquotes it with strconv.Unquote: only Go's escapes are valid.
        for (let k = i + 1; k < j; k++) {
          if (source[k] !== "\\") continue;
          const valid = /^\\([abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(source.slice(k, j));
          if (!valid) throw new TemplateError(at.line, at.col + k - i, `invalid escape in quoted string: ${source.slice(k, k + 2)}`);
          k += valid[0].length - 1;
        }
        push("string", j + 1 - i);
      } else if (c === "`") {
        const close = source.indexOf("`", i + 1);
        if (close < 0) throw new TemplateError(at.line, at.col, "unterminated raw quoted string");
        const length = close + 1 - i;
        items.push({ kind: "string", text: source.slice(i, close + 1), ...at });
        advance(i, close + 1);
        i += length;
      } else if (c === "'") {
        let j = i + 1;
        while (j < source.length && source[j] !== "'" && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
        if (source[j] !== "'") throw new TemplateError(at.line, at.col, "unterminated character constant");
        push("char", j + 1 - i);
      } else if (c === "$") {
        const match = /^\$[\p{L}\p{N}_]*(\.[\p{L}\p{N}_]+)*/u.exec(source.slice(i))!;
        push("variable", match[0].length);
      } else if (c === ".") {
        const match = /^(\.[\p{L}_][\p{L}\p{N}_]*)+/u.exec(source.slice(i));
        if (match) {
          push("field", match[0].length);
          if (/^\.[0-9]/.test(source.slice(i))) throw new TemplateError(at.line, at.col + match[0].length, `unexpected "${/^\.[0-9]+/.exec(source.slice(i))![0]}" in operand`);
        }
        else if (/[0-9]/.test(source[i + 1] ?? "")) push("number", /^\.[0-9][0-9_]*([eE][+-]?[0-9]+)?i?/.exec(source.slice(i))![0].length);
        else push("dot", 1);
      } else if (/[0-9+-]/.test(c)) {
        const match = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?i?)/.exec(source.slice(i));
        if (!match || /^[\p{L}\p{N}_]/u.test(source.slice(i + match[0].length))) throw new TemplateError(at.line, at.col, `bad number syntax: ${source.slice(i, i + (match?.[0].length ?? 1) + 1)}`);
        push("number", match[0].length);
      } else if (/[\p{L}_]/u.test(c)) {
        const match = /^[\p{L}\p{N}_]+/u.exec(source.slice(i))!;
        push("word", match[0].length);
        // A field chain on a word result, e.g. (now).Year, is lexed as a separate field.
      } else {
        throw new TemplateError(at.line, at.col, `unrecognized character in action: ${JSON.stringify(c)}`);
      }
    }
    items.push({ kind: "end-action", text: "}}", ...positionAt(i) });
    actions.push(items);
    offset = i;
  }
  return actions;
}

type Block = { keyword: string; line: number; col: number; varsMark: number; inRange: boolean };

/** Checks one template file; returns its problems (the first one, as Go stops there). */
export function checkGoTemplate(source: string, functions: Iterable<string> = [...BUILTINS, ...ALERTMANAGER_FUNCTIONS]): TemplateProblem[] {
  const known = new Set(functions);
  try {
    const actions = lexActions(source);
    const blocks: Block[] = [];
    let vars: string[] = ["$"];
    for (const items of actions) {
      const first = items[0]!;
      const fail = (item: Item, message: string): never => {
        throw new TemplateError(item.line, item.col, message);
      };
      let rest = items;
      const inRange = () => blocks.some((block) => block.inRange);
      if (first.kind === "word" && KEYWORDS.has(first.text) && first.text !== "nil") {
        rest = items.slice(1);
        switch (first.text) {
          case "end": {
            const block = blocks.pop();
            if (!block) fail(first, "unexpected {{end}}: no if, range, with, define or block to close");
            if (rest[0]!.kind !== "end-action") fail(rest[0]!, `unexpected ${rest[0]!.text} in end`);
            vars = vars.slice(0, block!.varsMark);
            if (block!.keyword === "define" || block!.keyword === "block") vars = (block as Block & { saved?: string[] }).saved ?? ["$"];
            continue;
          }
          case "else": {
            const block = blocks[blocks.length - 1];
            if (!block || !["if", "range", "with"].includes(block.keyword)) fail(first, "unexpected {{else}}: not inside if, range or with");
            if (rest[0]!.kind === "end-action") continue;
            // {{else if ...}} inside if and {{else with ...}} inside with continue the block: check their pipeline only.
            if (rest[0]!.kind === "word" && rest[0]!.text === block!.keyword && (block!.keyword === "if" || block!.keyword === "with")) {
              rest = rest.slice(1);
              break;
            }
            fail(rest[0]!, `unexpected ${rest[0]!.text} in else`);
            break;
          }
          case "break":
          case "continue":
            if (!inRange()) fail(first, `{{${first.text}}} outside {{range}}`);
            if (rest[0]!.kind !== "end-action") fail(rest[0]!, `unexpected ${rest[0]!.text} in ${first.text}`);
            continue;
          case "define":
          case "block":
          case "template": {
            if (rest[0]!.kind !== "string") fail(rest[0]!, `unexpected ${rest[0]!.text} in ${first.text} clause: the template name must be a quoted string`);
            rest = rest.slice(1);
            if (first.text === "define") {
              if (blocks.length > 0) fail(first, `unexpected {{define}} inside {{${blocks[blocks.length - 1]!.keyword}}}: define templates at the top level`);
              if (rest[0]!.kind !== "end-action") fail(rest[0]!, `unexpected ${rest[0]!.text} in define clause`);
              const block: Block & { saved?: string[] } = { keyword: "define", line: first.line, col: first.col, varsMark: 0, inRange: false, saved: vars };
              blocks.push(block);
              vars = ["$"];
              continue;
            }
            if (rest[0]!.kind === "end-action") {
              if (first.text === "block") fail(rest[0]!, "missing pipeline in block clause");
              continue;
            }
            break;
          }
          case "if":
          case "range":
          case "with":
            break;
        }
      }
      // A pipeline: optional declarations, then commands separated by |.
      const declared: string[] = [];
      let index = 0;
      if (rest[0]?.kind === "variable" && (rest[1]?.kind === ":=" || rest[1]?.kind === "=" || rest[1]?.kind === ",")) {
        const names = [rest[0]!];
        index = 1;
        if (rest[1]!.kind === ",") {
          if (rest[2]?.kind !== "variable") fail(rest[2] ?? rest[1]!, "expected a variable after , in declaration");
          names.push(rest[2]!);
          index = 3;
        }
        const op = rest[index]!;
        if (op.kind !== ":=" && op.kind !== "=") fail(op, `unexpected ${op.text} in declaration`);
        for (const name of names) {
          declared.push(name.text);
        }
        index++;
      }
      let depth = 0;
      let commandHasValue = false;
      let commands = 0;
      for (; index < rest.length; index++) {
        const item = rest[index]!;
        switch (item.kind) {
          case "end-action":
            if (depth > 0) fail(item, "unclosed left paren");
            if (!commandHasValue && commands === 0) fail(item, "missing value for command");
            break;
          case "(":
            depth++;
            commandHasValue = false;
            break;
          case ")":
            if (depth === 0) fail(item, "unexpected right paren");
            if (!commandHasValue) fail(item, "missing value for command");
            depth--;
            commandHasValue = true;
            break;
          case "|":
            if (!commandHasValue) fail(item, "missing value for command");
            commandHasValue = false;
            if (depth === 0) commands++;
            break;
          case ":=":
          case "=":
          case ",":
            fail(item, `unexpected "${item.text}" in operand`);
            break;
          case "word":
            if (item.text === "true" || item.text === "false" || item.text === "nil") {
              commandHasValue = true;
              break;
            }
            if (KEYWORDS.has(item.text)) fail(item, `unexpected keyword ${item.text} in operand`);
            if (!known.has(item.text)) fail(item, `function "${item.text}" not defined in Alertmanager 0.34.2 templates${suggestion(item.text, [...known])}`);
            commandHasValue = true;
            break;
          case "variable": {
            const name = item.text.split(".")[0]!;
            if (!vars.includes(name)) fail(item, `undefined variable "${name}"`);
            commandHasValue = true;
            break;
          }
          default:
            commandHasValue = true;
        }
      }
      if (first.kind === "word" && ["if", "range", "with", "block"].includes(first.text)) {
        const block: Block & { saved?: string[] } = { keyword: first.text, line: first.line, col: first.col, varsMark: vars.length, inRange: first.text === "range" };
        if (first.text === "block") {
          block.saved = vars;
          vars = ["$"];
        }
        blocks.push(block);
      }
      vars.push(...declared);
    }
    const open = blocks.pop();
    if (open) throw new TemplateError(open.line, open.col, `unexpected EOF: {{${open.keyword}}} has no {{end}}`);
    return [];
  } catch (error) {
    if (error instanceof TemplateError) return [{ line: error.line, col: error.col, message: error.message }];
    throw error;
  }
}
