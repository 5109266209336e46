// Go's regexp, as Prometheus and Alertmanager compile label matchers and relabelling regexes
// and Helm the patterns of values.schema.json, judged by re2js, a port of Go's regexp/syntax.
// JavaScript's RegExp reads another language: it takes lookarounds and backreferences, and
// refuses (?i) mid-pattern, \z, \Q...\E and [[:alpha:]]. Where re2js and Go 1.26 differ, this
// module follows Go or says it does not (test/unit/re2.test.ts).
import { RE2JS } from "re2js";

export interface Re2Matcher {
  /** Whether the text matches, as the program that compiled the pattern decides it. */
  test(text: string): boolean;
}

// Go's messages name what is refused, not why; these two surprise users who know Perl or JavaScript.
const reasons: Array<[RegExp, string]> = [
  [/`\(\?<?[=!]/, "lookaround assertions are not supported"],
  [/`\\[1-9]`/, "backreferences are not supported"],
];

// Alternatives of letters, digits, "_", "-" and ".", each repeated at most once by *, + or ?:
// most matchers and relabelling regexes (a|b, .*name.*). Go compiles every such pattern, so
// they skip compiling (unit: re2.test.ts checks the claim on random patterns of this form).
export const PLAIN_PATTERN = /^(?:[\w.-][*+?]?)*(?:\|(?:[\w.-][*+?]?)*)*$/;
const PLAIN_PATTERN_MAX = 1000;

/** Why Go's regexp.Compile refuses a pattern, in Go's words (without "error parsing regexp: "), or undefined. */
export function re2Problem(pattern: string): string | undefined {
  if (pattern.length <= PLAIN_PATTERN_MAX && PLAIN_PATTERN.test(pattern)) return undefined;
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, "");
    const reason = reasons.find(([refused]) => refused.test(message));
    return reason ? `${message} (${reason[1]})` : message;
  }
}

// How each program wraps a pattern before compiling it: Prometheus' matchers and relabelling
// regexes match the whole text with . matching a newline, Alertmanager's matchers the whole
// text, and a JSON Schema pattern (Helm checking values.schema.json) anywhere in it.
const wrappers = { prometheus: (p: string) => `^(?s:${p})$`, alertmanager: (p: string) => `^(?:${p})$`, "json-schema": (p: string) => p };

/** A matcher for a pattern as `program` compiles it; undefined when the pattern does not compile. */
export function re2Matcher(pattern: string, program: keyof typeof wrappers): Re2Matcher | undefined {
  if (re2Problem(pattern) !== undefined) return undefined;
  const regex = compile(wrappers[program](pattern));
  return { test: (text) => regex.matcher(text).find() };
}

// Go's regexp accepts a capture group name used twice; re2js refuses it. Names change nothing
// else, so a pattern re2js refuses for that reason alone is compiled again without them.
function compileUncached(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    if (!/duplicate capture group name/.test((error as Error).message)) throw error;
    return RE2JS.compile(pattern.replace(/\\.|\(\?P?<[A-Za-z0-9_]+>/gs, (match) => (match.startsWith("\\") ? match : "(")));
  }
}

// A profile names the same pattern in many places (an inhibit rule's matchers, routes, relabelling):
// each is compiled once per run. A compiled RE2JS is immutable (matcher() makes the state).
const compiled = new Map<string, RE2JS | Error>();

function compile(pattern: string): RE2JS {
  let result = compiled.get(pattern);
  if (result === undefined) {
    try {
      result = compileUncached(pattern);
    } catch (error) {
      result = error as Error;
    }
    if (compiled.size >= 10_000) compiled.clear(); // bounded, like the PromQL caches
    compiled.set(pattern, result);
  }
  if (result instanceof Error) throw result;
  return result;
}
