// make fuzz: N profiles generated from the contract (default 10000, FUZZ_N), seeded
// (FUZZ_SEED), each through the static checks of `promstack validate`; every accepted one is
// rendered by helm and judged by promtool and amtool. Prints the figures as "name value unit"
// lines, then each distinct kind of violation with a shrunk counterexample as YAML.
// FUZZ_REPORT names a file rewritten as the run goes (the classes found so far).
import fc from "fast-check";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { locateTools } from "../generator/src/tools/locate.js";
import { formatProblem, type Problem } from "../generator/src/validate/problem.js";
import { describeViolation, profileYaml, PropertyHarness, shrinkViolation, violationClass } from "../test/helpers/property.js";

const total = Number(process.env.FUZZ_N ?? process.argv[2] ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? 14);
const shrinkBudget = Number(process.env.FUZZ_SHRINK ?? 60);
const reportFile = process.env.FUZZ_REPORT;
const BATCH = 50;

const tools = locateTools();
if (!tools.found.helm || !tools.found.promtool || !tools.found.amtool) {
  console.error(`fuzz: needs helm, promtool and amtool: ${Object.values(tools.missing).join("; ")}`);
  process.exit(2);
}

interface Found {
  count: number;
  check: string;
  example: unknown;
  problem: Problem;
}

const harness = new PropertyHarness(tools);
const arbitrary = harness.arbitrary().profile();
const classes = new Map<string, Found>();
let cases = 0;
let accepted = 0;
let violating = 0;
const started = Date.now();

function save(): void {
  if (!reportFile) return;
  mkdirSync(dirname(reportFile), { recursive: true });
  const found = [...classes].map(([cls, f]) => ({ class: cls, count: f.count, problem: formatProblem(f.problem), example: profileYaml(f.example) }));
  writeFileSync(reportFile, JSON.stringify({ seed, cases, accepted, violations: violating, seconds: Math.round((Date.now() - started) / 1000), classes: found }, null, 2));
}

for (let batch = 0; cases < total; batch++) {
  for (const profile of fc.sample(arbitrary, { seed: seed + batch, numRuns: Math.min(BATCH, total - cases) })) {
    cases++;
    const result = await harness.check(profile);
    if (result.accepted) accepted++;
    if (result.violations.length > 0) {
      violating++;
      for (const problem of result.violations) {
        const cls = violationClass(problem);
        const found = classes.get(cls);
        if (found) found.count++;
        else classes.set(cls, { count: 1, check: problem.message.split(":")[0]!, example: profile, problem });
      }
    }
  }
  process.stderr.write(`fuzz: ${cases}/${total} cases, ${accepted} accepted, ${violating} violations, ${classes.size} classes, ${Math.round((Date.now() - started) / 1000)}s\n`);
  save();
}

console.log(`property_cases ${cases} count`);
console.log(`property_accepted ${accepted} count`);
console.log(`property_violations ${violating} count`);
console.log(`property_violation_classes ${classes.size} count`);
for (const [cls, found] of classes) {
  const minimal = await shrinkViolation(harness, found.example, cls, shrinkBudget);
  const check = await harness.check(minimal);
  console.log(`\n# ${found.count}x ${cls}\n${describeViolation(minimal, check.violations.filter((v) => violationClass(v) === cls))}`);
  found.example = minimal;
  save();
}
harness.close();
