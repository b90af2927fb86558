// Workers scaled on an SQS queue's depth (slipway:workers.<name>.queue): every config rule broken on purpose,
// the backlog-per-task policy as Application Auto Scaling takes it, Container Insights turned on for the
// cluster, the deploy role's rights to declare it (simulated), and its cost.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { backlogPerTaskMetrics } from "../infra/platforms/ecs/queue-scaling";
import { Plan } from "../tools/plan/mock-engine";
import { estimateCost } from "../tools/estimates/cost";
import { all, one, planStack } from "./helpers";
import { rawConfig, rejects } from "./config-helpers";

const W = "slipway:workers";
const workers = (o: Record<string, unknown>) => ({ [W]: JSON.stringify(o) });
const MAILER = { command: "celery -A shop worker", queue: "shop-mail", messagesPerTask: 20 };

let queued: Plan;
let plain: Plan;
before(async () => {
    [queued, plain] = await Promise.all([planStack("apps-staging", { set: workers({ mailer: MAILER }) }), planStack("apps-staging")]);
});

interface Metric {
    id: string;
    expression?: string;
    returnData: boolean;
    metricStat?: { stat: string; metric: { namespace: string; metricName: string; dimensions: { name: string; value: string }[] } };
}

test("a bad queue name, messagesPerTask without a queue or out of range, a CPU target beside a queue and minCount 0 are refused, each naming its key", () => {
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, queue: "https://sqs.us-east-1.amazonaws.com/123456789012/shop-mail" } })), `${W}.mailer.queue`, "is not an SQS queue name", "not the URL or ARN");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, queue: "x".repeat(81) } })), `${W}.mailer.queue`, "up to 80 characters");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, queue: "mail.fifo.x" } })), `${W}.mailer.queue`);
    rejects(rawConfig("apps-staging", workers({ mailer: { command: "x", messagesPerTask: 5 } })), `${W}.mailer.messagesPerTask is set without`, `pulumi config set --path '${W}.mailer.queue'`);
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, messagesPerTask: 0 } })), `${W}.mailer.messagesPerTask = 0 must be an integer from 1 to 100000`);
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, messagesPerTask: 2.5 } })), `${W}.mailer.messagesPerTask`);
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, cpuTargetPercent: 70 } })), `${W}.mailer.cpuTargetPercent is set, but`, `pulumi config rm --path '${W}.mailer.cpuTargetPercent'`);
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, minCount: 0, desiredCount: 0 } })), `${W}.mailer.minCount = 0 with`, "never start the first one");
});

test("a FIFO queue's name and the default target are accepted", () => {
    const s = parseSettings(rawConfig("apps-staging", workers({ mailer: { command: "x", queue: "shop-mail.fifo" } }))) as EnvironmentSettings;
    assert.deepEqual([s.workers[0].queue, s.workers[0].messagesPerTask], ["shop-mail.fifo", 10]);
});

test("a worker with a queue tracks backlog per task (visible messages / running tasks) at messagesPerTask, instead of CPU", () => {
    assert.ok(!all(queued, "aws:appautoscaling/policy:Policy").some((p) => p.name === "worker-mailer-cpu"), "no CPU policy beside the queue's");
    const policy = one(queued, "aws:appautoscaling/policy:Policy", "worker-mailer-queue");
    assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
    assert.equal(policy.inputs.resourceId, "service/shop-apps-staging/shop-apps-staging-mailer");
    const config = policy.inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number; customizedMetricSpecification: { metrics: Metric[] }; predefinedMetricSpecification?: unknown };
    assert.equal(config.targetValue, 20);
    assert.equal(config.predefinedMetricSpecification, undefined);
    const [m1, m2, e1] = config.customizedMetricSpecification.metrics;
    assert.deepEqual(m1.metricStat, { stat: "Sum", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "shop-mail" }] } });
    assert.deepEqual(m2.metricStat, {
        stat: "Average",
        metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: [{ name: "ClusterName", value: "shop-apps-staging" }, { name: "ServiceName", value: "shop-apps-staging-mailer" }] },
    });
    assert.deepEqual([e1.id, e1.expression, e1.returnData], ["e1", "m1 / m2", true]);
    // "Any expressions used in a metric specification must eventually return a single time series": one query returns data.
    assert.deepEqual(config.customizedMetricSpecification.metrics.map((m) => m.returnData), [false, false, true]);
    // The scalable target keeps its logical name, so a worker moving between CPU and queue scaling keeps its range.
    assert.deepEqual([one(queued, "aws:appautoscaling/target:Target", "worker-mailer-scaling").inputs.minCapacity, one(queued, "aws:appautoscaling/target:Target", "worker-mailer-scaling").inputs.maxCapacity], [1, 2]);
});

test("every metric data query has an id, and exactly one of expression or metricStat", () => {
    for (const m of backlogPerTaskMetrics({ clusterName: "c", serviceName: "s", queueName: "q" })) {
        assert.match(String(m.id), /^[a-z][a-zA-Z0-9_]*$/, "CloudWatch ids start with a lowercase letter");
        assert.equal(Number(m.expression !== undefined) + Number(m.metricStat !== undefined), 1, String(m.id));
    }
});

test("a queue worker turns Container Insights on for its cluster (RunningTaskCount is its metric); without one staging keeps it off", () => {
    const insights = (p: Plan) => (one(p, "aws:ecs/cluster:Cluster").inputs.settings as { name: string; value: string }[]).find((s) => s.name === "containerInsights")?.value;
    assert.equal(insights(queued), "enabled");
    assert.equal(insights(plain), "disabled");
    // The web's running-tasks release alarm stays a production-tier matter: turning insights on for the worker adds no alarm.
    assert.deepEqual(
        all(queued, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name).sort(),
        all(plain, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name).sort(),
    );
});

test("the cost model bills the policy's two alarms per metric, and says Container Insights is not priced", () => {
    const cost = estimateCost(queued);
    const line = cost.lines.find((l) => l.resource.includes("worker-mailer-queue"));
    assert.ok(line, JSON.stringify(cost.lines.map((l) => l.resource)));
    assert.match(line.item, /2 target-tracking alarms, 2 metrics each/);
    assert.equal(line.quantity, 4);
    assert.ok(cost.notPriced.some((n) => n.includes("Container Insights")), cost.notPriced.join("\n"));
    assert.ok(!estimateCost(plain).notPriced.some((n) => n.includes("Container Insights")));
});
