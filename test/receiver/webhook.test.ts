import { expect } from 'chai';
import { Agent, request as httpRequest } from 'node:http';
import {
  amAlert,
  amMessage,
  firingPayload,
  goJson,
  metric,
  postJson,
  request,
  scrape,
  startReceiver,
  threeAlertPayload,
  ZERO_TIME,
  type Started,
} from './helpers.js';

const ALERT_FIELDS = [
  'timestamp',
  'level',
  'msg',
  'route',
  'receiver',
  'alertname',
  'status',
  'severity',
  'labels',
  'annotations',
  'fingerprint',
  'groupKey',
  'startsAt',
  'endsAt',
  'generatorURL',
];

describe('receiver: webhook notifications', function () {
  let r: Started;

  before(async function () {
    r = await startReceiver();
  });
  after(async function () {
    await r?.receiver.stop();
  });
  beforeEach(function () {
    r.logs.clear();
  });

  it('accepts a firing notification and writes one JSON line per alert', async function () {
    const payload = firingPayload();
    const res = await postJson(r.port, '/webhook', payload);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(res.json()).to.deep.equal({ status: 'ok', alerts: 2 });

    const alerts = r.logs.alerts();
    expect(alerts).to.have.length(2);
    for (const [i, line] of alerts.entries()) {
      const sent = payload.alerts[i]!;
      expect(Object.keys(line)).to.have.members(ALERT_FIELDS);
      expect(new Date(line['timestamp'] as string).toISOString()).to.equal(line['timestamp']);
      expect(line['route']).to.equal('/webhook');
      expect(line['receiver']).to.equal('receiver-webhook');
      expect(line['alertname']).to.equal('NodeDiskFull');
      expect(line['status']).to.equal('firing');
      expect(line['labels']).to.deep.equal(sent.labels);
      expect(line['annotations']).to.deep.equal(sent.annotations);
      expect(line['fingerprint']).to.equal(sent.fingerprint);
      expect(line['groupKey']).to.equal(payload.groupKey);
      expect(line['startsAt']).to.equal('2025-06-01T10:15:30.123456789Z');
      expect(line['endsAt']).to.equal(ZERO_TIME);
      // Go's encoder sent "\u0026"; the log has the decoded URL.
      expect(line['generatorURL']).to.equal('http://prometheus-0:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
    }
    expect(alerts.map((a) => [a['severity'], a['level']])).to.deep.equal([
      ['critical', 'CRITICAL'],
      ['warning', 'WARNING'],
    ]);
  });

  it('writes each line as a single line of JSON, even with newlines in annotations', async function () {
    const alert = amAlert('Multiline', 'info');
    alert.annotations['description'] = 'line one\nline two\r\n"quoted" </script>';
    const res = await postJson(r.port, '/webhook', amMessage([alert]));
    expect(res.status).to.equal(200);
    expect(r.logs.lines).to.have.length(1);
    const line = r.logs.alerts()[0]!;
    expect((line['annotations'] as Record<string, string>)['description']).to.equal(
      'line one\nline two\r\n"quoted" </script>',
    );
    expect(line['level']).to.equal('INFO');
  });

  it('logs resolved alerts at INFO with their endsAt', async function () {
    const payload = amMessage([
      amAlert('NodeDiskFull', 'critical', { status: 'resolved' }),
      amAlert('NodeDiskFull', 'warning', { status: 'resolved', fingerprint: 'aaaaaaaaaaaaaaaa' }),
    ]);
    expect(payload.status).to.equal('resolved');
    const res = await postJson(r.port, '/webhook', payload);
    expect(res.status).to.equal(200);
    const alerts = r.logs.alerts();
    expect(alerts.map((a) => [a['status'], a['level'], a['endsAt']])).to.deep.equal([
      ['resolved', 'INFO', '2025-06-01T10:45:30.5Z'],
      ['resolved', 'INFO', '2025-06-01T10:45:30.5Z'],
    ]);
  });

  it('uses each alert\'s own status in a mixed (firing group) notification', async function () {
    const res = await postJson(r.port, '/webhook', threeAlertPayload());
    expect(res.status).to.equal(200);
    expect(res.json()).to.deep.equal({ status: 'ok', alerts: 3 });
    expect(r.logs.alerts().map((a) => [a['status'], a['severity'], a['level']])).to.deep.equal([
      ['firing', 'critical', 'CRITICAL'],
      ['firing', 'warning', 'WARNING'],
      ['resolved', 'info', 'INFO'],
    ]);
  });

  it('/webhook/critical logs every firing alert as CRITICAL regardless of severity', async function () {
    const payload = amMessage([
      amAlert('A', 'info'),
      amAlert('B', 'warning'),
      amAlert('C', undefined),
      amAlert('D', 'warning', { status: 'resolved' }),
    ]);
    const res = await postJson(r.port, '/webhook/critical', payload);
    expect(res.status).to.equal(200);
    expect(r.logs.alerts().map((a) => [a['alertname'], a['level'], a['route']])).to.deep.equal([
      ['A', 'CRITICAL', '/webhook/critical'],
      ['B', 'CRITICAL', '/webhook/critical'],
      ['C', 'CRITICAL', '/webhook/critical'],
      ['D', 'INFO', '/webhook/critical'],
    ]);
  });

  it('/webhook/batch-jobs and /webhook/infrastructure have their own mappings', async function () {
    const payload = amMessage([amAlert('X', 'critical'), amAlert('Y', 'warning'), amAlert('Z', 'page'), amAlert('W', undefined)]);
    expect((await postJson(r.port, '/webhook/batch-jobs', payload)).status).to.equal(200);
    expect((await postJson(r.port, '/webhook/infrastructure', payload)).status).to.equal(200);
    const levels = r.logs.alerts().map((a) => `${String(a['route'])} ${String(a['alertname'])} ${String(a['level'])}`);
    expect(levels).to.deep.equal([
      '/webhook/batch-jobs X ERROR',
      '/webhook/batch-jobs Y WARNING',
      '/webhook/batch-jobs Z INFO',
      '/webhook/batch-jobs W INFO',
      '/webhook/infrastructure X CRITICAL',
      '/webhook/infrastructure Y WARNING',
      '/webhook/infrastructure Z WARNING',
      '/webhook/infrastructure W WARNING',
    ]);
    const w = r.logs.alerts().find((a) => a['alertname'] === 'W')!;
    expect(w['severity']).to.equal(null);
  });

  it('counts alerts by route, status and severity, and truncated alerts, in /metrics', async function () {
    const before = await scrape(r.port);
    const name = 'alert_receiver_alerts_received_total';
    const base = (labels: Record<string, string>): number => metric(before, name, labels) ?? 0;
    const payload = amMessage(
      [amAlert('M', 'critical'), amAlert('M', 'critical', { fingerprint: '1111111111111111' }), amAlert('M', 'warning', { status: 'resolved' }), amAlert('M', 'sev-x')],
      { truncatedAlerts: 7 },
    );
    expect((await postJson(r.port, '/webhook/infrastructure', payload)).status).to.equal(200);
    const after = await scrape(r.port);
    const route = '/webhook/infrastructure';
    expect(metric(after, name, { route, status: 'firing', severity: 'critical' })).to.equal(
      base({ route, status: 'firing', severity: 'critical' }) + 2,
    );
    expect(metric(after, name, { route, status: 'resolved', severity: 'warning' })).to.equal(
      base({ route, status: 'resolved', severity: 'warning' }) + 1,
    );
    // Severity values outside the known set are folded into "other" (bounded label values).
    expect(metric(after, name, { route, status: 'firing', severity: 'other' })).to.equal(
      base({ route, status: 'firing', severity: 'other' }) + 1,
    );
    expect(metric(after, 'alert_receiver_alerts_truncated_total', { route })).to.equal(
      (metric(before, 'alert_receiver_alerts_truncated_total', { route }) ?? 0) + 7,
    );
    expect(metric(after, 'alert_receiver_notifications_received_total', { route })).to.equal(
      (metric(before, 'alert_receiver_notifications_received_total', { route }) ?? 0) + 1,
    );
    expect(metric(after, 'alert_receiver_request_duration_seconds_count', { route, code: '200' })).to.be.greaterThan(0);
    expect([...after.keys()].some((k) => k.includes('sev-x'))).to.equal(false);
  });

  it('serves several notifications over one keep-alive connection', async function () {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      for (let i = 0; i < 5; i++) {
        const body = goJson(amMessage([amAlert(`K${i}`, 'warning')]));
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port: r.port, path: '/webhook', method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
            (res) => {
              sockets.add(res.socket);
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
        expect(status).to.equal(200);
      }
      expect(sockets.size).to.equal(1);
      expect(r.logs.alerts().map((a) => a['alertname'])).to.deep.equal(['K0', 'K1', 'K2', 'K3', 'K4']);
    } finally {
      agent.destroy();
    }
  });

  it('answers /healthz, /readyz (GET and HEAD) without logging alerts', async function () {
    const health = await request(r.port, { path: '/healthz' });
    expect(health.status).to.equal(200);
    expect(health.json()).to.deep.equal({ status: 'ok' });
    const ready = await request(r.port, { path: '/readyz' });
    expect(ready.status).to.equal(200);
    expect(ready.json()).to.deep.equal({ status: 'ready' });
    const head = await request(r.port, { path: '/readyz', method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.body).to.equal('');
    expect(r.logs.lines).to.have.length(0);
  });

  it('serves Prometheus text format on /metrics with the ready gauge and duration histogram', async function () {
    const res = await request(r.port, { path: '/metrics' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    expect(res.body).to.include('# TYPE alert_receiver_request_duration_seconds histogram');
    expect(res.body).to.include('# TYPE alert_receiver_requests_rejected_total counter');
    const parsed = await scrape(r.port);
    expect(metric(parsed, 'alert_receiver_ready')).to.equal(1);
    expect(metric(parsed, 'alert_receiver_request_duration_seconds_count', { route: '/metrics', code: '200' })).to.be.greaterThan(0);
    // Every rejection reason is exported from the start.
    expect(metric(parsed, 'alert_receiver_requests_rejected_total', { reason: 'invalid_token' })).to.equal(0);
  });
});

describe('receiver: configured routes', function () {
  let r: Started;
  before(async function () {
    r = await startReceiver({
      routes: {
        '/hooks/team-a': { levels: { firing: { page: 'CRITICAL', ticket: 'WARNING', '*': 'DEBUG' }, resolved: { page: 'WARNING' } } },
        '/hooks/plain': {},
      },
    });
  });
  after(async function () {
    await r?.receiver.stop();
  });
  beforeEach(function () {
    r.logs.clear();
  });

  it('replaces the default routes', async function () {
    expect((await postJson(r.port, '/webhook', firingPayload())).status).to.equal(404);
    expect((await postJson(r.port, '/hooks/plain', firingPayload())).status).to.equal(200);
    expect(r.logs.alerts().map((a) => a['level'])).to.deep.equal(['CRITICAL', 'WARNING']);
  });

  it('applies a custom severity map with wildcard and falls back to the defaults', async function () {
    const payload = amMessage([
      amAlert('P', 'page'),
      amAlert('T', 'ticket'),
      amAlert('O', 'whatever'),
      amAlert('R', 'page', { status: 'resolved' }),
      amAlert('S', 'ticket', { status: 'resolved' }),
    ]);
    expect((await postJson(r.port, '/hooks/team-a', payload)).status).to.equal(200);
    expect(r.logs.alerts().map((a) => `${String(a['alertname'])} ${String(a['level'])}`)).to.deep.equal([
      'P CRITICAL',
      'T WARNING',
      'O DEBUG',
      'R WARNING',
      'S INFO',
    ]);
    const m = await scrape(r.port);
    // Severities named in a mapping are kept as label values.
    expect(metric(m, 'alert_receiver_alerts_received_total', { route: '/hooks/team-a', status: 'firing', severity: 'page' })).to.equal(1);
    expect(metric(m, 'alert_receiver_alerts_received_total', { route: '/hooks/team-a', status: 'firing', severity: 'other' })).to.equal(1);
  });
});
