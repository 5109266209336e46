// Prometheus byte sizes ("50GB", "50GiB", "1GiB512MiB") as bytes, read the way Prometheus 3.15
// reads --storage.tsdb.retention.size (alecthomas/units ParseBase2Bytes): number+unit pairs, all
// with B/KB/.../EB or all with B/KiB/.../EiB, every unit a power of 1024; "0" alone means none.
const binary: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50, EiB: 2 ** 60 };
const decimalNamed: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };

/** The largest size Prometheus keeps as a positive int64. */
export const MAX_BYTE_SIZE = 2 ** 63;

// Go's leadingInt gives up on a digit run once it reaches this value (int64 overflow guard).
const digitLimit = (2n ** 63n - 10n) / 10n;

function digitsOverflow(digits: string): boolean {
  let value = 0n;
  for (const digit of digits) {
    if (value >= digitLimit) return true;
    value = value * 10n + BigInt(digit);
  }
  return false;
}

function parseWith(text: string, units: Record<string, number>): number | undefined {
  let total = 0;
  let rest = text;
  while (rest !== "") {
    const match = /^([0-9]*)(?:\.([0-9]*))?([A-Za-z]*)/.exec(rest)!;
    const [whole, integer = "", fraction, unit = ""] = match;
    if ((integer === "" && !fraction) || !(unit in units) || digitsOverflow(integer) || digitsOverflow(fraction ?? "")) return undefined;
    total += Number(`${integer || "0"}.${fraction || "0"}`) * units[unit]!;
    rest = rest.slice(whole.length);
  }
  return total;
}

/** The number of bytes a size stands for, or undefined when Prometheus refuses it. */
export function byteSizeBytes(text: string): number | undefined {
  if (text === "0") return 0;
  if (text === "") return undefined;
  const bytes = parseWith(text, binary) ?? parseWith(text, decimalNamed);
  return bytes === undefined || bytes >= MAX_BYTE_SIZE ? undefined : bytes;
}
