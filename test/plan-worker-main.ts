// Plans fixture stacks on request from test/helpers.ts (test/plan-worker.cjs loads this file).
import { parentPort } from "worker_threads";
import * as path from "path";
import { RunOptions, runUnderMocks } from "../tools/plan/mock-engine";
import { program } from "../stacks/program";

/** A plan request: `id` pairs the answer with it. */
export interface PlanRequest {
    id: number;
    opts: RunOptions;
}

/** The answer: the plan, or the message of the error the run failed with. */
export type PlanAnswer = { id: number; plan: unknown } | { id: number; error: string };

const FIXTURES = path.join(__dirname, "fixtures");
const port = parentPort;
if (!port) throw new Error("test/plan-worker-main.ts runs as a worker thread (test/plan-worker.cjs)");
port.on("message", ({ id, opts }: PlanRequest) => {
    runUnderMocks(opts, () => program({ stackDir: FIXTURES })).then(
        (plan) => port.postMessage({ id, plan } satisfies PlanAnswer),
        (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies PlanAnswer),
    );
});
