// Runs the independent linters (kube-score, checkov) on rendered manifests and gives every
// finding back in one shape: linter, check id, object (Kind/name) and message.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { run } from "./tools.js";

export type Linter = "kube-score" | "checkov";

export interface Finding {
  linter: Linter;
  check: string;
  object: string;
  message: string;
}

function tool(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through make (make test-render)`);
  return value;
}

// kube-score grades 1 (critical) and 5 (warning) are findings; 10 is all OK.
const KUBE_SCORE_ALL_OK = 10;

interface KubeScoreObject {
  type_meta: { kind: string };
  object_meta: { name: string };
  checks: Array<{ check: { id: string; name: string }; grade: number; skipped: boolean; comments: Array<{ path: string; summary: string }> | null }>;
}

/** kube-score's findings for one multi-document manifest, and how many objects it scored. */
export function kubeScore(manifest: string, k8sMinor: string): { findings: Finding[]; scored: number } {
  // Two optional checks the chart means to pass (seccomp on every pod, well-formed ports) are on too.
  const optional = ["container-seccomp-profile", "container-ports-check"].flatMap((t) => ["--enable-optional-test", t]);
  const result = run(tool("KUBE_SCORE"), ["score", "--kubernetes-version", `v1.${k8sMinor}`, ...optional, "--output-format", "json", "-"], { input: manifest });
  // Exit 1 means "found something"; anything else means it did not judge the input.
  if (result.status !== 0 && result.status !== 1) throw new Error(`kube-score failed (${result.status}):\n${result.stderr}`);
  const objects = JSON.parse(result.stdout) as KubeScoreObject[];
  const findings: Finding[] = [];
  for (const o of objects) {
    for (const c of o.checks) {
      if (c.skipped || c.grade >= KUBE_SCORE_ALL_OK) continue;
      const object = `${o.type_meta.kind}/${o.object_meta.name}`;
      const comments = c.comments?.length ? c.comments : [{ path: "", summary: c.check.name }];
      for (const comment of comments) {
        findings.push({ linter: "kube-score", check: c.check.id, object, message: comment.path ? `(${comment.path}) ${comment.summary}` : comment.summary });
      }
    }
  }
  return { findings, scored: objects.length };
}

interface CheckovReport {
  results: { failed_checks: Array<{ check_id: string; check_name: string; resource: string; file_path: string }> };
  summary: { parsing_errors: number; resource_count: number };
}

// Offline (checkov 3.3.30 reads these): no check-id mapping download from the platform, no
// PyPI update check; --skip-download and --skip-results-upload cover the rest.
const CHECKOV_ENV = { BC_SKIP_MAPPING: "TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK: "true" };

/**
 * checkov's findings for several manifests in one run (its start-up dominates), by manifest
 * name; throws when it could not parse a file or found no resource at all.
 */
export function checkov(manifests: Map<string, string>): { findings: Map<string, Finding[]>; resources: number } {
  const dir = mkdtempSync(join(tmpdir(), "promstack-checkov-"));
  try {
    for (const [name, text] of manifests) writeFileSync(join(dir, `${name}.yaml`), text);
    const result = run(tool("CHECKOV"), ["-d", dir, "--framework", "kubernetes", "--output", "json", "--quiet", "--skip-download", "--skip-results-upload"], { env: CHECKOV_ENV });
    if (result.status !== 0 && result.status !== 1) throw new Error(`checkov failed (${result.status}):\n${result.stderr}`);
    // With nothing failed checkov may print a bare summary; otherwise one report (or a list of one per framework).
    const parsed = JSON.parse(result.stdout) as CheckovReport | CheckovReport[];
    const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.results);
    const parsingErrors = reports.reduce((n, r) => n + r.summary.parsing_errors, 0);
    if (parsingErrors > 0) throw new Error(`checkov could not parse ${parsingErrors} file(s) of ${[...manifests.keys()].join(", ")}`);
    const findings = new Map<string, Finding[]>([...manifests.keys()].map((name) => [name, []]));
    for (const failed of reports.flatMap((r) => r.results.failed_checks)) {
      const name = basename(failed.file_path, ".yaml");
      // resource is Kind.namespace.name; a name may itself contain dots.
      const [kind, , ...rest] = failed.resource.split(".");
      findings.get(name)!.push({ linter: "checkov", check: failed.check_id, object: `${kind}/${rest.join(".")}`, message: failed.check_name });
    }
    return { findings, resources: reports.reduce((n, r) => n + r.summary.resource_count, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
