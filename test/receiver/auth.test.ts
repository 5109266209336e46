import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerToken, TokenAuth, TokenFileError } from '../../receiver/src/auth.js';
import { createReceiver } from '../../receiver/src/server.js';
import {
  amAlert,
  amMessage,
  firingPayload,
  metric,
  postJson,
  request,
  scrape,
  startReceiver,
  waitFor,
  LogCollector,
  type Started,
} from './helpers.js';

const TOKEN = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const WRONG = 'tok_00000000000000000000000000000000';

describe('receiver: bearer token auth', function () {
  let dir: string;
  let tokenFile: string;
  let r: Started | undefined;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'receiver-auth-'));
    tokenFile = join(dir, 'token');
    // Secrets mounted from Kubernetes often end with a newline; it is trimmed.
    writeFileSync(tokenFile, `${TOKEN}\n`);
  });
  afterEach(async function () {
    await r?.receiver.stop();
    r = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function assertNoSecretsLogged(logs: LogCollector): void {
    expect(logs.text).to.not.include(TOKEN);
    expect(logs.text).to.not.include(WRONG);
    expect(logs.text.toLowerCase()).to.not.include('authorization');
    expect(logs.text.toLowerCase()).to.not.include('bearer');
  }

  it('accepts the correct token, rejects wrong and missing ones with 401 + WWW-Authenticate', async function () {
    r = await startReceiver({ tokenFile });
    const ok = await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${TOKEN}` });
    expect(ok.status).to.equal(200);
    expect(r.logs.alerts()).to.have.length(2);

    const wrong = await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${WRONG}` });
    expect(wrong.status).to.equal(401);
    expect(wrong.headers['www-authenticate']).to.equal('Bearer realm="alert-receiver", error="invalid_token"');
    expect(wrong.json()).to.deep.equal({ error: 'Unauthorized', reason: 'invalid_token' });

    const missing = await postJson(r.port, '/webhook', firingPayload());
    expect(missing.status).to.equal(401);
    expect(missing.headers['www-authenticate']).to.equal('Bearer realm="alert-receiver"');
    expect(missing.json()).to.deep.equal({ error: 'Unauthorized', reason: 'missing_token' });

    const basic = await postJson(r.port, '/webhook', firingPayload(), {
      Authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
    });
    expect(basic.status).to.equal(401);

    const prefix = await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${TOKEN.slice(0, -1)}` });
    expect(prefix.status).to.equal(401);

    // The scheme is case-insensitive (RFC 7235).
    const lower = await postJson(r.port, '/webhook/critical', firingPayload(), { Authorization: `bearer ${TOKEN}` });
    expect(lower.status).to.equal(200);

    expect(r.logs.alerts()).to.have.length(4);
    expect(r.logs.rejections().map((l) => l['reason'])).to.deep.equal([
      'invalid_token',
      'missing_token',
      'missing_token',
      'invalid_token',
    ]);
    const m = await scrape(r.port);
    expect(metric(m, 'alert_receiver_requests_rejected_total', { reason: 'invalid_token' })).to.equal(2);
    expect(metric(m, 'alert_receiver_requests_rejected_total', { reason: 'missing_token' })).to.equal(2);
    assertNoSecretsLogged(r.logs);
    const listening = r.logs.records().find((l) => l['msg'] === 'listening');
    expect(listening).to.include({ auth: true });
  });

  it('does not require the token for /healthz, /readyz and /metrics', async function () {
    r = await startReceiver({ tokenFile });
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await request(r.port, { path })).status, path).to.equal(200);
    }
  });

  it('checks the token before reading the body (no 413/400 for unauthenticated clients)', async function () {
    r = await startReceiver({ tokenFile, maxBodyBytes: 1024 });
    const big = await postJson(r.port, '/webhook', 'x'.repeat(4096));
    expect(big.status).to.equal(401);
    const junk = await postJson(r.port, '/webhook', '{not json', { Authorization: `Bearer ${WRONG}` });
    expect(junk.status).to.equal(401);
  });

  it('masks the token should it ever reach a log line', async function () {
    r = await startReceiver({ tokenFile });
    const alert = amAlert('Leaky', 'warning');
    alert.annotations['description'] = `someone pasted ${TOKEN} here`;
    const res = await postJson(r.port, '/webhook', amMessage([alert]), { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).to.equal(200);
    const [line] = r.logs.alerts();
    expect((line!['annotations'] as Record<string, string>)['description']).to.equal('someone pasted [REDACTED] here');
    assertNoSecretsLogged(r.logs);
  });

  it('picks up a rotated token file', async function () {
    r = await startReceiver({ tokenFile }, { tokenReloadIntervalMs: 20 });
    const rotated = 'tok_rotated_aaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    writeFileSync(tokenFile, rotated);
    const logs = r.logs;
    await waitFor(() => logs.records().some((l) => l['msg'] === 'token reloaded'), 2000, 'token reload');
    expect((await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${rotated}` })).status).to.equal(200);
    expect((await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${TOKEN}` })).status).to.equal(401);
    // An emptied file (e.g. mid-rotation) keeps the previous token.
    writeFileSync(tokenFile, '');
    await waitFor(() => logs.records().some((l) => l['msg'] === 'token reload failed, keeping the previous token'), 2000, 'reload failure');
    expect((await postJson(r.port, '/webhook', firingPayload(), { Authorization: `Bearer ${rotated}` })).status).to.equal(200);
    expect(logs.text).to.not.include(rotated);
  });

  it('fails to start when the token file is missing or empty, without leaking content', async function () {
    const missing = createReceiver({ listen: { host: '127.0.0.1', port: 0 }, tokenFile: join(dir, 'nope') }, { log: new LogCollector(), defaultMetrics: false });
    let err: unknown;
    try {
      await missing.start();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TokenFileError);
    expect((err as Error).message).to.equal(`cannot read token file ${join(dir, 'nope')}: ENOENT`);
    expect(missing.server.listening).to.equal(false);

    writeFileSync(tokenFile, ' \n');
    const empty = createReceiver({ listen: { host: '127.0.0.1', port: 0 }, tokenFile }, { log: new LogCollector(), defaultMetrics: false });
    err = undefined;
    try {
      await empty.start();
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal(`token file ${tokenFile} is empty`);
  });

  describe('TokenAuth', function () {
    it('parses Bearer credentials', function () {
      expect(bearerToken(undefined)).to.equal(undefined);
      expect(bearerToken('Bearer abc')).to.equal('abc');
      expect(bearerToken('BEARER   abc  ')).to.equal('abc');
      expect(bearerToken('Bearer')).to.equal(undefined);
      expect(bearerToken('Bearer a b')).to.equal(undefined);
      expect(bearerToken('Basic abc')).to.equal(undefined);
    });

    it('compares tokens of any length (hash-then-timingSafeEqual)', async function () {
      const auth = await TokenAuth.fromFile(tokenFile, { reloadIntervalMs: 0 });
      try {
        expect(auth.check(`Bearer ${TOKEN}`)).to.equal('ok');
        expect(auth.check('Bearer x')).to.equal('invalid');
        expect(auth.check(`Bearer ${TOKEN}${'y'.repeat(10_000)}`)).to.equal('invalid');
        expect(auth.check(undefined)).to.equal('missing');
      } finally {
        auth.close();
      }
    });
  });
});
