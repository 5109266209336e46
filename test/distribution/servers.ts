// Local servers for the distribution tests: a static HTTP server for a chart repository and
// the distribution registry for OCI. Both run as child processes (helm runs synchronously
// in the tests), listen on 127.0.0.1 only, end by themselves after a bounded lifetime (under
// coreutils `timeout`, even if the test process dies), and are stopped and their files
// removed by the tests' after() hooks.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

export const SERVER_LIFETIME_SECONDS = 600;
const STATIC_SERVER = join(dirname(fileURLToPath(import.meta.url)), "static-server.js");

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StaticServer extends RunningServer {
  /** Paths requested so far, to prove what was fetched from the server. */
  requests(): string[];
}

/** A port the kernel just handed out on 127.0.0.1; free again when this resolves. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The status of a GET, over HTTPS trusting only `ca` when given. */
function statusOf(url: string, ca?: Buffer): Promise<number> {
  if (!ca) return fetch(url).then((response) => response.status);
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on("error", reject);
  });
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string, ca?: Buffer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await statusOf(url, ca)) === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}

export interface ServerOptions {
  /** Overrides SERVER_LIFETIME_SECONDS, for layers whose tests run longer. */
  lifetimeSeconds?: number;
  /** Serve HTTPS with this certificate and key, signed by `ca` (PEM files). */
  tls?: { certificate: string; key: string; ca: string };
}

/**
 * Runs a server under coreutils `timeout`, so it ends after its lifetime even if the test
 * process is killed, and waits until `readyPath` answers 200.
 */
async function startServer(command: string[], port: number, readyPath: string, dir: string, options: ServerOptions = {}): Promise<RunningServer> {
  const child = spawn("timeout", [String(options.lifetimeSeconds ?? SERVER_LIFETIME_SECONDS), ...command], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM"); // timeout passes it on to the server
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const scheme = options.tls ? "https" : "http";
    await waitForHttp(`${scheme}://127.0.0.1:${port}${readyPath}`, child, () => output, options.tls ? readFileSync(options.tls.ca) : undefined);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`, port, stop };
}

/** Serves the files under `root` read-only, as GitHub Pages serves a chart repository. */
export async function startStaticServer(root: string, port: number, readyPath: string, options: Omit<ServerOptions, "tls"> = {}): Promise<StaticServer> {
  const dir = mkdtempSync(join(tmpdir(), "promstack-static-"));
  const log = join(dir, "requests.log");
  writeFileSync(log, "");
  const server = await startServer([process.execPath, STATIC_SERVER, root, String(port), log], port, readyPath, dir, options);
  const readLog = () => readFileSync(log, "utf8").split("\n").filter(Boolean);
  // The log goes with the server's directory: read it before stopping.
  return { ...server, requests: () => readLog() };
}

/** The distribution registry with a throwaway config and storage directory. */
export async function startRegistry(binary: string, options: ServerOptions = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "promstack-registry-"));
  const port = await freePort();
  const config = {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "storage") }, delete: { enabled: true } },
    http: {
      addr: `127.0.0.1:${port}`,
      headers: { "X-Content-Type-Options": ["nosniff"] },
      ...(options.tls ? { tls: { certificate: options.tls.certificate, key: options.tls.key } } : {}),
    },
  };
  writeFileSync(join(dir, "config.yml"), stringify(config));
  return startServer([binary, "serve", join(dir, "config.yml")], port, "/v2/", dir, options);
}
