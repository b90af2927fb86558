import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, EnvironmentSettings, parseSettings, RawConfig } from "../infra/config/settings";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const raw = rawConfig;

const env = (r: RawConfig) => parseSettings(r) as EnvironmentSettings;

test("a Beanstalk staging stack defaults to a single instance with all-at-once deploys", () => {
    const s = env(raw("beanstalk-staging"));
    assert.equal(s.platform, "beanstalk");
    assert.equal(s.beanstalk?.environmentType, "SingleInstance");
    assert.equal(s.beanstalk?.deploymentPolicy, "AllAtOnce");
    assert.equal(s.beanstalk?.solutionStackRegex, "^64bit Amazon Linux 2023 (.*) running Docker$");
});

test("the production tier defaults to a load-balanced environment with immutable deploys", () => {
    const s = env(raw("beanstalk-staging", { "slipway:tier": "production", "slipway:policyWaivers": JSON.stringify({ "production-https": "a production-tier copy of staging, planned offline only" }) }));
    assert.equal(s.beanstalk?.environmentType, "LoadBalanced");
    assert.equal(s.beanstalk?.deploymentPolicy, "Immutable");
    assert.equal(s.beanstalk?.minInstances, 2);
});

test("an ECS stack has no Beanstalk settings", () => {
    const s = env(raw("staging"));
    assert.equal(s.platform, "ecs");
    assert.equal(s.beanstalk, undefined);
});

test("an unknown platform is rejected with the allowed values and the fix", () => {
    rejects(raw("staging", { "slipway:platform": "lambda" }), "slipway:platform", '"lambda"', "ecs, beanstalk", "pulumi config set slipway:platform 'beanstalk' --stack staging");
});

test("an instance type that is not an x86_64 EC2 type of a known family is rejected", () => {
    rejects(raw("beanstalk-staging", { "slipway:beanstalkInstanceTypes": '["t3.small","t3.huge"]' }), "slipway:beanstalkInstanceTypes", "t3.huge", "(at 1)", "families: t3");
    rejects(raw("beanstalk-staging", { "slipway:beanstalkInstanceTypes": '["m7g.large"]' }), "slipway:beanstalkInstanceTypes", "m7g.large", "x86_64");
    rejects(raw("beanstalk-staging", { "slipway:beanstalkInstanceTypes": '["m6i.micro"]' }), "slipway:beanstalkInstanceTypes", "m6i.micro");
});

test("an unknown environment type is rejected with both allowed values", () => {
    rejects(raw("beanstalk-staging", { "slipway:beanstalkEnvironmentType": "Single" }), "slipway:beanstalkEnvironmentType", '"Single"', "SingleInstance, LoadBalanced", "pulumi config set slipway:beanstalkEnvironmentType");
});

test("an unknown deployment policy is rejected with EB's five policies", () => {
    rejects(
        raw("beanstalk-staging", { "slipway:beanstalkDeploymentPolicy": "BlueGreen" }),
        "slipway:beanstalkDeploymentPolicy",
        '"BlueGreen"',
        "AllAtOnce, Rolling, RollingWithAdditionalBatch, Immutable, TrafficSplitting",
    );
});

test("a rolling deployment on a single instance is rejected, naming both fixes", () => {
    rejects(
        raw("beanstalk-staging", { "slipway:beanstalkDeploymentPolicy": "Rolling" }),
        "slipway:beanstalkDeploymentPolicy",
        "SingleInstance environment allows AllAtOnce or Immutable",
        "slipway:beanstalkEnvironmentType LoadBalanced",
    );
});

test("a load-balanced floor above the ceiling is rejected", () => {
    rejects(raw("beanstalk-production", { "slipway:beanstalkMinInstances": "8" }), "slipway:beanstalkMinInstances", "= 8 is greater than slipway:beanstalkMaxInstances = 6");
});

test("instance counts and batch sizes outside their ranges are rejected", () => {
    rejects(raw("beanstalk-production", { "slipway:beanstalkMaxInstances": "0" }), "slipway:beanstalkMaxInstances", "must be at least 1");
    rejects(raw("beanstalk-production", { "slipway:beanstalkBatchSizePercent": "0" }), "slipway:beanstalkBatchSizePercent", "must be 1–100");
});

test("a platform pattern that is not a regular expression, or not AL2023 Docker, is rejected", () => {
    rejects(raw("beanstalk-staging", { "slipway:beanstalkSolutionStackRegex": "(" }), "slipway:beanstalkSolutionStackRegex", "valid regular expression");
    rejects(raw("beanstalk-staging", { "slipway:beanstalkSolutionStackRegex": "^64bit Amazon Linux 2023 (.*) running Node.js 20$" }), "slipway:beanstalkSolutionStackRegex", "running Docker");
});

test("a maintenance window not in Day:HH:MM form is rejected", () => {
    rejects(raw("beanstalk-staging", { "slipway:beanstalkMaintenanceWindow": "Sunday 3am" }), "slipway:beanstalkMaintenanceWindow", "Day:HH:MM", "Sun:03:00");
    rejects(raw("beanstalk-staging", { "slipway:beanstalkMaintenanceWindow": "Sun:24:00" }), "slipway:beanstalkMaintenanceWindow", "Day:HH:MM");
});

test("a log retention CloudWatch allows but Beanstalk does not is rejected on Beanstalk only", () => {
    rejects(raw("beanstalk-staging", { "slipway:logRetentionDays": "1096" }), "slipway:logRetentionDays", "1096", "Elastic Beanstalk", "1827");
    assert.deepEqual(problemsOf(raw("staging", { "slipway:logRetentionDays": "1096" })), []);
});

test("the delivery stack takes each target's platform from the target's own stack file", () => {
    const s = parseSettings(
        raw("delivery", {}, { staging: { "slipway:platform": "beanstalk" }, production: {} }),
    ) as DeliverySettings;
    assert.deepEqual(
        s.targets.map((t) => [t.stack, t.platform]),
        [["staging", "beanstalk"], ["production", "ecs"]],
    );
});

test("a bad platform in a target's stack file fails the delivery stack, naming the file", () => {
    rejects(raw("delivery", {}, { staging: { "slipway:platform": "eks" } }), "slipway:platform", "Pulumi.staging.yaml", '"eks"', "--stack staging");
});

test("TrafficSplitting: the canary's share and evaluation time come from their keys, with EB's defaults (10 %, 5 minutes)", () => {
    const s = env(raw("beanstalk-production"));
    assert.equal(s.beanstalk?.deploymentPolicy, "TrafficSplitting");
    assert.deepEqual([s.beanstalk?.trafficPercent, s.beanstalk?.evaluationMinutes], [20, 10]);
    const d = env(raw("beanstalk-production", { "slipway:beanstalkTrafficPercent": null, "slipway:beanstalkEvaluationMinutes": null }));
    assert.deepEqual([d.beanstalk?.trafficPercent, d.beanstalk?.evaluationMinutes], [10, 5]);
});

test("TrafficSplitting on a single instance is refused: it needs the Application Load Balancer, and both ways out are named", () => {
    rejects(
        raw("beanstalk-staging", { "slipway:beanstalkDeploymentPolicy": "TrafficSplitting" }),
        "slipway:beanstalkDeploymentPolicy",
        "needs an Application Load Balancer",
        "pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack beanstalk-staging",
        "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack beanstalk-staging",
    );
});

test("a canary share or evaluation time EB does not accept is refused naming the key and EB's range", () => {
    rejects(raw("beanstalk-production", { "slipway:beanstalkTrafficPercent": "0" }), "slipway:beanstalkTrafficPercent", "1–100", "NewVersionPercent");
    rejects(raw("beanstalk-production", { "slipway:beanstalkTrafficPercent": "101" }), "slipway:beanstalkTrafficPercent", "1–100");
    rejects(raw("beanstalk-production", { "slipway:beanstalkEvaluationMinutes": "2" }), "slipway:beanstalkEvaluationMinutes", "3–600", "EvaluationTime");
    rejects(raw("beanstalk-production", { "slipway:beanstalkEvaluationMinutes": "601" }), "slipway:beanstalkEvaluationMinutes", "3–600");
});

test("an evaluation longer than the pipeline's one-hour deploy action can wait is refused; the longest that fits passes", () => {
    rejects(
        raw("beanstalk-production", { "slipway:beanstalkEvaluationMinutes": "41" }),
        "slipway:beanstalkEvaluationMinutes = 41",
        "times out after 60 minutes",
        "pulumi config set slipway:beanstalkEvaluationMinutes 40 --stack beanstalk-production",
    );
    assert.deepEqual(problemsOf(raw("beanstalk-production", { "slipway:beanstalkEvaluationMinutes": "40" })), []);
    // Only TrafficSplitting waits: an Immutable stack's evaluation key is not used, so not checked.
    assert.deepEqual(problemsOf(raw("beanstalk-production", { "slipway:beanstalkDeploymentPolicy": "Immutable", "slipway:beanstalkEvaluationMinutes": "300" })), []);
});

test("the delivery stack reads a Beanstalk target's evaluation time from its stack file: the smoke test waits it out", () => {
    const s = parseSettings(raw("beanstalk-delivery")) as DeliverySettings;
    assert.deepEqual(
        s.targets.map((t) => [t.stack, t.settleMinutes]),
        [["beanstalk-staging", undefined], ["beanstalk-production", 10]],
    );
    const d = parseSettings(raw("beanstalk-delivery", {}, { "beanstalk-production": { "slipway:platform": "beanstalk", "slipway:beanstalkDeploymentPolicy": "TrafficSplitting" } })) as DeliverySettings;
    assert.equal(d.targets[1].settleMinutes, 5, "EB's default evaluation time");
    const i = parseSettings(raw("beanstalk-delivery", {}, { "beanstalk-production": { "slipway:platform": "beanstalk", "slipway:tier": "production" } })) as DeliverySettings;
    assert.equal(i.targets[1].settleMinutes, undefined, "production's default policy (Immutable) does not wait");
});
