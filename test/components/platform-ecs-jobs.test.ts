// The scheduled-jobs component (infra/platforms/ecs/job.ts) built from its Args: the schedule group and an
// SSE dead-letter queue, per job a family running the command through sh with the app's secrets by
// reference, its own task role and log group, and a schedule in the group running the family (no revision)
// in the cluster with the given network, retries and dead-letter queue; the scheduler role trusts only
// Scheduler for that group and gets exactly the runtime policy it is given; DISABLED schedules on request.
import * as assert from "node:assert/strict";
import { environmentRolePath, jobDeadLetterQueueName, jobFamily, jobLogGroupName, jobScheduleGroupName } from "../../infra/contract";
import { DLQ_RETENTION_SECONDS, ScheduledJob, ScheduledJobs, ScheduledJobsArgs } from "../../infra/platforms/ecs/job";
import { AwsContext } from "../../infra/shared/aws-context";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, json, MOCK_ACCOUNT, ofType, REGION, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

const COMPONENT = "slipway:environment:ScheduledJobs";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT}:secret:slipway/shop/staging/app-AbCdEf`;
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${MOCK_ACCOUNT}:cluster/shop-staging`;
const BOUNDARY = `arn:aws:iam::${MOCK_ACCOUNT}:policy/slipway/shop/shop-staging-boundary`;
const SCHEDULER_POLICY = `arn:aws:iam::${MOCK_ACCOUNT}:policy/slipway/shop/shop-staging-job-scheduler`;
const EXECUTION_ROLE = `arn:aws:iam::${MOCK_ACCOUNT}:role/slipway/shop/staging/app-execution`;

const job = (name: string, over: Partial<ScheduledJob> = {}): ScheduledJob => ({
    name,
    family: jobFamily("shop", "staging", name),
    command: "./manage.py clearsessions",
    schedule: "cron(0 3 * * ? *)",
    timezone: "Europe/Berlin",
    cpu: 256,
    memory: 512,
    retries: 3,
    maxEventAgeSeconds: 3600,
    logGroupName: jobLogGroupName("shop", "staging", name),
    ...over,
});

const args = (ctx: AwsContext, over: Partial<ScheduledJobsArgs> = {}): ScheduledJobsArgs => ({
    jobs: [job("nightly"), job("hourly", { schedule: "rate(1 hour)", timezone: "UTC", cpu: 512, memory: 1024, retries: 0 })],
    groupName: jobScheduleGroupName("shop", "staging"),
    deadLetterQueueName: jobDeadLetterQueueName("shop", "staging"),
    clusterArn: CLUSTER_ARN,
    image: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`,
    executionRoleArn: EXECUTION_ROLE,
    schedulerPolicyArn: SCHEDULER_POLICY,
    permissionsBoundary: BOUNDARY,
    rolePath: environmentRolePath("shop", "staging"),
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
    assignPublicIp: true,
    environment: { LOG_LEVEL: "info" },
    secrets: { arn: SECRET_ARN, names: ["DATABASE_URL"], versionId: "v-1" },
    logRetentionDays: 14,
    ctx,
    ...over,
});
const jobs = (over: Partial<ScheduledJobsArgs> = {}, name = "jobs") =>
    build((ctx) => {
        const j = new ScheduledJobs(name, args(ctx, over));
        return { group: j.group.name };
    });

interface Target {
    arn: string;
    roleArn: string;
    ecsParameters: { taskDefinitionArn: string; launchType: string; taskCount: number; networkConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean }; enableEcsManagedTags: boolean; propagateTags: string };
    retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
    deadLetterConfig: { arn: string };
}

test("ScheduledJobs owns its children, named after it, and registers its group, queue and families", async () => {
    const [a, b] = [await jobs(), await jobs({ groupName: "shop-production", deadLetterQueueName: "shop-production-jobs-dlq" }, "other-jobs")];
    assertOwnsItsChildren(a, COMPONENT, "jobs");
    assertDisjoint(a, b);
    assert.deepEqual(registeredOutputs(a, res(a, COMPONENT, "jobs")), { groupName: "shop-staging", deadLetterQueue: "shop-staging-jobs-dlq", families: ["shop-staging_nightly", "shop-staging_hourly"] });
});

test("the group and the dead-letter queue: named from the contract, the queue SSE and kept 14 days", async () => {
    const p = await jobs();
    assert.equal(res(p, "aws:scheduler/scheduleGroup:ScheduleGroup", "jobs-group").inputs.name, "shop-staging");
    const q = res(p, "aws:sqs/queue:Queue", "jobs-dlq").inputs;
    assert.deepEqual([q.name, q.sqsManagedSseEnabled, q.messageRetentionSeconds, q.fifoQueue], ["shop-staging-jobs-dlq", true, DLQ_RETENTION_SECONDS, undefined]);
    assert.equal(DLQ_RETENTION_SECONDS, 14 * 24 * 3600);
});

test("each schedule runs its family without a revision in the cluster, with the network, retries and dead-letter queue it is given", async () => {
    const p = await jobs();
    const sg = res(p, "aws:ec2/securityGroup:SecurityGroup", "jobs-tasks").inputs;
    assert.deepEqual(sg.ingress, []);
    for (const [name, expression, tz, retries] of [["nightly", "cron(0 3 * * ? *)", "Europe/Berlin", 3], ["hourly", "rate(1 hour)", "UTC", 0]] as const) {
        const s = res(p, "aws:scheduler/schedule:Schedule", `jobs-${name}-schedule`);
        assert.deepEqual([s.inputs.name, s.inputs.groupName, s.inputs.scheduleExpression, s.inputs.scheduleExpressionTimezone, s.inputs.state], [name, "shop-staging", expression, tz, "ENABLED"]);
        assert.deepEqual(s.inputs.flexibleTimeWindow, { mode: "OFF" });
        const t = s.inputs.target as Target;
        assert.equal(t.arn, CLUSTER_ARN);
        assert.equal(t.ecsParameters.taskDefinitionArn, `arn:aws:ecs:${REGION}:${MOCK_ACCOUNT}:task-definition/shop-staging_${name}`);
        assert.deepEqual([t.ecsParameters.launchType, t.ecsParameters.taskCount, t.ecsParameters.enableEcsManagedTags, t.ecsParameters.propagateTags], ["FARGATE", 1, true, "TASK_DEFINITION"]);
        assert.deepEqual(t.ecsParameters.networkConfiguration.subnets, ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]);
        assert.equal(t.ecsParameters.networkConfiguration.assignPublicIp, true);
        assert.equal(t.ecsParameters.networkConfiguration.securityGroups.length, 1);
        assert.deepEqual(t.retryPolicy, { maximumRetryAttempts: retries, maximumEventAgeInSeconds: 3600 });
        assert.equal(t.deadLetterConfig.arn, `arn:aws:sqs:${REGION}:${MOCK_ACCOUNT}:shop-staging-jobs-dlq`);
        // The family must exist before the first invocation.
        assert.ok(s.dependsOn.some((d) => d.endsWith(`::jobs-${name}-task`)), `${name}: ${JSON.stringify(s.dependsOn)}`);
    }
    const off = await jobs({ disabled: true });
    assert.ok(ofType(off, "aws:scheduler/schedule:Schedule").every((s) => s.inputs.state === "DISABLED"));
});

test("each job's family runs its command through sh with the app's secrets by reference, its own task role and log group", async () => {
    const p = await jobs({ protect: true });
    const td = res(p, "aws:ecs/taskDefinition:TaskDefinition", "jobs-hourly-task");
    assert.deepEqual([td.inputs.family, td.inputs.cpu, td.inputs.memory, td.inputs.executionRoleArn, td.inputs.networkMode], ["shop-staging_hourly", "512", "1024", EXECUTION_ROLE, "awsvpc"]);
    const [c] = json<{ name: string; image: string; command: string[]; portMappings: unknown[]; secrets: { name: string; valueFrom: string }[]; environment: { name: string; value: string }[]; logConfiguration: { options: Record<string, string> } }[]>(td as never, "containerDefinitions");
    assert.equal(c.name, "app");
    assert.deepEqual(c.command, ["sh", "-c", "./manage.py clearsessions"]);
    assert.deepEqual(c.portMappings, []);
    assert.deepEqual(c.secrets, [{ name: "DATABASE_URL", valueFrom: `${SECRET_ARN}:DATABASE_URL::` }]);
    assert.ok(!JSON.stringify(c.environment).includes("DATABASE_URL"), "no secret in the environment");
    assert.equal(c.logConfiguration.options["awslogs-group"], "/slipway/shop/staging/job/hourly");
    const role = res(p, "aws:iam/role:Role", "jobs-hourly-task").inputs;
    assert.deepEqual([role.path, role.permissionsBoundary], ["/slipway/shop/staging/", BOUNDARY]);
    assert.match(String(role.assumeRolePolicy), /ecs-tasks\.amazonaws\.com/);
    const logs = res(p, "aws:cloudwatch/logGroup:LogGroup", "jobs-hourly-logs");
    assert.deepEqual([logs.inputs.name, logs.inputs.retentionInDays, logs.protect], ["/slipway/shop/staging/job/hourly", 14, true]);
    assert.equal(res(await jobs(), "aws:cloudwatch/logGroup:LogGroup", "jobs-hourly-logs").protect, false);
});

test("the scheduler role trusts only Scheduler for the group, carries the boundary, and gets exactly the runtime policy it is given; no inline policy", async () => {
    const p = await jobs({ taskPolicyArns: ["arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-packages-read"] });
    const role = res(p, "aws:iam/role:Role", "jobs-scheduler").inputs;
    assert.deepEqual([role.path, role.permissionsBoundary], ["/slipway/shop/staging/", BOUNDARY]);
    const trust = JSON.parse(String(role.assumeRolePolicy)) as { Statement: { Principal: { Service: string }; Condition: Record<string, Record<string, string>> }[] };
    assert.equal(trust.Statement[0].Principal.Service, "scheduler.amazonaws.com");
    assert.equal(trust.Statement[0].Condition.ArnEquals["aws:SourceArn"], `arn:aws:scheduler:${REGION}:${MOCK_ACCOUNT}:schedule-group/shop-staging`);
    assert.equal(ofType(p, "aws:iam/rolePolicy:RolePolicy").length, 0);
    const attachments = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.name, a.inputs.policyArn]);
    assert.deepEqual(attachments.filter(([n]) => n === "jobs-scheduler-policy"), [["jobs-scheduler-policy", SCHEDULER_POLICY]]);
    // The task roles get the policies given for them, the scheduler role none of those.
    assert.deepEqual(attachments.filter(([n]) => n !== "jobs-scheduler-policy").map(([, a]) => a), ["arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-packages-read", "arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-packages-read"]);
});
