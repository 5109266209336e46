// Whether Go's regexp package (RE2 syntax, Perl flags) compiles a pattern. JavaScript's
// RegExp accepts a different language (lookarounds, backreferences; no (?i) or \z), so we
// check the RE2 grammar ourselves. Returns the problem, or undefined when it compiles.

const PERL_CLASSES = new Set([..."dDsSwW"]);
const ASSERTIONS = new Set([..."bBAz"]);
const CONTROL = new Set([..."afnrtv"]);
const POSIX = new Set(["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"]);

/** Reads an escape at chars[i] (the backslash); returns its length, or a problem. */
function escape(chars: string[], i: number, inClass: boolean): number | string {
  const c = chars[i + 1];
  if (c === undefined) return "trailing backslash at end of expression";
  if (/^[0-7]$/.test(c)) {
    // Go reads \0 and \1-\7 followed by an octal digit as octal (up to 3 digits); a lone \1-\7 is a backreference, unsupported.
    if (c !== "0" && !/^[0-7]$/.test(chars[i + 2] ?? "")) return `invalid escape sequence: \\${c} (backreferences are not supported)`;
    let n = 2;
    while (n < 4 && /^[0-7]$/.test(chars[i + n] ?? "")) n++;
    return n;
  }
  if (c === "8" || c === "9") return `invalid escape sequence: \\${c}`;
  if (c === "x") {
    if (chars[i + 2] === "{") {
      const close = chars.indexOf("}", i + 3);
      const hex = close < 0 ? "" : chars.slice(i + 3, close).join("");
      if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) return "invalid escape sequence: \\x{...}";
      return close - i + 1;
    }
    if (!/^[0-9A-Fa-f]{2}$/.test(chars.slice(i + 2, i + 4).join(""))) return "invalid escape sequence: \\x needs two hex digits";
    return 4;
  }
  if (c === "p" || c === "P") {
    if (chars[i + 2] === "{") {
      const close = chars.indexOf("}", i + 3);
      if (close < 0) return "invalid character class range: \\p{ without }";
      return close - i + 1;
    }
    if (chars[i + 2] === undefined) return "invalid character class range: \\p at end";
    return 3;
  }
  if (c === "Q" && !inClass) {
    const end = chars.join("").indexOf("\\E", i + 2);
    return end < 0 ? chars.length - i : end - i + 2;
  }
  if (PERL_CLASSES.has(c) || CONTROL.has(c)) return 2;
  if (ASSERTIONS.has(c) && !inClass) return 2;
  if (/^[\p{L}\p{N}_]$/u.test(c)) return `invalid escape sequence: \\${c}`;
  return 2; // an escaped punctuation character is that character
}

export function re2Problem(pattern: string): string | undefined {
  const chars = [...pattern];
  let depth = 0;
  // Whether the previous item can take a repetition operator, and whether it already has one.
  let repeatable = false;
  let repeated = false;
  for (let i = 0; i < chars.length; ) {
    const c = chars[i]!;
    if (c === "\\") {
      const result = escape(chars, i, false);
      if (typeof result === "string") return result;
      i += result;
      repeatable = true;
      repeated = false;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      if (chars[j] === "^") j++;
      let first = true;
      let previous: number | undefined;
      for (;;) {
        const d = chars[j];
        if (d === undefined) return "missing closing ]";
        if (d === "]" && !first) break;
        first = false;
        let low: number | undefined;
        if (d === "[" && chars[j + 1] === ":") {
          const close = chars.join("").indexOf(":]", j + 2);
          const name = close < 0 ? "" : chars.slice(j + 2, close).join("").replace(/^\^/, "");
          if (close >= 0 && POSIX.has(name)) {
            j = close + 2;
            previous = undefined;
            continue;
          }
          if (close >= 0) return `invalid character class range: [:${name}:]`;
        }
        if (d === "\\") {
          const result = escape(chars, j, true);
          if (typeof result === "string") return result;
          const e = chars[j + 1]!;
          low = result === 2 && !/^[\p{L}\p{N}]$/u.test(e) ? e.codePointAt(0) : undefined;
          j += result;
        } else {
          low = d.codePointAt(0);
          j++;
        }
        if (chars[j] === "-" && chars[j + 1] !== "]" && chars[j + 1] !== undefined && low !== undefined) {
          const h = chars[j + 1]!;
          const high = h === "\\" ? chars[j + 2]?.codePointAt(0) : h.codePointAt(0);
          if (high !== undefined && high < low) return `invalid character class range: ${String.fromCodePoint(low)}-${String.fromCodePoint(high)}`;
          j += h === "\\" ? 3 : 2;
        }
        previous = low;
      }
      void previous;
      i = j + 1;
      repeatable = true;
      repeated = false;
      continue;
    }
    if (c === "(") {
      if (chars[i + 1] === "?") {
        const rest = chars.slice(i + 2).join("");
        const named = /^(P?<)([A-Za-z0-9_]+)>/.exec(rest);
        if (named) i += 2 + named[0].length;
        else if (/^(=|!|<=|<!)/.test(rest)) return "invalid or unsupported Perl syntax: lookaround assertions are not supported";
        else {
          const flags = /^([imsU]*(-[imsU]+)?)(:|\))/.exec(rest);
          if (!flags || flags[1] === "") return `invalid or unsupported Perl syntax: (?${rest.slice(0, 2)}`;
          if (flags[3] === ")") {
            i += 2 + flags[0].length;
            repeatable = false;
            repeated = false;
            continue;
          }
          i += 2 + flags[0].length;
        }
      } else {
        i++;
      }
      depth++;
      repeatable = false;
      repeated = false;
      continue;
    }
    if (c === ")") {
      if (depth === 0) return "unexpected ): no group to close";
      depth--;
      i++;
      repeatable = true;
      repeated = false;
      continue;
    }
    if (c === "|") {
      i++;
      repeatable = false;
      repeated = false;
      continue;
    }
    const brace = c === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i).join("")) : null;
    if (c === "*" || c === "+" || c === "?" || brace) {
      const operator = brace ? brace[0] : c;
      if (repeated) return `invalid nested repetition operator: ${operator}`;
      if (!repeatable) return `missing argument to repetition operator: ${operator}`;
      if (brace) {
        const min = Number(brace[1]);
        const max = brace[3] === undefined ? min : brace[3] === "" ? Infinity : Number(brace[3]);
        if (min > 1000 || (max !== Infinity && max > 1000) || max < min) return `invalid repeat count: ${operator}`;
      }
      i += [...operator].length;
      if (chars[i] === "?") i++; // non-greedy
      repeated = true;
      continue;
    }
    i++;
    repeatable = true;
    repeated = false;
  }
  if (depth > 0) return "missing closing )";
  return undefined;
}
