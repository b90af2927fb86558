// npm run metrics against the recorded history (test/fixtures/ops/README.md): every figure below is
// computed by hand from that table, not by the code under test.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ListActionExecutionsCommand, ListPipelineExecutionsCommand } from "@aws-sdk/client-codepipeline";
import { cli } from "../tools/ops/metrics-command";
import type { MetricsReport } from "../tools/ops/metrics-command";
import { stats } from "../tools/ops/metrics";
import { opsStack } from "../tools/ops/stack";
import { FIXTURES } from "./helpers";
import { awsError, fixture, ID, mockRecordedAws, PIPELINE, testIo, restoreAws } from "./ops-helpers";

after(restoreAws);

async function report(argv: string[] = [], mock = true): Promise<MetricsReport> {
    if (mock) await mockRecordedAws();
    const io = testIo();
    const code = await cli(["--stack", "delivery", "--pipeline", PIPELINE, "--json", ...argv], io);
    assert.equal(code, 0, io.stderr.join(""));
    return JSON.parse(io.stdout.join("")) as MetricsReport;
}

test("stats: the median of an even count is the mean of the middle two; p90 is nearest-rank", () => {
    const s = (xs: number[]) => stats(xs.map((seconds, i) => ({ seconds, execution: `e${i}` })));
    assert.deepEqual(s([5, 1, 3]), { count: 3, median: 3, p90: 5, slowest: 5, slowestExecution: "e0" });
    assert.equal(s([1, 2, 3, 4])!.median, 2.5);
    // ⌈0.9 × 10⌉ = 9th smallest of 1…10; ⌈0.9 × 11⌉ = 10th of 1…11.
    assert.equal(s([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!.p90, 9);
    assert.equal(s([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])!.p90, 10);
    assert.equal(s([]), undefined);
});

test("deployment frequency: the three standard executions whose Production stage succeeded in 30 days (E1, E3, E5)", async () => {
    const r = await report();
    assert.equal(r.executions, 8, "E0 started before the window; the other eight are in it");
    assert.equal(r.dora.deployments, 3);
    assert.equal(r.dora.deploymentsPerDay, 3 / 30);
    assert.ok(Math.abs(r.dora.deploymentsPerWeek - 0.7) < 1e-9);
    assert.equal(r.dora.rollbacks, 2);
});

test("lead time for changes: each commit's first execution start to the first Production success of an execution started at or after it", async () => {
    const r = await report();
    // a1 44m50s (2690), b2 11-10 09:00 → E3's 11-20 15:11:40 (886300), c3 1h11m40s (4300),
    // d4 (superseded) 10:00 → E5's 12:24:50 (8690), e5 24m50s (1490); f6 still building.
    assert.deepEqual(
        { count: r.dora.leadTime?.count, median: r.dora.leadTime?.median, p90: r.dora.leadTime?.p90, slowest: r.dora.leadTime?.slowest },
        { count: 5, median: 4300, p90: 886300, slowest: 886300 },
    );
    assert.equal(r.dora.leadTime?.slowestExecution, ID.E2);
    assert.equal(r.dora.undelivered, 1);
});

test("change failure rate: E2 failed in Production and E3 was rolled back by hand (R2): 2 of 4 production changes", async () => {
    const r = await report();
    assert.equal(r.dora.changes, 4);
    assert.equal(r.dora.failedChanges, 2);
    assert.equal(r.dora.changeFailureRate, 0.5);
    assert.deepEqual(
        r.dora.failures.map((f) => [f.execution, f.kind, f.since, f.restoredBy]),
        [
            [ID.E2, "failed", "2026-11-10T09:20:50.000Z", ID.R1],
            [ID.E3, "rolled-back", "2026-11-20T15:11:40.000Z", ID.R2],
        ],
    );
});

test("time to restore: E2's stage start to R1's success (11m10s), E3's going live to R2's success (16h53m20s)", async () => {
    const r = await report();
    assert.deepEqual(
        { count: r.dora.timeToRestore?.count, median: r.dora.timeToRestore?.median, p90: r.dora.timeToRestore?.p90 },
        { count: 2, median: (670 + 60800) / 2, p90: 60800 },
    );
    assert.equal(r.dora.unrestored, 0);
});

test("stage and action durations: succeeded runs of standard executions, in the pipeline's stage order", async () => {
    const r = await report();
    const of = (stage: string) => r.durations.find((d) => d.stage === stage)!;
    assert.deepEqual(r.durations.map((d) => d.stage), ["Source", "Build", "Staging", "Approve-Production", "Production"]);
    const pick = (s?: { count: number; median: number; p90: number; slowest: number }) => s && [s.count, s.median, s.p90, s.slowest];
    // Source: 20 s in E1, E2, E4, E5, E6 and 30 s in E3.
    assert.deepEqual(pick(of("Source").stats), [6, 20, 30, 30]);
    // Build: 300, 360, 240, 300, 300 (E6's is still running).
    assert.deepEqual(pick(of("Build").stats), [5, 300, 360, 360]);
    assert.equal(of("Build").stats?.slowestExecution, ID.E2);
    // Approval waits: 1800, 600, 3600, 600 (E4's was abandoned when E5 superseded it).
    assert.deepEqual(pick(of("Approve-Production").stats), [4, 1200, 3600, 3600]);
    // Production succeeded in E1 (300), E3 (240), E5 (300); E2's failed; R1 and R2 are rollbacks.
    assert.deepEqual(pick(of("Production").stats), [3, 300, 300, 300]);
    const prodDeploy = of("Production").actions.find((a) => a.action === "Deploy")!;
    assert.deepEqual(pick(prodDeploy.stats), [4, 240, 240, 240]);
    const prodSmoke = of("Production").actions.find((a) => a.action === "SmokeTest")!;
    assert.deepEqual([prodSmoke.stats?.count, prodSmoke.failed], [3, 1]);
    const stagingSmoke = of("Staging").actions.find((a) => a.action === "SmokeTest")!;
    assert.deepEqual(pick(stagingSmoke.stats), [5, 60, 60, 60]);
});

test("the history is read through every page, and no further than the window", async () => {
    const m = await mockRecordedAws();
    await report([], false);
    const pages = m.codepipeline.commandCalls(ListPipelineExecutionsCommand).map((c) => c.args[0].input.nextToken);
    // page 3 holds E0, older than the window: its nextToken (page-4) is never asked for.
    assert.deepEqual(pages, [undefined, "page-2", "page-3"]);
    const e2 = m.codepipeline.commandCalls(ListActionExecutionsCommand).filter((c) => c.args[0].input.filter?.pipelineExecutionId === ID.E2);
    assert.deepEqual(e2.map((c) => c.args[0].input.nextToken), [undefined, "actions-2"]);
    assert.equal(m.codepipeline.commandCalls(ListActionExecutionsCommand).some((c) => c.args[0].input.filter?.pipelineExecutionId === ID.E0), false);
});

test("a shorter window measures less: --days 7 keeps E4, E5 and E6 only", async () => {
    const r = await report(["--days", "7"]);
    assert.equal(r.executions, 3);
    assert.equal(r.dora.deployments, 1);
    assert.equal(r.dora.changeFailureRate, 0);
    assert.deepEqual([r.dora.leadTime?.count, r.dora.leadTime?.median], [2, (8690 + 1490) / 2]);
});

test("without the manual rollback R2, E3 counts as a good change: the rate falls to 1 of 4", async () => {
    const m = await mockRecordedAws();
    const body = fixture<{ pipelineExecutionSummaries: { pipelineExecutionId: string }[]; nextToken: string }>("list-pipeline-executions.page2.json");
    body.pipelineExecutionSummaries = body.pipelineExecutionSummaries.filter((e) => e.pipelineExecutionId !== ID.R2);
    m.codepipeline.on(ListPipelineExecutionsCommand, { nextToken: "page-2" }).resolves(body);
    const r = await report([], false);
    assert.equal(r.dora.failedChanges, 1);
    assert.equal(r.dora.changeFailureRate, 0.25);
});

test("an empty history: zero deployments, no rates, a table that says so", async () => {
    const m = await mockRecordedAws();
    m.codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    const r = await report([], false);
    assert.equal(r.executions, 0);
    assert.equal(r.dora.deployments, 0);
    assert.equal(r.dora.changeFailureRate, undefined);
    assert.equal(r.dora.leadTime, undefined);
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE], io), 0);
    assert.match(io.stdout.join(""), /No executions in this window: nothing to measure/);
});

test("the table names every stage and the four DORA metrics", async () => {
    await mockRecordedAws();
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE], io), 0);
    const out = io.stdout.join("");
    for (const s of ["Source", "Build", "Staging", "Approve-Production", "Production", "  Deploy", "  SmokeTest"]) assert.ok(out.includes(s), s);
    assert.match(out, /deployment frequency\s+0\.7\/week \(0\.10\/day\)\s+3 deployments to Production/);
    assert.match(out, /lead time for changes\s+median 1h 11m, p90 10d 06h/);
    assert.match(out, /change failure rate\s+50\.0%\s+2 of 4 production changes/);
    assert.match(out, /time to restore\s+median 8h 32m, p90 16h 53m/);
});

test("--html writes one self-contained page with the figures and both charts", async () => {
    await mockRecordedAws();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ops-")), "metrics.html");
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE, "--html", file], io), 0);
    const html = fs.readFileSync(file, "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 2);
    for (const s of ["0.7 / week", "1h 11m", "50.0%", "8h 32m", "Approve-Production", "2026-11-10: 1 failed", "2026-11-21: 1 rolled back", "2026-11-25: 1 deployed"]) assert.ok(html.includes(s), s);
    // Nothing to fetch: no script, no external reference (only the SVG namespace).
    assert.doesNotMatch(html, /<script|src=|href=|url\(/);
    assert.deepEqual([...html.matchAll(/https?:\/\/[^"\s]+/g)].map((x) => x[0]), ["http://www.w3.org/2000/svg", "http://www.w3.org/2000/svg"]);
    assert.match(io.stderr.join(""), /wrote .*metrics\.html/);
});

test("--html into a folder that does not exist: one line, exit 1", async () => {
    await mockRecordedAws();
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE, "--html", path.join(os.tmpdir(), "no-such-dir-ops", "m.html")], io), 1);
    assert.match(io.stderr.join(""), /^error: could not write --html .*m\.html: ENOENT/);
});

test("the measured stage is the last production-tier stack's, from the stack files", () => {
    const s = opsStack(FIXTURES, "delivery");
    assert.deepEqual(
        s.targets.map((t) => [t.stack, t.stage, t.production, t.imageTagParameter, t.alarmPrefix]),
        [
            ["staging", "Staging", false, "/slipway/shop/staging/image-tag", "slipway/shop/staging/"],
            ["production", "Production", true, "/slipway/shop/production/image-tag", "slipway/shop/production/"],
        ],
    );
    assert.equal(s.production.stage, "Production");
    assert.equal(opsStack(FIXTURES, "staging").target?.stage, "Staging");
});

test("AWS refusing the history: one line naming the IAM action, exit 1, no stack trace", async () => {
    const m = await mockRecordedAws();
    m.codepipeline
        .on(ListPipelineExecutionsCommand)
        .rejects(awsError("AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/dev/jo is not authorized to perform: codepipeline:ListPipelineExecutions"));
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE], io), 1);
    const err = io.stderr.join("");
    assert.match(err, /^error: AWS refused codepipeline:ListPipelineExecutions in us-east-1 \(AccessDeniedException\): User: .* is not authorized .*The credentials need codepipeline:ListPipelineExecutions/);
    assert.doesNotMatch(err, /\n\s+at /);
    assert.equal(err.trimEnd().split("\n").length, 1);
});

test("throttling that outlasts the SDK's retries: one line saying to wait", async () => {
    const m = await mockRecordedAws();
    m.codepipeline.on(ListActionExecutionsCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE], io), 1);
    assert.match(io.stderr.join(""), /^error: AWS throttled codepipeline:ListActionExecutions in us-east-1 \(ThrottlingException\) after the SDK's retries: wait a minute and run it again\n$/);
});

test("expired credentials: one line saying to sign in again", async () => {
    const m = await mockRecordedAws();
    m.codepipeline.on(ListPipelineExecutionsCommand).rejects(awsError("ExpiredTokenException", "The security token included in the request is expired"));
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", PIPELINE], io), 1);
    assert.equal(io.stderr.join(""), "error: the AWS credentials have expired (ExpiredTokenException on codepipeline:ListPipelineExecutions): sign in again (aws sso login, or fresh session credentials)\n");
});

test("a pipeline that is not there, or not the stack's: refused with the fix", async () => {
    await mockRecordedAws();
    const io = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", "nope"], io), 1);
    assert.match(io.stderr.join(""), /no such pipeline in us-east-1 .*Pass --pipeline <name> or set PIPELINE_NAME/);
    const other = testIo();
    assert.equal(await cli(["--stack", "delivery", "--pipeline", "other-team-pipeline"], other), 1);
    assert.match(other.stderr.join(""), /pipeline other-team-pipeline has no stage Staging, Production/);
});

test("bad flags and stacks: one line each", async () => {
    for (const [argv, message] of [
        [[], /--stack is required/],
        [["--stack", "delivery", "--days", "400"], /--days needs a whole number from 1 to 365, not "400"/],
        [["--stack", "delivery", "--dayz", "3"], /unknown option --dayz \(did you mean --days\?\)/],
        [["--stack", "nope"], /no stack "nope"/],
    ] as const) {
        const io = testIo();
        assert.equal(await cli([...argv], io), 1, argv.join(" "));
        assert.match(io.stderr.join(""), message);
    }
});
