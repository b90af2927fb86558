import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { buildStage, deploymentWaves, ecsDeployFloor, ecsSettingsFromPlan, FIGURES, modelLeadTime, parseLeadTimeArgs, releaseWaitSeconds, render, TARGETS, trafficShiftWaits } from "../tools/estimates/lead-time";
import { planStack } from "./helpers";

function resource(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, parent: null, inputs, protect: false, dependsOn: [], custom: true, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false };
}

function envPlan(stack: string, o: { interval?: number; dereg?: number; desired?: number; min?: number; max?: number } = {}): Plan {
    return {
        project: "slipway",
        stack,
        outputs: { platform: "ecs" },
        resources: [
            resource("aws:ecs/service:Service", "service", { desiredCount: o.desired ?? 1, deploymentMinimumHealthyPercent: o.min ?? 100, deploymentMaximumPercent: o.max ?? 200 }),
            resource("aws:lb/targetGroup:TargetGroup", "app", { deregistrationDelay: o.dereg ?? 15, healthCheck: { interval: o.interval ?? 10, healthyThreshold: 2 } }),
        ],
    };
}

function deliveryPlan(cache: Record<string, unknown> = { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE"] }, buildspec = "docker build --cache-from x"): Plan {
    const deployStage = (name: string) => ({
        name,
        actions: [
            { name: "Deploy", category: "Deploy", provider: "ECS", runOrder: 1 },
            { name: "SmokeTest", category: "Build", provider: "CodeBuild", runOrder: 2 },
        ],
    });
    return {
        project: "slipway",
        stack: "delivery",
        outputs: { pipelineStacks: ["staging", "production"] },
        resources: [
            resource("aws:codebuild/project:Project", "project", { environment: { computeType: "BUILD_GENERAL1_SMALL", privilegedMode: true }, cache, source: { buildspec } }),
            resource("aws:codebuild/project:Project", "project", { environment: { computeType: "BUILD_GENERAL1_SMALL", privilegedMode: false } }),
            resource("aws:codepipeline/pipeline:Pipeline", "pipeline", {
                stages: [
                    { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeStarSourceConnection" }] },
                    { name: "Build", actions: [{ name: "BuildAndPush", category: "Build", provider: "CodeBuild" }] },
                    deployStage("Staging"),
                    { name: "Approve-Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual" }] },
                    deployStage("Production"),
                ],
            }),
        ],
    };
}

const base = { loadBalanced: true, desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 200, healthCheckIntervalSeconds: 10, healthyThreshold: 2, deregistrationDelaySeconds: 15 };

test("the ECS deploy floor is task start plus one health-check interval plus the deregistration delay", () => {
    const f = ecsDeployFloor(base);
    assert.equal(f.seconds, FIGURES.ecsActionSeconds + FIGURES.fargateTaskStartSeconds + 10 + 15 + FIGURES.taskStopSeconds);
});

test("a longer health-check interval or deregistration delay raises the ECS floor by exactly that much", () => {
    const f = ecsDeployFloor(base).seconds;
    assert.equal(ecsDeployFloor({ ...base, healthCheckIntervalSeconds: 30 }).seconds, f + 20);
    assert.equal(ecsDeployFloor({ ...base, deregistrationDelaySeconds: 300 }).seconds, f + 285);
});

test("AWS's target-group defaults (30 s checks, 300 s draining) miss the 60 s ECS floor", () => {
    assert.ok(ecsDeployFloor({ ...base, healthCheckIntervalSeconds: 30, healthyThreshold: 5, deregistrationDelaySeconds: 300 }).seconds > TARGETS.ecsDeployFloorSeconds);
});

test("maximum 200 % replaces every task in one wave; maximum 150 % needs two for two tasks", () => {
    assert.equal(deploymentWaves({ desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 200 }), 1);
    assert.equal(deploymentWaves({ desiredCount: 4, minimumHealthyPercent: 100, maximumPercent: 150 }), 2);
    assert.equal(deploymentWaves({ desiredCount: 4, minimumHealthyPercent: 50, maximumPercent: 100 }), 2);
    assert.throws(() => deploymentWaves({ desiredCount: 1, minimumHealthyPercent: 100, maximumPercent: 100 }), /cannot replace any task/);
});

test("the deploy settings are read from the plan's service and target group, with AWS defaults when unset", () => {
    assert.deepEqual(ecsSettingsFromPlan(envPlan("staging", { interval: 5, dereg: 20, desired: 3 })), { ...base, desiredCount: 3, healthCheckIntervalSeconds: 5, deregistrationDelaySeconds: 20 });
    const bare = envPlan("staging");
    bare.resources[1].inputs = {};
    assert.equal(ecsSettingsFromPlan(bare).deregistrationDelaySeconds, 300);
    assert.equal(ecsSettingsFromPlan(bare).healthCheckIntervalSeconds, 30);
});

test("an ECS service without a load balancer has no health-check wait or draining unless its container checks health", () => {
    const plan = envPlan("staging");
    plan.resources = plan.resources.filter((r) => r.type !== "aws:lb/targetGroup:TargetGroup");
    plan.resources.push(resource("aws:ecs/taskDefinition:TaskDefinition", "task", { containerDefinitions: JSON.stringify([{ name: "app" }]) }));
    const bare = ecsDeployFloor(ecsSettingsFromPlan(plan));
    assert.equal(bare.seconds, FIGURES.ecsActionSeconds + FIGURES.fargateTaskStartSeconds + FIGURES.taskStopSeconds);
    plan.resources[plan.resources.length - 1].inputs.containerDefinitions = JSON.stringify([{ name: "app", healthCheck: { command: ["CMD", "true"], interval: 5 } }]);
    assert.equal(ecsDeployFloor(ecsSettingsFromPlan(plan)).seconds, bare.seconds + 5);
});

test("changing a setting in an environment plan changes the modelled lead time", () => {
    const fast = modelLeadTime(deliveryPlan(), { staging: envPlan("staging"), production: envPlan("production") });
    const slow = modelLeadTime(deliveryPlan(), { staging: envPlan("staging"), production: envPlan("production", { dereg: 300 }) });
    assert.equal(slow.totalSeconds - fast.totalSeconds, 285);
    assert.equal(slow.ecsFloors.production - fast.ecsFloors.production, 285);
    assert.equal(slow.ecsFloors.staging, fast.ecsFloors.staging);
});

test("a build without any layer cache is modelled slower than a cached one", () => {
    const project = deliveryPlan().resources[0];
    const noCache = { ...project, inputs: { ...project.inputs, cache: { type: "NO_CACHE" }, source: { buildspec: "docker build ." } } };
    assert.ok(buildStage(noCache, { testSeconds: 30, imageSeconds: 60 }).seconds > buildStage(project, { testSeconds: 30, imageSeconds: 60 }).seconds);
    const plain = deliveryPlan({ type: "NO_CACHE" }, "docker build .");
    const uncached = modelLeadTime(plain, { staging: envPlan("staging"), production: envPlan("production") });
    const warm = modelLeadTime(deliveryPlan(), { staging: envPlan("staging"), production: envPlan("production") });
    assert.equal(uncached.totalSeconds - warm.totalSeconds, 60 * (FIGURES.uncachedBuildFactor - 1));
});

test("the manual approval is excluded and every other action is counted", () => {
    const m = modelLeadTime(deliveryPlan(), { staging: envPlan("staging"), production: envPlan("production") });
    assert.match(m.excluded.join(), /Approve-Production/);
    assert.deepEqual(
        m.stages.map((s) => s.stage),
        ["Source", "Build", "Staging: ECS deploy (staging)", "Staging: smoke test", "Production: ECS deploy (production)", "Production: smoke test", "CodePipeline between actions"],
    );
    assert.equal(m.stages[m.stages.length - 1].seconds, 6 * FIGURES.actionOverheadSeconds);
});

test("an environment plan missing for a pipeline stage is an error naming the stack", () => {
    assert.throws(() => modelLeadTime(deliveryPlan(), { staging: envPlan("staging") }), /no plan for its environment stack production/);
});

test("lead-time options default to the delivery stack and reject unknown flags", () => {
    assert.equal(parseLeadTimeArgs([]).stack, "delivery");
    assert.equal(parseLeadTimeArgs(["--image-seconds", "90"]).app.imageSeconds, 90);
    assert.throws(() => parseLeadTimeArgs(["--fast"]), /unknown option --fast/);
});

test("the shipped stacks' defaults meet the lead-time and ECS-floor targets", async () => {
    const delivery = await planStack("delivery");
    const m = modelLeadTime(delivery, { staging: await planStack("staging"), production: await planStack("production") });
    // Production's default canary adds its deliberate waits (deployStepMinutes + deployBakeMinutes), counted apart.
    assert.equal(m.releaseWaits.production, 60 * (2 + 5));
    assert.ok(m.totalSeconds - releaseWaitSeconds(m) < TARGETS.commitToProductionSeconds, `modelled ${m.totalSeconds} s`);
    for (const [stack, s] of Object.entries(m.ecsFloors)) assert.ok(s < TARGETS.ecsDeployFloorSeconds, `${stack}: ${s} s`);
});

test("a pipeline of Beanstalk stacks gets an estimate that names its deploys as not modelled, not a made-up figure; a canary's evaluation is counted", async () => {
    const m = modelLeadTime(await planStack("beanstalk-delivery"), { "beanstalk-staging": await planStack("beanstalk-staging"), "beanstalk-production": await planStack("beanstalk-production") });
    assert.deepEqual(
        m.excluded.filter((e) => e.includes("not modelled")),
        [
            "Beanstalk-Staging: beanstalk deploy (beanstalk-staging) is not modelled; the total leaves it out",
            "Beanstalk-Production: beanstalk deploy (beanstalk-production): launching the new instances, their health checks and the final shift are not modelled; only its deliberate wait is counted",
        ],
    );
    assert.deepEqual(m.ecsFloors, {});
    assert.ok(m.stages.some((s) => s.stage === "Beanstalk-Staging: smoke test"));
    // The fixture's TrafficSplitting: 20 % for 10 minutes, a deliberate wait like ECS's bake time.
    const deploy = m.stages.find((s) => s.stage === "Beanstalk-Production: Beanstalk deploy (beanstalk-production)");
    assert.equal(deploy?.seconds, 600);
    assert.deepEqual(m.releaseWaits, { "beanstalk-production": 600 });
    assert.match(render(m), /deliberate release waits \(beanstalk-production: 10 min/);
    // Immutable: nothing of the deploy is modelled, nothing is counted.
    const i = modelLeadTime(await planStack("beanstalk-delivery"), {
        "beanstalk-staging": await planStack("beanstalk-staging"),
        "beanstalk-production": await planStack("beanstalk-production", { set: { "slipway:beanstalkDeploymentPolicy": "Immutable" } }),
    });
    assert.deepEqual(i.releaseWaits, {});
    assert.ok(i.excluded.includes("Beanstalk-Production: beanstalk deploy (beanstalk-production) is not modelled; the total leaves it out"));
});

test("an environment plan without a platform output is refused by name", () => {
    const env = envPlan("staging");
    env.outputs = {};
    assert.throws(() => modelLeadTime(deliveryPlan(), { staging: env, production: envPlan("production") }), /stack staging has no known platform output \(none\)/);
});

test("a stage's parallel deploys (web and workers, one runOrder) count once: the slowest service, and one action step", async () => {
    const { planStack } = await import("./helpers");
    const [apps, staging, production] = await Promise.all([planStack("apps-delivery"), planStack("apps-staging"), planStack("apps-production")]);
    const m = modelLeadTime(apps, { "apps-staging": staging, "apps-production": production });
    const deploy = m.stages.find((s) => s.stage === "Apps-Staging: ECS deploy (apps-staging)");
    assert.ok(deploy);
    assert.match(deploy.parts[deploy.parts.length - 1].label, /2 services deploy in parallel \(shop-apps-staging \d+ s, shop-apps-staging-mailer \d+ s\)/);
    // Release 1, Deploy + Deploy-mailer 2, SmokeTest 3: three steps per stage; Source and Build one each.
    assert.equal(m.stages[m.stages.length - 1].seconds, (1 + 1 + 3 + 3) * FIGURES.actionOverheadSeconds);
    // Without the worker, the stage's floor is the web service's alone.
    const web = ecsDeployFloor(ecsSettingsFromPlan(staging)).seconds;
    assert.ok(deploy.seconds >= web);
});

test("a blue/green, canary or linear service waits its steps and bake time, in one wave of new tasks, counted apart from the floor", () => {
    const base = { loadBalanced: true, desiredCount: 4, minimumHealthyPercent: 100, maximumPercent: 150, healthCheckIntervalSeconds: 5, healthyThreshold: 2, deregistrationDelaySeconds: 10 };
    const rolling = ecsDeployFloor(base);
    const svc = (deploymentConfiguration: Record<string, unknown>) => ({ urn: "u", type: "aws:ecs/service:Service", name: "app-service", parent: null, inputs: { deploymentConfiguration }, protect: false, dependsOn: [], custom: true, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false }) as PlannedResource;
    const canary = trafficShiftWaits(svc({ strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "2" } }));
    const linear = trafficShiftWaits(svc({ strategy: "LINEAR", bakeTimeInMinutes: "1", linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: "3" } }));
    const blueGreen = trafficShiftWaits(svc({ strategy: "BLUE_GREEN", bakeTimeInMinutes: "10" }));
    assert.equal(trafficShiftWaits(svc({})), undefined, "no deploymentConfiguration: rolling");
    assert.deepEqual([canary?.stepSeconds, canary?.bakeSeconds], [120, 300]);
    assert.deepEqual([linear?.stepSeconds, linear?.bakeSeconds], [4 * 180, 60], "four 25 % steps, a wait after each");
    assert.deepEqual([blueGreen?.stepSeconds, blueGreen?.bakeSeconds], [0, 600]);
    const shifted = ecsDeployFloor({ ...base, shift: canary });
    // Two rolling waves (150 % of 4 tasks) become one: the whole new set starts in the alternate group.
    assert.equal(deploymentWaves(base), 2);
    assert.equal(shifted.waitSeconds, 420);
    assert.equal(shifted.seconds - shifted.waitSeconds, rolling.seconds - (rolling.seconds - FIGURES.ecsActionSeconds) / 2);
    assert.ok(shifted.parts.some((p) => /bake time/.test(p.label) && p.seconds === 300));
});
