// The suite as one bundle (test/run.cjs builds it with tools/run.cjs, as the plan thread and `npm run plan`
// are built): every test file is in it, and a shard (test/shards/*.cjs) loads it once and runs its share.
// Loading the bundle with V8's code cache takes about a tenth of the CPU of compiling the program, the
// providers and every test file through tsx in each shard.
import { runShard } from "./shard";

/** Requires a test file (relative to test/) from the bundle: esbuild bundles every file each pattern matches. */
function load(file: string): unknown {
    const inComponents = /^components\/([^/]+)\.test\.ts$/.exec(file);
    if (inComponents) return require(`./components/${inComponents[1]}.test.ts`);
    const top = /^([^/]+)\.test\.ts$/.exec(file);
    if (top) return require(`./${top[1]}.test.ts`);
    throw new Error(`test/suite.ts: ${file} is not a test file of test/ or test/components/`);
}

/** Registers shard `n`'s files (test/shard.ts). */
export function run(n: number): void {
    runShard(n, undefined, load);
}
