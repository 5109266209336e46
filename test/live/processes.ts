// Child processes with a bounded lifetime. Each runs under coreutils `timeout` in its own
// process group, so it dies at its deadline even if this Node process is killed outright;
// stopAll() (from after hooks) and an exit hook end whatever is still running.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

/** Upper bound on any one process: longer than the slowest suite (arm under emulation). */
export const MAX_LIFETIME_SECONDS = 1800;

export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private partial = "";
  private listeners: Array<(line: string) => void> = [];

  constructor(readonly name: string, command: string, args: string[], options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
    this.log.write(`# ${command} ${args.join(" ")}\n`);
    this.child = spawn("timeout", ["--kill-after=5", String(MAX_LIFETIME_SECONDS), command, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group: a signal to -pid reaches timeout and the program
    });
    running.add(this);
    const onData = (chunk: Buffer): void => {
      this.log.write(chunk);
      const parts = (this.partial + chunk.toString("utf8")).split("\n");
      this.partial = parts.pop() ?? "";
      for (const line of parts) {
        this.lines.push(line);
        for (const listener of this.listeners) listener(line);
      }
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        running.delete(this);
        this.log.end(`# exited code=${code} signal=${signal}\n`);
        resolve({ code, signal });
      });
      this.child.on("error", (err) => {
        running.delete(this);
        this.lines.push(`spawn failed: ${err.message}`);
        resolve({ code: null, signal: null });
      });
    });
  }

  get alive(): boolean {
    return running.has(this) && this.child.exitCode === null && this.child.signalCode === null;
  }

  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  /** A signal to the whole group (the program and its `timeout` wrapper). */
  signal(signal: NodeJS.Signals): void {
    if (!this.alive || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      /* already gone */
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** An abrupt crash: no shutdown handlers run. */
  async crash(): Promise<void> {
    this.signal("SIGKILL");
    await this.exited;
  }

  tail(count = 30): string {
    return this.lines.slice(-count).join("\n");
  }
}

const running = new Set<Proc>();

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

process.on("exit", () => {
  for (const p of running) p.signal("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const p of running) p.signal("SIGKILL");
    process.exit(130);
  });
}
