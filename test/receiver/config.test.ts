import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from '../../receiver/src/cli.js';
import {
  ConfigError,
  configSchema,
  DEFAULT_ROUTES,
  DEFAULTS,
  loadConfigFile,
  resolveConfig,
} from '../../receiver/src/config.js';
import { levelFor } from '../../receiver/src/levels.js';
import { createReceiver } from '../../receiver/src/server.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Compiled CLI entry point (dist/receiver/src/main.js). */
const MAIN_JS = resolve(here, '../../receiver/src/main.js');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMain(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe('receiver: configuration', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'receiver-config-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults every field', function () {
    const cfg = resolveConfig({});
    expect(cfg).to.deep.equal({
      listen: { host: '0.0.0.0', port: 8080 },
      routes: DEFAULT_ROUTES,
      tokenFile: undefined,
      maxBodyBytes: 1048576,
      requestTimeoutMs: 10000,
      shutdownTimeoutMs: 10000,
    });
    expect(Object.keys(cfg.routes)).to.deep.equal([
      '/webhook',
      '/webhook/critical',
      '/webhook/batch-jobs',
      '/webhook/infrastructure',
    ]);
  });

  it('documents the same defaults in config.schema.json (draft-07, closed objects)', function () {
    const schema = configSchema as unknown as {
      $schema: string;
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; additionalProperties?: unknown; properties?: Record<string, { default?: unknown }> }>;
      definitions: Record<string, { additionalProperties?: unknown }>;
    };
    expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).to.equal(false);
    expect(schema.properties['listen']!.additionalProperties).to.equal(false);
    expect(schema.definitions['route']!.additionalProperties).to.equal(false);
    expect(schema.properties['listen']!.properties!['host']!.default).to.equal(DEFAULTS.listen.host);
    expect(schema.properties['listen']!.properties!['port']!.default).to.equal(DEFAULTS.listen.port);
    expect(schema.properties['maxBodyBytes']!.default).to.equal(DEFAULTS.maxBodyBytes);
    expect(schema.properties['requestTimeoutMs']!.default).to.equal(DEFAULTS.requestTimeoutMs);
    expect(schema.properties['shutdownTimeoutMs']!.default).to.equal(DEFAULTS.shutdownTimeoutMs);
    // The file next to the sources is the one the receiver validates with.
    const onDisk = JSON.parse(readFileSync(resolve(here, '../../../receiver/config.schema.json'), 'utf8')) as unknown;
    expect(onDisk).to.deep.equal(configSchema);
  });

  it('loads a full configuration file; relative tokenFile is resolved against its directory', function () {
    const file = join(dir, 'receiver.json');
    writeFileSync(
      file,
      JSON.stringify({
        $schema: './config.schema.json',
        listen: { host: '127.0.0.1', port: 9095 },
        routes: { '/alerts': { levels: { firing: 'ERROR' } }, '/alerts/quiet': { levels: { firing: { '*': 'DEBUG' }, resolved: 'DEBUG' } } },
        tokenFile: 'secrets/token',
        maxBodyBytes: 65536,
        requestTimeoutMs: 5000,
        shutdownTimeoutMs: 20000,
      }),
    );
    const cfg = loadConfigFile(file);
    expect(cfg.listen).to.deep.equal({ host: '127.0.0.1', port: 9095 });
    expect(Object.keys(cfg.routes)).to.deep.equal(['/alerts', '/alerts/quiet']);
    expect(cfg.tokenFile).to.equal(join(dir, 'secrets', 'token'));
    expect(cfg.maxBodyBytes).to.equal(65536);
    expect(cfg.requestTimeoutMs).to.equal(5000);
    expect(cfg.shutdownTimeoutMs).to.equal(20000);
  });

  it('keeps absolute tokenFile paths and partial listen blocks', function () {
    const cfg = resolveConfig({ listen: { port: 0 }, tokenFile: '/var/run/secrets/receiver/token' });
    expect(cfg.listen).to.deep.equal({ host: '0.0.0.0', port: 0 });
    expect(cfg.tokenFile).to.equal('/var/run/secrets/receiver/token');
  });

  describe('rejects invalid configurations with clear messages', function () {
    const cases: [string, unknown, string][] = [
      ['an unknown top-level field', { prot: 8080 }, '(root): unknown property "prot"'],
      ['an unknown listen field', { listen: { hots: 'x' } }, '/listen: unknown property "hots"'],
      ['a port out of range', { listen: { port: 70000 } }, '/listen/port: must be <= 65535'],
      ['a non-integer port', { listen: { port: '8080' } }, '/listen/port: must be integer'],
      ['a zero body limit', { maxBodyBytes: 0 }, '/maxBodyBytes: must be >= 1'],
      ['a negative timeout', { requestTimeoutMs: -5 }, '/requestTimeoutMs: must be >= 1'],
      ['an empty tokenFile', { tokenFile: '' }, '/tokenFile: must NOT have fewer than 1 characters'],
      ['a reserved route', { routes: { '/metrics': {} } }, '/routes: property name "/metrics" must NOT be valid'],
      ['a route without leading slash', { routes: { webhook: {} } }, '/routes: property name "webhook" must match pattern'],
      ['no routes at all', { routes: {} }, '/routes: must NOT have fewer than 1 properties'],
      ['an unknown route option', { routes: { '/a': { level: 'INFO' } } }, '/routes/~1a: unknown property "level"'],
      [
        'an unknown level',
        { routes: { '/a': { levels: { firing: 'LOUD' } } } },
        '/routes/~1a/levels/firing: must be equal to one of the allowed values: DEBUG, INFO, WARNING, ERROR, CRITICAL',
      ],
      [
        'an unknown level in a severity map',
        { routes: { '/a': { levels: { resolved: { critical: 'FATAL' } } } } },
        '/routes/~1a/levels/resolved/critical: must be equal to one of the allowed values',
      ],
      ['a non-object', [1, 2], '(root): must be object'],
    ];
    for (const [name, input, expected] of cases) {
      it(name, function () {
        const problems = problemsOf(() => resolveConfig(input, 'test.json'));
        expect(problems.some((p) => p.startsWith(expected)), `${JSON.stringify(problems)} should contain ${expected}`).to.equal(true);
      });
    }

    it('reports every problem at once, naming the file', function () {
      try {
        resolveConfig({ listen: { port: -1 }, maxBodyBytes: 'big' }, 'cfg.json');
        expect.fail('should throw');
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        const e = err as ConfigError;
        expect(e.problems).to.have.length(2);
        expect(e.message).to.match(/^invalid configuration in cfg\.json:\n {2}- \/listen\/port: must be >= 0\n {2}- \/maxBodyBytes: must be integer$/);
      }
    });

    it('a missing file', function () {
      expect(() => loadConfigFile(join(dir, 'absent.json'))).to.throw(ConfigError, /^cannot read config file .*absent\.json: ENOENT$/);
    });

    it('a file that is not JSON', function () {
      const file = join(dir, 'bad.json');
      writeFileSync(file, 'listen:\n  port: 80\n');
      expect(() => loadConfigFile(file)).to.throw(ConfigError, /bad\.json is not valid JSON: /);
    });

    it('createReceiver validates too', function () {
      expect(() => createReceiver({ listen: { port: 99999 } } as never)).to.throw(ConfigError, /\/listen\/port/);
    });
  });

  describe('level mapping', function () {
    it('follows the default mapping', function () {
      expect(levelFor(undefined, 'firing', 'critical')).to.equal('CRITICAL');
      expect(levelFor(undefined, 'firing', 'warning')).to.equal('WARNING');
      expect(levelFor(undefined, 'firing', 'info')).to.equal('INFO');
      expect(levelFor(undefined, 'firing', 'bogus')).to.equal('INFO');
      expect(levelFor(undefined, 'firing', undefined)).to.equal('INFO');
      expect(levelFor(undefined, 'resolved', 'critical')).to.equal('INFO');
    });

    it('prefers the route mapping and falls back per status and severity', function () {
      const mapping = { firing: { critical: 'ERROR' as const }, resolved: { '*': 'DEBUG' as const } };
      expect(levelFor(mapping, 'firing', 'critical')).to.equal('ERROR');
      expect(levelFor(mapping, 'firing', 'warning')).to.equal('WARNING');
      expect(levelFor(mapping, 'resolved', 'critical')).to.equal('DEBUG');
      // A severity called like an Object.prototype member is not special.
      expect(levelFor(mapping, 'firing', 'constructor')).to.equal('INFO');
      expect(levelFor({ firing: 'CRITICAL' }, 'firing', undefined)).to.equal('CRITICAL');
    });
  });

  describe('command line', function () {
    it('parses --config, --config=, -c and RECEIVER_CONFIG (the flag wins)', function () {
      expect(parseArgs(['--config', 'a.json']).configPath).to.equal('a.json');
      expect(parseArgs(['--config=b.json']).configPath).to.equal('b.json');
      expect(parseArgs(['-c', 'c.json']).configPath).to.equal('c.json');
      expect(parseArgs([], { RECEIVER_CONFIG: 'env.json' }).configPath).to.equal('env.json');
      expect(parseArgs(['--config', 'flag.json'], { RECEIVER_CONFIG: 'env.json' }).configPath).to.equal('flag.json');
      expect(parseArgs([], { RECEIVER_CONFIG: '' }).configPath).to.equal(undefined);
      expect(parseArgs(['--check-config']).checkOnly).to.equal(true);
      expect(parseArgs(['-h']).help).to.equal(true);
    });

    it('rejects unknown arguments and a --config without value', function () {
      expect(() => parseArgs(['--port', '80'])).to.throw(UsageError, 'unknown argument: --port');
      expect(() => parseArgs(['--config'])).to.throw(UsageError, '--config needs a file path');
      expect(() => parseArgs(['--config='])).to.throw(UsageError, '--config needs a file path');
    });

    it('exits 2 with a clear message for an invalid config file', async function () {
      this.timeout(15_000);
      const file = join(dir, 'cfg.json');
      writeFileSync(file, JSON.stringify({ listen: { port: 'http' }, routes: { '/metrics': {} } }));
      const res = await runMain(['--config', file]);
      expect(res.code).to.equal(2);
      expect(res.stderr).to.include(`alert-receiver: invalid configuration in ${file}:`);
      expect(res.stderr).to.include('/listen/port: must be integer');
      expect(res.stderr).to.include('/routes: property name "/metrics" must NOT be valid');
      const line = JSON.parse(res.stdout.trim()) as Record<string, unknown>;
      expect(line).to.include({ level: 'ERROR', msg: 'invalid configuration', config: file });
      expect(line['problems']).to.have.length(2);
    });

    it('reads RECEIVER_CONFIG; --check-config prints the resolved configuration', async function () {
      this.timeout(15_000);
      const file = join(dir, 'cfg.json');
      writeFileSync(file, JSON.stringify({ listen: { port: 0 }, maxBodyBytes: 2048 }));
      const res = await runMain(['--check-config'], { RECEIVER_CONFIG: file });
      expect(res.code).to.equal(0);
      const out = JSON.parse(res.stdout) as { valid: boolean; config: { maxBodyBytes: number; listen: unknown } };
      expect(out.valid).to.equal(true);
      expect(out.config.maxBodyBytes).to.equal(2048);
      expect(out.config.listen).to.deep.equal({ host: '0.0.0.0', port: 0 });
    });

    it('exits 2 on usage errors, 0 on --help, 1 when the token file is missing', async function () {
      this.timeout(15_000);
      const usage = await runMain(['--bogus']);
      expect(usage.code).to.equal(2);
      expect(usage.stderr).to.match(/unknown argument: --bogus[\s\S]*Usage: alert-receiver/);
      const help = await runMain(['--help']);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.match(/^Usage: alert-receiver/);
      const file = join(dir, 'cfg.json');
      writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, tokenFile: 'missing-token' }));
      const noToken = await runMain(['--config', file]);
      expect(noToken.code).to.equal(1);
      expect(noToken.stderr).to.include(`startup failed: cannot read token file ${join(dir, 'missing-token')}: ENOENT`);
    });
  });
});
