// BuildProject, DeliveryPipeline, Notifications and SeedImage built from their Args.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BUILD_IMAGE, BuildProject, BuildProjectArgs } from "../../infra/delivery/build";
import { Notifications } from "../../infra/delivery/notifications";
import { DeliveryPipeline, DeliveryPipelineArgs, PipelineTarget } from "../../infra/delivery/pipeline";
import { SeedImage } from "../../infra/delivery/seed-image";
import { healthUrlParameter, imageTagParameter } from "../../infra/contract";
import { beanstalkTarget } from "../../infra/platforms/beanstalk/pipeline";
import { ecsTarget } from "../../infra/platforms/ecs/pipeline";
import { AwsContext } from "../../infra/shared/aws-context";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, MOCK_ACCOUNT, REGION, registeredOutputs, rejection, res, sid, statements } from "./harness";

const test = componentTests(__filename);

const ARTIFACTS = `arn:aws:s3:::shop-artifacts`;
const KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT}:key/artifacts`;

// --- BuildProject ------------------------------------------------------------------------------------------

const BUILD = "slipway:delivery:BuildProject";
const PROJECT = "aws:codebuild/project:Project";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const buildArgs = (ctx: AwsContext, over: Partial<BuildProjectArgs> = {}): BuildProjectArgs => ({
    description: "Test, build and push shop's image",
    buildspec: { version: 0.2, phases: { build: { commands: ["make"] } } },
    artifactBucketArn: ARTIFACTS,
    artifactKeyArn: KEY,
    ctx,
    rolePath: "/slipway/shop/",
    ...over,
});
const project = (over: Partial<BuildProjectArgs> = {}, name = "build") =>
    build((ctx) => {
        const b = new BuildProject(name, buildArgs(ctx, over));
        return { logGroupArn: b.logGroup.arn, logGroupName: b.logGroup.name, roleArn: b.role.arn, projectName: b.project.name };
    });

test("a BuildProject owns its log group, role, policy and project, all named after it", async () => {
    const [a, b] = [await project({}, "build"), await project({}, "smoke-test")];
    assertOwnsItsChildren(a, BUILD, "build");
    assertDisjoint(a, b);
});

test("two BuildProjects in one stack collide on their legacy aliases unless the second opts out with aliasLegacyNames: false", async () => {
    const message = await rejection(() =>
        build((ctx) => {
            new BuildProject("build", buildArgs(ctx));
            new BuildProject("smoke-test", buildArgs(ctx));
        }),
    );
    assert.match(message, /aliased to the same: '.*BuildProject\$aws:iam\/role:Role::role'/);
    const p = await build((ctx) => {
        new BuildProject("build", buildArgs(ctx));
        new BuildProject("smoke-test", buildArgs(ctx, { aliasLegacyNames: false }));
    });
    assert.equal(p.resources.filter((r) => r.type === PROJECT).length, 2);
});

test("without options a project runs small, unprivileged, uncached, for at most 15 minutes, logging 30 days to an unprotected group", async () => {
    const p = await project();
    const { inputs } = res(p, PROJECT, "build-project");
    const env = inputs.environment as Record<string, unknown>;
    assert.deepEqual([env.computeType, env.privilegedMode, env.image, env.type, env.environmentVariables], ["BUILD_GENERAL1_SMALL", false, BUILD_IMAGE, "LINUX_CONTAINER", []]);
    assert.deepEqual([inputs.buildTimeout, inputs.queuedTimeout], [15, 30]);
    assert.deepEqual(inputs.cache, { type: "NO_CACHE" });
    const logs = res(p, LOGS, "build-logs");
    assert.equal(logs.inputs.retentionInDays, 30);
    assert.equal(logs.protect, false);
});

test("the options reach the project: compute, timeout, privileged Docker, local cache, plain variables, retention and a protected log group", async () => {
    const p = await project({
        computeType: "BUILD_GENERAL1_MEDIUM",
        timeoutMinutes: 25,
        privileged: true,
        localCache: true,
        variables: { REPOSITORY_URL: pulumi.output("123.dkr.ecr/shop"), DOCKERFILE: "Dockerfile" },
        logRetentionDays: 90,
        protect: true,
    });
    const { inputs } = res(p, PROJECT, "build-project");
    const env = inputs.environment as Record<string, unknown>;
    assert.deepEqual([env.computeType, env.privilegedMode, inputs.buildTimeout], ["BUILD_GENERAL1_MEDIUM", true, 25]);
    assert.deepEqual(env.environmentVariables, [
        { name: "REPOSITORY_URL", value: "123.dkr.ecr/shop", type: "PLAINTEXT" },
        { name: "DOCKERFILE", value: "Dockerfile", type: "PLAINTEXT" },
    ]);
    assert.deepEqual(inputs.cache, { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] });
    const logs = res(p, LOGS, "build-logs");
    assert.deepEqual([logs.inputs.retentionInDays, logs.protect], [90, true]);
});

test("the project reads the buildspec it was given, from the pipeline, encrypted with the artifact key, logging to its own group", async () => {
    const p = await project();
    const { inputs } = res(p, PROJECT, "build-project");
    const source = inputs.source as { type: string; buildspec: string };
    assert.equal(source.type, "CODEPIPELINE");
    assert.deepEqual(JSON.parse(source.buildspec), { version: 0.2, phases: { build: { commands: ["make"] } } });
    assert.deepEqual(inputs.artifacts, { type: "CODEPIPELINE" });
    assert.equal(inputs.encryptionKey, KEY);
    assert.deepEqual(inputs.logsConfig, { cloudwatchLogs: { status: "ENABLED", groupName: p.outputs.logGroupName }, s3Logs: { status: "DISABLED" } });
    assert.equal(inputs.serviceRole, p.outputs.roleArn);
});

test("the project's role is CodeBuild's only, for this account, on the given path", async () => {
    const role = res(await project(), "aws:iam/role:Role", "build-role");
    assert.equal(role.inputs.path, "/slipway/shop/");
    assert.equal(role.inputs.maxSessionDuration, 3600);
    const [trust] = statements(role, "assumeRolePolicy");
    assert.deepEqual(trust.Principal, { Service: "codebuild.amazonaws.com" });
    assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } });
});

test("the role may write only its own logs, use only the given artifacts and key, and whatever extra statements the job needs", async () => {
    const extra = { Sid: "ReadParameter", Action: ["ssm:GetParameters"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/x"] };
    const p = await project({ statements: [extra] });
    const policy = res(p, "aws:iam/rolePolicy:RolePolicy", "build-policy");
    assert.deepEqual(statements(policy).map((s) => s.Sid), ["WriteOwnLogs", "ReadWriteArtifacts", "LocateArtifactBucket", "UseArtifactKey", "ReadParameter"]);
    assert.deepEqual(sid(policy, "WriteOwnLogs").Resource, [p.outputs.logGroupArn, `${p.outputs.logGroupArn}:*`]);
    assert.deepEqual(sid(policy, "ReadWriteArtifacts").Resource, [`${ARTIFACTS}/*`]);
    assert.deepEqual(sid(policy, "UseArtifactKey").Resource, [KEY]);
    assert.deepEqual(sid(policy, "ReadParameter"), { Effect: "Allow", ...extra });
});

test("the project waits for its role's policy (else the first build cannot write its logs)", async () => {
    const p = await project();
    assert.deepEqual(res(p, PROJECT, "build-project").dependsOn, [res(p, "aws:iam/rolePolicy:RolePolicy", "build-policy").urn]);
});

test("a BuildProject registers its project name and role ARN", async () => {
    const p = await project();
    assert.deepEqual(registeredOutputs(p, res(p, BUILD, "build")), { projectName: p.outputs.projectName, roleArn: p.outputs.roleArn });
});

// --- DeliveryPipeline --------------------------------------------------------------------------------------

const PIPELINE_COMPONENT = "slipway:delivery:Pipeline";
const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const TOPIC = `arn:aws:sns:${REGION}:${MOCK_ACCOUNT}:shop-releases`;
const CONNECTION = `arn:aws:codeconnections:${REGION}:${MOCK_ACCOUNT}:connection/abc`;

const target = (stack: string, platform: "ecs" | "beanstalk", production = false): PipelineTarget => ({
    stack,
    production,
    platform,
    deploy: platform === "ecs" ? ecsTarget("shop", stack) : beanstalkTarget("shop", stack),
    healthUrlParameter: healthUrlParameter("shop", stack),
    imageTagParameter: imageTagParameter("shop", stack),
});
const pipelineArgs = (ctx: AwsContext, targets: PipelineTarget[]): DeliveryPipelineArgs => ({
    connectionArn: CONNECTION,
    repository: "acme/shop",
    branch: "main",
    targets,
    artifactBucket: "shop-artifacts",
    artifactBucketArn: ARTIFACTS,
    artifactKeyArn: KEY,
    build: { projectName: "shop-build", projectArn: `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-build` },
    smokeTest: { projectName: "shop-smoke", projectArn: `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-smoke`, attempts: 12, repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop` },
    topicArn: TOPIC,
    app: "shop",
    ctx,
});
const STAGING_AND_PRODUCTION = [target("staging", "ecs"), target("production", "ecs", true)];
const pipeline = (targets = STAGING_AND_PRODUCTION, name = "pipeline") =>
    build((ctx) => {
        const p = new DeliveryPipeline(name, pipelineArgs(ctx, targets));
        return { pipelineArn: p.pipeline.arn, pipelineName: p.pipeline.name, roleArn: p.role.arn };
    });
interface Stage {
    name: string;
    onFailure?: { result: string };
    actions: { name: string; provider: string; configuration: Record<string, string> }[];
}
const stagesOf = (p: Awaited<ReturnType<typeof pipeline>>, name = "pipeline") => res(p, PIPELINE, `${name}-pipeline`).inputs.stages as Stage[];

test("a DeliveryPipeline owns its role, policy, pipeline and notification rule, all named after it", async () => {
    const [a, b] = [await pipeline(STAGING_AND_PRODUCTION, "pipeline"), await pipeline(STAGING_AND_PRODUCTION, "hotfix")];
    assertOwnsItsChildren(a, PIPELINE_COMPONENT, "pipeline");
    assertDisjoint(a, b);
});

test("the pipeline is V2, superseding, started only by pushes to the branch, storing artifacts encrypted with the given key", async () => {
    const p = await pipeline();
    const { inputs } = res(p, PIPELINE, "pipeline-pipeline");
    assert.deepEqual([inputs.pipelineType, inputs.executionMode, inputs.roleArn], ["V2", "SUPERSEDED", p.outputs.roleArn]);
    assert.deepEqual(inputs.triggers, [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ branches: { includes: ["main"] } }] } }]);
    assert.deepEqual(inputs.artifactStores, [{ type: "S3", location: "shop-artifacts", encryptionKey: { id: KEY, type: "KMS" } }]);
});

test("targets become stages in order, production behind an approval, each deploy stage rolling back on failure", async () => {
    const stages = stagesOf(await pipeline());
    assert.deepEqual(stages.map((s) => s.name), ["Source", "Build", "Staging", "Approve-Production", "Production"]);
    for (const s of stages.filter((x) => ["Staging", "Production"].includes(x.name))) {
        assert.deepEqual(s.onFailure, { result: "ROLLBACK" });
        assert.deepEqual(s.actions.map((a) => a.name), ["Deploy", "SmokeTest"]);
    }
    assert.equal(stages[3].actions[0].configuration.NotificationArn, TOPIC);
});

test("without a production target there is no approval stage", async () => {
    assert.deepEqual(stagesOf(await pipeline([target("staging", "ecs")])).map((s) => s.name), ["Source", "Build", "Staging"]);
});

test("each target deploys with its own platform's action, and the role gets each used platform's rights only", async () => {
    const mixed = await pipeline([target("staging", "ecs"), target("production", "beanstalk", true)]);
    const providers = stagesOf(mixed).filter((s) => s.onFailure).map((s) => [s.name, s.actions[0].provider]);
    assert.deepEqual(providers, [["Staging", "ECS"], ["Production", "ElasticBeanstalk"]]);
    const policyText = (p: typeof mixed) => String(res(p, "aws:iam/rolePolicy:RolePolicy", "pipeline-policy").inputs.policy);
    assert.match(policyText(mixed), /ecs:UpdateService/);
    assert.match(policyText(mixed), /elasticbeanstalk:/);
    const ecsOnly = policyText(await pipeline([target("staging", "ecs")]));
    assert.match(ecsOnly, /ecs:UpdateService/);
    assert.doesNotMatch(ecsOnly, /elasticbeanstalk:/);
});

test("the pipeline's role is CodePipeline's, on the app's path, and may run only the given projects and publish only to the topic", async () => {
    const p = await pipeline();
    const role = res(p, "aws:iam/role:Role", "pipeline-role");
    assert.equal(role.inputs.path, "/slipway/shop/");
    assert.deepEqual(statements(role, "assumeRolePolicy")[0].Principal, { Service: "codepipeline.amazonaws.com" });
    const policy = res(p, "aws:iam/rolePolicy:RolePolicy", "pipeline-policy");
    assert.deepEqual(sid(policy, "RunBuilds").Resource, [`arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-build`, `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-smoke`]);
    assert.deepEqual(sid(policy, "RequestApproval").Resource, [TOPIC]);
    assert.deepEqual(sid(policy, "UseGitHubConnection").Resource, [CONNECTION, CONNECTION.replace(":codeconnections:", ":codestar-connections:")]);
});

test("the smoke test of each stage is told its stack, attempts and verified-tag prefix", async () => {
    const stages = stagesOf(await pipeline());
    const vars = (stage: string) => {
        const smoke = stages.find((s) => s.name === stage)?.actions.find((a) => a.name === "SmokeTest");
        assert.ok(smoke);
        assert.equal(smoke.configuration.ProjectName, "shop-smoke");
        return Object.fromEntries((JSON.parse(smoke.configuration.EnvironmentVariables) as { name: string; value: string }[]).map((v) => [v.name, v.value]));
    };
    assert.deepEqual([vars("Staging").STACK, vars("Staging").ATTEMPTS, vars("Staging").VERIFIED_TAG_PREFIX], ["staging", "12", "verified-staging-"]);
    assert.equal(vars("Production").HEALTH_URL, "/slipway/shop/production/health-url");
});

test("the pipeline waits for its role's policy, and its events notify the topic", async () => {
    const p = await pipeline();
    assert.deepEqual(res(p, PIPELINE, "pipeline-pipeline").dependsOn, [res(p, "aws:iam/rolePolicy:RolePolicy", "pipeline-policy").urn]);
    const rule = res(p, "aws:codestarnotifications/notificationRule:NotificationRule", "pipeline-events").inputs;
    assert.equal(rule.resource, p.outputs.pipelineArn);
    assert.deepEqual(rule.targets, [{ address: TOPIC, type: "SNS" }]);
    assert.deepEqual((rule.eventTypeIds as string[]).map((e) => e.split("-").at(-1)), ["failed", "succeeded", "canceled"]);
});

test("a DeliveryPipeline registers the pipeline's name and ARN", async () => {
    const p = await pipeline();
    assert.deepEqual(registeredOutputs(p, res(p, PIPELINE_COMPONENT, "pipeline")), { pipelineName: p.outputs.pipelineName, pipelineArn: p.outputs.pipelineArn });
});

// --- Notifications -----------------------------------------------------------------------------------------

const NOTIFICATIONS = "slipway:delivery:Notifications";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const notifications = (emails: string[], name = "notifications") =>
    build((ctx) => {
        const n = new Notifications(name, { emails, kmsKeyArn: KEY, app: "shop", ctx });
        return { topicArn: n.topic.arn };
    });

test("Notifications own their topic, policy and subscriptions, all named after them", async () => {
    const [a, b] = [await notifications(["a@acme.example"], "notifications"), await notifications(["a@acme.example"], "alerts")];
    assertOwnsItsChildren(a, NOTIFICATIONS, "notifications");
    assertDisjoint(a, b);
});

test("the topic is encrypted with the given key; only CodeStar Notifications of this account may publish, and only over TLS", async () => {
    const p = await notifications([]);
    assert.equal(res(p, "aws:sns/topic:Topic", "notifications-topic").inputs.kmsMasterKeyId, KEY);
    const policy = res(p, "aws:sns/topicPolicy:TopicPolicy", "notifications-policy");
    assert.equal(policy.inputs.arn, p.outputs.topicArn);
    const allow = sid(policy, "PipelineNotifications");
    assert.deepEqual([allow.Principal, allow.Resource, allow.Condition], [{ Service: "codestar-notifications.amazonaws.com" }, [p.outputs.topicArn], { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } }]);
    assert.deepEqual(sid(policy, "DenyInsecureTransport").Condition, { Bool: { "aws:SecureTransport": "false" } });
});

test("CloudWatch may publish to the topic only for this account's release alarms of this app", async () => {
    const policy = res(await notifications([]), "aws:sns/topicPolicy:TopicPolicy", "notifications-policy");
    const alarms = sid(policy, "ReleaseAlarms");
    assert.deepEqual([alarms.Principal, alarms.Action], [{ Service: "cloudwatch.amazonaws.com" }, ["sns:Publish"]]);
    assert.deepEqual(alarms.Condition, {
        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${MOCK_ACCOUNT}:alarm:slipway/shop/*/*` },
    });
});

test("each email gets one email subscription, numbered in order; no emails, no subscriptions", async () => {
    const p = await notifications(["a@acme.example", "b@acme.example"]);
    const subs = p.resources.filter((r) => r.type === SUBSCRIPTION);
    assert.deepEqual(subs.map((s) => [s.name, s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]), [
        ["notifications-email-0", "email", "a@acme.example", p.outputs.topicArn],
        ["notifications-email-1", "email", "b@acme.example", p.outputs.topicArn],
    ]);
    assert.equal((await notifications([])).resources.filter((r) => r.type === SUBSCRIPTION).length, 0);
});

test("Notifications register the topic's ARN", async () => {
    const p = await notifications([]);
    assert.deepEqual(registeredOutputs(p, res(p, NOTIFICATIONS, "notifications")), { topicArn: p.outputs.topicArn });
});

// --- SeedImage ---------------------------------------------------------------------------------------------

const SEED = "slipway:delivery:SeedImage";
const IMAGE = "docker:index/image:Image";
const REPOSITORY_URL = `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop`;
const seed = (dockerfile?: string, name = "seed-image") =>
    build(() => {
        const s = new SeedImage(name, { repositoryUrl: pulumi.output(REPOSITORY_URL), context: "../shop", dockerfile });
        return { imageRef: s.imageRef };
    });

test("a SeedImage owns one image, named after it", async () => {
    const [a, b] = [await seed(undefined, "seed-image"), await seed(undefined, "seed")];
    assertOwnsItsChildren(a, SEED, "seed-image");
    assertDisjoint(a, b);
});

test("the seed image is pushed as <repository>:seed, built once for linux/amd64 from the context's Dockerfile by default", async () => {
    const image = res(await seed(), IMAGE, "seed-image-image");
    assert.equal(image.inputs.imageName, `${REPOSITORY_URL}:seed`);
    assert.deepEqual(image.inputs.build, { context: "../shop", dockerfile: "../shop/Dockerfile", platform: "linux/amd64" });
    assert.deepEqual(image.ignoreChanges, ["build"]);
});

test("a dockerfile Arg is read inside the context", async () => {
    assert.equal((res(await seed("docker/Prod.Dockerfile"), IMAGE, "seed-image-image").inputs.build as { dockerfile: string }).dockerfile, "../shop/docker/Prod.Dockerfile");
});

test("the registry login is the ECR token's, and its password stays secret in the plan", async () => {
    const registry = res(await seed(), IMAGE, "seed-image-image").inputs.registry as Record<string, unknown>;
    assert.deepEqual(registry, { server: REPOSITORY_URL, username: "AWS", password: "[secret]" });
});

test("a SeedImage registers the image reference", async () => {
    const p = await seed();
    assert.deepEqual(registeredOutputs(p, res(p, SEED, "seed-image")), { imageRef: `${REPOSITORY_URL}:seed` });
    assert.equal(p.outputs.imageRef, `${REPOSITORY_URL}:seed`);
});

test("a target's Release action runs its own platform's release project, which the pipeline role may start; a target whose platform has none is refused", async () => {
    const releasing: PipelineTarget = { ...target("staging", "ecs"), release: [{ name: "STACK", value: "staging" }] };
    const releaseArn = `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-release`;
    const p = await build((ctx) => {
        new DeliveryPipeline("pipeline", { ...pipelineArgs(ctx, [releasing, target("production", "ecs", true)]), releaseProjects: { ecs: { projectName: "shop-release", projectArn: releaseArn } } });
        return {};
    });
    const staging = (res(p, PIPELINE, "pipeline-pipeline").inputs.stages as Stage[]).find((s) => s.name === "Staging");
    assert.deepEqual(staging?.actions.map((a) => a.name), ["Release", "Deploy", "SmokeTest"]);
    assert.equal(staging?.actions[0].configuration.ProjectName, "shop-release");
    assert.deepEqual(sid(res(p, "aws:iam/rolePolicy:RolePolicy", "pipeline-policy"), "RunBuilds").Resource, [
        `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-build`,
        `arn:aws:codebuild:${REGION}:${MOCK_ACCOUNT}:project/shop-smoke`,
        releaseArn,
    ]);
    // A Beanstalk release project does not serve an ECS target.
    const message = await rejection(() =>
        build((ctx) => {
            new DeliveryPipeline("pipeline", { ...pipelineArgs(ctx, [releasing]), releaseProjects: { beanstalk: { projectName: "eb-release", projectArn: releaseArn } } });
        }),
    );
    assert.match(message, /staging has a release phase, but the pipeline was given no release project for it \(nor one for its platform, ecs\)/);
});
