// Profiles that once made validate crash or take quadratic time, shared by the unit tests
// (which bound their time) and `make bench` (which reports it).

export interface PathologicalProfiles {
  aliasBomb: string;
  deepBlock: string;
  deepFlow: string;
  /** 20,000 keys in one free-form mapping. */
  manyKeys: string;
  /** 20,000 unknown keys at the top: 20,000 positioned errors. */
  manyUnknownKeys: string;
  /** 20,000 label names the contract refuses, in one mapping. */
  manyBadKeyNames: string;
  /** A 1 MB rule expression over 250,000 lines, each a syntax error. */
  hugeExpression: string;
}

export function pathologicalProfiles(): PathologicalProfiles {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const name of "bcdefgh") levels.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(", ")}]`);
  return {
    aliasBomb: `${levels.join("\n")}\n`,
    deepBlock: `prometheus:\n  ${"- ".repeat(10_000)}x\n`,
    deepFlow: `prometheus: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
    manyKeys: `prometheus:\n  podAnnotations:\n${Array.from({ length: 20_000 }, (_, i) => `    key${i}: value${i}\n`).join("")}`,
    manyUnknownKeys: Array.from({ length: 20_000 }, (_, i) => `key${i}: ${i}\n`).join(""),
    manyBadKeyNames: `rules:\n  g:\n    labels:\n${Array.from({ length: 20_000 }, (_, i) => `      "9bad ${i}": x\n`).join("")}`,
    hugeExpression: `rules:\n  g:\n    Big:\n      expr: "up >${" 1\\n".repeat(250_000)} ("\n      severity: warning\n      summary: x\n      description: x\n`,
  };
}
