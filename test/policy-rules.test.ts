// Every policy rule, broken and kept: for each rule a resource set that violates it (and is caught) and
// one that complies (and passes). The cases call the rules exactly as CrossGuard and the offline plan do.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { evaluate, CheckedResource } from "../policy/evaluate";
import { CONTEXT_TYPE } from "../policy/kit";
import { RULES, RULE_IDS } from "../policy/rules";

type Props = Record<string, unknown>;
interface Res {
    type: string;
    name?: string;
    props: Props;
    protect?: boolean;
}
interface Case {
    violating: Res[];
    compliant: Res[];
    /** Stack tier the case runs in. @default "staging" */
    tier?: string;
}

const doc = (...Statement: Props[]) => JSON.stringify({ Version: "2012-10-17", Statement: Statement.map((s) => ({ Effect: "Allow", ...s })) });
const r = (type: string, props: Props, extra: Partial<Res> = {}): Res => ({ type, props, ...extra });

const T = {
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    repoPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    build: "aws:codebuild/project:Project",
    pipeline: "aws:codepipeline/pipeline:Pipeline",
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    bucketLogging: "aws:s3/bucketLogging:BucketLogging",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    key: "aws:kms/key:Key",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    tg: "aws:lb/targetGroup:TargetGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    subnet: "aws:ec2/subnet:Subnet",
    vpc: "aws:ec2/vpc:Vpc",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    eb: "aws:elasticbeanstalk/environment:Environment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    variable: "github:index/actionsVariable:ActionsVariable",
    parameter: "aws:ssm/parameter:Parameter",
};

// --- compliant building blocks, mutated by the breaking cases ---------------------------------------------
const repo: Props = {
    name: "shop",
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "IMMUTABLE",
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/k" }],
    forceDelete: true,
};
const ecrLifecycle = JSON.stringify({
    rules: [
        { rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
        { rulePriority: 2, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
    ],
});
const dockerBuildspec = JSON.stringify({ phases: { build: { commands: ["docker build -t x .", "docker push x"] } } });
const build: Props = {
    buildTimeout: 20,
    encryptionKey: "arn:aws:kms:us-east-1:123456789012:key/k",
    source: { type: "CODEPIPELINE", buildspec: dockerBuildspec },
    environment: { privilegedMode: true, environmentVariables: [{ name: "REPOSITORY_URL", value: "x", type: "PLAINTEXT" }] },
    logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "logs" } },
};
const deploy = (stage: string, cluster: string) => ({
    name: stage,
    onFailure: { result: "ROLLBACK" },
    actions: [{ name: "Deploy", category: "Deploy", provider: "ECS", configuration: { ClusterName: cluster, ServiceName: cluster } }],
});
const approval = { name: "Approve-Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual", configuration: {} }] };
const source = { name: "Source", actions: [{ name: "Source", category: "Source", provider: "CodeStarSourceConnection", configuration: { BranchName: "main" } }] };
const buildStage = {
    name: "Build",
    actions: [{ name: "Build", category: "Build", provider: "CodeBuild", configuration: { EnvironmentVariables: JSON.stringify([{ name: "COMMIT_SHA", value: "#{S.CommitId}", type: "PLAINTEXT" }]) } }],
};
const pipeline: Props = {
    pipelineType: "V2",
    artifactStores: [{ type: "S3", location: "b", encryptionKey: { id: "arn:aws:kms:us-east-1:123456789012:key/k", type: "KMS" } }],
    triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ branches: { includes: ["main"] } }] } }],
    stages: [source, buildStage, deploy("Staging", "shop-staging"), approval, deploy("Production", "shop-production")],
};
const bucketSet = (bucket: Props = { forceDestroy: true }): Res[] => [
    r(T.bucket, bucket),
    r(T.pab, { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    r(T.bucketPolicy, { bucket: "b", policy: doc({ Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) }),
    r(T.sse, { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" } }] }),
    r(T.versioning, { bucket: "b", versioningConfiguration: { status: "Enabled" } }),
    r(T.bucketLifecycle, { bucket: "b", rules: [{ id: "x", status: "Enabled", expiration: { days: 30 }, noncurrentVersionExpiration: { noncurrentDays: 30 } }] }),
    r(T.bucketLogging, { bucket: "b", targetBucket: "logs" }),
];
const without = (set: Res[], type: string) => set.filter((x) => x.type !== type);
const container = (extra: Props = {}) => ({
    name: "app",
    image: "x",
    environment: [{ name: "APP_ENV", value: "staging" }],
    secrets: [{ name: "DATABASE_URL", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s:DATABASE_URL::" }],
    logConfiguration: { logDriver: "awslogs", options: {} },
    readonlyRootFilesystem: true,
    user: "1000",
    ...extra,
});
const taskDef = (c: Props = container(), extra: Props = {}): Props => ({
    containerDefinitions: JSON.stringify([c]),
    executionRoleArn: "arn:aws:iam::123456789012:role/slipway/shop/execution",
    taskRoleArn: "arn:aws:iam::123456789012:role/slipway/shop/task",
    ...extra,
});
const service: Props = {
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentMinimumHealthyPercent: 100,
    deploymentMaximumPercent: 200,
    networkConfiguration: { assignPublicIp: false },
};
const lb: Props = { loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true, accessLogs: { bucket: "logs", enabled: true }, enableDeletionProtection: true };
const httpsListener: Props = { loadBalancerArn: "alb", port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward" }] };
const redirect: Props = { loadBalancerArn: "alb", port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] };
const tg: Props = { healthCheck: { path: "/health", interval: 10, healthyThreshold: 2 }, deregistrationDelay: 15 };
const sg = (ingress: Props[]) => ({ ingress, egress: [] });
const eb = (settings: [string, string, string][]) => ({ settings: settings.map(([namespace, name, value]) => ({ namespace, name, value })) });
const ebGood: [string, string, string][] = [
    ["aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true"],
    ["aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel", "minor"],
    ["aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"],
    ["aws:ec2:vpc", "VPCId", "vpc-1"],
    ["aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "true"],
    ["aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays", "30"],
];
const ebWithout = (name: string) => eb(ebGood.filter(([, n]) => n !== name));
const policy = (...s: Props[]) => r(T.rolePolicy, { role: "r", policy: doc(...s) });
const OIDC = "token.actions.githubusercontent.com";
const trust = (condition: Props) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${OIDC}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
    });
const oidcRole = (sub: string[], extra: Props = {}, aud: Props = { [`${OIDC}:aud`]: "sts.amazonaws.com" }) => ({
    path: "/slipway/shop/",
    maxSessionDuration: 3600,
    assumeRolePolicy: trust({ StringEquals: { ...aud, [`${OIDC}:sub`]: sub } }),
    ...extra,
});

const CA = {
    domain: "aws:codeartifact/domain:Domain",
    repo: "aws:codeartifact/repository:Repository",
    repoPolicy: "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy",
    domainPolicy: "aws:codeartifact/domainPermissions:DomainPermissions",
};
const BUILD_ROLE = "arn:aws:iam::123456789012:role/slipway/shop/build-role-1234567";
const PUBLISH_ROLE = "arn:aws:iam::123456789012:role/slipway/shop/package-publishing-job-role-1234567";
const caRepoPolicy = doc(
    { Sid: "ReadPackages", Principal: { AWS: [BUILD_ROLE, PUBLISH_ROLE] }, Action: ["codeartifact:ReadFromRepository"], Resource: "*" },
    { Sid: "PublishPackages", Principal: { AWS: [PUBLISH_ROLE] }, Action: ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"], Resource: "*" },
    {
        Sid: "OnlyThePublishJobPublishes",
        Effect: "Deny",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": PUBLISH_ROLE } },
    },
);

const DB = { cluster: "aws:rds/cluster:Cluster", writer: "aws:rds/clusterInstance:ClusterInstance" };
/** A database stack's rotation schedule and restart of `restarted` (services shop-staging and shop-staging-mailer). */
function rotationStack(restarted: string[]): Res[] {
    return [
        r(DB.cluster, { ...dbCluster, manageMasterUserPassword: true }),
        r("aws:secretsmanager/secretRotation:SecretRotation", { secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-x", rotationRules: { automaticallyAfterDays: 7 } }),
        r("aws:cloudwatch/eventRule:EventRule", { name: "shop-staging-db-rotation", eventPattern: JSON.stringify({ source: ["aws.secretsmanager"], detail: { eventName: ["RotationSucceeded"] } }) }),
        r("aws:cloudwatch/eventTarget:EventTarget", { rule: "shop-staging-db-rotation", arn: "arn:aws:states:us-east-1:123456789012:stateMachine:shop-staging-db-rotation" }),
        r("aws:sfn/stateMachine:StateMachine", {
            name: "shop-staging-db-rotation",
            definition: JSON.stringify({ StartAt: "a", States: Object.fromEntries(restarted.map((s) => [s, { Type: "Task", Resource: "arn:aws:states:::aws-sdk:ecs:updateService", Parameters: { Cluster: "shop-staging", Service: s, ForceNewDeployment: true }, End: true }])) }),
        }),
        r(T.service, { ...service, name: "shop-staging" }, { name: "app-service" }),
        r(T.service, { ...service, name: "shop-staging-mailer" }, { name: "worker-mailer-service" }),
    ];
}
/** A Beanstalk environment `shop-staging` with the database's connection as environment secrets (slipway:database on Beanstalk). */
const EB_SECRETS = "aws:elasticbeanstalk:application:environmentsecrets";
const ebDatabase = (extra: [string, string, string][] = []) => ({
    name: "shop-staging",
    ...eb([
        ...ebGood,
        [EB_SECRETS, "PGHOST", "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/staging/database-AbCdEf:host"],
        [EB_SECRETS, "PGPASSWORD", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-x-AbCdEf:password"],
        ...extra,
    ]),
});
/** A Beanstalk database stack's rotation schedule and refresh of `refreshed` (environment names). */
function ebRotationStack(refreshed: string[]): Res[] {
    return [
        ...rotationStack([]).filter((x) => x.type !== T.service && x.type !== "aws:sfn/stateMachine:StateMachine"),
        r("aws:sfn/stateMachine:StateMachine", {
            name: "shop-staging-db-rotation",
            definition: JSON.stringify({ StartAt: "a", States: Object.fromEntries(refreshed.map((e) => [e, { Type: "Task", Resource: "arn:aws:states:::aws-sdk:elasticbeanstalk:restartAppServer", Parameters: { EnvironmentName: e }, End: true }])) }),
        }),
        r(T.eb, ebDatabase(), { name: "app-environment" }),
    ];
}
const dbCluster: Props = {
    clusterIdentifier: "shop-staging", engine: "aurora-postgresql", engineMode: "provisioned", storageEncrypted: true,
    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000000", backupRetentionPeriod: 1,
    iamDatabaseAuthenticationEnabled: false, enabledCloudwatchLogsExports: ["postgresql"], deletionProtection: false, skipFinalSnapshot: true, manageMasterUserPassword: true,
};
const dbWriter: Props = { instanceClass: "db.serverless", engine: "aurora-postgresql", publiclyAccessible: false, autoMinorVersionUpgrade: true };
const CASES: Record<string, Case> = {
    // ECR
    "ecr-scan-on-push": { violating: [r(T.repo, { ...repo, imageScanningConfiguration: { scanOnPush: false } })], compliant: [r(T.repo, repo)] },
    "ecr-tags-immutable": { violating: [r(T.repo, { ...repo, imageTagMutability: "MUTABLE" })], compliant: [r(T.repo, repo)] },
    "ecr-tag-exclusions-narrow": {
        violating: [r(T.repo, { ...repo, imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter: "*", filterType: "WILDCARD" }] })],
        compliant: [r(T.repo, { ...repo, imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter: "latest", filterType: "WILDCARD" }] })],
    },
    "ecr-kms-encryption": { violating: [r(T.repo, { ...repo, encryptionConfigurations: [{ encryptionType: "AES256" }] })], compliant: [r(T.repo, repo)] },
    "ecr-customer-managed-key": { violating: [r(T.repo, { ...repo, encryptionConfigurations: [{ encryptionType: "KMS" }] })], compliant: [r(T.repo, repo)] },
    "ecr-lifecycle-policy": {
        violating: [r(T.repo, repo), r(T.lifecycle, { repository: "shop", policy: JSON.stringify({ rules: [JSON.parse(ecrLifecycle).rules[1]] }) })],
        compliant: [r(T.repo, repo), r(T.lifecycle, { repository: "shop", policy: ecrLifecycle })],
    },
    "ecr-policy-not-public": {
        violating: [r(T.repoPolicy, { repository: "shop", policy: doc({ Principal: "*", Action: ["ecr:BatchGetImage"] }) })],
        compliant: [r(T.repoPolicy, { repository: "shop", policy: doc({ Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: ["ecr:BatchGetImage"] }) })],
    },
    // CodeBuild
    "codebuild-privileged-only-for-docker": {
        violating: [r(T.build, { ...build, source: { type: "CODEPIPELINE", buildspec: JSON.stringify({ phases: { build: { commands: ["curl -f $URL"] } } }) } })],
        compliant: [r(T.build, build)],
    },
    "codebuild-kms-encryption": { violating: [r(T.build, { ...build, encryptionKey: undefined })], compliant: [r(T.build, build)] },
    "codebuild-event-input-variables-only": {
        violating: [
            r("aws:cloudwatch/eventTarget:EventTarget", { rule: "r", arn: "arn:aws:codebuild:us-east-1:123456789012:project/p" }),
            r("aws:cloudwatch/eventTarget:EventTarget", { rule: "r", arn: "arn:aws:codebuild:us-east-1:123456789012:project/p", inputTransformer: { inputPaths: { s: "$.detail.state" }, inputTemplate: '{"buildspecOverride":"<s>","environmentVariablesOverride":[]}' } }),
            r("aws:cloudwatch/eventTarget:EventTarget", { rule: "r", arn: "arn:aws:codebuild:us-east-1:123456789012:project/p", input: '{"sourceVersion":"main"}' }),
        ],
        compliant: [
            r("aws:cloudwatch/eventTarget:EventTarget", { rule: "r", arn: "arn:aws:codebuild:us-east-1:123456789012:project/p", inputTransformer: { inputPaths: { s: "$.detail.state" }, inputTemplate: '{"environmentVariablesOverride":[{"name":"STATE","type":"PLAINTEXT","value":"<s>"}]}' } }),
            r("aws:cloudwatch/eventTarget:EventTarget", { rule: "r", arn: "arn:aws:sns:us-east-1:123456789012:topic" }),
        ],
    },
    "codebuild-no-plaintext-secrets": {
        violating: [r(T.build, { ...build, environment: { ...(build.environment as Props), environmentVariables: [{ name: "NPM_TOKEN", value: "abc", type: "PLAINTEXT" }] } })],
        compliant: [r(T.build, { ...build, environment: { ...(build.environment as Props), environmentVariables: [{ name: "NPM_TOKEN", value: "ci/npm-token", type: "SECRETS_MANAGER" }] } })],
    },
    "codebuild-logs-enabled": { violating: [r(T.build, { ...build, logsConfig: { cloudwatchLogs: { status: "DISABLED" } } })], compliant: [r(T.build, build)] },
    "codebuild-timeout": { violating: [r(T.build, { ...build, buildTimeout: 480 })], compliant: [r(T.build, build)] },
    // CodePipeline
    "pipeline-artifacts-kms": { violating: [r(T.pipeline, { ...pipeline, artifactStores: [{ type: "S3", location: "b" }] })], compliant: [r(T.pipeline, pipeline)] },
    "pipeline-v2": { violating: [r(T.pipeline, { ...pipeline, pipelineType: "V1" })], compliant: [r(T.pipeline, pipeline)] },
    "pipeline-release-branch-only": {
        violating: [
            r(T.pipeline, { ...pipeline, triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ branches: { includes: ["*"] } }] } }] }),
            // A tag may start only a pipeline that deploys nothing: this one deploys.
            r(T.pipeline, { ...pipeline, triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ tags: { includes: ["v*"] } }] } }] }),
        ],
        compliant: [
            r(T.pipeline, pipeline),
            // The package publish pipeline: tags only, no deploy stage.
            r(T.pipeline, {
                ...pipeline,
                triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ tags: { includes: ["v*"] } }] } }],
                stages: (pipeline.stages as { actions: { category: string }[] }[]).filter((s) => !s.actions.some((a) => a.category === "Deploy" || a.category === "Approval")),
            }),
        ],
    },
    "pipeline-production-approval": {
        violating: [r(T.pipeline, { ...pipeline, stages: (pipeline.stages as Props[]).filter((s) => s !== approval) })],
        compliant: [r(T.pipeline, pipeline)],
    },
    "pipeline-stage-rollback": {
        violating: [r(T.pipeline, { ...pipeline, stages: [source, buildStage, { ...deploy("Staging", "shop-staging"), onFailure: undefined }] })],
        compliant: [r(T.pipeline, pipeline)],
    },
    // S3
    "s3-block-public-access": {
        violating: [...without(bucketSet(), T.pab), r(T.pab, { bucket: "b", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true })],
        compliant: bucketSet(),
    },
    "s3-tls-only": { violating: without(bucketSet(), T.bucketPolicy), compliant: bucketSet() },
    "s3-encryption": { violating: without(bucketSet(), T.sse), compliant: [...without(bucketSet(), T.sse), r(T.sse, { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] })] },
    "s3-encryption-kms": { violating: [...without(bucketSet(), T.sse), r(T.sse, { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] })], compliant: bucketSet() },
    "s3-versioning-production": { tier: "production", violating: without(bucketSet({ forceDestroy: false }), T.versioning), compliant: bucketSet({ forceDestroy: false }) },
    "s3-lifecycle-expiry": { violating: without(bucketSet(), T.bucketLifecycle), compliant: bucketSet() },
    "s3-access-logging": { violating: without(bucketSet(), T.bucketLogging), compliant: bucketSet() },
    // SNS, KMS
    "sns-encrypted": { violating: [r(T.topic, {})], compliant: [r(T.topic, { kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" })] },
    "sns-tls-only": {
        violating: [r(T.topic, {}), r(T.topicPolicy, { arn: "t", policy: doc({ Principal: { Service: "codestar-notifications.amazonaws.com" }, Action: ["sns:Publish"], Resource: ["t"] }) })],
        compliant: [r(T.topic, {}), r(T.topicPolicy, { arn: "t", policy: doc({ Effect: "Deny", Principal: "*", Action: ["sns:Publish"], Resource: ["t"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) })],
    },
    "kms-key-rotation": { violating: [r(T.key, { enableKeyRotation: false })], compliant: [r(T.key, { enableKeyRotation: true })] },
    // ECS
    "ecs-no-plaintext-secrets": {
        violating: [r(T.taskDef, taskDef(container({ environment: [{ name: "DB_PASSWORD", value: "hunter2" }] })))],
        compliant: [r(T.taskDef, taskDef())],
    },
    "ecs-container-logging": { violating: [r(T.taskDef, taskDef(container({ logConfiguration: undefined })))], compliant: [r(T.taskDef, taskDef())] },
    "ecs-task-role-distinct": {
        violating: [r(T.taskDef, taskDef(container(), { taskRoleArn: "arn:aws:iam::123456789012:role/slipway/shop/execution" }))],
        compliant: [r(T.taskDef, taskDef())],
    },
    "ecs-read-only-root-filesystem": { violating: [r(T.taskDef, taskDef(container({ readonlyRootFilesystem: false })))], compliant: [r(T.taskDef, taskDef())] },
    "ecs-no-privileged-containers": { violating: [r(T.taskDef, taskDef(container({ privileged: true })))], compliant: [r(T.taskDef, taskDef())] },
    "ecs-non-root-user": { violating: [r(T.taskDef, taskDef(container({ user: "root" })))], compliant: [r(T.taskDef, taskDef())] },
    "ecs-container-insights": {
        violating: [r(T.cluster, { settings: [{ name: "containerInsights", value: "disabled" }] })],
        compliant: [r(T.cluster, { settings: [{ name: "containerInsights", value: "enabled" }] })],
    },
    "ecs-circuit-breaker-rollback": { violating: [r(T.service, { ...service, deploymentCircuitBreaker: { enable: true, rollback: false } })], compliant: [r(T.service, service)] },
    "ecs-deployment-alarms-production": {
        tier: "production",
        violating: [r(T.service, service)],
        compliant: [r(T.service, { ...service, alarms: { alarmNames: ["slipway/shop/production/error-rate"], enable: true, rollback: true } })],
    },
    "alarm-notifies": {
        violating: [r("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "a", alarmActions: [] })],
        compliant: [r("aws:cloudwatch/metricAlarm:MetricAlarm", { name: "a", alarmActions: ["arn:aws:sns:us-east-1:123456789012:t"] })],
    },
    "ecs-zero-downtime-roll": { violating: [r(T.service, { ...service, deploymentMinimumHealthyPercent: 50 })], compliant: [r(T.service, service)] },
    "ecs-no-public-ip": { violating: [r(T.service, { ...service, networkConfiguration: { assignPublicIp: true } })], compliant: [r(T.service, service)] },
    // Scheduled jobs
    "sqs-encrypted": { violating: [r("aws:sqs/queue:Queue", { name: "q" })], compliant: [r("aws:sqs/queue:Queue", { name: "q", sqsManagedSseEnabled: true })] },
    "scheduler-ecs-dead-letter": {
        violating: [r("aws:scheduler/schedule:Schedule", { target: { arn: "c", ecsParameters: { taskDefinitionArn: "f" }, retryPolicy: { maximumRetryAttempts: 2 } } })],
        compliant: [r("aws:scheduler/schedule:Schedule", { target: { arn: "c", ecsParameters: { taskDefinitionArn: "f" }, retryPolicy: { maximumRetryAttempts: 2 }, deadLetterConfig: { arn: "q" } } })],
    },
    "scheduler-ecs-no-public-ip": {
        violating: [r("aws:scheduler/schedule:Schedule", { target: { arn: "c", ecsParameters: { taskDefinitionArn: "f", networkConfiguration: { subnets: ["s"], assignPublicIp: true } } } })],
        compliant: [r("aws:scheduler/schedule:Schedule", { target: { arn: "c", ecsParameters: { taskDefinitionArn: "f", networkConfiguration: { subnets: ["s"], assignPublicIp: false } } } })],
    },
    // Load balancer
    "alb-modern-tls": { violating: [r(T.listener, { ...httpsListener, sslPolicy: "ELBSecurityPolicy-2016-08" })], compliant: [r(T.listener, httpsListener)] },
    "alb-http-redirects-to-https": {
        violating: [r(T.listener, httpsListener), r(T.listener, { loadBalancerArn: "alb", port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] })],
        compliant: [r(T.listener, httpsListener), r(T.listener, redirect)],
    },
    "alb-https-listener": {
        violating: [r(T.lb, lb), r(T.listener, { loadBalancerArn: "alb", port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] })],
        compliant: [r(T.lb, lb), r(T.listener, httpsListener), r(T.listener, redirect)],
    },
    "alb-drop-invalid-headers": { violating: [r(T.lb, { ...lb, dropInvalidHeaderFields: false })], compliant: [r(T.lb, lb)] },
    "alb-access-logs": { violating: [r(T.lb, { ...lb, accessLogs: undefined })], compliant: [r(T.lb, lb)] },
    "alb-deletion-protection-production": { tier: "production", violating: [r(T.lb, { ...lb, enableDeletionProtection: false })], compliant: [r(T.lb, lb)] },
    "target-group-fast-health": {
        violating: [r("aws:lb/targetGroup:TargetGroup", { ...tg, deregistrationDelay: 300 })],
        compliant: [r("aws:lb/targetGroup:TargetGroup", tg)],
    },
    // Security groups and VPC
    "sg-no-world-ingress": {
        violating: [r(T.sg, sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]))],
        compliant: [r(T.sg, sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]))],
    },
    "sg-app-ports-from-groups-only": {
        violating: [r(T.sg, sg([{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.20.0.0/16"] }]))],
        compliant: [r(T.sg, sg([{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-alb"] }]))],
    },
    "vpc-default-sg-closed": {
        violating: [r(T.defaultSg, { vpcId: "v", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }], egress: [] })],
        compliant: [r(T.defaultSg, { vpcId: "v", ingress: [], egress: [] })],
    },
    "subnet-no-auto-public-ip": { violating: [r(T.subnet, { mapPublicIpOnLaunch: true })], compliant: [r(T.subnet, { mapPublicIpOnLaunch: false })] },
    "vpc-flow-logs": { violating: [r(T.vpc, { cidrBlock: "10.0.0.0/16" })], compliant: [r(T.vpc, { cidrBlock: "10.0.0.0/16" }), r(T.flowLog, { vpcId: "v" })] },
    // Logs and secrets
    "logs-retention-set": { violating: [r(T.logGroup, {})], compliant: [r(T.logGroup, { retentionInDays: 14 })] },
    "logs-retention-one-year": { violating: [r(T.logGroup, { retentionInDays: 14 })], compliant: [r(T.logGroup, { retentionInDays: 400 })] },
    "logs-kms": { violating: [r(T.logGroup, { retentionInDays: 14 })], compliant: [r(T.logGroup, { retentionInDays: 14, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" })] },
    "secrets-customer-managed-key": { violating: [r(T.secret, { recoveryWindowInDays: 0 })], compliant: [r(T.secret, { recoveryWindowInDays: 0, kmsKeyId: "k" })] },
    "secrets-rotation-path": {
        violating: [r(T.secret, { recoveryWindowInDays: 0 })],
        compliant: [r(T.secret, { recoveryWindowInDays: 0 }), r(T.secretVersion, { secretId: "s", secretString: "[secret]" })],
    },
    // Elastic Beanstalk
    "eb-managed-updates": { violating: [r(T.eb, ebWithout("ManagedActionsEnabled"))], compliant: [r(T.eb, eb(ebGood))] },
    "eb-enhanced-health": { violating: [r(T.eb, ebWithout("SystemType"))], compliant: [r(T.eb, eb(ebGood))] },
    "eb-vpc-and-logs": { violating: [r(T.eb, ebWithout("StreamLogs"))], compliant: [r(T.eb, eb(ebGood))] },
    // IAM
    "chatbot-guardrails-set": {
        violating: [
            r("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", { configurationName: "shop-pipeline-0", loggingLevel: "ERROR" }),
            r("aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", { configurationName: "shop-pipeline-1", loggingLevel: "ERROR", guardrailPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
        ],
        compliant: [r("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", { configurationName: "shop-pipeline-0", loggingLevel: "ERROR", guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] })],
    },
    "chatbot-logging-on": {
        violating: [r("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", { loggingLevel: "NONE", guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] }), r("aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", { guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] })],
        compliant: [r("aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", { loggingLevel: "INFO", guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] })],
    },
    "iam-human-trust-guarded": {
        violating: [
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }] }) }),
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } } }] }) }),
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] }) }),
        ],
        compliant: [
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }] }) }),
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:role/ops-team"] }, Action: "sts:AssumeRole" }] }) }),
            r("aws:iam/role:Role", { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
        ],
    },
    "iam-no-admin": { violating: [policy({ Action: ["*"], Resource: ["*"] })], compliant: [policy({ Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] })] },
    "iam-no-wildcard-resource": {
        violating: [policy({ Action: ["s3:GetObject"], Resource: ["*"] })],
        compliant: [policy({ Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] })],
    },
    "iam-wildcard-resource-conditioned": {
        violating: [policy({ Action: ["ec2:CreateVpc"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })],
        compliant: [policy({ Action: ["ec2:DescribeVpcs"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })],
    },
    "iam-no-privilege-escalation": {
        violating: [policy({ Action: ["iam:PutRolePolicy"], Resource: ["*"] })],
        compliant: [policy({ Action: ["iam:PutRolePolicy"], Resource: ["arn:aws:iam::123456789012:role/slipway/shop/*"] })],
    },
    "iam-passrole-scoped": {
        violating: [policy({ Action: ["iam:PassRole"], Resource: ["arn:aws:iam::123456789012:role/slipway/shop/*"] })],
        compliant: [policy({ Action: ["iam:PassRole"], Resource: ["arn:aws:iam::123456789012:role/slipway/shop/*"], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } })],
    },
    "iam-managed-policies-documented": {
        violating: [r(T.attachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })],
        compliant: [r(T.attachment, { role: "r", policyArn: "arn:aws:iam::123456789012:policy/slipway-shop" })],
    },
    "iam-actions-exist": {
        violating: [policy({ Action: ["s3:GetObjects"], Resource: ["arn:aws:s3:::b/*"] })],
        compliant: [policy({ Action: ["s3:GetObject", "kms:GenerateDataKey*"], Resource: ["arn:aws:s3:::b/*"] })],
    },
    "iam-short-sessions": { violating: [r(T.role, oidcRole(["repo:acme/shop:pull_request"], { maxSessionDuration: 43200 }))], compliant: [r(T.role, oidcRole(["repo:acme/shop:pull_request"]))] },
    "iam-boundary-confines": {
        violating: [
            r("aws:iam/policy:Policy", { tags: { "slipway:purpose": "permissions-boundary" }, policy: doc({ Action: ["ec2:*"], Resource: ["*"] }) }),
            r("aws:iam/policy:Policy", {
                tags: { "slipway:purpose": "permissions-boundary" },
                policy: doc(
                    { Action: ["ec2:*", "iam:CreateRole"], Resource: ["*"] },
                    { Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { StringNotEquals: { "aws:ResourceTag/slipway:stack": "${aws:PrincipalTag/slipway:stack}" } } },
                    { Effect: "Deny", Action: ["secretsmanager:GetSecretValue"], NotResource: ["arn:aws:secretsmanager:us-east-1:1:secret:slipway/x/*"] },
                    { Effect: "Deny", Action: ["iam:PassRole"], NotResource: ["arn:aws:iam::1:role/slipway/shop/staging/*"] },
                ),
            }),
        ],
        compliant: [
            r("aws:iam/policy:Policy", {
                tags: { "slipway:purpose": "permissions-boundary" },
                policy: doc(
                    { Action: ["ec2:*", "iam:PassRole"], Resource: ["*"] },
                    { Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { StringNotEquals: { "aws:ResourceTag/slipway:stack": "${aws:PrincipalTag/slipway:stack}" } } },
                    { Effect: "Deny", Action: ["secretsmanager:GetSecretValue"], NotResource: ["arn:aws:secretsmanager:us-east-1:1:secret:slipway/x/*"] },
                    { Effect: "Deny", Action: ["iam:PassRole"], NotResource: ["arn:aws:iam::1:role/slipway/shop/staging/*"] },
                ),
            }),
        ],
    },
    "iam-environment-roles-bounded": {
        violating: [r(T.role, { path: "/slipway/shop/staging/", assumeRolePolicy: "{}" })],
        compliant: [r(T.role, { path: "/slipway/shop/staging/", assumeRolePolicy: "{}", permissionsBoundary: "arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-boundary" })],
    },
    "iam-role-path-scoped": {
        violating: [r(T.role, oidcRole(["repo:acme/shop:pull_request"], { path: "/" })), r(T.role, oidcRole(["repo:acme/shop:pull_request"], { path: "/slipway/shop/a/b/" }))],
        compliant: [r(T.role, oidcRole(["repo:acme/shop:pull_request"])), r(T.role, oidcRole(["repo:acme/shop:pull_request"], { path: "/slipway/shop/staging/" }))],
    },
    // OIDC
    "oidc-audience-sts": { violating: [r(T.role, oidcRole(["repo:acme/shop:pull_request"], {}, {}))], compliant: [r(T.role, oidcRole(["repo:acme/shop:pull_request"]))] },
    "oidc-subject-pinned": { violating: [r(T.role, oidcRole(["repo:acme/*:*"]))], compliant: [r(T.role, oidcRole(["repo:acme/shop:environment:staging"]))] },
    "oidc-production-subject": {
        violating: [r(T.role, oidcRole(["repo:acme/shop:environment:production", "repo:acme/shop:pull_request"]), { name: "deploy-production" })],
        compliant: [r(T.role, oidcRole(["repo:acme/shop:environment:production"]), { name: "deploy-production" })],
    },
    // Secrets stay secret
    "no-plaintext-credentials": {
        violating: [r(T.secret, { description: "key AKIAABCDEFGHIJKLMNOP", recoveryWindowInDays: 0 })],
        compliant: [
            r(T.secret, { description: "App secrets: API_KEY", recoveryWindowInDays: 0 }),
            // CrossGuard hands policies secret values unwrapped: a secret-carrying input may hold a credential.
            r("github:index/actionsSecret:ActionsSecret", { repository: "shop", secretName: "GH_TOKEN", value: `ghp_${"a".repeat(36)}` }),
        ],
    },
    "github-sensitive-as-secrets": {
        violating: [r(T.variable, { repository: "shop", variableName: "NPM_TOKEN", value: "x" })],
        compliant: [r(T.variable, { repository: "shop", variableName: "AWS_REGION", value: "us-east-1" })],
    },
    "ssm-sensitive-securestring": {
        violating: [r(T.parameter, { name: "/slipway/shop/db-password", type: "String", value: "[secret]" })],
        compliant: [r(T.parameter, { name: "/slipway/shop/db-password", type: "SecureString", value: "[secret]" })],
    },
    // Lifecycle
    "stateful-resources-protected": { tier: "production", violating: [r(T.bucket, { forceDestroy: false })], compliant: [r(T.bucket, { forceDestroy: false }, { protect: true })] },
    "nonproduction-destroys-cleanly": { violating: [r(T.repo, { ...repo, forceDelete: false })], compliant: [r(T.repo, repo)] },
    // Databases (slipway:database)
    "rds-storage-encrypted": {
        violating: [r(DB.cluster, { ...dbCluster, storageEncrypted: false }), r(DB.cluster, { ...dbCluster, kmsKeyId: undefined })],
        compliant: [r(DB.cluster, dbCluster)],
    },
    "rds-not-public": { violating: [r(DB.writer, { ...dbWriter, publiclyAccessible: true }), r(DB.writer, { instanceClass: "db.serverless" })], compliant: [r(DB.writer, dbWriter)] },
    "rds-reachable-from-groups-only": {
        violating: [r(T.sg, { description: "x: PostgreSQL from the app tasks only", ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8"] }] })],
        compliant: [r(T.sg, { description: "x: PostgreSQL from the app tasks only", ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-0123"] }] })],
    },
    "rds-backups-retained": { violating: [r(DB.cluster, { ...dbCluster, backupRetentionPeriod: 0 }), r(DB.cluster, { ...dbCluster, backupRetentionPeriod: undefined })], compliant: [r(DB.cluster, dbCluster)] },
    "rds-iam-authentication": { violating: [r(DB.cluster, { ...dbCluster, iamDatabaseAuthenticationEnabled: false })], compliant: [r(DB.cluster, { ...dbCluster, iamDatabaseAuthenticationEnabled: true })] },
    "rds-minor-version-upgrades": { violating: [r(DB.writer, { ...dbWriter, autoMinorVersionUpgrade: false })], compliant: [r(DB.writer, dbWriter)] },
    "rds-logs-exported": { violating: [r(DB.cluster, { ...dbCluster, enabledCloudwatchLogsExports: [] })], compliant: [r(DB.cluster, dbCluster)] },
    "rds-production-kept": {
        tier: "production",
        violating: [r(DB.cluster, dbCluster, { protect: true })],
        compliant: [r(DB.cluster, { ...dbCluster, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "shop-production-final" }, { protect: true })],
    },
    "rds-password-rotation-restarts-services": {
        // A managed password and a service, nothing else: no schedule, no restart.
        violating: [r(DB.cluster, { ...dbCluster, manageMasterUserPassword: true }), r(T.service, { ...service, name: "shop-staging" })],
        compliant: rotationStack(["shop-staging", "shop-staging-mailer"]),
    },
    // slipway:database on Beanstalk
    "eb-database-secrets-by-reference": {
        violating: [
            // The password as a plain environment property, and a literal value as an "environment secret".
            r(T.eb, ebDatabase([["aws:elasticbeanstalk:application:environment", "PGPASSWORD", "hunter2"]])),
            r(T.eb, ebDatabase([[EB_SECRETS, "PGUSER", "app"]])),
        ],
        compliant: [r(T.eb, ebDatabase())],
    },
    "eb-database-rotation-refreshes-instances": {
        // A managed password and an environment reading secrets, nothing that refreshes it.
        violating: [r(DB.cluster, { ...dbCluster, manageMasterUserPassword: true }), r(T.eb, ebDatabase())],
        compliant: ebRotationStack(["shop-staging"]),
    },
    // CodeArtifact (the package index)
    "codeartifact-policy-no-public-principal": {
        violating: [
            r(CA.repoPolicy, { domain: "acme", repository: "shop-pypi", policyDocument: doc({ Principal: "*", Action: ["codeartifact:ReadFromRepository"], Resource: "*" }) }),
            r(CA.domainPolicy, { domain: "acme", policyDocument: doc({ Principal: { AWS: "*" }, Action: ["codeartifact:GetAuthorizationToken"], Resource: "*" }) }),
        ],
        compliant: [r(CA.repoPolicy, { domain: "acme", repository: "shop-pypi", policyDocument: caRepoPolicy }), r(CA.domainPolicy, { domain: "acme", policyDocument: doc({ Principal: { AWS: [BUILD_ROLE] }, Action: ["codeartifact:GetAuthorizationToken"], Resource: "*" }) })],
    },
    "codeartifact-publish-only-publisher": {
        violating: [
            // No deny: any identity policy in the account could publish.
            r(CA.repoPolicy, { domain: "acme", repository: "shop-pypi", policyDocument: doc({ Principal: { AWS: [BUILD_ROLE] }, Action: ["codeartifact:ReadFromRepository"], Resource: "*" }) }),
            // Two publishers.
            r(CA.repoPolicy, { domain: "acme", repository: "shop-npm", policyDocument: doc(...JSON.parse(caRepoPolicy).Statement, { Sid: "AlsoBuild", Principal: { AWS: [BUILD_ROLE] }, Action: ["codeartifact:PublishPackageVersion"], Resource: "*" }) }),
        ],
        compliant: [r(CA.repoPolicy, { domain: "acme", repository: "shop-pypi", policyDocument: caRepoPolicy })],
    },
    "codeartifact-domain-customer-key": {
        violating: [r(CA.domain, { domain: "acme" })],
        compliant: [r(CA.domain, { domain: "acme", encryptionKey: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000000" })],
    },
    "codeartifact-upstream-pinned": {
        violating: [
            r(CA.repo, { domain: "acme", repository: "shop-pypi-public", externalConnections: { externalConnectionName: "public:npmjs" }, tags: { "slipway:package-format": "pypi" } }),
            r(CA.repo, { domain: "acme", repository: "x-public", externalConnections: { externalConnectionName: "public:pypi" } }),
            r(CA.repo, { domain: "acme", repository: "y-public", externalConnections: { externalConnectionName: "public:pypi" }, upstreams: [{ repositoryName: "z" }], tags: { "slipway:package-format": "pypi" } }),
        ],
        compliant: [
            r(CA.repo, { domain: "acme", repository: "shop-pypi-public", externalConnections: { externalConnectionName: "public:pypi" }, tags: { "slipway:package-format": "pypi" } }),
            r(CA.repo, { domain: "acme", repository: "shop-maven-public", externalConnections: { externalConnectionName: "public:maven-clojars" }, tags: { "slipway:package-format": "maven" } }),
        ],
    },
    "codeartifact-private-behind-pinned-upstream": {
        violating: [
            r(CA.repo, { domain: "acme", repository: "shop-pypi", upstreams: [{ repositoryName: "shop-npm-public" }], tags: { "slipway:package-format": "pypi" } }),
            r(CA.repo, { domain: "acme", repository: "shop-npm-public", externalConnections: { externalConnectionName: "public:npmjs" }, tags: { "slipway:package-format": "npm" } }),
            r(CA.repo, { domain: "acme", repository: "shop-npm", upstreams: [{ repositoryName: "elsewhere" }], tags: { "slipway:package-format": "npm" } }),
        ],
        compliant: [
            r(CA.repo, { domain: "acme", repository: "shop-pypi", upstreams: [{ repositoryName: "shop-pypi-public" }], tags: { "slipway:package-format": "pypi" } }),
            r(CA.repo, { domain: "acme", repository: "shop-pypi-public", externalConnections: { externalConnectionName: "public:pypi" }, tags: { "slipway:package-format": "pypi" } }),
        ],
    },
};

/** Violations of one rule on a set of resources, in a stack of the given tier. */
async function violationsOf(id: string, resources: Res[], tier = "staging"): Promise<string[]> {
    const rule = RULES.find((x) => x.name === id);
    assert.ok(rule, `no rule ${id}`);
    const checked: CheckedResource[] = [{ type: CONTEXT_TYPE, name: "policy-waivers", urn: `urn:pulumi:test::slipway::${CONTEXT_TYPE}::policy-waivers`, props: { tier, waivers: {} }, protect: false }];
    resources.forEach((x, i) =>
        checked.push({ type: x.type, name: x.name ?? `r${i}`, urn: `urn:pulumi:test::slipway::${x.type}::${x.name ?? `r${i}`}`, props: x.props, protect: x.protect ?? false }),
    );
    const { violations } = await evaluate([rule], checked, {});
    return violations.map((v) => v.message);
}

test("every rule has a breaking case and a passing case, and every case names a rule", () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...RULE_IDS].sort());
});

for (const [id, c] of Object.entries(CASES)) {
    test(`${id}: catches the violating resource and passes the compliant one`, async () => {
        const caught = await violationsOf(id, c.violating, c.tier);
        assert.ok(caught.length > 0, `${id} did not catch its violating case`);
        assert.deepEqual(await violationsOf(id, c.compliant, c.tier), []);
    });
}

test("iam-no-privilege-escalation reads IAM's wildcards as IAM does: `?` is any one character, case does not matter", async () => {
    for (const action of ["iam:PassRol?", "IAM:passrole", "iam:Put*Policy", "iam:?assRole"]) {
        assert.ok((await violationsOf("iam-no-privilege-escalation", [policy({ Action: [action], Resource: ["*"] })])).length > 0, action);
    }
    assert.deepEqual(await violationsOf("iam-no-privilege-escalation", [policy({ Action: ["iam:PassRoles?", "iam:Get*"], Resource: ["*"] })]), []);
});

test("every rule documents its sources, severity, enforcement and what to change", () => {
    for (const rule of RULES) {
        assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        assert.ok(rule.sources.length > 0, rule.name);
        assert.ok(rule.severity, rule.name);
        assert.ok(["mandatory", "advisory"].includes(rule.enforcementLevel), rule.name);
        assert.ok(rule.remediationSteps.length > 10, rule.name);
    }
    assert.ok(RULES.length >= 40);
});

test("a database whose restart leaves out a service, or has no rule or schedule, is caught naming what is missing", async () => {
    const id = "rds-password-rotation-restarts-services";
    const full = rotationStack(["shop-staging", "shop-staging-mailer"]);
    // The worker is not in the state machine.
    const partial = [...rotationStack(["shop-staging"]).filter((x) => x.type !== T.service), ...full.filter((x) => x.type === T.service)];
    assert.match((await violationsOf(id, partial)).join("\n"), /shop-staging-mailer.*not restarted/);
    assert.match((await violationsOf(id, full.filter((x) => x.type !== "aws:cloudwatch/eventTarget:EventTarget"))).join("\n"), /keep the old database password/);
    assert.match((await violationsOf(id, full.filter((x) => x.type !== "aws:secretsmanager/secretRotation:SecretRotation"))).join("\n"), /no rotation schedule/);
    // A definition still unknown (a preview) is judged when known; a stack without a managed password has nothing to rotate.
    assert.deepEqual(await violationsOf(id, full.map((x) => (x.type === "aws:sfn/stateMachine:StateMachine" ? { ...x, props: { ...x.props, definition: undefined } } : x))), []);
    assert.deepEqual(await violationsOf(id, [r(T.service, { ...service, name: "shop-staging" })]), []);
    // A worker whose task definition reads no RDS secret (`database: false`) needs no restart; one that reads it still does.
    const td = (family: string, rds: boolean) => r("aws:ecs/taskDefinition:TaskDefinition", { family, containerDefinitions: JSON.stringify([{ name: "app", secrets: rds ? [{ name: "PGPASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-x-AbCdEf:password::" }] : [{ name: "API_KEY", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/staging/mailer/x-AbCdEf:API_KEY::" }] }]) });
    const withDefs = (rds: boolean) => [
        ...partial.map((x) => (x.type === T.service && (x.props as Props).name === "shop-staging-mailer" ? { ...x, props: { ...x.props, taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-staging_mailer:1" } } : x)),
        td("shop-staging_mailer", rds),
    ];
    assert.deepEqual(await violationsOf(id, withDefs(false)), []);
    assert.match((await violationsOf(id, withDefs(true))).join("\n"), /shop-staging-mailer.*not restarted/);
});
test("a Beanstalk database stack whose restart names another environment, or has no target, is caught; a preview's unknown definition waits", async () => {
    const id = "eb-database-rotation-refreshes-instances";
    assert.match((await violationsOf(id, ebRotationStack(["shop-other"]))).join("\n"), /shop-staging.*keeps the old database password.*restartAppServer/);
    assert.match((await violationsOf(id, ebRotationStack(["shop-staging"]).filter((x) => x.type !== "aws:cloudwatch/eventTarget:EventTarget"))).join("\n"), /keep the old database password after a rotation: no EventBridge rule/);
    assert.deepEqual(await violationsOf(id, ebRotationStack(["shop-staging"]).map((x) => (x.type === "aws:sfn/stateMachine:StateMachine" ? { ...x, props: { ...x.props, definition: undefined } } : x))), []);
    // An environment without environment secrets, or a stack without a managed password, is left alone.
    assert.deepEqual(await violationsOf(id, [r(DB.cluster, { ...dbCluster, manageMasterUserPassword: true }), r(T.eb, { name: "shop-staging", ...eb(ebGood) })]), []);
    assert.deepEqual(await violationsOf(id, [r(T.eb, ebDatabase())]), []);
});
test("the tier-dependent rules leave other tiers alone", async () => {
    assert.deepEqual(await violationsOf("alb-deletion-protection-production", [r(T.lb, { ...lb, enableDeletionProtection: false })], "staging"), []);
    assert.deepEqual(await violationsOf("ecs-deployment-alarms-production", [r(T.service, service)], "staging"), []);
    assert.deepEqual(await violationsOf("stateful-resources-protected", [r(T.bucket, { forceDestroy: false })], "staging"), []);
    assert.deepEqual(await violationsOf("nonproduction-destroys-cleanly", [r(T.bucket, { forceDestroy: false }, { protect: true })], "production"), []);
});
