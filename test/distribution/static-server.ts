// A read-only static file server for a chart repository, run as its own process (the tests
// call helm synchronously, which would stall a server inside the test process). Logs each
// requested path to a file so tests can prove what was fetched from it.
//   node static-server.js ROOT PORT REQUEST_LOG
import { appendFileSync, createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { normalize, resolve, sep } from "node:path";

const [root, port, requestLog] = process.argv.slice(2) as [string, string, string];
const base = resolve(root);

function fileSize(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : -1;
  } catch {
    return -1;
  }
}

createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  appendFileSync(requestLog, `${path}\n`);
  const file = normalize(resolve(base, `.${path}`));
  const size = file.startsWith(base + sep) ? fileSize(file) : -1;
  if (request.method !== "GET") return void response.writeHead(405).end();
  if (size < 0) return void response.writeHead(404).end();
  response.writeHead(200, { "content-length": size, "content-type": file.endsWith(".yaml") ? "application/yaml" : "application/octet-stream" });
  createReadStream(file).pipe(response);
}).listen(Number(port), "127.0.0.1");
