// The delivery stack, once per app: registry, build, pipeline, notifications, GitHub OIDC roles and the
// app repository's CI variables. Environments are separate stacks, so tearing one down never touches this.
import * as pulumi from "@pulumi/pulumi";
import { Provider as GitHubProvider } from "@pulumi/github/provider";
import * as iam from "@pulumi/aws/iam";
import * as ssm from "@pulumi/aws/ssm";
import * as elasticbeanstalk from "@pulumi/aws/elasticbeanstalk";
import { awsContext, arnOf } from "../infra/aws-context";
import { ArtifactStore } from "../infra/artifact-store";
import { beanstalkEnvironmentStatements, beanstalkResourceStatements } from "../infra/beanstalk-deployer";
import { BEANSTALK_MANAGED_POLICIES } from "../infra/beanstalk-environment";
import { beanstalkApplicationName } from "../infra/beanstalk-pipeline";
import { BuildProject, imageBuildSpec, smokeTestBuildSpec } from "../infra/build";
import { DeliverySettings } from "../infra/config";
import {
    apiIngressStatements, computeStatements, dataStatements, DeployerScope, identityStatements, loadBalancerStatements, networkStatements, previewStatements, stateBackendStatements,
} from "../infra/deployer-policy";
import { DeploymentEnvironments } from "../infra/github-environments";
import { GitHubOidc, GitHubRoleSpec } from "../infra/github-oidc";
import { policyDocument, serviceRole, Statement } from "../infra/iam";
import {
    CONTAINER_NAME, deployRoleVariable, environmentName, healthUrlParameter, imageTagParameter, managedPolicyName, parameterPrefix, repositoryName, rolePath,
    secretsProviderUrl, stackPattern, stackTag,
} from "../infra/names";
import { Notifications } from "../infra/notifications";
import { DeliveryPipeline, PipelineTarget, smokeTestStatements } from "../infra/pipeline";
import { Registry } from "../infra/registry";
import { RepoSettings } from "../infra/repo-settings";
import { RUNTIME_KINDS, runtimePolicyArn, StackAccess } from "../infra/runtime-policies";
import { SeedImage, SEED_TAG } from "../infra/seed-image";

export function deliveryStack(s: DeliverySettings): Record<string, unknown> {
    const app = s.appName;
    const ctx = awsContext(s.region);
    const path = rolePath(app);
    const protect = s.protect;

    const registry = new Registry("registry", {
        name: repositoryName(app),
        keepImages: s.registry.keepImages,
        untaggedImageDays: s.registry.untaggedImageDays,
        // The smoke test tags each image it verifies per stack; those tags keep it from expiring.
        verifiedStacks: s.targets.map((t) => t.stack),
        protect,
    });
    const store = new ArtifactStore("artifacts", { protect, ctx });
    // What each environment's workloads may do, owned here so deploy roles only attach it.
    // …with the boundary every role of each stack carries, and the key each stack's config secrets are encrypted with.
    const policyStacks = [...s.targets.map((t) => t.stack), "review"];
    const access = new StackAccess("runtime-policies", { app, stacks: policyStacks, repositoryArn: registry.arn, ctx });
    const notifications = new Notifications("notifications", { emails: s.notificationEmails, kmsKeyArn: store.key.arn, ctx });

    // One Elastic Beanstalk application per app, shared by its Beanstalk environments (any stack may
    // choose slipway:platform beanstalk, review stacks included). It costs nothing; protected because
    // every Beanstalk environment of the app lives in it (EB refuses to delete an application with running environments unless forced to terminate them).
    // Every Beanstalk deploy adds an application version and an account holds at most 1,000: EB's
    // version lifecycle keeps the newest 200, assuming this role to delete the rest.
    const versionsRole = serviceRole("beanstalk-versions", {
        service: "elasticbeanstalk.amazonaws.com",
        description: `Elastic Beanstalk: expire old application versions of ${app}`,
        path: rolePath(app),
        condition: { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } },
    });
    new iam.RolePolicy("beanstalk-versions-policy", {
        role: versionsRole.id,
        policy: policyDocument([
            {
                Sid: "ExpireOldVersions",
                Action: ["elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DeleteApplicationVersion"],
                Resource: [
                    arnOf(ctx, "elasticbeanstalk", `application/${beanstalkApplicationName(app)}`),
                    arnOf(ctx, "elasticbeanstalk", `applicationversion/${beanstalkApplicationName(app)}/*`),
                ],
            },
        ]),
    });
    const beanstalkApp = new elasticbeanstalk.Application(
        "beanstalk-app",
        {
            name: beanstalkApplicationName(app),
            description: `${app}: environments on Elastic Beanstalk (slipway)`,
            // Bundles stay in S3 (the buckets expire them); only the version records go.
            appversionLifecycle: { serviceRole: versionsRole.arn, maxCount: 200, deleteSourceFromS3: false },
        },
        { protect },
    );
    // Each target's platform comes from its own stack file (slipway:platform), read in config.ts.
    const targets: PipelineTarget[] = s.targets.map((t) => ({
        stack: t.stack,
        production: t.tier === "production",
        ecs: t.platform === "ecs" ? { clusterName: environmentName(app, t.stack), serviceName: environmentName(app, t.stack) } : undefined,
        beanstalk:
            t.platform === "beanstalk"
                ? { applicationName: beanstalkApplicationName(app), environmentName: environmentName(app, t.stack), stackTag: stackTag(app, t.stack) }
                : undefined,
        healthUrlParameter: healthUrlParameter(app, t.stack),
        imageTagParameter: imageTagParameter(app, t.stack),
    }));
    // The pipeline records each environment's last verified image here; the delivery stack creates
    // the parameters so an environment can read one before the pipeline's first run.
    // Opt-in bootstrap: a first image from a local checkout, which environments run until the
    // pipeline has verified one of its own.
    const seed = s.seedImageContext
        ? new SeedImage("seed-image", { repositoryUrl: registry.repositoryUrl, context: s.seedImageContext, dockerfile: s.build.dockerfile })
        : undefined;
    // What the pipeline has recorded so far (GetParametersByPath answers an empty list, not an error,
    // when nothing is stored yet). A parameter created again (replaced, or re-created after a refresh
    // found it gone) starts from the recorded sha, never from "latest" over a verified image.
    const recorded = ssm.getParametersByPathOutput({ path: parameterPrefix(app), recursive: true, withDecryption: false });
    for (const t of targets) {
        const initial = seed ? SEED_TAG : "latest";
        const value = recorded.apply((r) => {
            const i = r.names.indexOf(t.imageTagParameter);
            return i >= 0 ? r.values[i] : initial;
        });
        new ssm.Parameter(
            `image-tag-${t.stack}`,
            {
                name: t.imageTagParameter,
                type: "String",
                // The provider marks every value of the lookup secret; an image tag is not one.
                insecureValue: pulumi.unsecret(value),
                description: `Image tag last verified on ${t.stack} (written by the pipeline's smoke test)`,
            },
            // The smoke test owns the value once the parameter exists. The name is fixed, so a replacement
            // must delete first (a second parameter of that name cannot exist beside the old one).
            { ignoreChanges: ["insecureValue"], deleteBeforeReplace: true, dependsOn: seed ? [seed] : [] },
        );
    }

    const artifactAccess = { artifactBucketArn: store.bucket.arn, artifactKeyArn: store.key.arn, ctx, rolePath: path, protect };
    const build = new BuildProject("build", {
        ...artifactAccess,
        description: `Test, build and push ${app}'s image`,
        buildspec: imageBuildSpec({
            testCommand: s.build.testCommand,
            buildCommand: s.build.buildCommand,
            beanstalkBundle: s.targets.some((t) => t.platform === "beanstalk"),
        }),
        computeType: s.build.computeType,
        timeoutMinutes: s.build.timeoutMinutes,
        // CodeBuild needs privileged mode to run the Docker daemon for `docker build`.
        privileged: true,
        localCache: true,
        variables: {
            REPOSITORY_URL: registry.repositoryUrl,
            RELEASE_BRANCH: s.github.branch,
            CONTAINER_NAME,
            DOCKERFILE: s.build.dockerfile,
            DOCKER_CONTEXT: s.build.dockerContext,
        },
        statements: [
            // GetAuthorizationToken has no resource type: AWS requires "*".
            { Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
            {
                Sid: "PushAndPullAppImages",
                Action: [
                    "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages",
                    "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
                ],
                Resource: [registry.arn],
            },
        ],
    });
    const smoke = new BuildProject("smoke-test", {
        ...artifactAccess,
        description: `Smoke-test ${app} after each deploy`,
        // The first `pulumi up` stopped at this project's children (their URNs were the build's): nothing to keep.
        aliasLegacyNames: false,
        buildspec: smokeTestBuildSpec(),
        timeoutMinutes: 10,
        // Reads what each environment runs before recording an image as verified there (smokeTestScript).
        statements: smokeTestStatements(targets, registry.arn, ctx),
    });

    const pipeline = new DeliveryPipeline("pipeline", {
        connectionArn: s.connectionArn,
        repository: `${s.github.owner}/${s.github.repo}`,
        branch: s.github.branch,
        targets,
        artifactBucket: store.bucket.bucket,
        artifactBucketArn: store.bucket.arn,
        artifactKeyArn: store.key.arn,
        build: { projectName: build.project.name, projectArn: build.project.arn },
        smokeTest: { projectName: smoke.project.name, projectArn: smoke.project.arn, attempts: s.smokeTestAttempts, repositoryUrl: registry.repositoryUrl },
        topicArn: notifications.topic.arn,
        appRolePath: path,
        ctx,
    });

    // One role per job kind; each trusts only its own OIDC subject (GitHub puts the job's
    // environment in `sub` when the job names one).
    const infra = s.infraRepository;
    /** A deploy role's managed policies, one per concern, for one policy stack (`review`: every review-* stack). */
    const deployPolicies = (policyStack: string, beanstalk: boolean, pipelineName?: pulumi.Input<string>) => {
        const scope: DeployerScope = {
            app, policyStack, ctx, secretsKeyArn: access.secretsKeyArns[policyStack], pipelineName, backendUrl: s.pulumiBackendUrl, project: s.project,
        };
        const attachable = [
            ...RUNTIME_KINDS.map((kind) => runtimePolicyArn(ctx, app, policyStack, kind)),
            ...(beanstalk ? Object.values(BEANSTALK_MANAGED_POLICIES) : []),
        ];
        const concerns: [string, string, Statement[]][] = [
            ["deploy-network", "VPC, subnets, routes and security groups", networkStatements(scope)],
            ["deploy-load-balancer", "the load balancer, its listeners and target groups", loadBalancerStatements(scope)],
            ["deploy-compute", "the ECS cluster, service, task family and autoscaling", computeStatements(scope)],
            ["deploy-api-ingress", "the HTTP API ingress: API Gateway, VPC link, access logs and Cloud Map", apiIngressStatements(scope)],
            ["deploy-identity", "the stack's roles, under its boundary", identityStatements(scope, attachable)],
            ["deploy-data", "secrets, parameters, logs, the secrets-provider key and state", dataStatements(scope)],
            ...(beanstalk
                ? ([
                      ["deploy-beanstalk", "Elastic Beanstalk environments and the stacks and groups EB creates", beanstalkEnvironmentStatements(scope)],
                      ["deploy-beanstalk-resources", "the instances, addresses, alarms and buckets of its Beanstalk environments", beanstalkResourceStatements(scope)],
                  ] as [string, string, Statement[]][])
                : []),
        ];
        return concerns.map(([concern, what, statements]) => ({
            name: managedPolicyName(app, policyStack, concern),
            description: `GitHub deploy role of ${app}'s ${stackPattern(policyStack)} stack(s): ${what}`,
            statements,
        }));
    };
    // Pull-request previews reach only staging-tier pipeline stacks: production and delivery get the offline plan only.
    const previewable = s.targets.filter((t) => t.tier === "staging").map((t) => t.stack);
    const roles: GitHubRoleSpec[] = [
        {
            name: "preview",
            description: `GitHub Actions: pulumi preview for pull requests of ${infra.owner}/${infra.repo} (staging-tier stacks only)`,
            subjects: ["environment:preview"],
            statements: [
                ...previewStatements(app, ctx),
                ...(previewable.length
                    ? [{ Sid: "DecryptPreviewableStacks", Action: ["kms:Decrypt"], Resource: previewable.map((st) => access.secretsKeyArns[st]) }]
                    : []),
                ...stateBackendStatements(s.pulumiBackendUrl, ctx, s.project, previewable, "read"),
            ],
        },
        ...s.targets.map((t) => ({
            name: `deploy-${t.stack}`,
            description: `GitHub Actions: pulumi up of the ${t.stack} stack`,
            subjects: [`environment:${t.stack}`],
            policies: deployPolicies(t.stack, t.platform === "beanstalk", pipeline.pipeline.name),
        })),
        {
            // Pull-request jobs deploy review stacks with a role of their own: it cannot touch staging.
            name: "deploy-review",
            description: "GitHub Actions: pulumi up and destroy of review-pr-* stacks",
            subjects: ["environment:review"],
            // A review stack is made from the review template's config, so it may be on either platform.
            policies: deployPolicies("review", true),
        },
    ];
    const oidc = new GitHubOidc("github-oidc", {
        // The workflows that assume these roles run in the repository of this program.
        owner: infra.owner,
        repo: infra.repo,
        existingProviderArn: s.githubOidcProviderArn,
        roles,
        rolePath: path,
        ctx,
    });

    // The app repository's CI learns where images live; the infra repository's workflows get the
    // roles, the state backend and the CI secrets. One repository may be both.
    const appVariables: Record<string, pulumi.Input<string>> = {
        AWS_REGION: s.region,
        ECR_REPOSITORY_URL: registry.repositoryUrl,
        PIPELINE_NAME: pipeline.pipeline.name,
    };
    const infraVariables: Record<string, pulumi.Input<string>> = {
        AWS_REGION: s.region,
        AWS_PREVIEW_ROLE_ARN: oidc.roles.preview.arn,
        PIPELINE_NAME: pipeline.pipeline.name,
        // Review stacks are created with this secrets provider (review-stack.yml).
        REVIEW_STACKS_KMS_URL: secretsProviderUrl(app, "review", s.region),
        // Which gate keeps production: the environment's required reviewers, or CodePipeline's approval alone.
        PRODUCTION_GATE: s.productionGate,
    };
    for (const t of s.targets) infraVariables[deployRoleVariable(t.stack)] = oidc.roles[`deploy-${t.stack}`].arn;
    infraVariables[deployRoleVariable("review")] = oidc.roles["deploy-review"].arn;
    if (s.pulumiBackendUrl) infraVariables.PULUMI_BACKEND_URL = s.pulumiBackendUrl;
    /** A GitHub environment's own CI secrets (slipway:ciSecrets.<environment>.<NAME>). */
    const ciSecretsOf = (environment: string): Record<string, pulumi.Output<string>> =>
        Object.fromEntries(Object.entries(s.ciSecrets[environment] ?? {}).map(([name, v]) => [name, pulumi.secret(v.value)]));

    const appProvider = new GitHubProvider("github", { owner: s.github.owner });
    const sameRepository = infra.owner === s.github.owner && infra.repo === s.github.repo;
    const infraProvider = infra.owner === s.github.owner ? appProvider : new GitHubProvider("github-infra", { owner: infra.owner });
    if (sameRepository) {
        new RepoSettings("repo-settings", { repository: s.github.repo, variables: { ...appVariables, ...infraVariables } }, { providers: [appProvider] });
    } else {
        new RepoSettings("app-repo-settings", { repository: s.github.repo, variables: appVariables }, { providers: [appProvider] });
        // aliasLegacyNames: false, as for the smoke test: the engine stopped at this component's first child.
        new RepoSettings("infra-repo-settings", { repository: infra.repo, variables: infraVariables, aliasLegacyNames: false }, { providers: [infraProvider] });
    }
    new DeploymentEnvironments(
        "deployment-environments",
        {
            repository: infra.repo,
            environments: [
                ...s.targets.map((t) => ({
                    name: t.stack,
                    branch: s.github.branch,
                    // With pipeline-approval (private repositories without required reviewers on their
                    // GitHub plan) CodePipeline's manual approval is the production gate.
                    reviewers: t.tier === "production" && s.productionGate === "github-reviewers" ? s.productionReviewers : [],
                    secrets: ciSecretsOf(t.stack),
                })),
                // Review stacks deploy pull-request branches; previews of pull requests run in `preview`.
                { name: "review", secrets: ciSecretsOf("review") },
                { name: "preview", secrets: ciSecretsOf("preview") },
            ],
        },
        { providers: [infraProvider] },
    );

    return {
        repositoryUrl: registry.repositoryUrl,
        beanstalkApplicationName: beanstalkApp.name,
        repositoryArn: registry.arn,
        pipelineName: pipeline.pipeline.name,
        artifactBucket: store.bucket.bucket,
        notificationTopicArn: notifications.topic.arn,
        githubOidcProviderArn: oidc.providerArn,
        previewRoleArn: oidc.roles.preview.arn,
        deployRoleArns: Object.fromEntries([...s.targets.map((t) => t.stack), "review"].map((st) => [st, oidc.roles[`deploy-${st}`].arn])),
        pipelineStacks: s.targets.map((t) => t.stack),
    };
}
