/**
 * Prometheus metrics on a private prom-client Registry (one per receiver, so
 * several receivers in one process, as in tests, do not collide).
 *
 * Every label has a bounded set of values: routes come from the configuration,
 * severities outside the known set are reported as "other", rejection reasons
 * and status codes are fixed by the server.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'alert_receiver_';

export const REJECT_REASONS = [
  'not_found',
  'method_not_allowed',
  'missing_token',
  'invalid_token',
  'payload_too_large',
  'malformed_json',
  'invalid_payload',
  'timeout',
  'bad_request',
  'aborted',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Route label for requests that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

const BASE_SEVERITIES = ['critical', 'warning', 'info', 'none'];

export interface MetricsOptions {
  routes: readonly string[];
  /** Extra severity values to keep as label values (e.g. those named in level mappings). */
  severities?: readonly string[];
  /** Register prom-client's default process/nodejs metrics (default true). */
  defaultMetrics?: boolean;
}

export class ReceiverMetrics {
  readonly registry = new Registry();
  private readonly knownSeverities: Set<string>;

  readonly alertsReceived: Counter<'route' | 'status' | 'severity'>;
  readonly notificationsReceived: Counter<'route'>;
  readonly alertsTruncated: Counter<'route'>;
  readonly requestsRejected: Counter<'reason'>;
  readonly requestDuration: Histogram<'route' | 'code'>;
  readonly ready: Gauge;

  constructor(opts: MetricsOptions) {
    this.knownSeverities = new Set([...BASE_SEVERITIES, ...(opts.severities ?? [])]);
    const registers = [this.registry];
    this.alertsReceived = new Counter({
      name: `${METRIC_PREFIX}alerts_received_total`,
      help: 'Alerts received in valid webhook notifications, by route, alert status and severity label.',
      labelNames: ['route', 'status', 'severity'],
      registers,
    });
    this.notificationsReceived = new Counter({
      name: `${METRIC_PREFIX}notifications_received_total`,
      help: 'Valid webhook notifications (requests) accepted, by route.',
      labelNames: ['route'],
      registers,
    });
    this.alertsTruncated = new Counter({
      name: `${METRIC_PREFIX}alerts_truncated_total`,
      help: 'Alerts Alertmanager reported as truncated (max_alerts), by route.',
      labelNames: ['route'],
      registers,
    });
    this.requestsRejected = new Counter({
      name: `${METRIC_PREFIX}requests_rejected_total`,
      help: 'HTTP requests rejected, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: `${METRIC_PREFIX}request_duration_seconds`,
      help: 'HTTP request duration in seconds, by route and status code.',
      labelNames: ['route', 'code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.ready = new Gauge({
      name: `${METRIC_PREFIX}ready`,
      help: '1 while the receiver accepts notifications, 0 while starting or shutting down.',
      registers,
    });
    for (const reason of REJECT_REASONS) this.requestsRejected.inc({ reason }, 0);
    for (const route of opts.routes) {
      this.notificationsReceived.inc({ route }, 0);
      this.alertsTruncated.inc({ route }, 0);
    }
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Bounded severity label value. */
  severityLabel(severity: string | undefined): string {
    if (severity === undefined || severity === '') return 'none';
    return this.knownSeverities.has(severity) ? severity : 'other';
  }

  reject(reason: RejectReason): void {
    this.requestsRejected.inc({ reason });
  }
}
