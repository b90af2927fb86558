// ECS workers (slipway:workers): every config rule broken on purpose, the worker's service, family, log
// group, task role, secrets and autoscaling in the environment's plan, review stacks at the minimum,
// rotation reaching the worker's task definition, and the pipeline deploying every service in one
// runOrder with the smoke test after all.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { Plan } from "../tools/plan/mock-engine";
import { all, one, planStack } from "./helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { stubAws } from "./aws-stub";
import { ROOT } from "./helpers";
import { principalOf } from "../tools/check/iam-sim";
import { breaches } from "../tools/check/iam-check";
import { attackRequests } from "../tools/check/iam-requests";
import { estimateCost } from "../tools/estimates/cost";

const W = "slipway:workers";
const workers = (o: Record<string, unknown>) => ({ [W]: JSON.stringify(o) });
const MAILER = { command: "celery -A shop worker" };

interface ContainerDefinition {
    name: string;
    image: string;
    command?: string[];
    portMappings: unknown[];
    healthCheck?: { command: string[] };
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
    logConfiguration: { options: Record<string, string> };
}
interface Action {
    name: string;
    provider: string;
    runOrder?: number;
    inputArtifacts?: string[];
    configuration: Record<string, string>;
}

let appsStaging: Plan;
let appsProduction: Plan;
let apps: Plan;
before(async () => {
    [appsStaging, appsProduction, apps] = await Promise.all([planStack("apps-staging"), planStack("apps-production"), planStack("apps-delivery")]);
});
const containers = (td: { inputs: Record<string, unknown> }) => JSON.parse(String(td.inputs.containerDefinitions)) as ContainerDefinition[];

// --- config ------------------------------------------------------------------------------------------

test("the fixtures' workers parse, with the stack's cpu, memory and CPU target as defaults", () => {
    const s = parseSettings(rawConfig("apps-staging")) as EnvironmentSettings;
    assert.deepEqual(s.workers, [
        { name: "mailer", command: "celery -A shop worker --queues mail", cpu: 256, memory: 512, desiredCount: 1, minCount: 1, maxCount: 2, cpuTargetPercent: 60, healthCheck: "celery -A shop inspect ping -d celery@$HOSTNAME", image: { dockerfile: "docker/worker.Dockerfile", target: "mailer" } },
    ]);
    const p = parseSettings(rawConfig("apps-production")) as EnvironmentSettings;
    assert.deepEqual(p.workers.map((w) => [w.cpu, w.memory, w.desiredCount, w.minCount, w.maxCount, w.cpuTargetPercent]), [[256, 1024, 1, 1, 4, 70]]);
    assert.deepEqual((parseSettings(rawConfig("staging")) as EnvironmentSettings).workers, []);
});

test("a worker without a command, or with an empty one, is refused naming its key path", () => {
    rejects(rawConfig("apps-staging", workers({ mailer: { cpu: 256 } })), "slipway:workers.mailer.command is required", "pulumi config set --path 'slipway:workers.mailer.command'");
    rejects(rawConfig("apps-staging", workers({ mailer: { command: "  " } })), "slipway:workers.mailer.command is required");
    rejects(rawConfig("apps-staging", workers({ mailer: { command: "x".repeat(1001) } })), "slipway:workers.mailer.command", "at most 1000 characters");
    rejects(rawConfig("apps-staging", workers({ mailer: "celery" })), "slipway:workers.mailer must be a map");
});

test("names AWS would reject, or too long for the role name, are refused", () => {
    for (const bad of ["Mailer", "mail_er", "1mailer", "mailer-", "m".repeat(33), "mail.er"]) {
        rejects(rawConfig("apps-staging", workers({ [bad]: MAILER })), `slipway:workers.${bad}`, "is not a worker name", "1–32 characters");
    }
    // The longest name passes, and its service, family and role name stay within AWS's limits.
    const long = "m".repeat(32);
    assert.deepEqual(problemsOf(rawConfig("apps-staging", workers({ [long]: MAILER, a: MAILER }))), []);
});

test("a worker named web or release is refused: those are the web service's and the release phase's", () => {
    rejects(rawConfig("apps-staging", workers({ web: MAILER })), "slipway:workers.web", "is taken", "web process");
    rejects(rawConfig("apps-staging", workers({ release: MAILER })), "slipway:workers.release", "release phase's task family");
});

test("ingress-like settings on a worker are refused, one message each", () => {
    for (const field of ["containerPort", "healthPath", "ingress", "domainName", "loadBalancer"]) {
        rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, [field]: field === "containerPort" ? 8080 : "x" } })), `slipway:workers.mailer.${field}`, "a worker has no ingress", `pulumi config rm --path 'slipway:workers.mailer.${field}'`);
    }
    const two = problemsOf(rawConfig("apps-staging", workers({ mailer: { ...MAILER, containerPort: 8080, healthPath: "/h" } })));
    assert.equal(two.length, 2, two.join("\n"));
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, replicas: 2 } })), "slipway:workers.mailer.replicas is not a worker setting");
});

test("Fargate sizes and counts are checked per worker", () => {
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, cpu: 300 } })), "slipway:workers.mailer.cpu = 300", "Fargate size");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, cpu: 1024, memory: 512 } })), "slipway:workers.mailer.memory = 512 does not pair with cpu = 1024", "2048");
    // The default memory is the stack's: slipway:cpu 256 / memory 512 does not pair with a worker's cpu 2048.
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, cpu: 2048 } })), "slipway:workers.mailer.memory = 512 does not pair with cpu = 2048");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, minCount: 3, maxCount: 2 } })), "slipway:workers.mailer.minCount = 3 is greater than maxCount = 2");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, desiredCount: 5 } })), "slipway:workers.mailer.desiredCount = 5 is outside minCount..maxCount (1..2)");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, maxCount: 0 } })), "slipway:workers.mailer.maxCount = 0 must be an integer from 1 to 100");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, cpuTargetPercent: 95 } })), "slipway:workers.mailer.cpuTargetPercent = 95", "10 to 90");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, minCount: 1.5 } })), "slipway:workers.mailer.minCount = 1.5");
    rejects(rawConfig("apps-staging", workers({ mailer: { ...MAILER, healthCheck: "" } })), "slipway:workers.mailer.healthCheck", "non-empty shell command");
    // minCount 0 is allowed (the worker runs no task until someone scales it).
    assert.deepEqual(problemsOf(rawConfig("apps-staging", workers({ mailer: { ...MAILER, minCount: 0, desiredCount: 0 } }))), []);
});

test("workers on Elastic Beanstalk are refused with the reason", () => {
    rejects(rawConfig("beanstalk-staging", workers({ mailer: MAILER })), "slipway:workers is set, but slipway:platform is beanstalk", "one container", "pulumi config rm slipway:workers --stack beanstalk-staging");
});

test("review stacks run every worker at its minimum", () => {
    const r = parseSettings(rawConfig("apps-staging", { ...workers({ mailer: { ...MAILER, minCount: 0, desiredCount: 2, maxCount: 3 } }), "slipway:tier": "review" })) as EnvironmentSettings;
    assert.deepEqual(r.workers.map((w) => [w.desiredCount, w.minCount, w.maxCount]), [[0, 0, 3]]);
    const s = parseSettings(rawConfig("apps-staging", workers({ mailer: { ...MAILER, minCount: 0, desiredCount: 2, maxCount: 3 } }))) as EnvironmentSettings;
    assert.deepEqual(s.workers.map((w) => w.desiredCount), [2]);
});

test("the delivery stack reads each ECS target's workers from its stack file", () => {
    const s = parseSettings(rawConfig("apps-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets.map((t) => [t.stack, t.workers]), [["apps-staging", ["mailer"]], ["apps-production", ["mailer"]]]);
    assert.deepEqual((parseSettings(rawConfig("delivery")) as DeliverySettings).targets.map((t) => t.workers), [[], []]);
});

// --- the environment ---------------------------------------------------------------------------------

test("each worker is its own ECS service in the environment's cluster, without ingress, with the circuit breaker", () => {
    for (const p of [appsStaging, appsProduction]) {
        const web = one(p, "aws:ecs/service:Service", "app-service");
        const worker = one(p, "aws:ecs/service:Service", "worker-mailer-service");
        assert.equal(worker.inputs.name, `shop-${p.stack}-mailer`);
        assert.equal(worker.inputs.cluster, web.inputs.cluster);
        assert.deepEqual(worker.inputs.loadBalancers ?? [], []);
        assert.equal(worker.inputs.serviceRegistries, undefined);
        assert.equal(worker.inputs.healthCheckGracePeriodSeconds, undefined);
        // The same image as the web's: the environment's release alarms fail and roll back the worker's deployment too.
        assert.deepEqual(worker.inputs.alarms, web.inputs.alarms);
        assert.ok((worker.inputs.alarms as { alarmNames: string[] }).alarmNames.length >= 2);
        assert.deepEqual(worker.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        const group = one(p, "aws:ec2/securityGroup:SecurityGroup", "worker-mailer-tasks");
        assert.deepEqual(group.inputs.ingress, []);
        const net = worker.inputs.networkConfiguration as { securityGroups: string[] };
        assert.equal(net.securityGroups.length, 1);
    }
});

test("a worker's task family, log group, task role, secrets and command", () => {
    for (const p of [appsStaging, appsProduction]) {
        const web = one(p, "aws:ecs/taskDefinition:TaskDefinition", "app-task");
        const td = one(p, "aws:ecs/taskDefinition:TaskDefinition", "worker-mailer-task");
        assert.equal(td.inputs.family, `shop-${p.stack}_mailer`);
        assert.equal(td.inputs.executionRoleArn, web.inputs.executionRoleArn, "the ECS agent's role (the stack's runtime policy) is the environment's");
        assert.notEqual(td.inputs.taskRoleArn, web.inputs.taskRoleArn, "the worker has its own identity");
        const role = one(p, "aws:iam/role:Role", "worker-mailer-task");
        const webRole = one(p, "aws:iam/role:Role", "app-task");
        assert.equal(role.inputs.permissionsBoundary, webRole.inputs.permissionsBoundary);
        assert.equal(role.inputs.path, webRole.inputs.path);
        assert.equal(role.inputs.assumeRolePolicy, webRole.inputs.assumeRolePolicy);
        const [c] = containers(td);
        const [wc] = containers(web);
        assert.deepEqual(c.command, ["sh", "-c", "celery -A shop worker --queues mail"]);
        // The fixtures' mailer builds its own image (docs/services.md "Own images"): the same tag in its own repository.
        assert.equal(c.image, wc.image.replace("/shop:", "/shop/mailer:"));
        assert.deepEqual(c.portMappings, []);
        assert.deepEqual(c.healthCheck?.command, ["CMD-SHELL", "celery -A shop inspect ping -d celery@$HOSTNAME"]);
        assert.deepEqual(c.secrets, wc.secrets);
        assert.ok(c.secrets.length >= 2 && c.secrets.every((s) => s.valueFrom.startsWith("arn:aws:secretsmanager:")));
        const group = `/slipway/shop/${p.stack}/worker/mailer`;
        assert.equal(c.logConfiguration.options["awslogs-group"], group);
        assert.equal(one(p, "aws:cloudwatch/logGroup:LogGroup", "worker-mailer-logs").inputs.name, group);
    }
    const size = (p: Plan) => {
        const td = one(p, "aws:ecs/taskDefinition:TaskDefinition", "worker-mailer-task");
        return [td.inputs.cpu, td.inputs.memory];
    };
    assert.deepEqual(size(appsStaging), ["256", "512"]);
    assert.deepEqual(size(appsProduction), ["256", "1024"]);
});

test("a container health check only when one is given; deployment alarms only with the release alarms", async () => {
    const p = await planStack("apps-staging", { set: { ...workers({ mailer: MAILER }), "slipway:releaseAlarms": "false" } });
    assert.equal(containers(one(p, "aws:ecs/taskDefinition:TaskDefinition", "worker-mailer-task"))[0].healthCheck, undefined);
    assert.equal(one(p, "aws:ecs/service:Service", "worker-mailer-service").inputs.alarms, undefined);
});

test("a worker scales on CPU between its counts; autoscaling owns the running count", () => {
    const target = one(appsProduction, "aws:appautoscaling/target:Target", "worker-mailer-scaling");
    assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity, target.inputs.resourceId], [1, 4, "service/shop-apps-production/shop-apps-production-mailer"]);
    const policy = one(appsProduction, "aws:appautoscaling/policy:Policy", "worker-mailer-cpu");
    const config = policy.inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number; predefinedMetricSpecification: { predefinedMetricType: string } };
    assert.equal(config.targetValue, 70);
    assert.equal(config.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
});

test("a review stack runs its workers at their minimum", async () => {
    const p = await planStack("apps-staging", { stackName: "review-pr-3", set: { ...workers({ mailer: { ...MAILER, minCount: 0, desiredCount: 1, maxCount: 2 } }), "slipway:tier": "review" } });
    const worker = one(p, "aws:ecs/service:Service", "worker-mailer-service");
    assert.equal(worker.inputs.name, "shop-review-pr-3-mailer");
    assert.equal(worker.inputs.desiredCount, 0);
    assert.equal(one(p, "aws:appautoscaling/target:Target", "worker-mailer-scaling").inputs.minCapacity, 0);
});

test("rotating a secret changes the worker's secrets-version label with the web's, never holding it in clear", async () => {
    const rotated = await planStack("apps-staging", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: "postgres://rotated", API_KEY: "k2" }) } });
    const label = (p: Plan, name: string) => containers(one(p, "aws:ecs/taskDefinition:TaskDefinition", name))[0].dockerLabels["slipway.secrets-version"];
    for (const name of ["app-task", "worker-mailer-task"]) {
        assert.ok(label(appsStaging, name) && label(rotated, name) && label(appsStaging, name) !== label(rotated, name), name);
        assert.equal(label(rotated, name), label(rotated, "app-task"));
        assert.ok(!String(one(rotated, "aws:ecs/taskDefinition:TaskDefinition", name).inputs.containerDefinitions).includes("postgres://rotated"));
    }
});

test("the stack outputs the workers' service names (staging-hours scales them)", () => {
    assert.deepEqual(appsStaging.outputs.workerServiceNames, ["shop-apps-staging-mailer"]);
});

test("a stack without workers declares one service, as before", async () => {
    assert.equal(all(await planStack("staging"), "aws:ecs/service:Service").length, 1);
});

// --- the pipeline ------------------------------------------------------------------------------------

test("every service of a stage moves in the same runOrder, the smoke test after all of them", () => {
    const stages = one(apps, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { name: string; actions: Action[] }[];
    for (const [name, stack] of [["Apps-Staging", "apps-staging"], ["Apps-Production", "apps-production"]]) {
        const s = stages.find((x) => x.name === name);
        assert.ok(s);
        assert.deepEqual(
            s.actions.map((a) => [a.name, a.provider, a.runOrder, a.configuration.ServiceName]),
            // The scheduled jobs' revisions (test/job-revisions.test.ts) are registered with the services.
            [["Release", "CodeBuild", 1, undefined], ["Deploy", "ECS", 2, `shop-${stack}`], ["Deploy-mailer", "ECS", 2, `shop-${stack}-mailer`], ["JobRevisions", "CodeBuild", 2, undefined], ["SmokeTest", "CodeBuild", 3, undefined]],
        );
        for (const a of s.actions.filter((x) => x.provider === "ECS")) {
            assert.equal(a.configuration.ClusterName, `shop-${stack}`);
            // The fixtures' mailer runs its own image, named in its own imagedefinitions file.
            assert.equal(a.configuration.FileName, a.name === "Deploy-mailer" ? "imagedefinitions-mailer.json" : "imagedefinitions.json");
            assert.deepEqual(a.inputArtifacts, ["image"]);
        }
    }
});

// --- staging hours -----------------------------------------------------------------------------------

/**
 * Runs staging-hours.yml's "Scale to zero" step in bash with stub `pulumi` (answering `outputs`) and `aws`;
 * returns aws's calls. Hermetic, as runBuildSpec is: no inherited environment, so neither a real `aws` earlier
 * on the caller's PATH nor its credentials can be reached.
 */
function scaleDown(outputs: Record<string, unknown>): { status: number | null; stderr: string; aws: string[] } {
    const wf = parseYaml(fs.readFileSync(path.join(ROOT, ".github", "workflows", "staging-hours.yml"), "utf8")) as { jobs: { scale: { steps: { name?: string; run?: string }[] } } };
    const step = wf.jobs.scale.steps.find((x) => x.name === "Scale to zero");
    assert.ok(step?.run);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-hours-"));
    stubAws(dir, [
        { cmd: "application-autoscaling register-scalable-target", replies: [{ out: "{}" }] },
        { cmd: "ecs update-service", replies: [{ out: "{}" }] },
    ]);
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/bash\n[ "$1 $2 $3" = "stack output --json" ] && cat ${JSON.stringify(path.join(dir, "outputs.json"))} && exit 0\necho "stub pulumi: $*" >&2; exit 1\n`, { mode: 0o755 });
    // As GitHub runs a `shell: bash` step: bash --noprofile --norc -eo pipefail.
    const run = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.run], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir } });
    const log = path.join(dir, "aws.log");
    return { status: run.status, stderr: run.stderr, aws: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
}

test("staging hours scales the web service and every worker to zero, each range first", () => {
    const r = scaleDown({ clusterName: "shop-staging", serviceName: "shop-staging", workerServiceNames: ["shop-staging-mailer", "shop-staging-images"] });
    assert.equal(r.status, 0, r.stderr);
    const range = (s: string) => `application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/shop-staging/${s} --min-capacity 0 --max-capacity 0`;
    const zero = (s: string) => `ecs update-service --cluster shop-staging --service ${s} --desired-count 0`;
    assert.deepEqual(r.aws, ["shop-staging", "shop-staging-mailer", "shop-staging-images"].flatMap((s) => [range(s), zero(s)]));
    // A stack without workers (no workerServiceNames output): the web service only.
    const plain = scaleDown({ clusterName: "shop-staging", serviceName: "shop-staging" });
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(plain.aws, [range("shop-staging"), zero("shop-staging")]);
});

// --- containment: another stack's workers ------------------------------------------------------------

test("no other stack's deploy role can change, retag, deploy or delete a stack's workers", async () => {
    const [delivery, review] = await Promise.all([planStack("delivery"), planStack("apps-staging", { stackName: "review-pr-9" })]);
    const workerOnly = { ...review, resources: review.resources.filter((r) => r.name.startsWith("worker-")) };
    const attacks = await attackRequests({ plan: workerOnly, region: "us-east-1", tag: "shop/review-pr-9", app: "shop" }, "shop/staging");
    // Every kind of the worker's resources is attacked: service, family, role, log group, security group, scaling.
    for (const what of [":service/shop-review-pr-9/shop-review-pr-9-mailer", ":task-definition/shop-review-pr-9_mailer:", ":role/slipway/shop/review-pr-9/worker-mailer-task", ":log-group:/slipway/shop/review-pr-9/worker/mailer", ":security-group/", "scalable-target/"]) {
        assert.ok(attacks.some((r) => r.resource.includes(what)), `no attack on ${what}`);
    }
    for (const role of ["github-oidc-deploy-staging", "github-oidc-deploy-production"]) {
        assert.deepEqual(await breaches(principalOf(delivery, role), attacks), [], role);
    }
});

// --- cost --------------------------------------------------------------------------------------------

test("each worker is priced as Fargate at its own size and floor, with its own logs and scaling alarms", async () => {
    const lines = estimateCost(appsProduction).lines.filter((l) => l.resource.includes("worker-mailer"));
    const items = lines.map((l) => l.item);
    assert.ok(items.includes("Fargate vCPU: 1 task(s) × 0.25 vCPU"), items.join("\n"));
    assert.ok(items.includes("Fargate memory: 1 task(s) × 1 GB"), items.join("\n"));
    assert.ok(items.includes("public IPv4 × 1 (one per task, no NAT)"));
    assert.ok(items.includes("2 target-tracking alarms"));
    assert.ok(items.some((i) => i.startsWith("log ingestion")));
    // The web service keeps its own size and floor (512 cpu, 2 tasks), not the worker's.
    assert.ok(estimateCost(appsProduction).lines.some((l) => l.resource.includes("app-service") && l.item === "Fargate vCPU: 2 task(s) × 0.5 vCPU"));
    // Staging's worker runs on Spot like the web (slipway:fargateSpot), at its floor of 2 from minCount.
    const floor = await planStack("apps-staging", { set: workers({ mailer: { ...MAILER, minCount: 2, desiredCount: 2, maxCount: 3 } }) });
    assert.ok(estimateCost(floor).lines.some((l) => l.resource.includes("worker-mailer-service") && l.item === "Fargate Spot vCPU: 2 task(s) × 0.25 vCPU"));
});
