/**
 * Receiver configuration: types, defaults, validation (ajv against
 * receiver/config.schema.json) and loading from a JSON file.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import configSchema from '../config.schema.json' with { type: 'json' };
import { DEFAULT_ROUTES, type RouteConfig } from './routes.js';

export { configSchema };
export { DEFAULT_ROUTES, type RouteConfig };

/** The configuration file as written: every field optional. */
export interface ReceiverConfig {
  readonly $schema?: string;
  readonly listen?: { readonly host?: string; readonly port?: number };
  readonly routes?: { readonly [path: string]: RouteConfig };
  readonly tokenFile?: string;
  readonly maxBodyBytes?: number;
  readonly requestTimeoutMs?: number;
  readonly shutdownTimeoutMs?: number;
}

/** The configuration with every default applied. */
export interface ResolvedConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly routes: { readonly [path: string]: RouteConfig };
  readonly tokenFile: string | undefined;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
}

/** Paths served by the receiver itself; not usable as webhook routes. */
export const RESERVED_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

export const DEFAULTS = {
  listen: { host: '0.0.0.0', port: 8080 },
  maxBodyBytes: 1024 * 1024,
  requestTimeoutMs: 10_000,
  shutdownTimeoutMs: 10_000,
} as const;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    validator = ajv.compile(configSchema);
  }
  return validator;
}

function describe(err: ErrorObject): string {
  const where = err.instancePath === '' ? '(root)' : err.instancePath;
  const params = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') {
    return `${where}: unknown property "${String(params['additionalProperty'])}"`;
  }
  if (err.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    return `${where}: ${err.message ?? 'invalid'}: ${(params['allowedValues'] as unknown[]).join(', ')}`;
  }
  if (err.propertyName !== undefined) {
    return `${where}: property name "${err.propertyName}" ${err.message ?? 'is invalid'}`;
  }
  return `${where}: ${err.message ?? 'is invalid'}`;
}

/** Human-readable, de-duplicated list of ajv errors. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const seen = new Set<string>();
  for (const err of errors ?? []) {
    // "propertyNames" repeats the error of the failing name keyword; "oneOf" is noise next to its branches.
    if (err.keyword === 'propertyNames') continue;
    seen.add(describe(err));
  }
  return [...seen];
}

/**
 * Validates a parsed configuration object and applies defaults.
 * @param source  where the object came from (for error messages)
 * @param baseDir directory relative tokenFile paths are resolved against
 */
export function resolveConfig(input: unknown, source = 'config', baseDir = process.cwd()): ResolvedConfig {
  const validate = getValidator();
  if (!validate(input)) {
    throw new ConfigError(`invalid configuration in ${source}`, formatSchemaErrors(validate.errors));
  }
  const cfg = input as ReceiverConfig;
  const routes = structuredClone(cfg.routes ?? DEFAULT_ROUTES);
  return {
    listen: {
      host: cfg.listen?.host ?? DEFAULTS.listen.host,
      port: cfg.listen?.port ?? DEFAULTS.listen.port,
    },
    routes,
    tokenFile: cfg.tokenFile === undefined ? undefined : resolve(baseDir, cfg.tokenFile),
    maxBodyBytes: cfg.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    requestTimeoutMs: cfg.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    shutdownTimeoutMs: cfg.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs,
  };
}

/** Reads, parses and validates a JSON configuration file. Relative tokenFile paths are resolved against its directory. */
export function loadConfigFile(path: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`cannot read config file ${path}: ${code}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return resolveConfig(parsed, path, dirname(resolve(path)));
}
