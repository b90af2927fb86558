// The thread test/helpers.ts plans fixture stacks in (see planInWorker there). A worker thread is
// its own isolate: the test runner's promise tracking (node:test installs an async hook that sees
// every promise of its thread) does not reach it, and a plan makes hundreds of thousands of promises.
// It runs test/plan-worker-main.ts bundled, as `npm run plan` runs the CLI (tools/run.cjs: one esbuild
// bundle with V8's code cache), which loads in about a tenth of the time tsx takes to compile the program.
"use strict";
const { bundle, load } = require("../tools/run.cjs");

bundle("test/plan-worker-main.ts").then(
    (file) => load(file, { cacheAfter: (exports) => exports.firstPlan }),
    (err) => {
        throw err;
    },
);
