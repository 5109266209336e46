// Profiles generated from the bundled contract with fast-check: a walk over the JSON Schema
// ($ref, enum, const, oneOf/anyOf, required and optional keys, maps with plausible names,
// patterns) that mostly builds what the schema asks for, and now and then puts a plausible
// wrong value in its place (edge numbers, YAML 1.1 words, odd names, broken PromQL), so both
// the accept and the reject paths of `promstack validate` are exercised.
import fc from "fast-check";
import type { JsonSchema } from "../../generator/src/schema/bundle.js";

type Arb = fc.Arbitrary<unknown>;

/** Strings a profile author plausibly writes; patterns pick the ones they accept. */
const STRING_POOL = [
  // names
  "default", "critical", "team-a", "node", "a", "x.y", "web_1", "HighCpu", "Foo_Bar", "my-job", "kube-system", "monitoring", "app",
  // label names and odd ones
  "severity", "team", "__name__", "instance", "job", "0bad", "a-b", "le", "namespace",
  // durations
  "30s", "1m", "5m", "1h", "2d", "1w", "1h30m", "15s", "0s", "0ms", "0", "10ms", "1y", "999999999999y", "5 min", "24h",
  // sizes and quantities
  "50GB", "3GB", "50GiB", "1.5GB", "10Gi", "500m", "100Mi", "2", "0.5",
  // PromQL, sound and not
  "up == 0", "rate(http_requests_total[5m]) > 1", 'up{job=~"("} == 0', 'up{job="\\z"}', "time() > 5", 'topk("3", up)',
  "sum by (job) (up) < 1", "up[0s]", "${threshold}", "up > ${threshold}", 'label_replace(up, "a", "${1}", "job", "(.*)")',
  // matchers
  'severity="critical"', 'team=~"a|b"', 'job!="x"', 'a=~"("', "severity=critical", '{a="b",c="d"}',
  // templates and texts
  "{{ $labels.instance }} is down", "{{ $value", '{{ fail "x" }}', "{{ $value | humanize }}", "summary text",
  // URLs, hosts, paths
  "https://example.com/hook", "http://receiver:8080/", "example.com", "host:9100", "10.0.0.1:9090", "/webhook", "/metrics", "/etc/hosts",
  "redis://redis:6379", "0.0.0.0/0", "10.0.0.0/8", "a.example.com", "*.example.com",
  // YAML 1.1 words, numbers as text, specials
  "on", "off", "yes", "no", "y", "n", "true", "1_000", "0x10", "~", "null", "", " ", "chat #x", "*alias", "&anchor", "a\u0001b", "ünïcode", "@at",
  // times and weekdays (time intervals)
  "monday", "monday:friday", "09:00", "17:30", "24:00", "24:30", "1:5", "january", "2026", "Europe/Berlin", "Mars/Olympus",
  // images and misc
  "quay.io/prometheus/prometheus", "v3.15.0", "latest", "sha256:" + "a".repeat(64), "linux/amd64", "linux/arm/v7", "promstack.tmpl", "x.json",
];

const YAML_WORDS = ["on", "off", "yes", "no", "y", "1_000", "~", "null", "True"];
const MUTANTS: unknown[] = [...YAML_WORDS, "", " ", -1, 0, 1.5, 2 ** 31, 1e21, true, null, [], {}, "chat #x", "*alias", "a\u0001b"];

interface Options {
  /** Chance of replacing a value by a mutant; small, so most profiles stay well-formed. */
  mutation: number;
  /** Nesting ($ref expansions) beyond which only required keys are generated. */
  maxDepth: number;
}

const DEFAULTS: Options = { mutation: 0.03, maxDepth: 7 };

function regexOf(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

export class ProfileArbitrary {
  private readonly memo = new Map<unknown, Map<number, Arb>>();
  private readonly options: Options;

  constructor(private readonly root: JsonSchema, options: Partial<Options> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Profiles: one to four top-level sections of the umbrella contract. */
  profile(): fc.Arbitrary<Record<string, unknown>> {
    const properties = this.root.properties as Record<string, JsonSchema>;
    const names = Object.keys(properties);
    return fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }).chain((chosen) =>
      fc.record(Object.fromEntries(chosen.map((name) => [name, this.node(properties[name]!, 1)]))),
    ) as fc.Arbitrary<Record<string, unknown>>;
  }

  private resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let i = 0; i < 20 && typeof current.$ref === "string"; i++) {
      const ref = current.$ref as string;
      if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
      let target: unknown = this.root;
      for (const segment of ref.slice(2).split("/")) target = (target as Record<string, unknown>)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
      const { $ref: _, ...rest } = current;
      current = { ...(target as JsonSchema), ...rest };
    }
    return current;
  }

  node(schema: JsonSchema, depth: number): Arb {
    const bucket = Math.min(depth, this.options.maxDepth);
    let byDepth = this.memo.get(schema);
    if (!byDepth) this.memo.set(schema, (byDepth = new Map()));
    const cached = byDepth.get(bucket);
    if (cached) return cached;
    const arb = this.mutate(this.build(schema, bucket));
    byDepth.set(bucket, arb);
    return arb;
  }

  private mutate(arb: Arb): Arb {
    const rate = this.options.mutation;
    if (rate <= 0) return arb;
    const weight = Math.max(1, Math.round(1 / rate));
    return fc.oneof({ arbitrary: arb, weight: weight - 1 }, { arbitrary: fc.constantFrom(...MUTANTS), weight: 1 });
  }

  private build(input: JsonSchema, depth: number): Arb {
    const schema = this.resolve(input);
    const nextDepth = typeof input.$ref === "string" ? depth + 1 : depth;
    if ("const" in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
    if (branches) {
      const { oneOf: _o, anyOf: _a, ...base } = schema;
      return fc.oneof(...branches.map((branch) => this.node(this.merge(base, branch), nextDepth)));
    }
    const type = schema.type;
    if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((t) => this.build({ ...schema, type: t }, depth)));
    switch (type) {
      case "string":
        return this.string(schema);
      case "integer":
        return this.number(schema, true);
      case "number":
        return this.number(schema, false);
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return this.array(schema, nextDepth);
      case "object":
        return this.object(schema, nextDepth);
      default:
        if (schema.properties || schema.additionalProperties || schema.patternProperties) return this.object(schema, nextDepth);
        return fc.constantFrom<unknown>("x", 1, true);
    }
  }

  /** A oneOf/anyOf branch together with the keys of the schema around it. */
  private merge(base: JsonSchema, branch: JsonSchema): JsonSchema {
    const resolved = this.resolve(branch);
    const required = [...new Set([...((base.required as string[]) ?? []), ...((resolved.required as string[]) ?? [])])];
    const properties = { ...(base.properties as object), ...(resolved.properties as object) };
    return { ...base, ...resolved, properties, required };
  }

  private string(schema: JsonSchema): Arb {
    const pattern = typeof schema.pattern === "string" ? regexOf(schema.pattern) : undefined;
    const format = schema.format === "uri" ? (s: string) => /^https?:\/\/\S+$/.test(s) : () => true;
    const fits = STRING_POOL.filter((s) => (pattern ? pattern.test(s) : true) && format(s));
    const arbs: Array<fc.WeightedArbitrary<unknown>> = [{ arbitrary: fc.constantFrom(...STRING_POOL), weight: 1 }];
    if (fits.length > 0) arbs.push({ arbitrary: fc.constantFrom(...fits), weight: 6 });
    if (pattern) arbs.push({ arbitrary: fc.stringMatching(pattern).filter((s) => s.length <= 80), weight: 3 });
    return fc.oneof(...arbs);
  }

  private number(schema: JsonSchema, integer: boolean): Arb {
    const min = typeof schema.minimum === "number" ? schema.minimum : integer ? 0 : -10;
    const max = typeof schema.maximum === "number" ? schema.maximum : min + 100;
    const inRange = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    const edges = fc.constantFrom<unknown>(min, max, min - 1, max + 1, 0, -1, 2 ** 31, 2 ** 53, 0.5);
    return fc.oneof({ arbitrary: inRange, weight: 8 }, { arbitrary: edges, weight: 2 });
  }

  private array(schema: JsonSchema, depth: number): Arb {
    const items = (schema.items as JsonSchema | undefined) ?? {};
    const minLength = Math.min((schema.minItems as number | undefined) ?? 0, 3);
    const maxLength = depth >= this.options.maxDepth ? minLength : Math.max(minLength, 3);
    return fc.array(this.node(items, depth + 1), { minLength, maxLength });
  }

  private keyArb(schema: JsonSchema): fc.Arbitrary<string> {
    const names = schema.propertyNames as JsonSchema | undefined;
    const patterns = Object.keys((schema.patternProperties as object | undefined) ?? {});
    const pattern = (names?.pattern as string | undefined) ?? patterns[0];
    const regex = pattern ? regexOf(pattern) : undefined;
    const plausible = STRING_POOL.filter((s) => s.length > 0 && (!regex || regex.test(s)));
    const arbs: Array<fc.WeightedArbitrary<string>> = [{ arbitrary: fc.constantFrom("odd name", "0bad", "a.b", "on", "Ü"), weight: 1 }];
    if (plausible.length > 0) arbs.push({ arbitrary: fc.constantFrom(...plausible), weight: 6 });
    if (regex) arbs.push({ arbitrary: fc.stringMatching(regex).filter((s) => s.length > 0 && s.length <= 40), weight: 3 });
    return fc.oneof(...arbs);
  }

  private object(schema: JsonSchema, depth: number): Arb {
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const optional = Object.keys(properties).filter((name) => !required.has(name));
    const shallow = depth >= this.options.maxDepth;
    const requiredArbs = Object.fromEntries([...required].filter((name) => properties[name]).map((name) => [name, this.node(properties[name]!, depth + 1)]));
    // Some optional keys: a few at a time, so profiles stay small and readable.
    const chosen = shallow || optional.length === 0 ? fc.constant<string[]>([]) : fc.subarray(optional, { maxLength: Math.min(3, optional.length) });
    const patternSchema = Object.values((schema.patternProperties as Record<string, JsonSchema> | undefined) ?? {})[0];
    const additional = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as JsonSchema) : patternSchema;
    const extra = additional && !shallow ? fc.dictionary(this.keyArb(schema), this.node(additional, depth + 1), { maxKeys: 2 }) : fc.constant({});
    return fc.tuple(chosen, extra).chain(([names, extraEntries]) =>
      fc.record({ ...requiredArbs, ...Object.fromEntries(names.map((name) => [name, this.node(properties[name]!, depth + 1)])) }).map((fixed) => ({ ...extraEntries, ...fixed })),
    );
  }
}
