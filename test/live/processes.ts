// Child processes with a bounded lifetime. Each runs under coreutils `timeout` in its own
// process group, so it dies at its deadline even if this Node process is killed outright;
// stopAll() (from after hooks) and an exit hook end whatever is still running.
//
// A process can run as the pod would: as its user (setpriv: uid, gid and the fsGroup as
// supplementary group, no new privileges, no capabilities) and inside a cgroup v1 memory
// cgroup limited to the container's memory limit (a process that outgrows it is killed by
// the kernel, as the kubelet's OOM kill would).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";

/** Upper bound on any one process: longer than the slowest suite (arm under emulation). */
export const MAX_LIFETIME_SECONDS = 1800;

/** How a process is confined: the pod's user and groups, and a memory cgroup. */
export interface Confinement {
  uid: number;
  gid: number;
  groups: number[];
  /** A cgroup v1 memory cgroup directory to create, limited to memoryBytes. */
  cgroup: string;
  memoryBytes: number;
}

export const MEMORY_CGROUP_ROOT = "/sys/fs/cgroup/memory";

/** The program's pid (not its `timeout` wrapper's) and what confines it, read from the kernel. */
export interface Confined {
  pid: number;
  uid: number;
  limitBytes: number;
  oomKills: number;
}

export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private partial = "";
  private listeners: Array<(line: string) => void> = [];

  private readonly cgroup: string | undefined;
  private oomKillsAtExit = 0;

  constructor(readonly name: string, command: string, args: string[], options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv; confinement?: Confinement }) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
    this.log.write(`# ${command} ${args.join(" ")}\n`);
    const c = options.confinement;
    let wrapper: string[] = [];
    if (c) {
      this.cgroup = c.cgroup;
      mkdirSync(c.cgroup, { recursive: true });
      writeFileSync(join(c.cgroup, "memory.limit_in_bytes"), String(c.memoryBytes));
      this.log.write(`# as uid ${c.uid} gid ${c.gid} groups ${c.groups.join(",")}, memory cgroup ${c.cgroup} limit ${c.memoryBytes} bytes\n`);
      // The shell enters the cgroup, then becomes the program (exec): every later child stays in it.
      wrapper = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', c.cgroup,
        "setpriv", `--reuid=${c.uid}`, `--regid=${c.gid}`, `--groups=${c.groups.join(",")}`, "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"];
    }
    this.child = spawn("timeout", ["--kill-after=5", String(MAX_LIFETIME_SECONDS), ...wrapper, command, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group: a signal to -pid reaches timeout and the program
    });
    running.add(this);
    const onData = (chunk: Buffer): void => {
      // A pipe can still deliver output after the exit event has ended the log.
      if (!this.log.writableEnded) this.log.write(chunk);
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
        this.removeCgroup();
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

  /** The confined program as the kernel sees it (undefined when not confined or not running). */
  confined(): Confined | undefined {
    if (!this.cgroup || !this.alive) return undefined;
    const pid = Number(readFileSync(join(this.cgroup, "cgroup.procs"), "utf8").trim().split("\n")[0]);
    if (!pid) return undefined;
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
    const limitBytes = Number(readFileSync(join(this.cgroup, "memory.limit_in_bytes"), "utf8").trim());
    return { pid, uid, limitBytes, oomKills: this.oomKills() };
  }

  /** OOM kills in the process's memory cgroup so far (kept when the cgroup is removed at exit). */
  oomKills(): number {
    if (!this.cgroup || !existsSync(this.cgroup)) return this.oomKillsAtExit;
    const control = readFileSync(join(this.cgroup, "memory.oom_control"), "utf8");
    return Number(/oom_kill (\d+)/.exec(control)?.[1] ?? 0);
  }

  private removeCgroup(): void {
    if (!this.cgroup || !existsSync(this.cgroup)) return;
    this.oomKillsAtExit = this.oomKills();
    if (this.oomKillsAtExit > 0) this.lines.push(`killed by the kernel: memory limit of ${this.name}'s cgroup reached`);
    try {
      rmdirSync(this.cgroup);
    } catch {
      /* a straggler still in it: the stack removes its cgroups at stop */
    }
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
