// Validates custom resources against the openAPIV3Schema of their CustomResourceDefinition
// with ajv, approximating what the API server checks: the structural schema with unknown
// fields rejected (as `kubectl apply` with strict field validation does), int-or-string,
// nullable and the int64/date-time formats. CEL rules (x-kubernetes-validations) are not
// evaluated here; `celRules` lists them so a test can say which ones it leaves out.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv;

type Schema = Record<string, unknown>;

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Schema } }>;
  };
}

// ObjectMeta as far as these manifests use it, with the API server's name and label rules.
const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const objectMeta: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: { type: "string", maxLength: 253, pattern: DNS_SUBDOMAIN },
    namespace: { type: "string", maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
    labels: {
      type: "object",
      propertyNames: { pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" },
      additionalProperties: { type: "string", maxLength: 63, pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" },
    },
    annotations: { type: "object", additionalProperties: { type: "string" } },
  },
};

/** The JSON Schema (draft-07, as ajv reads it) equivalent of a structural CRD schema node. */
function toJsonSchema(node: Schema): Schema {
  if (node["x-kubernetes-int-or-string"] === true) {
    return { anyOf: [{ type: "integer" }, { type: "string" }] };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-") || key === "nullable") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([name, child]) => [name, toJsonSchema(child)]));
    } else if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = toJsonSchema(value as Schema);
    } else out[key] = value;
  }
  if (node.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  // Pruning drops unknown fields silently; strict field validation refuses them.
  const open = node["x-kubernetes-preserve-unknown-fields"] === true || "additionalProperties" in node;
  if (node.type === "object" && node.properties && !open) out.additionalProperties = false;
  return out;
}

export interface CrdValidator {
  /** Problems as "path: message"; empty when the object is valid. */
  validate(object: { apiVersion?: string; kind?: string }): string[];
  /** apiVersion/kind → the CEL rules of its schema, which ajv does not evaluate. */
  celRules: Map<string, string[]>;
}

function collectRules(node: unknown, path: string, into: string[]): void {
  if (node === null || typeof node !== "object") return;
  const schema = node as Schema;
  for (const rule of (schema["x-kubernetes-validations"] as Array<{ rule: string }> | undefined) ?? []) into.push(`${path || "."}: ${rule.rule}`);
  for (const [name, child] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) collectRules(child, `${path}.${name}`, into);
  if (schema.items) collectRules(schema.items, `${path}[]`, into);
}

export function loadCrdValidator(files: string[]): CrdValidator {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv, ["date-time"]);
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
  const validators = new Map<string, ValidateFunction>();
  const celRules = new Map<string, string[]>();
  for (const file of files) {
    const crd = parse(readFileSync(file, "utf8")) as Crd;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
      const root = toJsonSchema(version.schema.openAPIV3Schema);
      root.properties = { ...(root.properties as object), metadata: objectMeta };
      root.required = [...new Set([...((root.required as string[]) ?? []), "apiVersion", "kind", "metadata", "spec"])];
      validators.set(key, ajv.compile(root));
      const rules: string[] = [];
      collectRules(version.schema.openAPIV3Schema, "", rules);
      celRules.set(key, rules);
    }
  }
  return {
    celRules,
    validate(object) {
      const key = `${object.apiVersion}/${object.kind}`;
      const validate = validators.get(key);
      if (!validate) return [`no CustomResourceDefinition serves ${key} (known: ${[...validators.keys()].join(", ")})`];
      if (validate(object)) return [];
      return (validate.errors ?? []).map((error) => {
        const extra = error.keyword === "additionalProperties" ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : "";
        return `${error.instancePath || "/"}: ${error.message}${extra}`;
      });
    },
  };
}
