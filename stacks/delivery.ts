// The delivery stack, once per app: registry, build, pipeline, notifications, GitHub OIDC roles and the
// app repository's CI variables. Environments are separate stacks, so tearing one down never touches this.
import * as pulumi from "@pulumi/pulumi";
import { Provider as GitHubProvider } from "@pulumi/github/provider";
import * as ssm from "@pulumi/aws/ssm";
import { DeliverySettings } from "../infra/config/settings";
import {
    CONTAINER_NAME, DELIVERY_OUTPUTS, deployRoleVariable, environmentRoleArnPattern, GITHUB_VARIABLES, healthUrlParameter, imageTagParameter, parameterPrefix, PREVIEW_ENVIRONMENT,
    PACKAGES_READ_ROLE, repositoryName, REVIEW_ENVIRONMENT, serviceRepositoryName, REVIEW_TEARDOWN_ENVIRONMENT, rolePath, secretNamePrefix, secretsProviderUrl, stageName,
    managedPolicyName,
} from "../infra/contract";
import { ArtifactStore } from "../infra/delivery/artifact-store";
import { BuildProject, imageBuildSpec, imageBuildStatements, smokeTestBuildSpec } from "../infra/delivery/build";
import { deployRolePolicies, previewStatements } from "../infra/delivery/deployer-policy";
import { domainRolePolicy } from "../infra/delivery/domain-policy";
import { snapshotActionVariables, snapshotBuildSpec, SNAPSHOT_PROJECT_TIMEOUT_MINUTES, snapshotStatements, snapshotTarget } from "../infra/delivery/database-snapshot";
import { databaseRolePolicies } from "../infra/delivery/database-policy";
import { databaseRestoreRolePolicy } from "../infra/delivery/database-restore-policy";
import { fitManagedPolicies } from "../infra/delivery/role-policy-fit";
import { domainGrant } from "../infra/config/domain";
import { stateBackendStatements } from "../infra/delivery/state-backend";
import { DeploymentEnvironments } from "../infra/delivery/github-environments";
import { GitHubOidc, GitHubRoleSpec } from "../infra/delivery/github-oidc";
import { Notifications } from "../infra/delivery/notifications";
import { ChatNotifications } from "../infra/delivery/chat";
import { OpsAccess } from "../infra/delivery/ops-access";
import { GitHubStatus, githubBadges } from "../infra/delivery/github-status";
import { DeliveryPipeline, DeliveryPipelineArgs, PipelineTarget, smokeTestStatements, smokeTestTimeoutMinutes } from "../infra/delivery/pipeline";
import { Registry } from "../infra/delivery/registry";
import { RepoSettings } from "../infra/delivery/repo-settings";
import { SeedImage, SEED_TAG } from "../infra/delivery/seed-image";
import { StackAccess } from "../infra/delivery/stack-access";
import { pipelineImages } from "../infra/platforms/ecs/service-images";
import { platformNamed, PLATFORMS } from "../infra/platforms";
import type { ActionVariable, Platform, PlatformName, StageProjectKind, StageTargetSettings } from "../infra/platforms/platform";
import { awsContext } from "../infra/shared/aws-context";
import { packageIndexVariables, packageReadStatements, PACKAGES_READ_TOKEN_MINUTES } from "../infra/packages/build-access";
import { PackageIndex } from "../infra/packages/package-index";
import { PackagePublishing } from "../infra/packages/publishing";

export async function deliveryStack(s: DeliverySettings): Promise<Record<string, unknown>> {
    const app = s.appName;
    const ctx = await awsContext(s.region);
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
    // Workers that name their own Dockerfile or target: one repository each, `<app>/<worker>`, kept like the app's.
    const ownImages = pipelineImages(s.targets);
    const imageRegistries = Object.fromEntries(
        ownImages.map((i) => [
            i.service,
            new Registry(`image-${i.service}`, { name: serviceRepositoryName(app, i.service), keepImages: s.registry.keepImages, untaggedImageDays: s.registry.untaggedImageDays, verifiedStacks: s.targets.map((t) => t.stack), protect, aliasLegacyNames: false }),
        ]),
    );
    const imageArns = (services: readonly string[]) => services.filter((n) => imageRegistries[n]).map((n) => imageRegistries[n].arn);
    const ownImageRepositoryArns = Object.fromEntries([
        ...s.targets.filter((t) => t.images).map((t) => [t.stack, imageArns((t.images ?? []).map((i) => i.service))]),
        ...(s.reviewImages ? [["review", imageArns(s.reviewImages.map((i) => i.service))]] : []),
    ]);
    const store = new ArtifactStore("artifacts", { protect, ctx });
    // What each environment's workloads may do, owned here so deploy roles only attach it.
    // …with the boundary every role of each stack carries, and the key each stack's config secrets are encrypted with.
    const policyStacks = [...s.targets.map((t) => t.stack), "review"];
    // With slipway:packages.runtimeRead the environments' workloads read the package index too.
    const runtimePackages = s.packages?.runtimeRead ? s.packages : undefined;
    // slipway:database in an environment's stack file (or the review template's): its agents read its cluster's password.
    const databaseStacks = [...s.targets.filter((t) => t.database).map((t) => t.stack), ...(s.reviewDatabase ? ["review"] : [])];
    // …on its platform: whose workloads read it (the ECS agent, Beanstalk's instances), and what restarts after a rotation.
    const databasePlatforms = Object.fromEntries([...s.targets.filter((t) => t.database).map((t) => [t.stack, t.platform]), ...(s.reviewDatabase && s.reviewDatabasePlatform ? [["review", s.reviewDatabasePlatform]] : [])]) as Record<string, PlatformName>;
    // …with slipway:database.iamAuthentication (ECS task roles, the Beanstalk instance role): they connect as its own user (infra/delivery/database-connect.ts).
    const databaseIamStacks = [...s.targets.filter((t) => t.database && t.databaseIam).map((t) => t.stack), ...(s.reviewDatabase && s.reviewDatabaseIam ? ["review"] : [])];
    // …with slipway:database.kind instance: its database is one RDS DB instance (db:<id>, RDS's secret rds!db-*), not a cluster.
    const instanceDatabaseStacks = [...s.targets.filter((t) => t.database && t.databaseKind === "instance").map((t) => t.stack), ...(s.reviewDatabase && s.reviewDatabaseKind === "instance" ? ["review"] : [])];
    // Queue workers in an environment's stack file (or the review template's): each consumes its own queue.
    const workerQueues: Record<string, Record<string, string>> = Object.fromEntries([...s.targets.filter((t) => t.queues).map((t) => [t.stack, t.queues ?? {}]), ...(s.reviewQueues ? [["review", s.reviewQueues]] : [])]);
    // Workers and jobs that choose their secrets: each gets an execution role that reads only its own.
    const processExecutions: Record<string, Record<string, { database: boolean }>> = Object.fromEntries([...s.targets.filter((t) => t.secretChoices).map((t) => [t.stack, t.secretChoices ?? {}]), ...(s.reviewSecretChoices ? [["review", s.reviewSecretChoices]] : [])]);
    const access = new StackAccess("runtime-policies", { app, stacks: policyStacks, repositoryArn: registry.arn, ...(runtimePackages ? { packages: runtimePackages } : {}), ...(databaseStacks.length ? { databaseStacks, databasePlatforms } : {}), ...(databaseIamStacks.length ? { databaseIamStacks } : {}), ...(instanceDatabaseStacks.length ? { instanceDatabaseStacks } : {}), ...(ownImages.length ? { ownImageRepositoryArns } : {}), ...(Object.keys(workerQueues).length ? { workerQueues } : {}), ...(Object.keys(processExecutions).length ? { processExecutions } : {}), ctx });
    const notifications = new Notifications("notifications", { emails: s.notificationEmails, kmsKeyArn: store.key.arn, app, ctx });

    // What each platform keeps in the delivery stack for its environments (Beanstalk: the app's EB application).
    const platformOutputs: Record<string, pulumi.Output<unknown>> = Object.assign({}, ...PLATFORMS.map((p) => p.delivery?.({ app, ctx, protect }) ?? {}));
    // What the pipeline and the environment stacks have recorded so far (GetParametersByPath answers an empty list, not an error,
    // when nothing is stored yet). A parameter created again (replaced, or re-created after a refresh
    // found it gone) starts from the recorded sha, never from "latest" over a verified image.
    const recorded = ssm.getParametersByPathOutput({ path: parameterPrefix(app), recursive: true, withDecryption: false });
    // Each target's platform comes from its own stack file (slipway:platform), read in config.ts.
    const targets: PipelineTarget[] = s.targets.map((t) => ({
        stack: t.stack,
        production: t.tier === "production",
        platform: t.platform,
        deploy: platformNamed(t.platform).target(app, t.stack, { workers: t.workers, jobs: t.jobs, settleMinutes: t.settleMinutes, ...(t.images ? { ownImages: t.images.map((i) => i.service) } : {}) }),
        healthUrlParameter: healthUrlParameter(app, t.stack),
        imageTagParameter: imageTagParameter(app, t.stack),
        // An environment stack writes its health URL on its first up: until then the pipeline skips it.
        exists: recorded.apply((r) => r.names.includes(healthUrlParameter(app, t.stack))),
        release: stageActionVariables("release", app, t),
        jobs: stageActionVariables("jobRevisions", app, t),
        // Production with slipway:database: a snapshot of its cluster before the release phase and the deploy.
        snapshot: t.tier === "production" && t.database ? snapshotActionVariables(snapshotTarget(app, t.stack, t.databaseKind)) : undefined,
    }));
    // The pipeline records each environment's last verified image here; the delivery stack creates
    // the parameters so an environment can read one before the pipeline's first run.
    // Opt-in bootstrap: a first image from a local checkout, which environments run until the
    // pipeline has verified one of its own.
    const seed = s.seedImageContext
        ? new SeedImage("seed-image", { repositoryUrl: registry.repositoryUrl, context: s.seedImageContext, dockerfile: s.build.dockerfile })
        : undefined;
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
            platformArtifacts: PLATFORMS.filter((p) => s.targets.some((t) => t.platform === p.name)).flatMap((p) => (p.buildArtifacts ? [p.buildArtifacts] : [])),
            packageFormats: s.packages?.formats,
            ...(ownImages.length ? { ownImages } : {}),
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
            ...(s.packages ? packageIndexVariables(app, s.packages, s.build.timeoutMinutes, ctx) : {}),
        },
        statements: [...imageBuildStatements(registry.arn, imageArns(ownImages.map((i) => i.service))), ...(s.packages ? packageReadStatements(app, s.packages, ctx) : [])],
    });
    const smoke = new BuildProject("smoke-test", {
        ...artifactAccess,
        description: `Smoke-test ${app} after each deploy`,
        // The first `pulumi up` stopped at this project's children (their URNs were the build's): nothing to keep.
        aliasLegacyNames: false,
        buildspec: smokeTestBuildSpec(ownImages.length ? { ownImages: true } : {}),
        // Long enough for every attempt of the longest stage (a canary's polls through its waits).
        timeoutMinutes: smokeTestTimeoutMinutes(targets, s.smokeTestAttempts),
        // Reads what each environment runs before recording an image as verified there (smokeTestScript).
        statements: smokeTestStatements(targets, registry.arn, ctx, imageArns(ownImages.map((i) => i.service))),
    });

    // The platforms' stage projects: the release phase (targets whose stack file sets slipway:releaseCommand)
    // and the scheduled jobs' revisions (slipway:jobs), one project per platform for all its targets that need it.
    const stageProjects = (kind: StageProjectKind): StageProjects => {
        const projects: StageProjects = {};
        for (const p of PLATFORMS) {
            const hook = p.stageProjects?.[kind];
            const needs = hook ? s.targets.filter((t) => t.platform === p.name).flatMap((t) => hook.target(app, t) ?? []) : [];
            if (!hook || !needs.length) continue;
            const declare = (name: string, targets: typeof needs, stack?: string, opts?: pulumi.ComponentResourceOptions) =>
                new BuildProject(
                    name,
                    {
                        ...artifactAccess,
                        description: hook.description(app, stack),
                        aliasLegacyNames: false,
                        buildspec: hook.buildSpec(),
                        timeoutMinutes: hook.timeoutMinutes,
                        variables: { REPOSITORY_URL: registry.repositoryUrl },
                        statements: hook.statements(ctx, targets, app),
                    },
                    opts,
                ).project;
            if (hook.perTarget) {
                // One project and role per target, keyed by its stack (DeliveryPipelineArgs.releaseProjects). The first keeps
                // the resources of the one shared project it replaces (alias): its protected log group is not deleted.
                needs.forEach((t, i) => {
                    const project = declare(`${hook.projectName}-${t.stack}`, [t], t.stack, i === 0 ? { aliases: [{ name: hook.projectName }] } : undefined);
                    projects[t.stack] = { projectName: project.name, projectArn: project.arn };
                });
                continue;
            }
            const project = declare(hook.projectName, needs);
            projects[p.name] = { projectName: project.name, projectArn: project.arn };
        }
        return projects;
    };
    const releaseProjects = stageProjects("release");
    const jobProjects = stageProjects("jobRevisions");

    // The pre-release backup (production targets whose stack file sets slipway:database): one project for all.
    const snapshotTargets = s.targets.filter((t) => t.tier === "production" && t.database).map((t) => snapshotTarget(app, t.stack, t.databaseKind));
    const snapshot = snapshotTargets.length
        ? new BuildProject("db-snapshot", {
              ...artifactAccess,
              description: `Snapshot ${app}'s production database before each release`,
              aliasLegacyNames: false,
              buildspec: snapshotBuildSpec(snapshotTargets),
              timeoutMinutes: SNAPSHOT_PROJECT_TIMEOUT_MINUTES,
              statements: snapshotStatements(ctx, snapshotTargets),
          })
        : undefined;

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
        releaseProjects,
        jobProjects,
        snapshot: snapshot ? { projectName: snapshot.project.name, projectArn: snapshot.project.arn } : undefined,
        topicArn: notifications.topic.arn,
        app,
        ctx,
    });

    // Chat channels (slipway:chat): AWS Chatbot posts the events each asked for.
    if (s.chat.length) {
        new ChatNotifications("chat", { app, channels: s.chat, pipelineArn: pipeline.pipeline.arn, topicArn: notifications.topic.arn, rolePath: path, ctx });
    }

    // The ops commands' roles (npm run metrics, status, rollback): read-only, and production rollback.
    const ops = new OpsAccess("ops", {
        app,
        pipelineArn: pipeline.pipeline.arn,
        targets: s.targets.map((t) => ({ stack: t.stack, production: t.tier === "production" })),
        principals: s.ops.principals,
        rollback: s.ops.rollback,
        rolePath: path,
        ctx,
    });
    // slipway:githubStatus: each stage's start and end, reported to the app repository by an out-of-band reporter.
    const githubStatus = s.githubStatus
        ? new GitHubStatus("github-status", {
              app,
              repository: `${s.github.owner}/${s.github.repo}`,
              settings: s.githubStatus,
              pipelineName: pipeline.pipeline.name,
              pipelineArn: pipeline.pipeline.arn,
              stages: [{ stage: "Build" }, ...targets.map((t) => ({ stage: stageName(t.stack), environment: t.stack, production: t.production }))],
              secretName: `${secretNamePrefix(app, s.stack)}github-status-token`,
              kmsKeyArn: store.key.arn,
              rolePath: path,
              protect,
              ctx,
          })
        : undefined;

    // The private package index: builds install from it, and (optionally) a tag pipeline publishes to it.
    const packages = s.packages;
    const publishing = packages?.publish
        ? new PackagePublishing("package-publishing", {
              app,
              packages,
              publish: packages.publish,
              connectionArn: s.connectionArn,
              repository: `${s.github.owner}/${s.github.repo}`,
              branch: s.github.branch,
              artifactBucket: store.bucket.bucket,
              artifactBucketArn: store.bucket.arn,
              artifactKeyArn: store.key.arn,
              protect,
              ctx,
          })
        : undefined;

    // One role per job kind; each trusts only its own OIDC subject (GitHub puts the job's
    // environment in `sub` when the job names one).
    const infra = s.infraRepository;
    /** A deploy role's managed policies, one per concern, for one policy stack (`review`: every review-* stack). */
    const deployPolicies = (policyStack: string, platforms: readonly Platform[], pipelineName?: pulumi.Input<string>, domain?: { zoneId: string; name: string }, database?: boolean, databasePlatform?: string, settles?: boolean) => {
        const scope = { app, policyStack, ctx, secretsKeyArn: access.secretsKeyArns[policyStack], pipelineName, backendUrl: s.pulumiBackendUrl, project: s.project, deliveryStack: s.stack, topicArn: notifications.topic.arn, packagesRead: Boolean(runtimePackages), settles, ...(workerQueues[policyStack] ? { queueWorkers: Object.keys(workerQueues[policyStack]) } : {}), ...(processExecutions[policyStack] ? { processExecutions: Object.keys(processExecutions[policyStack]) } : {}), ...(databaseIamStacks.includes(policyStack) ? { databaseConnect: true } : {}), ...(instanceDatabaseStacks.includes(policyStack) ? { databaseKind: "instance" as const } : {}) };
        // A managed domain (the environment's stack file sets slipway:domainZoneId): its names in its zone only.
        const grant = domain && domainGrant(domain.zoneId, domain.name, policyStack === "review");
        // slipway:database in the environment's stack file: its own Aurora cluster, by name and tag.
        return [...deployRolePolicies(scope, platforms), ...(grant ? [domainRolePolicy(scope, grant)] : []), ...(database ? databaseRolePolicies(scope, platformNamed(databasePlatform ?? "ecs")) : []),
            // The review template's restoreFrom (with its review-staging-data waiver): restore from staging's automated snapshots.
            ...(database && policyStack === "review" && s.reviewDatabaseRestore ? [databaseRestoreRolePolicy(scope, s.reviewDatabaseRestore.stack)] : [])];
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
                // A previewable stack with slipway:database has the rotation restart's state machine: the provider validates a
                // changed definition at preview (CustomizeDiff stateMachineDefinitionValidate; the action has no resource type).
                ...(s.targets.some((t) => t.tier === "staging" && t.database)
                    ? [{ Sid: "ValidateRestartMachines", Action: ["states:ValidateStateMachineDefinition"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } } }]
                    : []),
                // A preview runs the program: its StackReference reads delivery's outputs.
                ...stateBackendStatements({ backendUrl: s.pulumiBackendUrl, ctx, project: s.project, own: previewable, mode: "read", readsCheckpointsOf: [s.stack] }),
            ],
        },
        ...s.targets.map((t) => ({
            name: `deploy-${t.stack}`,
            description: `GitHub Actions: pulumi up of the ${t.stack} stack`,
            subjects: [`environment:${t.stack}`],
            policies: deployPolicies(t.stack, [platformNamed(t.platform)], pipeline.pipeline.name, t.domain, t.database, t.platform, Boolean(t.settleMinutes)),
        })),
        {
            // Pull-request jobs deploy review stacks with a role of their own: it cannot touch staging.
            name: "deploy-review",
            description: "GitHub Actions: pulumi up and destroy of review-pr-* stacks",
            // review: pull requests' deploys (gated by reviewStackGate); review-teardown: the release
            // branch's scheduled teardown, which must not wait for a reviewer.
            subjects: [`environment:${REVIEW_ENVIRONMENT}`, `environment:${REVIEW_TEARDOWN_ENVIRONMENT}`],
            // A review stack is made from the review template's config, so it may be on any platform.
            // With a database (and restoreFrom) the review role passes IAM's 10 managed policies: those concerns move inline.
            ...fitManagedPolicies(deployPolicies("review", PLATFORMS, undefined, s.reviewDomain, s.reviewDatabase), ["deploy-database-support", "deploy-database-restore", "deploy-domain"].map((c) => managedPolicyName(app, "review", c))),
        },
        // The app repository's own CI installs from the private index: read only, its release branch and pull requests.
        ...(packages
            ? [
                  {
                      name: PACKAGES_READ_ROLE,
                      description: `GitHub Actions of ${s.github.owner}/${s.github.repo}: install from the private package index (read only)`,
                      repository: { owner: s.github.owner, repo: s.github.repo },
                      subjects: [`ref:refs/heads/${s.github.branch}`, "pull_request"],
                      statements: packageReadStatements(app, packages, ctx),
                  },
              ]
            : []),
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
    if (packages) {
        new PackageIndex("packages", {
            app,
            settings: packages,
            readers: [build.role.arn, oidc.roles[PACKAGES_READ_ROLE].arn],
            publisher: publishing && packages.publish ? { roleArn: publishing.job.role.arn, format: packages.publish.format } : undefined,
            environmentReaders: runtimePackages ? policyStacks.map((st) => environmentRoleArnPattern(ctx, app, st)) : undefined,
            protect,
            ctx,
        });
    }

    // The app repository's CI learns where images live; the infra repository's workflows get the
    // roles, the state backend and the CI secrets. One repository may be both.
    const V = GITHUB_VARIABLES;
    const appVariables: Record<string, pulumi.Input<string>> = {
        [V.region]: s.region,
        [V.repositoryUrl]: registry.repositoryUrl,
        [V.pipelineName]: pipeline.pipeline.name,
        // Where the app's CI finds the private index, and the role that reads it.
        ...(packages ? { [V.packagesReadRoleArn]: oidc.roles[PACKAGES_READ_ROLE].arn, ...packageIndexVariables(app, packages, PACKAGES_READ_TOKEN_MINUTES, ctx) } : {}),
    };
    const infraVariables: Record<string, pulumi.Input<string>> = {
        [V.region]: s.region,
        [V.previewRoleArn]: oidc.roles.preview.arn,
        [V.pipelineName]: pipeline.pipeline.name,
        // Review stacks are created with this secrets provider (review-stack.yml).
        [V.reviewStacksKmsUrl]: secretsProviderUrl(app, "review", s.region),
        // Which gate keeps production: the environment's required reviewers, or CodePipeline's approval alone.
        [V.productionGate]: s.productionGate,
    };
    for (const t of s.targets) infraVariables[deployRoleVariable(t.stack)] = oidc.roles[`deploy-${t.stack}`].arn;
    infraVariables[deployRoleVariable("review")] = oidc.roles["deploy-review"].arn;
    if (s.pulumiBackendUrl) infraVariables[V.backendUrl] = s.pulumiBackendUrl;
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
                // Review stacks deploy pull-request branches (with the production reviewers' approval
                // under reviewStackGate github-reviewers); previews of pull requests run in `preview`.
                { name: REVIEW_ENVIRONMENT, reviewers: s.reviewStackGate === "github-reviewers" ? s.productionReviewers : [], secrets: ciSecretsOf(REVIEW_ENVIRONMENT) },
                // The teardown workflow: the release branch only, the review environment's secrets.
                { name: REVIEW_TEARDOWN_ENVIRONMENT, branch: s.github.branch, secrets: ciSecretsOf(REVIEW_ENVIRONMENT) },
                { name: PREVIEW_ENVIRONMENT, secrets: ciSecretsOf(PREVIEW_ENVIRONMENT) },
            ],
        },
        { providers: [infraProvider] },
    );

    return {
        [DELIVERY_OUTPUTS.repositoryUrl]: registry.repositoryUrl,
        ...platformOutputs,
        [DELIVERY_OUTPUTS.repositoryArn]: registry.arn,
        pipelineName: pipeline.pipeline.name,
        artifactBucket: store.bucket.bucket,
        [DELIVERY_OUTPUTS.notificationTopicArn]: notifications.topic.arn,
        githubOidcProviderArn: oidc.providerArn,
        previewRoleArn: oidc.roles.preview.arn,
        deployRoleArns: Object.fromEntries([...s.targets.map((t) => t.stack), "review"].map((st) => [st, oidc.roles[`deploy-${st}`].arn])),
        pipelineStacks: s.targets.map((t) => t.stack),
        // Added compatibly: the roles for npm run metrics / status, and npm run rollback (docs/day-to-day.md).
        opsRoleArn: ops.readRole.arn,
        ...(ops.rollbackRole ? { opsRollbackRoleArn: ops.rollbackRole.arn } : {}),
        // README badges over what the reporter sets (docs/releases.md); public repositories only.
        ...(githubStatus ? { githubBadges: githubBadges(`${s.github.owner}/${s.github.repo}`, s.github.branch, s.targets.map((t) => t.stack)) } : {}),
    };
}

/** Each platform's projects of one stage-project kind (DeliveryPipelineArgs.releaseProjects, jobProjects). */
type StageProjects = NonNullable<DeliveryPipelineArgs["releaseProjects"]>;

/** The variables of target `t`'s stage action of `kind`, when its platform has that project and `t` needs it. */
function stageActionVariables(kind: StageProjectKind, app: string, t: StageTargetSettings & { platform: string }): ActionVariable[] | undefined {
    const hook = platformNamed(t.platform).stageProjects?.[kind];
    const target = hook?.target(app, t);
    return hook && target ? hook.actionVariables(target) : undefined;
}
