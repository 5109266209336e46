// The command-line flags a kingpin program defines (Prometheus, Alertmanager) and the value
// each takes, read from its Go sources (a.Flag("name", "help").Default("x").DurationVar(&v)),
// so validate can refuse an extraArgs flag or value the program would refuse at start, and
// only those. The kinds are named after the Go parser kingpin hands the value to.

/** The Go parsers behind the flags (kingpin's IntVar parses with strconv.ParseFloat). */
export type FlagKind = "GoBool" | "GoFloat" | "GoInt64" | "GoDuration" | "PrometheusDuration" | "Base2Bytes" | "Enum" | "String";

export interface FlagValue {
  kind: FlagKind;
  /** The values an Enum flag takes. */
  values?: string[];
  /** An Enum that takes its values in any case. */
  caseInsensitive?: boolean;
}

/** Where a Go string, rune or raw string literal starting at `at` ends (the index after it). */
function literalEnd(source: string, at: number): number {
  const quote = source[at]!;
  for (let i = at + 1; i < source.length; i++) {
    if (quote !== "`" && source[i] === "\\") i++;
    else if (source[i] === quote) return i + 1;
  }
  throw new Error(`unterminated literal at ${at}`);
}

/** The index after the parenthesis that closes the one at `open`. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'" || c === "`") i = literalEnd(source, i) - 1;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parenthesis at ${open}`);
}

/** The calls chained after the flag's constructor: [method, argument text] in order. */
function chainAfter(source: string, open: number): Array<[string, string]> {
  const chain: Array<[string, string]> = [];
  let at = closingParen(source, open);
  for (;;) {
    const next = /^\s*\.\s*(\w+)\s*\(/.exec(source.slice(at, at + 200));
    if (!next) return chain;
    const paren = at + next[0].length - 1;
    const end = closingParen(source, paren);
    chain.push([next[1]!, source.slice(paren + 1, end - 1)]);
    at = end;
  }
}

const BY_METHOD: Record<string, FlagKind> = {
  Bool: "GoBool", BoolVar: "GoBool",
  Int: "GoFloat", IntVar: "GoFloat", Float64: "GoFloat", Float64Var: "GoFloat", Float: "GoFloat", FloatVar: "GoFloat",
  Int64: "GoInt64", Int64Var: "GoInt64",
  Duration: "GoDuration", DurationVar: "GoDuration",
  Bytes: "Base2Bytes", BytesVar: "Base2Bytes",
  String: "String", StringVar: "String", Strings: "String", StringsVar: "String",
};

export interface FlagSources {
  /** The sources that define the flags, without comments. */
  main: string;
  /** The Go type of a struct field of that name (cfg.tsdb.RetentionDuration: RetentionDuration). */
  fieldType(name: string): string | undefined;
  /** The value of a string constant (compression.Snappy). */
  constant(qualified: string): string | undefined;
}

/** Every flag the sources define, with the kind of value it takes. */
export function kingpinFlagValues(sources: FlagSources): Map<string, FlagValue> {
  const out = new Map<string, FlagValue>();
  for (const m of sources.main.matchAll(/(?:\bFlag|OnlyFlag)\(\s*(?:a,\s*)?"([^"]+)"/g)) {
    const name = m[1]!;
    const chain = chainAfter(sources.main, m.index! + m[0].indexOf("("));
    const terminal = chain.find(([method]) => method in BY_METHOD || method === "SetValue" || method === "Enum" || method === "EnumVar");
    if (!terminal) throw new Error(`--${name}: no value method in its chain (${chain.map(([method]) => method).join(".")})`);
    const [method, args] = terminal;
    if (method in BY_METHOD) out.set(name, { kind: BY_METHOD[method]! });
    else if (method === "Enum" || method === "EnumVar") {
      const values = args.split(",").slice(method === "EnumVar" ? 1 : 0).map((arg) => {
        const text = arg.trim();
        const value = text.startsWith('"') ? JSON.parse(text) as string : sources.constant(text);
        if (value === undefined) throw new Error(`--${name}: enum value ${text} is not a string constant`);
        return value;
      });
      out.set(name, { kind: "Enum", values });
    } else {
      // SetValue(&cfg.x.Field): the field's type decides; a custom flag.Value parses strings itself.
      const field = /^&[\w.]*?(\w+)$/.exec(args.trim())?.[1];
      const type = field === undefined ? undefined : sources.fieldType(field);
      if (type === "model.Duration") out.set(name, { kind: "PrometheusDuration" });
      else if (field === undefined) out.set(name, { kind: "String" });
      else throw new Error(`--${name}: SetValue of ${args.trim()} (type ${type ?? "unknown"}): teach kingpin-flags.ts its parser`);
    }
  }
  return out;
}

/** prometheus/common's logging flags (promslogflag.AddFlags): a level in any case, a format as written. */
export function promslogFlagValues(promslogSources: string): Map<string, FlagValue> {
  const options = (name: string): string[] => {
    const list = new RegExp(`${name}\\s*=\\s*\\[\\]string\\{([^}]*)\\}`).exec(promslogSources)?.[1];
    if (!list) throw new Error(`promslog no longer declares ${name}: check the logging flags`);
    return JSON.parse(`[${list.trim().replace(/,$/, "")}]`) as string[];
  };
  if (!/func \(l \*Level\) Set[\s\S]*?strings\.ToLower\(s\)/.test(promslogSources)) throw new Error("promslog's Level.Set no longer ignores case: check the log.level flag");
  return new Map([
    ["log.level", { kind: "Enum", values: options("LevelFlagOptions"), caseInsensitive: true }],
    ["log.format", { kind: "Enum", values: options("FormatFlagOptions") }],
  ]);
}

/** The value schemas of flags: titled by kind; an enum in any case keeps its values as examples. */
export function flagValuesSchema(title: string, description: string, values: Map<string, FlagValue>): Record<string, unknown> {
  const properties = Object.fromEntries([...values].sort(([a], [b]) => (a < b ? -1 : 1)).map(([flag, value]) => [flag, {
    title: value.caseInsensitive ? "EnumAnyCase" : value.kind,
    type: "string",
    ...(value.values ? (value.caseInsensitive ? { examples: value.values } : { enum: value.values }) : {}),
  }]));
  return { title, description, type: "object", properties };
}
