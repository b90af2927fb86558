import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as codebuild from "@pulumi/aws/codebuild";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "./aws-context";
import { beanstalkBundleFiles, bundleBuildCommands } from "./beanstalk-bundle";
import { policyDocument, serviceRole, Statement } from "./iam";
import { renamedFrom } from "./names";

/** CodeBuild's Amazon Linux 2023 standard image: Docker, AWS CLI, curl, Node.js, Python preinstalled. */
export const BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

export interface BuildProjectArgs {
    description: string;
    /** The buildspec, as an object (rendered to JSON, which CodeBuild reads as YAML). */
    buildspec: Record<string, unknown>;
    /** CodeBuild compute type. @default "BUILD_GENERAL1_SMALL" */
    computeType?: string;
    /** Minutes before CodeBuild stops a build (CodeBuild's default is 60). @default 15 */
    timeoutMinutes?: number;
    /**
     * Run the Docker daemon (needed only to build images). CodeBuild requires privileged mode for
     * `docker build`; leave false for everything else.
     * @default false
     */
    privileged?: boolean;
    /** Plain environment variables (never secrets: use `secretVariables`). */
    variables?: Record<string, pulumi.Input<string>>;
    /** Cache Docker layers and the source on the build host between builds. @default false */
    localCache?: boolean;
    /** The artifact store the pipeline hands the project its inputs through. */
    artifactBucketArn: pulumi.Input<string>;
    artifactKeyArn: pulumi.Input<string>;
    /** Extra statements the job needs beyond logs and artifacts. */
    statements?: Statement[];
    logRetentionDays?: number;
    /** Retain the log group on destroy (production's build history). @default false */
    protect?: boolean;
    ctx: AwsContext;
    rolePath: string;
    /**
     * Alias each child to its name before children were named after their component. Only the first
     * BuildProject of a stack can: two instances' children had one URN, so the engine stopped at the second.
     * @default true
     */
    aliasLegacyNames?: boolean;
}

/** A CodeBuild project run as a pipeline action, with its own least-privilege role and log group. */
export class BuildProject extends pulumi.ComponentResource {
    readonly project: codebuild.Project;
    readonly role: iam.Role;
    readonly logGroup: cloudwatch.LogGroup;

    constructor(name: string, args: BuildProjectArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:BuildProject", name, {}, opts);
        this.logGroup = new cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30 },
            { parent: this, aliases: renamedFrom("logs", args.aliasLegacyNames), protect: args.protect ?? false },
        );
        this.role = serviceRole(
            `${name}-role`,
            { service: "codebuild.amazonaws.com", description: `CodeBuild: ${args.description}`, path: args.rolePath, accountId: args.ctx.accountId },
            { parent: this, aliases: renamedFrom("role", args.aliasLegacyNames) },
        );
        const policy = new iam.RolePolicy(
            `${name}-policy`,
            {
                role: this.role.id,
                policy: policyDocument([
                    {
                        Sid: "WriteOwnLogs",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: [pulumi.interpolate`${this.logGroup.arn}:*`],
                    },
                    {
                        Sid: "ReadWriteArtifacts",
                        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                        Resource: [pulumi.interpolate`${args.artifactBucketArn}/*`],
                    },
                    {
                        Sid: "UseArtifactKey",
                        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                        Resource: [args.artifactKeyArn],
                    },
                    ...(args.statements ?? []),
                ]),
            },
            { parent: this, aliases: renamedFrom("policy", args.aliasLegacyNames) },
        );
        this.project = new codebuild.Project(
            `${name}-project`,
            {
                description: args.description,
                serviceRole: this.role.arn,
                buildTimeout: args.timeoutMinutes ?? 15,
                queuedTimeout: 30,
                encryptionKey: args.artifactKeyArn,
                source: { type: "CODEPIPELINE", buildspec: JSON.stringify(args.buildspec, null, 2) },
                artifacts: { type: "CODEPIPELINE" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType: args.computeType ?? "BUILD_GENERAL1_SMALL",
                    image: BUILD_IMAGE,
                    imagePullCredentialsType: "CODEBUILD",
                    privilegedMode: args.privileged ?? false,
                    environmentVariables: Object.entries(args.variables ?? {}).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
                },
                cache: args.localCache ? { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] } : { type: "NO_CACHE" },
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.name }, s3Logs: { status: "DISABLED" } },
            },
            // The role's policy must exist before the first build, or CodeBuild cannot write its logs.
            { parent: this, aliases: renamedFrom("project", args.aliasLegacyNames), dependsOn: [policy] },
        );
        this.registerOutputs({ projectName: this.project.name, roleArn: this.role.arn });
    }
}

export interface ImageBuildSpecArgs {
    testCommand: string;
    buildCommand: string;
    /**
     * Also emit the Elastic Beanstalk source bundle (docker-compose.yml naming the sha-tagged image,
     * plus the secrets hooks) at the artifact's root, for pipeline targets on Beanstalk.
     * @default false
     */
    beanstalkBundle?: boolean;
}

/**
 * Buildspec of the image build: test, build with the registry's `latest` as layer cache, push the
 * commit-sha tag (skipped if that sha was already pushed: tags are immutable), move `latest` only on
 * the release branch, and emit the deploy artifacts.
 * Variables: REPOSITORY_URL, RELEASE_BRANCH, CONTAINER_NAME, DOCKERFILE, DOCKER_CONTEXT (project) and
 * COMMIT_SHA, SOURCE_BRANCH (pipeline action, from the source action's variables).
 */
export function imageBuildSpec(args: ImageBuildSpecArgs): Record<string, unknown> {
    const preBuild = [
        'IMAGE_TAG="${COMMIT_SHA:-$CODEBUILD_RESOLVED_SOURCE_VERSION}"',
        'if [ ${#IMAGE_TAG} -lt 7 ]; then echo "no commit sha to tag the image with" >&2; exit 1; fi',
        'REGISTRY="${REPOSITORY_URL%%/*}"; REPOSITORY_NAME="${REPOSITORY_URL#*/}"',
        'aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$REGISTRY"',
    ];
    if (args.testCommand) preBuild.push(args.testCommand);
    if (args.buildCommand) preBuild.push(args.buildCommand);
    return {
        version: 0.2,
        env: { shell: "bash", variables: { DOCKER_BUILDKIT: "1" } },
        phases: {
            pre_build: { commands: preBuild },
            build: {
                commands: [
                    [
                        'if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; then',
                        '  echo "$IMAGE_TAG already in the registry: not rebuilding an immutable tag";',
                        "else",
                        // BuildKit reads layer cache metadata from `latest` in the registry: a cache that survives across build hosts.
                        '  docker build --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from "$REPOSITORY_URL:latest" -f "$DOCKERFILE" -t "$REPOSITORY_URL:$IMAGE_TAG" "$DOCKER_CONTEXT" &&',
                        '  docker push "$REPOSITORY_URL:$IMAGE_TAG";',
                        "fi",
                    ].join("\n"),
                    [
                        'if [ "$SOURCE_BRANCH" = "$RELEASE_BRANCH" ]; then',
                        '  docker pull "$REPOSITORY_URL:$IMAGE_TAG" >/dev/null 2>&1 || true;',
                        '  docker tag "$REPOSITORY_URL:$IMAGE_TAG" "$REPOSITORY_URL:latest" && docker push "$REPOSITORY_URL:latest";',
                        "fi",
                    ].join("\n"),
                    `printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URL:$IMAGE_TAG" > imagedefinitions.json`,
                    'printf "%s" "$IMAGE_TAG" > image-tag.txt',
                    ...(args.beanstalkBundle ? bundleBuildCommands() : []),
                ],
            },
        },
        artifacts: { files: ["imagedefinitions.json", "image-tag.txt", ...(args.beanstalkBundle ? Object.keys(beanstalkBundleFiles()) : [])] },
    };
}

/**
 * Buildspec of the smoke test: request HEALTH_URL until it answers 2xx (ATTEMPTS tries, 10 s apart),
 * failing the stage otherwise; on success record the verified image tag in IMAGE_TAG_PARAMETER so
 * the environment stack keeps running it.
 */
export function smokeTestBuildSpec(): Record<string, unknown> {
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: {
            build: {
                commands: [
                    [
                        "ok=0",
                        'for i in $(seq 1 "$ATTEMPTS"); do',
                        '  code=$(curl --silent --output /dev/null --write-out "%{http_code}" --max-time 5 "$HEALTH_URL" || true);',
                        '  echo "attempt $i: $HEALTH_URL -> $code";',
                        '  case "$code" in 2??) ok=1; break;; esac;',
                        "  sleep 10;",
                        "done",
                    ].join("\n"),
                    'if [ "$ok" != 1 ]; then echo "smoke test failed: $HEALTH_URL never answered 2xx" >&2; exit 1; fi',
                    'aws ssm put-parameter --name "$IMAGE_TAG_PARAMETER" --type String --overwrite --value "$(cat image-tag.txt)"',
                ],
            },
        },
    };
}
