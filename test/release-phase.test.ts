// The release phase (slipway:releaseCommand, ECS; Beanstalk's is test/beanstalk-release.test.ts): its config checks, the environment's release task
// definition, the Release action's place in each stage, its script run for real against a stub AWS CLI
// (success and every failure path), and the release project's role simulated: sufficient for every call
// the script makes on its own targets, and denied on any other stack's family, cluster, roles and logs.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { releaseBuildSpec, RELEASE_STARTED_BY, RELEASE_WAIT_MINUTES } from "../infra/platforms/ecs/release-action";
import { Plan, MOCK_ACCOUNT } from "../tools/plan/mock-engine";
import { physicalName, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { estimateCost } from "../tools/estimates/cost";
import { modelLeadTime, releaseStage } from "../tools/estimates/lead-time";
import { all, one, planStack } from "./helpers";
import { Reply, Rule, runBuildSpec } from "./aws-stub";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { decisions, view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const REPO = `${A}.dkr.ecr.${R}.amazonaws.com/shop`;
const COMMAND = "./manage.py migrate --noinput";

interface Action {
    name: string;
    provider: string;
    runOrder?: number;
    inputArtifacts?: string[];
    configuration: Record<string, string>;
}
interface Stage {
    name: string;
    actions: Action[];
}
interface Variable {
    name: string;
    value: string;
    type: string;
}
interface ContainerDefinition {
    name: string;
    image: string;
    command?: string[];
    portMappings: unknown[];
    healthCheck?: unknown;
    secrets: { name: string; valueFrom: string }[];
    dockerLabels: Record<string, string>;
    logConfiguration: { options: Record<string, string> };
}

let apps: Plan;
let appsStaging: Plan;
let appsProduction: Plan;
let delivery: Plan;
before(async () => {
    [apps, appsStaging, appsProduction, delivery] = await Promise.all([planStack("apps-delivery"), planStack("apps-staging"), planStack("apps-production"), planStack("delivery")]);
});

const stagesOf = (d: Plan) => one(d, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[];
const stage = (d: Plan, name: string) => {
    const found = stagesOf(d).find((s) => s.name === name);
    assert.ok(found, `no stage ${name}`);
    return found;
};
const variablesOf = (a: Action) => Object.fromEntries((JSON.parse(a.configuration.EnvironmentVariables) as Variable[]).map((v) => [v.name, v.value]));
const containers = (td: { inputs: Record<string, unknown> }) => JSON.parse(String(td.inputs.containerDefinitions)) as ContainerDefinition[];
const taskDefinition = (p: Plan, name: string) => one(p, "aws:ecs/taskDefinition:TaskDefinition", name);

// --- config ------------------------------------------------------------------------------------------

test("a release command on Elastic Beanstalk outside Immutable deployments is refused, saying why and how to fix it", () => {
    // The Beanstalk release phase itself: test/beanstalk-release.test.ts.
    rejects(rawConfig("beanstalk-staging", { "slipway:releaseCommand": COMMAND }), "slipway:releaseCommand", "only with Immutable deployments", "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack beanstalk-staging", "pulumi config rm slipway:releaseCommand --stack beanstalk-staging");
});

test("a release command of only whitespace or over 1000 characters is refused, naming the key", () => {
    rejects(rawConfig("apps-staging", { "slipway:releaseCommand": "   " }), "slipway:releaseCommand", "must not be only whitespace");
    rejects(rawConfig("apps-staging", { "slipway:releaseCommand": "x".repeat(1001) }), "slipway:releaseCommand", "at most 1000 characters");
});

test("the delivery stack reads each target's release phase from the target's own stack file", () => {
    const s = parseSettings(rawConfig("apps-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets.map((t) => [t.stack, t.release]), [["apps-staging", true], ["apps-production", true]]);
    const plain = parseSettings(rawConfig("delivery")) as DeliverySettings;
    assert.deepEqual(plain.targets.map((t) => t.release), [false, false]);
    // A release command on a Beanstalk target is the environment's error, never a release action.
    const eb = parseSettings(rawConfig("beanstalk-delivery", {}, { "beanstalk-staging": { "slipway:role": "environment", "slipway:platform": "beanstalk", "slipway:releaseCommand": COMMAND } })) as DeliverySettings;
    assert.equal(eb.targets[0].release, false);
    assert.deepEqual(problemsOf(rawConfig("apps-staging")), []);
    assert.equal((parseSettings(rawConfig("apps-staging")) as EnvironmentSettings).releaseCommand, COMMAND);
});

// --- the environment: the release task definition ----------------------------------------------------

test("the release task runs the release command in the app's image, roles, secrets and log group, without a port or health check", () => {
    for (const p of [appsStaging, appsProduction]) {
        const web = taskDefinition(p, "app-task");
        const release = taskDefinition(p, "release-task");
        assert.equal(release.inputs.family, `shop-${p.stack}_release`);
        assert.equal(release.inputs.executionRoleArn, web.inputs.executionRoleArn);
        assert.equal(release.inputs.taskRoleArn, web.inputs.taskRoleArn);
        assert.deepEqual([release.inputs.cpu, release.inputs.memory, release.inputs.networkMode], [web.inputs.cpu, web.inputs.memory, "awsvpc"]);
        const [rc] = containers(release);
        const [wc] = containers(web);
        assert.deepEqual(rc.command, ["sh", "-c", COMMAND]);
        assert.equal(rc.image, wc.image);
        assert.deepEqual(rc.portMappings, []);
        assert.equal(rc.healthCheck, undefined);
        assert.deepEqual(rc.secrets, wc.secrets, "the release reads the app's secrets through valueFrom, like the web process");
        assert.ok(rc.secrets.length >= 2 && rc.secrets.every((s) => s.valueFrom.startsWith("arn:aws:secretsmanager:")));
        assert.equal(rc.logConfiguration.options["awslogs-group"], `/slipway/shop/${p.stack}/app`);
        assert.equal(rc.logConfiguration.options["awslogs-stream-prefix"], "release");
        assert.equal(wc.logConfiguration.options["awslogs-stream-prefix"], "app");
    }
});

test("rotating a secret changes the secrets-version label of every task definition: the web's and the release's", async () => {
    const rotated = await planStack("apps-staging", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: "postgres://rotated", API_KEY: "k2" }) } });
    for (const name of ["app-task", "release-task"]) {
        const before = containers(taskDefinition(appsStaging, name))[0].dockerLabels["slipway.secrets-version"];
        const after = containers(taskDefinition(rotated, name))[0].dockerLabels["slipway.secrets-version"];
        assert.ok(before && after && before !== after, `${name}: ${before} → ${after}`);
        assert.ok(!String(taskDefinition(rotated, name).inputs.containerDefinitions).includes("postgres://rotated"), `${name} holds the secret in clear`);
    }
});

test("a stack without a release command declares no release task, and its pipeline stage is unchanged", async () => {
    assert.equal(all(await planStack("staging"), "aws:ecs/taskDefinition:TaskDefinition").length, 1);
    assert.ok(!all(delivery, "aws:codebuild/project:Project").some((p) => p.name.startsWith("release-")));
    for (const name of ["Staging", "Production"]) {
        assert.deepEqual(stage(delivery, name).actions.map((a) => [a.name, a.runOrder]), [["Deploy", 1], ["SmokeTest", 2]]);
    }
});

// --- the pipeline: the Release action ----------------------------------------------------------------

test("each stage runs Release, then Deploy, then SmokeTest, reading the one build artifact", () => {
    for (const [name, stack] of [["Apps-Staging", "apps-staging"], ["Apps-Production", "apps-production"]]) {
        const s = stage(apps, name);
        // The fixture's worker (test/workers.test.ts) deploys beside the web service, after the release too.
        assert.deepEqual(s.actions.map((a) => [a.name, a.provider, a.runOrder]), [["Release", "CodeBuild", 1], ["Deploy", "ECS", 2], ["Deploy-mailer", "ECS", 2], ["JobRevisions", "CodeBuild", 2], ["SmokeTest", "CodeBuild", 3]]);
        assert.ok(s.actions.every((a) => a.inputArtifacts?.[0] === "image"));
        const release = s.actions[0];
        // Each target's own project (and role): its name names the stack.
        const project = one(apps, "aws:codebuild/project:Project", `release-${stack}-project`);
        assert.equal(release.configuration.ProjectName, physicalName(project));
        assert.deepEqual(variablesOf(release), {
            STACK: stack,
            CLUSTER_NAME: `shop-${stack}`,
            SERVICE_NAME: `shop-${stack}`,
            TASK_FAMILY: `shop-${stack}_release`,
            CONTAINER_NAME: "app",
            LOG_GROUP: `/slipway/shop/${stack}/app`,
            // The production fixture sets slipway:maintenancePage (test/maintenance.test.ts).
            ...(stack === "apps-production" ? { MAINTENANCE_RULE: "/slipway/shop/apps-production/maintenance-rule" } : {}),
        });
        // The ECS deploy moves the service only after the Release action has passed.
        assert.equal(s.actions[1].configuration.ServiceName, `shop-${stack}`);
    }
    // The approval still comes before production's release: nothing of production runs unapproved.
    const names = stagesOf(apps).map((s) => s.name);
    assert.ok(names.indexOf("Approve-Apps-Production") === names.indexOf("Apps-Production") - 1, names.join(", "));
});

test("each target's release project runs exactly releaseBuildSpec, unprivileged, with a timeout longer than the script's own wait", () => {
    const projects = all(apps, "aws:codebuild/project:Project").filter((p) => p.name.startsWith("release-"));
    assert.deepEqual(projects.map((p) => p.name).sort(), ["release-apps-production-project", "release-apps-staging-project"], "one project per target with a release phase");
    for (const project of projects) {
        assert.deepEqual(JSON.parse((project.inputs.source as { buildspec: string }).buildspec), releaseBuildSpec());
        const env = project.inputs.environment as { privilegedMode: boolean; environmentVariables: Variable[] };
        assert.equal(env.privilegedMode, false);
        assert.deepEqual(env.environmentVariables, [{ name: "REPOSITORY_URL", value: REPO, type: "PLAINTEXT" }]);
        assert.ok(Number(project.inputs.buildTimeout) > RELEASE_WAIT_MINUTES);
    }
    // …each with its own role.
    const roles = projects.map((p) => String(p.inputs.serviceRole));
    assert.equal(new Set(roles).size, 2);
});

// --- the script, run for real ------------------------------------------------------------------------

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    aws: string[];
    /** The JSON the script handed to register-task-definition. */
    registered?: Record<string, unknown>;
}

/** Runs the release buildspec (runBuildSpec), keeping what register-task-definition was given. */
function runRelease(env: Record<string, string>, rules: Rule[], imageTag = SHA): Run {
    const r = runBuildSpec(releaseBuildSpec(), {
        name: "release",
        rules,
        before: ['if [ "$1 $2" = "ecs register-task-definition" ]; then printf "%s" "$4" > "$d/registered.json"; fi'],
        env: { AWS_REGION: R, REPOSITORY_URL: REPO, ...env },
        imageTag,
    });
    const registered = r.kept("registered.json");
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, aws: r.aws, registered: registered === undefined ? undefined : (JSON.parse(registered) as Record<string, unknown>) };
}

const explain = (r: Run) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\naws calls:\n${r.aws.join("\n")}`;
const FAMILY = "shop-apps-staging_release";
const REVISION = `arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:8`;
const TASK = `arn:aws:ecs:${R}:${A}:task/shop-apps-staging/5f0e2c1d9a8b4c7d`;

/** DescribeTaskDefinition's answer for the family's latest revision (as Pulumi declared it). */
function described(): string {
    const td = taskDefinition(appsStaging, "release-task");
    return JSON.stringify({
        taskDefinition: {
            taskDefinitionArn: `arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:7`,
            family: FAMILY,
            revision: 7,
            status: "ACTIVE",
            taskRoleArn: td.inputs.taskRoleArn,
            executionRoleArn: td.inputs.executionRoleArn,
            networkMode: "awsvpc",
            containerDefinitions: containers(td),
            requiresCompatibilities: ["FARGATE"],
            compatibilities: ["EC2", "FARGATE"],
            requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }],
            cpu: "256",
            memory: "512",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            registeredAt: "2026-12-01T10:00:00Z",
            registeredBy: `arn:aws:sts::${A}:assumed-role/x/y`,
        },
        tags: [{ key: STACK_TAG, value: "shop/apps-staging" }],
    });
}
const NETWORK = '{"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"],"assignPublicIp":"ENABLED"}}';

function ecs(over: { run?: Reply[]; status?: Reply[]; result?: Reply[]; network?: Reply[] } = {}): Rule[] {
    return [
        { cmd: "ecs describe-task-definition --task-definition shop-apps-staging_release --include TAGS", replies: [{ out: described() }] },
        { cmd: "ecs register-task-definition", replies: [{ out: `${REVISION}\n` }] },
        { cmd: "ecs describe-services --cluster shop-apps-staging --services shop-apps-staging", replies: over.network ?? [{ out: NETWORK }] },
        { cmd: "ecs run-task --cluster shop-apps-staging", replies: over.run ?? [{ out: `${TASK}\t0\n` }] },
        { cmd: "ecs describe-tasks --cluster shop-apps-staging", has: "lastStatus", replies: over.status ?? [{ out: "PROVISIONING\n" }, { out: "RUNNING\n" }, { out: "STOPPED\n" }] },
        { cmd: "ecs describe-tasks --cluster shop-apps-staging", has: "exitCode", replies: over.result ?? [{ out: "0\tEssentialContainerExited\tEssential container in task exited\n" }] },
        { cmd: "ecs describe-tasks --cluster shop-apps-staging", has: "failures", replies: [{ out: "arn:x\tRESOURCE:ENI\tno free addresses\n" }] },
        { cmd: "ecs stop-task", replies: [{ out: "{}" }] },
        { cmd: "logs get-log-events", replies: [{ out: "Applying migrations...\tOK\n" }] },
    ];
}
const releaseEnv = () => variablesOf(stage(apps, "Apps-Staging").actions[0]);

test("a release whose command exits 0 passes, having run the new image once in the web service's network", () => {
    const r = runRelease(releaseEnv(), ecs());
    assert.equal(r.status, 0, explain(r));
    // The new revision: the declared one with the build's image, only RegisterTaskDefinition's fields, the family's tags kept.
    assert.ok(r.registered, explain(r));
    const defs = r.registered.containerDefinitions as ContainerDefinition[];
    assert.equal(defs[0].image, `${REPO}:${SHA}`);
    assert.deepEqual(defs[0].command, ["sh", "-c", COMMAND]);
    for (const k of ["taskDefinitionArn", "revision", "status", "compatibilities", "requiresAttributes", "registeredAt", "registeredBy"]) assert.ok(!(k in r.registered), `${k} is not a RegisterTaskDefinition field`);
    assert.deepEqual(r.registered.tags, [{ key: STACK_TAG, value: "shop/apps-staging" }]);
    const run = r.aws.filter((c) => c.startsWith("ecs run-task"));
    assert.equal(run.length, 1, explain(r));
    assert.ok(run[0].includes(`--task-definition ${REVISION} --launch-type FARGATE --network-configuration ${NETWORK} --started-by ${RELEASE_STARTED_BY}`), run[0]);
    assert.ok(r.stdout.includes("Applying migrations..."), "the release's own output is in the build log");
    assert.ok(r.aws.some((c) => c.includes(`--log-group-name /slipway/shop/apps-staging/app --log-stream-name release/app/${TASK.split("/").pop()}`)), explain(r));
    assert.ok(!r.aws.some((c) => c.startsWith("ecs stop-task")));
});

test("a release command that exits non-zero fails the action, naming the exit code, after printing its logs", () => {
    const r = runRelease(releaseEnv(), ecs({ result: [{ out: "3\tEssentialContainerExited\tEssential container in task exited\n" }] }));
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /release on apps-staging: the release command exited with 3 \(stop code EssentialContainerExited: .*\)\. Nothing was deployed/);
    assert.ok(r.stdout.includes("Applying migrations..."));
});

test("a release task that never started (no exit code) fails, with ECS's reason", () => {
    const r = runRelease(releaseEnv(), ecs({ result: [{ out: "None\tTaskFailedToStart\tCannotPullContainerError: pull access denied\n" }] }));
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /exited with no exit code \(stop code TaskFailedToStart: CannotPullContainerError/);
});

test("a RunTask answer with failures, or a failed call, fails before anything waits", () => {
    const placed = runRelease(releaseEnv(), ecs({ run: [{ out: "None\t1\n" }] }));
    assert.equal(placed.status, 1, explain(placed));
    assert.match(placed.stderr, /ECS did not start the release task \(1 failure\(s\)\)/);
    assert.ok(!placed.aws.some((c) => c.includes("lastStatus")));
    const denied = runRelease(releaseEnv(), ecs({ run: [{ err: "An error occurred (AccessDeniedException) when calling the RunTask operation", rc: 254 }] }));
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, /aws ecs run-task failed: .*AccessDeniedException/);
});

test("a release still running after the wait is stopped and fails", () => {
    const spec = releaseBuildSpec() as { phases: { build: { commands: string[] } } };
    assert.ok(spec.phases.build.commands[0].includes(`deadline=$((SECONDS + \${RELEASE_WAIT_SECONDS:-${RELEASE_WAIT_MINUTES * 60}}))`));
    const r = runRelease({ ...releaseEnv(), RELEASE_WAIT_SECONDS: "0" }, ecs({ status: [{ out: "RUNNING\n" }] }));
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, new RegExp(`the release task 5f0e2c1d9a8b4c7d was still RUNNING after ${RELEASE_WAIT_MINUTES} minutes; it was stopped`));
    assert.deepEqual(r.aws.filter((c) => c.startsWith("ecs stop-task")), [`ecs stop-task --cluster shop-apps-staging --task ${TASK} --reason slipway release exceeded ${RELEASE_WAIT_MINUTES} minutes`]);
    assert.ok(!r.aws.some((c) => c.includes("exitCode")), "no exit code is read from a task that was stopped");
});

test("a missing or bad image tag, or a service without awsvpc networking, fails before any task runs", () => {
    const badTag = runRelease(releaseEnv(), ecs(), "latest");
    assert.equal(badTag.status, 1);
    assert.match(badTag.stderr, /image-tag.txt says "latest", which is not a commit sha/);
    assert.deepEqual(badTag.aws, []);
    const noNetwork = runRelease(releaseEnv(), ecs({ network: [{ out: "null\n" }] }));
    assert.equal(noNetwork.status, 1);
    assert.match(noNetwork.stderr, /has no awsvpc network configuration/);
    assert.ok(!noNetwork.aws.some((c) => c.startsWith("ecs run-task")));
});

// --- the release project's role, simulated -----------------------------------------------------------

const owned = (v: StackView) => ({ "aws:RequestedRegion": R, ...tagContext(v.tag, true, false) });
/** The release project's role of target `stack` (one per target). */
const releaseRole = (stack: string): Principal => principalOf(apps, `release-${stack}-role`, [apps], {}, { [STACK_TAG]: "shop/apps-delivery" });
const TARGETS = ["apps-staging", "apps-production"] as const;

/** Every call releaseScript makes against `target` (an environment plan), as AWS authorizes it. */
function releaseRequests(target: StackView, why = `release of ${target.plan.stack}`): Request[] {
    const td = taskDefinition(target.plan, "release-task");
    const family = String(td.inputs.family);
    const cluster = one(target.plan, "aws:ecs/cluster:Cluster");
    const clusterArn = ownArns(cluster, target)[0].arn;
    const service = ownArns(one(target.plan, "aws:ecs/service:Service", "app-service"), target)[0].arn;
    const revision = `arn:aws:ecs:${R}:${A}:task-definition/${family}:8`;
    const task = `arn:aws:ecs:${R}:${A}:task/${String(cluster.inputs.name)}/5f0e2c1d9a8b4c7d`;
    const newTags = { "aws:RequestedRegion": R, [`aws:RequestTag/${STACK_TAG}`]: target.tag, "aws:TagKeys": [STACK_TAG] };
    const inCluster = { ...owned(target), "ecs:cluster": clusterArn };
    const logGroup = containers(td)[0].logConfiguration.options["awslogs-group"];
    return [
        { action: "ecs:DescribeTaskDefinition", resource: "*", context: { "aws:RequestedRegion": R }, why },
        { action: "ecs:RegisterTaskDefinition", resource: revision, context: newTags, why },
        { action: "ecs:TagResource", resource: revision, context: { ...newTags, "ecs:CreateAction": "RegisterTaskDefinition" }, why },
        { action: "ecs:DescribeServices", resource: service, context: inCluster, why },
        { action: "ecs:RunTask", resource: revision, context: { ...owned(target), "ecs:cluster": clusterArn }, why },
        ...[td.inputs.executionRoleArn, td.inputs.taskRoleArn].map((role) => ({ action: "iam:PassRole", resource: String(role), context: { ...owned(target), "iam:PassedToService": "ecs-tasks.amazonaws.com" }, why: `${why}: the task's roles` })),
        { action: "ecs:DescribeTasks", resource: task, context: inCluster, why },
        { action: "ecs:StopTask", resource: task, context: inCluster, why },
        { action: "logs:GetLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:${logGroup}:log-stream:release/app/5f0e2c1d9a8b4c7d`, context: owned(target), why },
    ];
}

test("each target's release role can make every call of the release script on its own target", async () => {
    for (const [stack, p] of [["apps-staging", appsStaging], ["apps-production", appsProduction]] as const) {
        const requests = releaseRequests(view(p));
        assert.equal(requests.length, 10);
        assert.deepEqual(await decisions(releaseRole(stack), requests, "Allowed"), [], stack);
    }
});

test("staging's release role is denied every call on production's family, cluster, service, roles and logs, and vice versa", async () => {
    for (const [stack, other] of [["apps-staging", appsProduction], ["apps-production", appsStaging]] as const) {
        // DescribeTaskDefinition has no resource type ("*"): it reads, and the role registers nothing it describes.
        const requests = releaseRequests(view(other), `${stack}'s release on ${other.stack}`).filter((r) => r.resource !== "*");
        assert.equal(requests.length, 9);
        assert.deepEqual(await decisions(releaseRole(stack), requests, "denied"), [], stack);
    }
});

test("the pipeline role may start the release project", async () => {
    const pipeline = principalOf(apps, "pipeline-role", [apps], {}, { [STACK_TAG]: "shop/apps-delivery" });
    for (const stack of TARGETS) {
        const project = ownArns(one(apps, "aws:codebuild/project:Project", `release-${stack}-project`), view(apps))[0].arn;
        const requests = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"].map((action) => ({ action, resource: project, context: owned(view(apps)), why: `the Release action of ${stack}` }));
        assert.deepEqual(await decisions(pipeline, requests, "Allowed"), []);
    }
});

test("the release role cannot run, register, pass roles of or read the logs of any other stack's or app's tasks", async () => {
    const victims = [view(await planStack("apps-staging", { stackName: "review-pr-7" })), view(await planStack("apps-staging", { set: { "slipway:appName": "other" } }), "other")];
    let n = 0;
    for (const v of victims) {
        const requests = releaseRequests(v, `attack on ${v.tag}`).filter((r) => r.resource !== "*");
        n += requests.length;
        for (const stack of TARGETS) assert.deepEqual(await decisions(releaseRole(stack), requests, "denied"), [], `${stack} on ${v.tag}`);
    }
    // A stack without a release phase, through its web service's family and roles.
    const staging = view(await planStack("staging"));
    const web = taskDefinition(staging.plan, "app-task");
    const cluster = `arn:aws:ecs:${R}:${A}:cluster/shop-staging`;
    const attacks: Request[] = [
        { action: "ecs:RunTask", resource: `arn:aws:ecs:${R}:${A}:task-definition/shop-staging:3`, context: { ...owned(staging), "ecs:cluster": cluster }, why: "staging's web family" },
        { action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:${R}:${A}:task-definition/shop-staging:4`, context: owned(staging), why: "staging's web family" },
        { action: "iam:PassRole", resource: String(web.inputs.taskRoleArn), context: { ...owned(staging), "iam:PassedToService": "ecs-tasks.amazonaws.com" }, why: "staging's task role" },
        { action: "ecs:StopTask", resource: `arn:aws:ecs:${R}:${A}:task/shop-staging/abc`, context: { ...owned(staging), "ecs:cluster": cluster }, why: "staging's tasks" },
        { action: "logs:GetLogEvents", resource: `arn:aws:logs:${R}:${A}:log-group:/slipway/shop/apps-staging/app:log-stream:app/app/abc`, context: owned(view(appsStaging)), why: "the web process's own logs" },
    ];
    n += attacks.length;
    for (const stack of TARGETS) assert.deepEqual(await decisions(releaseRole(stack), attacks, "denied"), [], stack);
    assert.ok(n >= 20, `only ${n} attacks`);
});

test("the release role cannot run one stack's release family in another stack's cluster", async () => {
    const staging = releaseRequests(view(appsStaging)).find((r) => r.action === "ecs:RunTask") as Request;
    const intoProduction = { ...staging, context: { ...staging.context, "ecs:cluster": `arn:aws:ecs:${R}:${A}:cluster/shop-apps-production` }, why: "staging's release in production's cluster" };
    const production = releaseRequests(view(appsProduction)).find((r) => r.action === "ecs:RunTask") as Request;
    const intoStaging = { ...production, context: { ...production.context, "ecs:cluster": `arn:aws:ecs:${R}:${A}:cluster/shop-apps-staging` }, why: "production's release in staging's cluster" };
    for (const stack of TARGETS) assert.deepEqual(await decisions(releaseRole(stack), [intoProduction, intoStaging], "denied"), [], stack);
});

test("a release role that lost its RunTask statement is caught, naming the role, the action and the resource", async () => {
    const role = releaseRole("apps-staging");
    const weakened: Principal = { ...role, policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "RunReleaseAppsStaging") } })) };
    const found = await decisions(weakened, releaseRequests(view(appsStaging)), "Allowed");
    assert.deepEqual(found, [`${role.name}: ecs:RunTask on arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging_release:8 is ImplicitlyDenied (release of apps-staging)`]);
});

// --- cost and lead time ------------------------------------------------------------------------------

test("the lead-time model puts each release before its stage's deploy, and counts it", () => {
    const m = modelLeadTime(apps, { "apps-staging": appsStaging, "apps-production": appsProduction });
    const names = m.stages.map((s) => s.stage);
    for (const [stage, stack] of [["Apps-Staging", "apps-staging"], ["Apps-Production", "apps-production"]]) {
        const release = names.indexOf(`${stage}: release (${stack})`);
        assert.ok(release >= 0 && names[release + 1] === `${stage}: ECS deploy (${stack})`, names.join(", "));
    }
    assert.ok(releaseStage("x").seconds >= 60, "a release is at least a CodeBuild start, a Fargate start and the command");
});

test("the cost model prices the release project's runs and the release task's Fargate time, never as smoke tests", () => {
    const d = estimateCost(apps);
    // One project per target, each run once per pipeline execution: 100 builds a month each, 200 in all as before.
    const release = d.lines.filter((l) => /release-apps-(staging|production)-project/.test(l.resource));
    assert.equal(release.length, 2, JSON.stringify(d.lines));
    for (const l of release) assert.match(l.item, /^release phases: 100 × \d+ min/);
    assert.ok(!d.lines.some((l) => /release-.*-project/.test(l.resource) && l.item.startsWith("smoke")));
    const env = estimateCost(appsStaging);
    const task = env.lines.filter((l) => l.resource.includes("release-task"));
    assert.deepEqual(task.map((l) => l.unit), ["vCPU-h", "GB-h", "IP-h"]);
    // The web service is still priced from its own family (cpu 256), not the release's.
    assert.ok(env.lines.some((l) => l.resource.includes("app-service") && l.item.includes("0.25 vCPU")));
});
