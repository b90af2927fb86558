// Shared test helpers: run the real program for a shipped stack (optionally with config changed) under
// the mock engine, and look resources up in the resulting plan.
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as esbuild from "esbuild";
import * as path from "path";
import { Worker } from "worker_threads";
import { Plan, PlannedResource, RunOptions } from "../tools/plan/mock-engine";
import { loadStackConfig } from "../tools/plan/stack-config";
import type { PlanAnswer, PlanRequest } from "./plan-worker-main";

export const ROOT = path.resolve(__dirname, "..");
/**
 * slipway's own stack files. The repository root's Pulumi.<stack>.yaml are examples a user rewrites
 * for their app (checked by `npm run check`); the tests never read them, so they stay green when a
 * user does. Pulumi.yaml here is a link to the project's.
 */
export const FIXTURES = path.join(__dirname, "fixtures");

export interface Overrides {
    /** `namespace:key` → new plain value, or null to remove the key. */
    set?: Record<string, string | null>;
    /** `namespace:key` → new value that is marked secret (as `pulumi config set --secret` would). */
    secret?: Record<string, string>;
    /** Plan under another stack name (e.g. a review stack made from staging's config). */
    stackName?: string;
    /** Record secret inputs in clear (to follow a rotated value to its consumer). */
    revealSecrets?: boolean;
    /** Plan a stack of another fixture directory (e.g. test/fixtures/review-restore), its stack files read there. @default FIXTURES */
    dir?: string;
}

/**
 * Plans a fixture stack (test/fixtures/Pulumi.<stack>.yaml) with optional config overrides. A plan is the
 * suite's expensive unit (the whole program under the mock engine), and many tests plan the same stack
 * with the same config: plans are memoized in the process by everything a run receives (project, stack
 * name, config, secret keys, revealSecrets), and each caller gets its own deep copy to read or change.
 */
export async function planStack(stack: string, overrides: Overrides = {}): Promise<Plan> {
    const cfg = fixtureConfig(stack, overrides.dir);
    const config = { ...cfg.config };
    const secretKeys = new Set(cfg.secretKeys);
    // The fixture's CI secrets belong to its own pipeline's environments: another pipeline starts with none.
    if (overrides.set?.["slipway:pipelineStacks"] && !("slipway:ciSecrets" in overrides.set)) config["slipway:ciSecrets"] = "{}";
    for (const [k, v] of Object.entries(overrides.set ?? {})) {
        if (v === null) delete config[k];
        else config[k] = v;
    }
    for (const [k, v] of Object.entries(overrides.secret ?? {})) {
        config[k] = v;
        secretKeys.add(k);
    }
    const opts: RunOptions = { project: cfg.project, stack: overrides.stackName ?? stack, config, secretKeys: [...secretKeys], revealSecrets: overrides.revealSecrets, ...(overrides.dir ? { stackDir: overrides.dir } : {}) };
    return structuredClone(await memoizedPlan(opts));
}

/** The fixture stack files, read once per process (the suite never changes them; callers copy what they change). */
const fixtureConfigs = new Map<string, ReturnType<typeof loadStackConfig>>();
function fixtureConfig(stack: string, dir = FIXTURES): ReturnType<typeof loadStackConfig> {
    const at = dir === FIXTURES ? stack : `${dir}/${stack}`;
    let cfg = fixtureConfigs.get(at);
    if (!cfg) {
        cfg = loadStackConfig(dir, stack);
        fixtureConfigs.set(at, cfg);
    }
    return cfg;
}

/** Plans made in this process, by planKey. */
const plans = new Map<string, Promise<Plan>>();

/** What a plan depends on besides the fixture files: everything its run receives (config keys sorted). */
export function planKey(opts: RunOptions): string {
    const config = Object.entries(opts.config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([opts.project, opts.stack, config, [...opts.secretKeys].sort(), opts.revealSecrets === true, ...(opts.stackDir ? [opts.stackDir] : [])]);
}

function memoizedPlan(opts: RunOptions): Promise<Plan> {
    const key = planKey(opts);
    let plan = plans.get(key);
    if (!plan) {
        plan = planInWorker(key, opts);
        plans.set(key, plan);
        // A failed plan is not kept: every test that expects a rejection gets its own run and error.
        plan.catch(() => plans.delete(key));
    }
    return plan;
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (answer: PlanAnswer) => void; reject: (e: Error) => void }>();

/**
 * Plans in the suite's plan thread (test/plan-worker.cjs), the same program and mock engine as
 * runUnderMocks here, at about two thirds of the cost: the test runner's promise tracking stays in this
 * thread. The thread keeps the process alive only while a plan is awaited.
 */
function planInWorker(key: string, opts: RunOptions): Promise<Plan> {
    return askPlanThread({ key, opts }).then((answer) => ("plan" in answer ? (answer.plan as Plan) : Promise.reject(new Error("the plan thread answered a plan request with no plan"))));
}

/**
 * Runs the component test `name` of test/components/<file>.test.ts in the plan thread, where its
 * builds run as the fixture plans do (test/components/harness.ts componentTests); resolves when it
 * passes, rejects with its error (message and stack) when it fails.
 */
export function runComponentTest(file: string, name: string): Promise<void> {
    return askPlanThread({ test: { file, name } }).then(() => undefined);
}

function askPlanThread(request: Omit<PlanRequest, "id">): Promise<PlanAnswer> {
    if (!worker) {
        worker = new Worker(path.join(__dirname, "plan-worker.cjs"), { workerData: { fixtures: FIXTURES } });
        worker.on("message", (answer: PlanAnswer) => {
            const w = waiting.get(answer.id);
            if (!w) return;
            waiting.delete(answer.id);
            if (waiting.size === 0) worker?.unref();
            if ("error" in answer) w.reject(Object.assign(new Error(answer.error), answer.stack ? { stack: answer.stack } : {}));
            else w.resolve(answer);
        });
        worker.on("error", (err) => {
            for (const w of waiting.values()) w.reject(err);
            waiting.clear();
            worker = undefined;
        });
    }
    const id = nextId++;
    worker.ref();
    return new Promise<PlanAnswer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker?.postMessage({ id, ...request } as PlanRequest);
    });
}

/** Every resource of a type (optionally with a given logical name). */
export function all(plan: Plan, type: string, name?: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
}

/** The one resource of a type (and name); throws when there is not exactly one. */
export function one(plan: Plan, type: string, name?: string): PlannedResource {
    const found = all(plan, type, name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
}

/** The resource's input parsed as JSON (policy documents, container definitions, buildspecs). */
export function json<T = unknown>(r: PlannedResource, input: string): T {
    const v = r.inputs[input];
    if (typeof v !== "string") throw new Error(`${r.type} ${r.name}.${input} is not a string: ${JSON.stringify(v)}`);
    return JSON.parse(v) as T;
}

/** Children of a component (direct). */
export function childrenOf(plan: Plan, parent: PlannedResource): PlannedResource[] {
    return plan.resources.filter((r) => r.parent === parent.urn);
}

/** Runs `fn` expecting it to reject; returns the error message. */
export async function rejection(fn: () => Promise<unknown>): Promise<string> {
    try {
        await fn();
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    throw new Error("expected a rejection, but it resolved");
}

/**
 * Runs one of slipway's commands as a user's `npm run` does: `node tools/run.cjs <script> …args` (the
 * bundled program, tools/run.cjs), in `cwd`. Returns the finished process (status, stdout, stderr).
 */
export function cli(script: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [path.join(ROOT, "tools", "run.cjs"), path.join(ROOT, script), ...args], { cwd: opts.cwd ?? FIXTURES, env: opts.env, encoding: "utf8" });
}

/** Runs tools/plan/cli.ts main() in this process, in `dir`, with stdout captured and its plans made in the plan thread; returns its exit code and output. */
export async function runMain(argv: string[], dir = FIXTURES): Promise<{ code: number; out: string }> {
    const { main } = await import("../tools/plan/cli");
    let code = 0;
    const out = await capturing(process.stdout, async () => void (code = await main(argv, dir, planInThread)));
    return { code, out };
}

/** The command's plans, made in the plan thread as every fixture plan is (the command's own planner is planHere); each caller gets a copy. */
const planInThread = async (opts: RunOptions): Promise<Plan> => structuredClone(await memoizedPlan(opts));

/**
 * Runs `fn` with the text it writes to `stream` kept, not printed; resolves to that text. Binary chunks
 * pass through: the test runner reports to its parent through this process's stdout in them.
 */
export async function capturing(stream: NodeJS.WriteStream, fn: () => Promise<void>): Promise<string> {
    const write = stream.write.bind(stream);
    let text = "";
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (typeof chunk !== "string") return (write as (c: Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
        text += chunk;
        return true;
    }) as typeof stream.write;
    try {
        await fn();
        return text;
    } finally {
        stream.write = write;
    }
}

/**
 * Runs tools/plan/cli.ts cli() in this process, in `dir` (with `env` set meanwhile), as `npm run plan` runs it:
 * its plans made in the plan thread, stdout and stderr captured. Resolves to its exit code and output.
 */
export async function runCli(argv: string[], opts: { dir?: string; env?: Record<string, string> } = {}): Promise<{ code: number; out: string; err: string }> {
    const { cli } = await import("../tools/plan/cli");
    const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
    Object.assign(process.env, opts.env);
    try {
        let code = 0;
        let out = "";
        const err = await capturing(process.stderr, async () => void (out = await capturing(process.stdout, async () => void (code = await cli(argv, opts.dir ?? FIXTURES, planInThread)))));
        return { code, out, err };
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    }
}

/** The packages `file` loads, through every module of ours it imports (esbuild's import graph; type-only imports load nothing). */
export function packagesLoaded(file: string): string[] {
    const { metafile } = esbuild.buildSync({ entryPoints: [file], bundle: true, write: false, metafile: true, platform: "node", packages: "external", logLevel: "silent" });
    return [...new Set(Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)))].sort();
}
