import * as pulumi from "@pulumi/pulumi";
import { HEALTH } from "../shared/health";
import * as codepipeline from "@pulumi/aws/codepipeline";
import * as codestarnotifications from "@pulumi/aws/codestarnotifications";
import * as iam from "@pulumi/aws/iam";
import * as inputs from "@pulumi/aws/types/input";
import { arnOf, AwsContext } from "../shared/aws-context";
import { PLATFORMS } from "../platforms";
import type { ActionVariable, PlatformName, PlatformTarget } from "../platforms/platform";
import { policyDocument, serviceRole, Statement } from "../shared/iam";
import { renamedFrom, rolePath, STAGE_ACTIONS, stageName } from "../contract";
import { verifiedTagPrefix } from "./registry";
import { snapshotNamespace } from "./database-snapshot";
import { jsonOutput } from "../shared/json";

/** One environment the pipeline deploys to, in order. */
export interface PipelineTarget {
    /** Environment stack name; also the stage name. */
    stack: string;
    /** The last target is production: a manual approval gates it. */
    production: boolean;
    /** The platform the stack runs on, and how the pipeline reaches it there (its deploy action, its names). */
    platform: PlatformName;
    deploy: PlatformTarget;
    /** SSM parameter holding the environment's health URL (written by the environment stack). */
    healthUrlParameter: string;
    /** SSM parameter the smoke test writes the verified image tag to. */
    imageTagParameter: string;
    /**
     * Whether the environment stack exists (it has written its health URL). A target that does not, or
     * follows one that does not, is skipped by the pipeline instead of failing its deploy. @default true
     */
    exists?: pulumi.Input<boolean>;
    /** The release phase (ECS releaseCommand): its Release action's variables; the action runs before the deploy. */
    release?: ActionVariable[];
    /** Scheduled jobs (ECS): the JobRevisions action's variables; it runs with the deploy actions. */
    jobs?: ActionVariable[];
    /** The pre-release backup (production with slipway:database): its Backup action's variables; it runs first. */
    snapshot?: ActionVariable[];
}

/** The pipeline variable a target's stages check before entry: `true` once it and every earlier target exist. */
export function deployVariableName(stack: string): string {
    return `DEPLOY_${stack.replace(/[^A-Za-z0-9@_-]/g, "_")}`;
}

/**
 * Pipeline variables (V2), one per target: `true` when the target's environment and every earlier
 * one exist. The execution CodePipeline starts when it creates the pipeline runs with these defaults,
 * so on a first `pulumi up -s delivery` (no environment yet) it builds and skips the deploys.
 */
export function deployVariables(targets: PipelineTarget[]): inputs.codepipeline.PipelineVariable[] {
    return targets.map((t, i) => ({
        name: deployVariableName(t.stack),
        defaultValue: pulumi.all(targets.slice(0, i + 1).map((x) => x.exists ?? true)).apply((e) => String(e.every(Boolean))),
        description: `true once ${t.stack} and every earlier environment exist (the delivery stack reads their health-url parameters on each up)`,
    }));
}

/**
 * Entry condition of a target's stages. CodePipeline's stage conditions: if a rule fails, the result
 * engages; a SKIP entry condition may use only the VariableCheck and LambdaInvoke rules.
 */
function skipUnlessDeployable(stack: string): inputs.codepipeline.PipelineStageBeforeEntry {
    return {
        condition: {
            result: "SKIP",
            rules: [
                {
                    name: `${deployVariableName(stack)}-check`,
                    ruleTypeId: { category: "Rule", owner: "AWS", provider: "VariableCheck", version: "1" },
                    configuration: { Variable: `#{variables.${deployVariableName(stack)}}`, Value: "true", Operator: "EQ" },
                },
            ],
        },
    };
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
     * The smoke-test project, its attempts (HEALTH.smokeTest.attemptIntervalSeconds apart) and the registry whose image it must find
     * running (`<repositoryUrl>:<sha>`) before it records the sha.
     */
    smokeTest: { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string>; attempts: number; repositoryUrl: pulumi.Input<string> };
    /**
     * The release projects, run by the Release action of targets with `release`: keyed by the target's stack (a project
     * per target, StageProject.perTarget), or by its platform (one for all of the platform's targets). @default none
     */
    releaseProjects?: Partial<Record<string, { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string> }>>;
    /** Each platform's job-revisions project (Platform.stageProjects), run by the JobRevisions action of its targets with `jobs`. @default none */
    jobProjects?: Partial<Record<PlatformName, { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string> }>>;
    /** The snapshot project, run by each target's Backup action (targets with `snapshot`). */
    snapshot?: { projectName: pulumi.Input<string>; projectArn: pulumi.Input<string> };
    /** Topic for approval requests and pipeline events. */
    topicArn: pulumi.Input<string>;
    /** The app: its delivery roles' IAM path, and the paths of its environments' roles the deploys pass on. */
    app: string;
    ctx: AwsContext;
}

export const SOURCE_NAMESPACE = "SourceVariables";



function environmentVariables(vars: ActionVariable[]): pulumi.Output<string> {
    return jsonOutput(vars.map((v) => ({ name: v.name, value: v.value, type: v.type ?? "PLAINTEXT" })));
}

/**
 * What the smoke test of `target` is told (see smokeTestScript in build.ts): where to find what the
 * environment runs, the image it must find there, and where to record it. Names come from the target,
 * which the delivery stack derives with the same functions as the environment stacks.
 */
/** The smoke test's attempts in `target`'s stage: a blue/green, canary or linear deployment settles only after its steps and bake time, so it polls through them too. */
export function smokeTestAttempts(target: PipelineTarget, attempts: number): number {
    return attempts + Math.ceil(((target.deploy.settleMinutes ?? 0) * 60) / HEALTH.smokeTest.attemptIntervalSeconds);
}

/** What one attempt's AWS CLI calls take beyond its wait and its request (seconds, assumed: a few describe calls). */
const SMOKE_ATTEMPT_CALLS_SECONDS = 5;

/**
 * The smoke-test project's time limit: every attempt of the longest stage (its wait, its request's
 * timeout and its AWS calls), plus two minutes to start and record; never under the 10 minutes a
 * rolling stage has always had.
 */
export function smokeTestTimeoutMinutes(targets: PipelineTarget[], attempts: number): number {
    const perAttempt = HEALTH.smokeTest.attemptIntervalSeconds + HEALTH.smokeTest.requestTimeoutSeconds + SMOKE_ATTEMPT_CALLS_SECONDS;
    const longest = Math.max(0, ...targets.map((t) => smokeTestAttempts(t, attempts)));
    return Math.max(10, Math.ceil((longest * perAttempt) / 60) + 2);
}

export function smokeTestVariables(target: PipelineTarget, smokeTest: DeliveryPipelineArgs["smokeTest"]): ActionVariable[] {
    return [
        { name: "HEALTH_URL", value: target.healthUrlParameter, type: "PARAMETER_STORE" },
        { name: "IMAGE_TAG_PARAMETER", value: target.imageTagParameter },
        { name: "ATTEMPTS", value: String(smokeTestAttempts(target, smokeTest.attempts)) },
        { name: "STACK", value: target.stack },
        { name: "REPOSITORY_URL", value: smokeTest.repositoryUrl },
        { name: "VERIFIED_TAG_PREFIX", value: verifiedTagPrefix(target.stack) },
        ...target.deploy.smokeTestVariables,
    ];
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
                beforeEntry: skipUnlessDeployable(target.stack),
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
        // The backup runs first, then the release phase: either failing fails the stage before any service moves.
        const backup = snapshotAction(target, args);
        const release = releaseAction(target, args, backup ? 2 : 1);
        const after = (backup ? 1 : 0) + (release ? 1 : 0);
        const deploys = [target.deploy.deployAction("image"), ...(target.deploy.serviceDeployActions?.("image") ?? []), ...jobRevisionsAction(target, args)];
        stages.push({
            name: stageName(target.stack),
            beforeEntry: skipUnlessDeployable(target.stack),
            // V2 pipelines: a failed deploy or smoke test redeploys the stage's last successful artifacts.
            onFailure: { result: "ROLLBACK" },
            actions: [
                ...(backup ? [backup] : []),
                ...(release ? [release] : []),
                // Platforms' deploy actions run first (runOrder 1) in a stage without a release; all of them in parallel.
                ...deploys.map((deploy) => (after ? { ...deploy, runOrder: 1 + after } : deploy)),
                {
                    name: "SmokeTest",
                    category: "Build",
                    owner: "AWS",
                    provider: "CodeBuild",
                    version: "1",
                    runOrder: 2 + after,
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

/** The target's Release action (runOrder 1), when it has a release phase. */
function releaseAction(target: PipelineTarget, args: DeliveryPipelineArgs, runOrder = 1): inputs.codepipeline.PipelineStageAction | undefined {
    if (!target.release) return undefined;
    const project = args.releaseProjects?.[target.stack] ?? args.releaseProjects?.[target.platform];
    if (!project) throw new Error(`${target.stack} has a release phase, but the pipeline was given no release project for it (nor one for its platform, ${target.platform})`);
    return {
        name: STAGE_ACTIONS.release,
        category: "Build",
        owner: "AWS",
        provider: "CodeBuild",
        version: "1",
        runOrder,
        inputArtifacts: ["image"],
        configuration: { ProjectName: project.projectName, EnvironmentVariables: environmentVariables(target.release) },
    };
}

/** The target's JobRevisions action (with the deploys: runOrder 1), when it has scheduled jobs. */
function jobRevisionsAction(target: PipelineTarget, args: DeliveryPipelineArgs): inputs.codepipeline.PipelineStageAction[] {
    if (!target.jobs) return [];
    const project = args.jobProjects?.[target.platform];
    if (!project) throw new Error(`${target.stack} has scheduled jobs, but the pipeline was given no ${target.platform} job-revisions project`);
    return [
        {
            name: STAGE_ACTIONS.jobRevisions,
            category: "Build",
            owner: "AWS",
            provider: "CodeBuild",
            version: "1",
            runOrder: 1,
            inputArtifacts: ["image"],
            configuration: { ProjectName: project.projectName, EnvironmentVariables: environmentVariables(target.jobs) },
        },
    ];
}

/** The target's Backup action (runOrder 1), when it has a database in production: its SNAPSHOT_ID lands in the execution. */
function snapshotAction(target: PipelineTarget, args: DeliveryPipelineArgs): inputs.codepipeline.PipelineStageAction | undefined {
    if (!target.snapshot) return undefined;
    if (!args.snapshot) throw new Error(`${target.stack} takes a pre-release snapshot, but the pipeline was given no snapshot project`);
    return {
        name: STAGE_ACTIONS.backup,
        category: "Build",
        owner: "AWS",
        provider: "CodeBuild",
        version: "1",
        runOrder: 1,
        namespace: snapshotNamespace(target.stack),
        inputArtifacts: ["image"],
        configuration: { ProjectName: args.snapshot.projectName, EnvironmentVariables: environmentVariables(target.snapshot) },
    };
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
            Resource: [
                args.build.projectArn,
                args.smokeTest.projectArn,
                ...Object.values(args.releaseProjects ?? {}).flatMap((p) => (p ? [p.projectArn] : [])),
                ...Object.values(args.jobProjects ?? {}).map((p) => p.projectArn),
                ...(args.snapshot ? [args.snapshot.projectArn] : []),
            ],
        },
        { Sid: "RequestApproval", Action: ["sns:Publish"], Resource: [args.topicArn] },
    ];
    // Each platform once, for all of its targets.
    for (const platform of PLATFORMS) {
        const targets = args.targets.filter((t) => t.platform === platform.name).map((t) => t.deploy);
        if (targets.length) statements.push(...platform.pipelineStatements(ctx, targets, args.app));
    }
    return statements;
}

/**
 * What the smoke-test project's role needs beyond its logs and artifacts: the health URLs, reading
 * what each target runs (only the platforms the targets use), tagging the verified image, and
 * recording its sha. Every call is one smokeTestScript (build.ts) makes.
 */
export function smokeTestStatements(targets: PipelineTarget[], registryArn: pulumi.Input<string>, ctx: AwsContext, ownImageRepositoryArns: pulumi.Input<string>[] = []): Statement[] {
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
            // …in each worker's own image's repository too (IMAGE_REPOSITORIES; infra/platforms/ecs/service-images.ts).
            Resource: [registryArn, ...ownImageRepositoryArns],
        },
        {
            Sid: "RecordVerifiedImage",
            Action: ["ssm:PutParameter"],
            Resource: targets.map((t) => arnOf(ctx, "ssm", `parameter${t.imageTagParameter}`)),
        },
    ];
    for (const platform of PLATFORMS) {
        const ofPlatform = targets.filter((t) => t.platform === platform.name).map((t) => t.deploy);
        if (ofPlatform.length) statements.push(...platform.smokeTestStatements(ctx, ofPlatform));
    }
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
            { service: "codepipeline.amazonaws.com", description: `CodePipeline: ${args.repository}`, path: rolePath(args.app), accountId: args.ctx.accountId },
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
                variables: deployVariables(args.targets),
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
