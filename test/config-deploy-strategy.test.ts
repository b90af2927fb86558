// slipway:deployStrategy and its keys (infra/platforms/ecs/strategy-settings.ts): defaults by tier and
// ingress, and each refused combination naming its key and the fix.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { deployActionTimeoutMinutes, deployWaitOfStackFile, ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES, ECS_DEPLOYMENT_TIMEOUT_MINUTES, strategyWaitMinutes } from "../infra/platforms/ecs/strategy-settings";
import { TIER_DEFAULTS } from "../infra/config/tiers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { one, planStack } from "./helpers";

const settings = (stack: string, changes: Record<string, string | null> = {}) => parseSettings(rawConfig(stack, changes)) as EnvironmentSettings;

test("production behind its ALB deploys canary by its tier; staging and review stacks roll", () => {
    assert.equal(TIER_DEFAULTS.production.deployStrategy, "canary");
    assert.deepEqual(settings("production").deploy, { strategy: "canary", bakeMinutes: 5, trafficPercent: 10, stepMinutes: 2 });
    assert.equal(settings("staging").deploy.strategy, "rolling");
    assert.equal(settings("staging", {}).ingress, "api");
    assert.equal(settings("review").deploy.strategy, "rolling");
    // Staging behind an ALB still rolls: its tier's default is the fastest.
    assert.equal(settings("staging", { "slipway:ingress": "alb" }).deploy.strategy, "rolling");
});

test("a production stack on the HTTP API gets rolling from its tier instead of a config error", () => {
    assert.equal(settings("production", { "slipway:ingress": "api" }).deploy.strategy, "rolling");
});

test("each strategy key is read from the stack file", () => {
    const d = settings("staging", { "slipway:ingress": "alb", "slipway:deployStrategy": "linear", "slipway:deployTrafficPercent": "25", "slipway:deployStepMinutes": "1", "slipway:deployBakeMinutes": "3" }).deploy;
    assert.deepEqual(d, { strategy: "linear", bakeMinutes: 3, trafficPercent: 25, stepMinutes: 1 });
    assert.equal(strategyWaitMinutes(d), 4 * 1 + 3);
});

test("a traffic-shifting strategy on the HTTP API ingress is refused, naming both ways out", () => {
    for (const strategy of ["blue-green", "canary", "linear"]) {
        rejects(rawConfig("staging", { "slipway:deployStrategy": strategy }), "slipway:deployStrategy", `= ${strategy} needs a load balancer`, "pulumi config set slipway:ingress alb --stack staging", "pulumi config set slipway:deployStrategy rolling --stack staging");
    }
    assert.deepEqual(problemsOf(rawConfig("staging", { "slipway:deployStrategy": "rolling" })), []);
});

test("an unknown strategy is refused with the allowed values", () => {
    rejects(rawConfig("production", { "slipway:deployStrategy": "bluegreen" }), "slipway:deployStrategy", "blue-green");
});

test("waits longer than the pipeline's ECS deploy action can wait (CodePipeline: an hour) are refused, with a bake time that fits", () => {
    const budget = ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES - 5;
    rejects(rawConfig("production", { "slipway:deployStrategy": "blue-green", "slipway:deployBakeMinutes": String(budget + 1) }), "slipway:deployBakeMinutes", `waits ${budget + 1} minutes`, `at most ${ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES} minutes`, `pulumi config set slipway:deployBakeMinutes ${budget} --stack production`);
    assert.deepEqual(problemsOf(rawConfig("production", { "slipway:deployStrategy": "blue-green", "slipway:deployBakeMinutes": String(budget) })), []);
    // canary: its wait and the bake time together (30 + 26 = 56 > 55).
    rejects(rawConfig("production", { "slipway:deployStepMinutes": "30", "slipway:deployBakeMinutes": "26" }), "slipway:deployStepMinutes", "waits 56 minutes", "slipway:deployBakeMinutes 25");
    // linear: a wait after each step (10 % steps: ten of them).
    rejects(rawConfig("production", { "slipway:deployStrategy": "linear", "slipway:deployStepMinutes": "5", "slipway:deployBakeMinutes": "10" }), "slipway:deployStrategy = linear", "10 steps", "slipway:deployTrafficPercent 50");
    // Rolling has no deliberate wait, whatever the bake key says.
    assert.deepEqual(problemsOf(rawConfig("staging", { "slipway:deployBakeMinutes": "1440" })), []);
});

test("the ECS deploy action waits as long as the strategy needs: 15 minutes at least, the waits and 5 more, at most CodePipeline's hour", () => {
    assert.equal(deployActionTimeoutMinutes(0), ECS_DEPLOYMENT_TIMEOUT_MINUTES);
    assert.equal(deployActionTimeoutMinutes(7), 15, "production's canary at defaults keeps 15 minutes");
    assert.equal(deployActionTimeoutMinutes(30), 35);
    assert.equal(deployActionTimeoutMinutes(55), 60);
    assert.equal(deployActionTimeoutMinutes(90), 60);
});

test("a linear step under ECS's 3 % minimum is refused", () => {
    const problems = problemsOf(rawConfig("production", { "slipway:deployStrategy": "linear", "slipway:deployTrafficPercent": "2", "slipway:deployStepMinutes": "0", "slipway:deployBakeMinutes": "0" }));
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /slipway:deployTrafficPercent = 2 is below ECS's smallest linear step \(3 %\)\. Fix: pulumi config set slipway:deployTrafficPercent 3 --stack production/);
});

test("bake and step times outside ECS's 0–1440 minutes and percentages outside 1–100 are refused by key", () => {
    rejects(rawConfig("production", { "slipway:deployBakeMinutes": "1441" }), "slipway:deployBakeMinutes", "0–1440");
    rejects(rawConfig("production", { "slipway:deployStepMinutes": "-1" }), "slipway:deployStepMinutes", "0–1440");
    rejects(rawConfig("production", { "slipway:deployTrafficPercent": "0" }), "slipway:deployTrafficPercent", "1–100");
    rejects(rawConfig("production", { "slipway:deployTrafficPercent": "101" }), "slipway:deployTrafficPercent", "1–100");
});

test("Beanstalk refuses ECS's strategies and points at its own deployment policy", () => {
    rejects(rawConfig("beanstalk-production", { "slipway:deployStrategy": "canary" }), "slipway:deployStrategy", "is ECS's", "slipway:beanstalkDeploymentPolicy");
    assert.equal(settings("beanstalk-production").deploy.strategy, "rolling");
});

test("the delivery stack reads each ECS target's deliberate waits from its stack file, so the smoke test polls through them", () => {
    const prod = (parseSettings(rawConfig("delivery")) as DeliverySettings).targets;
    assert.deepEqual(prod.map((t) => [t.stack, t.settleMinutes]), [["staging", 0], ["production", 7]]);
    assert.deepEqual((parseSettings(rawConfig("linear-delivery")) as DeliverySettings).targets.map((t) => [t.stack, t.settleMinutes]), [["linear-production", 4 * 1 + 3]]);
    // Resolved as the environment does: the tier's default behind an ALB, rolling on the HTTP API, the keys' defaults.
    assert.equal(deployWaitOfStackFile({ "slipway:ingress": "api" }, "production"), 0);
    assert.equal(deployWaitOfStackFile({}, "production"), 0 + 5 + 2, "production's default ingress is the ALB: canary");
    assert.equal(deployWaitOfStackFile({ "slipway:ingress": "alb" }, "staging"), 0);
    assert.equal(deployWaitOfStackFile({ "slipway:ingress": "alb", "slipway:deployStrategy": "blue-green", "slipway:deployBakeMinutes": "9" }, "staging"), 9);
    assert.equal(deployWaitOfStackFile(undefined, "production"), 0);
});

test("a traffic-shifting service waits for its infrastructure role's policy: a switched service never moves traffic with a role that has none yet", async () => {
    const p = await planStack("production");
    const attachment = one(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ecs-lb-policy");
    assert.ok(one(p, "aws:ecs/service:Service", "app-service").dependsOn.includes(attachment.urn));
});

test("the smoke-test project's time limit covers every attempt of the longest stage, a canary's polls through its waits included", async () => {
    const p = await planStack("delivery");
    const project = one(p, "aws:codebuild/project:Project", "smoke-test-project");
    const stages = one(p, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { actions: { name: string; configuration?: { EnvironmentVariables?: string } }[] }[];
    const attempts = stages.flatMap((s) => s.actions.filter((a) => a.name === "SmokeTest")).map((a) => Number((JSON.parse(String(a.configuration?.EnvironmentVariables)) as { name: string; value: string }[]).find((v) => v.name === "ATTEMPTS")?.value));
    const longest = Math.max(...attempts);
    assert.ok(longest > 12, "production's canary adds attempts");
    // Each attempt waits 10 s, may take a 5 s request and a few AWS calls.
    assert.ok(Number(project.inputs.buildTimeout) * 60 >= longest * 15, `${String(project.inputs.buildTimeout)} min for ${longest} attempts`);
});

test("a target's deploy action carries the timeout its waits need; its workers' actions keep a rolling deployment's", async () => {
    const { ecsTarget } = await import("../infra/platforms/ecs/pipeline");
    const target = ecsTarget("shop", "production", { settleMinutes: 30, workers: ["mailer"] });
    assert.equal((target.deployAction("build") as { configuration: Record<string, string> }).configuration.DeploymentTimeout, "35");
    assert.deepEqual(target.serviceDeployActions?.("build").map((a) => (a as { configuration: Record<string, string> }).configuration.DeploymentTimeout), ["15"]);
    assert.equal((ecsTarget("shop", "staging").deployAction("build") as { configuration: Record<string, string> }).configuration.DeploymentTimeout, "15");
});
