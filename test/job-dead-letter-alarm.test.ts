// The scheduled jobs' dead-letter alarm: ApproximateNumberOfMessagesVisible > 0 on the jobs' dead-letter queue,
// notifying the delivery stack's SNS topic; only where there are jobs; writable by the stack's own deploy role
// with that topic as its only action (simulated), by no other stack's; priced; held to the policy pack's rule.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { decide, principalOf, Request } from "../tools/check/iam-sim";
import { STACK_TAG } from "../infra/contract";
import { estimateCost } from "../tools/estimates/cost";
import { evaluate } from "../policy/evaluate";
import { RULES } from "../policy/rules";
import { all, one, planStack } from "./helpers";

const R = "us-east-1";
let staging: Plan;
let delivery: Plan;
before(async () => {
    [staging, delivery] = await Promise.all([planStack("apps-staging"), planStack("apps-delivery")]);
});

const alarm = (p: Plan) => one(p, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-dlq-alarm");

test("the alarm fires on one visible message in the jobs' dead-letter queue and notifies the pipeline's topic", () => {
    const a = alarm(staging).inputs;
    assert.equal(a.name, "slipway/shop/apps-staging/jobs-dead-letters");
    assert.deepEqual([a.namespace, a.metricName, a.statistic, a.period, a.evaluationPeriods], ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 300, 1]);
    assert.deepEqual([a.comparisonOperator, a.threshold], ["GreaterThanThreshold", 0]);
    assert.deepEqual(a.dimensions, { QueueName: one(staging, "aws:sqs/queue:Queue", "jobs-dlq").inputs.name });
    // An idle queue publishes no data: that is no failure.
    assert.equal(a.treatMissingData, "notBreaching");
    assert.equal((a.alarmActions as string[]).length, 1);
    assert.deepEqual(a.okActions, a.alarmActions, "the OK notice says when the queue has been drained");
});

test("the alarm notifies the topic the release alarms notify: the delivery stack's", async () => {
    const production = await planStack("apps-production");
    const release = all(production, "aws:cloudwatch/metricAlarm:MetricAlarm").find((x) => x.name.startsWith("release-alarms-"));
    assert.ok(release);
    assert.deepEqual(alarm(production).inputs.alarmActions, release.inputs.alarmActions);
    assert.match(String((alarm(staging).inputs.alarmActions as string[])[0]), /^arn:aws:sns:us-east-1:\d{12}:notifications-topic/);
});

test("a stack without jobs has no dead-letter alarm", async () => {
    assert.ok(!all(await planStack("staging"), "aws:cloudwatch/metricAlarm:MetricAlarm").some((a) => a.name === "jobs-dlq-alarm"));
});

test("the stack's deploy role may write the alarm only with the pipeline's topic; another stack's deploy role may not write it at all", async () => {
    const topic = String((alarm(staging).inputs.alarmActions as string[])[0]);
    const put = (actions: string[]): Request => ({
        action: "cloudwatch:PutMetricAlarm",
        resource: `arn:aws:cloudwatch:${R}:123456789012:alarm:slipway/shop/apps-staging/jobs-dead-letters`,
        context: { "aws:RequestedRegion": R, [`aws:RequestTag/${STACK_TAG}`]: "shop/apps-staging", "aws:TagKeys": [STACK_TAG], "cloudwatch:AlarmActions": actions },
        why: "the jobs' dead-letter alarm",
    });
    const own = principalOf(delivery, "github-oidc-deploy-apps-staging");
    assert.equal(await decide(own, put([topic])), "Allowed");
    assert.notEqual(await decide(own, put([topic.replace("notifications-topic", "other-topic")])), "Allowed", "no other topic");
    assert.notEqual(await decide(own, put([topic, `arn:aws:automate:${R}:ec2:stop`])), "Allowed", "no EC2 action beside the topic");
    const other = principalOf(delivery, "github-oidc-deploy-apps-production");
    assert.notEqual(await decide(other, { ...put([topic]), context: { ...put([topic]).context, [`aws:RequestTag/${STACK_TAG}`]: "shop/apps-production" } }), "Allowed");
});

test("the alarm is priced as one standard alarm metric", () => {
    const line = estimateCost(staging).lines.find((l) => l.resource.includes("jobs-dlq-alarm"));
    assert.ok(line);
    assert.deepEqual([line.item, line.quantity, line.unit], ["alarm, 1 metric", 1, "alarm-metric-mo"]);
});

test("the policy pack's alarm-notifies rule catches the alarm without its action", async () => {
    const a = alarm(staging);
    const checked = (alarmActions: unknown[]) => [{ type: a.type, name: a.name, urn: a.urn, props: { ...a.inputs, alarmActions }, protect: false }];
    const rule = RULES.filter((r) => r.name === "alarm-notifies");
    assert.equal(rule.length, 1);
    assert.deepEqual((await evaluate(rule, checked(a.inputs.alarmActions as unknown[]), {})).violations, []);
    const broken = (await evaluate(rule, checked([]), {})).violations;
    assert.equal(broken.length, 1);
    assert.match(broken[0].message, /nobody is told/);
});
