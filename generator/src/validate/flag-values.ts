// Whether the prometheus binary takes a command-line flag's value, by the Go parser kingpin
// hands it to (the kind is the title kingpin-flags.ts gives the flag in the scrape-config
// schema). The binary refuses to start on a value its parser refuses ("Error parsing command
// line arguments"); test/semantics/flag-values.test.ts holds each parser against the binary.
import { byteSizeBytes } from "../byte-size.js";
import { durationProblem } from "../duration.js";

export interface FlagValueSchema {
  title?: string;
  enum?: string[];
  examples?: string[];
}

/** strconv's underscoreOK: underscores only between digits, or right after a base prefix. */
function underscoresOk(text: string): boolean {
  let s = text.replace(/^[+-]/, "");
  let saw = "^";
  let hex = false;
  if (/^0[bBoOxX]/.test(s)) {
    saw = "0";
    hex = /^0[xX]/.test(s);
    s = s.slice(2);
  }
  for (const c of s) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else if (saw === "_") return false;
    else saw = "!";
  }
  return saw !== "_";
}

/** strconv.ParseFloat(s, 64) succeeds (kingpin's Int and Float flags parse with it). */
export function goFloatOk(text: string): boolean {
  if (/^[+-]?(inf|infinity)$/i.test(text) || /^nan$/i.test(text)) return true;
  // readFloat: sign, optional 0x, digits and one dot (underscores allowed), then the exponent
  // (e for decimal, p for hexadecimal, which needs one) starting with a digit; nothing after.
  const hex = /^[+-]?0[xX]/.test(text);
  const m = (hex ? /^[+-]?0[xX]([0-9a-fA-F_]*\.?[0-9a-fA-F_]*)(?:([pP])([+-]?)([0-9_]*))?$/ : /^[+-]?([0-9_]*\.?[0-9_]*)(?:([eE])([+-]?)([0-9_]*))?$/).exec(text);
  if (!m) return false;
  const [, mantissa = "", exponentMark, , exponent = ""] = m;
  if (!(hex ? /[0-9a-fA-F]/ : /[0-9]/).test(mantissa)) return false;
  if (exponentMark !== undefined ? !/^[0-9]/.test(exponent) : hex) return false;
  if (text.includes("_") && !underscoresOk(text)) return false;
  // Out of range: ParseFloat returns an error with the infinity.
  if (!hex && !Number.isFinite(Number(text.replace(/_/g, "")))) return false;
  return true;
}

/** strconv.ParseInt(s, 0, 64) succeeds. */
export function goInt64Ok(text: string): boolean {
  const m = /^([+-]?)(?:(0[xX])([0-9a-fA-F_]+)|(0[bB])([01_]+)|(0[oO])([0-7_]+)|(0)([0-7_]*)|([1-9][0-9_]*))$/.exec(text);
  if (!m || !underscoresOk(text)) return false;
  const digits = (m[3] ?? m[5] ?? m[7] ?? m[9] ?? m[10] ?? "").replace(/_/g, "");
  const radix = m[2] ? "0x" : m[4] ? "0b" : m[6] || (m[8] && digits !== "") ? "0o" : "";
  if ((m[2] || m[4] || m[6]) && digits === "") return false;
  const value = BigInt(`${radix}${digits || "0"}`);
  return m[1] === "-" ? value <= 2n ** 63n : value < 2n ** 63n;
}

// kingpin parses a Duration flag with xhit/go-str2duration: time.ParseDuration's syntax and
// units (µ is U+00B5, μ U+03BC) plus d and w, in any order.
const GO_DURATION_UNITS = new Set(["ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h", "d", "w"]);

/** str2duration.ParseDuration succeeds (overflow aside: about 290 years). */
export function goDurationOk(text: string): boolean {
  let s = text.replace(/^[+-]/, "");
  if (s === "0") return true;
  if (s === "") return false;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/.exec(s)!;
    const [whole, pre = "", post] = m;
    if (pre === "" && (post === undefined || post === "")) return false;
    if (!GO_DURATION_UNITS.has(m[3]!)) return false;
    s = s.slice(whole.length);
  }
  return true;
}

/** Why the prometheus binary refuses this value for a flag of this kind, or undefined when it takes it. */
export function flagValueProblem(schema: FlagValueSchema, value: string): string | undefined {
  // The chart passes an empty value as the bare flag: only a boolean flag goes without one.
  if (value === "" && schema.title !== "GoBool") return 'needs a value: an empty value passes the bare flag, which the program refuses ("expected argument for flag")';
  switch (schema.title) {
    case "GoBool":
      // kingpin takes a boolean flag bare (--x) or negated (--no-x), never with =true or =false.
      return value === "" ? undefined : `is a boolean flag, which takes no value ("unexpected ${value}"): an empty value sets it, the key no-<flag> with an empty value unsets it`;
    case "GoFloat":
      return goFloatOk(value) ? undefined : "is not a number";
    case "GoInt64":
      return goInt64Ok(value) ? undefined : "is not an integer";
    case "GoDuration":
      return goDurationOk(value) ? undefined : "is not a duration (e.g. 500ms, 1m30s, 1d)";
    case "PrometheusDuration": {
      const problem = durationProblem(value);
      return problem === undefined ? undefined : `is not a Prometheus duration (e.g. 30s, 1h30m): ${problem}`;
    }
    case "Base2Bytes":
      return byteSizeBytes(value.replace(/^[+-]/, "")) === undefined ? "is not a byte size (e.g. 512MB, 1GiB)" : undefined;
    case "Enum":
      return (schema.enum ?? []).includes(value) ? undefined : `is not one of ${(schema.enum ?? []).join(", ")}`;
    case "EnumAnyCase":
      return (schema.examples ?? []).includes(value.toLowerCase()) ? undefined : `is not one of ${(schema.examples ?? []).join(", ")} (in any case)`;
    default:
      return undefined;
  }
}

/** Whether a duration that time.ParseDuration (or str2duration) takes is above zero. */
export function goDurationPositive(text: string): boolean {
  return !text.startsWith("-") && /[1-9]/.test(text.replace(/[^0-9.]+/g, " "));
}

/** A number kingpin's float parser takes that is in (0, 1] (--auto-gomemlimit.ratio). */
export function ratioInRange(text: string): boolean {
  const value = Number(text.replace(/_/g, ""));
  return value > 0 && value <= 1;
}
