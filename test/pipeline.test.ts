import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { imageBuildSpec } from "../infra/delivery/build";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { all, json, one, planStack } from "./helpers";

interface Action {
    name: string;
    category: string;
    provider: string;
    runOrder?: number;
    namespace?: string;
    inputArtifacts?: string[];
    outputArtifacts?: string[];
    configuration: Record<string, string>;
}
interface Stage {
    name: string;
    onFailure?: { result: string };
    actions: Action[];
}

let delivery: Plan;
let staging: Plan;
let stages: Stage[];
before(async () => {
    delivery = await planStack("delivery");
    staging = await planStack("staging");
    stages = one(delivery, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[];
});

const stage = (name: string) => {
    const s = stages.find((x) => x.name === name);
    assert.ok(s, `stage ${name}`);
    return s;
};
const envVars = (a: Action) => JSON.parse(a.configuration.EnvironmentVariables) as { name: string; value: string; type: string }[];

test("the pipeline runs source, build, staging, approval and production in that order", () => {
    assert.deepEqual(
        stages.map((s) => s.name),
        ["Source", "Build", "Staging", "Approve-Production", "Production"],
    );
});

test("the pipeline is V2 and only pushes to the release branch start it", () => {
    const pipeline = one(delivery, "aws:codepipeline/pipeline:Pipeline");
    assert.equal(pipeline.inputs.pipelineType, "V2");
    assert.deepEqual(pipeline.inputs.triggers, [
        {
            providerType: "CodeStarSourceConnection",
            gitConfiguration: { sourceActionName: "Source", pushes: [{ branches: { includes: ["main"] } }] },
        },
    ]);
});

test("the source action reads the configured repository and branch through the connection", () => {
    const [source] = stage("Source").actions;
    assert.equal(source.provider, "CodeStarSourceConnection");
    assert.equal(source.namespace, "SourceVariables");
    assert.deepEqual(source.configuration, {
        ConnectionArn: "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        FullRepositoryId: "acme/shop",
        BranchName: "main",
        OutputArtifactFormat: "CODE_ZIP",
    });
});

test("the build action tags the image with the commit sha from the source action", () => {
    const [build] = stage("Build").actions;
    assert.equal(build.provider, "CodeBuild");
    assert.deepEqual(envVars(build), [
        { name: "COMMIT_SHA", value: "#{SourceVariables.CommitId}", type: "PLAINTEXT" },
        { name: "SOURCE_BRANCH", value: "#{SourceVariables.BranchName}", type: "PLAINTEXT" },
    ]);
    assert.deepEqual(build.outputArtifacts, ["image"]);
});

test("each environment stage deploys the same image artifact, then smoke-tests it, and rolls back on failure", () => {
    for (const name of ["Staging", "Production"]) {
        const s = stage(name);
        assert.deepEqual(s.onFailure, { result: "ROLLBACK" });
        const [deploy, smoke] = s.actions;
        assert.equal(deploy.provider, "ECS");
        assert.equal(deploy.runOrder, 1);
        assert.deepEqual(deploy.inputArtifacts, ["image"], "one image built once, promoted unchanged");
        assert.equal(deploy.configuration.FileName, "imagedefinitions.json");
        assert.equal(smoke.provider, "CodeBuild");
        assert.equal(smoke.runOrder, 2);
        const stack = name.toLowerCase();
        assert.deepEqual(envVars(smoke).find((v) => v.name === "HEALTH_URL"), {
            name: "HEALTH_URL",
            value: `/slipway/shop/${stack}/health-url`,
            type: "PARAMETER_STORE",
        });
    }
});

test("the ECS deploy targets the cluster and service the environment stack creates", () => {
    const [deploy] = stage("Staging").actions;
    const service = one(staging, "aws:ecs/service:Service");
    const cluster = one(staging, "aws:ecs/cluster:Cluster");
    assert.equal(deploy.configuration.ServiceName, service.inputs.name);
    assert.equal(deploy.configuration.ClusterName, cluster.inputs.name);
});

test("the smoke test reads the health URL the environment stack publishes", () => {
    const smoke = stage("Staging").actions[1];
    const param = one(staging, "aws:ssm/parameter:Parameter", "health-url");
    assert.equal(envVars(smoke).find((v) => v.name === "HEALTH_URL")?.value, param.inputs.name);
    assert.match(String(param.inputs.insecureValue), /^https:\/\/.+\/health$/);
});

test("production waits for a manual approval that notifies the topic", () => {
    const [approve] = stage("Approve-Production").actions;
    assert.equal(approve.category, "Approval");
    assert.equal(approve.provider, "Manual");
    // The subscription's `topic` input is the topic's ARN.
    const subscription = one(delivery, "aws:sns/topicSubscription:TopicSubscription");
    assert.equal(approve.configuration.NotificationArn, subscription.inputs.topic);
    assert.ok(stages.indexOf(stage("Approve-Production")) === stages.indexOf(stage("Production")) - 1);
});

test("a single-environment pipeline has no approval stage", async () => {
    const plan = await planStack("delivery", { set: { "slipway:pipelineStacks": '["staging"]', "slipway:ciSecrets": "{}" } });
    const names = (one(plan, "aws:codepipeline/pipeline:Pipeline").inputs.stages as Stage[]).map((s) => s.name);
    assert.deepEqual(names, ["Source", "Build", "Staging"]);
});

test("artifacts are stored encrypted with the delivery KMS key", () => {
    const pipeline = one(delivery, "aws:codepipeline/pipeline:Pipeline");
    const [store] = pipeline.inputs.artifactStores as { type: string; encryptionKey: { type: string; id: string } }[];
    assert.equal(store.type, "S3");
    assert.equal(store.encryptionKey.type, "KMS");
    assert.match(store.encryptionKey.id, /^arn:aws:kms:/);
});

test("pipeline events reach the topic and emails subscribe to it", () => {
    const rule = one(delivery, "aws:codestarnotifications/notificationRule:NotificationRule");
    assert.ok((rule.inputs.eventTypeIds as string[]).includes("codepipeline-pipeline-pipeline-execution-failed"));
    const subs = all(delivery, "aws:sns/topicSubscription:TopicSubscription");
    assert.deepEqual(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint]), [["email", "releases@acme.example"]]);
});

test("the build runs tests first, builds with the registry cache, pushes the sha tag and moves latest only on the release branch", () => {
    const project = all(delivery, "aws:codebuild/project:Project").find((p) => (p.inputs.environment as { privilegedMode: boolean }).privilegedMode);
    assert.ok(project, "the image build project runs Docker in privileged mode");
    const spec = JSON.parse((project.inputs.source as { buildspec: string }).buildspec) as {
        phases: { pre_build: { commands: string[] }; build: { commands: string[] } };
        artifacts: { files: string[] };
    };
    assert.ok(spec.phases.pre_build.commands.includes("npm ci && npm test"));
    const build = spec.phases.build.commands.join("\n");
    assert.match(build, /--cache-from "\$REPOSITORY_URL:latest"/);
    assert.match(build, /docker push "\$REPOSITORY_URL:\$IMAGE_TAG"/);
    assert.match(build, /if \[ "\$SOURCE_BRANCH" = "\$RELEASE_BRANCH" \]; then[\s\S]*:latest/);
    assert.deepEqual(spec.artifacts.files.slice(0, 2), ["imagedefinitions.json", "image-tag.txt"]);
    const vars = (project.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    assert.equal(vars.find((v) => v.name === "RELEASE_BRANCH")?.value, "main");
    assert.deepEqual(project.inputs.cache, { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] });
});

test("an empty test command adds no test step", () => {
    const spec = imageBuildSpec({ testCommand: "", buildCommand: "" }) as { phases: { pre_build: { commands: string[] } } };
    assert.equal(spec.phases.pre_build.commands.length, 4);
});

test("build projects log to CloudWatch with retention and time out well under CodeBuild's 8 hours", () => {
    for (const p of all(delivery, "aws:codebuild/project:Project")) {
        const logs = p.inputs.logsConfig as { cloudwatchLogs: { status: string; groupName: string } };
        assert.equal(logs.cloudwatchLogs.status, "ENABLED");
        assert.ok((p.inputs.buildTimeout as number) <= 60);
    }
    for (const g of all(delivery, "aws:cloudwatch/logGroup:LogGroup")) assert.ok((g.inputs.retentionInDays as number) > 0);
});

test("each pipeline environment gets an image-tag parameter the smoke test records into", () => {
    const params = all(delivery, "aws:ssm/parameter:Parameter").map((p) => p.inputs.name);
    assert.deepEqual(params.sort(), ["/slipway/shop/production/image-tag", "/slipway/shop/staging/image-tag"]);
    const smoke = stage("Production").actions[1];
    assert.equal(envVars(smoke).find((v) => v.name === "IMAGE_TAG_PARAMETER")?.value, "/slipway/shop/production/image-tag");
    const smokeProject = all(delivery, "aws:codebuild/project:Project").find((p) => !(p.inputs.environment as { privilegedMode: boolean }).privilegedMode);
    const policy = json<{ Statement: { Action: string[]; Resource: string[] }[] }>(
        all(delivery, "aws:iam/rolePolicy:RolePolicy").find((r) => r.parent === smokeProject?.parent) ?? assert.fail("smoke policy"),
        "policy",
    );
    const put = policy.Statement.find((s) => s.Action.includes("ssm:PutParameter"));
    assert.deepEqual(put?.Resource.map((r) => r.split(":parameter")[1]).sort(), ["/slipway/shop/production/image-tag", "/slipway/shop/staging/image-tag"]);
});

test("an opt-in seed image is built once from a local checkout and environments start on it", async () => {
    assert.equal(all(delivery, "docker:index/image:Image").length, 0, "off by default");
    const seeded = await planStack("delivery", { set: { "slipway:seedImageContext": "../shop" } });
    const image = one(seeded, "docker:index/image:Image");
    assert.equal(image.inputs.imageName, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:seed");
    assert.deepEqual(image.inputs.build, { context: "../shop", dockerfile: "../shop/Dockerfile", platform: "linux/amd64" });
    assert.deepEqual(image.ignoreChanges, ["build"]);
    assert.equal((image.inputs.registry as { password: string }).password, "[secret]");
    for (const p of all(seeded, "aws:ssm/parameter:Parameter")) assert.equal(p.inputs.insecureValue, "seed");
});

const RECORDED_SHA = "0123456789abcdef0123456789abcdef01234567";

test("image-tag parameters start from what the pipeline already recorded, so a re-created one never writes latest back", async () => {
    // The mock answers getParametersByPath from mock:ssmParameters, as AWS would with these parameters stored.
    const plan = await planStack("delivery", { set: { "mock:ssmParameters": JSON.stringify({ "/slipway/shop/production/image-tag": RECORDED_SHA, "/slipway/shop/staging/health-url": "https://x/health" }) } });
    const byName = Object.fromEntries(all(plan, "aws:ssm/parameter:Parameter").map((p): [string, PlannedResource] => [String(p.inputs.name), p]));
    assert.equal(byName["/slipway/shop/production/image-tag"].inputs.insecureValue, RECORDED_SHA);
    assert.equal(byName["/slipway/shop/staging/image-tag"].inputs.insecureValue, "latest", "nothing recorded yet: latest");
    for (const p of Object.values(byName)) {
        assert.deepEqual(p.ignoreChanges, ["insecureValue"], "the pipeline owns the value after creation");
        // A fixed name can only be replaced by deleting first; the value read before the delete is the one written back.
        assert.equal(p.deleteBeforeReplace, true);
    }
});

test("with a seed image, only parameters the pipeline never wrote start at the seed tag", async () => {
    const plan = await planStack("delivery", { set: { "slipway:seedImageContext": "../shop", "mock:ssmParameters": JSON.stringify({ "/slipway/shop/staging/image-tag": RECORDED_SHA }) } });
    const byName = Object.fromEntries(all(plan, "aws:ssm/parameter:Parameter").map((p) => [p.inputs.name, p.inputs.insecureValue]));
    assert.deepEqual(byName, { "/slipway/shop/staging/image-tag": RECORDED_SHA, "/slipway/shop/production/image-tag": "seed" });
});

test("the mock answers getParametersByPath as AWS does: the path's children (all levels only when recursive), never another app's", async () => {
    const { runUnderMocks } = await import("../tools/plan/mock-engine");
    const { getParametersByPathOutput } = await import("@pulumi/aws/ssm/getParametersByPath");
    let answer: unknown;
    await runUnderMocks({ project: "slipway", stack: "t", config: { "mock:ssmParameters": JSON.stringify({ "/slipway/shop/staging/image-tag": "abc1234", "/slipway/other/staging/image-tag": "x", "/slipway/shop/deep/er/p": "y" }) }, secretKeys: [] }, async () => {
        answer = await new Promise((resolve) => getParametersByPathOutput({ path: "/slipway/shop", recursive: false }).apply(resolve));
        return {};
    });
    // Shaped like the provider's result: parallel lists; only direct children without recursive, no other app's.
    assert.deepEqual((answer as { names: string[] }).names, []);
    await runUnderMocks({ project: "slipway", stack: "t", config: { "mock:ssmParameters": JSON.stringify({ "/slipway/shop/staging/image-tag": "abc1234", "/slipway/other/staging/image-tag": "x" }) }, secretKeys: [] }, async () => {
        answer = await new Promise((resolve) => getParametersByPathOutput({ path: "/slipway/shop", recursive: true }).apply(resolve));
        return {};
    });
    const a = answer as { names: string[]; values: string[]; types: string[]; arns: string[] };
    assert.deepEqual(a.names, ["/slipway/shop/staging/image-tag"]);
    assert.deepEqual(a.values, ["abc1234"]);
    assert.deepEqual(a.types, ["String"]);
    assert.equal(a.arns[0], "arn:aws:ssm:us-east-1:123456789012:parameter/slipway/shop/staging/image-tag");
});

interface PolicyStatement {
    Sid: string;
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, unknown>>;
}
/** The smoke-test role's inline policy (a child of the smoke-test component). */
function smokePolicy(plan: Plan): PolicyStatement[] {
    const policy = all(plan, "aws:iam/rolePolicy:RolePolicy", "smoke-test-policy");
    assert.equal(policy.length, 1);
    return json<{ Statement: PolicyStatement[] }>(policy[0], "policy").Statement;
}

test("the smoke test is told where the environment runs and which image to find, with the environment stack's own names", () => {
    const vars = Object.fromEntries(envVars(stage("Staging").actions[1]).map((v) => [v.name, v.value]));
    const service = one(staging, "aws:ecs/service:Service");
    const cluster = one(staging, "aws:ecs/cluster:Cluster");
    const [container] = JSON.parse(String(one(staging, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)) as { name: string }[];
    assert.equal(vars.PLATFORM, "ecs");
    assert.equal(vars.CLUSTER_NAME, cluster.inputs.name);
    assert.equal(vars.SERVICE_NAME, service.inputs.name);
    assert.equal(vars.CONTAINER_NAME, container.name);
    assert.equal(vars.REPOSITORY_URL, delivery.outputs.repositoryUrl);
    assert.equal(vars.STACK, "staging");
    assert.equal(vars.VERIFIED_TAG_PREFIX, "verified-staging-");
    assert.ok(!("EB_APPLICATION" in vars));
    const production = Object.fromEntries(envVars(stage("Production").actions[1]).map((v) => [v.name, v.value]));
    assert.equal(production.CLUSTER_NAME, "shop-production");
    assert.equal(production.VERIFIED_TAG_PREFIX, "verified-production-");
});

test("the smoke-test role reads only the pipeline's ECS services and tasks, and tags images only in the app's registry", () => {
    const statements = smokePolicy(delivery);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const arn = (r: string) => `arn:aws:ecs:us-east-1:123456789012:${r}`;
    assert.deepEqual(bySid.ReadServiceDeployments, {
        Sid: "ReadServiceDeployments",
        Effect: "Allow",
        Action: ["ecs:DescribeServices"],
        Resource: [arn("service/shop-staging/shop-staging"), arn("service/shop-production/shop-production")],
    });
    // DescribeTaskDefinition has no resource type: "*" is all AWS allows.
    assert.deepEqual([bySid.ReadTaskDefinitionImages.Action, bySid.ReadTaskDefinitionImages.Resource], [["ecs:DescribeTaskDefinition"], ["*"]]);
    assert.deepEqual(bySid.ListServiceTasks.Condition, { ArnEquals: { "ecs:cluster": [arn("cluster/shop-staging"), arn("cluster/shop-production")] } });
    assert.deepEqual(bySid.ReadServiceTasks.Resource, [arn("task/shop-staging/*"), arn("task/shop-production/*")]);
    assert.deepEqual(bySid.TagVerifiedImage.Action, ["ecr:BatchGetImage", "ecr:PutImage"]);
    assert.deepEqual(bySid.TagVerifiedImage.Resource, [delivery.outputs.repositoryArn]);
    // Exactly the calls the script makes, plus CodeBuild's documented basics (logs, artifacts, the
    // artifact bucket's ACL and location); nothing for a platform no target uses.
    assert.deepEqual([...new Set(statements.flatMap((s) => s.Action))].sort(), [
        "ecr:BatchGetImage", "ecr:PutImage",
        "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:ListTasks",
        "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
        "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
        "ssm:GetParameters", "ssm:PutParameter",
    ]);
    assert.ok(!statements.some((s) => s.Resource.some((r) => r.includes("elasticbeanstalk"))));
});

interface GatedStage extends Stage {
    beforeEntry?: { condition: { result: string; rules: { name: string; ruleTypeId: { category: string; owner: string; provider: string; version: string }; configuration: Record<string, string> }[] } };
}
const pipelineOf = (p: Plan) => one(p, "aws:codepipeline/pipeline:Pipeline").inputs as { stages: GatedStage[]; variables?: { name: string; defaultValue: string }[] };

test("the pipeline's first run (CodePipeline starts one on create) skips the stages of environments that do not exist yet, instead of failing", async () => {
    // Nothing recorded: the delivery stack comes first, before any environment stack has written its health URL.
    const { stages: gated, variables } = pipelineOf(delivery);
    const defaults = Object.fromEntries((variables ?? []).map((v) => [v.name, v.defaultValue]));
    for (const name of ["Staging", "Approve-Production", "Production"]) {
        const s = gated.find((x) => x.name === name);
        assert.ok(s?.beforeEntry, `${name} has an entry condition`);
        const { result, rules } = s.beforeEntry.condition;
        // Stage conditions: a SKIP entry condition may use only the VariableCheck or LambdaInvoke rules.
        assert.equal(result, "SKIP");
        assert.deepEqual(rules.map((r) => [r.ruleTypeId.provider, r.ruleTypeId.category, r.ruleTypeId.owner, r.configuration.Operator, r.configuration.Value]), [["VariableCheck", "Rule", "AWS", "EQ", "true"]]);
        const variable = /^#\{variables\.([A-Za-z0-9@_-]+)\}$/.exec(rules[0].configuration.Variable)?.[1];
        assert.ok(variable && variable in defaults, `${name} checks a declared pipeline variable`);
        assert.equal(defaults[variable], "false", `${name}: its environment does not exist yet`);
    }
    for (const name of ["Source", "Build"]) assert.equal(gated.find((x) => x.name === name)?.beforeEntry, undefined);
});

test("once an environment stack has written its health URL, the next delivery up lets the pipeline deploy it, and a later one only when every earlier one exists", async () => {
    const only = (params: Record<string, string>) => planStack("delivery", { set: { "mock:ssmParameters": JSON.stringify(params) } });
    const defaults = (p: Plan) => Object.fromEntries((pipelineOf(p).variables ?? []).map((v) => [v.name, v.defaultValue]));
    const both = defaults(await only({ "/slipway/shop/staging/health-url": "https://s/health", "/slipway/shop/production/health-url": "https://p/health" }));
    assert.deepEqual(Object.values(both), ["true", "true"]);
    // Production without staging would promote an image no smoke test verified: it waits for staging.
    const productionOnly = defaults(await only({ "/slipway/shop/production/health-url": "https://p/health" }));
    assert.deepEqual(Object.values(productionOnly), ["false", "false"]);
    const stagingOnly = defaults(await only({ "/slipway/shop/staging/health-url": "https://s/health" }));
    assert.deepEqual(Object.values(stagingOnly), ["true", "false"]);
});
