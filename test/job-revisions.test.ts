// Scheduled jobs move to the new image on each deploy: each stage's JobRevisions action (infra/platforms/ecs/job-action.ts)
// registers every job family of its environment with the commit's image, beside the ECS deploy actions.
// Its place in the stage, its variables (the same families the environment declares), its script run for
// real against a stand-in aws CLI (success and failure paths), and the project's role simulated: sufficient
// for its targets, denied on every other stack's and app's families and roles.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, parseSettings } from "../infra/config/settings";
import { jobNamesOfStackFile } from "../infra/platforms/ecs/job-settings";
import { jobRevisionBuildSpec, JOB_REVISIONS_ACTION } from "../infra/platforms/ecs/job-action";
import { Plan, MOCK_ACCOUNT } from "../tools/plan/mock-engine";
import { physicalName, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { all, one, planStack } from "./helpers";
import { Rule, runBuildSpec } from "./aws-stub";
import { rawConfig } from "./config-helpers";
import { decisions, view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const REPO = `${A}.dkr.ecr.${R}.amazonaws.com/shop`;

interface Action {
    name: string;
    provider: string;
    runOrder?: number;
    inputArtifacts?: string[];
    configuration: Record<string, string>;
}
interface Variable {
    name: string;
    value: string;
    type: string;
}

let apps: Plan;
let appsStaging: Plan;
let appsProduction: Plan;
let delivery: Plan;
before(async () => {
    [apps, appsStaging, appsProduction, delivery] = await Promise.all([planStack("apps-delivery"), planStack("apps-staging"), planStack("apps-production"), planStack("delivery")]);
});

const stagesOf = (d: Plan) => one(d, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { name: string; actions: Action[] }[];
const actionOf = (d: Plan, stage: string) => stagesOf(d).find((s) => s.name === stage)?.actions.find((a) => a.name === JOB_REVISIONS_ACTION);
const variablesOf = (a: Action) => Object.fromEntries((JSON.parse(a.configuration.EnvironmentVariables) as Variable[]).map((v) => [v.name, v.value]));
const jobFamilies = (p: Plan) => all(p, "aws:ecs/taskDefinition:TaskDefinition").filter((r) => r.name.startsWith("jobs-")).map((r) => String(r.inputs.family)).sort();

test("the delivery stack reads each target's jobs from the target's own stack file", () => {
    const s = parseSettings(rawConfig("apps-delivery")) as DeliverySettings;
    assert.deepEqual(s.targets.map((t) => [t.stack, t.jobs]), [["apps-staging", ["nightly"]], ["apps-production", ["nightly"]]]);
    assert.deepEqual(jobNamesOfStackFile({ "slipway:jobs": JSON.stringify({ b: {}, a: {}, web: {}, "Bad_Name": {} }) }), ["a", "b"]);
    assert.deepEqual(jobNamesOfStackFile({ "slipway:jobs": "not json" }), []);
    assert.deepEqual(jobNamesOfStackFile(undefined), []);
});

test("each stage registers its jobs' families with the deploys (same runOrder, the one build artifact), before the smoke test", () => {
    for (const [name, env] of [["Apps-Staging", () => appsStaging], ["Apps-Production", () => appsProduction]] as const) {
        const stage = stagesOf(apps).find((s) => s.name === name);
        assert.ok(stage);
        const jobs = actionOf(apps, name);
        assert.ok(jobs, `${name} has a ${JOB_REVISIONS_ACTION} action`);
        const deploy = stage.actions.find((a) => a.name === "Deploy") as Action;
        const smoke = stage.actions.find((a) => a.name === "SmokeTest") as Action;
        assert.equal(jobs.runOrder, deploy.runOrder);
        assert.ok((smoke.runOrder ?? 1) > (jobs.runOrder ?? 1));
        assert.deepEqual(jobs.inputArtifacts, ["image"]);
        assert.equal(jobs.provider, "CodeBuild");
        assert.equal(jobs.configuration.ProjectName, physicalName(one(apps, "aws:codebuild/project:Project", "job-revisions-project")));
        const vars = variablesOf(jobs);
        const stack = name === "Apps-Staging" ? "apps-staging" : "apps-production";
        assert.deepEqual(vars, { STACK: stack, JOB_FAMILIES: `shop-${stack}_nightly`, CONTAINER_NAME: "app" });
        // The families it registers are exactly the ones the environment declares.
        assert.deepEqual(vars.JOB_FAMILIES.split(" "), jobFamilies(env()));
    }
});

test("a pipeline without jobs has no JobRevisions action and no job-revisions project", () => {
    assert.ok(stagesOf(delivery).every((s) => s.actions.every((a) => a.name !== JOB_REVISIONS_ACTION)));
    assert.equal(all(delivery, "aws:codebuild/project:Project").filter((p) => p.name.startsWith("job-revisions")).length, 0);
});

test("the job-revisions project runs exactly jobRevisionBuildSpec, unprivileged, with the registry's URL", () => {
    const project = one(apps, "aws:codebuild/project:Project", "job-revisions-project");
    assert.deepEqual(JSON.parse((project.inputs.source as { buildspec: string }).buildspec), jobRevisionBuildSpec());
    const env = project.inputs.environment as { privilegedMode: boolean; environmentVariables: Variable[] };
    assert.equal(env.privilegedMode, false);
    assert.deepEqual(env.environmentVariables, [{ name: "REPOSITORY_URL", value: REPO, type: "PLAINTEXT" }]);
});

// --- the script, run for real ------------------------------------------------------------------------

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    aws: string[];
    registered: Record<string, unknown>[];
}

/** Runs the job-revisions buildspec (runBuildSpec), keeping what each register-task-definition call was given. */
function runJobRevisions(env: Record<string, string>, rules: Rule[], imageTag = SHA): Run {
    const r = runBuildSpec(jobRevisionBuildSpec(), {
        name: "jobs",
        rules,
        before: ['if [ "$1 $2" = "ecs register-task-definition" ]; then printf "%s\\n" "$4" >> "$d/registered.jsonl"; fi'],
        env: { AWS_REGION: R, REPOSITORY_URL: REPO, ...env },
        imageTag,
    });
    const registered = (r.kept("registered.jsonl") ?? "").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, aws: r.aws, registered };
}

const explain = (r: Run) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\naws calls:\n${r.aws.join("\n")}`;

/** DescribeTaskDefinition's answer for a job family's latest revision, as the environment stack declared it. */
function described(p: Plan, family: string, revision: number): string {
    const td = all(p, "aws:ecs/taskDefinition:TaskDefinition").find((r) => r.inputs.family === family);
    assert.ok(td, `${p.stack} declares ${family}`);
    return JSON.stringify({
        taskDefinition: {
            taskDefinitionArn: `arn:aws:ecs:${R}:${A}:task-definition/${family}:${revision}`,
            family,
            revision,
            status: "ACTIVE",
            taskRoleArn: td.inputs.taskRoleArn,
            executionRoleArn: td.inputs.executionRoleArn,
            networkMode: "awsvpc",
            containerDefinitions: JSON.parse(String(td.inputs.containerDefinitions)) as unknown[],
            requiresCompatibilities: ["FARGATE"],
            compatibilities: ["EC2", "FARGATE"],
            requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }],
            cpu: String(td.inputs.cpu),
            memory: String(td.inputs.memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            registeredAt: "2026-12-01T10:00:00Z",
            registeredBy: `arn:aws:sts::${A}:assumed-role/x/y`,
        },
        tags: [{ key: STACK_TAG, value: `shop/${p.stack}` }],
    });
}

const FAMILY = "shop-apps-staging_nightly";
const jobsEnv = () => variablesOf(actionOf(apps, "Apps-Staging") as Action);

test("the script registers each job family again with the commit's image, keeping everything else and the stack tag", () => {
    const r = runJobRevisions(jobsEnv(), [
        { cmd: `ecs describe-task-definition --task-definition ${FAMILY} --include TAGS`, replies: [{ out: described(appsStaging, FAMILY, 4) }] },
        { cmd: "ecs register-task-definition", replies: [{ out: `arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:5\n` }] },
    ]);
    assert.equal(r.status, 0, explain(r));
    assert.equal(r.registered.length, 1);
    const input = r.registered[0] as { family: string; containerDefinitions: { name: string; image: string; command: string[] }[]; tags: unknown; taskRoleArn: string; cpu: string };
    assert.equal(input.family, FAMILY);
    assert.equal(input.containerDefinitions[0].image, `${REPO}:${SHA}`);
    const declared = JSON.parse(String(all(appsStaging, "aws:ecs/taskDefinition:TaskDefinition").find((x) => x.inputs.family === FAMILY)?.inputs.containerDefinitions)) as { command: string[] }[];
    assert.deepEqual(input.containerDefinitions[0].command, declared[0].command);
    assert.deepEqual(input.tags, [{ key: STACK_TAG, value: "shop/apps-staging" }]);
    // Only fields RegisterTaskDefinition takes (no revision, status, compatibilities, registeredAt...).
    for (const k of ["revision", "status", "compatibilities", "requiresAttributes", "registeredAt", "registeredBy", "taskDefinitionArn"]) assert.ok(!(k in input), k);
    assert.match(r.stdout, new RegExp(`${FAMILY}: revision 5 runs ${REPO.replace(/\./g, "\\.")}:${SHA}`));
    // It runs no task and touches no schedule.
    assert.ok(r.aws.every((c) => /^ecs (describe|register)-task-definition /.test(c)), r.aws.join("\n"));
});

test("a bad image tag, an empty family list, or a failed describe or register fails the action", () => {
    const ok: Rule[] = [
        { cmd: `ecs describe-task-definition --task-definition ${FAMILY}`, replies: [{ out: described(appsStaging, FAMILY, 4) }] },
        { cmd: "ecs register-task-definition", replies: [{ out: `arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:5\n` }] },
    ];
    const bad = runJobRevisions(jobsEnv(), ok, "latest");
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /image-tag\.txt says "latest", which is not a commit sha\. The stage fails and rolls back\./);
    assert.deepEqual(bad.aws, []);
    const empty = runJobRevisions({ ...jobsEnv(), JOB_FAMILIES: " " }, ok);
    assert.notEqual(empty.status, 0);
    assert.match(empty.stderr, /JOB_FAMILIES is empty/);
    const noFamily = runJobRevisions(jobsEnv(), [{ cmd: "ecs describe-task-definition", replies: [{ err: "An error occurred (ClientException): Unable to describe task definition.", rc: 254 }] }]);
    assert.notEqual(noFamily.status, 0);
    assert.match(noFamily.stderr, new RegExp(`aws ecs describe-task-definition ${FAMILY} failed: An error occurred \\(ClientException\\)`));
    const denied = runJobRevisions(jobsEnv(), [ok[0], { cmd: "ecs register-task-definition", replies: [{ err: "An error occurred (AccessDeniedException)", rc: 254 }] }]);
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /aws ecs register-task-definition shop-apps-staging_nightly failed: An error occurred \(AccessDeniedException\)/);
    const other = runJobRevisions(jobsEnv(), [ok[0], { cmd: "ecs register-task-definition", replies: [{ out: `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging:9\n` }] }]);
    assert.notEqual(other.status, 0, explain(other));
    assert.match(other.stderr, /answered .*shop-apps-staging:9 for shop-apps-staging_nightly/);
});

// --- the project's role, simulated -----------------------------------------------------------------------

const jobsRole = (): Principal => principalOf(apps, "job-revisions-role", [apps], {}, { [STACK_TAG]: "shop/apps-delivery" });

/** Every call the script makes for `target`'s job families, as AWS authorizes it. */
function revisionRequests(target: StackView, why = `job revisions of ${target.plan.stack}`): Request[] {
    const out: Request[] = [{ action: "ecs:DescribeTaskDefinition", resource: "*", context: { "aws:RequestedRegion": R }, why }];
    const newTags = { "aws:RequestedRegion": R, [`aws:RequestTag/${STACK_TAG}`]: target.tag, "aws:TagKeys": [STACK_TAG] };
    for (const td of all(target.plan, "aws:ecs/taskDefinition:TaskDefinition").filter((r) => r.name.startsWith("jobs-"))) {
        const revision = `arn:aws:ecs:${R}:${A}:task-definition/${String(td.inputs.family)}:5`;
        const role = (name: string) => ownArns(one(target.plan, "aws:iam/role:Role", name), target)[0].arn;
        out.push(
            { action: "ecs:RegisterTaskDefinition", resource: revision, context: newTags, why },
            { action: "ecs:TagResource", resource: revision, context: { ...newTags, "ecs:CreateAction": "RegisterTaskDefinition" }, why },
            ...[role(td.name), role("app-execution")].map((resource) => ({
                action: "iam:PassRole",
                resource,
                context: { "aws:RequestedRegion": "us-east-1", ...tagContext(target.tag, true, false), "iam:PassedToService": "ecs-tasks.amazonaws.com" },
                why: `${why}: the revision's roles`,
            })),
        );
    }
    return out;
}

test("the job-revisions role can make every call of the script on each of its targets, and the pipeline may start it", async () => {
    const requests = [...revisionRequests(view(appsStaging)), ...revisionRequests(view(appsProduction))];
    assert.equal(requests.length, 10);
    assert.deepEqual(await decisions(jobsRole(), requests, "Allowed"), []);
    const project = ownArns(one(apps, "aws:codebuild/project:Project", "job-revisions-project"), view(apps))[0].arn;
    const pipeline = principalOf(apps, "pipeline-role", [apps], {}, { [STACK_TAG]: "shop/apps-delivery" });
    const start = ["codebuild:StartBuild", "codebuild:BatchGetBuilds"].map((action) => ({ action, resource: project, context: { "aws:RequestedRegion": R, ...tagContext("shop/apps-delivery", true, false) }, why: "the JobRevisions action" }));
    assert.deepEqual(await decisions(pipeline, start, "Allowed"), []);
});

test("the job-revisions role registers no other stack's or app's families, passes none of their roles, and runs no task", async () => {
    const victims = [view(await planStack("apps-staging", { stackName: "review-pr-7" })), view(await planStack("apps-staging", { set: { "slipway:appName": "other" } }), "other")];
    let n = 0;
    for (const v of victims) {
        const requests = revisionRequests(v, `attack on ${v.tag}`).filter((r) => r.resource !== "*");
        n += requests.length;
        assert.deepEqual(await decisions(jobsRole(), requests, "denied"), [], v.tag);
    }
    const cluster = `arn:aws:ecs:${R}:${A}:cluster/shop-apps-staging`;
    const attacks: Request[] = [
        // The web's and the worker's families of its own targets, and running the job it registers.
        { action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging:4`, context: { "aws:RequestedRegion": R }, why: "the web family" },
        { action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:${R}:${A}:task-definition/shop-apps-staging_mailer:4`, context: { "aws:RequestedRegion": R }, why: "the worker's family" },
        { action: "ecs:RunTask", resource: `arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:5`, context: { "aws:RequestedRegion": R, ...tagContext("shop/apps-staging", true, false), "ecs:cluster": cluster }, why: "running the job itself" },
    ];
    n += attacks.length;
    assert.deepEqual(await decisions(jobsRole(), attacks, "denied"), []);
    assert.ok(n >= 10, `only ${n} attacks`);
});

test("a job-revisions role that lost its register statement is caught, naming the role, the action and the resource", async () => {
    const role = jobsRole();
    const weakened: Principal = { ...role, policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "RegisterJobRevisions") } })) };
    const found = await decisions(weakened, revisionRequests(view(appsStaging)), "Allowed");
    assert.deepEqual(found, [`${role.name}: ecs:RegisterTaskDefinition on arn:aws:ecs:${R}:${A}:task-definition/${FAMILY}:5 is ImplicitlyDenied (job revisions of apps-staging)`]);
});
