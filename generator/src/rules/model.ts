// The rule model as TypeScript sees it. The generated RuleGroup type mixes a group's settings
// with its alerts under one index signature; these views keep the two apart.
import type { AlertRule, NativeRule, RecordingRule, RuleGroup, RuleGroups, RuleTest, TestSeries } from "../types/values.js";

export type { AlertRule, NativeRule, RecordingRule, RuleGroup, RuleGroups, RuleTest, TestSeries };

/** One alert as Prometheus receives it, plus what tests and runbooks need. */
export interface ResolvedAlert {
  group: string;
  name: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The values the expression's placeholders stand for. */
  parameters: Record<string, number | string>;
  source: AlertRule;
}

export interface ResolvedRecording {
  group: string;
  record: string;
  expr: string;
  labels: Record<string, string>;
}

/** One rule of a group's native list, as rendered (the group's labels merged under its own). */
export interface ResolvedNativeRule {
  group: string;
  /** Position in the group's rules list. */
  index: number;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ResolvedGroup {
  name: string;
  /** The group's rule file (ConfigMap key without .yaml) and runbook folder. */
  file: string;
  interval?: string;
  limit?: number;
  queryOffset?: string;
  /** Rendered first, in the author's order. */
  native: ResolvedNativeRule[];
  /** Rendered next, sorted by name. */
  recordings: ResolvedRecording[];
  /** Rendered last, sorted by name. */
  alerts: ResolvedAlert[];
}
