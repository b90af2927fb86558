// Plans fixture stacks, and runs component tests, on request from test/helpers.ts (test/plan-worker.cjs loads this file).
import { parentPort, workerData } from "worker_threads";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Plan, RunOptions, runUnderMocks } from "../tools/plan/mock-engine";
import { program } from "../stacks/program";
import { registeredTests, runningInPlanThread } from "./components/harness";

/**
 * A request: `id` pairs the answer with it. A plan (`key` is what it depends on, helpers.planKey), or a
 * component test to run (`test`: test/components/<file>.test.ts's test `name`, see harness.componentTests).
 */
export type PlanRequest = { id: number } & ({ key: string; opts: RunOptions } | { test: { file: string; name: string } });

/** The answer: the plan, a component test that passed, or the error a run or test failed with (its message, and a test's stack). */
export type PlanAnswer = { id: number; plan: unknown } | { id: number; passed: true } | { id: number; error: string; stack?: string };

/** The fixture stack files (test/helpers.ts FIXTURES): this file runs bundled, away from test/. */
const FIXTURES = (workerData as { fixtures: string }).fixtures;

/**
 * Plans already made in this `npm test` run by any shard: test/run.cjs gives every shard one fresh
 * directory (SLIPWAY_TEST_PLAN_CACHE) and removes it afterwards, so a plan is made once per run, not once
 * per shard. A plan is the plan JSON (the contract, docs/plan-format.md), written whole under a
 * temporary name and renamed into place, so a reader never sees half of one.
 */
const SHARED = process.env.SLIPWAY_TEST_PLAN_CACHE;

function shared(key: string): string | undefined {
    return SHARED ? path.join(SHARED, `${crypto.createHash("sha256").update(key).digest("hex")}.json`) : undefined;
}

/** Runs a component test registered by its file (loaded on the first of its tests: esbuild bundles every file the pattern matches). */
async function componentTest(file: string, name: string): Promise<void> {
    runningInPlanThread();
    if (!registeredTests.has(file)) require(`./components/${file}.test.ts`);
    const run = registeredTests.get(file)?.get(name);
    if (!run) throw new Error(`test/components/${file}.test.ts has no component test named ${JSON.stringify(name)}`);
    await run();
}

async function plan({ key, opts }: { key: string; opts: RunOptions }): Promise<Plan> {
    // A plan with secrets in clear (revealSecrets, fixture values only) stays in memory.
    const file = opts.revealSecrets ? undefined : shared(key);
    if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
    const stackDir = opts.stackDir ?? FIXTURES;
    // A failed plan answers with its message only (the tests read nothing else): no traced second run.
    const made = await runUnderMocks({ ...opts, stackDir, retraceFailures: false }, () => program({ stackDir }));
    if (file) {
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify(made));
        fs.renameSync(partial, file);
    }
    return made;
}

let firstPlanMade: () => void = () => undefined;
/** Settles when the first plan is answered: test/plan-worker.cjs then keeps V8's code cache of this thread's bundle. */
export const firstPlan = new Promise<void>((resolve) => (firstPlanMade = resolve));

const port = parentPort;
if (!port) throw new Error("test/plan-worker-main.ts runs as a worker thread (test/plan-worker.cjs)");
port.on("message", (request: PlanRequest) => {
    if ("test" in request) {
        componentTest(request.test.file, request.test.name).then(
            () => port.postMessage({ id: request.id, passed: true } satisfies PlanAnswer),
            (err: unknown) => port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined } satisfies PlanAnswer),
        );
        return;
    }
    plan(request).then(
        (made) => {
            port.postMessage({ id: request.id, plan: made } satisfies PlanAnswer);
            firstPlanMade();
        },
        (err: unknown) => port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies PlanAnswer),
    );
});
