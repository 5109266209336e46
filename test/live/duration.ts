// Prometheus/Alertmanager durations ("30s", "1h30m", "100ms") as milliseconds and back.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (text === "0") return 0;
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`not a duration: "${text}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** Whole milliseconds as the shortest duration string, e.g. 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return "0s";
  let rest = whole;
  let out = "";
  for (const unit of ["h", "m", "s", "ms"]) {
    const size = UNITS[unit]!;
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}
