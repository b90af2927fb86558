// The delivery stack and the environment stacks its pipeline deploys agree on every name they share
// (infra/contract.ts), and the workflows read only what the delivery stack provides. Each check is
// also broken on purpose: one side renamed, the disagreement named.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { contractProblems, iamMatch, workflowProblems } from "../tools/check/contract";
import { Plan } from "../tools/plan/mock-engine";
import { planStack, ROOT } from "./helpers";

const PIPELINES: [delivery: string, environments: string[]][] = [
    ["delivery", ["staging", "production"]],
    ["beanstalk-delivery", ["beanstalk-staging", "beanstalk-production"]],
    ["apps-delivery", ["apps-staging", "apps-production"]],
    ["linear-delivery", ["linear-production"]],
    // slipway:database: the cluster, its backup, its password's readers and its restart (tools/check/database-contract.ts).
    ["database-delivery", ["database-staging", "database-production"]],
    ["ebdb-delivery", ["ebdb-staging", "ebdb-production"]],
    // slipway:database.kind instance: the DB instance, its DB snapshot backup, its rds!db- password's readers.
    ["dbi-delivery", ["dbi-staging", "dbi-production"]],
];
const clone = (p: Plan): Plan => JSON.parse(JSON.stringify(p)) as Plan;
const input = async (delivery: string, environments: string[]) => ({
    delivery: await planStack(delivery),
    environments: await Promise.all(environments.map((e) => planStack(e))),
    region: "us-east-1",
    app: "shop",
});

for (const [delivery, environments] of PIPELINES) {
    test(`${delivery} and ${environments.join(", ")} agree on every shared name`, async () => {
        assert.deepEqual(contractProblems(await input(delivery, environments)), []);
    });
}

test("a review stack agrees with the delivery stack's review policies, whichever platform its template picks", async () => {
    const review = await planStack("staging", { stackName: "review-pr-7" });
    const beanstalkReview = await planStack("beanstalk-staging", { stackName: "review-pr-8" });
    assert.deepEqual(contractProblems({ delivery: await planStack("delivery"), environments: [review, beanstalkReview], region: "us-east-1", app: "shop" }), []);
});

test("a cluster renamed on the environment side is named as the disagreement", async () => {
    const i = await input("delivery", ["staging"]);
    const staging = clone(i.environments[0]);
    const cluster = staging.resources.find((r) => r.type === "aws:ecs/cluster:Cluster");
    assert.ok(cluster);
    cluster.inputs.name = "shop-staging-v2";
    const problems = contractProblems({ ...i, environments: [staging] });
    assert.ok(problems.some((p) => /delivery ↔ staging: the pipeline deploys to cluster shop-staging; the stack's clusters: shop-staging-v2/.test(p)), problems.join("\n"));
});

test("a secret or log group outside the contract's prefixes is one the deploy role and the tasks cannot reach", async () => {
    const i = await input("delivery", ["staging"]);
    const staging = clone(i.environments[0]);
    const secret = staging.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret");
    const logs = staging.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && String(r.inputs.name).endsWith("/app"));
    assert.ok(secret && logs);
    secret.inputs.namePrefix = "shop/staging/";
    logs.inputs.name = "/shop/staging/app";
    const problems = contractProblems({ ...i, environments: [staging] });
    assert.ok(problems.some((p) => /may not secretsmanager:CreateSecret arn:aws:secretsmanager:us-east-1:123456789012:secret:shop\/staging\//.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /workloads may not secretsmanager:GetSecretValue/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /its tasks may not write \/shop\/staging\/app/.test(p)), problems.join("\n"));
});

test("a role without its stack's boundary, or attaching a policy the delivery stack does not own, is named", async () => {
    const i = await input("delivery", ["staging"]);
    const staging = clone(i.environments[0]);
    const role = staging.resources.find((r) => r.type === "aws:iam/role:Role");
    const attachment = staging.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.ok(role && attachment);
    role.inputs.permissionsBoundary = "arn:aws:iam::123456789012:policy/slipway/shop/shop-production-boundary";
    attachment.inputs.policyArn = "arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-task";
    const problems = contractProblems({ ...i, environments: [staging] });
    assert.ok(problems.some((p) => p.includes(`role ${role.name} has boundary arn:aws:iam::123456789012:policy/slipway/shop/shop-production-boundary, not the delivery stack's shop-staging-boundary`)), problems.join("\n"));
    assert.ok(problems.some((p) => p.includes("attaches arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-task, which the delivery stack does not declare")), problems.join("\n"));
});

test("the smoke test's parameters and the Beanstalk names are checked against both sides", async () => {
    const i = await input("beanstalk-delivery", ["beanstalk-staging"]);
    const staging = clone(i.environments[0]);
    const env = staging.resources.find((r) => r.type === "aws:elasticbeanstalk/environment:Environment");
    const health = staging.resources.find((r) => r.type === "aws:ssm/parameter:Parameter");
    assert.ok(env && health);
    env.inputs.application = "shop-eb";
    health.inputs.name = "/slipway/shop/beanstalk-staging/health";
    const problems = contractProblems({ ...i, environments: [staging] });
    assert.ok(problems.some((p) => /deploys into application shop, the stack's environments are in shop-eb/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /reads the health URL from \/slipway\/shop\/beanstalk-staging\/health-url; the stack publishes \/slipway\/shop\/beanstalk-staging\/health$/.test(p)), problems.join("\n"));
});

test("every variable and environment the workflows read is one the delivery stack provides", async () => {
    assert.deepEqual(workflowProblems(await planStack("delivery"), path.join(ROOT, ".github", "workflows")), []);
});

test("a workflow reading a variable the delivery stack never sets is caught", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-workflows-"));
    try {
        fs.writeFileSync(
            path.join(dir, "deploy.yml"),
            "on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    environment: qa\n    steps:\n      - run: echo ${{ vars.AWS_DEPLOY_ROLE_ARN_QA }}\n",
        );
        const problems = workflowProblems(await planStack("delivery"), dir);
        assert.ok(problems.some((p) => p.startsWith("deploy.yml reads vars.AWS_DEPLOY_ROLE_ARN_QA, which the delivery stack delivery does not set")), problems.join("\n"));
        assert.ok(problems.some((p) => p.startsWith("deploy.yml job up runs in environment qa, which the delivery stack delivery does not create")), problems.join("\n"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("IAM wildcards match as IAM matches them", () => {
    assert.ok(iamMatch("arn:aws:logs:*:1:log-group:/slipway/shop/*", "arn:aws:logs:us-east-1:1:log-group:/slipway/shop/staging/app"));
    assert.ok(iamMatch("shop-review-?", "shop-review-7"));
    assert.ok(!iamMatch("shop-review-?", "shop-review-77"));
    assert.ok(!iamMatch("arn:aws:s3:::shop-staging-*", "arn:aws:s3:::shop-production-1"));
});

test("a release phase on one side only is named as the disagreement", async () => {
    const i = await input("apps-delivery", ["apps-staging"]);
    const renamed = clone(i.environments[0]);
    const td = renamed.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "release-task");
    assert.ok(td);
    td.inputs.family = "shop-apps-staging_migrate";
    assert.deepEqual(contractProblems({ ...i, environments: [renamed] }), [
        "apps-delivery ↔ apps-staging: the Release action runs task family shop-apps-staging_release; the stack's families: shop-apps-staging, shop-apps-staging_migrate, shop-apps-staging_mailer, shop-apps-staging_nightly",
    ]);
    // The environment has a release command, the delivery stack's plan of it has none (not applied since).
    const staging = clone(i.environments[0]);
    staging.stack = "staging";
    for (const r of staging.resources) {
        if (r.type === "aws:ecs/taskDefinition:TaskDefinition") r.inputs.family = String(r.inputs.family).replace("shop-apps-staging", "shop-staging");
    }
    const plain = await input("delivery", ["staging"]);
    const found = contractProblems({ ...plain, environments: [staging] });
    assert.ok(found.some((p) => p.includes("declares release task family shop-staging_release, but the pipeline's stage has no Release action")), found.join("\n"));
});

test("a worker deployed on one side only, or without its family, is named as the disagreement", async () => {
    const i = await input("apps-delivery", ["apps-staging"]);
    assert.deepEqual(contractProblems(i), []);
    // The environment's worker is gone from the pipeline (its stack file gained the worker after the delivery stack's last up).
    const dropped = clone(i.delivery);
    const pipeline = dropped.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline" && r.name === "pipeline-pipeline");
    assert.ok(pipeline);
    for (const s of pipeline.inputs.stages as { actions: { name: string }[] }[]) s.actions = s.actions.filter((a) => a.name !== "Deploy-mailer");
    assert.deepEqual(contractProblems({ ...i, delivery: dropped }), [
        "apps-delivery ↔ apps-staging: the stack declares worker service shop-apps-staging-mailer, but the pipeline's stage does not deploy it (the delivery stack reads slipway:workers from the stack file: pulumi up -s apps-delivery)",
    ]);
    // The pipeline deploys a worker the stack does not declare, and a worker's family is renamed.
    const env = clone(i.environments[0]);
    const service = env.resources.find((r) => r.type === "aws:ecs/service:Service" && r.name === "worker-mailer-service");
    const td = env.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "worker-mailer-task");
    assert.ok(service && td);
    td.inputs.family = "shop-apps-staging-mailer";
    const found = contractProblems({ ...i, environments: [env] });
    assert.ok(found.some((p) => p.includes("worker service shop-apps-staging-mailer has no task family shop-apps-staging_mailer")), found.join("\n"));
    service.inputs.name = "shop-apps-staging-mail";
    const gone = contractProblems({ ...i, environments: [env] });
    assert.ok(gone.some((p) => p.includes("the pipeline's Deploy-mailer action deploys service shop-apps-staging-mailer; the stack's services")), gone.join("\n"));
});

test("the job families the pipeline registers are the ones the stack schedules: a job on one side only is named as the disagreement", async () => {
    const i = await input("apps-delivery", ["apps-staging"]);
    assert.deepEqual(contractProblems(i), []);
    // The stack gained a job after the delivery stack's last up: the stage does not register it.
    const dropped = clone(i.delivery);
    const pipeline = dropped.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline" && r.name === "pipeline-pipeline");
    assert.ok(pipeline);
    for (const s of pipeline.inputs.stages as { actions: { name: string }[] }[]) s.actions = s.actions.filter((a) => a.name !== "JobRevisions");
    assert.deepEqual(contractProblems({ ...i, delivery: dropped }), [
        "apps-delivery ↔ apps-staging: the stack schedules task family shop-apps-staging_nightly, but the pipeline's stage does not register it with each new image, so the job would keep running the image of the last pulumi up (the delivery stack reads slipway:jobs from the stack file: pulumi up -s apps-delivery)",
    ]);
    // The stack dropped its job (schedule and family) while the pipeline still registers it.
    const env = clone(i.environments[0]);
    env.resources = env.resources.filter((r) => !(r.type === "aws:scheduler/schedule:Schedule" || (r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "jobs-nightly-task")));
    const found = contractProblems({ ...i, environments: [env] });
    assert.ok(found.some((p) => p.startsWith("apps-delivery ↔ apps-staging: the pipeline's JobRevisions action registers task family shop-apps-staging_nightly; the stack's families: ")), found.join("\n"));
    // The family is still declared, but no schedule runs it.
    const unscheduled = clone(i.environments[0]);
    unscheduled.resources = unscheduled.resources.filter((r) => r.type !== "aws:scheduler/schedule:Schedule");
    assert.deepEqual(contractProblems({ ...i, environments: [unscheduled] }), [
        "apps-delivery ↔ apps-staging: the pipeline's JobRevisions action registers task family shop-apps-staging_nightly, which no schedule of the stack runs",
    ]);
});

test("a database renamed on one side is named as the disagreement: the deploy role, the backup, the password's readers and the restart", async () => {
    const i = await input("ebdb-delivery", ["ebdb-staging", "ebdb-production"]);
    const renamed = clone(i.environments[1]);
    for (const r of renamed.resources) {
        if (r.type === "aws:rds/cluster:Cluster") r.inputs.clusterIdentifier = "shop-ebdb-production-v2";
        if (r.type === "aws:sfn/stateMachine:StateMachine") r.inputs.definition = String(r.inputs.definition).split('"EnvironmentName":"shop-ebdb-production"').join('"EnvironmentName":"shop-other"');
    }
    const problems = contractProblems({ ...i, environments: [i.environments[0], renamed] });
    assert.ok(problems.some((p) => /ebdb-production: the deploy role's database policy does not name cluster shop-ebdb-production-v2/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /the pipeline's Backup action snapshots cluster shop-ebdb-production; the stack's cluster is shop-ebdb-production-v2/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /shop-ebdb-production-beanstalk-instance policy reads no password of cluster shop-ebdb-production-v2/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /restarts Beanstalk environment shop-other, which the stack does not declare/.test(p)), problems.join("\n"));
    // Staging, untouched, agrees.
    assert.ok(!problems.some((p) => p.includes("ebdb-staging")), problems.join("\n"));
});
