/**
 * Load benchmark of the alert receiver.
 *
 * Starts the receiver in-process on 127.0.0.1:0 (alert lines go to a sink that
 * discards them, so the JSON serialisation is still paid for), runs autocannon
 * against /webhook for a bounded time posting a realistic three-alert
 * Alertmanager notification, and prints one figure per line:
 *
 *   name value unit
 *
 * Environment: BENCH_DURATION_S (default 5), BENCH_CONNECTIONS (default 10).
 * Run: npx tsc -p receiver/tsconfig.json && node dist/bench/receiver/load.js
 */
import autocannon from 'autocannon';
import { bundleReceiver } from '../../receiver/src/bundle.js';
import { createReceiver } from '../../receiver/src/server.js';
import { goJson, threeAlertPayload } from '../../test/receiver/helpers.js';

function envInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return n;
}

async function main(): Promise<void> {
  const duration = envInt('BENCH_DURATION_S', 5, 60);
  const connections = envInt('BENCH_CONNECTIONS', 10, 200);
  const payload = threeAlertPayload();
  const body = goJson(payload);
  const alertsPerRequest = payload.alerts.length;

  let lines = 0;
  const receiver = createReceiver(
    { listen: { host: '127.0.0.1', port: 0 } },
    {
      log: {
        write: () => {
          lines++;
          return true;
        },
      },
    },
  );
  const { port } = await receiver.start();
  const hardStop = setTimeout(() => {
    process.stderr.write('benchmark did not finish in time\n');
    process.exit(1);
  }, (duration + 30) * 1000);
  hardStop.unref();

  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/webhook`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.34.0' },
      body,
      connections,
      duration,
      timeout: 10,
      // Generate load from a worker thread so it does not share the receiver's event loop.
      workers: 1,
    });
    const ok = result['2xx'];
    const seconds = result.duration > 0 ? result.duration : duration;
    const figures: [string, number, string][] = [
      ['receiver_requests_per_second', ok / seconds, 'req/s'],
      ['receiver_alerts_accepted_per_second', (ok * alertsPerRequest) / seconds, 'alerts/s'],
      ['receiver_latency_p50', result.latency.p50, 'ms'],
      ['receiver_latency_p99', result.latency.p99, 'ms'],
      ['receiver_latency_max', result.latency.max, 'ms'],
      ['receiver_requests_total', ok, 'requests'],
      ['receiver_failed_requests', result.non2xx + result.errors + result.timeouts, 'requests'],
      ['receiver_request_body_bytes', Buffer.byteLength(body), 'bytes'],
      ['receiver_bench_connections', connections, 'connections'],
      ['receiver_bench_duration', seconds, 's'],
    ];
    // Sanity: every accepted request wrote one line per alert.
    if (lines < ok * alertsPerRequest) throw new Error(`expected at least ${ok * alertsPerRequest} alert lines, saw ${lines}`);
    const bundle = await bundleReceiver();
    figures.push(['receiver_bundle_bytes', Buffer.byteLength(bundle), 'bytes']);
    for (const [name, value, unit] of figures) {
      const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
      process.stdout.write(`${name} ${shown} ${unit}\n`);
    }
  } finally {
    await receiver.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
