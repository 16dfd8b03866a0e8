// Where the CPU time goes while a benchmark phase runs (Linux /proc): the
// machine's busy share, and the CPU seconds of each thread of kluis-server
// and of the Chromium processes, grouped by what they are (the page's main
// thread, each dedicated worker, the network service, ...).
//
//   const watch = cpuWatch();
//   ... the phase ...
//   console.log(watch.stop());
//
// A diagnosis for web/bench/loopback.mjs, not a figure of issue 14: on a
// machine whose cores the cipher already fills, it says what else shares
// them.
import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const HZ = 100;

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** utime + stime of a /proc stat line, in ticks (fields after the name in parentheses). */
function ticks(stat) {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

/** What a process is: "kluis-server", "chromium <type>" or null (not ours). */
function kind(pid) {
  const cmd = read(`/proc/${pid}/cmdline`);
  if (!cmd) return null;
  // Chromium rewrites its children's command lines into one string.
  const args = cmd.split(/[\0 ]/);
  if (args[0].endsWith("kluis-server")) return "kluis-server";
  if (!/chrom(e|ium)/.test(args[0])) return null;
  const type = args.find((a) => a.startsWith("--type="))?.slice(7) ?? "browser";
  const sub = args.find((a) => a.startsWith("--utility-sub-type="))?.slice(19);
  return `chromium ${sub ? sub.replace(/\.mojom\./, " ").split(".").pop() : type}`;
}

/** CPU ticks per "process kind: thread name", and the machine's busy and total ticks. */
function cpuSnapshot() {
  const threads = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const what = kind(pid);
    if (!what) continue;
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      const comm = read(`/proc/${pid}/task/${tid}/comm`);
      if (!stat || !comm) continue;
      // Thread names without their numbers ("tokio-runtime-w", "DedicatedWorker thread").
      // Each worker on a row of its own (they share one name).
      const name = comm.trim().replace(/[\d-]+$/, "");
      const label = `${what}: ${name}${name === "DedicatedWorker" ? ` ${tid}` : ""}`;
      threads.set(`${pid}/${tid}`, { label, ticks: ticks(stat) });
    }
  }
  const cpu = read("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.reduce((a, b) => a + b, 0);
  return { threads, busy: total - idle, total, at: performance.now() };
}

/**
 * Watches a phase: snapshots every 200 ms (so that the time of a thread
 * that ends during the phase, a worker's, is counted up to its last
 * sample). `stop()` gives the report: the CPU seconds per process kind and
 * thread name, largest first, those under 1 % of the phase left out.
 */
export function cpuWatch() {
  const first = cpuSnapshot();
  const seen = new Map();
  const take = () => {
    const s = cpuSnapshot();
    for (const [id, t] of s.threads) seen.set(id, t);
    return s;
  };
  const timer = setInterval(take, 200);
  return {
    stop() {
      clearInterval(timer);
      return cpuReport(first, take(), seen);
    },
  };
}

function cpuReport(before, after, seen) {
  const seconds = (after.at - before.at) / 1000;
  const sums = new Map();
  for (const [id, t] of seen) {
    const spent = t.ticks - (before.threads.get(id)?.ticks ?? 0);
    if (spent > 0) sums.set(t.label, (sums.get(t.label) ?? 0) + spent / HZ);
  }
  const cores = availableParallelism();
  const busy = (100 * (after.busy - before.busy)) / (after.total - before.total);
  const rows = [...sums].sort((a, b) => b[1] - a[1]).filter(([, s]) => s >= 0.01 * seconds);
  const counted = [...sums.values()].reduce((a, b) => a + b, 0);
  return [
    `    CPU over ${seconds.toFixed(1)} s on ${cores} cores: machine ${busy.toFixed(0)} % busy (${((busy / 100) * cores * seconds).toFixed(1)} CPU s), of it Chromium and kluis-server ${counted.toFixed(1)} CPU s:`,
    ...rows.map(([label, s]) => `      ${s.toFixed(1).padStart(6)} s  ${((100 * s) / seconds).toFixed(0).padStart(3)} % of a core  ${label}`),
  ].join("\n");
}
