import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import {
  amAlert,
  amMessage,
  firingPayload,
  goJson,
  metric,
  postJson,
  rawConnect,
  request,
  scrape,
  startReceiver,
  statusOf,
  waitFor,
  type RawConnection,
  type Started,
} from './helpers.js';

const LIMIT = 4096;

describe('receiver: bad input', function () {
  let r: Started;
  const raws: RawConnection[] = [];

  before(async function () {
    r = await startReceiver({ maxBodyBytes: LIMIT, requestTimeoutMs: 400 });
  });
  after(async function () {
    await r?.receiver.stop();
  });
  beforeEach(function () {
    r.logs.clear();
  });
  afterEach(function () {
    for (const c of raws.splice(0)) c.socket.destroy();
  });

  async function rejected(reason: string): Promise<number> {
    return metric(await scrape(r.port), 'alert_receiver_requests_rejected_total', { reason }) ?? -1;
  }

  describe('malformed JSON -> 400', function () {
    for (const [name, body] of [
      ['truncated object', '{"version":"4","alerts":['],
      ['not JSON at all', 'alertname=Foo'],
      ['empty body', ''],
    ] as const) {
      it(name, async function () {
        const before = await rejected('malformed_json');
        const res = await postJson(r.port, '/webhook', body);
        expect(res.status).to.equal(400);
        const json = res.json();
        expect(json['error']).to.equal('Bad Request');
        expect(json['reason']).to.equal('malformed_json');
        expect(json['message']).to.be.a('string').and.not.equal('');
        expect(r.logs.alerts()).to.have.length(0);
        const [log] = r.logs.rejections();
        expect(log).to.include({ level: 'WARNING', reason: 'malformed_json', status: 400, method: 'POST', path: '/webhook' });
        expect(await rejected('malformed_json')).to.equal(before + 1);
      });
    }
  });

  describe('wrong shape -> 422 with the first schema error', function () {
    const cases: [string, () => unknown, string, string][] = [
      ['a JSON array', () => [firingPayload()], '', 'must be object'],
      [
        'missing alerts',
        () => {
          const p: Record<string, unknown> = { ...firingPayload() };
          delete p['alerts'];
          return p;
        },
        '',
        "must have required property 'alerts'",
      ],
      ['protocol version 3', () => ({ ...firingPayload(), version: '3' }), '/version', 'must be equal to constant'],
      [
        'an alert status that is neither firing nor resolved',
        () => {
          const p = firingPayload();
          (p.alerts[1] as { status: string }).status = 'pending';
          return p;
        },
        '/alerts/1/status',
        'must be equal to one of the allowed values',
      ],
      [
        'a non-string label value',
        () => {
          const p = firingPayload();
          (p.alerts[0]!.labels as Record<string, unknown>)['severity'] = 3;
          return p;
        },
        '/alerts/0/labels/severity',
        'must be string',
      ],
      [
        'a malformed startsAt',
        () => {
          const p = firingPayload();
          p.alerts[0]!.startsAt = 'yesterday';
          return p;
        },
        '/alerts/0/startsAt',
        'must match pattern',
      ],
      ['a negative truncatedAlerts', () => ({ ...firingPayload(), truncatedAlerts: -1 }), '/truncatedAlerts', 'must be >= 0'],
      [
        'an alert without fingerprint',
        () => {
          const p = firingPayload();
          delete (p.alerts[0] as Partial<typeof p.alerts[0]>).fingerprint;
          return p;
        },
        '/alerts/0',
        "must have required property 'fingerprint'",
      ],
    ];
    for (const [name, make, instancePath, message] of cases) {
      it(name, async function () {
        const res = await postJson(r.port, '/webhook', JSON.stringify(make()));
        expect(res.status).to.equal(422);
        const json = res.json();
        expect(json['reason']).to.equal('invalid_payload');
        expect(json['instancePath']).to.equal(instancePath);
        expect(String(json['message'])).to.match(new RegExp(`^${message.replace(/[()]/g, '\\$&')}`));
        expect(r.logs.alerts()).to.have.length(0);
        expect(r.logs.rejections()[0]).to.include({ reason: 'invalid_payload', status: 422, instancePath });
      });
    }

    it('tolerates unknown extra fields (forward compatibility)', async function () {
      const p = { ...firingPayload(), someFutureField: { x: 1 } };
      (p.alerts[0] as unknown as Record<string, unknown>)['silenceURL'] = 'http://am/#/silences/new';
      const res = await postJson(r.port, '/webhook', p);
      expect(res.status).to.equal(200);
    });
  });

  describe('body size limit -> 413', function () {
    it('rejects a declared Content-Length above the limit without reading the body', async function () {
      const before = await rejected('payload_too_large');
      const conn = await rawConnect(r.port);
      raws.push(conn);
      // Headers only: the server must answer without waiting for the 10 MB it was promised.
      conn.socket.write(
        'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n',
      );
      const text = await conn.closed;
      expect(statusOf(text)).to.equal(413);
      expect(text).to.match(/\r\nconnection: close\r\n/i);
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      expect(body).to.include({ reason: 'payload_too_large' });
      expect(body['message']).to.equal(`request body exceeds ${LIMIT} bytes`);
      expect(r.logs.rejections()[0]).to.include({ reason: 'payload_too_large', status: 413, limit: LIMIT });
      expect(await rejected('payload_too_large')).to.equal(before + 1);
    });

    it('stops a chunked upload as soon as it passes the limit', async function () {
      // 2 MiB streamed without Content-Length; the server answers 413 long before the end.
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: r.port, method: 'POST', path: '/webhook', agent: false, headers: { 'Content-Type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (err) => reject(err));
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 2 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      expect(status).to.equal(413);
      expect(r.logs.rejections()[0]).to.include({ reason: 'payload_too_large' });
    });

    it('accepts a body of exactly the limit', async function () {
      const json = goJson(amMessage([amAlert('Edge', 'info')]));
      const body = json + ' '.repeat(LIMIT - Buffer.byteLength(json));
      expect(Buffer.byteLength(body)).to.equal(LIMIT);
      expect((await postJson(r.port, '/webhook', body)).status).to.equal(200);
      expect((await postJson(r.port, '/webhook', body + ' ')).status).to.equal(413);
    });

    it('does not send 100 Continue for an oversized Expect: 100-continue request', async function () {
      const conn = await rawConnect(r.port);
      raws.push(conn);
      conn.socket.write(
        'POST /webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n',
      );
      const text = await conn.closed;
      expect(text.startsWith('HTTP/1.1 413')).to.equal(true);
      expect(text).to.not.include('100 Continue');
    });

    it('sends 100 Continue and accepts a small Expect: 100-continue request', async function () {
      const conn = await rawConnect(r.port);
      raws.push(conn);
      const body = goJson(firingPayload());
      conn.socket.write(
        `POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      await waitFor(() => conn.received().includes('100 Continue'), 2000, '100 Continue');
      conn.socket.write(body);
      const text = await conn.closed;
      expect(text).to.match(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    });
  });

  describe('routing', function () {
    it('unknown route -> 404, query string never logged', async function () {
      const res = await postJson(r.port, '/webhook/unknown?token=s3cr3t-in-query', firingPayload());
      expect(res.status).to.equal(404);
      expect(res.json()).to.include({ reason: 'not_found' });
      expect(r.logs.rejections()[0]).to.include({ reason: 'not_found', status: 404, path: '/webhook/unknown' });
      expect(r.logs.text).to.not.include('s3cr3t');
      expect((await postJson(r.port, '/webhook/', firingPayload())).status).to.equal(404);
      expect((await request(r.port, { path: '/' })).status).to.equal(404);
    });

    it('matches routes on the path only (a query string is ignored)', async function () {
      expect((await postJson(r.port, '/webhook?x=1', firingPayload())).status).to.equal(200);
    });

    it('wrong method -> 405 with Allow', async function () {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await request(r.port, { method, path: '/webhook/critical' });
        expect(res.status, method).to.equal(405);
        expect(res.headers['allow']).to.equal('POST');
        expect(res.json()).to.include({ reason: 'method_not_allowed' });
      }
      const post = await postJson(r.port, '/healthz', {});
      expect(post.status).to.equal(405);
      expect(post.headers['allow']).to.equal('GET, HEAD');
      expect(r.logs.rejections().map((l) => l['status'])).to.deep.equal([405, 405, 405, 405]);
    });

    it('a malformed request line -> 400 from the HTTP parser, logged without raw bytes', async function () {
      const conn = await rawConnect(r.port);
      raws.push(conn);
      conn.socket.write('BREW /webhook HTCPCP/1.0\r\nAuthorization: Bearer leaked-value\r\n\r\n');
      const text = await conn.closed;
      expect(statusOf(text)).to.equal(400);
      expect(r.logs.rejections()[0]).to.include({ reason: 'bad_request', status: 400 });
      expect(r.logs.text).to.not.include('leaked-value');
    });
  });

  it('oversized request headers -> 431 from the HTTP parser', async function () {
    const conn = await rawConnect(r.port);
    raws.push(conn);
    conn.socket.write(`POST /webhook HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    const text = await conn.closed;
    expect(statusOf(text)).to.equal(431);
    expect(r.logs.rejections()[0]).to.include({ reason: 'bad_request', status: 431, error: 'HPE_HEADER_OVERFLOW' });
  });

  describe('request timeout -> 408', function () {
    it('answers 408 when the body does not arrive in time', async function () {
      const before = await rejected('timeout');
      const conn = await rawConnect(r.port);
      raws.push(conn);
      const started = Date.now();
      conn.socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"version":');
      const text = await conn.closed;
      const elapsed = Date.now() - started;
      expect(statusOf(text)).to.equal(408);
      expect(elapsed).to.be.within(350, 3000);
      expect(r.logs.rejections()[0]).to.include({ reason: 'timeout', status: 408 });
      expect(await rejected('timeout')).to.equal(before + 1);
    });

    it('answers 408 when the headers do not arrive in time (slowloris)', async function () {
      const conn = await rawConnect(r.port);
      raws.push(conn);
      conn.socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\n');
      const text = await conn.closed;
      expect(statusOf(text)).to.equal(408);
      expect(r.logs.rejections()[0]).to.include({ reason: 'timeout', status: 408 });
    });

    it('counts a client that disconnects mid-body as aborted', async function () {
      const before = await rejected('aborted');
      const conn = await rawConnect(r.port);
      raws.push(conn);
      conn.socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"version":');
      await new Promise((res) => setTimeout(res, 50));
      conn.socket.destroy();
      await waitFor(() => r.logs.records().some((l) => l['msg'] === 'request aborted by client'), 2000, 'abort log');
      expect(await rejected('aborted')).to.equal(before + 1);
    });
  });

  // Mocha runs a suite's own tests before its nested suites: keep this one last in a suite of its own.
  describe('afterwards', function () {
    it('the process is still up and serving after all of the above', async function () {
      expect((await request(r.port, { path: '/healthz' })).status).to.equal(200);
      expect((await postJson(r.port, '/webhook', firingPayload())).status).to.equal(200);
      expect(r.logs.alerts()).to.have.length(2);
      const m = await scrape(r.port);
      for (const reason of ['malformed_json', 'invalid_payload', 'payload_too_large', 'not_found', 'method_not_allowed', 'timeout', 'bad_request', 'aborted']) {
        expect(metric(m, 'alert_receiver_requests_rejected_total', { reason }), reason).to.be.greaterThan(0);
      }
    });
  });
});
