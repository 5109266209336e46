// The rule model as TypeScript sees it. The generated RuleGroup type mixes a group's settings
// with its alerts under one index signature; these views keep the two apart.
import type { AlertRule, RecordingRule, RuleGroup, RuleGroups, RuleTest, TestSeries } from "../types/values.js";

export type { AlertRule, RecordingRule, RuleGroup, RuleGroups, RuleTest, TestSeries };

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

export interface ResolvedGroup {
  name: string;
  interval?: string;
  alerts: ResolvedAlert[];
  recordings: ResolvedRecording[];
}
