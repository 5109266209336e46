// One finding about a profile, printed as file:line:col: path: message.
export type Severity = "error" | "warning";

export interface Problem {
  file: string;
  line: number;
  col: number;
  /** JSON path into the values, e.g. alertmanager.route.routes[0].receiver */
  path: string;
  message: string;
  severity: Severity;
}

export function formatProblem(problem: Problem): string {
  const where = `${problem.file}:${problem.line}:${problem.col}`;
  const prefix = problem.severity === "warning" ? "warning: " : "";
  return `${where}: ${problem.path || "(root)"}: ${prefix}${problem.message}`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => byCodePoint(a.file, b.file) || a.line - b.line || a.col - b.col || byCodePoint(a.path, b.path));
}

// Not localeCompare: its first call loads ICU's collation data, a few milliseconds of a run.
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Renders a path segment list as values.key[0].other, quoting keys that are not identifiers. */
export function dottedPath(segments: ReadonlyArray<string | number>): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
