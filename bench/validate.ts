// validate time on inputs that once took quadratic time or crashed, as a ratio against a
// small profile validated in the same run (so the figure does not depend on the machine):
// one "name value unit" line each.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalogue } from "../generator/src/catalogue.js";
import { buildContract } from "../generator/src/schema/contract.js";
import { createValidator } from "../generator/src/validate/index.js";
import { pathologicalProfiles } from "./validate-inputs.js";

const RUNS = 3;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const catalogue = loadCatalogue();
const validate = createValidator(buildContract(catalogue).umbrella, catalogue);
const dir = mkdtempSync(join(tmpdir(), "promstack-bench-validate-"));
try {
  const time = (name: string, text: string): number => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    validate([file]); // warm-up
    return median(Array.from({ length: RUNS }, () => {
      const start = performance.now();
      validate([file]);
      return performance.now() - start;
    }));
  };
  const small = time("small", "prometheus:\n  replicas: 1\n  podAnnotations: { team: web }\n");
  console.log(`validate_small_profile_time_median ${small.toFixed(1)} ms`);
  const inputs = pathologicalProfiles();
  for (const [name, text] of [
    ["many_keys", inputs.manyKeys],
    ["many_unknown_keys", inputs.manyUnknownKeys],
    ["many_bad_key_names", inputs.manyBadKeyNames],
    ["huge_expression", inputs.hugeExpression],
    ["alias_bomb", inputs.aliasBomb],
    ["deep_block", inputs.deepBlock],
  ] as const) {
    console.log(`validate_time_ratio{input="${name}"} ${(time(name, text) / small).toFixed(1)} ratio`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
