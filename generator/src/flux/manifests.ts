// The objects `promstack flux` writes, built as data: the chart's source, the values
// ConfigMap and the HelmRelease that joins them.
import { isSemver } from "../chart/changelog.js";
import type { FluxOptions } from "./options.js";

export const CHART_NAME = "promstack";
export const VALUES_KEY = "values.yaml";
/** The layer of a Helm chart in an OCI artifact, which an OCIRepository must select. */
const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface FluxManifest {
  file: string;
  object: KubeObject;
}

function metadata(name: string, options: FluxOptions, labels: Record<string, string> = {}): KubeObject["metadata"] {
  return { name, namespace: options.namespace, labels: { "app.kubernetes.io/part-of": CHART_NAME, ...labels } };
}

/** The chart's source, and how the HelmRelease refers to the chart in it. */
function source(options: FluxOptions): { object: KubeObject; chart: Record<string, unknown> } {
  const secretRef = options.sourceSecret ? { secretRef: { name: options.sourceSecret } } : {};
  if (options.repository === "oci" && options.ociSource === "OCIRepository") {
    const object: KubeObject = {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "OCIRepository",
      metadata: metadata(CHART_NAME, options),
      spec: {
        interval: options.interval,
        url: `${options.url}/${CHART_NAME}`,
        // An exact version is fetched by tag; a range needs the registry's tag list.
        ref: isSemver(options.chartVersion) ? { tag: options.chartVersion } : { semver: options.chartVersion },
        layerSelector: { mediaType: HELM_CHART_LAYER, operation: "copy" },
        ...secretRef,
      },
    };
    return { object, chart: { chartRef: { kind: "OCIRepository", name: CHART_NAME } } };
  }
  const object: KubeObject = {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    metadata: metadata(CHART_NAME, options),
    spec: {
      ...(options.repository === "oci" ? { type: "oci" } : {}),
      interval: options.interval,
      url: options.url,
      ...secretRef,
    },
  };
  const chart = {
    chart: {
      spec: {
        chart: CHART_NAME,
        version: options.chartVersion,
        sourceRef: { kind: "HelmRepository", name: CHART_NAME },
        interval: options.interval,
      },
    },
  };
  return { object, chart };
}

/** The profile as the values file of the release. */
function valuesConfigMap(profileText: string, options: FluxOptions): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    // The watch label makes helm-controller upgrade the release when the values change.
    metadata: metadata(`${options.release}-values`, options, { "reconcile.fluxcd.io/watch": "Enabled" }),
    data: { [VALUES_KEY]: profileText },
  };
}

function helmRelease(options: FluxOptions, chart: Record<string, unknown>, valuesConfigMapName: string): KubeObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: metadata(options.release, options),
    spec: {
      interval: options.interval,
      // Set explicitly: with targetNamespace, Flux would otherwise name it <namespace>-<name>,
      // and in-cluster URLs in the profile (the alert receiver's service) follow the release name.
      releaseName: options.release,
      targetNamespace: options.targetNamespace,
      storageNamespace: options.targetNamespace,
      ...chart,
      install: { createNamespace: true, remediation: { retries: 3 } },
      upgrade: { cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true, strategy: "rollback" } },
      valuesFrom: [
        { kind: "ConfigMap", name: valuesConfigMapName, valuesKey: VALUES_KEY },
        // Merged last, over the profile; optional so the release installs without it.
        { kind: "Secret", name: options.valuesSecret, valuesKey: VALUES_KEY, optional: true },
      ],
    },
  };
}

export function fluxManifests(profileText: string, options: FluxOptions): FluxManifest[] {
  const { object: sourceObject, chart } = source(options);
  const values = valuesConfigMap(profileText, options);
  return [
    { file: `${sourceObject.kind.toLowerCase()}.yaml`, object: sourceObject },
    { file: "values-configmap.yaml", object: values },
    { file: "helmrelease.yaml", object: helmRelease(options, chart, values.metadata.name) },
  ];
}

/**
 * In-cluster URLs of the alert receiver name a release and a namespace; a profile written
 * for another release or namespace would send alerts nowhere.
 */
export function receiverUrlWarnings(profileText: string, options: FluxOptions): string[] {
  const warnings: string[] = [];
  for (const [url, release, namespace] of profileText.matchAll(/https?:\/\/([a-z0-9-]+)-alert-receiver\.([a-z0-9-]+)\.svc\S*/g)) {
    if (release !== options.release || namespace !== options.targetNamespace) {
      warnings.push(`${url} is the alert receiver of release "${release}" in namespace "${namespace}", but this HelmRelease installs "${options.release}" in "${options.targetNamespace}"`);
    }
  }
  return warnings;
}
