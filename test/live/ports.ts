// Free ports on 127.0.0.1, asked of the kernel (bind to port 0) rather than guessed.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/** A TCP port nobody listens on (and, with `udp`, whose UDP twin is free too: gossip uses both). */
export async function freePort(options: { udp?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freeTcpPort();
    if (handedOut.has(port)) continue;
    if (options.udp && !(await udpPortFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error("no free port on 127.0.0.1 after 50 attempts");
}
