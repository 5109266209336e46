import { expect } from 'chai';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createReceiver } from '../../receiver/src/server.js';
import {
  firingPayload,
  goJson,
  LogCollector,
  rawConnect,
  startReceiver,
  statusOf,
  type RawConnection,
  type Started,
} from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function connectionRefused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('receiver: graceful shutdown', function () {
  this.timeout(10_000);
  let r: Started | undefined;
  const raws: RawConnection[] = [];

  afterEach(async function () {
    for (const c of raws.splice(0)) c.socket.destroy();
    await r?.receiver.stop();
    r = undefined;
  });

  it('finishes an in-flight request from a slow client, answers /readyz 503 meanwhile, refuses new connections', async function () {
    r = await startReceiver({ shutdownTimeoutMs: 5000 });
    const { port } = r;
    const body = goJson(firingPayload());
    const half = Math.floor(body.length / 2);

    // A slow Alertmanager: headers and half of the body, then a pause.
    const slow = await rawConnect(port);
    raws.push(slow);
    slow.socket.write(
      `POST /webhook HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, half),
    );
    // A readiness probe whose request is under way when the shutdown starts.
    const probe = await rawConnect(port);
    raws.push(probe);
    probe.socket.write('GET /readyz HTTP/1.1\r\nHost: receiver\r\n');
    await sleep(100);

    let stopped = false;
    const stopping = r.receiver.stop().then((res) => {
      stopped = true;
      return res;
    });
    expect(r.receiver.ready).to.equal(false);

    probe.socket.write('\r\n');
    const probeText = await probe.closed;
    expect(statusOf(probeText)).to.equal(503);
    expect(probeText).to.match(/\r\nconnection: close\r\n/i);
    expect(probeText).to.include('{"status":"shutting down"}');

    expect(await connectionRefused(port)).to.equal('ECONNREFUSED');

    await sleep(200);
    expect(stopped, 'stop() must wait for the in-flight request').to.equal(false);
    expect(r.logs.alerts()).to.have.length(0);

    slow.socket.write(body.slice(half));
    const slowText = await slow.closed;
    expect(statusOf(slowText)).to.equal(200);
    expect(slowText).to.include('{"status":"ok","alerts":2}');

    expect(await stopping).to.deep.equal({ forced: false });
    expect(r.logs.alerts()).to.have.length(2);
    const msgs = r.logs.records().map((l) => l['msg']);
    expect(msgs).to.include.members(['shutting down', 'stopped']);
    expect(r.logs.records().find((l) => l['msg'] === 'stopped')).to.include({ forced: false });
    expect(r.receiver.server.listening).to.equal(false);
  });

  it('cuts connections still open at the shutdown deadline', async function () {
    r = await startReceiver({ shutdownTimeoutMs: 300, requestTimeoutMs: 60_000 });
    const stuck = await rawConnect(r.port);
    raws.push(stuck);
    stuck.socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{');
    await sleep(50);
    const started = Date.now();
    const result = await r.receiver.stop();
    const elapsed = Date.now() - started;
    expect(result).to.deep.equal({ forced: true });
    expect(elapsed).to.be.within(250, 2000);
    await stuck.closed;
    expect(r.logs.records().some((l) => l['msg'] === 'shutdown deadline reached, closing remaining connections')).to.equal(true);
  });

  it('closes idle keep-alive connections at once instead of waiting for their timeout', async function () {
    r = await startReceiver({ shutdownTimeoutMs: 5000 });
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: r!.port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).to.equal(200);
      const started = Date.now();
      expect(await r.receiver.stop()).to.deep.equal({ forced: false });
      expect(Date.now() - started).to.be.below(1000);
    } finally {
      agent.destroy();
    }
  });

  it('stop() is idempotent and works before start()', async function () {
    const logs = new LogCollector();
    const never = createReceiver({ listen: { host: '127.0.0.1', port: 0 } }, { log: logs, defaultMetrics: false });
    expect(await never.stop()).to.deep.equal({ forced: false });

    r = await startReceiver();
    const a = r.receiver.stop();
    const b = r.receiver.stop();
    expect(a).to.equal(b);
    expect(await a).to.deep.equal({ forced: false });
    expect(r.logs.records().filter((l) => l['msg'] === 'stopped')).to.have.length(1);
  });
});
