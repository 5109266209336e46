// Local servers for the distribution tests: a static HTTP server for a chart repository and
// the distribution registry for OCI. Both listen on 127.0.0.1 only, stop by themselves after
// a bounded lifetime (the registry even if this process dies: coreutils `timeout` runs it),
// and are stopped and cleaned up by the tests' after() hooks.
import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { stringify } from "yaml";

export const SERVER_LIFETIME_SECONDS = 600;

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StaticServer extends RunningServer {
  /** Paths requested so far, to prove what was fetched from the server. */
  requests: string[];
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

/** Serves the files under `root` read-only, as GitHub Pages serves a chart repository. */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    requests.push(path);
    const file = normalize(join(root, path));
    const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
    let size = -1;
    try {
      size = inside && statSync(file).isFile() ? statSync(file).size : -1;
    } catch {
      size = -1;
    }
    if (request.method !== "GET" || size < 0) {
      response.writeHead(request.method === "GET" ? 404 : 405).end();
      return;
    }
    response.writeHead(200, { "content-length": size, "content-type": file.endsWith(".yaml") ? "application/yaml" : "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actualPort = (server.address() as { port: number }).port;
  const lifetime = setTimeout(() => server.close(), SERVER_LIFETIME_SECONDS * 1000);
  lifetime.unref();
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    stop: () =>
      new Promise((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`registry exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`registry did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}

/** The distribution registry with a throwaway config and storage directory. */
export async function startRegistry(binary: string): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), "promstack-registry-"));
  const port = await freePort();
  const config = {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "storage") }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, headers: { "X-Content-Type-Options": ["nosniff"] } },
  };
  writeFileSync(join(dir, "config.yml"), stringify(config));
  // `timeout` ends the registry after its lifetime even if the test process is killed.
  const child = spawn("timeout", [String(SERVER_LIFETIME_SECONDS), binary, "serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM"); // timeout passes it on to the registry
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/v2/`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, stop };
}
