// Writes schemas/prometheus-scrape-config.schema.json: a strict JSON Schema of one Prometheus
// scrape_config, read from the Go sources of the pinned Prometheus module and the
// prometheus/common version its go.mod requires (their structs' yaml tags), so the raw escape
// hatch prometheus.extraScrapeConfigs accepts exactly the keys Prometheus does.
//
//   node dist/generator/src/schema/gen-scrape-config.js <prometheus module dir> <common module dir>
//
// (`make scrape-config-schema` finds both with `go mod download -json`.) Only the standard
// struct/field syntax of gofmt'd sources is read. Types that decode themselves
// (UnmarshalYAML/UnmarshalText) are either enums derived from their `case` constants or
// listed in LEAVES; any other is an error, so an upstream change cannot slip through as a
// wrong shape.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_NOTICE } from "../chart/header.js";
import { paths } from "../paths.js";
import { flagValuesSchema, kingpinFlagValues, promslogFlagValues } from "./kingpin-flags.js";

type Schema = Record<string, unknown>;

const PROMETHEUS = "github.com/prometheus/prometheus";
const COMMON = "github.com/prometheus/common";
export const SCRAPE_CONFIG_SCHEMA_FILE = "prometheus-scrape-config.schema.json";
/** Definition names carry this prefix: all schema files share one namespace. */
const PREFIX = "promRaw";

interface Field {
  names: string[]; // empty for an embedded field
  type: string;
  tag: string;
}
interface TypeDecl {
  pkg: GoPackage;
  name: string;
  /** Struct fields, or undefined for a named non-struct type. */
  fields?: Field[];
  underlying?: string;
  file: string;
}
interface GoPackage {
  path: string;
  types: Map<string, TypeDecl>;
  /** Import alias -> import path, per file. */
  imports: Map<string, Map<string, string>>;
  /** Every imported path, blank imports included. */
  importPaths: Set<string>;
  /** Receiver type -> method name -> body. */
  methods: Map<string, Map<string, string>>;
  /** Constant name -> string value. */
  consts: Map<string, { type?: string; value: string }>;
  sources: string[];
}

// Named shapes used in many places: definitions, so messages can name them and types are shared.
const NAMED: Record<string, Schema> = {};
const duration: Schema = {
  title: "PrometheusDuration",
  type: "string",
  pattern: "^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$",
  minLength: 1,
  description: "A Prometheus duration, e.g. 30s, 5m, 1h30m.",
};
// Lists and maps may be written empty (`key:`, YAML null): Go decodes that to the zero value.
const stringMap: Schema = { type: ["object", "null"], additionalProperties: { type: "string" } };

/** A case-insensitive enum as a pattern (Prometheus lowercases relabel actions). */
function caseInsensitive(title: string, values: string[]): Schema {
  const letters = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join("");
  return { title, type: "string", pattern: `^(${values.map(letters).join("|")})$`, description: `One of ${values.join(", ")} (any case).` };
}

/** Types that decode themselves, by qualified name, as the YAML Prometheus accepts for them. */
const LEAVES: Record<string, (resolve: (pkg: GoPackage, expr: string) => Schema, pkgOf: (path: string) => GoPackage) => Schema> = {
  [`${COMMON}/model.Duration`]: () => named(`${PREFIX}Duration`, duration),
  [`${COMMON}/model.LabelSet`]: () => stringMap,
  [`${COMMON}/model.LabelName`]: () => ({ type: "string" }),
  [`${COMMON}/model.LabelNames`]: () => ({ type: ["array", "null"], items: { type: "string" } }),
  [`${COMMON}/model.ValidationScheme`]: () => ({ type: "string", enum: ["", "legacy", "utf8"] }),
  [`${COMMON}/config.Secret`]: () => ({ type: "string" }),
  [`${COMMON}/config.URL`]: () => ({ type: "string" }),
  [`${COMMON}/config.TLSVersion`]: () => ({ type: "string", enum: ["TLS10", "TLS11", "TLS12", "TLS13"] }),
  // An inline map of header name to {values, secrets, files}.
  [`${COMMON}/config.Headers`]: (resolve, pkgOf) => ({ type: ["object", "null"], additionalProperties: resolve(pkgOf(`${COMMON}/config`), "Header") }),
  [`${PROMETHEUS}/model/relabel.Regexp`]: () => ({ type: "string", description: "An RE2 regular expression, anchored at both ends." }),
  [`${PROMETHEUS}/discovery/targetgroup.Group`]: () => ({
    type: "object",
    additionalProperties: false,
    properties: { targets: { type: ["array", "null"], items: { type: "string" } }, labels: stringMap },
  }),
  [`${PROMETHEUS}/config.ScrapeProtocol`]: (_resolve, pkgOf) => ({ type: "string", enum: constantsOfType(pkgOf(`${PROMETHEUS}/config`), "ScrapeProtocol") }),
  "net/url.Values": () => ({ type: ["object", "null"], additionalProperties: { type: ["array", "null"], items: { type: "string" } } }),
  // Always text with a unit ("0" aside): Prometheus refuses a bare number (units: unknown unit).
  "github.com/alecthomas/units.Base2Bytes": () =>
    named(`${PREFIX}ByteSize`, {
      title: "PrometheusByteSize",
      description: "A size with a unit (B, KB, MB, GB, ... or KiB, MiB, ...), e.g. 10MB; 0 means no limit.",
      type: "string",
      pattern: "^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i?)?B)+)$",
    }),
};

// What each service discovery's UnmarshalYAML refuses beyond the shape of its struct, where a
// schema can say it (so Helm's values.schema.json refuses it too). Go compares with the zero
// value, so a required string must also be non-empty and a required list non-empty (and not
// null). Rules that depend on other fields, or need a URL parsed, are in
// generator/src/validate/scrape-configs.ts. Keyed by the discovery's name (<name>_sd_configs).
const nonEmptyString: Schema = { type: "string", minLength: 1 };
const nonEmptyList: Schema = { type: "array", minItems: 1 };
const oneOf = (...values: string[]): Schema => ({ type: "string", enum: values });
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const positive: Schema = { type: "integer", minimum: 1 };
const zookeeperPath: Schema = { title: "ZookeeperPath", type: "string", pattern: "^/", description: "an absolute Zookeeper path, starting with /." };
export const SD_RULES: Record<string, { required?: string[]; properties?: Record<string, Schema> }> = {
  aws: { required: ["role"] },
  azure: { required: ["subscription_id"], properties: { subscription_id: nonEmptyString, authentication_method: oneOf("OAuth", "ManagedIdentity", "SDK", "WorkloadIdentity") } },
  dns: { required: ["names"], properties: { names: nonEmptyList, type: caseInsensitive("PrometheusDnsRecordType", ["SRV", "A", "AAAA", "MX", "NS"]) } },
  docker: { required: ["host"], properties: { host: nonEmptyString } },
  dockerswarm: { required: ["host", "role"], properties: { host: nonEmptyString, role: oneOf("services", "nodes", "tasks") } },
  ec2: { properties: { filters: { items: { type: "object", required: ["values"], properties: { values: nonEmptyList } } } } },
  ecs: { properties: { request_concurrency: positive } },
  elasticache: { properties: { request_concurrency: positive } },
  msk: { properties: { request_concurrency: positive } },
  rds: { properties: { request_concurrency: positive } },
  eureka: { required: ["server"], properties: { server: nonEmptyString } },
  // file/file.go's patFileSDName: a .json/.yml/.yaml name, with * only in the last path element.
  file: { required: ["files"], properties: { files: { ...nonEmptyList, items: { title: "FileSDPath", type: "string", pattern: "^[^*]*([*][^/]*)?[.](json|yml|yaml|JSON|YML|YAML)$", description: "a path ending in .json, .yml or .yaml, with a * only in its file name (file_sd refuses any other)." } } } },
  gce: { required: ["project", "zone"], properties: { project: nonEmptyString, zone: nonEmptyString } },
  hetzner: { required: ["role"] },
  http: { required: ["url"], properties: { url: nonEmptyString } },
  ionos: { required: ["datacenter_id"], properties: { datacenter_id: nonEmptyString } },
  kubernetes: { required: ["role"] },
  kuma: { required: ["server"], properties: { server: nonEmptyString } },
  marathon: { required: ["servers"], properties: { servers: nonEmptyList } },
  nerve: { required: ["servers", "paths"], properties: { servers: nonEmptyList, paths: { ...nonEmptyList, items: zookeeperPath } } },
  serverset: { required: ["servers", "paths"], properties: { servers: nonEmptyList, paths: { ...nonEmptyList, items: zookeeperPath } } },
  oci: { required: ["region"], properties: { region: nonEmptyString, auth: oneOf("api_key", "instance_principal"), compartments: { items: nonEmptyString } } },
  openstack: { required: ["role", "region"], properties: { region: nonEmptyString, availability: oneOf("public", "internal", "admin") } },
  outscale: { required: ["access_key"], properties: { access_key: nonEmptyString, region: nonEmptyString } },
  ovhcloud: {
    required: ["application_key", "application_secret", "consumer_key", "service"],
    properties: { endpoint: nonEmptyString, application_key: nonEmptyString, application_secret: nonEmptyString, consumer_key: nonEmptyString, service: oneOf("dedicated_server", "vps") },
  },
  puppetdb: { required: ["url", "query"], properties: { url: nonEmptyString, query: nonEmptyString } },
  // Its UnmarshalYAML builds a Scaleway client, whose options check these formats.
  scaleway: {
    required: ["role", "project_id", "access_key"],
    properties: {
      project_id: { title: "ScalewayProjectID", type: "string", pattern: `^${UUID}$`, description: "a UUID (the Scaleway client refuses any other project id)." },
      access_key: { title: "ScalewayAccessKey", type: "string", pattern: "^SCW[A-Z0-9]{17}$", description: "SCW and 17 capitals or digits (the Scaleway client refuses any other)." },
      secret_key: { title: "ScalewaySecretKey", type: "string", pattern: `^(${UUID})?$`, description: "a UUID (the Scaleway client refuses any other)." },
      zone: { title: "ScalewayZone", type: "string", pattern: "^[a-z]{2}-[a-z]{3,7}-[0-9]{1,2}$", description: "a Scaleway zone such as fr-par-1 (the Scaleway client refuses any other)." },
      api_url: { title: "ScalewayAPIURL", type: "string", pattern: "[^/]$", description: "the API URL, without a trailing slash (the Scaleway client refuses one)." },
    },
  },
  triton: { required: ["account", "dns_suffix", "endpoint"], properties: { account: nonEmptyString, dns_suffix: nonEmptyString, endpoint: nonEmptyString, role: oneOf("container", "cn") } },
  uyuni: { required: ["server", "username", "password"], properties: { server: nonEmptyString, username: nonEmptyString, password: nonEmptyString } },
};

/** A discovery's definition with its SD_RULES: a copy, so definitions shared with others stay as they are. */
function withSdRules(sdName: string, definition: Schema): Schema {
  const rules = SD_RULES[sdName];
  if (!rules) return definition;
  const properties = { ...(definition.properties as Record<string, Schema>) };
  for (const [key, extra] of Object.entries(rules.properties ?? {})) {
    const base = properties[key];
    if (!base) throw new Error(`SD_RULES.${sdName}.${key}: ${sdName}_sd_configs has no such key`);
    // Plain types take the rule's keywords (its type may narrow ["array", "null"]); a $ref or items of a $ref are combined.
    properties[key] = base.$ref || (base.items as Schema | undefined)?.$ref ? { allOf: [base, { ...(base.type ? { type: base.type } : {}), ...extra }] } : { ...base, ...extra, ...(extra.items && base.items ? { items: { ...(base.items as Schema), ...(extra.items as Schema) } } : {}) };
  }
  for (const key of rules.required ?? []) if (!properties[key]) throw new Error(`SD_RULES.${sdName}: required ${key} is not a key of ${sdName}_sd_configs`);
  return { ...definition, properties, ...(rules.required ? { required: rules.required } : {}) };
}

function named(name: string, schema: Schema): Schema {
  NAMED[name] = schema;
  return { $ref: `#/definitions/${name}` };
}

// Enums whose UnmarshalYAML does not list its constants in a `case`, and which are matched
// case-insensitively.
const CASE_INSENSITIVE = new Set([`${PROMETHEUS}/model/relabel.Action`]);

export function goFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
    .sort()
    .map((f) => join(dir, f));
}

export function stripComments(source: string): string {
  // Line comments outside strings and struct tags; block comments. Enough for gofmt'd code.
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^((?:[^"`\n/]|"(?:[^"\\\n]|\\.)*"|`[^`]*`|\/(?!\/))*)\/\/.*$/gm, "$1");
}

function parseFields(body: string): Field[] {
  const fields: Field[] = [];
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const tag = /`([^`]*)`\s*$/.exec(line)?.[1] ?? "";
    const rest = line.replace(/`[^`]*`\s*$/, "").trim();
    const named = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(\S.*)$/.exec(rest);
    if (named && !/^\*?[\w.]+$/.test(rest)) fields.push({ names: named[1]!.split(/\s*,\s*/), type: named[2]!.trim(), tag });
    else fields.push({ names: [], type: rest, tag });
  }
  return fields;
}

function parsePackage(path: string, dir: string): GoPackage {
  const pkg: GoPackage = { path, types: new Map(), imports: new Map(), importPaths: new Set(), methods: new Map(), consts: new Map(), sources: [] };
  for (const file of goFiles(dir)) {
    const source = stripComments(readFileSync(file, "utf8"));
    pkg.sources.push(source);
    const imports = new Map<string, string>();
    const importText = [...source.matchAll(/^import\s*\(([\s\S]*?)^\)/gm)].map((m) => m[1]).join("\n") + [...source.matchAll(/^import\s+(.*)$/gm)].map((m) => m[1]).join("\n");
    for (const m of importText.matchAll(/^\s*(?:([\w.]+)\s+)?"([^"]+)"/gm)) {
      const importPath = m[2]!;
      pkg.importPaths.add(importPath);
      if (m[1] === "_") continue;
      const elements = importPath.split("/");
      let alias = m[1] ?? elements[elements.length - 1]!;
      if (!m[1] && /^v[0-9]+$/.test(alias)) alias = elements[elements.length - 2]!;
      if (!m[1]) alias = alias.replace(/^go-/, "").replace(/[.-].*$/, "");
      imports.set(alias, importPath);
    }
    pkg.imports.set(file, imports);
    for (const m of source.matchAll(/^type\s+(\w+)\s+struct\s*\{\n([\s\S]*?)^\}/gm)) {
      pkg.types.set(m[1]!, { pkg, name: m[1]!, fields: parseFields(m[2]!), file });
    }
    for (const m of source.matchAll(/^type\s+(\w+)\s+((?!struct\b|interface\b)[^\s=][^\n]*)$/gm)) {
      pkg.types.set(m[1]!, { pkg, name: m[1]!, underlying: m[2]!.trim(), file });
    }
    for (const m of source.matchAll(/^func\s+\((?:\w+\s+)?\*?(\w+)\)\s+(\w+)\(([\s\S]*?)^\}/gm)) {
      if (!pkg.methods.has(m[1]!)) pkg.methods.set(m[1]!, new Map());
      pkg.methods.get(m[1]!)!.set(m[2]!, m[3]!);
    }
    for (const block of [...source.matchAll(/^(?:const|var)\s*\(([\s\S]*?)^\)/gm)].map((m) => m[1]!).concat([...source.matchAll(/^(?:const|var)\s+([^(\n].*)$/gm)].map((m) => m[1]!))) {
      for (const m of block.matchAll(/^\s*(\w+)\s+(?:(\w+)\s+)?=\s+"([^"]*)"/gm)) pkg.consts.set(m[1]!, { type: m[2], value: m[3]! });
    }
  }
  // Aliases (type KumaSDConfig = SDConfig) share the aliased type's fields and methods.
  for (const source of pkg.sources) {
    for (const m of source.matchAll(/^type\s+(\w+)\s*=\s*(\w+)\s*$/gm)) {
      const target = pkg.types.get(m[2]!);
      if (!target) throw new Error(`${path}: alias ${m[1]} of unknown ${m[2]}`);
      pkg.types.set(m[1]!, target);
      const methods = new Map([...(pkg.methods.get(m[2]!) ?? []), ...(pkg.methods.get(m[1]!) ?? [])]);
      pkg.methods.set(m[1]!, methods);
      pkg.methods.set(m[2]!, methods);
    }
  }
  return pkg;
}

/** Whether any Go file below dir contains text. */
function mentions(dir: string, text: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? mentions(join(dir, entry.name), text) : entry.name.endsWith(".go") && !entry.name.endsWith("_test.go") && readFileSync(join(dir, entry.name), "utf8").includes(text),
  );
}

function constantsOfType(pkg: GoPackage, type: string): string[] {
  return [...pkg.consts.values()].filter((c) => c.type === type).map((c) => c.value);
}

function yamlTag(tag: string): { name?: string; inline: boolean; skip: boolean } {
  const value = /(?:^|\s)yaml:"([^"]*)"/.exec(tag)?.[1];
  if (value === undefined) return { inline: false, skip: false };
  const [name, ...flags] = value.split(",");
  return { name: name || undefined, inline: flags.includes("inline"), skip: name === "-" };
}

function pascal(word: string): string {
  return word.replace(/(^|[-_])(\w)/g, (_m, _s, c: string) => c.toUpperCase());
}

export function buildScrapeConfigSchema(prometheusDir: string, commonDir: string): Schema {
  const packages = new Map<string, GoPackage>();
  function pkgOf(path: string): GoPackage {
    let pkg = packages.get(path);
    if (pkg) return pkg;
    let dir: string;
    if (path === PROMETHEUS || path.startsWith(`${PROMETHEUS}/`)) dir = join(prometheusDir, path.slice(PROMETHEUS.length));
    else if (path.startsWith(`${COMMON}/`)) dir = join(commonDir, path.slice(COMMON.length));
    else throw new Error(`no source for package ${path}`);
    pkg = parsePackage(path, dir);
    packages.set(path, pkg);
    return pkg;
  }

  // prometheus/common's *_ref fields name a secret in a SecretManager; a Prometheus that never
  // installs one (WithSecretManager) fails on them when it builds the HTTP client, so they are left out.
  const secretRefs = ["cmd", "scrape", "discovery", "config"].some((dir) => mentions(join(prometheusDir, dir), "WithSecretManager("));

  const definitions: Record<string, Schema> = {};
  const defined = new Map<string, string>(); // qualified type -> definition name
  const usedNames = new Set<string>();

  function definitionName(decl: TypeDecl): string {
    const pkgName = decl.pkg.path.split("/").pop()!;
    const base = decl.name.toLowerCase().startsWith(pkgName.toLowerCase()) || ["config", "discovery"].includes(pkgName) ? decl.name : pascal(pkgName) + decl.name;
    let name = PREFIX + (decl.pkg.path === `${PROMETHEUS}/model/relabel` ? "RelabelConfig" : base);
    while (usedNames.has(name)) name += "_";
    usedNames.add(name);
    return name;
  }

  /** A type expression (as written in package pkg's file) as a schema. */
  function resolve(pkg: GoPackage, expr: string, file?: string): Schema {
    expr = expr.trim();
    if (expr.startsWith("*")) return resolve(pkg, expr.slice(1), file);
    if (expr.startsWith("[]")) return { type: ["array", "null"], items: resolve(pkg, expr.slice(2), file) };
    const map = /^map\[(\w+)\](.+)$/.exec(expr);
    if (map) {
      if (map[1] !== "string") throw new Error(`map key ${map[1]} in ${pkg.path}`);
      return { type: ["object", "null"], additionalProperties: resolve(pkg, map[2]!, file) };
    }
    switch (expr) {
      case "string":
        return { type: "string" };
      case "bool":
        return { type: "boolean" };
      case "int":
      case "int32":
      case "int64":
        return { type: "integer" };
      case "uint":
      case "uint16":
      case "uint32":
      case "uint64":
        return { type: "integer", minimum: 0 };
      case "float64":
      case "float32":
        return { type: "number" };
      case "any":
      case "interface{}":
        return {};
    }
    const qualified = /^(\w+)\.(\w+)$/.exec(expr);
    let target: string;
    let name: string;
    if (qualified) {
      const imports = file ? pkg.imports.get(file) : undefined;
      const importPath = imports?.get(qualified[1]!) ?? [...pkg.imports.values()].map((i) => i.get(qualified[1]!)).find(Boolean);
      if (!importPath) throw new Error(`unknown package ${qualified[1]} in ${pkg.path}`);
      target = importPath;
      name = qualified[2]!;
    } else {
      target = pkg.path;
      name = expr;
    }
    const key = `${target}.${name}`;
    const leaf = LEAVES[key];
    if (leaf) return leaf(resolve, pkgOf);
    const decl = pkgOf(target).types.get(name);
    if (!decl) throw new Error(`type ${key} not found`);
    return declared(decl);
  }

  function declared(decl: TypeDecl): Schema {
    const key = `${decl.pkg.path}.${decl.name}`;
    const methods = decl.pkg.methods.get(decl.name) ?? new Map<string, string>();
    const custom = methods.get("UnmarshalYAML") ?? methods.get("UnmarshalText");
    if (!decl.fields) {
      const underlying = decl.underlying!;
      if (CASE_INSENSITIVE.has(key)) return named(`${PREFIX}${pascal(decl.pkg.path.split("/").pop()!)}${decl.name}`, caseInsensitive(`Prometheus${pascal(decl.pkg.path.split("/").pop()!)}${decl.name}`, caseConstants(decl, custom ?? "")));
      if (custom === undefined) return resolve(decl.pkg, underlying, decl.file);
      if (underlying !== "string") throw new Error(`${key} decodes itself from ${underlying}: add it to LEAVES`);
      const values = caseConstants(decl, custom);
      if (values.length === 0) throw new Error(`${key} decodes itself but lists no constants: add it to LEAVES`);
      return { type: "string", enum: values };
    }
    // A struct that decodes itself must do so through its plain shape (defaults, then checks).
    if (custom !== undefined && !/plain|UnmarshalYAMLWithInlineConfigs/.test(custom)) throw new Error(`${key} decodes itself in its own way: add it to LEAVES`);
    let ref = defined.get(key);
    if (!ref) {
      ref = definitionName(decl);
      defined.set(key, ref);
      definitions[ref] = {}; // reserve against recursion
      definitions[ref] = { title: pascal(ref), ...structSchema(decl) };
    }
    return { $ref: `#/definitions/${ref}` };
  }

  function caseConstants(decl: TypeDecl, body: string): string[] {
    const caseLine = /case\s+([\w\s,]+):/.exec(body)?.[1] ?? "";
    return caseLine
      .split(",")
      .map((ident) => decl.pkg.consts.get(ident.trim())?.value)
      .filter((value): value is string => value !== undefined);
  }

  function properties(decl: TypeDecl): Record<string, Schema> {
    const out: Record<string, Schema> = {};
    for (const field of decl.fields!) {
      const { name, inline, skip } = yamlTag(field.tag);
      if (skip || (!secretRefs && decl.pkg.path === `${COMMON}/config` && name?.endsWith("_ref"))) continue;
      if (field.names.length === 0) {
        // Embedded: inlined when tagged so; otherwise yaml.v2 treats it as a field named after the type.
        const typeName = field.type.replace(/^\*/, "").split(".").pop()!;
        if (!/^[A-Z]/.test(typeName)) continue;
        if (inline) {
          Object.assign(out, inlineProperties(decl, field.type));
          continue;
        }
        if (/RWMutex|Mutex/.test(typeName)) continue;
        out[name ?? typeName.toLowerCase()] = resolve(decl.pkg, field.type, decl.file);
        continue;
      }
      for (const fieldName of field.names) {
        if (!/^[A-Z]/.test(fieldName)) continue;
        if (inline) {
          Object.assign(out, inlineProperties(decl, field.type));
          continue;
        }
        try {
          out[name ?? fieldName.toLowerCase()] = resolve(decl.pkg, field.type, decl.file);
        } catch (error) {
          // An untagged field of a foreign type is an internal hook (digitalocean's HTTPClient
          // for tests), not configuration.
          if (!name && /^no source for package/.test((error as Error).message)) continue;
          throw new Error(`${decl.pkg.path}.${decl.name}.${fieldName}: ${(error as Error).message}`);
        }
      }
    }
    return out;
  }

  function inlineProperties(owner: TypeDecl, expr: string): Record<string, Schema> {
    const schema = resolve(owner.pkg, expr, owner.file);
    const ref = typeof schema.$ref === "string" ? schema.$ref.replace("#/definitions/", "") : undefined;
    const target = ref ? definitions[ref] : schema;
    if (!target?.properties) throw new Error(`cannot inline ${expr} into ${owner.pkg.path}.${owner.name}`);
    return target.properties as Record<string, Schema>;
  }

  function structSchema(decl: TypeDecl): Schema {
    // Not nullable: a null list item is an error in Prometheus, and a union would hide the
    // "unknown key" errors of the object branch behind a vague "must be one of".
    return { type: "object", additionalProperties: false, properties: properties(decl) };
  }

  // The scrape_config itself, plus one <name>_sd_configs list per discovery the binary registers.
  const configPkg = pkgOf(`${PROMETHEUS}/config`);
  const root = declared(configPkg.types.get("ScrapeConfig")!);
  const rootName = String(root.$ref).replace("#/definitions/", "");
  const scrape = definitions[rootName]!;
  const props = scrape.properties as Record<string, Schema>;
  props.static_configs = { type: ["array", "null"], items: LEAVES[`${PROMETHEUS}/discovery/targetgroup.Group`]!(resolve, pkgOf) };
  const install = pkgOf(`${PROMETHEUS}/discovery/install`);
  const discoveries: string[] = [];
  for (const importPath of [...install.importPaths].filter((p) => p.startsWith(`${PROMETHEUS}/discovery/`)).sort()) {
    const pkg = pkgOf(importPath);
    for (const source of pkg.sources) {
      for (const m of source.matchAll(/discovery\.RegisterConfig\(&(\w+)\{\}\)/g)) {
        const typeName = m[1]!;
        const nameBody = pkg.methods.get(typeName)?.get("Name") ?? "";
        const sdName = /return\s+"([^"]+)"/.exec(nameBody)?.[1];
        if (!sdName) throw new Error(`${importPath}.${typeName} has no Name() returning a literal`);
        const decl = pkg.types.get(typeName);
        if (!decl) throw new Error(`${importPath}.${typeName}: struct not found`);
        const ref = String(declared(decl).$ref).replace("#/definitions/", "");
        definitions[ref] = withSdRules(sdName, definitions[ref]!);
        props[`${sdName}_sd_configs`] = { type: ["array", "null"], items: { $ref: `#/definitions/${ref}` } };
        discoveries.push(sdName);
      }
    }
  }
  for (const name of Object.keys(SD_RULES)) if (!discoveries.includes(name)) throw new Error(`SD_RULES.${name}: Prometheus registers no such discovery`);
  scrape.required = ["job_name"];
  scrape.properties = Object.fromEntries(Object.entries(props).sort(([a], [b]) => a.localeCompare(b)));
  (scrape.properties as Record<string, Schema>).job_name = { type: "string", minLength: 1 };
  scrape.description = `One Prometheus scrape_config as Prometheus reads it (snake_case), with every service discovery the pinned Prometheus compiles in: ${discoveries.sort().join(", ")}.`;
  // The flags the prometheus binary parses (kingpin refuses any other): validate checks
  // prometheus.extraArgs against them. Its own flags, and the logging flags of prometheus/common.
  const mainSources = goFiles(join(prometheusDir, "cmd", "prometheus")).map((file) => stripComments(readFileSync(file, "utf8"))).join("\n");
  const flags = new Set([...mainSources.matchAll(/(?:\bFlag|OnlyFlag)\(\s*(?:a,\s*)?"([^"]+)"/g)].map((m) => m[1]!));
  if (!/promslogflag\.AddFlags\(/.test(mainSources)) throw new Error("cmd/prometheus no longer calls promslogflag.AddFlags: check its flags");
  for (const [name, constant] of pkgOf(`${COMMON}/promslog/flag`).consts) if (/FlagName$/.test(name)) flags.add(constant.value);
  for (const builtin of ["help", "help-long", "help-man", "version"]) flags.add(builtin); // kingpin's own
  NAMED[`${PREFIX}ServerFlag`] = { title: "PrometheusServerFlag", description: "A command-line flag of the prometheus binary (without dashes).", type: "string", enum: [...flags].sort() };
  NAMED[`${PREFIX}ServerFlagValues`] = serverFlagValues(prometheusDir, mainSources, pkgOf);

  const sorted = Object.fromEntries(Object.entries({ ...definitions, ...NAMED }).sort(([a], [b]) => a.localeCompare(b)));
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCRAPE_CONFIG_SCHEMA_FILE,
    $comment: `${GENERATED_NOTICE} by generator/src/schema/gen-scrape-config.ts from ${prometheusDir.split("/").pop()} and ${commonDir.split("/").pop()}`,
    title: "PrometheusScrapeConfig",
    definitions: sorted,
  };
}

/**
 * The value each flag of the prometheus binary takes, by the Go parser behind it (the schema's
 * titles name it, prometheus-flags.ts); validate refuses an extraArgs value that parser refuses.
 */
function serverFlagValues(prometheusDir: string, mainSources: string, pkgOf: (path: string) => GoPackage): Schema {
  const main = pkgOf(`${PROMETHEUS}/cmd/prometheus`);
  // The packages main imports that this reader parses (a flag's field lives in one of them).
  const imported = [...main.importPaths].filter((path) => path.startsWith(`${PROMETHEUS}/`)).flatMap((path) => {
    try {
      return [pkgOf(path)];
    } catch {
      return [];
    }
  });
  const fieldType = (name: string): string | undefined => {
    for (const pkg of [main, ...imported])
      for (const type of pkg.types.values()) for (const field of type.fields ?? []) if (field.names.includes(name)) return field.type;
    return undefined;
  };
  const constant = (qualified: string): string | undefined => {
    const [alias, name] = qualified.split(".");
    const path = [...main.imports.values()].map((imports) => imports.get(alias!)).find((found) => found !== undefined);
    if (!path?.startsWith(`${PROMETHEUS}/`) || !name) return undefined;
    const sources = goFiles(join(prometheusDir, path.slice(PROMETHEUS.length))).map((file) => readFileSync(file, "utf8")).join("\n");
    return new RegExp(`\\b${name}\\s+(?:\\w+\\s+)?=\\s+"([^"]*)"`).exec(sources)?.[1];
  };
  const values = kingpinFlagValues({ main: mainSources, fieldType, constant });
  for (const [flag, value] of promslogFlagValues(pkgOf(`${COMMON}/promslog`).sources.join("\n"))) values.set(flag, value);
  return flagValuesSchema("PrometheusServerFlagValues", "The value each flag of the prometheus binary takes, titled by the Go parser it goes through (generator/src/schema/kingpin-flags.ts).", values);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const [prometheusDir, commonDir] = process.argv.slice(2);
  if (!prometheusDir || !commonDir) throw new Error("usage: gen-scrape-config.js <prometheus module dir> <common module dir>");
  const file = join(paths.schemas, SCRAPE_CONFIG_SCHEMA_FILE);
  writeFileSync(file, `${JSON.stringify(buildScrapeConfigSchema(prometheusDir, commonDir), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
