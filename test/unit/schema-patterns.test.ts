// Every pattern of the contract is read by two regex engines: ajv's ECMAScript RegExp (promstack
// validate) and Go's RE2 (Helm checking values.schema.json). Where they read a pattern
// differently, validate and Helm disagree on a value. The patterns keep to the constructs both
// engines read alike, and re2js (a port of RE2) is the oracle that they really match alike.
import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { re2Matcher } from "../../generator/src/re2.js";

interface Pattern {
  where: string;
  source: string;
}

function schemaPatterns(): Pattern[] {
  const found: Pattern[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}/${i}`));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "pattern" && typeof value === "string") found.push({ where, source: value });
      if (key === "patternProperties" && value && typeof value === "object") for (const name of Object.keys(value)) found.push({ where: `${where}/patternProperties`, source: name });
      walk(value, `${where}/${key}`);
    }
  };
  const dir = join(repoRoot, "schemas");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) walk(JSON.parse(readFileSync(join(dir, file), "utf8")), file);
  return found;
}

/**
 * Constructs the two engines read differently: \s and \S (ECMAScript's take Unicode spaces and
 * \v, RE2's only ASCII ones), `.` outside a class (ECMAScript's refuses \r, U+2028 and U+2029),
 * escapes only one engine knows (\u, \x{}, \p, \k), lookaround, backreferences and inline flags.
 */
function unportable(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (/[sSupPkx0-9]/.test(next)) found.push(`\\${next}`);
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      if (source[i + 1] === "]") i++;
    } else if (c === ".") found.push(".");
    else if (c === "(" && source[i + 1] === "?") found.push(source.slice(i, i + 3));
  }
  return found;
}

// Characters where the engines' classes differ, and YAML-ish specials.
const PROBES = ["", " ", "\t", "\n", "\r", "\v", "\f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\u3000", "é", "😀", "/", ":", "{{", "}}", "-", "_", "."];

describe("unit: schema patterns read alike in ECMAScript (validate) and RE2 (Helm)", () => {
  const patterns = schemaPatterns();

  it("the contract has patterns to check", () => {
    expect(patterns.length).to.be.greaterThan(40);
  });

  it("each pattern uses only constructs both engines read alike", () => {
    const offending = patterns.map((p) => ({ ...p, constructs: unportable(p.source) })).filter((p) => p.constructs.length > 0);
    expect(offending.map((p) => `${p.where}: ${p.source}: ${p.constructs.join(" ")}`)).to.deep.equal([]);
  });

  it("the check sees the constructs it refuses", () => {
    expect(unportable("^\\s*a.b[.]$")).to.deep.equal(["\\s", "."]);
    expect(unportable("^(?=x)\\1\\u0041[\\]a.]$")).to.deep.equal(["(?=", "\\1", "\\u"]);
  });

  it("each pattern matches the same strings in both engines, on samples and their edits", () => {
    const differences: string[] = [];
    for (const { where, source } of patterns) {
      const ecma = new RegExp(source, "u");
      const re2 = re2Matcher(source, "json-schema")!;
      const samples = fc.sample(fc.stringMatching(ecma, { size: "small" }), { numRuns: 20, seed: 14 });
      const inputs = new Set<string>(PROBES);
      for (const sample of samples) {
        inputs.add(sample);
        for (const probe of PROBES) {
          inputs.add(sample + probe);
          inputs.add(probe + sample);
          const middle = Math.floor(sample.length / 2);
          inputs.add(sample.slice(0, middle) + probe + sample.slice(middle));
        }
      }
      for (const input of inputs) {
        const inEcma = ecma.test(input);
        const inRe2 = re2.test(input);
        if (inEcma !== inRe2) differences.push(`${where}: ${source} on ${JSON.stringify(input)}: ECMAScript ${inEcma}, RE2 ${inRe2}`);
      }
    }
    expect(differences.slice(0, 10), `${differences.length} differences`).to.deep.equal([]);
  });
});
