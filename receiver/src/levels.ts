/**
 * Log levels and the per-route mapping (alert status, severity) -> level.
 */

export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

export type AlertStatus = 'firing' | 'resolved';

/** One level for every alert of a status, or a map severity -> level ('*' = any other / missing). */
export type StatusLevels = Level | { readonly [severity: string]: Level };

export interface LevelMapping {
  readonly firing?: StatusLevels;
  readonly resolved?: StatusLevels;
}

/** Wildcard key of a severity map. */
export const ANY_SEVERITY = '*';

/** firing critical -> CRITICAL, firing warning -> WARNING, firing info/other -> INFO, resolved -> INFO. */
export const DEFAULT_LEVELS = {
  firing: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO', [ANY_SEVERITY]: 'INFO' },
  resolved: 'INFO',
} as const satisfies Required<LevelMapping>;

function lookup(entry: StatusLevels | undefined, severity: string | undefined): Level | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry === 'string') return entry;
  if (severity !== undefined && Object.prototype.hasOwnProperty.call(entry, severity)) {
    return entry[severity];
  }
  return Object.prototype.hasOwnProperty.call(entry, ANY_SEVERITY) ? entry[ANY_SEVERITY] : undefined;
}

/**
 * Level of one alert line. The route's mapping is consulted first; whatever it
 * leaves open falls back to DEFAULT_LEVELS.
 */
export function levelFor(mapping: LevelMapping | undefined, status: AlertStatus, severity: string | undefined): Level {
  return lookup(mapping?.[status], severity) ?? lookup(DEFAULT_LEVELS[status], severity) ?? 'INFO';
}

/** Severity values named explicitly in a mapping (used to bound metric label values). */
export function severitiesIn(mapping: LevelMapping | undefined): string[] {
  const out: string[] = [];
  for (const status of ['firing', 'resolved'] as const) {
    const entry = mapping?.[status];
    if (entry !== undefined && typeof entry !== 'string') {
      for (const key of Object.keys(entry)) if (key !== ANY_SEVERITY) out.push(key);
    }
  }
  return out;
}
