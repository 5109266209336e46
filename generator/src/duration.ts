// Prometheus durations ("1h30m", "90s") as seconds.
const unitSeconds: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

export function durationSeconds(duration: string): number {
  let total = 0;
  for (const match of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(match[1]) * unitSeconds[match[2]!]!;
  return total;
}
