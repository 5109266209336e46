// Signatures of PromQL's functions at the pinned Prometheus (3.15), as its documentation
// lists them: argument types, how many of the last argument may follow (variadic: 1 = the
// last is optional, -1 = any number), the result type, and whether the function is
// experimental (refused unless Prometheus runs with --enable-feature=promql-experimental-functions,
// which the chart does not set, nor does promtool check rules).
export type ValueType = "scalar" | "vector" | "matrix" | "string";

export interface FunctionSignature {
  args: ValueType[];
  variadic: number;
  returns: ValueType;
  experimental: boolean;
}

const letters: Record<string, ValueType> = { s: "scalar", v: "vector", m: "matrix", S: "string" };

// name: "argument letters -> result letter", then "+1" (optional last), "+*" (repeatable last),
// "+N" (the last up to N more times) and "x" (experimental).
const table: Record<string, string> = {
  abs: "v>v", absent: "v>v", absent_over_time: "m>v", acos: "v>v", acosh: "v>v", asin: "v>v", asinh: "v>v",
  atan: "v>v", atanh: "v>v", avg_over_time: "m>v", ceil: "v>v", changes: "m>v", clamp: "vss>v",
  clamp_max: "vs>v", clamp_min: "vs>v", cos: "v>v", cosh: "v>v", count_over_time: "m>v",
  days_in_month: "v>v +1", day_of_month: "v>v +1", day_of_week: "v>v +1", day_of_year: "v>v +1",
  deg: "v>v", delta: "m>v", deriv: "m>v", double_exponential_smoothing: "mss>v x", end: ">s x",
  exp: "v>v", first_over_time: "m>v", floor: "v>v", histogram_avg: "v>v", histogram_count: "v>v",
  histogram_fraction: "ssv>v", histogram_quantile: "sv>v", histogram_quantiles: "vSss>v +9 x",
  histogram_stddev: "v>v", histogram_stdvar: "v>v", histogram_sum: "v>v", hour: "v>v +1",
  idelta: "m>v", increase: "m>v", info: "vv>v +1 x", irate: "m>v", label_join: "vSSS>v +*",
  label_replace: "vSSSS>v", last_over_time: "m>v", ln: "v>v", log10: "v>v", log2: "v>v",
  mad_over_time: "m>v x", max_of: "ss>s x", max_over_time: "m>v", min_of: "ss>s x", min_over_time: "m>v",
  minute: "v>v +1", month: "v>v +1", pi: ">s", predict_linear: "ms>v", present_over_time: "m>v",
  quantile_over_time: "sm>v", rad: "v>v", range: ">s x", rate: "m>v", resets: "m>v", round: "vs>v +1",
  scalar: "v>s", sgn: "v>v", sin: "v>v", sinh: "v>v", sort: "v>v", sort_by_label: "vS>v +* x",
  sort_by_label_desc: "vS>v +* x", sort_desc: "v>v", sqrt: "v>v", start: ">s x", start_timestamp: "v>v x",
  step: ">s x", stddev_over_time: "m>v", stdvar_over_time: "m>v", sum_over_time: "m>v", tan: "v>v",
  tanh: "v>v", time: ">s", timestamp: "v>v", ts_of_first_over_time: "m>v x", ts_of_last_over_time: "m>v x",
  ts_of_max_over_time: "m>v x", ts_of_min_over_time: "m>v x", vector: "s>v", year: "v>v +1",
};

function parse(spec: string): FunctionSignature {
  const [types, ...flags] = spec.split(" ");
  const [args, returns] = types!.split(">");
  const repeat = flags.find((flag) => flag.startsWith("+"));
  return {
    args: [...args!].map((letter) => letters[letter]!),
    returns: letters[returns!]!,
    variadic: repeat === undefined ? 0 : repeat === "+*" ? -1 : Number(repeat.slice(1)),
    experimental: flags.includes("x"),
  };
}

export const promqlFunctions: ReadonlyMap<string, FunctionSignature> = new Map(Object.entries(table).map(([name, spec]) => [name, parse(spec)]));

/** Aggregations and the type of their leading parameter, if they take one. */
export const aggregations: Record<string, { param?: ValueType; experimental?: boolean }> = {
  sum: {}, avg: {}, count: {}, min: {}, max: {}, group: {}, stddev: {}, stdvar: {},
  topk: { param: "scalar" }, bottomk: { param: "scalar" }, quantile: { param: "scalar" },
  count_values: { param: "string" }, limitk: { param: "scalar", experimental: true }, limit_ratio: { param: "scalar", experimental: true },
};

/** How Prometheus names a type in its messages. */
export function documentedType(type: ValueType | "none"): string {
  return type === "vector" ? "instant vector" : type === "matrix" ? "range vector" : type;
}
