// An HTTP server of the harness on a kernel-chosen port of 127.0.0.1, stopped with its open connections.
import { createServer, type RequestListener, type Server } from "node:http";

export class LocalHttpServer {
  port = 0;
  private readonly server: Server;

  constructor(handler: RequestListener) {
    this.server = createServer(handler);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
