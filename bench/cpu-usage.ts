// Preloaded into a benchmarked Node command (node --import): when it exits, appends its CPU
// time (user and system, all threads) to BENCH_CPU_FILE. On a busy machine wall time swings
// with the other work; CPU time much less.
import { appendFileSync } from "node:fs";

const file = process.env.BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${(user + system) / 1e6}\n`);
  });
}
