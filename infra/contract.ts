// The contract between slipway's stacks: every name both sides of a stack boundary derive (the
// delivery stack's pipeline, policies and GitHub variables on one side; the environment stacks'
// resources and the workflows on the other), in one place. test/contract.test.ts plans both sides
// and checks they agree on each. Everything else is auto-named by Pulumi.
import type { Alias } from "@pulumi/pulumi";
import type { AwsContext } from "./shared/aws-context";
import { arnOf } from "./shared/arn";

/**
 * Aliases for a component's child now named `${component}-${suffix}`, to `legacyName`, the name it had
 * before children were named after their component. A child's URN carries its parent's type, not its
 * name, so two instances of a component with children named alike ("role") collided; a stack deployed
 * with the old names keeps its resources through the alias instead of replacing them.
 */
export function renamedFrom(legacyName: string, enabled = true): Alias[] {
    return enabled ? [{ name: legacyName }] : [];
}

/** Name of the environment's ECS cluster and service, and of its Beanstalk environment. */
export function environmentName(app: string, stack: string): string {
    return `${app}-${stack}`;
}

/**
 * The environment's Aurora cluster identifier (`<app>-<stack>`, RDS stores it lower-case): fixed, so the
 * deploy and runtime policies name it by ARN and a later pipeline step (the pre-release snapshot) finds it.
 */
/**
 * The log group RDS exports a database's `log` to: a cluster's /aws/rds/cluster/<cluster>/<log> (Aurora User Guide,
 * "Publishing Aurora PostgreSQL logs to Amazon CloudWatch Logs"), a DB instance's /aws/rds/instance/<instance>/<log>
 * (RDS User Guide, "Publishing PostgreSQL logs to Amazon CloudWatch Logs"). The stack declares it, its deploy role may manage it.
 */
export function rdsLogGroupName(identifier: string, log: string, kind: "serverless" | "instance" = "serverless"): string {
    return `/aws/rds/${kind === "instance" ? "instance" : "cluster"}/${identifier}/${log}`;
}

/**
 * The RDS ARN resource of an environment's database (`identifier`: databaseIdentifier, or a policy stack's pattern):
 * `cluster:<id>` for the Aurora cluster, `db:<id>` for kind instance, whose DB instance has the same identifier (one
 * name for both sides: the environment declares it, the delivery stack's policies and the pre-release snapshot name it).
 */
export function databaseResource(identifier: string, kind: "serverless" | "instance" = "serverless"): string {
    return `${kind === "instance" ? "db" : "cluster"}:${identifier}`;
}

/**
 * RDS's own master-password secret of an environment's database and the tag RDS puts on it naming the database:
 * `rds!cluster-<uuid>` tagged aws:rds:primaryDBClusterArn for a cluster, `rds!db-<uuid>` tagged
 * aws:rds:primaryDBInstanceArn for a DB instance (RDS User Guide, "Password management with Amazon RDS and AWS
 * Secrets Manager"; AWS managed policy AmazonRDSServiceRolePolicy tags `rds!*` secrets with either key and
 * aws:secretsmanager:owningService = rds).
 */
export function rdsMasterSecret(kind: "serverless" | "instance" = "serverless"): { pattern: string; tag: string } {
    return kind === "instance" ? { pattern: "secret:rds!db-*", tag: "aws:rds:primaryDBInstanceArn" } : { pattern: "secret:rds!cluster-*", tag: "aws:rds:primaryDBClusterArn" };
}

export function databaseIdentifier(app: string, stack: string): string {
    return environmentName(app, stack).toLowerCase();
}

/**
 * The PostgreSQL user an environment's processes connect as with IAM database authentication
 * (slipway:database.iamAuthentication): `<app>__<stack>`, lower case, `_` for `-` (`shop__production`,
 * `shop__review_pr_7`). An unquoted PostgreSQL identifier (a letter, then a–z, 0–9, `_`; at most 63 bytes,
 * NAMEDATALEN - 1): the cluster identifier `<app>-<stack>` is at most 44 of a–z, 0–9, '-', starts with a
 * letter and has no `--` (config/database.ts), so this is at most 45 bytes. The `__` between app and stack
 * keeps it unique per stack across apps (app `shop` stack `eu-production` is `shop__eu_production`, app
 * `shop-eu` stack `production` is `shop_eu__production`): neither part has `__` (no `--`). The delivery stack
 * grants `rds-db:connect` on `dbuser:<any cluster>/<user>` only (infra/delivery/database-connect.ts), so the name is the grant.
 * `stack` may be a policy stack's pattern (`review-*`): the user pattern of every review stack, `<app>__review_*`.
 */
export function databaseIamUser(app: string, stack: string): string {
    const user = `${app.toLowerCase().replace(/-/g, "_")}__${stack.toLowerCase().replace(/-/g, "_")}`;
    if (!/^[a-z][a-z0-9_*]{0,62}$/.test(user)) throw new Error(`databaseIamUser(${app}, ${stack}) = ${user}: not an unquoted PostgreSQL identifier of at most 63 bytes`);
    return user;
}

/** The runtime policy granting an environment's database processes `rds-db:connect` as its own user (iamAuthentication). */
export const DB_CONNECT_KIND = "db-connect";

/** The plain environment variable naming that user in every process that uses the database (not a secret: a name). */
export const DATABASE_IAM_USER_VARIABLE = "PGUSER_IAM";

/** The writer instance's identifier: `<cluster>-writer` (RDS: at most 63 characters, so the cluster's is at most 56). */
export function writerIdentifier(cluster: string): string {
    return `${cluster}-writer`;
}

/**
 * The EventBridge rule and the Step Functions state machine that restart an environment's services after
 * RDS rotates its database's master password (infra/platforms/ecs/rotation-restart.ts):
 * `<cluster>-db-rotation`. EventBridge rule names take 1–64 of [.-_A-Za-z0-9] (PutRule Name), state
 * machine names 1–80 (CreateStateMachine name); the cluster's identifier is at most 44 (DATABASE_IDENTIFIER_MAX).
 */
export function rotationRestartName(cluster: string): string {
    return `${cluster}-db-rotation`;
}

/** The alarm on a failed rotation restart, under the stack's alarm prefix (alarmNamePrefix). */
export const ROTATION_RESTART_ALARM = "db-rotation-restart-failed";

/** The final snapshot production's cluster (a DB cluster snapshot) or instance (a DB snapshot) leaves when it is deleted. */
export function finalSnapshotIdentifier(cluster: string): string {
    return `${cluster}-final`;
}

/**
 * The ECS task family of an environment's other process `process` (its release task): `<app>-<stack>_<process>`.
 * Stack names have no `_` (they are a–z, 0–9 and '-'), so no stack's names can match another's.
 */
export function processFamily(app: string, stack: string, process: string): string {
    return `${environmentName(app, stack)}_${process}`;
}

/**
 * The names of the stage actions the pipeline runs beside a platform's deploy (CodePipeline action
 * names: up to 100 of [A-Za-z0-9.@_-]), which the contract check, the cost and lead-time models read
 * back out of the plan: the pre-release database snapshot (first), the release phase (before the
 * deploys) and the scheduled jobs' new revisions (with them).
 */
export const STAGE_ACTIONS = { backup: "Backup", release: "Release", jobRevisions: "JobRevisions" } as const;

/** The release phase's process name: its task family is processFamily(app, stack, RELEASE_PROCESS). */
export const RELEASE_PROCESS = "release";

/**
 * A worker's ECS service, in the environment's cluster: `<app>-<stack>-<worker>`. Its ARN carries the
 * cluster (`service/<app>-<stack>/<app>-<stack>-<worker>`), so no other stack's service can match it.
 */
export function workerServiceName(app: string, stack: string, worker: string): string {
    return `${environmentName(app, stack)}-${worker}`;
}

/** A worker's task family: processFamily(app, stack, worker), `<app>-<stack>_<worker>`. */
export function workerFamily(app: string, stack: string, worker: string): string {
    return processFamily(app, stack, worker);
}

/** A worker's own log group, under the environment's prefix: `/slipway/<app>/<stack>/worker/<worker>`. */
export function workerLogGroupName(app: string, stack: string, worker: string): string {
    return `${logGroupPrefix(app, stack)}worker/${worker}`;
}

/** A scheduled job's task family: processFamily(app, stack, job), `<app>-<stack>_<job>` (job and worker names are one namespace). */
export function jobFamily(app: string, stack: string, job: string): string {
    return processFamily(app, stack, job);
}

/** A scheduled job's own log group, under the environment's prefix: `/slipway/<app>/<stack>/job/<job>`. */
export function jobLogGroupName(app: string, stack: string, job: string): string {
    return `${logGroupPrefix(app, stack)}job/${job}`;
}

/**
 * The environment's EventBridge Scheduler schedule group: `<app>-<stack>`. Schedules carry no tags, so a
 * schedule's ARN, `schedule/<group>/<name>`, is what scopes it to its stack (and the scheduler role's
 * aws:SourceArn is this group's ARN: Scheduler sets the group, not the schedule, as the source).
 */
export function jobScheduleGroupName(app: string, stack: string): string {
    return environmentName(app, stack);
}

/** The environment's dead-letter queue for failed job invocations: `<app>-<stack>-jobs-dlq` (SQS: up to 80 of [A-Za-z0-9_-]). */
export function jobDeadLetterQueueName(app: string, stack: string): string {
    return `${environmentName(app, stack)}-jobs-dlq`;
}

/** The log group every container of an ECS environment writes to (each process under its own stream prefix). */
export function appLogGroupName(app: string, stack: string): string {
    return `${logGroupPrefix(app, stack)}app`;
}

/** The single container in each task definition; the pipeline's imagedefinitions.json names it. */
export const CONTAINER_NAME = "app";

/** ECR repository name: one registry per app, shared by every environment. */
export function repositoryName(app: string): string {
    return app;
}

/**
 * The ECR repository of a service's own image (a worker naming its own Dockerfile or target):
 * `<app>/<service>`, a namespace under the app's repository name (ECR allows `/`-separated namespaces,
 * "CreateRepository"). One repository per image, not tag prefixes in the app's: ECR's IAM resource is the
 * repository (image tags have no condition key), and lifecycle rules and tag immutability are per
 * repository, so each image keeps its own verified images, its own `latest` cache and exact IAM grants.
 * Its URL is the app repository's URL + `/<service>`, so environments need no further delivery output.
 */
export function serviceRepositoryName(app: string, service: string): string {
    return `${repositoryName(app)}/${service}`;
}

/** The build artifact's file naming a service's own image for its ECS deploy action (the app's is imagedefinitions.json). */
export function imageDefinitionsFile(service: string): string {
    return `imagedefinitions-${service}.json`;
}

/** IAM path of every role slipway creates for an app, so PassRole can be scoped to the app. */
export function rolePath(app: string): string {
    return `/slipway/${app}/`;
}

/**
 * IAM path of an environment stack's own roles, inside the app's path: the pipeline may pass any of
 * the app's roles, while a stack's deploy role may only touch its own stack's.
 */
export function environmentRolePath(app: string, stack: string): string {
    return `${rolePath(app)}${stack}/`;
}

/** SSM parameter prefix under which an app's environments publish facts for the pipeline. */
export function parameterPrefix(app: string): string {
    return `/slipway/${app}`;
}

/**
 * The image tag an environment last verified (written by the pipeline's smoke test, read by the
 * environment stack so `pulumi up` keeps running the image the pipeline promoted).
 */
export function imageTagParameter(app: string, stack: string): string {
    return `${parameterPrefix(app)}/${stack}/image-tag`;
}

/** The ARN of an environment's maintenance listener rule (ECS, ALB; written by the environment stack, read by the release action). */
export function maintenanceRuleParameter(app: string, stack: string): string {
    return `${parameterPrefix(app)}/${stack}/maintenance-rule`;
}

/** The full health-check URL of an environment (written by the environment stack, read by the smoke test). */
export function healthUrlParameter(app: string, stack: string): string {
    return `${parameterPrefix(app)}/${stack}/health-url`;
}

// --- Stack ownership: the tag every AWS resource of a stack carries, and what AWS enforces with it ---

/**
 * Tag key on every AWS resource a slipway stack declares (the provider's defaultTags). Deploy roles
 * may create only resources tagged for their own stacks (`aws:RequestTag`) and change or delete only
 * resources tagged so (`aws:ResourceTag`).
 */
export const STACK_TAG = "slipway:stack";

/**
 * Tag a stack puts, with ADOPTED_VALUE, on the VPC default security group it adopts (AWS makes that
 * group untagged). Deploy roles may tag an untagged group into their stack only with this mark, and may
 * never open a marked group: an adopted group can be closed, not used (infra/delivery/deployer-policy.ts).
 */
export const ADOPTED_TAG = "slipway:adopted";
export const ADOPTED_VALUE = "default-security-group";

/**
 * The stack tag's value: `<app>/<stack>`. The app is part of the value so that app `shop`'s review
 * pattern (`shop/review-*`) can never match another app's stacks, whatever their names.
 */
export function stackTag(app: string, stackOrPattern: string): string {
    return `${app}/${stackOrPattern}`;
}

/** Review stacks share one policy set (and KMS key); every other stack has its own. */
export function policyStackOf(stack: string, tier: string): string {
    return tier === "review" ? "review" : stack;
}

/** The stack-name pattern a policy set covers: `review` covers every `review-*` stack. */
export function stackPattern(policyStack: string): string {
    return policyStack === "review" ? "review-*" : policyStack;
}

/** Name of a managed policy the delivery stack owns for a policy stack: `<app>-<stack>-<concern>`. */
export function managedPolicyName(app: string, policyStack: string, concern: string): string {
    return `${app}-${policyStack}-${concern}`;
}

/** A managed policy's ARN, known without a stack reference (IAM policy ARNs are path + name). */
export function managedPolicyArn(ctx: AwsContext, app: string, policyStack: string, concern: string): string {
    return arnOf(ctx, "iam", `policy${rolePath(app)}${managedPolicyName(app, policyStack, concern)}`, { global: true });
}

/** The permissions boundary every role of a policy stack's environments must carry. */
export const BOUNDARY_CONCERN = "boundary";

/**
 * The IAM policy variable for the caller's own stack: every role carries the stack tag (`<app>/<stack>`),
 * so one policy shared by all review stacks still gives `review-pr-7`'s tasks only review-pr-7's secrets.
 */
export const OWN_STACK = `\${aws:PrincipalTag/${STACK_TAG}}`;

/** The runtime policy of one kind of workload role (a platform's: `task-execution`, `beanstalk-instance`) for a policy stack. */
export function runtimePolicyArn(ctx: AwsContext, app: string, policyStack: string, kind: string): string {
    return managedPolicyArn(ctx, app, policyStack, kind);
}

/**
 * The runtime policy letting a policy stack's workloads (ECS task roles, Beanstalk instance roles) read the
 * app's private package index: declared by the delivery stack only with slipway:packages.runtimeRead.
 */
export const PACKAGES_READ_KIND = "packages-read";

/** The runtime policy kind of an ECS environment's EventBridge Scheduler role (scheduled jobs): `<app>-<stack>-job-scheduler`. */
export const JOB_SCHEDULER_KIND = "job-scheduler";

/**
 * The runtime policy of an ECS environment's infrastructure role for load balancers (ECS blue/green, canary
 * and linear deployments move the production listener rule's weights and register tasks with it).
 */
export const ECS_LB_INFRASTRUCTURE_KIND = "ecs-lb-infrastructure";

/**
 * The runtime policies of an environment's database-rotation restart (slipway:database): the Step Functions
 * role that forces a new deployment of the stack's services, and the EventBridge role that starts it.
 */
export const ROTATION_RESTART_KIND = "db-rotation-restart";
export const ROTATION_TRIGGER_KIND = "db-rotation-trigger";

/** That role's name (`<app>-<stack>-ecs-lb`): fixed, so a deploy role may pass exactly it, and only to ECS. */
export function ecsInfrastructureRoleName(app: string, stack: string): string {
    return `${environmentName(app, stack)}-ecs-lb`;
}

/** The ARN pattern of every role of a policy stack's environments (`…:role/slipway/<app>/<stack>/*`; review: `review-*`). */
export function environmentRoleArnPattern(ctx: AwsContext, app: string, policyStack: string): string {
    return stackRolesArn(ctx, app, stackPattern(policyStack));
}

/** Every role under a stack's (or a stack pattern's) IAM path: `arn:…:iam::<account>:role/slipway/<app>/<stack>/*`. */
export function stackRolesArn(ctx: AwsContext, app: string, stack: string): string {
    return arnOf(ctx, "iam", `role${environmentRolePath(app, stack)}*`, { global: true });
}

/** Every role of the calling principal's own stack, by its stack tag (OWN_STACK): `…:role/slipway/<app>/<stack>/*`. */
export function ownStackRolesArn(ctx: AwsContext): string {
    return arnOf(ctx, "iam", `role/slipway/${OWN_STACK}/*`, { global: true });
}

/** The permissions boundary of a policy stack's roles. */
export function boundaryArn(ctx: AwsContext, app: string, policyStack: string): string {
    return managedPolicyArn(ctx, app, policyStack, BOUNDARY_CONCERN);
}

// The tag marking a boundary (POLICY_PURPOSE_TAG) is the policy pack's vocabulary: policy/kit.ts.

/** KMS alias of a policy stack's secrets provider (`pulumi stack init --secrets-provider awskms://…`). */
export function secretsKeyAlias(app: string, policyStack: string): string {
    return `alias/slipway/${app}/${policyStack}`;
}

/** The secrets-provider URL a stack is created with. */
export function secretsProviderUrl(app: string, policyStack: string, region: string): string {
    return `awskms://${secretsKeyAlias(app, policyStack)}?region=${region}`;
}

/**
 * Secrets Manager name prefix of the secrets of the stack whose tag value is `tag` (`<app>/<stack>`,
 * or an IAM policy variable that resolves to it: runtime policies use `${aws:PrincipalTag/slipway:stack}`).
 */
export function secretNamePrefixOfTag(tag: string): string {
    return `slipway/${tag}/`;
}

/** Secrets Manager name prefix of an environment's app secret. */
export function secretNamePrefix(app: string, stack: string): string {
    return secretNamePrefixOfTag(stackTag(app, stack));
}

/** CloudWatch log-group prefix of the log groups of the stack whose tag value is `tag` (see secretNamePrefixOfTag). */
export function logGroupPrefixOfTag(tag: string): string {
    return `/${secretNamePrefixOfTag(tag)}`;
}

/** CloudWatch log-group prefix of an environment's own log groups. */
export function logGroupPrefix(app: string, stack: string): string {
    return logGroupPrefixOfTag(stackTag(app, stack));
}

/** Log-group prefix Elastic Beanstalk streams an environment's instance logs to (EB names it, not slipway). */
export function beanstalkLogGroupPrefix(app: string, stack: string): string {
    return `/aws/elasticbeanstalk/${environmentName(app, stack)}/`;
}

/** The app's one Elastic Beanstalk application (declared in the delivery stack; environments join it). */
export function beanstalkApplicationName(app: string): string {
    return app;
}

/**
 * The bucket Elastic Beanstalk keeps a region's application versions and environment files in
 * (`elasticbeanstalk-<region>-<account>`, named by EB), and, with `path`, objects under it.
 */
export function beanstalkStorageArn(ctx: AwsContext, path = ""): string {
    return `arn:${ctx.partition}:s3:::elasticbeanstalk-${ctx.region}-${ctx.accountId}${path}`;
}

/** The Auto Scaling groups Elastic Beanstalk makes for its environments (`awseb-e-…`, named by EB). */
export function beanstalkGroupsArn(ctx: AwsContext): string {
    return arnOf(ctx, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/awseb-e-*");
}

/** Name prefix of an environment's bundle bucket: one bucket per stack, so no stack can write another's bundles. */
export function bundleBucketPrefix(app: string, stack: string): string {
    return `${environmentName(app, stack)}-`;
}

/** GitHub variable holding the deploy role ARN for an environment stack: AWS_DEPLOY_ROLE_ARN_STAGING. */
export function deployRoleVariable(stack: string): string {
    return `AWS_DEPLOY_ROLE_ARN_${stack.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * The other GitHub Actions variables the delivery stack sets and the workflows read (`vars.<NAME>`);
 * test/contract.test.ts checks every `vars.` a workflow reads is one the delivery stack sets.
 */
export const GITHUB_VARIABLES = {
    region: "AWS_REGION",
    repositoryUrl: "ECR_REPOSITORY_URL",
    pipelineName: "PIPELINE_NAME",
    previewRoleArn: "AWS_PREVIEW_ROLE_ARN",
    reviewStacksKmsUrl: "REVIEW_STACKS_KMS_URL",
    productionGate: "PRODUCTION_GATE",
    backendUrl: "PULUMI_BACKEND_URL",
    /** The app repository's read-only role on the private package index (slipway:packages). */
    packagesReadRoleArn: "AWS_PACKAGES_READ_ROLE_ARN",
} as const;

/** The GitHub OIDC role (GitHubOidc role name) the app repository's CI reads the private package index with. */
export const PACKAGES_READ_ROLE = "packages-read";

/** The delivery stack sets PULUMI_BACKEND_URL only with slipway:pulumiBackendUrl; without it the workflows use Pulumi Cloud. */
export const CONDITIONAL_GITHUB_VARIABLES: string[] = [GITHUB_VARIABLES.backendUrl, GITHUB_VARIABLES.packagesReadRoleArn];

/** Variables a team may set by hand to tune a workflow; each workflow has a default for them. */
export const TEAM_SET_WORKFLOW_VARIABLES = ["REVIEW_STACK_IDLE_DAYS", "STAGING_SCALE_TO_ZERO"];

/** The GitHub environments of the infra repository besides one per pipeline stack. */
export const REVIEW_ENVIRONMENT = "review";
export const PREVIEW_ENVIRONMENT = "preview";
/**
 * Where the scheduled and manual teardown of review stacks runs: the review role, without the review
 * environment's reviewers, but only for jobs of the release branch (its deployment branch policy), so no
 * pull request's workflow can enter it.
 */
export const REVIEW_TEARDOWN_ENVIRONMENT = "review-teardown";

/** Outputs of the delivery stack that environment stacks read through a StackReference. */
export const DELIVERY_OUTPUTS = {
    repositoryUrl: "repositoryUrl",
    repositoryArn: "repositoryArn",
    beanstalkApplicationName: "beanstalkApplicationName",
    /** The pipeline's SNS topic: each environment's release alarms notify it. */
    notificationTopicArn: "notificationTopicArn",
} as const;

/**
 * Name prefix of the CloudWatch alarms of the stack whose tag value is `tag` (`slipway/<app>/<stack>/`).
 * PutMetricAlarm and DeleteAlarms take no tag condition (service authorization reference: their alarm
 * resource lists no condition keys), so deploy roles are scoped by this name; the `/` after the stack
 * keeps `shop/staging`'s prefix from matching a stack named `staging-eu`.
 */
export function alarmNamePrefixOfTag(tag: string): string {
    return `slipway/${tag}/`;
}

/** Name prefix of an environment's release alarms. */
export function alarmNamePrefix(app: string, stack: string): string {
    return alarmNamePrefixOfTag(stackTag(app, stack));
}

/** Stage names are the environment names, capitalised: `staging` → `Staging`. */
export function stageName(stack: string): string {
    return stack
        .split("-")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("-");
}
