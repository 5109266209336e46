// Validates custom resources against the Prometheus Operator's own CRDs (the openAPIV3Schema
// of each served version), at the operator release the Makefile downloads from the Go module
// proxy (PROMETHEUS_OPERATOR_CRDS). Like the API server with strict field validation, an
// unknown field is an error: every object schema that lists its properties and does not
// preserve unknown fields is closed before compiling.
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { K8sObject } from "./render.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Schema = { [key: string]: unknown };

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Schema } }>;
  };
}

function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) out[key] = closed(value);
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions. The one RE2 construct they use that
 * JavaScript lacks is the inline (?i) flag (AlertmanagerConfig's month names); here it makes
 * the whole pattern case-insensitive, which is what those patterns mean.
 */
const goRegExp = Object.assign((pattern: string, flags: string) => new RegExp(pattern.replaceAll("(?i)", ""), pattern.includes("(?i)") ? `${flags}i` : flags), { code: "goRegExp" });

export function crdDirectory(): string {
  const dir = process.env.PROMETHEUS_OPERATOR_CRDS;
  if (!dir) throw new Error("PROMETHEUS_OPERATOR_CRDS is not set: run the tests through make");
  return dir;
}

/** Traefik's Middleware CRD, at the version versions.json pins (TRAEFIK_CRDS). */
export function traefikCrdDirectory(): string {
  const dir = process.env.TRAEFIK_CRDS;
  if (!dir) throw new Error("TRAEFIK_CRDS is not set: run the tests through make");
  return dir;
}

export class CrdValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(dir: string = crdDirectory()) {
    // strict: false, because the schemas carry x-kubernetes-* extension keywords.
    const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: goRegExp } });
    addFormats(ajv);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
      const crd = parse(readFileSync(join(dir, file), "utf8")) as Crd;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        this.validators.set(key, ajv.compile(closed(version.schema.openAPIV3Schema) as Schema));
      }
    }
  }

  /** Kinds known, as group/version/Kind. */
  kinds(): string[] {
    return [...this.validators.keys()].sort();
  }

  /** Problems of one object, as "path: message" lines; empty when it is valid. */
  problems(object: K8sObject): string[] {
    const validate = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) return [`no CRD serves ${object.apiVersion} ${object.kind}`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || "/"}: ${error.message ?? "invalid"}${error.params && "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : ""}`);
  }
}
