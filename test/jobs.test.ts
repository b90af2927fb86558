// ECS scheduled jobs (slipway:jobs): every config rule broken on purpose, and each job's family, log group,
// task role, schedule, dead-letter queue and scheduler role in the environment's plan; review stacks' schedules DISABLED.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { scheduleProblem } from "../infra/platforms/ecs/job-settings";
import { Plan } from "../tools/plan/mock-engine";
import { estimateCost } from "../tools/estimates/cost";
import { invocationsPerMonth, JOB_RUN_MINUTES } from "../tools/estimates/job-cost";
import { all, one, planStack } from "./helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const J = "slipway:jobs";
const jobs = (o: Record<string, unknown>) => ({ [J]: JSON.stringify(o) });
const NIGHTLY = { command: "./manage.py clearsessions", schedule: "cron(0 3 * * ? *)" };

let appsStaging: Plan;
let appsProduction: Plan;
let appsDelivery: Plan;
before(async () => {
    [appsStaging, appsProduction, appsDelivery] = await Promise.all([planStack("apps-staging"), planStack("apps-production"), planStack("apps-delivery")]);
});

// --- config ------------------------------------------------------------------------------------------

test("the fixtures' nightly job parses, with the stack's cpu and memory, UTC and 2 retries as defaults", () => {
    const s = parseSettings(rawConfig("apps-staging")) as EnvironmentSettings;
    assert.deepEqual(s.jobs, [{ name: "nightly", command: NIGHTLY.command, schedule: NIGHTLY.schedule, timezone: "UTC", cpu: 256, memory: 512, retries: 2, maxEventAgeSeconds: 86400 }]);
    const p = parseSettings(rawConfig("apps-production")) as EnvironmentSettings;
    assert.deepEqual(p.jobs.map((j) => [j.timezone, j.retries]), [["Europe/Berlin", 3]]);
    assert.deepEqual((parseSettings(rawConfig("staging")) as EnvironmentSettings).jobs, []);
});

test("schedule expressions are checked as EventBridge Scheduler's Schedule types page defines them", () => {
    for (const ok of ["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "cron(0 3 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 12 L * ? 2030)", "cron(30 4 ? * 6#3 *)", "cron(0 0 15W * ? *)", "cron(0 9 ? JAN,JUL 2L *)"]) {
        assert.equal(scheduleProblem(ok), undefined, ok);
    }
    const bad: [string, string][] = [
        ["at(2030-01-01T00:00:00)", "one-time"],
        ["rate(0 minutes)", "positive integer"],
        ["rate(5 weeks)", "unit"],
        ["rate(1 hours)", "singular"],
        ["rate(5 minute)", "plural"],
        ["cron(0 3 * * ?)", "six fields"],
        ["cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week"],
        ["cron(0 3 ? * ? *)", "exactly one"],
        ["cron(60 3 * * ? *)", "minutes"],
        ["cron(0 24 * * ? *)", "hours"],
        ["cron(0 3 32 * ? *)", "day-of-month"],
        ["cron(0 3 ? 13 MON *)", "month"],
        ["cron(0 3 ? * 8 *)", "day-of-week"],
        ["cron(0 3 * * ? 1969)", "year"],
        ["0 3 * * *", "rate(value unit) or cron"],
    ];
    for (const [expr, why] of bad) assert.match(scheduleProblem(expr) ?? "(accepted)", new RegExp(why.replace(/[()]/g, "\\$&")), expr);
});

test("a job without a command or schedule, or with a bad one, is refused naming its key path and the fix", () => {
    rejects(rawConfig("apps-staging", jobs({ nightly: { schedule: NIGHTLY.schedule } })), "slipway:jobs.nightly.command is required", "pulumi config set --path 'slipway:jobs.nightly.command'");
    rejects(rawConfig("apps-staging", jobs({ nightly: { command: NIGHTLY.command } })), "slipway:jobs.nightly.schedule is required", "pulumi config set --path 'slipway:jobs.nightly.schedule'");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, schedule: "at(2030-01-01T00:00:00)" } })), "slipway:jobs.nightly.schedule", "one-time schedule");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, schedule: "cron(0 3 * * *)" } })), "slipway:jobs.nightly.schedule", "six fields");
    rejects(rawConfig("apps-staging", jobs({ nightly: "./x" })), "slipway:jobs.nightly must be a map");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, every: "day" } })), "slipway:jobs.nightly.every is not a job setting");
    const two = problemsOf(rawConfig("apps-staging", jobs({ nightly: { schedule: "rate(1 hours)" } })));
    assert.equal(two.length, 2, two.join("\n"));
});

test("time zones, retries, event age and Fargate sizes are checked per job", () => {
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, timezone: "Mars/Olympus" } })), "slipway:jobs.nightly.timezone", "IANA");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, retries: 186 } })), "slipway:jobs.nightly.retries = 186 must be an integer from 0 to 185");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, retries: -1 } })), "slipway:jobs.nightly.retries = -1");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, maxEventAgeSeconds: 59 } })), "slipway:jobs.nightly.maxEventAgeSeconds = 59 must be an integer from 60 to 86400");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, maxEventAgeSeconds: 86401 } })), "slipway:jobs.nightly.maxEventAgeSeconds = 86401");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, cpu: 300 } })), "slipway:jobs.nightly.cpu = 300 is not a Fargate size");
    rejects(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, cpu: 2048 } })), "slipway:jobs.nightly.memory = 512 does not pair with cpu = 2048 (memory defaults to slipway:memory)");
    assert.deepEqual(problemsOf(rawConfig("apps-staging", jobs({ nightly: { ...NIGHTLY, retries: 0, maxEventAgeSeconds: 60, timezone: "America/New_York", cpu: 1024, memory: 2048 } }))), []);
});

test("job names: AWS's rules, and not web, release or a worker's name (one task-family namespace)", () => {
    for (const bad of ["Nightly", "night_ly", "1nightly", "nightly-", "n".repeat(33)]) rejects(rawConfig("apps-staging", jobs({ [bad]: NIGHTLY })), `slipway:jobs.${bad}`, "is not a job name");
    rejects(rawConfig("apps-staging", jobs({ web: NIGHTLY })), "slipway:jobs.web", "is taken");
    rejects(rawConfig("apps-staging", jobs({ release: NIGHTLY })), "slipway:jobs.release", "release phase");
    rejects(rawConfig("apps-staging", jobs({ mailer: NIGHTLY })), "slipway:jobs.mailer", "slipway:workers.mailer is a worker");
});

test("jobs on Elastic Beanstalk are refused with the reason", () => {
    rejects(rawConfig("beanstalk-staging", jobs({ nightly: NIGHTLY })), "slipway:jobs is set, but slipway:platform is beanstalk", "worker-tier", "pulumi config rm slipway:jobs --stack beanstalk-staging");
});

// --- the environment ---------------------------------------------------------------------------------

test("each job is its own family, log group and task role (the stack's boundary) with the app's secrets by reference", () => {
    for (const p of [appsStaging, appsProduction]) {
        const td = one(p, "aws:ecs/taskDefinition:TaskDefinition", "jobs-nightly-task");
        assert.equal(td.inputs.family, `shop-${p.stack}_nightly`);
        const [c] = JSON.parse(String(td.inputs.containerDefinitions)) as { command: string[]; portMappings: unknown[]; secrets: { name: string; valueFrom: string }[]; logConfiguration: { options: Record<string, string> } }[];
        assert.deepEqual(c.command, ["sh", "-c", "./manage.py clearsessions"]);
        assert.deepEqual(c.portMappings ?? [], []);
        assert.deepEqual(c.secrets.map((x) => x.name).sort(), ["API_KEY", "DATABASE_URL"]);
        assert.ok(c.secrets.every((x) => /^arn:aws:secretsmanager:.*:(API_KEY|DATABASE_URL)::/.test(x.valueFrom)), JSON.stringify(c.secrets));
        assert.ok(!String(td.inputs.containerDefinitions).includes("postgres://"), "no secret value in the task definition");
        assert.equal(c.logConfiguration.options["awslogs-group"], `/slipway/shop/${p.stack}/job/nightly`);
        const role = one(p, "aws:iam/role:Role", "jobs-nightly-task");
        assert.equal(role.inputs.path, `/slipway/shop/${p.stack}/`);
        assert.match(String(role.inputs.permissionsBoundary), /boundary/);
        assert.match(String(td.inputs.taskRoleArn), new RegExp(`:role/slipway/shop/${p.stack}/jobs-nightly-task-`));
    }
});

test("the schedule runs the family's latest ACTIVE revision in the web's cluster, subnets and public IP, without ingress", () => {
    for (const p of [appsStaging, appsProduction]) {
        const sch = one(p, "aws:scheduler/schedule:Schedule", "jobs-nightly-schedule");
        const group = one(p, "aws:scheduler/scheduleGroup:ScheduleGroup", "jobs-group");
        assert.equal(group.inputs.name, `shop-${p.stack}`);
        assert.equal(sch.inputs.groupName, `shop-${p.stack}`);
        assert.equal(sch.inputs.scheduleExpression, "cron(0 3 * * ? *)");
        assert.equal(sch.inputs.state, "ENABLED");
        const t = sch.inputs.target as { arn: string; roleArn: string; ecsParameters: { taskDefinitionArn: string; launchType: string; networkConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean } }; retryPolicy: Record<string, number>; deadLetterConfig: { arn: string } };
        assert.equal(t.arn, `arn:aws:ecs:us-east-1:123456789012:cluster/shop-${p.stack}`);
        assert.match(t.ecsParameters.taskDefinitionArn, new RegExp(`:task-definition/shop-${p.stack}_nightly$`));
        assert.equal(t.ecsParameters.launchType, "FARGATE");
        const web = one(p, "aws:ecs/service:Service", "app-service");
        const webNet = web.inputs.networkConfiguration as { subnets: string[]; assignPublicIp: boolean };
        assert.deepEqual(t.ecsParameters.networkConfiguration.subnets, webNet.subnets);
        assert.equal(t.ecsParameters.networkConfiguration.assignPublicIp, webNet.assignPublicIp);
        const sg = one(p, "aws:ec2/securityGroup:SecurityGroup", "jobs-tasks");
        assert.equal(t.ecsParameters.networkConfiguration.securityGroups.length, 1);
        assert.deepEqual(sg.inputs.ingress, []);
        assert.deepEqual(t.retryPolicy, { maximumRetryAttempts: p.stack === "apps-production" ? 3 : 2, maximumEventAgeInSeconds: 86400 });
        assert.equal(t.deadLetterConfig.arn, `arn:aws:sqs:us-east-1:123456789012:shop-${p.stack}-jobs-dlq`);
        assert.match(t.roleArn, new RegExp(`:role/slipway/shop/${p.stack}/jobs-scheduler-`));
    }
    assert.equal(one(appsProduction, "aws:scheduler/schedule:Schedule", "jobs-nightly-schedule").inputs.scheduleExpressionTimezone, "Europe/Berlin");
});

test("the dead-letter queue is SSE-encrypted and keeps 14 days; one per environment", () => {
    for (const p of [appsStaging, appsProduction]) {
        const queues = all(p, "aws:sqs/queue:Queue");
        assert.equal(queues.length, 1);
        assert.equal(queues[0].inputs.name, `shop-${p.stack}-jobs-dlq`);
        assert.equal(queues[0].inputs.sqsManagedSseEnabled, true);
        assert.equal(queues[0].inputs.messageRetentionSeconds, 1209600);
    }
});

test("the scheduler role trusts scheduler.amazonaws.com for its own group, and may run only its own stack's families in its cluster", () => {
    for (const p of [appsStaging, appsProduction]) {
        const role = one(p, "aws:iam/role:Role", "jobs-scheduler");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Principal: { Service: string }; Condition: Record<string, Record<string, string>> }[] };
        assert.equal(trust.Statement[0].Principal.Service, "scheduler.amazonaws.com");
        assert.ok(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]);
        assert.equal(trust.Statement[0].Condition.ArnEquals["aws:SourceArn"], `arn:aws:scheduler:us-east-1:123456789012:schedule-group/shop-${p.stack}`);
        // No inline policy (a deploy role never writes a permission): the delivery stack's job-scheduler runtime policy, attached.
        assert.equal(all(p, "aws:iam/rolePolicy:RolePolicy").length, 0);
        assert.equal(one(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "jobs-scheduler-policy").inputs.policyArn, `arn:aws:iam::123456789012:policy/slipway/shop/shop-${p.stack}-job-scheduler`);
        const runtime = one(appsDelivery, "aws:iam/policy:Policy", `runtime-policies-${p.stack}-job-scheduler`);
        assert.equal(runtime.inputs.name, `shop-${p.stack}-job-scheduler`);
        const policy = JSON.parse(String(runtime.inputs.policy)) as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> }[] };
        const by = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
        assert.deepEqual(Object.keys(by).sort(), ["OwnDeadLetters", "PassOwnTaskRoles", "RunOwnJobs", "TagOwnJobTasks"]);
        assert.deepEqual(by.RunOwnJobs.Action, ["ecs:RunTask"]);
        assert.deepEqual(by.RunOwnJobs.Resource, [`arn:aws:ecs:us-east-1:123456789012:task-definition/shop-${p.stack}_*`]);
        assert.equal(by.RunOwnJobs.Condition?.ArnLike["ecs:cluster"], `arn:aws:ecs:us-east-1:123456789012:cluster/shop-${p.stack}`);
        assert.equal(by.RunOwnJobs.Condition?.StringEquals["aws:ResourceTag/slipway:stack"], "${aws:PrincipalTag/slipway:stack}");
        assert.equal(by.PassOwnTaskRoles.Condition?.StringEquals["iam:PassedToService"], "ecs-tasks.amazonaws.com");
        assert.deepEqual(by.OwnDeadLetters.Resource, [`arn:aws:sqs:us-east-1:123456789012:shop-${p.stack}-jobs-dlq`]);
        // The schedule names the family without a revision: RunTask then runs its latest ACTIVE revision.
        const schedule = one(p, "aws:scheduler/schedule:Schedule", "jobs-nightly-schedule");
        assert.equal((schedule.inputs.target as { ecsParameters: { taskDefinitionArn: string } }).ecsParameters.taskDefinitionArn, `arn:aws:ecs:us-east-1:123456789012:task-definition/shop-${p.stack}_nightly`);
    }
});

test("review stacks declare their schedules DISABLED", async () => {
    const s = parseSettings(rawConfig("apps-staging", { "slipway:tier": "review" })) as EnvironmentSettings;
    assert.equal(s.tier, "review");
    assert.equal(s.jobs.length, 1);
    const review = await planStack("apps-staging", { stackName: "review-pr-3", set: { "slipway:tier": "review" } });
    assert.equal(one(review, "aws:scheduler/schedule:Schedule", "jobs-nightly-schedule").inputs.state, "DISABLED");
});

// --- cost ----------------------------------------------------------------------------------------------

test("a schedule's invocations a month follow its expression", () => {
    const month = 365 / 12;
    const cases: [string, number][] = [
        ["rate(1 minute)", month * 1440],
        ["rate(5 minutes)", (month * 1440) / 5],
        ["rate(6 hours)", month * 4],
        ["rate(1 day)", month],
        ["cron(0 3 * * ? *)", month],
        ["cron(0/15 8-17 ? * MON-FRI *)", 4 * 10 * ((5 * month) / 7)],
        ["cron(0 12 1 * ? *)", 1],
        ["cron(30 4 ? * 6#3 *)", 1],
        ["cron(0 9 ? JAN,JUL 2L *)", 2 / 12],
    ];
    for (const [expression, n] of cases) assert.ok(Math.abs(invocationsPerMonth(expression) - n) < 1e-9, `${expression}: ${invocationsPerMonth(expression)} ≠ ${n}`);
});

test("a job is priced: its invocations, the Fargate task each runs with its public IPv4, the dead-letter queue; a review stack's DISABLED schedule runs nothing", async () => {
    const e = estimateCost(appsStaging);
    assert.deepEqual(e.notPriced.filter((n) => !/Container Insights/.test(n)), []);
    const lines = e.lines.filter((l) => /jobs-/.test(l.resource));
    const by = (re: RegExp) => lines.find((l) => re.test(l.item));
    const month = 365 / 12;
    assert.equal(by(/^Scheduler invocations/)?.unitPrice, 1.0);
    assert.ok(Math.abs((by(/^job task: .* vCPU$/)?.quantity ?? 0) - (month * JOB_RUN_MINUTES * 0.25) / 60) < 1e-9);
    assert.ok(by(/^job task public IPv4/));
    assert.equal(e.lines.find((l) => l.resource === "Queue jobs-dlq")?.monthly, 0);
    assert.ok(e.assumptions.some((a) => a.includes(`${JOB_RUN_MINUTES} min on on-demand Fargate`)));
    const review = estimateCost(await planStack("apps-staging", { stackName: "review-pr-3", set: { "slipway:tier": "review" } }));
    assert.ok(review.lines.filter((l) => l.resource === "Schedule jobs-nightly-schedule").every((l) => l.monthly === 0));
    // The pipeline's JobRevisions runs: one CodeBuild minute per stage with jobs and run.
    const d = estimateCost(appsDelivery);
    const project = d.lines.find((l) => l.resource === "Project job-revisions-project");
    assert.equal(project?.quantity, 200);
});
