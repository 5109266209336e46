// The Prometheus Operator's CRDs that prometheus.operator.deploy installs: the subchart
// prometheus-operator-crds holds them in crds/, which Helm creates before the templates
// and stores in the release only when the subchart is enabled (its condition is
// prometheus.operator.deploy). They come from the operator's module at the pinned release
// (make operator-crds copies them into .tools), never from a hand-kept copy.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Catalogue } from "../catalogue.js";
import { repoRoot } from "../paths.js";

/** The kinds the chart's Prometheus resource needs: itself and every object it reads. */
export const DEPLOYED_OPERATOR_CRDS = ["prometheuses", "servicemonitors", "podmonitors", "probes", "scrapeconfigs", "prometheusrules"];

export const OPERATOR_CRDS_CHART = "prometheus-operator-crds";

/** Where the CRDs of the pinned release are: PROMSTACK_OPERATOR_CRDS, else .tools/prometheus-operator-crds-<version>. */
export function operatorCrdDir(catalogue: Catalogue): string {
  const version = (catalogue.tools.prometheusOperatorCrds as { version: string }).version;
  return process.env.PROMSTACK_OPERATOR_CRDS || join(repoRoot, ".tools", `prometheus-operator-crds-${version}`);
}

/** crds/<file> → content, each CRD checked to be of the pinned operator release. */
export function operatorCrdFiles(catalogue: Catalogue): Map<string, string> {
  const dir = operatorCrdDir(catalogue);
  const version = (catalogue.tools.prometheusOperatorCrds as { version: string }).version;
  const files = new Map<string, string>();
  for (const plural of DEPLOYED_OPERATOR_CRDS) {
    const file = join(dir, `monitoring.coreos.com_${plural}.yaml`);
    if (!existsSync(file)) throw new Error(`${file} is missing: run 'make tools' (it copies the Prometheus Operator's CRDs ${version} from its module), or set PROMSTACK_OPERATOR_CRDS`);
    const crd = parse(readFileSync(file, "utf8")) as { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } };
    const found = crd.metadata?.annotations?.["operator.prometheus.io/version"];
    if (crd.kind !== "CustomResourceDefinition" || crd.metadata?.name !== `${plural}.monitoring.coreos.com` || `v${found}` !== version) {
      throw new Error(`${file}: expected the CRD ${plural}.monitoring.coreos.com of the Prometheus Operator ${version}, found ${crd.kind} ${crd.metadata?.name} of ${found}`);
    }
    // As released: Helm keeps a subchart's files out of the release Secret (only the parent
    // chart and the rendered manifest are stored), so their size costs the chart archive only.
    files.set(`crds/monitoring.coreos.com_${plural}.yaml`, readFileSync(file, "utf8"));
  }
  return files;
}
