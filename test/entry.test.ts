// index.ts, the program's entry point under `pulumi up`/`preview`.
import { test } from "node:test";
import * as assert from "node:assert/strict";

test("the entry point exports a function, which the Pulumi runtime calls and awaits at once: loading it runs nothing", async () => {
    // As the runtime loads a CommonJS program (cmd/run/run.js: require, then `exported instanceof Function ? exported() : exported`).
    const entry: unknown = require("../index");
    assert.equal(typeof entry, "function");
    assert.ok(entry instanceof Function);
});
