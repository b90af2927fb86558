import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as codebuild from "@pulumi/aws/codebuild";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "../shared/aws-context";
import { PLATFORMS } from "../platforms";
import { HEALTH } from "../shared/health";
import type { Platform } from "../platforms/platform";
import { policyDocument, serviceRole, Statement } from "../shared/iam";
import { renamedFrom } from "../contract";
import { dockerSecretFlags, packageIndexCommands } from "../packages/build-access";
import type { PackageFormat } from "../packages/settings";
import { ownImageArtifactFiles, ownImageBuildCommands, type ServiceImage } from "../platforms/ecs/service-images";

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
                        // CodeBuild's documented service-role basics ("Create a CodeBuild service role") include
                        // CreateLogGroup: harmless on the group the stack already declares, and no other.
                        Sid: "WriteOwnLogs",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: [this.logGroup.arn, pulumi.interpolate`${this.logGroup.arn}:*`],
                    },
                    {
                        Sid: "ReadWriteArtifacts",
                        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                        Resource: [pulumi.interpolate`${args.artifactBucketArn}/*`],
                    },
                    // The same basics: CodeBuild checks the artifact bucket's ACL and region.
                    { Sid: "LocateArtifactBucket", Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"], Resource: [args.artifactBucketArn] },
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

/** The image build's registry rights: log in, push the commit's image, read `latest` as layer cache. */
export function imageBuildStatements(registryArn: pulumi.Input<string>, ownImageRepositoryArns: pulumi.Input<string>[] = []): Statement[] {
    return [
        // GetAuthorizationToken has no resource type: AWS requires "*".
        { Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        {
            Sid: "PushAndPullAppImages",
            Action: [
                "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages",
                "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
            ],
            // The app's repository, and each worker's own image's (service-images.ts): exactly the images the build pushes.
            Resource: [registryArn, ...ownImageRepositoryArns],
        },
    ];
}

export interface ImageBuildSpecArgs {
    testCommand: string;
    buildCommand: string;
    /**
     * What the pipeline targets' platforms also need in the build artifact (Beanstalk: its source
     * bundle at the artifact's root), each platform once.
     * @default none
     */
    platformArtifacts?: { commands: string[]; files: string[] }[];
    /**
     * The private package index's formats: a short-lived token and the index are set up before the
     * tests, and `docker build` gets them as BuildKit secrets (infra/packages/build-access.ts).
     * @default none
     */
    packageFormats?: readonly PackageFormat[];
    /**
     * Workers' own images (infra/platforms/ecs/service-images.ts): built beside the app's image, pushed with
     * the same sha, each with its own imagedefinitions file. @default none
     */
    ownImages?: readonly ServiceImage[];
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
    const formats = args.packageFormats ?? [];
    if (formats.length) preBuild.push(...packageIndexCommands(formats));
    const secrets = formats.length ? `${dockerSecretFlags(formats).join(" ")} ` : "";
    if (args.testCommand) preBuild.push(args.testCommand);
    if (args.buildCommand) preBuild.push(args.buildCommand);
    const own = ownImageBuildCommands(args.ownImages ?? [], secrets);
    return {
        version: 0.2,
        env: { shell: "bash", variables: { DOCKER_BUILDKIT: "1" } },
        phases: {
            pre_build: { commands: preBuild },
            build: {
                commands: [
                    withOwnImages(own, [
                        'if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; then',
                        '  echo "$IMAGE_TAG already in the registry: not rebuilding an immutable tag";',
                        "else",
                        // BuildKit reads layer cache metadata from `latest` in the registry: a cache that survives across build hosts.
                        `  docker build --build-arg BUILDKIT_INLINE_CACHE=1 ${secrets}--cache-from "$REPOSITORY_URL:latest" -f "$DOCKERFILE" -t "$REPOSITORY_URL:$IMAGE_TAG" "$DOCKER_CONTEXT" &&`,
                        '  docker push "$REPOSITORY_URL:$IMAGE_TAG";',
                        "fi",
                    ].join("\n")),
                    [
                        'if [ "$SOURCE_BRANCH" = "$RELEASE_BRANCH" ]; then',
                        '  docker pull "$REPOSITORY_URL:$IMAGE_TAG" >/dev/null 2>&1 || true;',
                        '  docker tag "$REPOSITORY_URL:$IMAGE_TAG" "$REPOSITORY_URL:latest" && docker push "$REPOSITORY_URL:latest";',
                        "fi",
                    ].join("\n"),
                    `printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URL:$IMAGE_TAG" > imagedefinitions.json`,
                    ...own.after,
                    'printf "%s" "$IMAGE_TAG" > image-tag.txt',
                    ...(args.platformArtifacts ?? []).flatMap((a) => a.commands),
                ],
            },
        },
        artifacts: { files: ["imagedefinitions.json", ...ownImageArtifactFiles(args.ownImages ?? []), "image-tag.txt", ...(args.platformArtifacts ?? []).flatMap((a) => a.files)] },
    };
}

/** The app image's build command, with the own images' builds started before it and waited for after it (one shell command, so `wait` sees them). */
function withOwnImages(own: { start: string; wait: string }, appBuild: string): string {
    return own.start ? [own.start, appBuild, "app_built=$?", own.wait, '[ "$app_built" = 0 ] || { echo "the app\'s image did not build" >&2; exit 1; }'].join("\n") : appBuild;
}

/**
 * The smoke test's shell (bash). It records an image as verified only after proving that the expected
 * image — `$REPOSITORY_URL:<sha>` from the build artifact's image-tag.txt — is what the environment
 * runs, and that it answers: another writer (a `pulumi up` of the environment, a rollback) may be
 * serving something else at that moment, and its health answer proves nothing about this sha.
 *
 *  1. The environment runs the expected image, polled up to ATTEMPTS times (HEALTH.smokeTest): each
 *     platform's `<name>_check` decides (Platform.smokeTestCheck: ECS_SMOKE_TEST_CHECK,
 *     BEANSTALK_SMOKE_TEST_CHECK). A settled environment running another image fails at once, naming
 *     what runs instead.
 *  2. HEALTH_URL answers 2xx (within the same attempts).
 *  3. Step 1 still holds (nothing replaced the image while the URL was requested).
 *  4. The image gets the immutable tag VERIFIED_TAG_PREFIX<sha> (ECR put-image with its own manifest;
 *     the registry's lifecycle policy keeps each stack's newest verified images), then the sha is
 *     written to IMAGE_TAG_PARAMETER — so the parameter only ever names a protected image.
 * Any failure exits non-zero before step 4: the stage fails and rolls back, the parameter unchanged.
 *
 * Variables (pipeline action): PLATFORM (a registered platform's name), STACK, REPOSITORY_URL,
 * HEALTH_URL, IMAGE_TAG_PARAMETER, VERIFIED_TAG_PREFIX, ATTEMPTS, and the platform's own
 * (PlatformTarget.smokeTestVariables). Tools: the AWS CLI v2, curl and unzip of CodeBuild's standard image.
 */
export function smokeTestScript(checks: readonly Pick<Platform, "name" | "smokeTestCheck">[] = PLATFORMS, options: SmokeTestOptions = {}): string {
    // Step 4 for the app's image; with own images, for it and each of IMAGE_REPOSITORIES (the same sha in each).
    const retag = [
        // Retag with the image's own manifest (ECR User Guide, "Retagging an image").
        'out="$(aws ecr batch-get-image --repository-name "$repository" --image-ids imageTag="$tag" --query \'images[0].[imageId.imageDigest,imageManifestMediaType]\' --output text 2>&1)" || refuse "aws ecr batch-get-image failed: $out"',
        "IFS=$'\\t' read -r digest media <<< \"$out\"",
        '[[ "$digest" == sha256:* ]] || refuse "$expected is not in the registry"',
        'manifest="$(aws ecr batch-get-image --repository-name "$repository" --image-ids imageTag="$tag" --query \'images[0].imageManifest\' --output text 2>&1)" || refuse "aws ecr batch-get-image failed: $manifest"',
        "media_type=(); [ -n \"$media\" ] && [ \"$media\" != None ] && media_type=(--image-manifest-media-type \"$media\")",
        'verified="$VERIFIED_TAG_PREFIX$tag"',
        'if out="$(aws ecr put-image --repository-name "$repository" --image-tag "$verified" --image-manifest "$manifest" "${media_type[@]}" --query \'image.imageId.imageDigest\' --output text 2>&1)"; then',
        // A changed manifest (say, a lost trailing newline) would be a new image: the tag must name the one that ran.
        '  [ "$out" = "$digest" ] || refuse "tagging $verified produced image $out, not $digest"',
        '  echo "tagged $REPOSITORY_URL:$verified"',
        "elif [[ \"$out\" == *ImageAlreadyExistsException* ]]; then",
        '  echo "$REPOSITORY_URL:$verified was already tagged (verified before)"',
        "else",
        '  refuse "could not tag $verified: $out"',
        "fi",
    ];
    const tagging = options.ownImages
        ? [
              // Every image of the commit gets its verified tag before the sha is recorded: the parameter then names images verified in every repository.
              "tag_verified() {",
              '  local repository="$1" expected="${REPOSITORY_URL%%/*}/$1:$tag" out digest media manifest media_type verified',
              ...retag.map((l) => `  ${l.replaceAll("$REPOSITORY_URL:", () => "${REPOSITORY_URL%%/*}/$repository:")}`),
              "}",
              'for name in "$repository" ${IMAGE_REPOSITORIES:-}; do tag_verified "$name"; done',
          ]
        : retag;
    return [
        "# slipway smoke test: prove the expected image runs and answers, then (only then) record it.",
        'refuse() { echo "smoke test on ${STACK}: ${expected:-the image of this build} is NOT recorded as verified: $*" >&2; echo "${IMAGE_TAG_PARAMETER} keeps the last verified image; the stage fails and rolls back." >&2; exit 1; }',
        'tag="$(cat image-tag.txt 2>/dev/null)"',
        `[[ "$tag" =~ ^[0-9a-f]{7,40}$ ]] || refuse "image-tag.txt says \\"$tag\\", which is not a commit sha"`,
        'expected="$REPOSITORY_URL:$tag"',
        'repository="${REPOSITORY_URL#*/}"',
        // Every check sets state (ok | pending | wrong) and detail (what it saw); a failed AWS call refuses.
        ...checks.flatMap((p) => [`${p.name}_check() {`, ...p.smokeTestCheck, "}"]),
        "check() {",
        `  case "$PLATFORM" in ${checks.map((p) => `${p.name}) ${p.name}_check ;; `).join("")}*) refuse "unknown PLATFORM \\"$PLATFORM\\"" ;; esac`,
        "}",
        'echo "smoke test on $STACK: expecting $expected"',
        "ok=0",
        'for i in $(seq 1 "$ATTEMPTS"); do',
        "  check",
        '  echo "attempt $i: $detail"',
        '  [ "$state" = wrong ] && refuse "$detail"',
        '  if [ "$state" = ok ]; then',
        `    code="$(curl --silent --output /dev/null --write-out "%{http_code}" --max-time ${HEALTH.smokeTest.requestTimeoutSeconds} "$HEALTH_URL" || true)"`,
        '    echo "attempt $i: $HEALTH_URL -> ${code:-no answer}"',
        '    case "$code" in 2??) ok=1; break ;; esac',
        '    detail="$HEALTH_URL answered ${code:-nothing}"',
        "  fi",
        `  [ "$i" -lt "$ATTEMPTS" ] && sleep ${HEALTH.smokeTest.attemptIntervalSeconds}`,
        "done",
        '[ "$ok" = 1 ] || refuse "after $ATTEMPTS attempts: $detail"',
        "check",
        '[ "$state" = ok ] || refuse "the environment changed while the health URL was requested: $detail"',
        ...tagging,
        'aws ssm put-parameter --name "$IMAGE_TAG_PARAMETER" --type String --overwrite --value "$tag" > /dev/null || refuse "could not write $IMAGE_TAG_PARAMETER"',
        'echo "recorded $tag in $IMAGE_TAG_PARAMETER: $STACK verified $expected"',
    ].join("\n");
}

/** What the smoke test also checks when some worker has its own image (unset: the single-image script, unchanged). */
export interface SmokeTestOptions {
    /**
     * Some target runs a worker's own image (service-images.ts): the platforms' checks compare each worker with
     * its own image (Platform.smokeTestCheckFor), and every repository of IMAGE_REPOSITORIES is tagged verified too.
     * @default false
     */
    ownImages?: boolean;
}

/** Buildspec of the smoke test: one bash command, smokeTestScript(). */
export function smokeTestBuildSpec(options: SmokeTestOptions = {}): Record<string, unknown> {
    const checks = options.ownImages ? PLATFORMS.map((p) => ({ name: p.name, smokeTestCheck: p.smokeTestCheckFor?.(options) ?? p.smokeTestCheck })) : PLATFORMS;
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: { build: { commands: [smokeTestScript(checks, options)] } },
    };
}
