/**
 * The HTTP server: routing, authentication, body limits, timeouts, alert
 * logging, health/readiness/metrics endpoints and graceful shutdown.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TokenAuth } from './auth.js';
import { BodyError, readBody } from './body.js';
import { resolveConfig, type ReceiverConfig, type ResolvedConfig, type RouteConfig } from './config.js';
import { levelFor, severitiesIn } from './levels.js';
import { Logger, type LogSink } from './logging.js';
import { ReceiverMetrics, UNMATCHED_ROUTE, type RejectReason } from './metrics.js';
import { PayloadValidator, type WebhookPayload } from './payload.js';

export interface ReceiverOptions {
  /** Where JSON log lines go (default process.stdout). */
  log?: LogSink;
  /** Token file re-read interval in ms (default 30000; 0 disables). */
  tokenReloadIntervalMs?: number;
  /** Register prom-client default process metrics (default true). */
  defaultMetrics?: boolean;
}

export interface StopResult {
  /** True when the shutdown deadline passed and open connections were cut. */
  forced: boolean;
}

export interface Receiver {
  readonly server: Server;
  readonly config: ResolvedConfig;
  readonly metrics: ReceiverMetrics;
  readonly logger: Logger;
  /** True between a successful start() and the beginning of stop(). */
  readonly ready: boolean;
  /** Reads the token file (if configured), listens, logs the "listening" line; resolves with the bound address. */
  start(): Promise<AddressInfo>;
  /** Graceful shutdown: not ready, stop accepting, finish in-flight requests, cut the rest at the deadline. Idempotent. */
  stop(): Promise<StopResult>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const MAX_LOGGED_PATH = 256;

function isResolved(config: ReceiverConfig | ResolvedConfig): config is ResolvedConfig {
  return 'routes' in config && 'listen' in config && 'maxBodyBytes' in config && 'tokenFile' in config;
}

/** Path part of the request target (no query, no fragment); undefined when unparsable. */
function requestPath(url: string | undefined): string | undefined {
  if (url === undefined || url.length === 0) return undefined;
  let target = url;
  if (!target.startsWith('/')) {
    // absolute-form (RFC 9112 3.2.2), sent to proxies
    try {
      target = new URL(target).pathname;
    } catch {
      return undefined;
    }
  }
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** True when the request announced a body that has not been read to its end. */
function hasUnreadBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const announced = req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
  return announced && !req.readableEnded;
}

function loggedPath(path: string): string {
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}...` : path;
}

export function createReceiver(input: ReceiverConfig | ResolvedConfig = {}, options: ReceiverOptions = {}): Receiver {
  const config: ResolvedConfig = isResolved(input) ? input : resolveConfig(input);
  const logger = new Logger(options.log ?? process.stdout);
  const routes = new Map<string, RouteConfig>(Object.entries(config.routes));
  const severities = [...routes.values()].flatMap((r) => severitiesIn(r.levels));
  const metrics = new ReceiverMetrics({
    routes: [...routes.keys()],
    severities,
    defaultMetrics: options.defaultMetrics ?? true,
  });
  const validator = new PayloadValidator();
  const timeout = config.requestTimeoutMs;
  // Node checks headersTimeout/requestTimeout on this period.
  const checkInterval = Math.max(25, Math.min(1000, Math.floor(timeout / 4)));

  let auth: TokenAuth | undefined;
  let ready = false;
  let shuttingDown = false;
  let stopping: Promise<StopResult> | undefined;
  let inFlight = 0;

  const server = createServer({
    connectionsCheckingInterval: checkInterval,
    // Slow headers are cut by Node (-> clientError 408). The body is timed by
    // the handler (requestTimeoutMs after the headers); Node's requestTimeout is
    // only a backstop behind it.
    headersTimeout: timeout,
    requestTimeout: 2 * timeout + 1000,
    keepAliveTimeout: 5000,
  });
  server.timeout = 0;

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent || res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const all: Record<string, string | number> = {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    };
    if (shuttingDown) all['Connection'] = 'close';
    res.writeHead(status, all);
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  function reject(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    reason: RejectReason,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    extra: Record<string, unknown> = {},
  ): void {
    metrics.reject(reason);
    if (hasUnreadBody(req)) {
      // Do not drain a body nobody will look at: answer, then close the connection.
      req.pause();
      headers = { ...headers, Connection: 'close' };
    }
    logger.warn('request rejected', {
      reason,
      status,
      method: req.method,
      path: loggedPath(path),
      remoteAddress: req.socket.remoteAddress,
      ...extra,
    });
    send(req, res, status, { error: STATUS_CODES[status] ?? 'error', reason, ...body }, headers);
  }

  function handleBuiltin(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reject(req, res, path, 405, 'method_not_allowed', {}, { Allow: 'GET, HEAD' });
      return;
    }
    if (path === '/healthz') {
      send(req, res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      if (ready) send(req, res, 200, { status: 'ready' });
      else send(req, res, 503, { status: shuttingDown ? 'shutting down' : 'starting' });
    } else {
      metrics.registry.metrics().then(
        (text) => {
          if (res.headersSent || res.destroyed) return;
          res.writeHead(200, {
            'Content-Type': metrics.registry.contentType,
            'Content-Length': Buffer.byteLength(text),
            'Cache-Control': 'no-store',
            ...(shuttingDown ? { Connection: 'close' } : {}),
          });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          logger.error('metrics collection failed', { error: (err as Error).message });
          send(req, res, 500, { error: 'metrics collection failed' });
        },
      );
    }
  }

  function logAlerts(route: string, routeConfig: RouteConfig, payload: WebhookPayload): void {
    const timestamp = new Date().toISOString();
    for (const alert of payload.alerts) {
      const severity = alert.labels['severity'];
      logger.write({
        timestamp,
        level: levelFor(routeConfig.levels, alert.status, severity),
        msg: 'alert',
        route,
        receiver: payload.receiver,
        alertname: alert.labels['alertname'] ?? null,
        status: alert.status,
        severity: severity ?? null,
        labels: alert.labels,
        annotations: alert.annotations,
        fingerprint: alert.fingerprint,
        groupKey: payload.groupKey,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        generatorURL: alert.generatorURL,
      });
      metrics.alertsReceived.inc({ route, status: alert.status, severity: metrics.severityLabel(severity) });
    }
    metrics.notificationsReceived.inc({ route });
    if (payload.truncatedAlerts > 0) metrics.alertsTruncated.inc({ route }, payload.truncatedAlerts);
  }

  async function handleWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    routeConfig: RouteConfig,
    signal: AbortSignal,
  ): Promise<void> {
    if (req.method !== 'POST') {
      reject(req, res, path, 405, 'method_not_allowed', {}, { Allow: 'POST' });
      return;
    }
    if (auth !== undefined) {
      const result = auth.check(req.headers.authorization);
      if (result !== 'ok') {
        const invalid = result === 'invalid';
        reject(
          req,
          res,
          path,
          401,
          invalid ? 'invalid_token' : 'missing_token',
          {},
          {
            'WWW-Authenticate': invalid
              ? 'Bearer realm="alert-receiver", error="invalid_token"'
              : 'Bearer realm="alert-receiver"',
          },
        );
        return;
      }
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > config.maxBodyBytes) {
      rejectTooLarge(req, res, path);
      return;
    }
    // The client asked "Expect: 100-continue" and passed every header check.
    if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();

    let body: Buffer;
    try {
      body = await readBody(req, config.maxBodyBytes, signal);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      if (err.kind === 'too_large') {
        rejectTooLarge(req, res, path);
      } else if (err.kind === 'timeout') {
        reject(req, res, path, 408, 'timeout', { message: 'request not received in time' }, { Connection: 'close' });
      } else {
        metrics.reject('aborted');
        logger.warn('request aborted by client', { method: req.method, path: loggedPath(path) });
      }
      return;
    }

    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch (err) {
      reject(req, res, path, 400, 'malformed_json', { message: (err as Error).message });
      return;
    }
    const check = validator.check(data);
    if (!check.ok) {
      reject(req, res, path, 422, 'invalid_payload', { ...check.error }, {}, { ...check.error });
      return;
    }
    logAlerts(path, routeConfig, check.payload);
    send(req, res, 200, { status: 'ok', alerts: check.payload.alerts.length });
  }

  /** 413; reject() closes the connection instead of reading the rest of the body. */
  function rejectTooLarge(req: IncomingMessage, res: ServerResponse, path: string): void {
    reject(
      req,
      res,
      path,
      413,
      'payload_too_large',
      { message: `request body exceeds ${config.maxBodyBytes} bytes` },
      {},
      { limit: config.maxBodyBytes },
    );
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    let routeLabel = UNMATCHED_ROUTE;
    inFlight++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    res.once('close', () => {
      clearTimeout(timer);
      inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // "none": the client went away before any response was sent.
      const code = res.headersSent ? String(res.statusCode) : 'none';
      metrics.requestDuration.observe({ route: routeLabel, code }, seconds);
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });

    const path = requestPath(req.url);
    if (path === undefined) {
      reject(req, res, '', 400, 'bad_request', { message: 'unparsable request target' });
      return;
    }
    if (HEALTH_PATHS.has(path)) {
      routeLabel = path;
      handleBuiltin(req, res, path);
      return;
    }
    const routeConfig = routes.get(path);
    if (routeConfig === undefined) {
      reject(req, res, path, 404, 'not_found', {});
      return;
    }
    routeLabel = path;
    handleWebhook(req, res, path, routeConfig, controller.signal).catch((err: unknown) => {
      logger.error('request failed', { path: loggedPath(path), error: (err as Error).message });
      send(req, res, 500, { error: 'internal error' });
    });
  }

  server.on('request', onRequest);
  // With a listener here Node does not answer "100 Continue" by itself:
  // onRequest sends it only after the route, method, token and length checks.
  server.on('checkContinue', onRequest);

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || (current?.headersSent ?? false)) {
      socket.destroy();
      return;
    }
    let status = 400;
    let reason: RejectReason = 'bad_request';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
      status = 408;
      reason = 'timeout';
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
    }
    metrics.reject(reason);
    // Only the error code: err.rawPacket holds raw request bytes (headers, tokens).
    logger.warn('request rejected', { reason, status, error: err.code ?? 'unknown', remoteAddress: socket.remoteAddress });
    const body = JSON.stringify({ error: STATUS_CODES[status], reason });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${JSON_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Give the client a moment to read the answer, then drop the socket even if it never closes its side.
    const linger = setTimeout(() => socket.destroy(), 1000);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  });

  async function start(): Promise<AddressInfo> {
    if (config.tokenFile !== undefined) {
      auth = await TokenAuth.fromFile(config.tokenFile, {
        reloadIntervalMs: options.tokenReloadIntervalMs ?? 30_000,
        onChange: (token) => {
          logger.setSecrets([token]);
          logger.info('token reloaded', { tokenFile: config.tokenFile });
        },
        onReloadError: (err) => logger.warn('token reload failed, keeping the previous token', { error: err.message }),
      });
      logger.setSecrets([auth.secret()]);
    } else {
      logger.warn('authentication disabled: no tokenFile configured');
    }
    try {
      await new Promise<void>((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(config.listen.port, config.listen.host, () => {
          server.off('error', rejectListen);
          resolve();
        });
      });
    } catch (err) {
      auth?.close();
      throw err;
    }
    ready = true;
    metrics.ready.set(1);
    const address = server.address() as AddressInfo;
    logger.info('listening', {
      host: address.address,
      port: address.port,
      routes: [...routes.keys()],
      auth: auth !== undefined,
      maxBodyBytes: config.maxBodyBytes,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    return address;
  }

  function stop(): Promise<StopResult> {
    stopping ??= (async (): Promise<StopResult> => {
      ready = false;
      shuttingDown = true;
      metrics.ready.set(0);
      auth?.close();
      logger.info('shutting down', { inFlight, deadlineMs: config.shutdownTimeoutMs });
      if (!server.listening) {
        logger.info('stopped', { forced: false });
        return { forced: false };
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let deadline: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        closed.then(() => 'closed' as const),
        new Promise<'deadline'>((resolve) => {
          deadline = setTimeout(() => resolve('deadline'), config.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(deadline);
      const forced = outcome === 'deadline';
      if (forced) {
        logger.warn('shutdown deadline reached, closing remaining connections', { inFlight });
        server.closeAllConnections();
        await closed;
      }
      logger.info('stopped', { forced });
      return { forced };
    })();
    return stopping;
  }

  return {
    server,
    config,
    metrics,
    logger,
    get ready() {
      return ready;
    },
    start,
    stop,
  };
}
