// The ops roles (infra/delivery/ops-access.ts), evaluated, not read: npm run metrics, status and rollback
// run against the recorded responses (test/ops-helpers.ts), every AWS call they make is turned into the IAM
// request AWS would evaluate, and the delivery fixture's planned roles must allow each one (sufficiency);
// the same calls against another app's pipeline, parameters and alarms, and a rollback of anything but the
// production stage, must be denied (containment). The trust policy and its config are checked too.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as cp from "@aws-sdk/client-codepipeline";
import { cli as metricsCli } from "../tools/ops/metrics-command";
import { cli as statusCli } from "../tools/ops/status-command";
import { cli as rollbackCli } from "../tools/ops/rollback-command";
import { principalOf, type Principal, type Request } from "../tools/check/iam-sim";
import { OPS_READ_ACTIONS } from "../infra/delivery/ops-access";
import type { Plan } from "../tools/plan/mock-engine";
import { awsError, mockRecordedAws, PIPELINE, testIo, restoreAws, type Mocks } from "./ops-helpers";
import { decisions } from "./iam-helpers";
import { one, planStack } from "./helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

after(restoreAws);

const R = "us-east-1";
const A = "123456789012";
const region = { "aws:RequestedRegion": R };

interface Sent {
    constructor: unknown;
    input: Record<string, unknown>;
}

/**
 * Each CodePipeline command class by the name the SDK exports it under: the IAM action is that name without
 * "Command". Not the class's own `name`: the bundle the suite runs in renames a class whose name another
 * bundled module also declares (GetPipelineCommand5), and keeps no original names (tools/run.cjs, keepNames).
 */
const commandNames = new Map(Object.entries(cp).filter(([name]) => name.endsWith("Command")).map(([name, command]) => [command as unknown, name]));

/** The IAM requests of the calls the mocks received; the recorded pipeline's name stands for the planned one. */
function requestsOf(m: Mocks, pipelineArn: string, why: string): Request[] {
    const out: Request[] = [];
    const arnOf = (name: unknown) => (name === PIPELINE ? pipelineArn : `arn:aws:codepipeline:${R}:${A}:${String(name)}`);
    const sent = (stub: { calls(): { args: unknown[] }[] }) => stub.calls().map((c) => c.args[0] as Sent);
    for (const c of sent(m.codepipeline)) {
        const command = commandNames.get(c.constructor);
        assert.ok(command, `a CodePipeline call the SDK exports no command for: ${String(c.constructor)}`);
        const action = `codepipeline:${command.replace(/Command$/, "")}`;
        const i = c.input;
        const resource =
            action === "codepipeline:ListPipelines"
                ? "*"
                : action === "codepipeline:ListTagsForResource"
                  ? String(i.resourceArn).replace(`:${PIPELINE}`, `:${pipelineArn.split(":").pop()}`)
                  : action === "codepipeline:RollbackStage"
                    ? `${arnOf(i.pipelineName)}/${String(i.stageName)}`
                    : arnOf(i.pipelineName ?? i.name);
        out.push({ action, resource, context: region, why });
    }
    for (const c of sent(m.ssm)) for (const name of c.input.Names as string[]) out.push({ action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter${name}`, context: region, why });
    // An alarm under the asked prefix (DescribeAlarms' resource is the alarm).
    for (const c of sent(m.cloudwatch)) out.push({ action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${R}:${A}:alarm:${String(c.input.AlarmNamePrefix)}target-5xx`, context: region, why });
    return out;
}

let planned: Plan | undefined;
async function roles(): Promise<{ read: Principal; rollback: Principal; pipelineArn: string; plan: Plan }> {
    planned ??= await planStack("delivery");
    const policy = JSON.parse(String(one(planned, "aws:iam/rolePolicy:RolePolicy", "ops-read-policy").inputs.policy)) as { Statement: { Sid: string; Resource: string[] }[] };
    const pipelineArn = policy.Statement.find((s) => s.Sid === "ReadPipeline")!.Resource[0];
    return { read: principalOf(planned, "ops-read"), rollback: principalOf(planned, "ops-rollback"), pipelineArn, plan: planned };
}

async function run(cli: (argv: string[], io: ReturnType<typeof testIo>) => Promise<number>, argv: string[], env: NodeJS.ProcessEnv = { PIPELINE_NAME: PIPELINE }): Promise<void> {
    const io = testIo({ env });
    assert.equal(await cli(argv, io), 0, io.stderr.join(""));
}

test("the read-only ops role allows every call npm run metrics and status make, for the delivery stack and each environment", async () => {
    const { read, pipelineArn } = await roles();
    const cases: [string, typeof metricsCli, string[]][] = [
        ["metrics", metricsCli, ["--stack", "delivery", "--days", "30", "--json"]],
        ["status (delivery)", statusCli, ["--stack", "delivery", "--json"]],
        ["status (production)", statusCli, ["--stack", "production", "--json"]],
        ["status (staging)", statusCli, ["--stack", "staging", "--json"]],
    ];
    let total = 0;
    for (const [name, cli, argv] of cases) {
        const m = await mockRecordedAws();
        await run(cli, argv);
        const requests = requestsOf(m, pipelineArn, `npm run ${name}`);
        total += requests.length;
        assert.deepEqual(await decisions(read, requests, "Allowed"), [], name);
        // Nothing but what the role lists is ever called.
        const listed = new Set(Object.values(OPS_READ_ACTIONS).flat());
        assert.deepEqual(requests.filter((r) => !listed.has(r.action as never)).map((r) => r.action), [], name);
    }
    assert.ok(total > 20, `only ${total} calls simulated`);
});

test("the rollback role allows every call npm run rollback makes on production; the read-only role is denied the rollback itself", async () => {
    const { read, rollback, pipelineArn } = await roles();
    const m = await mockRecordedAws();
    await run(rollbackCli, ["--stack", "production", "--to", "c3c3c3c", "--yes"]);
    const requests = requestsOf(m, pipelineArn, "npm run rollback");
    assert.ok(requests.some((r) => r.action === "codepipeline:RollbackStage" && r.resource === `${pipelineArn}/Production`), requests.map((r) => r.action).join(", "));
    assert.deepEqual(await decisions(rollback, requests, "Allowed"), []);
    assert.deepEqual(
        (await decisions(read, requests, "denied")).length,
        requests.length - requests.filter((r) => r.action === "codepipeline:RollbackStage").length,
        "the read-only role may do all but the rollback",
    );
    assert.deepEqual(await decisions(read, requests.filter((r) => r.action === "codepipeline:RollbackStage"), "denied"), []);
});

test("rolling staging back is not granted: the rollback role reaches the production stage only", async () => {
    const { rollback, pipelineArn } = await roles();
    const m = await mockRecordedAws();
    await run(rollbackCli, ["--stack", "staging", "--yes"]);
    const requests = requestsOf(m, pipelineArn, "npm run rollback -- --stack staging").filter((r) => r.action === "codepipeline:RollbackStage");
    assert.equal(requests.length, 1);
    assert.deepEqual(await decisions(rollback, requests, "denied"), []);
});

test("containment: another app's pipeline, image tags and alarms, and the other pipeline actions, are denied to both roles", async () => {
    const { read, rollback } = await roles();
    const other = `arn:aws:codepipeline:${R}:${A}:other-team-pipeline`;
    const why = "another app's resources";
    const attacks: Request[] = [
        ...[...OPS_READ_ACTIONS.pipeline, "codepipeline:StartPipelineExecution", "codepipeline:UpdatePipeline"].map((action) => ({ action, resource: other, context: region, why })),
        { action: "codepipeline:RollbackStage", resource: `${other}/Production`, context: region, why },
        { action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter/slipway/other/production/image-tag`, context: region, why },
        { action: "ssm:GetParameters", resource: `arn:aws:ssm:${R}:${A}:parameter/slipway/shop/production/health-url`, context: region, why: "another parameter of this app" },
        { action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${R}:${A}:alarm:slipway/other/production/target-5xx`, context: region, why },
        // The prefix ends in "/": a stack named production-eu is not production.
        { action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${R}:${A}:alarm:slipway/shop/production-eu/target-5xx`, context: region, why: "a stack whose name extends production's" },
    ];
    const { pipelineArn } = await roles();
    const own = ["codepipeline:StartPipelineExecution", "codepipeline:UpdatePipeline", "codepipeline:DeletePipeline", "codepipeline:StopPipelineExecution"].map((action) => ({ action, resource: pipelineArn, context: region, why: "changing this app's pipeline" }));
    for (const p of [read, rollback]) assert.deepEqual(await decisions(p, [...attacks, ...own], "denied"), [], p.name);
});

test("the pipeline lookup works under the role: another app's pipeline that AWS refuses to show is skipped", async () => {
    const { read, pipelineArn } = await roles();
    const m = await mockRecordedAws();
    // As the role: AWS refuses reads of the other team's pipeline (listed first by the recorded ListPipelines).
    const denied = () => {
        throw awsError("AccessDeniedException", "User is not authorized to perform this operation on other-team-pipeline");
    };
    m.codepipeline.on(cp.GetPipelineCommand, { name: "other-team-pipeline" }).callsFake(denied);
    m.codepipeline.on(cp.ListTagsForResourceCommand, { resourceArn: `arn:aws:codepipeline:${R}:${A}:other-team-pipeline` }).callsFake(denied);
    await run(statusCli, ["--stack", "delivery", "--json"], {});
    const requests = requestsOf(m, pipelineArn, "npm run status (tag lookup)");
    // What was answered is allowed; what AWS refused in the mock is what the role refuses.
    const refused = requests.filter((r) => r.resource.includes("other-team-pipeline"));
    assert.ok(refused.length >= 1, "the other team's pipeline was asked about");
    assert.deepEqual(await decisions(read, requests.filter((r) => !refused.includes(r)), "Allowed"), []);
    assert.deepEqual(await decisions(read, refused, "denied"), []);
});

test("trust: the account's principals with MFA by default; only the named principals, when configured; one hour sessions", async () => {
    const { plan } = await roles();
    for (const name of ["ops-read", "ops-rollback"]) {
        const role = one(plan, "aws:iam/role:Role", name);
        assert.equal(role.inputs.maxSessionDuration, 3600);
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: Record<string, unknown>[] };
        assert.deepEqual(trust.Statement, [{ Sid: "AccountPrincipalsWithMfa", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }]);
    }
    const ops = `arn:aws:iam::${A}:role/ops-team`;
    const named = await planStack("delivery", { set: { "slipway:opsPrincipals": JSON.stringify([ops]), "slipway:opsRollback": "false" } });
    const trust = JSON.parse(String(one(named, "aws:iam/role:Role", "ops-read").inputs.assumeRolePolicy)) as { Statement: Record<string, unknown>[] };
    assert.deepEqual(trust.Statement, [{ Sid: "NamedOpsPrincipals", Effect: "Allow", Principal: { AWS: [ops] }, Action: "sts:AssumeRole" }]);
    // slipway:opsRollback false: no role may roll back.
    assert.equal(named.resources.filter((r) => r.name === "ops-rollback").length, 0);
    assert.equal(named.outputs.opsRollbackRoleArn, undefined);
    assert.match(String(named.outputs.opsRoleArn), /:role\/slipway\/shop\/ops-read-/);
});

test("a principal that is not an IAM role or user ARN, or a wildcard, is refused naming the key", () => {
    rejects(rawConfig("delivery", { "slipway:opsPrincipals": JSON.stringify(["*"]) }), "slipway:opsPrincipals", "IAM role or user ARNs");
    rejects(rawConfig("delivery", { "slipway:opsPrincipals": JSON.stringify(["arn:aws:iam::123456789012:role/*"]) }), "slipway:opsPrincipals", "no wildcards");
    assert.deepEqual(problemsOf(rawConfig("delivery", { "slipway:opsPrincipals": JSON.stringify(["arn:aws:iam::123456789012:user/alice"]) })), []);
});

test("a read role that lost a statement is caught: status's alarm reads are denied, naming the action and the alarm", async () => {
    const { read, pipelineArn } = await roles();
    const weakened: Principal = { ...read, policies: read.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "ReadReleaseAlarms") } })) };
    const m = await mockRecordedAws();
    await run(statusCli, ["--stack", "production", "--json"]);
    const found = await decisions(weakened, requestsOf(m, pipelineArn, "npm run status"), "Allowed");
    assert.deepEqual(found, [`delivery/ops-read: cloudwatch:DescribeAlarms on arn:aws:cloudwatch:${R}:${A}:alarm:slipway/shop/production/target-5xx is ImplicitlyDenied (npm run status)`, `delivery/ops-read: cloudwatch:DescribeAlarms on arn:aws:cloudwatch:${R}:${A}:alarm:slipway/shop/production/target-5xx is ImplicitlyDenied (npm run status)`]);
});

test("the lookup under credentials refused on every pipeline reports that refusal, not 'no pipeline'", async () => {
    const m = await mockRecordedAws();
    m.codepipeline.on(cp.GetPipelineCommand).callsFake(() => {
        throw awsError("AccessDeniedException", "User is not authorized to perform codepipeline:GetPipeline");
    });
    const io = testIo({ env: {} });
    assert.equal(await statusCli(["--stack", "delivery"], io), 1);
    assert.match(io.stderr.join(""), /AWS refused codepipeline:GetPipeline in us-east-1 \(AccessDeniedException\)/);
});
