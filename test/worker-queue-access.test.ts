// A queue worker consumes its queue (infra/platforms/ecs/queue-access.ts): the delivery stack's `queue-<worker>`
// runtime policy on exactly that queue, attached to that worker's task role, and the boundary's ceiling. Simulated
// both ways: each worker can consume its own queue and no other; other stacks' workers cannot touch it even when
// granted sqs:* on *; a worker without the policy cannot consume.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { STACK_TAG } from "../infra/contract";
import { decide, Principal, principalOf } from "../tools/check/iam-sim";
import type { Plan } from "../tools/plan/mock-engine";
import { all, one, planStack } from "./helpers";
import { parseSettings, DeliverySettings } from "../infra/config/settings";
import { problemsOf, rawConfig } from "./config-helpers";
import { readStackFile } from "../infra/config/stack-files";
import { FIXTURES } from "./helpers";
import { QUEUE_CONSUMER_ACTIONS, workerQueuesOfStackFile } from "../infra/platforms/ecs/queue-access";

const R = "us-east-1";
const A = "123456789012";
const queue = (name: string) => `arn:aws:sqs:${R}:${A}:${name}`;
const OWN = { mailer: "shop-mail", indexer: "shop-index.fifo" } as const;

const plans = async () => {
    const [delivery, staging] = await Promise.all([planStack("queue-delivery"), planStack("queue-staging")]);
    return { delivery, staging };
};
const worker = (env: Plan, delivery: Plan, name: string, tag = `shop/${env.stack}`): Principal => principalOf(env, `worker-${name}-task`, [env, delivery], {}, { [STACK_TAG]: tag });
const request = (action: string, resource: string, tag: string) => ({ action, resource, context: { "aws:RequestedRegion": R, [`aws:PrincipalTag/${STACK_TAG}`]: tag }, why: `${action} ${resource}` });

test("the delivery stack reads each queue worker's queue from the stack file", () => {
    const s = parseSettings(rawConfig("queue-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets[0].queues, { indexer: "shop-index.fifo", mailer: "shop-mail" });
    assert.equal((parseSettings(rawConfig("apps-delivery")) as DeliverySettings).targets[0].queues, undefined, "no queue worker: the settings stay as before");
    // Names the environment would refuse are not read (its own checks name them).
    assert.deepEqual(workerQueuesOfStackFile({ "slipway:workers": JSON.stringify({ a: { queue: "https://sqs.us-east-1.amazonaws.com/1/q" }, web: { queue: "q" }, b: { command: "x" }, c: { queue: "ok_1" } }) }), { c: "ok_1" });
});

test("each queue worker gets a runtime policy of exactly the five consumer calls on its own queue's ARN", async () => {
    const { delivery, staging } = await plans();
    for (const [w, q] of Object.entries(OWN)) {
        const policy = one(delivery, "aws:iam/policy:Policy", `runtime-policies-queue-staging-queue-${w}`);
        assert.equal(policy.inputs.name, `shop-queue-staging-queue-${w}`);
        assert.equal(policy.inputs.path, "/slipway/shop/");
        assert.deepEqual(JSON.parse(String(policy.inputs.policy)).Statement, [{ Sid: "ConsumeOwnQueue", Effect: "Allow", Action: [...QUEUE_CONSUMER_ACTIONS], Resource: [queue(q)] }]);
        const attachment = one(staging, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `worker-${w}-queue-policy`);
        assert.equal(attachment.inputs.policyArn, `arn:aws:iam::${A}:policy/slipway/shop/shop-queue-staging-queue-${w}`);
    }
    // Only the queue workers: the web's task role gets nothing, and a delivery stack without queue workers declares none.
    assert.deepEqual(all(staging, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => /-queue-staging-queue-/.test(String(r.inputs.policyArn))).map((r) => r.name).sort(), ["worker-indexer-queue-policy", "worker-mailer-queue-policy"]);
    const apps = await planStack("apps-delivery");
    assert.equal(all(apps, "aws:iam/policy:Policy").filter((r) => /^shop-(apps-staging|apps-production|review)-queue-/.test(String(r.inputs.name))).length, 0);
});

test("a worker can consume its own queue, and not its sibling's or any other queue", async () => {
    const { delivery, staging } = await plans();
    const tag = "shop/queue-staging";
    for (const [w, q] of Object.entries(OWN)) {
        const p = worker(staging, delivery, w);
        for (const action of QUEUE_CONSUMER_ACTIONS) assert.equal(await decide(p, request(action, queue(q), tag)), "Allowed", `${w} ${action} on ${q}`);
        const other = w === "mailer" ? OWN.indexer : OWN.mailer;
        for (const target of [other, "shop-other", "payments-jobs"]) {
            for (const action of QUEUE_CONSUMER_ACTIONS) assert.notEqual(await decide(p, request(action, queue(target), tag)), "Allowed", `${w} ${action} on ${target}`);
        }
        // Nor another account's or region's queue of the same name.
        assert.notEqual(await decide(p, request("sqs:ReceiveMessage", `arn:aws:sqs:${R}:999999999999:${q}`, tag)), "Allowed");
        assert.notEqual(await decide(p, request("sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:${A}:${q}`, tag)), "Allowed");
        // Producing or purging is no consumer's right.
        for (const action of ["sqs:SendMessage", "sqs:PurgeQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes"]) assert.notEqual(await decide(p, request(action, queue(q), tag)), "Allowed", `${w} ${action}`);
    }
});

test("without its runtime policy a worker cannot consume: the policy, not the boundary, grants it", async () => {
    const { delivery, staging } = await plans();
    const stripped = { ...delivery, resources: delivery.resources.map((r) => (r.name === "runtime-policies-queue-staging-queue-mailer" ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:GetQueueUrl"], Resource: queue("nothing") }] }) } } : r)) };
    const p = worker(staging, stripped, "mailer");
    assert.notEqual(await decide(p, request("sqs:ReceiveMessage", queue(OWN.mailer), "shop/queue-staging")), "Allowed");
});

test("no other stack's worker can consume these queues, even granted sqs:* on *; the boundary lets a stack consume only its own", async () => {
    const { delivery, staging } = await plans();
    const hostile = { name: "hostile", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] } };
    const [apps, appsDelivery] = await Promise.all([planStack("apps-staging"), planStack("apps-delivery")]);
    const review = await planStack("apps-staging", { stackName: "review-pr-9" });
    const others: [string, Principal][] = [
        ["apps-staging's mailer", { ...principalOf(apps, "worker-mailer-task", [apps, appsDelivery], {}, { [STACK_TAG]: "shop/apps-staging" }) }],
        ["a review stack's mailer", { ...principalOf(review, "worker-mailer-task", [review, appsDelivery], {}, { [STACK_TAG]: "shop/review-pr-9" }) }],
    ];
    for (const [who, p] of others) {
        const granted = { ...p, policies: [...p.policies, hostile] };
        const tag = String(p.tags?.[STACK_TAG]);
        for (const q of Object.values(OWN)) {
            for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]) assert.notEqual(await decide(granted, request(action, queue(q), tag)), "Allowed", `${who} ${action} on ${q}`);
            // Without the hostile grant not even the read-only calls.
            for (const action of QUEUE_CONSUMER_ACTIONS) assert.notEqual(await decide(p, request(action, queue(q), tag)), "Allowed", `${who} ${action} on ${q}`);
        }
    }
    // The stack's own boundary: even granted sqs:*, its roles consume only the queues its file names.
    const own = worker(staging, delivery, "mailer");
    const granted = { ...own, policies: [...own.policies, hostile] };
    assert.equal(await decide(granted, request("sqs:ReceiveMessage", queue(OWN.indexer), "shop/queue-staging")), "Allowed", "a stack's boundary admits all of its own queues");
    assert.notEqual(await decide(granted, request("sqs:ReceiveMessage", queue("payments-jobs"), "shop/queue-staging")), "Allowed");
    assert.notEqual(await decide(granted, request("sqs:DeleteMessage", queue("shop-mail-dlq"), "shop/queue-staging")), "Allowed");
});

test("a queue named by two pipeline stacks (or by one and the review template) is refused: each stack's workers would consume the other's messages (found in review)", () => {
    const stagingFile = readStackFile(FIXTURES, "queue-staging");
    assert.ok(stagingFile, "the queue-staging fixture");
    const twoStacks = rawConfig("queue-delivery", { "slipway:pipelineStacks": JSON.stringify(["queue-staging", "queue-production"]) }, { "queue-production": stagingFile });
    const problems = problemsOf(twoStacks);
    const shared = problems.filter((p) => /is named by both queue-staging and queue-production/.test(p));
    // Both workers of the staging file, each once (the copy's own messages say "queue-production and queue-staging").
    assert.equal(shared.length, 2, problems.join("\n"));
    assert.equal(problems.filter((p) => /is named by both queue-production and queue-staging/.test(p)).length, 2);
    assert.match(shared[0], /slipway:workers\.\w+\.queue = shop-\w+/);
    assert.ok(problems.some((p) => /e\.g\. shop-index-queue-staging\.fifo/.test(p)), "a FIFO queue's suggestion keeps its .fifo suffix");
    assert.match(shared[0], /Fix: give each stack its own queue/);
    // The review template naming staging's queue: every review stack's workers would drain it.
    const review = problemsOf(rawConfig("queue-delivery", {}, { review: stagingFile }));
    assert.ok(review.some((p) => /is named by both queue-staging and the review template/.test(p)), review.join("\n"));
    // Each stack on its own queues: no problem.
    assert.deepEqual(problemsOf(rawConfig("queue-delivery")).filter((p) => /is named by both/.test(p)), []);
});
