// The thread test/helpers.ts plans fixture stacks in (see planInWorker there). A worker thread is
// its own isolate: the test runner's promise tracking (node:test installs an async hook that sees
// every promise of its thread) does not reach it, and a plan makes hundreds of thousands of promises.
// tsx's CommonJS hook lets the thread require the TypeScript program.
"use strict";
require("tsx/cjs");
require("./plan-worker-main.ts");
