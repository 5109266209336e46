// Alertmanager 0.34's label matcher grammar, as `amtool check-config` applies it to each
// string of a `matchers` list. By default Alertmanager parses with its UTF-8 parser and,
// when that fails, falls back to the classic (pre-0.27) parser; when both succeed with
// different results the classic result wins. We reimplement both so validate accepts
// exactly what Alertmanager accepts and can say where a string goes wrong.
import { re2Problem } from "../re2.js";

export type MatchType = "=" | "!=" | "=~" | "!~";

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

/** Where a matcher string goes wrong: 1-based columns counted in characters (code points). */
export interface MatcherError {
  message: string;
  column: number;
}

export type MatchersResult = { ok: true; matchers: Matcher[] } | { ok: false; error: MatcherError };

/** The outcome of Alertmanager's default (fallback) parsing of one `matchers` string. */
export type ParsedMatchers =
  | { ok: true; matchers: Matcher[]; parser: "utf8" | "classic"; utf8Error?: MatcherError }
  | { ok: false; error: MatcherError };

// --- the UTF-8 parser ---------------------------------------------------------------------

type TokenKind = "{" | "}" | "," | "op" | "quoted" | "unquoted";
interface Token {
  kind: TokenKind;
  text: string;
  column: number;
}

const RESERVED = new Set([..."{}!=~,\\\"'`"]);
const isSpace = (char: string) => /^\p{White_Space}$/u.test(char);
const isReserved = (char: string) => isSpace(char) || RESERVED.has(char);

/** Tokens up to the first lexical error (which is returned alongside, if any). */
function lex(input: string): { tokens: Token[]; error?: MatcherError } {
  const chars = [...input];
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    const column = i + 1;
    if (char === "{" || char === "}" || char === ",") {
      tokens.push({ kind: char, text: char, column });
      i++;
    } else if (char === "=" || char === "!") {
      const next = chars[i + 1];
      if (char === "!" && next !== "=" && next !== "~") {
        return { tokens, error: { message: next === undefined ? "unexpected end of input after '!', expected '=' or '~'" : `'!' must be followed by '=' or '~', not '${next}'`, column: column + 1 } };
      }
      // "!" pairs with "=" or "~"; "=" only with "~" ("==" is "=" then a stray "=").
      const text = next === "~" || (char === "!" && next === "=") ? char + next : char;
      tokens.push({ kind: "op", text, column });
      i += text.length;
    } else if (char === '"') {
      let j = i + 1;
      let escaped = false;
      for (; j < chars.length; j++) {
        if (escaped) escaped = false;
        else if (chars[j] === "\\") escaped = true;
        else if (chars[j] === '"') break;
      }
      if (j >= chars.length) return { tokens, error: { message: `${chars.slice(i).join("")}: missing closing "`, column } };
      tokens.push({ kind: "quoted", text: chars.slice(i, j + 1).join(""), column });
      i = j + 1;
    } else if (isSpace(char)) {
      i++;
    } else if (!isReserved(char)) {
      let j = i;
      while (j < chars.length && !isReserved(chars[j]!)) j++;
      tokens.push({ kind: "unquoted", text: chars.slice(i, j).join(""), column });
      i = j;
    } else {
      return { tokens, error: { message: `unexpected '${char}' (quote the name or value that contains it)`, column } };
    }
  }
  return { tokens };
}

/** Go's strconv.Unquote for a double-quoted string, then the UTF-8 check Alertmanager adds. */
export function unquoteGo(quoted: string): string | undefined {
  const body = quoted.slice(1, -1);
  if (body.includes("\n")) return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34 };
  for (let i = 0; i < body.length; ) {
    const codePoint = body.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    if (char === '"') return undefined;
    if (char !== "\\") {
      bytes.push(...encoder.encode(char));
      i += char.length;
      continue;
    }
    const kind = body[i + 1];
    if (kind === undefined) return undefined;
    if (kind in simple) {
      bytes.push(simple[kind]!);
      i += 2;
    } else if (kind === "x" || kind === "u" || kind === "U") {
      const width = kind === "x" ? 2 : kind === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) return undefined;
      const value = parseInt(hex, 16);
      if (kind === "x") bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      else bytes.push(...encoder.encode(String.fromCodePoint(value)));
      i += 2 + width;
    } else if (/[0-7]/.test(kind)) {
      const octal = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) return undefined;
      bytes.push(parseInt(octal, 8));
      i += 4;
    } else {
      return undefined;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

function regexError(type: MatchType, value: string, column: number): MatcherError | undefined {
  if (type !== "=~" && type !== "!~") return undefined;
  const problem = re2Problem(value);
  return problem === undefined ? undefined : { message: `regular expression ${JSON.stringify(value)} does not compile: ${problem}`, column };
}

/** Alertmanager's UTF-8 matchers parser: `a="b", "c.d"=~e` or the same in braces. */
export function parseUtf8Matchers(input: string): MatchersResult {
  const { tokens, error: lexError } = lex(input);
  const end = [...input].length + 1;
  let index = 0;
  // A token the grammar needs; past the lexed ones, the lexical error (or end of input) is the problem.
  const fail = (expected: string): { ok: false; error: MatcherError } => {
    const token = tokens[index];
    if (token) return { ok: false, error: { message: `unexpected ${token.text}, expected ${expected}`, column: token.column } };
    if (lexError) return { ok: false, error: lexError };
    return { ok: false, error: { message: `unexpected end of input, expected ${expected}`, column: end } };
  };
  const matchers: Matcher[] = [];
  const braced = tokens[0]?.kind === "{";
  if (braced) index++;
  for (;;) {
    const token = tokens[index];
    if (!token) {
      if (lexError) return { ok: false, error: lexError };
      if (braced) return fail("a closing }");
      break;
    }
    if (token.kind === "}") {
      if (!braced) return { ok: false, error: { message: "unexpected }, there is no opening {", column: token.column } };
      index++;
      if (tokens[index] || lexError) return fail("end of input after }");
      break;
    }
    if (token.kind !== "quoted" && token.kind !== "unquoted") return fail(matchers.length === 0 ? "a label name" : "a label name or closing }");
    const name = token.kind === "quoted" ? unquoteGo(token.text) : token.text;
    if (name === undefined) return { ok: false, error: { message: `${token.text} is not a valid quoted label name (Go string escapes only)`, column: token.column } };
    index++;
    const operator = tokens[index];
    if (operator?.kind !== "op") return fail("an operator: =, !=, =~ or !~");
    index++;
    const valueToken = tokens[index];
    if (valueToken?.kind !== "quoted" && valueToken?.kind !== "unquoted") return fail("a label value");
    const value = valueToken.kind === "quoted" ? unquoteGo(valueToken.text) : valueToken.text;
    if (value === undefined) return { ok: false, error: { message: `${valueToken.text} is not a valid quoted label value (Go string escapes only)`, column: valueToken.column } };
    const type = operator.text as MatchType;
    const badRegex = regexError(type, value, valueToken.column);
    if (badRegex) return { ok: false, error: badRegex };
    matchers.push({ name, type, value });
    index++;
    const after = tokens[index];
    if (!after) continue; // end of input (or a lexical error), handled at the top
    if (after.kind === ",") index++;
    else if (after.kind !== "}") return fail("a comma or closing }");
  }
  return { ok: true, matchers };
}

// --- the classic parser -------------------------------------------------------------------

const CLASSIC_SPACE = "[\\t\\n\\f\\r ]";
const CLASSIC = new RegExp(`^${CLASSIC_SPACE}*([a-zA-Z_:][a-zA-Z0-9_:]*)${CLASSIC_SPACE}*(=~|=|!=|!~)${CLASSIC_SPACE}*([\\s\\S]*?)${CLASSIC_SPACE}*$`);

function parseClassicMatcher(text: string, column: number): { ok: true; matcher: Matcher } | { ok: false; error: MatcherError } {
  const match = CLASSIC.exec(text);
  if (!match) return { ok: false, error: { message: `bad matcher format: ${text.trim()}`, column } };
  const [, name, type, raw] = match as unknown as [string, string, MatchType, string];
  let rest = raw;
  let expectQuote = false;
  if (rest.startsWith('"')) {
    rest = rest.slice(1);
    expectQuote = true;
  }
  let value = "";
  let escaped = false;
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i]!;
    if (escaped) {
      escaped = false;
      value += char === "n" ? "\n" : char === '"' || char === "\\" ? char : `\\${char}`;
      continue;
    }
    if (char === "\\") {
      if (i < rest.length - 1) escaped = true;
      else value += "\\";
    } else if (char === '"') {
      if (!expectQuote || i < rest.length - 1) return { ok: false, error: { message: `matcher value contains an unescaped double quote: ${raw}`, column } };
      expectQuote = false;
    } else {
      value += char;
    }
  }
  if (expectQuote) return { ok: false, error: { message: `matcher value contains an unescaped double quote: ${raw}`, column } };
  const badRegex = regexError(type, value, column);
  if (badRegex) return { ok: false, error: badRegex };
  return { ok: true, matcher: { name, type, value } };
}

/** Alertmanager's classic parser: strips one { and }, splits at commas outside quotes. */
export function parseClassicMatchers(input: string): MatchersResult {
  let text = input.startsWith("{") ? input.slice(1) : input;
  const offset = text === input ? 1 : 2;
  if (text.endsWith("}")) text = text.slice(0, -1);
  const pieces: Array<{ text: string; column: number }> = [];
  let inQuotes = false;
  let escaped = false;
  let current = "";
  let start = 0;
  const chars = [...text];
  chars.forEach((char, i) => {
    if (char === "," && !inQuotes) {
      pieces.push({ text: current, column: start + offset });
      current = "";
      start = i + 1;
      return;
    }
    if (char === '"') {
      if (!escaped) inQuotes = !inQuotes;
      else escaped = false;
    } else if (char === "\\") {
      escaped = !escaped;
    } else if (char !== ",") {
      escaped = false;
    }
    current += char;
  });
  if (current.trim() !== "") pieces.push({ text: current.trim(), column: start + offset });
  const matchers: Matcher[] = [];
  for (const piece of pieces) {
    const parsed = parseClassicMatcher(piece.text, piece.column);
    if (!parsed.ok) return parsed;
    matchers.push(parsed.matcher);
  }
  return { ok: true, matchers };
}

// --- what Alertmanager does by default ----------------------------------------------------

const same = (a: Matcher[], b: Matcher[]) => a.length === b.length && a.every((m, i) => m.name === b[i]!.name && m.type === b[i]!.type && m.value === b[i]!.value);

/** One `matchers` string as Alertmanager 0.34 reads it by default (UTF-8 parser, classic fallback). */
export function parseMatchers(input: string): ParsedMatchers {
  const utf8 = parseUtf8Matchers(input);
  const classic = parseClassicMatchers(input);
  if (!utf8.ok) return classic.ok ? { ok: true, matchers: classic.matchers, parser: "classic", utf8Error: utf8.error } : { ok: false, error: utf8.error };
  if (classic.ok && !same(utf8.matchers, classic.matchers)) return { ok: true, matchers: classic.matchers, parser: "classic" };
  return { ok: true, matchers: utf8.matchers, parser: "utf8" };
}
