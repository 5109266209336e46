// How Helm reads an unquoted YAML scalar. Helm parses values with sigs.k8s.io/yaml, which
// resolves plain scalars the way go-yaml v2 does (YAML 1.1 words and number forms), then
// converts the result to JSON. The `yaml` package reads YAML 1.2, where `on`, `no`, `1_000`
// and `0755` mean something else; validate must judge what Helm will see.

export type HelmReading =
  | { kind: "value"; value: string | number | boolean | null }
  | { kind: "error"; message: string };

const WORDS = new Map<string, boolean | null>();
for (const word of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) WORDS.set(word, true);
for (const word of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) WORDS.set(word, false);
for (const word of ["", "~", "null", "Null", "NULL"]) WORDS.set(word, null);

// Words go-yaml reads as floats that JSON cannot hold: Helm stops with "unsupported value".
const NON_FINITE = new Set([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const LEADING_DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64) (with ParseUint as its fallback), or undefined when both fail. */
function goParseInteger(text: string): bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match as unknown as [string, string, string];
  let magnitude: bigint;
  if (/^0[xXoObB]/.test(digits)) magnitude = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits.startsWith("0")) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  // ParseUint takes no sign.
  return sign === "" && value <= UINT64_MAX ? value : undefined;
}

/** The value Helm sees for an unquoted, untagged scalar whose (folded) text is `text`. */
export function helmReading(text: string): HelmReading {
  const word = WORDS.get(text);
  if (word !== undefined) return { kind: "value", value: word };
  if (NON_FINITE.has(text)) return { kind: "error", message: `Helm reads the unquoted ${text} as a non-finite number, which it cannot convert to JSON and refuses; quote it ("${text}") for the text` };
  const first = text[0];
  if (first === ".") {
    if (LEADING_DOT_FLOAT.test(text)) return { kind: "value", value: Number(text) };
    return { kind: "value", value: text };
  }
  if (first !== undefined && /[-+0-9]/.test(first)) {
    // go-yaml drops every underscore before trying the number forms.
    const plain = text.replace(/_/g, "");
    const integer = goParseInteger(plain);
    if (integer !== undefined) return { kind: "value", value: Number(integer) };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const float = Number(plain);
      if (Number.isFinite(float)) return { kind: "value", value: float };
    }
  }
  return { kind: "value", value: text };
}

/** The JSON object key Helm makes of a mapping key it read as a non-string (sigs.k8s.io/yaml). */
export function helmKey(value: boolean | number | null): string | undefined {
  if (value === null) return undefined; // Helm refuses a null key
  return String(value);
}
