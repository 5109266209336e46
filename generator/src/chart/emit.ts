// Assembles every file of charts/promstack in memory (path → content), so the writer can
// put them in place in one step and tests can inspect them without touching the disk.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { visit, type Document } from "yaml";
import type { Catalogue } from "../catalogue.js";
import type { Change } from "./changelog.js";
import { components } from "../components.js";
import { emitDashboards } from "../dashboards/emit.js";
import { paths } from "../paths.js";
import type { Contract } from "../schema/contract.js";
import type { ValidatedProfile } from "../validate/index.js";
import { GENERATED_NOTICE, withHeader } from "./header.js";
import { OPERATOR_CRDS_CHART, operatorCrdFiles } from "./operator-crds.js";
import { renderReadme } from "./readme.js";
import { toSortedJson, toYaml } from "./serialize.js";
import { valuesYaml } from "./values-yaml.js";

export type ChartFiles = Map<string, string>;

export interface ChartMetadata {
  version: string;
  home: string;
  /** This version's entries of CHANGELOG.md. */
  changes: Change[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith(".")) // .keep files hold empty asset folders in git
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}

/** Helm template assets, copied as files: their {{ }} never pass through our own templating. */
function addAssets(files: ChartFiles, assetDir: string, targetDir: string): void {
  for (const file of listFiles(assetDir)) {
    const target = join(targetDir, relative(assetDir, file));
    files.set(target, withHeader(target, readFileSync(file, "utf8")));
  }
}

function schemaJson(schema: object): string {
  return toSortedJson({ $comment: GENERATED_NOTICE, ...schema });
}

function imageReference(catalogue: Catalogue, key: string): string {
  const image = catalogue.images[key]!;
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ""}`;
}

function umbrellaChartYaml(catalogue: Catalogue, meta: ChartMetadata): object {
  const images = Object.keys(catalogue.images).sort().map((key) => ({ name: key, image: imageReference(catalogue, key) }));
  return {
    apiVersion: "v2",
    name: "promstack",
    description: "A complete, hardened Prometheus monitoring stack with a typed values contract",
    type: "application",
    version: meta.version,
    appVersion: catalogue.images.prometheus!.tag.replace(/^v/, ""),
    kubeVersion: catalogue.kubernetes.chartKubeVersion,
    home: meta.home,
    keywords: ["prometheus", "alertmanager", "monitoring", "grafana", "node-exporter"],
    maintainers: [{ name: "promstack maintainers" }],
    annotations: {
      "artifacthub.io/license": "Apache-2.0",
      "artifacthub.io/prerelease": String(meta.version.split("+")[0]!.includes("-")),
      "artifacthub.io/images": toYaml(images),
      "artifacthub.io/links": toYaml([{ name: "source", url: meta.home }]),
      "artifacthub.io/changes": toYaml(meta.changes),
      "artifacthub.io/containsSecurityUpdates": String(meta.changes.some((change) => change.kind === "security")),
    },
    dependencies: [
      ...components.map((component) => ({
        name: component.name,
        version: meta.version,
        condition: `${component.name}.enabled`,
      })),
      // CRDs only: installed (and stored in the release) only when the chart deploys the operator.
      { name: OPERATOR_CRDS_CHART, version: meta.version, condition: "prometheus.operator.deploy" },
    ],
  };
}

function subchartYaml(component: (typeof components)[number], catalogue: Catalogue, meta: ChartMetadata): object {
  const appImage = component.appImage ? catalogue.images[component.appImage] : undefined;
  return {
    apiVersion: "v2",
    name: component.name,
    description: component.description,
    type: "application",
    version: meta.version,
    ...(appImage ? { appVersion: appImage.tag.replace(/^v/, "") } : {}),
    kubeVersion: catalogue.kubernetes.chartKubeVersion,
    home: meta.home,
    maintainers: [{ name: "promstack maintainers" }],
  };
}

/** The profile with its comments, in block style: chart-testing's yamllint rejects "{ a: 1 }". */
function blockStyle(document: Document): string {
  const copy = document.clone();
  visit(copy, {
    Map: (_, node) => void (node.flow = false),
    Seq: (_, node) => void (node.flow = false),
  });
  return copy.toString({ lineWidth: 0, indentSeq: true });
}

export function emitChart(contract: Contract, catalogue: Catalogue, profiles: ValidatedProfile[], meta: ChartMetadata, receiverBundle: string): ChartFiles {
  const files: ChartFiles = new Map();
  const put = (path: string, content: string) => files.set(path, withHeader(path, content));

  put("Chart.yaml", toYaml(umbrellaChartYaml(catalogue, meta)));
  put("values.yaml", valuesYaml(contract.umbrella));
  files.set("values.schema.json", schemaJson(contract.umbrella));
  put(".helmignore", "ci/\n*.tgz\n");
  // The shared helpers, once: named templates are global across a chart and its subcharts,
  // and the subcharts are only ever rendered through this umbrella.
  addAssets(files, join(paths.assets, "common"), "templates");
  addAssets(files, join(paths.assets, "charts", "promstack"), "");
  put(
    "README.md",
    renderReadme({
      chart: {
        name: "promstack",
        version: meta.version,
        appVersion: catalogue.images.prometheus!.tag,
        kubeVersion: catalogue.kubernetes.chartKubeVersion,
        description: "A complete, hardened Prometheus monitoring stack with a typed values contract.",
      },
      subcharts: components.map(({ name, description }) => ({ name, description })),
      images: Object.entries(catalogue.images).map(([name, image]) => ({ name, reference: imageReference(catalogue, name), platforms: image.platforms.join(", ") })),
      root: contract.umbrella,
    }),
  );

  for (const component of components) {
    const dir = join("charts", component.name);
    const schema = contract.subcharts.get(component.name)!;
    put(join(dir, "Chart.yaml"), toYaml(subchartYaml(component, catalogue, meta)));
    // Globals come from the parent chart; a subchart's own values.yaml leaves them out.
    put(join(dir, "values.yaml"), valuesYaml(schema, { omit: ["global"] }));
    // No values.schema.json here: the umbrella's covers every subchart key, and Helm would
    // check the same values a second time against a subchart schema.
    addAssets(files, join(paths.assets, "charts", component.name), dir);
  }

  // The Prometheus Operator's CRDs for prometheus.operator.deploy, in a chart of their own.
  const crdsDir = join("charts", OPERATOR_CRDS_CHART);
  put(join(crdsDir, "Chart.yaml"), toYaml({
    apiVersion: "v2",
    name: OPERATOR_CRDS_CHART,
    description: "The Prometheus Operator's CRDs that prometheus.operator.deploy needs, as the operator releases them",
    type: "application",
    version: meta.version,
    appVersion: catalogue.images.prometheusOperator!.tag.replace(/^v/, ""),
    kubeVersion: catalogue.kubernetes.chartKubeVersion,
    home: meta.home,
    maintainers: [{ name: "promstack maintainers" }],
  }));
  for (const [path, content] of operatorCrdFiles(catalogue)) put(join(crdsDir, path), content);

  // The built-in Grafana dashboards, built from TypeScript; a PromQL error stops generation here.
  const grafanaDashboards = (contract.subcharts.get("grafana")!.properties as { dashboards?: { properties?: object } }).dashboards?.properties ?? {};
  for (const [path, content] of emitDashboards(Object.keys(grafanaDashboards))) files.set(path, content);

  // The alert receiver as one file, shipped in a ConfigMap and run by the stock Node image.
  put(join("charts", "alert-receiver", "files", "receiver.cjs"), receiverBundle);

  // Every profile is a chart-testing case: ci/<profile>-values.yaml.
  for (const profile of profiles) {
    const name = basename(profile.source.file).replace(/\.ya?ml$/, "");
    put(join("ci", `${name}-values.yaml`), `# from values/${basename(profile.source.file)}\n${blockStyle(profile.source.document)}`);
  }
  return files;
}
