// Tag-triggered publishing: a second CodePipeline V2, started only by git tags matching the configured
// pattern, whose one job runs the package's tests and publishes it to its private repository with the
// publish role. It has no deploy stage: a tag never deploys an environment, and the app pipeline's
// branch trigger is untouched (one trigger per source action; a tags-only trigger disables the default
// change detection of its own source action only).
import * as pulumi from "@pulumi/pulumi";
import * as codepipeline from "@pulumi/aws/codepipeline";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "../shared/aws-context";
import { policyDocument, serviceRole, Statement } from "../shared/iam";
import { rolePath } from "../contract";
import { BuildProject } from "../delivery/build";
import { connectionArns } from "../delivery/pipeline";
import { INDEX_VARIABLES, packageIndexCommands, packageIndexVariables, packagePublishStatements } from "./build-access";
import { privateRepositoryName } from "./names";
import type { PackageFormat, PackageSettings, PublishSettings } from "./settings";

/** Per format: how the publish job reads the package's name and version, and how it uploads. */
const FORMAT_STEPS: Record<PackageFormat, { file: string; read: string[]; upload: string[] }> = {
    pypi: {
        file: "pyproject.toml",
        // tomllib: Python 3.11+. A dynamic version has no static value to compare the tag with.
        read: [
            `read -r name version < <(python3 -c 'import re, tomllib; p = tomllib.load(open("pyproject.toml", "rb")).get("project", {}); v = p.get("version"); print(re.sub(r"[-_.]+", "-", p.get("name", "")).lower(), v or "")') || fail "could not read [project] name and version from pyproject.toml"`,
            'namespace=""',
        ],
        upload: [
            "python3 -m pip install --quiet build twine",
            'rm -rf dist && python3 -m build',
            'TWINE_USERNAME=aws TWINE_PASSWORD="$CODEARTIFACT_AUTH_TOKEN" TWINE_REPOSITORY_URL="$CODEARTIFACT_URL" python3 -m twine upload --non-interactive dist/*',
        ],
    },
    npm: {
        file: "package.json",
        read: [
            `read -r full version < <(node -p 'const p = require("./package.json"); (p.name || "") + " " + (p.version || "")') || fail "could not read name and version from package.json"`,
            // A scoped package's namespace is its scope without the @ (CodeArtifact package ARNs).
            'if [[ "$full" == @*/* ]]; then namespace="${full%%/*}"; namespace="${namespace#@}"; name="${full#*/}"; else namespace=""; name="$full"; fi',
        ],
        upload: ['npm publish --registry "$CODEARTIFACT_URL"'],
    },
    maven: {
        file: "pom.xml",
        read: [
            'eval_pom() { mvn -B -q help:evaluate -Dexpression="$1" -DforceStdout 2>/dev/null; }',
            'namespace="$(eval_pom project.groupId)"; name="$(eval_pom project.artifactId)"; version="$(eval_pom project.version)"',
        ],
        // maven-deploy-plugin's altDeploymentRepository (id::layout::url); the server id matches settings.xml.
        upload: ['mvn -B deploy -DskipTests -DaltDeploymentRepository="codeartifact::default::$CODEARTIFACT_URL"'],
    },
};

/**
 * The publish job's script (bash), run from the repository's clone (CODEBUILD_CLONE_REF, so git knows
 * the tags): find the tag matching TAG_PATTERN on the built commit, take its version (everything from
 * its first digit: v1.2.3 → 1.2.3), require it to equal the package's own version, refuse a version the
 * repository already holds, run the tests, then build and upload. Every refusal exits before the upload.
 */
export function publishScript(publish: Pick<PublishSettings, "format" | "testCommand">): string {
    const steps = FORMAT_STEPS[publish.format];
    return [
        "# slipway publish: the tag's version must be the package's, and new to the repository.",
        'fail() { echo "publish of ${name:-the package} ${version:-} from ${tag:-this commit}: $*" >&2; echo "nothing was published." >&2; exit 1; }',
        "git fetch --tags --quiet >/dev/null 2>&1 || true",
        "tags=()",
        'while read -r t; do [[ -n "$t" && "$t" == $TAG_PATTERN ]] && tags+=("$t"); done < <(git tag --points-at HEAD)',
        '[ "${#tags[@]}" -gt 0 ] || fail "no tag matching $TAG_PATTERN points at $(git rev-parse --short HEAD): publishing starts from a tag"',
        '[ "${#tags[@]}" -eq 1 ] || fail "several tags matching $TAG_PATTERN point at this commit (${tags[*]}): tag each version on its own commit"',
        'tag="${tags[0]}"',
        'tag_version="${tag#"${tag%%[0-9]*}"}"',
        '[ -n "$tag_version" ] || fail "tag $tag holds no version (a version starts at its first digit: v1.2.3 is 1.2.3)"',
        'cd "$PACKAGE_DIR" || fail "no directory $PACKAGE_DIR in the repository"',
        `[ -f ${steps.file} ] || fail "no ${steps.file} in $PACKAGE_DIR: the package's ${publish.format} metadata"`,
        ...steps.read,
        '[ -n "$name" ] || fail "the package has no name"',
        `[ -n "$version" ] || fail "${steps.file} has no static version to compare with tag $tag (a dynamic version cannot be checked before the build)"`,
        `[ "$version" = "$tag_version" ] || fail "tag $tag says version $tag_version, but ${steps.file} says $version: bump the version in ${steps.file} in a pull request, merge it, and tag that commit v$version"`,
        'ns=(); [ -n "$namespace" ] && ns=(--namespace "$namespace")',
        `if out="$(aws codeartifact describe-package-version --domain "$${INDEX_VARIABLES.domain}" --domain-owner "$${INDEX_VARIABLES.owner}" --repository "$REPOSITORY" --format ${publish.format} "\${ns[@]}" --package "$name" --package-version "$version" --query packageVersion.status --output text 2>&1)"; then`,
        '  fail "version $version of $name is already in $REPOSITORY (status $out): published versions never change; bump the version and tag again"',
        'elif [[ "$out" != *ResourceNotFoundException* ]]; then',
        '  fail "could not check $REPOSITORY for version $version: $out"',
        "fi",
        ...(publish.testCommand ? [`(${publish.testCommand}) || fail "the tests failed"`] : []),
        ...steps.upload.map((c) => `${c} || fail "the upload to $REPOSITORY failed"`),
        'echo "published $name $version to $REPOSITORY from tag $tag"',
    ].join("\n");
}

/** Buildspec of the publish job: the index set up (token, tool configuration), then publishScript(). */
export function publishBuildSpec(publish: PublishSettings, formats: readonly PackageFormat[]): Record<string, unknown> {
    return {
        version: 0.2,
        env: { shell: "bash" },
        phases: {
            pre_build: { commands: packageIndexCommands(formats) },
            build: { commands: [publishScript(publish)] },
        },
    };
}

export interface PackagePublishingArgs {
    app: string;
    packages: Pick<PackageSettings, "domain" | "formats">;
    publish: PublishSettings;
    connectionArn: string;
    /** `owner/repo` */
    repository: string;
    /** The source action's branch (CodePipeline requires one; the tag's commit is what is built). */
    branch: string;
    artifactBucket: pulumi.Input<string>;
    artifactBucketArn: pulumi.Input<string>;
    artifactKeyArn: pulumi.Input<string>;
    timeoutMinutes?: number;
    protect: boolean;
    ctx: AwsContext;
}

/** What the publish pipeline's role may do: use the connection, move its artifact, run the publish job. */
export function publishPipelineStatements(args: Pick<PackagePublishingArgs, "connectionArn" | "artifactBucketArn" | "artifactKeyArn">, projectArn: pulumi.Input<string>): Statement[] {
    return [
        { Sid: "UseGitHubConnection", Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], Resource: connectionArns(args.connectionArn) },
        { Sid: "Artifacts", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning"], Resource: [args.artifactBucketArn, pulumi.interpolate`${args.artifactBucketArn}/*`] },
        { Sid: "ArtifactKey", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [args.artifactKeyArn] },
        { Sid: "RunPublishJob", Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], Resource: [projectArn] },
    ];
}

export const PUBLISH_SOURCE_ACTION = "Source";

/** The tag pipeline and its publish job, with the one role allowed to publish. */
export class PackagePublishing extends pulumi.ComponentResource {
    readonly pipeline: codepipeline.Pipeline;
    readonly job: BuildProject;
    readonly role: iam.Role;

    constructor(name: string, args: PackagePublishingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:packages:PackagePublishing", name, {}, opts);
        const { ctx, publish } = args;
        const timeout = args.timeoutMinutes ?? 20;
        const repository = privateRepositoryName(args.app, publish.format);
        this.job = new BuildProject(
            `${name}-job`,
            {
                description: `Publish ${args.app}'s ${publish.format} package from tags matching ${publish.tagPattern}`,
                buildspec: publishBuildSpec(publish, args.packages.formats),
                timeoutMinutes: timeout,
                artifactBucketArn: args.artifactBucketArn,
                artifactKeyArn: args.artifactKeyArn,
                variables: {
                    ...packageIndexVariables(args.app, args.packages, timeout, ctx),
                    REPOSITORY: repository,
                    CODEARTIFACT_URL: packageIndexVariables(args.app, { domain: args.packages.domain, formats: [publish.format] }, timeout, ctx)[INDEX_VARIABLES.endpoint(publish.format)],
                    TAG_PATTERN: publish.tagPattern,
                    PACKAGE_DIR: publish.directory,
                },
                statements: [
                    ...packagePublishStatements(args.app, args.packages, publish.format, ctx),
                    // CODEBUILD_CLONE_REF: CodeBuild clones the repository through the connection with this role.
                    { Sid: "CloneThroughConnection", Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], Resource: connectionArns(args.connectionArn) },
                ],
                protect: args.protect,
                ctx,
                rolePath: rolePath(args.app),
                aliasLegacyNames: false,
            },
            { parent: this },
        );
        this.role = serviceRole(
            `${name}-role`,
            { service: "codepipeline.amazonaws.com", description: `CodePipeline: publish ${args.app}'s ${publish.format} package on tags`, path: rolePath(args.app), accountId: ctx.accountId },
            { parent: this },
        );
        const policy = new iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy: policyDocument(publishPipelineStatements(args, this.job.project.arn)) }, { parent: this });
        this.pipeline = new codepipeline.Pipeline(
            `${name}-pipeline`,
            {
                pipelineType: "V2",
                // Every tag publishes: under SUPERSEDED a later tag could replace an earlier one's waiting run.
                executionMode: "QUEUED",
                roleArn: this.role.arn,
                artifactStores: [{ type: "S3", location: args.artifactBucket, encryptionKey: { id: args.artifactKeyArn, type: "KMS" } }],
                // Tags alone in the push filter (CodePipeline refuses tags with branches or file paths in one filter).
                triggers: [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: PUBLISH_SOURCE_ACTION, pushes: [{ tags: { includes: [publish.tagPattern] } }] } }],
                stages: [
                    {
                        name: "Source",
                        actions: [
                            {
                                name: PUBLISH_SOURCE_ACTION,
                                category: "Source",
                                owner: "AWS",
                                provider: "CodeStarSourceConnection",
                                version: "1",
                                outputArtifacts: ["source"],
                                configuration: {
                                    ConnectionArn: args.connectionArn,
                                    FullRepositoryId: args.repository,
                                    BranchName: args.branch,
                                    // A git clone, so the job can read the tag (no documented output variable names it).
                                    OutputArtifactFormat: "CODEBUILD_CLONE_REF",
                                },
                            },
                        ],
                    },
                    {
                        name: "Publish",
                        actions: [{ name: "TestAndPublish", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", inputArtifacts: ["source"], configuration: { ProjectName: this.job.project.name } }],
                    },
                ],
            },
            { parent: this, dependsOn: [policy] },
        );
        this.registerOutputs({ pipelineName: this.pipeline.name, publishRoleArn: this.job.role.arn });
    }
}
