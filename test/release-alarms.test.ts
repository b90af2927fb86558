// The release alarms each environment declares (infra/environment/release-alarms.ts and each platform's
// alarms.ts): what they watch, that they notify the pipeline's topic, and that ECS rolls back on them.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ecsAlarmSpecs } from "../infra/platforms/ecs/alarms";
import { beanstalkAlarmSpecs, BEANSTALK_DEGRADED } from "../infra/platforms/beanstalk/alarms";
import { DELIVERY_TOPIC_LOGICAL_NAME, Plan } from "../tools/plan/mock-engine";
import { policyReport } from "../tools/check/policy-report";
import { loadStackConfig } from "../tools/plan/stack-config";
import { all, FIXTURES, one, planStack } from "./helpers";

const A = { enabled: true, errorRatePercent: 5, latencyP95Ms: 2000, unhealthyTargets: 1, minutes: 3 };
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

let staging: Plan;
let production: Plan;
let delivery: Plan;
before(async () => {
    [staging, production, delivery] = await Promise.all([planStack("staging"), planStack("production"), planStack("delivery")]);
});

const names = (plan: Plan) => all(plan, ALARM).map((r) => String(r.inputs.name)).sort();

test("behind an ALB: the 5xx rate, p95 latency and unhealthy targets, plus running tasks with Container Insights (production)", () => {
    // Production deploys canary (its tier's default): an unhealthy-targets alarm for each of its two target groups.
    assert.deepEqual(names(production), ["error-rate", "latency-p95", "running-tasks", "unhealthy-targets", "unhealthy-targets-2"].map((n) => `slipway/shop/production/${n}`));
});

test("with a traffic-shifting strategy each target group has its unhealthy-targets alarm, and the 5xx and latency alarms judge both groups' traffic", () => {
    const groups = all(production, "aws:lb/targetGroup:TargetGroup").map((g) => g.name).sort();
    assert.deepEqual(groups, ["web-app", "web-app-alt"]);
    const unhealthy = all(production, ALARM).filter((a) => String(a.inputs.name).includes("unhealthy-targets"));
    const byGroup = unhealthy.map((a) => String((a.inputs.dimensions as Record<string, string>).TargetGroup)).sort();
    assert.equal(new Set(byGroup).size, 2, byGroup.join(" "));
    for (const a of all(production, ALARM).filter((x) => /error-rate|latency-p95/.test(String(x.inputs.name)))) {
        assert.ok(!JSON.stringify(a.inputs).includes('"TargetGroup"'), `${String(a.inputs.name)} watches the LoadBalancer dimension only`);
    }
});

test("behind the HTTP API: its 5xx rate and p95 latency (an HTTP API has no target health; staging has no Container Insights)", () => {
    assert.deepEqual(names(staging), ["error-rate", "latency-p95"].map((n) => `slipway/shop/staging/${n}`));
});

test("the ECS service fails and rolls back a deployment on any of its alarms, and keeps the circuit breaker", () => {
    for (const plan of [staging, production]) {
        const service = one(plan, "aws:ecs/service:Service");
        const alarms = service.inputs.alarms as { alarmNames: string[]; enable: boolean; rollback: boolean };
        assert.deepEqual({ ...alarms, alarmNames: [...alarms.alarmNames].sort() }, { alarmNames: names(plan), enable: true, rollback: true });
        assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
    }
});

test("every alarm notifies the delivery stack's SNS topic when it fires and when it clears", () => {
    one(delivery, "aws:sns/topic:Topic", DELIVERY_TOPIC_LOGICAL_NAME);
    const topicArn = delivery.outputs.notificationTopicArn;
    assert.match(String(topicArn), /^arn:aws:sns:us-east-1:123456789012:notifications-topic-/);
    for (const plan of [staging, production]) {
        for (const alarm of all(plan, ALARM)) {
            assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[topicArn], [topicArn]], String(alarm.inputs.name));
        }
    }
});

test("the 5xx rate is metric math over one-minute sums, counting load-balancer 5xx too, and no traffic is no alarm", () => {
    const [spec] = ecsAlarmSpecs({ kind: "alb", loadBalancerArnSuffix: "app/lb/1", targetGroupArnSuffixes: ["targetgroup/tg/1"] }, A);
    assert.equal(spec.id, "error-rate");
    assert.deepEqual(spec.queries?.map((q) => [q.id, q.metric ? (q.metric as { metricName: string }).metricName : q.expression, q.returnData]), [
        ["e1", "HTTPCode_Target_5XX_Count", false],
        ["e2", "HTTPCode_ELB_5XX_Count", false],
        ["requests", "RequestCount", false],
        ["rate", "100 * (FILL(e1, 0) + FILL(e2, 0)) / requests", true],
    ]);
    const alarm = all(production, ALARM).find((r) => String(r.inputs.name).endsWith("error-rate"));
    assert.equal(alarm?.inputs.treatMissingData, "notBreaching");
    assert.equal(alarm?.inputs.threshold, 5);
    assert.equal(alarm?.inputs.evaluationPeriods, 3);
    assert.equal(alarm?.inputs.datapointsToAlarm, 3);
});

test("latency thresholds are converted to each metric's unit: seconds for TargetResponseTime, milliseconds for the API's Latency", () => {
    const alb = ecsAlarmSpecs({ kind: "alb", loadBalancerArnSuffix: "app/lb/1", targetGroupArnSuffixes: ["tg"] }, { ...A, latencyP95Ms: 750 }).find((s) => s.id === "latency-p95");
    const api = ecsAlarmSpecs({ kind: "api", apiId: "abc" }, { ...A, latencyP95Ms: 750 }).find((s) => s.id === "latency-p95");
    assert.deepEqual([alb?.metric?.metricName, alb?.metric?.extendedStatistic, alb?.threshold], ["TargetResponseTime", "p95", 0.75]);
    assert.deepEqual([api?.metric?.metricName, api?.metric?.dimensions, api?.threshold], ["Latency", { ApiId: "abc" }, 750]);
});

test("one unhealthy-targets alarm per target group; no running-tasks alarm for a service allowed to scale to zero", () => {
    const specs = ecsAlarmSpecs({ kind: "alb", loadBalancerArnSuffix: "lb", targetGroupArnSuffixes: ["blue", "green"] }, A, { clusterName: "c", serviceName: "s", minCount: 0 });
    assert.deepEqual(specs.map((s) => s.id), ["error-rate", "latency-p95", "unhealthy-targets", "unhealthy-targets-2"]);
    assert.deepEqual(specs[3].metric?.dimensions, { LoadBalancer: "lb", TargetGroup: "green" });
});

test("slipway:releaseAlarms false declares no alarm and no deployment alarms, which production's policy refuses", async () => {
    const off = await planStack("production", { set: { "slipway:releaseAlarms": "false" } });
    assert.equal(all(off, ALARM).length, 0);
    assert.equal(one(off, "aws:ecs/service:Service").inputs.alarms, undefined);
    const report = await policyReport(off, loadStackConfig(FIXTURES, "production"));
    assert.equal(report.mandatoryViolations, 1, report.text);
    assert.match(report.text, /ecs-deployment-alarms-production/);
});

test("a Beanstalk environment alarms on enhanced health Degraded or worse (its deployment policy, not the alarm, rolls back)", async () => {
    const [spec] = beanstalkAlarmSpecs("shop-staging", A);
    assert.deepEqual([spec.metric?.namespace, spec.metric?.metricName, spec.metric?.dimensions, spec.comparisonOperator, spec.threshold], [
        "AWS/ElasticBeanstalk", "EnvironmentHealth", { EnvironmentName: "shop-staging" }, "GreaterThanOrEqualToThreshold", BEANSTALK_DEGRADED,
    ]);
    const eb = await planStack("beanstalk-production");
    assert.deepEqual(names(eb), ["slipway/shop/beanstalk-production/environment-health"]);
    assert.deepEqual(all(eb, ALARM)[0].inputs.dimensions, { EnvironmentName: "shop-beanstalk-production" });
});
