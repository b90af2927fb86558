// Nothing lost: production keeps its data through a destroy, staging and review stacks leave nothing
// behind, secrets never appear in plain text anywhere, and every IAM role is granted only what it uses.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { expandAction } from "../policy/iam-reference";
import { policyReport } from "../tools/check/policy-report";
import { STATEFUL_TYPES } from "../policy/rules-lifecycle";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { renderTree } from "../tools/plan/render";
import { listStacks, loadStackConfig, SECRET_PLACEHOLDER } from "../tools/plan/stack-config";
import { all, FIXTURES, json, planStack } from "./helpers";

const STACKS = listStacks(FIXTURES);
const plans = new Map<string, Promise<Plan>>();
function plan(stack: string): Promise<Plan> {
    if (!plans.has(stack)) plans.set(stack, planStack(stack));
    return plans.get(stack) as Promise<Plan>;
}
/** A review stack made from staging's config (planned on first use: the mock engine runs one program at a time). */
let review: Promise<Plan> | undefined;
const reviewPlan = () => (review ??= planStack("staging", { stackName: "review-pr-42" }));
const tierOf = (p: Plan) => String(all(p, "slipway:policy:Waivers")[0]?.inputs.tier);

// --- production keeps its data -------------------------------------------------------------------------

test("the delivery stack protects the registry, the artifact bucket, its KMS key and the build logs", async () => {
    const p = await plan("delivery");
    for (const type of ["aws:ecr/repository:Repository", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"]) {
        const found = all(p, type);
        assert.ok(found.length > 0, `delivery declares no ${type}`);
        for (const r of found) assert.equal(r.protect, true, `${type} ${r.name} is not protected`);
    }
    const repo = all(p, "aws:ecr/repository:Repository")[0];
    assert.equal(repo.inputs.forceDelete, false);
    assert.equal(all(p, "aws:s3/bucket:Bucket")[0].inputs.forceDestroy, false);
});

test("production protects its secrets and log groups, keeps a recovery window and refuses load balancer deletion", async () => {
    const p = await plan("production");
    for (const type of ["aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup"]) {
        const found = all(p, type);
        assert.ok(found.length > 0, `production declares no ${type}`);
        for (const r of found) assert.equal(r.protect, true, `${type} ${r.name} is not protected`);
    }
    // A rotation replaces the version resource: protecting it would block every production rotation.
    for (const v of all(p, "aws:secretsmanager/secretVersion:SecretVersion")) assert.equal(v.protect, false);
    for (const s of all(p, "aws:secretsmanager/secret:Secret")) assert.equal(s.inputs.recoveryWindowInDays, 30);
    for (const lb of all(p, "aws:lb/loadBalancer:LoadBalancer")) assert.equal(lb.inputs.enableDeletionProtection, true);
});

test("every production-tier stack protects every stateful resource it declares", async () => {
    for (const stack of STACKS) {
        const p = await plan(stack);
        if (!["production", "delivery"].includes(tierOf(p))) continue;
        for (const r of p.resources.filter((x) => STATEFUL_TYPES.includes(x.type))) assert.equal(r.protect, true, `${stack}: ${r.type} ${r.name}`);
    }
});

// --- staging and review stacks destroy cleanly ----------------------------------------------------------

function assertDestroysCleanly(label: string, p: Plan) {
    for (const r of p.resources) {
        assert.equal(r.protect, false, `${label}: ${r.type} ${r.name} is protected`);
        assert.equal(r.retainOnDelete, false, `${label}: ${r.type} ${r.name} is retained on delete`);
    }
    for (const s of all(p, "aws:secretsmanager/secret:Secret")) assert.equal(s.inputs.recoveryWindowInDays, 0, `${label}: secret ${s.name}`);
    for (const b of all(p, "aws:s3/bucket:Bucket")) assert.equal(b.inputs.forceDestroy, true, `${label}: bucket ${b.name}`);
    for (const e of all(p, "aws:ecr/repository:Repository")) assert.equal(e.inputs.forceDelete, true, `${label}: repository ${e.name}`);
    for (const lb of all(p, "aws:lb/loadBalancer:LoadBalancer")) assert.notEqual(lb.inputs.enableDeletionProtection, true, `${label}: load balancer ${lb.name}`);
    // A database deletes without a final snapshot (DeleteDBCluster needs one otherwise) and without deletion protection.
    for (const c of all(p, "aws:rds/cluster:Cluster")) {
        assert.equal(c.inputs.skipFinalSnapshot, true, `${label}: cluster ${c.name} would leave a final snapshot`);
        assert.notEqual(c.inputs.deletionProtection, true, `${label}: cluster ${c.name}`);
    }
}

test("staging destroys cleanly: nothing protected or retained, secrets without a recovery window", async () => {
    assertDestroysCleanly("staging", await plan("staging"));
});

test("a staging stack with a database destroys cleanly, and so does a review stack made from it (its own empty cluster)", async () => {
    const p = await plan("database-staging");
    assert.equal(all(p, "aws:rds/cluster:Cluster").length, 1);
    assertDestroysCleanly("database-staging", p);
    const review = await planStack("database-staging", { stackName: "review-pr-43" });
    assert.equal(tierOf(review), "review");
    assertDestroysCleanly("review-pr-43", review);
    const cluster = all(review, "aws:rds/cluster:Cluster")[0];
    // Its own cluster, named for it and created empty: never staging's, never a restore.
    assert.equal(cluster.inputs.clusterIdentifier, "shop-review-pr-43");
    assert.equal(cluster.inputs.snapshotIdentifier, undefined);
    assert.deepEqual(cluster.inputs.serverlessv2ScalingConfiguration, { minCapacity: 0, maxCapacity: 1, secondsUntilAutoPause: 300 });
});

test("production keeps its database: deletion protection, a final snapshot and protect on cluster, writer and key", async () => {
    const p = await plan("database-production");
    const c = all(p, "aws:rds/cluster:Cluster")[0];
    assert.deepEqual([c.inputs.deletionProtection, c.inputs.skipFinalSnapshot, typeof c.inputs.finalSnapshotIdentifier, c.protect], [true, false, "string", true]);
    for (const type of ["aws:rds/clusterInstance:ClusterInstance", "aws:kms/key:Key", "aws:secretsmanager/secret:Secret"]) for (const r of all(p, type)) assert.equal(r.protect, true, `${type} ${r.name}`);
});

test("a review stack destroys cleanly", async () => {
    const p = await reviewPlan();
    assert.equal(tierOf(p), "review");
    assertDestroysCleanly("review-pr-42", p);
});

test("every non-production shipped stack destroys cleanly", async () => {
    for (const stack of STACKS) {
        const p = await plan(stack);
        if (["production", "delivery"].includes(tierOf(p))) continue;
        assertDestroysCleanly(stack, p);
    }
});

test("tearing down an environment never touches the registry, the pipeline or the artifact store", async () => {
    for (const p of [await plan("staging"), await reviewPlan(), await plan("production")]) {
        for (const type of ["aws:ecr/repository:Repository", "aws:codepipeline/pipeline:Pipeline", "aws:codebuild/project:Project", "aws:kms/key:Key"]) {
            assert.equal(all(p, type).length, 0, `${p.stack} declares ${type}`);
        }
    }
});

// --- secrets stay secret ---------------------------------------------------------------------------------

const KNOWN_SECRET = "hunter2-s3cr3t-value-for-the-test";

test("no secret config value appears in any plan JSON, tree, policy report or stack output", async () => {
    for (const stack of STACKS) {
        const p = await plan(stack);
        const report = await policyReport(p, loadStackConfig(FIXTURES, stack));
        for (const [what, text] of [["plan JSON", JSON.stringify(p)], ["tree", renderTree(p)], ["policy report", report.text], ["outputs", JSON.stringify(p.outputs)]]) {
            assert.ok(!text.includes(SECRET_PLACEHOLDER), `${stack}: a secret placeholder appears in the ${what}`);
        }
    }
});

test("a rotated app secret stays secret in production's plan, and rolls the service's task definition", async () => {
    const before = await plan("production");
    const after = await planStack("production", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: KNOWN_SECRET, API_KEY: `${KNOWN_SECRET}-2` }) } });
    const text = JSON.stringify(after) + renderTree(after);
    assert.ok(!text.includes(KNOWN_SECRET));
    for (const v of all(after, "aws:secretsmanager/secretVersion:SecretVersion")) assert.equal(v.inputs.secretString, "[secret]");
    const defs = (p: Plan) => all(p, "aws:ecs/taskDefinition:TaskDefinition").map((t) => t.inputs.containerDefinitions);
    assert.notDeepEqual(defs(after), defs(before), "changing a secret must change the task definition so ECS starts tasks with the new value");
});

test("a CI secret reaches GitHub only as a secret value", async () => {
    const p = await planStack("delivery", { secret: { "slipway:ciSecrets": JSON.stringify({ production: { PULUMI_ACCESS_TOKEN: KNOWN_SECRET } }) } });
    assert.ok(!(JSON.stringify(p) + renderTree(p)).includes(KNOWN_SECRET));
    assert.equal(all(p, "github:index/actionsSecret:ActionsSecret").length, 0, "no repository secrets: a pull-request job could read them");
    const secrets = all(p, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    assert.ok(secrets.length > 0);
    for (const s of secrets) {
        assert.equal(s.inputs.value, "[secret]");
        assert.equal(s.inputs.plaintextValue, undefined);
    }
});

test("app secrets reach containers through `secrets`, never through `environment`", async () => {
    for (const p of [await plan("production"), await plan("staging")]) {
        for (const t of all(p, "aws:ecs/taskDefinition:TaskDefinition")) {
            const defs = json<{ environment?: { name: string }[]; secrets?: { name: string; valueFrom: string }[] }[]>(t, "containerDefinitions");
            const env = defs.flatMap((d) => d.environment ?? []).map((e) => e.name);
            const secrets = defs.flatMap((d) => d.secrets ?? []).map((e) => e.name);
            assert.deepEqual(secrets.sort(), ["API_KEY", "DATABASE_URL"]);
            for (const name of secrets) assert.ok(!env.includes(name), `${name} is also a plain environment variable`);
        }
    }
});

// --- IAM: nothing beyond what each role uses ------------------------------------------------------------

interface Doc {
    Statement: { Effect?: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
}
const actionsOf = (r: PlannedResource) =>
    json<Doc>(r, "policy")
        .Statement.filter((s) => (s.Effect ?? "Allow") === "Allow")
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
/** The inline or managed policy `name` under the component `component`. */
function policyOf(p: Plan, component: string, name: string): PlannedResource {
    const found = [...all(p, "aws:iam/rolePolicy:RolePolicy", name), ...all(p, "aws:iam/policy:Policy", name)].filter((r) => r.parent?.endsWith(`::${component}`));
    assert.equal(found.length, 1, `${component}/${name}`);
    return found[0];
}

/** Each workload role's actions, and why it needs them. */
const WORKLOAD_ROLES: { stack: string; component: string; policy: string; actions: Record<string, string> }[] = [
    {
        stack: "delivery",
        component: "build",
        policy: "build-policy",
        actions: {
            // CodeBuild's documented service-role basics (setting-up.html#setting-up-service-role), simulated in
            // test/iam-service-roles.test.ts: CreateLogGroup only on the project's own, already declared, group.
            "logs:CreateLogGroup": "CodeBuild's documented basics (on the project's own log group)",
            "logs:CreateLogStream": "CodeBuild writes the build log",
            "logs:PutLogEvents": "CodeBuild writes the build log",
            "s3:GetBucketAcl": "CodeBuild's documented basics: checks the artifact bucket",
            "s3:GetBucketLocation": "CodeBuild's documented basics: locates the artifact bucket",
            "s3:GetObject": "reads the source artifact",
            "s3:GetObjectVersion": "reads the source artifact",
            "s3:PutObject": "writes imagedefinitions.json",
            "kms:Decrypt": "artifact store key",
            "kms:Encrypt": "artifact store key",
            "kms:GenerateDataKey": "artifact store key",
            "ecr:GetAuthorizationToken": "aws ecr get-login-password",
            "ecr:BatchCheckLayerAvailability": "docker push / --cache-from",
            "ecr:GetDownloadUrlForLayer": "docker pull / --cache-from",
            "ecr:BatchGetImage": "docker pull / --cache-from",
            "ecr:DescribeImages": "aws ecr describe-images (skip rebuilding an immutable tag)",
            "ecr:InitiateLayerUpload": "docker push",
            "ecr:UploadLayerPart": "docker push",
            "ecr:CompleteLayerUpload": "docker push",
            "ecr:PutImage": "docker push",
        },
    },
    {
        stack: "delivery",
        component: "smoke-test",
        policy: "smoke-test-policy",
        actions: {
            // CodeBuild's documented service-role basics (setting-up.html#setting-up-service-role), simulated in
            // test/iam-service-roles.test.ts: CreateLogGroup only on the project's own, already declared, group.
            "logs:CreateLogGroup": "CodeBuild's documented basics (on the project's own log group)",
            "logs:CreateLogStream": "CodeBuild writes the build log",
            "logs:PutLogEvents": "CodeBuild writes the build log",
            "s3:GetBucketAcl": "CodeBuild's documented basics: checks the artifact bucket",
            "s3:GetBucketLocation": "CodeBuild's documented basics: locates the artifact bucket",
            "s3:GetObject": "reads image-tag.txt",
            "s3:GetObjectVersion": "reads the input artifact",
            "s3:PutObject": "CodeBuild's artifact upload",
            "kms:Decrypt": "artifact store key",
            "kms:Encrypt": "artifact store key",
            "kms:GenerateDataKey": "artifact store key",
            "ssm:GetParameters": "HEALTH_URL is a PARAMETER_STORE variable",
            "ssm:PutParameter": "records the verified image tag",
            "ecs:DescribeServices": "the service's deployments have settled",
            "ecs:DescribeTaskDefinition": "the primary deployment runs the expected image",
            "ecs:ListTasks": "every running task…",
            "ecs:DescribeTasks": "…runs that task definition",
            "ecr:BatchGetImage": "reads the verified image's manifest to tag it",
            "ecr:PutImage": "adds the verified-<stack>-<sha> tag",
        },
    },
    {
        // Production's ECS execution role gets this managed policy attached (the delivery stack owns it).
        stack: "delivery",
        component: "runtime-policies",
        policy: "runtime-policies-production-task-execution",
        actions: {
            "ecr:GetAuthorizationToken": "the ECS agent logs in to ECR",
            "ecr:BatchCheckLayerAvailability": "pulls the image",
            "ecr:GetDownloadUrlForLayer": "pulls the image",
            "ecr:BatchGetImage": "pulls the image",
            "logs:CreateLogStream": "awslogs driver",
            "logs:PutLogEvents": "awslogs driver",
            "secretsmanager:GetSecretValue": "injects `secrets` at task start",
        },
    },
    {
        stack: "delivery",
        component: "github-oidc",
        policy: "github-oidc-preview-policy",
        actions: {
            "ec2:DescribeAvailabilityZones": "the program's getAvailabilityZones invoke",
            "elasticbeanstalk:ListAvailableSolutionStacks": "the program's getSolutionStack invoke",
            "ssm:GetParameter": "the program reads the last verified image tag",
            "kms:Decrypt": "decrypts the previewable (staging-tier) stacks' config",
        },
    },
];

for (const role of WORKLOAD_ROLES) {
    test(`the ${role.stack} ${role.component} role (${role.policy}) is granted exactly the actions it uses`, async () => {
        const granted = actionsOf(policyOf(await plan(role.stack), role.component, role.policy));
        assert.deepEqual([...new Set(granted)].sort(), Object.keys(role.actions).sort());
    });
}

test("the ECS task role (the app's identity) is granted nothing", async () => {
    const p = await plan("production");
    const taskPolicies = all(p, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.startsWith("app-task"));
    assert.equal(taskPolicies.length, 0);
    assert.equal(all(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.startsWith("app-task")).length, 0);
});

/** IAM service prefixes for the resource modules an environment stack declares. */
const SERVICE_OF_MODULE: Record<string, string[]> = {
    ec2: ["ec2"],
    lb: ["elasticloadbalancing"],
    appautoscaling: ["application-autoscaling"],
    ecs: ["ecs"],
    iam: ["iam"],
    cloudwatch: ["logs", "cloudwatch", "events"],
    secretsmanager: ["secretsmanager"],
    ssm: ["ssm"],
    // Elastic Beanstalk builds each environment's CloudFormation stack (Auto Scaling group, instances,
    // load balancer, log groups, alarms) with the caller's credentials.
    elasticbeanstalk: ["elasticbeanstalk", "cloudformation", "autoscaling", "ec2", "elasticloadbalancing", "s3", "cloudwatch", "logs"],
    s3: ["s3"],
    apigatewayv2: ["apigateway"],
    // A private DNS namespace is a Route 53 hosted zone created through Cloud Map.
    servicediscovery: ["servicediscovery", "route53"],
    // A managed domain: its certificate and its records.
    acm: ["acm"],
    route53: ["route53"],
    // Scheduled jobs: EventBridge Scheduler schedules and their dead-letter queue.
    scheduler: ["scheduler"],
    sqs: ["sqs"],
    // slipway:database: the cluster, its writer and subnet group; RDS makes the master secret and uses the storage key.
    rds: ["rds", "secretsmanager", "kms"],
    // slipway:database's password rotation restart: an EventBridge rule (aws:cloudwatch/eventRule) starting a state machine.
    sfn: ["states"],
};

test("the deploy roles reach only the services environment stacks declare, and never the registry or pipeline", async () => {
    const used = new Set<string>();
    for (const stack of STACKS) {
        const p = await plan(stack);
        if (tierOf(p) === "delivery") continue;
        for (const r of p.resources) {
            const m = /^aws:([a-z0-9]+)\//.exec(r.type);
            for (const s of (m && SERVICE_OF_MODULE[m[1]]) ?? []) used.add(s);
        }
    }
    const delivery = await plan("delivery");
    const deployPolicies = all(delivery, "aws:iam/policy:Policy").filter((r) => /^shop-.+-deploy-/.test(String(r.inputs.name)));
    assert.ok(deployPolicies.length >= 10);
    // Beyond the resources they declare: the stack's own secrets-provider key, and the pipeline's stage lock.
    const beyond = new Set(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "codepipeline:DisableStageTransition", "codepipeline:EnableStageTransition", "codepipeline:GetPipelineState"]);
    for (const r of deployPolicies) {
        for (const action of actionsOf(r)) {
            if (beyond.has(action)) continue;
            const service = action.split(":")[0];
            assert.ok(used.has(service), `${r.name} grants ${action}, but no environment stack declares a ${service} resource`);
            assert.ok(!["ecr", "codepipeline", "codebuild", "kms"].includes(service), `${r.name} grants ${action}`);
        }
    }
});

test("every action in every policy of every stack exists in AWS's service authorization reference", async () => {
    for (const stack of STACKS) {
        const p = await plan(stack);
        for (const r of p.resources.filter((x) => ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"].includes(x.type))) {
            // A permissions boundary is a ceiling: its service wildcards grant nothing (iam-boundary-confines checks it).
            const boundary = (r.inputs.tags as Record<string, string> | undefined)?.["slipway:purpose"] === "permissions-boundary";
            for (const action of actionsOf(r)) {
                if (boundary && /^[a-z0-9-]+:\*$/.test(action)) continue;
                assert.ok(!action.includes("*"), `${stack} ${r.name}: wildcard action ${action}`);
                assert.ok((await expandAction(action)).length === 1, `${stack} ${r.name}: ${action} does not exist`);
            }
        }
    }
});
