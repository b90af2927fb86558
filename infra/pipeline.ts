import * as pulumi from "@pulumi/pulumi";
import * as codepipeline from "@pulumi/aws/codepipeline";
import * as codestarnotifications from "@pulumi/aws/codestarnotifications";
import * as iam from "@pulumi/aws/iam";
import * as inputs from "@pulumi/aws/types/input";
import { arnOf, AwsContext } from "./aws-context";
import { beanstalkDeployAction, beanstalkDeployStatements, beanstalkSmokeTestStatements, BeanstalkTarget } from "./beanstalk-pipeline";
import { policyDocument, serviceRole, Statement } from "./iam";
import { CONTAINER_NAME, renamedFrom } from "./names";
import { verifiedTagPrefix } from "./registry";

/** One environment the pipeline deploys to, in order. */
export interface PipelineTarget {
    /** Environment stack name; also the stage name. */
    stack: string;
    /** The last target is production: a manual approval gates it. */
    production: boolean;
    /** ECS deploy (platform ecs): cluster and service names the environment stack creates. */
    ecs?: { clusterName: string; serviceName: string };
    /** Elastic Beanstalk deploy (platform beanstalk): the app's EB application and this environment. */
    beanstalk?: BeanstalkTarget;
    /** SSM parameter holding the environment's health URL (written by the environment stack). */
    healthUrlParameter: string;
    /** SSM parameter the smoke test writes the verified image tag to. */
    imageTagParameter: string;
}

export interface DeliveryPipelineArgs {
    /** CodeConnections connection to GitHub (approved once in the console). */
    connectionArn: string;
    /** `owner/repo` */
    repository: string;
    /** Only pushes to this branch start the pipeline. */
    branch: string;
    targets: PipelineTarget[];
    artifactBucket: pulumi.Input<string>;
    artifactBucketArn: pulumi.Input<string>;
    artifactKeyArn: pulumi.Input<string>;
    build: { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string> };
    /**
     * The smoke-test project, its attempts (10 s apart) and the registry whose image it must find
     * running (`<repositoryUrl>:<sha>`) before it records the sha.
     */
    smokeTest: { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string>; attempts: number; repositoryUrl: pulumi.Input<string> };
    /** Topic for approval requests and pipeline events. */
    topicArn: pulumi.Input<string>;
    /** IAM path of the environments' task roles the ECS deploy passes on. */
    appRolePath: string;
    ctx: AwsContext;
}

export const SOURCE_NAMESPACE = "SourceVariables";

/** Stage names are the environment names, capitalised: `staging` → `Staging`. */
export function stageName(stack: string): string {
    return stack
        .split("-")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("-");
}

interface ActionVariable {
    name: string;
    value: pulumi.Input<string>;
    type?: "PLAINTEXT" | "PARAMETER_STORE";
}

function environmentVariables(vars: ActionVariable[]): pulumi.Output<string> {
    return pulumi.jsonStringify(vars.map((v) => ({ name: v.name, value: v.value, type: v.type ?? "PLAINTEXT" })));
}

/**
 * What the smoke test of `target` is told (see smokeTestScript in build.ts): where to find what the
 * environment runs, the image it must find there, and where to record it. Names come from the target,
 * which the delivery stack derives with the same functions as the environment stacks.
 */
export function smokeTestVariables(target: PipelineTarget, smokeTest: DeliveryPipelineArgs["smokeTest"]): ActionVariable[] {
    const runs: ActionVariable[] = target.beanstalk
        ? [
              { name: "PLATFORM", value: "beanstalk" },
              { name: "EB_APPLICATION", value: target.beanstalk.applicationName },
              { name: "EB_ENVIRONMENT", value: target.beanstalk.environmentName },
          ]
        : [
              { name: "PLATFORM", value: "ecs" },
              { name: "CLUSTER_NAME", value: ecsOf(target).clusterName },
              { name: "SERVICE_NAME", value: ecsOf(target).serviceName },
              { name: "CONTAINER_NAME", value: CONTAINER_NAME },
          ];
    return [
        { name: "HEALTH_URL", value: target.healthUrlParameter, type: "PARAMETER_STORE" },
        { name: "IMAGE_TAG_PARAMETER", value: target.imageTagParameter },
        { name: "ATTEMPTS", value: String(smokeTest.attempts) },
        { name: "STACK", value: target.stack },
        { name: "REPOSITORY_URL", value: smokeTest.repositoryUrl },
        { name: "VERIFIED_TAG_PREFIX", value: verifiedTagPrefix(target.stack) },
        ...runs,
    ];
}

function ecsOf(target: PipelineTarget): { clusterName: string; serviceName: string } {
    if (!target.ecs) throw new Error(`pipeline target ${target.stack} has neither ecs nor beanstalk: say where it runs`);
    return target.ecs;
}

/**
 * The stages of the pipeline: Source → Build → for each target (Deploy → SmokeTest), with a manual
 * approval before production. A failed deploy stage rolls back to its last successful execution.
 */
export function pipelineStages(args: DeliveryPipelineArgs): inputs.codepipeline.PipelineStage[] {
    const stages: inputs.codepipeline.PipelineStage[] = [
        {
            name: "Source",
            actions: [
                {
                    name: "Source",
                    category: "Source",
                    owner: "AWS",
                    provider: "CodeStarSourceConnection",
                    version: "1",
                    namespace: SOURCE_NAMESPACE,
                    outputArtifacts: ["source"],
                    configuration: {
                        ConnectionArn: args.connectionArn,
                        FullRepositoryId: args.repository,
                        BranchName: args.branch,
                        OutputArtifactFormat: "CODE_ZIP",
                    },
                },
            ],
        },
        {
            name: "Build",
            actions: [
                {
                    name: "BuildAndPush",
                    category: "Build",
                    owner: "AWS",
                    provider: "CodeBuild",
                    version: "1",
                    inputArtifacts: ["source"],
                    outputArtifacts: ["image"],
                    configuration: {
                        ProjectName: args.build.projectName,
                        EnvironmentVariables: environmentVariables([
                            { name: "COMMIT_SHA", value: `#{${SOURCE_NAMESPACE}.CommitId}` },
                            { name: "SOURCE_BRANCH", value: `#{${SOURCE_NAMESPACE}.BranchName}` },
                        ]),
                    },
                },
            ],
        },
    ];
    for (const target of args.targets) {
        if (target.production) {
            stages.push({
                name: `Approve-${stageName(target.stack)}`,
                actions: [
                    {
                        name: "Approve",
                        category: "Approval",
                        owner: "AWS",
                        provider: "Manual",
                        version: "1",
                        configuration: {
                            NotificationArn: args.topicArn,
                            CustomData: `Promote commit #{${SOURCE_NAMESPACE}.CommitId} to ${target.stack}: it passed the earlier stages' smoke tests.`,
                        },
                    },
                ],
            });
        }
        stages.push({
            name: stageName(target.stack),
            // V2 pipelines: a failed deploy or smoke test redeploys the stage's last successful artifacts.
            onFailure: { result: "ROLLBACK" },
            actions: [
                // Beanstalk: the build artifact's root is also the EB source bundle (docker-compose.yml, hooks).
                target.beanstalk ? beanstalkDeployAction(target.beanstalk, "image") : {
                    name: "Deploy",
                    category: "Deploy",
                    owner: "AWS",
                    provider: "ECS",
                    version: "1",
                    runOrder: 1,
                    inputArtifacts: ["image"],
                    configuration: {
                        ClusterName: ecsOf(target).clusterName,
                        ServiceName: ecsOf(target).serviceName,
                        FileName: "imagedefinitions.json",
                        DeploymentTimeout: "15",
                    },
                },
                {
                    name: "SmokeTest",
                    category: "Build",
                    owner: "AWS",
                    provider: "CodeBuild",
                    version: "1",
                    runOrder: 2,
                    inputArtifacts: ["image"],
                    configuration: {
                        ProjectName: args.smokeTest.projectName,
                        EnvironmentVariables: environmentVariables(smokeTestVariables(target, args.smokeTest)),
                    },
                },
            ],
        });
    }
    return stages;
}

/** A connection's ARN under both service prefixes (codestar-connections, codeconnections): one connection. */
export function connectionArns(arn: string): string[] {
    const [codestar, codeconnections] = [":codestar-connections:", ":codeconnections:"];
    const other = arn.includes(codestar) ? arn.replace(codestar, codeconnections) : arn.replace(codeconnections, codestar);
    return other === arn ? [arn] : [arn, other];
}

/** What the pipeline's role may do: exactly the actions its stages run, on exactly their resources. */
export function pipelineStatements(args: DeliveryPipelineArgs): Statement[] {
    const { ctx } = args;
    const statements: Statement[] = [
        {
            Sid: "UseGitHubConnection",
            // Connections created as codestar-connections and as codeconnections answer to both prefixes,
            // each action authorized against its own prefix's ARN of the connection.
            Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
            Resource: connectionArns(args.connectionArn),
        },
        {
            Sid: "Artifacts",
            Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"],
            Resource: [args.artifactBucketArn, pulumi.interpolate`${args.artifactBucketArn}/*`],
        },
        { Sid: "ArtifactKey", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [args.artifactKeyArn] },
        {
            Sid: "RunBuilds",
            Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
            Resource: [args.build.projectArn, args.smokeTest.projectArn],
        },
        { Sid: "RequestApproval", Action: ["sns:Publish"], Resource: [args.topicArn] },
    ];
    const ecsTargets = args.targets.flatMap((t) => (t.ecs ? [{ stack: t.stack, ecs: t.ecs }] : []));
    if (ecsTargets.length) {
        statements.push(
            {
                Sid: "DeployEcsServices",
                Action: ["ecs:DescribeServices", "ecs:UpdateService"],
                Resource: ecsTargets.map((t) => arnOf(ctx, "ecs", `service/${t.ecs.clusterName}/${t.ecs.serviceName}`)),
            },
            {
                Sid: "WatchDeployments",
                Action: ["ecs:DescribeTasks"],
                Resource: ecsTargets.map((t) => arnOf(ctx, "ecs", `task/${t.ecs.clusterName}/*`)),
            },
            {
                // ListTasks has no resource type; the ecs:cluster condition scopes it to our clusters.
                Sid: "ListDeploymentTasks",
                Action: ["ecs:ListTasks"],
                Resource: ["*"],
                Condition: { ArnEquals: { "ecs:cluster": ecsTargets.map((t) => arnOf(ctx, "ecs", `cluster/${t.ecs.clusterName}`)) } },
            },
            {
                // The deploy registers a new revision of each service's own task family.
                Sid: "RegisterTaskDefinitions",
                Action: ["ecs:RegisterTaskDefinition"],
                Resource: ecsTargets.map((t) => arnOf(ctx, "ecs", `task-definition/${t.ecs.serviceName}:*`)),
            },
            {
                // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
                Sid: "ReadTaskDefinitions",
                Action: ["ecs:DescribeTaskDefinition"],
                Resource: ["*"],
            },
            {
                Sid: "TagTaskDefinitions",
                Action: ["ecs:TagResource"],
                Resource: ecsTargets.map((t) => arnOf(ctx, "ecs", `task-definition/${t.ecs.serviceName}:*`)),
                Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
            },
            {
                // Only the deployed environments' own roles (their stack's sub-path), never delivery's.
                Sid: "PassTaskRoles",
                Action: ["iam:PassRole"],
                Resource: ecsTargets.map((t) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${args.appRolePath}${t.stack}/*`),
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
        );
    }
    const beanstalkTargets = args.targets.filter((t) => t.beanstalk);
    statements.push(
        ...beanstalkDeployStatements(
            ctx,
            beanstalkTargets.flatMap((t) => (t.beanstalk ? [t.beanstalk] : [])),
            beanstalkTargets.map((t) => `${args.appRolePath}${t.stack}/`),
        ),
    );
    return statements;
}

/**
 * What the smoke-test project's role needs beyond its logs and artifacts: the health URLs, reading
 * what each target runs (only the platforms the targets use), tagging the verified image, and
 * recording its sha. Every call is one smokeTestScript (build.ts) makes.
 */
export function smokeTestStatements(targets: PipelineTarget[], registryArn: pulumi.Input<string>, ctx: AwsContext): Statement[] {
    const statements: Statement[] = [
        {
            // CodeBuild resolves PARAMETER_STORE variables with the project's role.
            Sid: "ReadHealthUrls",
            Action: ["ssm:GetParameters"],
            Resource: targets.map((t) => arnOf(ctx, "ssm", `parameter${t.healthUrlParameter}`)),
        },
        {
            // batch-get-image reads the sha tag's manifest; put-image adds the immutable verified-<stack>-<sha> tag.
            Sid: "TagVerifiedImage",
            Action: ["ecr:BatchGetImage", "ecr:PutImage"],
            Resource: [registryArn],
        },
        {
            Sid: "RecordVerifiedImage",
            Action: ["ssm:PutParameter"],
            Resource: targets.map((t) => arnOf(ctx, "ssm", `parameter${t.imageTagParameter}`)),
        },
    ];
    const ecsTargets = targets.flatMap((t) => (t.ecs ? [t.ecs] : []));
    if (ecsTargets.length) {
        statements.push(
            {
                Sid: "ReadServiceDeployments",
                Action: ["ecs:DescribeServices"],
                Resource: ecsTargets.map((e) => arnOf(ctx, "ecs", `service/${e.clusterName}/${e.serviceName}`)),
            },
            {
                // DescribeTaskDefinition has no resource type in the service authorization reference: "*" only.
                Sid: "ReadTaskDefinitionImages",
                Action: ["ecs:DescribeTaskDefinition"],
                Resource: ["*"],
            },
            {
                // The service authorization reference gives ListTasks only the container-instance resource
                // type, which cannot name a service's tasks; the ecs:cluster condition scopes it to our clusters.
                Sid: "ListServiceTasks",
                Action: ["ecs:ListTasks"],
                Resource: ["*"],
                Condition: { ArnEquals: { "ecs:cluster": ecsTargets.map((e) => arnOf(ctx, "ecs", `cluster/${e.clusterName}`)) } },
            },
            {
                Sid: "ReadServiceTasks",
                Action: ["ecs:DescribeTasks"],
                Resource: ecsTargets.map((e) => arnOf(ctx, "ecs", `task/${e.clusterName}/*`)),
            },
        );
    }
    statements.push(...beanstalkSmokeTestStatements(ctx, targets.flatMap((t) => (t.beanstalk ? [t.beanstalk] : []))));
    return statements;
}

/** CodePipeline V2 from a GitHub branch through build, staged deploys and smoke tests to production. */
export class DeliveryPipeline extends pulumi.ComponentResource {
    readonly pipeline: codepipeline.Pipeline;
    readonly role: iam.Role;

    constructor(name: string, args: DeliveryPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:Pipeline", name, {}, opts);
        this.role = serviceRole(
            `${name}-role`,
            { service: "codepipeline.amazonaws.com", description: `CodePipeline: ${args.repository}`, path: args.appRolePath, accountId: args.ctx.accountId },
            { parent: this, aliases: renamedFrom("role") },
        );
        const policy = new iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy: policyDocument(pipelineStatements(args)) }, { parent: this, aliases: renamedFrom("policy") });
        this.pipeline = new codepipeline.Pipeline(
            `${name}-pipeline`,
            {
                // V2 is required for trigger filters and stage rollback (V1 is the provider default).
                pipelineType: "V2",
                // A newer commit replaces one still waiting for approval: production always gets the latest verified build.
                executionMode: "SUPERSEDED",
                roleArn: this.role.arn,
                artifactStores: [{ type: "S3", location: args.artifactBucket, encryptionKey: { id: args.artifactKeyArn, type: "KMS" } }],
                triggers: [
                    {
                        providerType: "CodeStarSourceConnection",
                        gitConfiguration: { sourceActionName: "Source", pushes: [{ branches: { includes: [args.branch] } }] },
                    },
                ],
                stages: pipelineStages(args),
            },
            { parent: this, aliases: renamedFrom("pipeline"), dependsOn: [policy] },
        );
        new codestarnotifications.NotificationRule(
            `${name}-events`,
            {
                resource: this.pipeline.arn,
                detailType: "FULL",
                eventTypeIds: [
                    "codepipeline-pipeline-pipeline-execution-failed",
                    "codepipeline-pipeline-pipeline-execution-succeeded",
                    "codepipeline-pipeline-pipeline-execution-canceled",
                ],
                targets: [{ address: args.topicArn, type: "SNS" }],
            },
            { parent: this, aliases: renamedFrom("events") },
        );
        this.registerOutputs({ pipelineName: this.pipeline.name, pipelineArn: this.pipeline.arn });
    }
}
