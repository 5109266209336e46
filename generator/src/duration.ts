// Prometheus durations ("1h30m", "90s") as seconds.
const unitSeconds: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

export function durationSeconds(duration: string): number {
  let total = 0;
  for (const match of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(match[1]) * unitSeconds[match[2]!]!;
  return total;
}

// Nanoseconds per unit, as Prometheus' model.ParseDuration counts them.
const unitNanos: Array<[string, bigint]> = [["y", 31536000n * 10n ** 9n], ["w", 604800n * 10n ** 9n], ["d", 86400n * 10n ** 9n], ["h", 3600n * 10n ** 9n], ["m", 60n * 10n ** 9n], ["s", 10n ** 9n], ["ms", 10n ** 6n]];
const MAX_NANOS = 2n ** 63n - 1n;

/**
 * Why Prometheus' model.ParseDuration refuses a duration, or undefined when it parses. Besides
 * the syntax (units from largest to smallest, each once), the total must fit Go's
 * time.Duration, nanoseconds in a signed 64-bit integer: about 292 years.
 */
export function durationProblem(text: string): string | undefined {
  if (text === "0") return undefined;
  if (text === "") return "empty duration string";
  let total = 0n;
  let lastUnit = -1;
  for (let rest = text; rest !== ""; ) {
    const match = /^([0-9]+)([^0-9]*)/.exec(rest);
    if (!match || match[2] === "") return `not a valid duration string: "${text}"`;
    const unit = unitNanos.findIndex(([name]) => name === match[2]);
    if (unit < 0) return `unknown unit "${match[2]}" in duration "${text}"`;
    if (unit <= lastUnit) return `not a valid duration string: "${text}"`;
    lastUnit = unit;
    const value = BigInt(match[1]!);
    if (value >= 2n ** 64n) return `not a valid duration string: "${text}"`;
    total += value * unitNanos[unit]![1];
    if (value > 2n ** 63n / unitNanos[unit]![1] || total > MAX_NANOS) return `duration out of range: "${text}" is longer than Prometheus can hold (about 292 years)`;
    rest = rest.slice(match[0].length);
  }
  return undefined;
}

