// Go's number formatting and Prometheus' template functions, so a test can predict the exact
// text Prometheus renders into an alert's annotations (and Helm's toString into an expression).

/** Go's strconv 'g' formatting: %.<precision>g, or the shortest representation (%v) when precision is undefined. */
export function goFormatG(value: number, precision?: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return "0";
  const [mantissa, exponentText] = (precision === undefined ? value.toExponential() : value.toExponential(precision - 1)).split("e") as [string, string];
  const exponent = Number(exponentText);
  // Shortest formatting switches to exponent notation from 1e+06 on; %.Ng from 1e+N on.
  const limit = precision === undefined ? 6 : precision;
  if (exponent < -4 || exponent >= limit) {
    const digits = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
    const sign = exponent < 0 ? "-" : "+";
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const significant = precision === undefined ? mantissa.replace(/[-.]/g, "").length : precision;
  const fixed = value.toFixed(Math.max(0, significant - 1 - exponent));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

/** Go's %.<digits>f. */
export function goFormatF(value: number, digits: number): string {
  return value.toFixed(digits);
}

const largePrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
const smallPrefixes = ["m", "u", "n", "p", "f", "a", "z", "y"];

/** Prometheus' humanize: 1234 → 1.234k, 0.001 → 1m. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return goFormatG(value, 4);
  let v = value;
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of largePrefixes) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of smallPrefixes) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${goFormatG(v, 4)}${prefix}`;
}

/** Prometheus' humanizePercentage: 0.05 → 5%. */
export function humanizePercentage(value: number): string {
  return `${goFormatG(value * 100, 4)}%`;
}

/** Prometheus' humanizeDuration: 90 → 1m 30s. */
export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return goFormatG(value, 4);
  if (value === 0) return "0s";
  if (Math.abs(value) >= 1) {
    const sign = value < 0 ? "-" : "";
    const total = Math.trunc(Math.abs(value));
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goFormatG(Math.abs(value), 4)}s`;
  }
  let v = value;
  let prefix = "";
  for (const p of smallPrefixes) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goFormatG(v, 4)}${prefix}s`;
}
