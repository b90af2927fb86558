// The scheduled jobs' EventBridge Scheduler role (infra/platforms/ecs/job.ts), simulated with the policies
// it really gets: the delivery stack's job-scheduler runtime policy and the stack's boundary
// (infra/platforms/ecs/job-access.ts). What Scheduler does with it on each invocation of a schedule:
// ecs:RunTask of the job's family in the stack's cluster (RunTask: "If a revision isn't specified, the
// latest ACTIVE revision is used", and authorization uses that revision), ecs:TagResource of the task it
// starts (managed and propagated tags, ecs:CreateAction RunTask), iam:PassRole of the job's task role and
// the stack's execution role to ECS tasks, and sqs:SendMessage of a failed invocation to the dead-letter
// queue. Another stack's role, review stacks among themselves included, is denied each of those.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../tools/plan/mock-engine";
import { physicalName, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { all, one, planStack } from "./helpers";
import { decisions, view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const plans = new Map<string, Promise<Plan>>();
function plan(stack: string, as?: string): Promise<Plan> {
    const key = `${stack}/${as ?? ""}`;
    if (!plans.has(key)) plans.set(key, planStack(stack, as ? { stackName: as } : {}));
    return plans.get(key) as Promise<Plan>;
}

/** The scheduler role of `stack` (planned as `as`) with the delivery stack's policies and its boundary. */
async function schedulerRole(stack: string, delivery: string, as?: string, edit?: (d: Plan) => Plan): Promise<Principal> {
    const env = await plan(stack, as);
    const d = await plan(delivery);
    return principalOf(env, "jobs-scheduler", [env, edit ? edit(d) : d], {}, { [STACK_TAG]: `shop/${as ?? stack}` });
}

const roleArn = (p: Plan, name: string) => ownArns(one(p, "aws:iam/role:Role", name), view(p))[0].arn;

/** What Scheduler does with the role when each of `v`'s schedules fires (and its invocation fails). */
function invocationRequests(v: StackView): Request[] {
    const cluster = one(v.plan, "aws:ecs/cluster:Cluster");
    const clusterName = String(cluster.inputs.name);
    const clusterArn = `arn:aws:ecs:${R}:${A}:cluster/${clusterName}`;
    const queue = ownArns(one(v.plan, "aws:sqs/queue:Queue"), v)[0].arn;
    const owned = { "aws:RequestedRegion": R, ...tagContext(v.tag, true, false) };
    const out: Request[] = [];
    const schedules = all(v.plan, "aws:scheduler/schedule:Schedule");
    assert.ok(schedules.length >= 1, `${v.plan.stack} declares a schedule`);
    for (const s of schedules) {
        const target = s.inputs.target as { ecsParameters: { taskDefinitionArn: string } };
        const family = target.ecsParameters.taskDefinitionArn.split("/").pop() as string;
        assert.ok(!family.includes(":"), `${s.name} names the family without a revision`);
        const job = s.name.replace(/^jobs-/, "").replace(/-schedule$/, "");
        const why = `${v.plan.stack} schedule ${s.name} fires`;
        out.push(
            { action: "ecs:RunTask", resource: `arn:aws:ecs:${R}:${A}:task-definition/${family}:7`, context: { ...owned, "ecs:cluster": clusterArn }, why },
            {
                action: "ecs:TagResource",
                resource: `arn:aws:ecs:${R}:${A}:task/${clusterName}/0123456789abcdef0123456789abcdef`,
                context: { "aws:RequestedRegion": R, ...tagContext(v.tag, false, true), "ecs:CreateAction": "RunTask" },
                why: `${why}: the task's tags`,
            },
            ...[roleArn(v.plan, `jobs-${job}-task`), roleArn(v.plan, "app-execution")].map((resource) => ({
                action: "iam:PassRole",
                resource,
                context: { "aws:RequestedRegion": "us-east-1", "iam:PassedToService": "ecs-tasks.amazonaws.com" },
                why: `${why}: the task's roles`,
            })),
            { action: "sqs:SendMessage", resource: queue, context: owned, why: `${why}: a failed invocation` },
        );
    }
    return out;
}

const CASES: { stack: string; delivery: string; as?: string }[] = [
    { stack: "apps-staging", delivery: "apps-delivery" },
    { stack: "apps-production", delivery: "apps-delivery" },
    { stack: "apps-staging", delivery: "delivery", as: "review-pr-9" },
];

for (const c of CASES) {
    const stack = c.as ?? c.stack;
    test(`${stack}'s scheduler role can run its jobs' families in its cluster, pass their roles and dead-letter a failed invocation, under its boundary`, async () => {
        const v = view(await plan(c.stack, c.as));
        const role = await schedulerRole(c.stack, c.delivery, c.as);
        assert.ok(role.boundary, "the role carries its stack's boundary");
        assert.deepEqual(role.policies.map((p) => p.name), [`runtime-policies-${c.as ? "review" : c.stack}-job-scheduler`]);
        const requests = invocationRequests(v);
        assert.ok(requests.length >= 5);
        assert.deepEqual(await decisions(role, requests, "Allowed"), []);
    });
}

test("no stack's scheduler role runs another stack's family, passes its roles or writes to its queue (review stacks among themselves too)", async (t) => {
    const pairs: [{ stack: string; delivery: string; as?: string }, { stack: string; as?: string }][] = [
        [CASES[0], { stack: "apps-production" }],
        [CASES[1], { stack: "apps-staging" }],
        [CASES[0], { stack: "apps-staging", as: "review-pr-9" }],
        // Same policy stack (review): the role's own stack tag keeps it to its own stack.
        [CASES[2], { stack: "apps-staging", as: "review-pr-10" }],
    ];
    for (const [attacker, victim] of pairs) {
        const role = await schedulerRole(attacker.stack, attacker.delivery, attacker.as);
        const v = view(await plan(victim.stack, victim.as));
        // TagResource with ecs:CreateAction RunTask is evaluated only as part of a RunTask call, which is denied.
        const requests = invocationRequests(v).filter((r) => r.action !== "ecs:TagResource");
        t.diagnostic(`${attacker.as ?? attacker.stack} against ${v.plan.stack}: ${requests.length} requests`);
        assert.deepEqual(await decisions(role, requests, "denied"), [], `${attacker.as ?? attacker.stack} against ${v.plan.stack}`);
        // Even without the runtime policy's own scoping (a policy granting these on "*"), the boundary denies them.
        const wide: Principal = { ...role, name: `${role.name} (granted everything)`, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecs:RunTask", "iam:PassRole", "sqs:SendMessage"], Resource: "*" }] } }] };
        assert.deepEqual(await decisions(wide, requests, "denied"), [], `${attacker.as ?? attacker.stack} (wide) against ${v.plan.stack}`);
    }
});

test("the boundary's allowance is what lets the scheduler role run and dead-letter: without it each invocation is denied", async () => {
    const v = view(await plan("apps-staging"));
    const boundaryName = "runtime-policies-apps-staging-boundary";
    const drop = (d: Plan): Plan => ({
        ...d,
        resources: d.resources.map((r: PlannedResource) => {
            if (r.type !== "aws:iam/policy:Policy" || r.name !== boundaryName) return r;
            const doc = JSON.parse(String(r.inputs.policy)) as { Statement: { Sid?: string }[] };
            doc.Statement = doc.Statement.filter((s) => s.Sid !== "RunOnlyOwnFamilies" && s.Sid !== "DeadLettersOnlyToOwnQueue");
            return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
        }),
    });
    const d = await plan("apps-delivery");
    assert.ok(d.resources.some((r) => r.name === boundaryName), `${boundaryName} is planned`);
    const role = await schedulerRole("apps-staging", "apps-delivery", undefined, drop);
    const denied = await decisions(role, invocationRequests(v), "Allowed");
    assert.ok(denied.some((x) => /ecs:RunTask .* is ImplicitlyDenied/.test(x)), denied.join("\n"));
    assert.ok(denied.some((x) => /sqs:SendMessage .* is ImplicitlyDenied/.test(x)), denied.join("\n"));
    // A role of the stack that is not the scheduler's (a job's task role) has no such grant at all.
    assert.equal(physicalName(one(v.plan, "aws:iam/role:Role", "jobs-scheduler")).length > 0, true);
});
