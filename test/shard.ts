// Runs test files in one process, so what they share is made once: the fixture plans (test/helpers.ts
// memoizes them), the IAM decisions (tools/check/iam-sim.ts), and the loaded program and provider
// modules. Node 20's `node --test` gives every file its own process, where nothing is shared (each one
// loads @pulumi/aws and plans its fixtures again); `npm test` (test/run.cjs) runs SHARDS such processes
// side by side, one per core. Each file's tests run inside a suite named after the file
// (`test/iam.test.ts`), so a failure names its file and test, and a file's top-level hooks stay the file's.
import { describe } from "node:test";
import * as fs from "fs";
import * as path from "path";

/** One shard per core of the 2-core machines CI and the speed target assume. */
export const SHARDS = 2;

/**
 * Seconds each file costs in a shard that has already loaded the program (test/shard-costs.json,
 * rewritten by `npm run test:costs`). Only the balance between shards depends on it: a file that is
 * not listed counts as one second, and every file runs whatever the table says.
 */
function costs(): Record<string, number> {
    const file = path.join(__dirname, "shard-costs.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>) : {};
}

/** The suite's test files, relative to test/: *.test.ts and components/*.test.ts. */
export function testFiles(): string[] {
    const under = (dir: string) =>
        fs
            .readdirSync(path.join(__dirname, dir))
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => path.posix.join(dir, f));
    return [...under("."), ...under("components")].sort();
}

/** Which files each shard runs: heaviest first, each onto the shard with the least cost so far. */
export function assign(files: string[], shards = SHARDS, cost: Record<string, number> = costs()): string[][] {
    const weight = (f: string) => cost[f] ?? 1;
    const order = [...files].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1));
    const out: string[][] = Array.from({ length: shards }, () => []);
    const load = new Array<number>(shards).fill(0);
    for (const f of order) {
        const i = load.indexOf(Math.min(...load));
        out[i].push(f);
        load[i] += weight(f);
    }
    return out.map((s) => s.sort());
}

/**
 * Registers shard `n`'s files (0-based), each as a suite named after the file. `load` requires a file
 * (relative to test/): from the suite's bundle in `npm test` (test/suite.ts), through tsx otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export function runShard(n: number, shards = SHARDS, load: (file: string) => unknown = (file) => require(path.join(__dirname, file))): void {
    const timings = process.env.SLIPWAY_TEST_COSTS;
    for (const file of assign(testFiles(), shards)[n]) {
        describe(`test/${file}`, () => {
            if (timings) {
                const { before, after } = require("node:test") as typeof import("node:test");
                let started = 0;
                before(() => void (started = performance.now()));
                after(() => fs.appendFileSync(timings, `${JSON.stringify({ file, seconds: (performance.now() - started) / 1000 })}\n`));
            }
            // The file's tests register into this suite as the module loads.
            load(file);
        });
    }
}
