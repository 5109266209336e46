/**
 * Test helpers for the alert receiver: Alertmanager-shaped payloads, a log
 * collector, an HTTP client over real sockets and a metrics text parser.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createReceiver, type Receiver, type ReceiverOptions } from '../../receiver/src/server.js';
import type { ReceiverConfig } from '../../receiver/src/config.js';
import type { LogSink } from '../../receiver/src/logging.js';

// ---------------------------------------------------------------------------
// Payloads exactly as Alertmanager v0.34 sends them (notify/webhook Message:
// template.Data fields first, then version, groupKey, truncatedAlerts; Go's
// json.Encoder escapes <, > and & and ends the body with a newline).

export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AmMessage {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: AmAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: string;
  groupKey: string;
  truncatedAlerts: number;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function amAlert(
  alertname: string,
  severity: string | undefined,
  opts: { status?: 'firing' | 'resolved'; extraLabels?: Record<string, string>; fingerprint?: string } = {},
): AmAlert {
  const status = opts.status ?? 'firing';
  const labels: Record<string, string> = { alertname, ...(opts.extraLabels ?? {}) };
  if (severity !== undefined) labels['severity'] = severity;
  // Go marshals maps with sorted keys.
  const sorted = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    status,
    labels: sorted,
    annotations: {
      description: `${alertname} on ${labels['instance'] ?? 'node-1:9100'} needs attention.`,
      runbook_url: `https://runbooks.example.com/${alertname.toLowerCase()}`,
      summary: `${alertname} is ${status}.`,
    },
    startsAt: '2025-06-01T10:15:30.123456789Z',
    endsAt: status === 'resolved' ? '2025-06-01T10:45:30.5Z' : ZERO_TIME,
    generatorURL: `http://prometheus-0:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1`,
    fingerprint: opts.fingerprint ?? fingerprintOf(alertname + (severity ?? '')),
  };
}

function fingerprintOf(seed: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of seed) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

export function amMessage(
  alerts: AmAlert[],
  opts: { receiver?: string; truncatedAlerts?: number; groupLabels?: Record<string, string> } = {},
): AmMessage {
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  const groupLabels = opts.groupLabels ?? { alertname: alerts[0]?.labels['alertname'] ?? 'none' };
  const common = (key: 'labels' | 'annotations'): Record<string, string> => {
    const first = alerts[0]?.[key] ?? {};
    return Object.fromEntries(Object.entries(first).filter(([k, v]) => alerts.every((a) => a[key][k] === v)));
  };
  const groupKey =
    '{}/{severity=~"critical|warning"}:{' +
    Object.entries(groupLabels)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ') +
    '}';
  return {
    receiver: opts.receiver ?? 'receiver-webhook',
    status,
    alerts,
    groupLabels,
    commonLabels: common('labels'),
    commonAnnotations: common('annotations'),
    externalURL: 'http://alertmanager-0.alertmanager:9093',
    version: '4',
    groupKey,
    truncatedAlerts: opts.truncatedAlerts ?? 0,
  };
}

/** JSON as Go's json.Encoder writes it. */
export function goJson(value: unknown): string {
  return (
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026') + '\n'
  );
}

/** Two firing alerts (critical + warning) of one group. */
export function firingPayload(): AmMessage {
  return amMessage([
    amAlert('NodeDiskFull', 'critical', { extraLabels: { instance: 'node-1:9100', job: 'node' } }),
    amAlert('NodeDiskFull', 'warning', { extraLabels: { instance: 'node-2:9100', job: 'node' } }),
  ]);
}

/** A realistic three-alert notification (also used by the benchmark). */
export function threeAlertPayload(): AmMessage {
  return amMessage(
    [
      amAlert('KubePodCrashLooping', 'critical', { extraLabels: { namespace: 'prod', pod: 'api-7d9c5', container: 'api' } }),
      amAlert('KubePodCrashLooping', 'warning', { extraLabels: { namespace: 'prod', pod: 'worker-5f2d1', container: 'worker' } }),
      amAlert('KubePodCrashLooping', 'info', { status: 'resolved', extraLabels: { namespace: 'prod', pod: 'cron-1a2b3', container: 'cron' } }),
    ],
    { groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'prod' } },
  );
}

// ---------------------------------------------------------------------------
// Logs

export class LogCollector implements LogSink {
  readonly lines: string[] = [];
  private partial = '';

  write(chunk: string): boolean {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    return true;
  }

  get text(): string {
    return this.lines.join('\n') + this.partial;
  }

  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  alerts(): Record<string, unknown>[] {
    return this.records().filter((r) => r['msg'] === 'alert');
  }

  rejections(): Record<string, unknown>[] {
    return this.records().filter((r) => r['msg'] === 'request rejected');
  }

  clear(): void {
    this.lines.length = 0;
  }
}

// ---------------------------------------------------------------------------
// Receiver lifecycle

export interface Started {
  receiver: Receiver;
  port: number;
  logs: LogCollector;
}

export async function startReceiver(config: ReceiverConfig = {}, options: ReceiverOptions = {}): Promise<Started> {
  const logs = new LogCollector();
  const receiver = createReceiver(
    { ...config, listen: { host: '127.0.0.1', port: 0, ...(config.listen ?? {}) } },
    { log: logs, defaultMetrics: false, ...options },
  );
  const { port } = await receiver.start();
  return { receiver, port, logs };
}

// ---------------------------------------------------------------------------
// HTTP

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): Record<string, unknown>;
}

export function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string | number>; body?: string | Buffer } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function postJson(
  port: number,
  path: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = typeof payload === 'string' ? payload : goJson(payload);
  // Alertmanager's notify.PostJSON: Content-Type application/json, User-Agent Alertmanager/<version>.
  return request(port, {
    method: 'POST',
    path,
    body,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Alertmanager/0.34.0', ...headers },
  });
}

/** A raw TCP connection; `response` resolves with everything the server sent until it closed the connection. */
export interface RawConnection {
  socket: Socket;
  received(): string;
  closed: Promise<string>;
}

export function rawConnect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
    });
    const closed = new Promise<string>((res) => {
      socket.on('close', () => res(data));
    });
    socket.on('error', () => {
      /* reported through `closed` */
    });
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Waits until `predicate` holds, polling every 10 ms, or fails after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function statusOf(rawResponse: string): number {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(rawResponse);
  return m ? Number(m[1]) : 0;
}

// ---------------------------------------------------------------------------
// Metrics

/** Parses Prometheus text exposition into "name{k="v",...}" (labels sorted) -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map((x) => `${x[1]}="${x[2]}"`)
      .sort();
    out.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]));
  }
  return out;
}

export function metricKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  return `${name}{${parts.join(',')}}`;
}

export async function scrape(port: number): Promise<Map<string, number>> {
  const res = await request(port, { path: '/metrics' });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseMetrics(res.body);
}

export function metric(metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  return metrics.get(metricKey(name, labels));
}
