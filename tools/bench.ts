// Benchmark of the offline plan, side by side with the CDK anchor of the same pipeline, in one run:
// every command is timed as a whole process (wall time, peak RSS), several runs, medians compared.
//
//   npm run bench [-- --runs 5] [--no-anchor] [--no-test] [--json <file>]
//
// Peak RSS comes from GNU time (`/usr/bin/time -f "%M %U %S"`, the max RSS of the largest process in
// the tree, as getrusage(RUSAGE_CHILDREN) reports it, plus user and system CPU seconds, which other
// load on the machine barely changes) or, without it, from polling /proc/<pid>/status VmHWM of the
// process tree every 5 ms (no CPU figure then). Targets (issue 7): all stacks planned together in at most 1/3 of CDK's
// synth time and at most 1/2 of its peak memory; `npm test` under 30 s on 2 cores (issue 13).
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { numberFlag, parseFlags } from "./flags";
import { listStacks } from "./plan/stack-config";

const ROOT = path.resolve(__dirname, "..");
const GNU_TIME = "/usr/bin/time";
export const TIME_TARGET = 1 / 3;
export const MEMORY_TARGET = 1 / 2;
export const TEST_TARGET_SECONDS = 30;

export interface Sample {
    seconds: number;
    /** Peak resident set size in MB (10^6 bytes), or null when it could not be measured. */
    peakMB: number | null;
    /** User + system CPU seconds of the process tree, or null without GNU time. */
    cpuSeconds?: number | null;
}

export interface Measured {
    label: string;
    command: string[];
    samples: Sample[];
    medianSeconds: number;
    medianPeakMB: number | null;
    medianCpuSeconds: number | null;
}

export function median(values: number[]): number {
    if (!values.length) throw new Error("median of no values");
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Parses the last line GNU time printed with `-f "%M %U %S"`: peak RSS (KiB) into MB, CPU seconds. */
export function parseGnuTime(stderr: string): { peakMB: number | null; cpuSeconds: number | null } {
    const lines = stderr.trim().split("\n");
    const [kb, user, sys] = (lines[lines.length - 1] ?? "").trim().split(/\s+/).map(Number);
    return {
        peakMB: Number.isFinite(kb) && kb > 0 ? (kb * 1024) / 1e6 : null,
        cpuSeconds: Number.isFinite(user) && Number.isFinite(sys) ? user + sys : null,
    };
}

export function measured(label: string, command: string[], samples: Sample[]): Measured {
    const peaks = samples.map((s) => s.peakMB).filter((m): m is number => m !== null);
    return {
        label,
        command,
        samples,
        medianSeconds: median(samples.map((s) => s.seconds)),
        medianPeakMB: peaks.length === samples.length ? median(peaks) : null,
        medianCpuSeconds: samples.every((s) => typeof s.cpuSeconds === "number") ? median(samples.map((s) => s.cpuSeconds as number)) : null,
    };
}

export interface Verdict {
    timeRatio: number;
    memoryRatio: number | null;
    timeOk: boolean;
    memoryOk: boolean | null;
}

/** Ours over the anchor's, medians, against the issue's targets. */
export function compare(ours: Measured, anchor: Measured): Verdict {
    const timeRatio = ours.medianSeconds / anchor.medianSeconds;
    const memoryRatio = ours.medianPeakMB !== null && anchor.medianPeakMB !== null ? ours.medianPeakMB / anchor.medianPeakMB : null;
    return {
        timeRatio,
        memoryRatio,
        timeOk: timeRatio <= TIME_TARGET,
        memoryOk: memoryRatio === null ? null : memoryRatio <= MEMORY_TARGET,
    };
}

function descendants(pid: number): number[] {
    // /proc/<pid>/task/<pid>/children lists direct children (Linux ≥ 3.5).
    const out = [pid];
    for (let i = 0; i < out.length; i++) {
        try {
            const kids = fs.readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, "utf8").trim();
            if (kids) out.push(...kids.split(/\s+/).map(Number));
        } catch {
            // the process has exited
        }
    }
    return out;
}

function hwmKb(pid: number): number {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : 0;
    } catch {
        return 0;
    }
}

/** Runs a command once as a whole process; throws when it fails. */
export async function runOnce(command: string[], cwd = ROOT): Promise<Sample> {
    const useGnuTime = fs.existsSync(GNU_TIME);
    const argv = useGnuTime ? [GNU_TIME, "-f", "%M %U %S", ...command] : command;
    const start = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let polledKb = 0;
    const canPoll = !useGnuTime && fs.existsSync("/proc/self/status");
    const poll = canPoll
        ? setInterval(() => {
              if (child.pid) for (const p of descendants(child.pid)) polledKb = Math.max(polledKb, hwmKb(p));
          }, 5)
        : undefined;
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (poll) clearInterval(poll);
    if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`);
    if (useGnuTime) return { seconds, ...parseGnuTime(stderr) };
    return { seconds, peakMB: polledKb ? (polledKb * 1024) / 1e6 : null, cpuSeconds: null };
}

interface Candidate {
    label: string;
    command: string[];
}

/**
 * One untimed warm-up each (installs, bundles, caches), then `runs` rounds in which every command
 * runs once, in turn: interleaved, so load from elsewhere on the machine falls on all of them alike.
 */
async function benchInterleaved(candidates: Candidate[], runs: number, log: (s: string) => void): Promise<Measured[]> {
    for (const c of candidates) {
        log(`  warm-up: ${c.label}\n`);
        await runOnce(c.command);
    }
    const samples: Sample[][] = candidates.map(() => []);
    for (let i = 0; i < runs; i++) {
        log(`  round ${i + 1}/${runs}\n`);
        for (const [k, c] of candidates.entries()) samples[k].push(await runOnce(c.command));
    }
    const results = candidates.map((c, k) => measured(c.label, c.command, samples[k]));
    for (const m of results) log(`  ${m.label}: ${fmt(m)}\n`);
    return results;
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const mb = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(0)} MB`);
const fmt = (m: Measured) =>
    `median ${m.medianSeconds.toFixed(2)} s (min ${Math.min(...m.samples.map((s) => s.seconds)).toFixed(2)}, max ${Math.max(...m.samples.map((s) => s.seconds)).toFixed(2)}), CPU ${m.medianCpuSeconds === null ? "n/a" : `${m.medianCpuSeconds.toFixed(2)} s`}, peak RSS ${mb(m.medianPeakMB)}`;

interface BenchOptions {
    runs: number;
    anchor: boolean;
    test: boolean;
    json?: string;
}

export class BenchUsageError extends Error {}

const BENCH_USAGE = "usage: npm run bench [-- --runs N] [--no-anchor] [--no-test] [--json <file>]";

const BENCH_FLAGS = {
    runs: { type: "string" },
    // Node 20's parseArgs has no allowNegative: the --no- flags are flags of their own.
    "no-anchor": { type: "boolean" },
    "no-test": { type: "boolean" },
    json: { type: "string" },
} as const;

export function parseBenchArgs(argv: string[]): BenchOptions {
    const fail = (m: string) => new BenchUsageError(m);
    const v = parseFlags(argv, BENCH_FLAGS, BENCH_USAGE, fail);
    const opts: BenchOptions = {
        runs: v.runs === undefined ? 5 : numberFlag("--runs", v.runs, { min: 1, integer: true }, fail),
        anchor: v["no-anchor"] !== true,
        test: v["no-test"] !== true,
    };
    if (v.json !== undefined) opts.json = v.json;
    return opts;
}

/** The arguments package.json's `npm run <script>` gives node (`node <flags> tools/run.cjs <entry>`), paths from the repository. */
export function npmScriptArgs(script: string): string[] {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
    const [command, ...args] = (scripts[script] ?? "").trim().split(/\s+/);
    if (command !== "node" || !args.length) throw new Error(`package.json's ${script} script is not a node command line: ${JSON.stringify(scripts[script])}`);
    return args.map((a) => (a.startsWith("-") ? a : path.join(ROOT, a)));
}

export async function main(argv: string[]): Promise<number> {
    const opts = parseBenchArgs(argv);
    const log = (s: string) => process.stdout.write(s);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bench-"));
    const node = process.execPath;
    const tsxCli = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    // `npm run plan` without npm's own start-up (~0.3 s), like the anchor's `node dist/app.js`: the script's
    // own command line (its node flags too), with this node.
    const fast = [node, ...npmScriptArgs("plan")];
    const stacks = listStacks(ROOT);
    log(`slipway bench, ${new Date().toISOString()}: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${opts.runs} runs each\n`);
    log(`peak RSS from ${fs.existsSync(GNU_TIME) ? "GNU time (%M %U %S)" : "/proc VmHWM polling"}; stacks: ${stacks.join(", ")}; load average ${loadavg()}\n\n`);

    const fastDir = path.join(out, "fast");
    const tsxDir = path.join(out, "tsx");
    const candidates: Candidate[] = [
        { label: "plan --all (npm run plan, bundled)", command: [...fast, "--all", "--json-dir", fastDir, "--quiet"] },
        { label: "plan --all (tsx, unbundled)", command: [node, tsxCli, "tools/plan/cli.ts", "--all", "--json-dir", tsxDir, "--quiet"] },
        ...stacks.map((stack) => ({ label: `plan --stack ${stack} (npm run plan)`, command: [...fast, "--stack", stack, "--json", path.join(out, `${stack}.json`), "--quiet"] })),
    ];
    const anchorScript = path.resolve(ROOT, "..", "shared", "bench", "cdk-anchor", "run.sh");
    const anchorLabel = "cdk synth (CDK anchor, run.sh)";
    if (!opts.anchor) log("CDK anchor skipped (--no-anchor)\n");
    else if (!fs.existsSync(anchorScript)) log(`CDK anchor not found at ${anchorScript} (shared/ beside the repo): skipping the comparison\n`);
    else candidates.push({ label: anchorLabel, command: ["bash", anchorScript] });

    const results = await benchInterleaved(candidates, opts.runs, log);
    // The fast path is only worth timing if it plans exactly what the program plans.
    const differing = stacks.filter((s) => fs.readFileSync(path.join(fastDir, `${s}.json`), "utf8") !== fs.readFileSync(path.join(tsxDir, `${s}.json`), "utf8"));
    if (differing.length) throw new Error(`the bundled and unbundled plans disagree on ${differing.join(", ")}: fix tools/run.cjs before trusting its timings`);
    log(`  plans of the bundled and unbundled runs identical for ${stacks.length} stacks\n`);

    let code = 0;
    const all = results[0];
    const anchor = results.find((r) => r.label === anchorLabel);
    if (anchor) {
        log("\nOurs / CDK (medians):\n");
        for (const m of results.filter((r) => r !== anchor)) {
            const v = compare(m, anchor);
            const mem = v.memoryRatio === null ? "n/a" : v.memoryRatio.toFixed(2);
            const cpu = m.medianCpuSeconds !== null && anchor.medianCpuSeconds ? (m.medianCpuSeconds / anchor.medianCpuSeconds).toFixed(2) : "n/a";
            log(`  ${m.label.padEnd(46)} time ${v.timeRatio.toFixed(2)}  CPU ${cpu}  memory ${mem}\n`);
        }
        const v = compare(all, anchor);
        const ok = (b: boolean | null) => (b === null ? "not measured" : b ? "met" : "MISSED");
        log(`\nTarget, all stacks together (npm run plan): time ≤ ${TIME_TARGET.toFixed(2)} × CDK: ${ok(v.timeOk)}; memory ≤ ${MEMORY_TARGET.toFixed(2)} × CDK: ${ok(v.memoryOk)}\n`);
        if (!v.timeOk || v.memoryOk === false) code = 2;
    }

    if (opts.test) {
        log("\n  npm test: running once (type-check + every test)…");
        const start = process.hrtime.bigint();
        const r = spawnSync("npm", ["test"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        // The machine's speed swings by half within minutes: the anchor, timed in this same run, says how fast it was.
        const scale = anchor ? `, ${(seconds / anchor.medianSeconds).toFixed(1)} × the CDK anchor's median this run` : "";
        log(`\r  npm test: ${seconds.toFixed(1)} s (exit ${r.status}${scale}), target < ${TEST_TARGET_SECONDS} s on ${os.cpus().length} cores: ${seconds < TEST_TARGET_SECONDS ? "met" : "MISSED"}\n`);
        results.push({ label: "npm test", command: ["npm", "test"], samples: [{ seconds, peakMB: null }], medianSeconds: seconds, medianPeakMB: null, medianCpuSeconds: null });
        if (r.status !== 0 || seconds >= TEST_TARGET_SECONDS) code = code || 2;
    }
    log(`\nload average at the end: ${loadavg()} (other work on the machine slows wall times, not CPU or memory)\n`);
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), cores: os.cpus().length, node: process.version, results }, null, 2) + "\n");
    fs.rmSync(out, { recursive: true, force: true });
    return code;
}

/** The command line: runs main(), printing any error as one line (bench errors carry their own explanation); resolves to the exit code. */
export function cli(argv: string[]): Promise<number> {
    return main(argv).catch((err: unknown) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    });
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
