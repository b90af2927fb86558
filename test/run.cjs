#!/usr/bin/env node
// `npm test`: the type-check and the whole suite, side by side.
// - `tsc -p .` (TypeScript 7, see TSC; incremental, see TSC_STATE) runs in its own process; its output is printed
//   after the tests, and it fails the run like a failing test does.
// - the suite is bundled (test/suite.ts, every test file, through tools/run.cjs as `npm run plan` is), then
// - `node --test` runs the shard entries (test/shards/*.cjs), one process per shard, each loading the
//   bundle and running its share of the test files in-process (test/shard.ts), every file's tests in a
//   suite named after it.
// Exit code 0 only when the type-check and every test pass. Arguments go to `node --test`
// (e.g. `npm test -- --test-name-pattern=registry`); `--no-typecheck` skips tsc.
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { bundle, CACHE } = require("../tools/run.cjs");

const ROOT = path.resolve(__dirname, "..");
const SHARDS = path.join(__dirname, "shards");
/**
 * The type-check's compiler: TypeScript 7, the native one (package typescript-native, an npm alias of
 * typescript@7), about a quarter of TypeScript 6's time here. The `typescript` package stays at 6 for
 * @pulumi/pulumi, whose peer range stops below 7. `--singleThreaded`: the shards already keep both cores
 * busy, and one checker thread does the same work in about two thirds of the CPU.
 */
const TSC = path.join(path.dirname(require.resolve("typescript-native/package.json")), "bin", "tsc");
/**
 * The type-check's incremental state (`--incremental`), beside this checkout's bundles (tools/run.cjs CACHE): tsc keeps
 * each file's hash and what it found, and checks again only the files a change can affect (with nothing
 * changed, about a third of a full check's CPU here). A fresh clone has none and checks everything.
 */
const TSC_STATE = path.join(CACHE, "npm-test.tsbuildinfo");

/**
 * PATH with a python3 of this run first: the interpreter itself (where python3 is a version manager's
 * shim: pyenv's is a bash script that runs `pyenv exec`, about 200 ms a call here), started with `-S`. The
 * suite runs the pipeline's shell scripts for real and they call python3 often; the scripts use only the
 * standard library, and `-S` skips the `site` module: the machine's site-packages and its `.pth` files (here
 * one imports certifi at every start: 70 ms a call against 15 ms). So a script that needs more than the
 * standard library, or site's `exit()`, fails here though CodeBuild's image might run it: stricter, never
 * more lenient. Unchanged when python3 is missing.
 * Returns PATH, and SLIPWAY_TEST_PYTHON3 (the wrapper) when it made one.
 * @param {string} dir a directory of this run, for the wrapper
 */
function pythonEnv(dir) {
    const PATH = process.env.PATH ?? "";
    const found = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
    const executable = found.status === 0 ? found.stdout.trim() : "";
    if (!executable) return { PATH };
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const wrapper = path.join(bin, "python3");
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${executable.replace(/'/g, "'\\''")}' -S "$@"\n`, { mode: 0o755 });
    // SLIPWAY_TEST_PYTHON3: the wrapper, for test/github-status.test.ts to check what the scripts run.
    return { PATH: `${bin}${path.delimiter}${PATH}`, SLIPWAY_TEST_PYTHON3: wrapper };
}

/**
 * The test files, relative to the repository: test/shard.ts testFiles()'s rule (*.test.ts in test/ and
 * test/components/). Part of the suite bundle's key, so a new or removed test file rebuilds it.
 */
function testFiles() {
    return ["test", "test/components"].flatMap((dir) =>
        fs
            .readdirSync(path.join(ROOT, dir))
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => `${dir}/${f}`)
            .sort(),
    );
}

/** The Node.js major version the README, the workflows' NODE_VERSION and .ci/run name. */
const NODE_MAJOR = 24;

/**
 * The other bundles the suite runs (tools/run.cjs): the plan thread's (test/plan-worker.cjs), and those of
 * the programs tests run as their own process (`node tools/run.cjs <entry>`: test/plan-cli.test.ts,
 * test/flags.test.ts, test/ops-credentials.test.ts, test/mock-engine.test.ts). One left out of this list
 * is still built, on first use: only a fresh clone's first run is slower.
 */
const PROCESS_BUNDLES = ["test/plan-worker-main.ts", "tools/plan/cli.ts", "tools/ops/metrics-command.ts", "test/entries/late-registration.ts"];

/** @param {import("child_process").ChildProcess} child @returns {Promise<number>} */
const exited = (child) => new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));

async function main() {
    const args = process.argv.slice(2);
    const typecheck = !args.includes("--no-typecheck");
    const testArgs = args.filter((a) => a !== "--no-typecheck");
    const node = process.execPath;

    let tscOutput = "";
    const tsc = typecheck ? spawn(node, [TSC, "-p", ".", "--singleThreaded", "--incremental", "--tsBuildInfoFile", TSC_STATE], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }) : undefined;
    tsc?.stdout.on("data", (d) => (tscOutput += d));
    tsc?.stderr.on("data", (d) => (tscOutput += d));
    const typeChecked = tsc ? exited(tsc) : Promise.resolve(0);

    const shards = fs
        .readdirSync(SHARDS)
        .filter((f) => f.endsWith(".cjs"))
        .sort()
        .map((f) => path.join("test", "shards", f));
    // The shards' plans, shared for this run (test/plan-worker-main.ts) and removed after it.
    const planCache = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-test-plans-"));
    // A larger young generation: the suite allocates fast (plans, policy documents), and fewer
    // scavenges cost about 5 % less CPU here. NODE_OPTIONS reaches the shards and what they start.
    const nodeOptions = [process.env.NODE_OPTIONS, "--max-semi-space-size=64"].filter(Boolean).join(" ");
    let suite;
    try {
        // Built side by side before the shards start: on a fresh clone, each one built on first use cost its
        // whole build while a shard waited for it, and both shards' plan threads built the same one at once.
        [suite] = await Promise.all([bundle("test/suite.ts", { key: testFiles().join("\n") }), ...PROCESS_BUNDLES.map((entry) => bundle(entry))]);
    } catch (err) {
        tsc?.kill("SIGTERM");
        throw err;
    }
    const env = { ...process.env, SLIPWAY_TEST_BUNDLE: suite, SLIPWAY_TEST_PLAN_CACHE: planCache, NODE_OPTIONS: nodeOptions, ...pythonEnv(planCache) };
    const tests = spawn(node, ["--test", `--test-concurrency=${shards.length}`, ...testArgs, ...shards], { cwd: ROOT, stdio: "inherit", env });
    const stop = () => {
        for (const child of [tsc, tests]) child?.kill("SIGTERM");
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);

    const testCode = await exited(tests);
    fs.rmSync(planCache, { recursive: true, force: true });
    const tscCode = await typeChecked;
    if (tscCode !== 0) process.stdout.write(`\ntsc -p . failed (exit ${tscCode}):\n${tscOutput}`);
    // The suite's speed is measured on the Node.js the README names; an older one passes it, in more time.
    if (Number(process.versions.node.split(".")[0]) < NODE_MAJOR) process.stderr.write(`\nnote: Node ${process.version}: slipway runs on Node.js ${NODE_MAJOR} LTS (README), where npm test takes about a third less time\n`);
    return testCode !== 0 ? testCode : tscCode;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        process.stderr.write(`test/run.cjs: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
