import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleReceiver } from '../../receiver/src/bundle.js';
import { amAlert, amMessage, firingPayload, metric, postJson, request, scrape, waitFor } from './helpers.js';

/** Budget: the bundle ships in a ConfigMap (1 MiB limit, with room for the rest of it). */
const MAX_BUNDLE_BYTES = 512 * 1024;

interface Child {
  proc: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('receiver: esbuild bundle', function () {
  this.timeout(60_000);
  let bundle: string;
  let dir: string;
  const children: Child[] = [];

  before(async function () {
    bundle = await bundleReceiver();
    // A directory outside the repository: no node_modules, no package.json anywhere above it.
    dir = mkdtempSync(join(tmpdir(), 'receiver-bundle-'));
    writeFileSync(join(dir, 'bundle.js'), bundle);
  });
  afterEach(async function () {
    for (const c of children.splice(0)) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) {
        c.proc.kill('SIGKILL');
        await c.exit;
      }
    }
  });
  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function start(args: string[], env: NodeJS.ProcessEnv = {}): Child {
    const proc = spawn(process.execPath, [join(dir, 'bundle.js'), ...args], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const child: Child = {
      proc,
      stdout: [],
      stderr: '',
      exit: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
    };
    let partial = '';
    proc.stdout.on('data', (d: Buffer) => {
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop() ?? '';
      child.stdout.push(...parts);
    });
    proc.stderr.on('data', (d: Buffer) => (child.stderr += d.toString()));
    children.push(child);
    return child;
  }

  function records(child: Child): Record<string, unknown>[] {
    return child.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async function listeningPort(child: Child): Promise<number> {
    await waitFor(
      () => records(child).some((r) => r['msg'] === 'listening') || child.proc.exitCode !== null,
      15_000,
      'listening line',
    );
    const line = records(child).find((r) => r['msg'] === 'listening');
    if (line === undefined) throw new Error(`receiver exited: ${child.stderr}`);
    return line['port'] as number;
  }

  it('is deterministic, self-contained and small', async function () {
    const again = await bundleReceiver();
    expect(again === bundle, 'two bundles must be byte-identical').to.equal(true);
    const size = Buffer.byteLength(bundle);
    expect(size).to.be.below(MAX_BUNDLE_BYTES);
    expect(bundle.startsWith('#!/usr/bin/env node\n')).to.equal(true);
    // Only Node built-ins are required at run time. (ajv keeps "require(\"ajv/dist/runtime/...\")"
    // as text for its standalone code generation, which the receiver does not use.)
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
    const foreign = required.filter((m) => !builtinModules.includes(m.replace(/^node:/, '')) && !m.startsWith('ajv/dist/runtime/'));
    expect(foreign).to.deep.equal([]);
    expect(required).to.include('node:http');
    expect(bundle).to.not.match(/node_modules/);
    expect(bundle).to.not.include(process.cwd());
  });

  it('runs with plain node: receives an alert, serves /metrics, exits 0 on SIGTERM', async function () {
    const cfg = join(dir, 'cfg.json');
    writeFileSync(
      cfg,
      JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, routes: { '/webhook': {}, '/webhook/critical': { levels: { firing: 'CRITICAL' } } } }),
    );
    const child = start(['--config', cfg]);
    const port = await listeningPort(child);
    expect(port).to.be.a('number').and.above(0);

    const res = await postJson(port, '/webhook/critical', amMessage([amAlert('DiskFull', 'warning')]));
    expect(res.status).to.equal(200);
    await waitFor(() => records(child).some((r) => r['msg'] === 'alert'), 5000, 'alert line');
    const alert = records(child).find((r) => r['msg'] === 'alert')!;
    expect(alert).to.include({ level: 'CRITICAL', route: '/webhook/critical', alertname: 'DiskFull', status: 'firing', severity: 'warning' });

    // ajv runs inside the bundle: 422 with the schema error.
    const bad = await postJson(port, '/webhook', JSON.stringify({ ...firingPayload(), version: 3 }));
    expect(bad.status).to.equal(422);
    expect(bad.json()).to.include({ instancePath: '/version' });

    // prom-client runs inside the bundle, with default process metrics.
    const m = await scrape(port);
    expect(metric(m, 'alert_receiver_alerts_received_total', { route: '/webhook/critical', status: 'firing', severity: 'warning' })).to.equal(1);
    expect(metric(m, 'process_cpu_user_seconds_total')).to.be.a('number');
    expect((await request(port, { path: '/readyz' })).status).to.equal(200);

    child.proc.kill('SIGTERM');
    const exit = await child.exit;
    expect(exit).to.deep.equal({ code: 0, signal: null });
    const msgs = records(child).map((r) => r['msg']);
    expect(msgs.slice(-3)).to.deep.equal(['signal received, shutting down', 'shutting down', 'stopped']);
    expect(child.stderr).to.equal('');
  });

  it('reads RECEIVER_CONFIG, enforces the token and exits 0 on SIGINT', async function () {
    const token = 'bundle-token-0123456789abcdef';
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const cfg = join(dir, 'auth.json');
    writeFileSync(cfg, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, tokenFile: 'token' }));
    const child = start([], { RECEIVER_CONFIG: cfg });
    const port = await listeningPort(child);
    expect((await postJson(port, '/webhook', firingPayload())).status).to.equal(401);
    expect((await postJson(port, '/webhook', firingPayload(), { Authorization: `Bearer ${token}` })).status).to.equal(200);
    child.proc.kill('SIGINT');
    expect(await child.exit).to.deep.equal({ code: 0, signal: null });
    expect(child.stdout.join('\n')).to.not.include(token);
  });

  it('exits 2 with a clear message on an invalid configuration', async function () {
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ listen: { port: 80, address: '::' } }));
    const child = start(['--config', cfg]);
    const exit = await child.exit;
    expect(exit.code).to.equal(2);
    expect(child.stderr).to.include('/listen: unknown property "address"');
  });
});
