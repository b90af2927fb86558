// npm run status against the recorded responses (test/fixtures/ops/README.md): what runs where, the
// last executions, the alarms in ALARM; how the pipeline is found; what AWS refusing looks like.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetPipelineCommand, ListPipelineExecutionsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-codepipeline";
import { GetParametersCommand } from "@aws-sdk/client-ssm";
import { cli, type StatusReport } from "../tools/ops/status-command";
import { fixture, ID, mockRecordedAws, PIPELINE, SHA, testIo, restoreAws } from "./ops-helpers";

after(restoreAws);

async function status(argv: string[], env: NodeJS.ProcessEnv = { PIPELINE_NAME: PIPELINE }): Promise<StatusReport> {
    const io = testIo({ env });
    const code = await cli([...argv, "--json"], io);
    assert.equal(code, 0, io.stderr.join(""));
    return JSON.parse(io.stdout.join("")) as StatusReport;
}

test("the delivery stack: each environment's verified commit (its image-tag parameter) and its stage's last success", async () => {
    const m = await mockRecordedAws();
    const r = await status(["--stack", "delivery"]);
    assert.equal(r.pipeline, PIPELINE);
    assert.deepEqual(
        r.environments.map((e) => [e.stack, e.stage, e.verified?.sha, e.verified?.parameter, e.lastSuccess?.execution, e.lastSuccess?.sha, e.latest?.status]),
        [
            ["staging", "Staging", SHA("e5"), "/slipway/shop/staging/image-tag", ID.E5, SHA("e5"), "Succeeded"],
            ["production", "Production", SHA("e5"), "/slipway/shop/production/image-tag", ID.E5, SHA("e5"), "Succeeded"],
        ],
    );
    // The parameter names are contract.ts's, asked in one GetParameters call.
    assert.deepEqual(m.ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names), [["/slipway/shop/staging/image-tag", "/slipway/shop/production/image-tag"]]);
    assert.deepEqual(
        m.cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => [c.args[0].input.AlarmNamePrefix, c.args[0].input.StateValue, c.args[0].input.NextToken]),
        [
            ["slipway/shop/staging/", "ALARM", undefined],
            ["slipway/shop/production/", "ALARM", undefined],
            ["slipway/shop/production/", "ALARM", "alarms-2"],
        ],
    );
});

test("the last executions, newest first, a rollback with its target's commit", async () => {
    await mockRecordedAws();
    const r = await status(["--stack", "delivery"]);
    assert.deepEqual(
        r.executions.map((e) => [e.execution, e.status, e.type, e.sha]),
        [
            [ID.E6, "InProgress", "STANDARD", SHA("f6")],
            [ID.E5, "Succeeded", "STANDARD", SHA("e5")],
            [ID.E4, "Superseded", "STANDARD", SHA("d4")],
            [ID.R2, "Succeeded", "ROLLBACK", SHA("a1")],
            [ID.E3, "Succeeded", "STANDARD", SHA("c3")],
        ],
    );
    assert.equal((await status(["--stack", "delivery", "--last", "2"])).executions.length, 2);
});

test("an environment stack: its own stage, and its alarms in ALARM through every page", async () => {
    await mockRecordedAws();
    const r = await status(["--stack", "production"]);
    assert.deepEqual(r.environments.map((e) => e.stack), ["production"]);
    assert.deepEqual(
        r.alarms.map((a) => [a.name, a.stack, a.since]),
        [
            ["slipway/shop/production/latency-p95", "production", "2026-11-30T11:58:12.345Z"],
            ["slipway/shop/production/running-tasks", "production", "2026-11-30T11:59:01.000Z"],
        ],
    );
});

test("the table: what runs where, the last executions, the alarms", async () => {
    await mockRecordedAws();
    const io = testIo({ env: { PIPELINE_NAME: PIPELINE } });
    assert.equal(await cli(["--stack", "production"], io), 0);
    const out = io.stdout.join("");
    assert.match(out, /production\s+Production\s+e5e5e5e\s+2026-11-25T12:24:50\.000Z\s+e5e5e5e 00000005-/);
    assert.match(out, /00000008-0000-4000-8000-000000000008\s+Succeeded\s+ROLLBACK\s+a1a1a1a\s+2026-11-21T08:00:00\.000Z\s+ManualRollback\s+Add the orders page/);
    assert.match(out, /slipway\/shop\/production\/latency-p95\s+production\s+2026-11-30T11:58:12\.345Z\s+Threshold Crossed/);
    await mockRecordedAws().then((m) => m.cloudwatch.on(DescribeAlarmsCommand).resolves(fixture("describe-alarms.empty.json")));
    const calm = testIo({ env: { PIPELINE_NAME: PIPELINE } });
    assert.equal(await cli(["--stack", "staging"], calm), 0);
    assert.match(calm.stdout.join(""), /No alarm in ALARM\.\n$/);
});

test("a last success that is a rollback recorded without its revision: the commit of the execution it rolled back to", async () => {
    const m = await mockRecordedAws();
    const all = fixture<{ pipelineExecutionSummaries: { pipelineExecutionId: string }[] }>("list-pipeline-executions.succeeded-in-production.json");
    const fromR1 = { pipelineExecutionSummaries: all.pipelineExecutionSummaries.filter((e) => [ID.R1, ID.E1, ID.E0].includes(e.pipelineExecutionId as never)) };
    m.codepipeline.on(ListPipelineExecutionsCommand, { filter: { succeededInStage: { stageName: "Production" } } }).resolves(fromR1);
    const r = await status(["--stack", "production"]);
    assert.deepEqual([r.environments[0].lastSuccess?.execution, r.environments[0].lastSuccess?.type, r.environments[0].lastSuccess?.sha], [ID.R1, "ROLLBACK", SHA("a1")]);
});

test("no image-tag parameter yet, and no success yet: said so", async () => {
    const m = await mockRecordedAws();
    m.ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: ["/slipway/shop/production/image-tag"] });
    m.codepipeline.on(ListPipelineExecutionsCommand, { filter: { succeededInStage: { stageName: "Production" } } }).resolves({ pipelineExecutionSummaries: [] });
    const io = testIo({ env: { PIPELINE_NAME: PIPELINE } });
    assert.equal(await cli(["--stack", "production"], io), 0);
    assert.match(io.stdout.join(""), /production\s+Production\s+\(no parameter\)\s+-\s+never/);
});

test("without --pipeline or PIPELINE_NAME the pipeline is the one tagged slipway:stack = <app>/<delivery stack>", async () => {
    const m = await mockRecordedAws();
    const r = await status(["--stack", "production"], {});
    assert.equal(r.pipeline, PIPELINE);
    assert.deepEqual(
        m.codepipeline.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.resourceArn),
        ["arn:aws:codepipeline:us-east-1:123456789012:other-team-pipeline", `arn:aws:codepipeline:us-east-1:123456789012:${PIPELINE}`],
    );
    // One GetPipeline for the account's ARN prefix, one for the declaration.
    assert.deepEqual(m.codepipeline.commandCalls(GetPipelineCommand).map((c) => c.args[0].input.name), ["other-team-pipeline", PIPELINE]);
    m.codepipeline.on(ListTagsForResourceCommand).resolves(fixture("list-tags-for-resource.other.json"));
    const io = testIo({ env: {} });
    assert.equal(await cli(["--stack", "production"], io), 1);
    assert.match(io.stderr.join(""), /^error: no pipeline in us-east-1 carries the tag slipway:stack = shop\/delivery \(2 pipelines looked at\): deploy the delivery stack first, or pass --pipeline <name> \(or set PIPELINE_NAME\)\n$/);
});

test("AWS refusing an alarm read names cloudwatch:DescribeAlarms; a stack the pipeline does not deploy is refused", async () => {
    const m = await mockRecordedAws();
    m.cloudwatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudwatch:DescribeAlarms"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
    const io = testIo({ env: { PIPELINE_NAME: PIPELINE } });
    assert.equal(await cli(["--stack", "production"], io), 1);
    assert.match(io.stderr.join(""), /^error: AWS refused cloudwatch:DescribeAlarms in us-east-1 \(AccessDenied\)/);
    const review = testIo({ env: { PIPELINE_NAME: PIPELINE } });
    assert.equal(await cli(["--stack", "review"], review), 1);
    assert.match(review.stderr.join(""), /review is not one of the stacks delivery's pipeline deploys \(slipway:pipelineStacks: staging, production\)/);
});
