// npm run rollback against the recorded responses (test/fixtures/ops/README.md): Production runs E5
// (e5e5e5e); its earlier successes are R2 (a rollback), E3 (c3c3c3c), R1 (a rollback), E1 (a1a1a1a, on
// pipeline version 2; the pipeline is at 3) and E0.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import { GetPipelineStateCommand, RollbackStageCommand } from "@aws-sdk/client-codepipeline";
import { cli, resolveTarget } from "../tools/ops/rollback-command";
import type { Execution } from "../tools/ops/history";
import { awsError, fixture, ID, mockRecordedAws, PIPELINE, SHA, testIo, restoreAws } from "./ops-helpers";

after(restoreAws);

const env = { PIPELINE_NAME: PIPELINE };
const rollbacks = (m: Awaited<ReturnType<typeof mockRecordedAws>>) => m.codepipeline.commandCalls(RollbackStageCommand).map((c) => c.args[0].input);

test("without a terminal and without --yes: refused after showing what it would do, nothing rolled back", async () => {
    const m = await mockRecordedAws();
    const io = testIo({ env, isTTY: false });
    assert.equal(await cli(["--stack", "production", "--to", "c3c3c3c"], io), 1);
    const err = io.stderr.join("");
    assert.match(err, /roll Production \(production\) back\n {2}from e5e5e5e \(execution 00000005-.*Fix the checkout\)\n {2}to {3}c3c3c3c \(execution 00000003-.*\)\n {2}NOTE: that release was itself rolled back \(by execution 00000008-0000-4000-8000-000000000008, 2026-11-21T08:00:00\.000Z\)\n/);
    assert.match(err, /error: not rolled back: there is no terminal to confirm on\. Run it in a terminal, or pass --yes to confirm in advance\n$/);
    assert.deepEqual(io.asked, []);
    assert.deepEqual(rollbacks(m), []);
});

test("at a terminal: typing the stack name rolls back", async () => {
    const m = await mockRecordedAws();
    const io = testIo({ env, isTTY: true, answers: ["production\n"] });
    assert.equal(await cli(["--stack", "production", "--to", "c3c3c3c"], io), 0, io.stderr.join(""));
    assert.deepEqual(io.asked, ["Type the stack name (production) to roll back: "]);
    assert.deepEqual(rollbacks(m), [{ pipelineName: PIPELINE, stageName: "Production", targetPipelineExecutionId: ID.E3 }]);
    assert.match(io.stdout.join(""), /^rollback execution 00000009-0000-4000-8000-000000000010 started: Production → c3c3c3c\. Watch it: npm run status -- --stack production\n$/);
});

test("at a terminal: any other answer rolls nothing back", async () => {
    for (const answer of ["", "y", "yes", "staging", "Production"]) {
        const m = await mockRecordedAws();
        const io = testIo({ env, isTTY: true, answers: [answer] });
        assert.equal(await cli(["--stack", "production", "--to", "c3c3c3c"], io), 1, answer);
        assert.match(io.stderr.join(""), /error: not rolled back: ".*" is not production\. Nothing changed\n$/);
        assert.deepEqual(rollbacks(m), []);
    }
});

test("without --to: the newest earlier success with another commit that no rollback undid (E1: E3 was undone by R2)", async () => {
    const m = await mockRecordedAws();
    const io = testIo({ env, isTTY: false });
    // E1 ran on pipeline version 2: refused, as CodePipeline would.
    assert.equal(await cli(["--stack", "production", "--yes"], io), 1);
    assert.match(io.stderr.join(""), /execution 00000001-0000-4000-8000-000000000001 ran on pipeline version 2/);
    assert.deepEqual(rollbacks(m), []);
});

test("--yes confirms in advance, without a terminal", async () => {
    const m = await mockRecordedAws();
    const io = testIo({ env, isTTY: false });
    assert.equal(await cli(["--stack", "production", "--yes", "--to", "c3c3c3c"], io), 0, io.stderr.join(""));
    assert.deepEqual(io.asked, []);
    assert.deepEqual(rollbacks(m).map((r) => r.targetPipelineExecutionId), [ID.E3]);
});

test("--to a commit sha (a prefix of it) resolves to the standard execution that ran it", async () => {
    const m = await mockRecordedAws();
    assert.equal(await cli(["--stack", "production", "--yes", "--to", "C3C3C3C"], testIo({ env })), 0);
    assert.deepEqual(rollbacks(m).map((r) => r.targetPipelineExecutionId), [ID.E3]);
    const byId = await mockRecordedAws();
    assert.equal(await cli(["--stack", "production", "--yes", "--to", ID.E3], testIo({ env })), 0);
    assert.deepEqual(rollbacks(byId).map((r) => r.targetPipelineExecutionId), [ID.E3]);
});

test("--to a commit whose only success is on an older pipeline version: refused before AWS would", async () => {
    const m = await mockRecordedAws();
    // a1a1a1a ran in E1 (pipeline version 2) and was redeployed by R1 and R2, which are rollbacks.
    const io = testIo({ env });
    assert.equal(await cli(["--stack", "production", "--yes", "--to", "a1a1a1a"], io), 1);
    assert.match(io.stderr.join(""), /execution 00000001-0000-4000-8000-000000000001 ran on pipeline version 2, and pipeline-pipeline-3f2a1b0 is at version 3: CodePipeline rolls back only to executions started in the current pipeline structure version/);
    assert.deepEqual(rollbacks(m), []);
});

test("--to that names nothing it can roll back to: refused with the reason", async () => {
    for (const [to, message] of [
        [ID.R2, /is a rollback execution: CodePipeline cannot roll back to a rollback/],
        [ID.E2, /is not among the last 200 executions that succeeded in Production/],
        [SHA("b2"), /no execution that succeeded in Production ran commit b2b2/],
        [ID.E5, /Production already runs execution 00000005-/],
        ["main", /--to takes an execution id \(8-4-4-4-12 hex digits\) or a commit sha \(4 to 40 hex digits\), not "main"/],
    ] as const) {
        const m = await mockRecordedAws();
        const io = testIo({ env });
        assert.equal(await cli(["--stack", "production", "--yes", "--to", to], io), 1, to);
        assert.match(io.stderr.join(""), message);
        assert.deepEqual(rollbacks(m), [], to);
    }
});

test("a sha prefix two commits share is ambiguous", () => {
    const ex = (id: string, sha: string): Execution => ({ id, status: "Succeeded", type: "STANDARD", start: new Date(0), end: new Date(0), revision: { id: sha }, actions: [] });
    const successes = [ex("a", "abcd1111"), ex("b", "abcd2222"), ex("c", "abcd1111")];
    assert.throws(() => resolveTarget("abcd", successes, undefined, "Production"), /--to abcd matches 2 commits \(abcd111, abcd222\): give more of the sha/);
    assert.equal(resolveTarget("abcd1", successes, undefined, "Production").id, "a");
    // The default skips executions of the commit running now.
    assert.equal(resolveTarget(undefined, successes, successes[0], "Production").id, "b");
    assert.throws(() => resolveTarget(undefined, [successes[0]], successes[0], "Production"), /nothing to roll back to/);
    // A success right before a rollback to another execution was undone by it: the default passes over it.
    const back: Execution = { ...ex("r", "abcd2222"), type: "ROLLBACK", rollbackTarget: "x" };
    assert.equal(resolveTarget(undefined, [ex("now", "ffff"), back, ex("bad", "eeee"), ex("good", "dddd")], undefined, "Production").id, "now");
    assert.equal(resolveTarget(undefined, [ex("now", "ffff"), back, ex("bad", "eeee"), ex("good", "dddd")], ex("now", "ffff"), "Production").id, "good");
    // A rollback to that very execution (the automatic one after a failed attempt) undoes nothing.
    assert.equal(resolveTarget(undefined, [ex("now", "ffff"), { ...back, rollbackTarget: "prev" }, ex("prev", "eeee")], ex("now", "ffff"), "Production").id, "prev");
});

test("a stage with an execution in progress is refused (RollbackStage would answer ConflictException)", async () => {
    const m = await mockRecordedAws();
    const state = fixture<{ stageStates: { stageName: string; latestExecution: { status: string } }[] }>("get-pipeline-state.json");
    state.stageStates.find((s) => s.stageName === "Production")!.latestExecution.status = "InProgress";
    m.codepipeline.on(GetPipelineStateCommand).resolves(state as never);
    const io = testIo({ env });
    assert.equal(await cli(["--stack", "production", "--yes"], io), 1);
    assert.match(io.stderr.join(""), /Production is running execution 00000005-.* \(InProgress\): wait for it to finish/);
    assert.deepEqual(rollbacks(m), []);
});

test("the delivery stack is not a stage; staging rolls back its own stage", async () => {
    await mockRecordedAws();
    const io = testIo({ env });
    assert.equal(await cli(["--stack", "delivery", "--yes"], io), 1);
    assert.match(io.stderr.join(""), /--stack delivery is the delivery stack: name the environment stack whose stage rolls back \(staging, production\)/);
    const m = await mockRecordedAws();
    // Staging's successes: E5 (current), E4, E3…: E4 is the newest with another commit.
    assert.equal(await cli(["--stack", "staging", "--yes"], testIo({ env })), 0);
    assert.deepEqual(rollbacks(m), [{ pipelineName: PIPELINE, stageName: "Staging", targetPipelineExecutionId: ID.E4 }]);
});

test("AWS refusing the rollback: one line with its reason", async () => {
    const m = await mockRecordedAws();
    m.codepipeline.on(RollbackStageCommand).rejects(awsError("AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/readonly/jo is not authorized to perform: codepipeline:RollbackStage"));
    const io = testIo({ env });
    assert.equal(await cli(["--stack", "production", "--yes", "--to", "c3c3c3c"], io), 1);
    assert.match(io.stderr.join(""), /\nerror: AWS refused codepipeline:RollbackStage in us-east-1 \(AccessDeniedException\)/);
    m.codepipeline.on(RollbackStageCommand).rejects(awsError("ConflictException", "Your request cannot be handled because the pipeline is busy handling ongoing activities. Try again later."));
    const busy = testIo({ env });
    assert.equal(await cli(["--stack", "production", "--yes", "--to", "c3c3c3c"], busy), 1);
    assert.match(busy.stderr.join(""), /\nerror: codepipeline:RollbackStage in us-east-1 failed \(ConflictException\): Your request cannot be handled/);
});
