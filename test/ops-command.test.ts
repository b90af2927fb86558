// tools/ops/command.ts run(): a refusal prints as one line naming the problem, never a stack trace; a bug keeps its stack.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { RunError } from "@pulumi/pulumi/errors";
import { run } from "../tools/ops/command";
import { OpsError } from "../tools/ops/aws";
import { testIo } from "./ops-helpers";

test("a refusal (OpsError, Pulumi's RunError) prints as `error: <message>` and exits 1; any other error keeps its stack", async () => {
    for (const refusal of [new OpsError("no pipeline named shop"), new RunError("slipway:appName is not set")]) {
        const io = testIo();
        assert.equal(await run(io, async () => Promise.reject(refusal)), 1);
        assert.deepEqual(io.stderr, [`error: ${refusal.message}\n`], refusal.message);
    }
    const io = testIo();
    assert.equal(await run(io, async () => Promise.reject(new TypeError("x is undefined"))), 1);
    assert.match(io.stderr.join(""), /^error: TypeError: x is undefined\n\s+at /);
});
