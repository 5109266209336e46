/**
 * Command-line interface: argument parsing, configuration loading, signal
 * handling and process exit codes.
 *
 *   alert-receiver [--config <file>] [--check-config] [--help]
 *
 * The configuration file is --config, else $RECEIVER_CONFIG, else none (all
 * defaults). Exit codes: 0 clean shutdown, 1 runtime failure (token file,
 * listen error, forced shutdown), 2 usage or configuration error.
 */
import { ConfigError, loadConfigFile, resolveConfig, type ResolvedConfig } from './config.js';
import { Logger, type LogSink } from './logging.js';
import { createReceiver } from './server.js';

export const USAGE = `Usage: alert-receiver [--config <file>] [--check-config] [--help]

Alertmanager webhook receiver that writes one JSON line per alert to stdout.

Options:
  --config <file>   JSON configuration file (default: $RECEIVER_CONFIG, else built-in defaults)
  --check-config    validate the configuration, print the resolved configuration and exit
  -h, --help        show this help and exit

Signals: SIGTERM/SIGINT shut down gracefully (a second signal exits at once).
Exit codes: 0 clean shutdown, 1 runtime failure or forced shutdown, 2 usage/configuration error.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliArgs {
  configPath: string | undefined;
  checkOnly: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const args: CliArgs = { configPath: undefined, checkOnly: false, help: false };
  let fromFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a file path`);
      fromFlag = value;
    } else if (arg.startsWith('--config=')) {
      const value = arg.slice('--config='.length);
      if (value === '') throw new UsageError('--config needs a file path');
      fromFlag = value;
    } else if (arg === '--check-config') {
      args.checkOnly = true;
    } else if (arg === '--help' || arg === '-h') {
      args.help = true;
    } else {
      throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  const fromEnv = env['RECEIVER_CONFIG'];
  args.configPath = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  return args;
}

export function loadCliConfig(args: CliArgs): ResolvedConfig {
  return args.configPath === undefined ? resolveConfig({}, 'built-in defaults') : loadConfigFile(args.configPath);
}

export interface CliIo {
  stdout: LogSink;
  stderr: LogSink;
}

/**
 * Runs the receiver until a signal stops it (then exits the process), or
 * returns an exit code when it cannot start / only checks the configuration.
 */
export async function runCli(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number | undefined> {
  const logger = new Logger(io.stdout);
  let args: CliArgs;
  try {
    args = parseArgs(argv, env);
  } catch (err) {
    io.stderr.write(`alert-receiver: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  let config: ResolvedConfig;
  try {
    config = loadCliConfig(args);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.error('invalid configuration', { config: args.configPath ?? null, error: err.message.split('\n')[0], problems: err.problems });
    io.stderr.write(`alert-receiver: ${err.message}\n`);
    return 2;
  }
  if (args.checkOnly) {
    io.stdout.write(`${JSON.stringify({ valid: true, config }, null, 2)}\n`);
    return 0;
  }

  const receiver = createReceiver(config, { log: io.stdout });
  try {
    await receiver.start();
  } catch (err) {
    const message = (err as Error).message;
    logger.error('startup failed', { error: message });
    io.stderr.write(`alert-receiver: startup failed: ${message}\n`);
    return 1;
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      receiver.logger.warn('second signal during shutdown, exiting now', { signal });
      process.exit(1);
    }
    receiver.logger.info('signal received, shutting down', { signal });
    receiver.stop().then(
      ({ forced }) => process.exit(forced ? 1 : 0),
      (err: unknown) => {
        receiver.logger.error('shutdown failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', (err) => {
    receiver.logger.error('uncaught exception', { error: err.message, stack: err.stack });
    process.exit(1);
  });
  return undefined;
}
