// PromQL string literals and regex matchers as Prometheus reads them. The lezer grammar
// accepts any backslash sequence inside quotes, so both are judged here by Go's rules: string
// escapes as Go's scanner reads them, regexes by Go's regexp (re2.ts).
import { re2Matcher, re2Problem } from "./re2.js";

export type Unquoted = { ok: true; value: string; invalidUtf8: boolean } | { ok: false; offset: number; message: string };

const simpleEscapes: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/**
 * The value of a quoted PromQL string ("...", '...' or `...`), or the first problem with the
 * offset (in `literal`) of its backslash. Double and single quotes take Go's escapes, each
 * allowing only its own quote character escaped; backticks take none.
 */
export function unquotePromQLString(literal: string): Unquoted {
  const quote = literal[0]!;
  const body = literal.slice(1, -1);
  if (quote === "`") return { ok: true, value: body, invalidUtf8: false };
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, "utf8"));
  for (let i = 0; i < body.length; i++) {
    const next = body.indexOf("\\", i);
    pushText(body.slice(i, next < 0 ? body.length : next));
    if (next < 0) break;
    i = next;
    const at = i + 1; // offset of the backslash in the literal (after the opening quote)
    const kind = body[i + 1];
    if (kind === undefined) return { ok: false, offset: at, message: "escape sequence not terminated" };
    if (kind in simpleEscapes) {
      pushText(simpleEscapes[kind]!);
      i++;
      continue;
    }
    if (kind === quote) {
      pushText(quote);
      i++;
      continue;
    }
    const digits = /[0-7]/.test(kind) ? { count: 3, base: 8, max: 255, skip: 0 } : kind === "x" ? { count: 2, base: 16, max: 255, skip: 1 } : kind === "u" ? { count: 4, base: 16, max: 0x10ffff, skip: 1 } : kind === "U" ? { count: 8, base: 16, max: 0x10ffff, skip: 1 } : undefined;
    if (!digits) return { ok: false, offset: at, message: `unknown escape sequence \\${kind}` };
    const start = i + 1 + digits.skip;
    const text = body.slice(start, start + digits.count);
    const pattern = digits.base === 8 ? /^[0-7]*$/ : /^[0-9a-fA-F]*$/;
    if (text.length < digits.count || !pattern.test(text)) {
      const bad = [...text].findIndex((c) => !pattern.test(c));
      return { ok: false, offset: at, message: bad < 0 ? "escape sequence not terminated" : `illegal character ${JSON.stringify(text[bad])} in escape sequence` };
    }
    const code = parseInt(text, digits.base);
    if (code > digits.max || (code >= 0xd800 && code < 0xe000)) return { ok: false, offset: at, message: "escape sequence is an invalid Unicode code point" };
    // \x and octal escapes are bytes, \u and \U code points (as in Go).
    if (digits.max === 255) bytes.push(code);
    else pushText(String.fromCodePoint(code));
    i = start + digits.count - 1;
  }
  const buffer = Buffer.from(bytes);
  const value = buffer.toString("utf8");
  // Bytes that are not UTF-8 (from \x or octal escapes) do not survive as a JS string; Go keeps
  // them, and its regexp refuses them.
  return { ok: true, value, invalidUtf8: !Buffer.from(value, "utf8").equals(buffer) };
}

/** Go's regexp.QuoteMeta leaves a string unchanged: it has no regex metacharacter. */
function isLiteral(text: string): boolean {
  return !/[\\.+*?()|[\]{}^$]/.test(text);
}

/**
 * Why a matcher regex does not compile with Go's regexp, or undefined. Alternations of plain
 * literals are never parsed by Prometheus, so they never fail.
 */
export function regexProblem(pattern: string): string | undefined {
  return pattern.split("|").every(isLiteral) ? undefined : re2Problem(pattern);
}

/** Whether a regex matcher's pattern (anchored, as Prometheus anchors it) matches the empty string. */
export function regexMatchesEmpty(pattern: string): boolean {
  return re2Matcher(pattern, "prometheus")!.test("");
}
