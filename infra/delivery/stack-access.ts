// What an environment's workloads may do at run time (the ECS agent's execution role, the Beanstalk
// instance role), the permissions boundary every role of the stack carries, and the stack's
// secrets-provider key — all owned by the delivery stack. Environment stacks only attach the policies
// and set the boundary, so a GitHub deploy role never writes a permission: it may attach exactly these
// policies to its own stacks' roles, and create roles only with this boundary.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import { accountRootArn, arnOf, AwsContext } from "../shared/aws-context";
import { policyDocument, Statement } from "../shared/iam";
import { platformNamed, PLATFORMS } from "../platforms";
import type { Platform, PlatformName } from "../platforms/platform";
// The pack's own tag vocabulary (type-only imports there: nothing of @pulumi/policy loads here).
import { BOUNDARY_PURPOSE, POLICY_PURPOSE_TAG } from "../../policy/kit";
import { packageReadStatements } from "../packages/build-access";
import { queueBoundaryStatements, queueConsumerStatements, queueKind } from "../platforms/ecs/queue-access";
import { processExecutionKind } from "../platforms/ecs/process-secrets";
import { rotationBoundaryStatements, rotationTriggerStatements } from "../platforms/ecs/rotation-restart";
import { databaseConnectBoundaryStatements, databaseConnectStatements } from "./database-connect";
import { domainArn, privateRepositoryName, repositoryArn as packageRepositoryArn } from "../packages/names";
import { PUBLISH_ACTIONS, READ_ACTIONS } from "../packages/package-index";
import type { PackageSettings } from "../packages/settings";
import {
    beanstalkStorageArn, BOUNDARY_CONCERN, databaseIdentifier, databaseResource, DB_CONNECT_KIND, managedPolicyName, OWN_STACK, ownStackRolesArn, PACKAGES_READ_KIND, renamedFrom, rolePath, ROTATION_RESTART_KIND, ROTATION_TRIGGER_KIND, secretNamePrefixOfTag, secretsKeyAlias,
    rdsMasterSecret, stackPattern, stackTag, STACK_TAG,
} from "../contract";
import type { DatabaseKind } from "../config/database";

/**
 * The tag RDS puts on the secret it manages for a cluster: the cluster's ARN (AWS managed policy
 * AmazonRDSServiceRolePolicy tags `rds!*` secrets with aws:rds:primaryDBClusterArn and
 * aws:secretsmanager:owningService = rds).
 */
export const RDS_CLUSTER_TAG = "aws:rds:primaryDBClusterArn";

/** The stack's own database: its cluster, or (kind instance) its DB instance, `db:<id>` (contract.ts databaseResource). */
const ownClusterArn = (app: string, pattern: string, ctx: AwsContext, kind: DatabaseKind = "serverless") => arnOf(ctx, "rds", databaseResource(databaseIdentifier(app, pattern), kind));

/**
 * The ECS agent reads the password RDS keeps for the stack's own database (the PGPASSWORD task secret): a cluster's
 * `rds!cluster-*` tagged aws:rds:primaryDBClusterArn, or a DB instance's `rds!db-*` tagged aws:rds:primaryDBInstanceArn
 * (contract.ts rdsMasterSecret).
 */
export function databaseSecretStatement(app: string, pattern: string, ctx: AwsContext, kind: DatabaseKind = "serverless"): Statement {
    const secret = rdsMasterSecret(kind);
    return {
        Sid: "ReadOwnDatabasePassword",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [arnOf(ctx, "secretsmanager", secret.pattern)],
        Condition: { StringLike: { [`aws:ResourceTag/${secret.tag}`]: ownClusterArn(app, pattern, ctx, kind) }, StringEquals: { "aws:ResourceTag/aws:secretsmanager:owningService": "rds" } },
    };
}

/** The runtime permissions of `platform`'s workload role for the stacks matching `pattern`. */
export function runtimeStatements(platform: Platform, app: string, pattern: string, repositoryArn: pulumi.Input<string>, ctx: AwsContext, ownImageRepositoryArns: pulumi.Input<string>[] = []): Statement[] {
    // Secret names are slipway/<app>/<stack>/…: the tag value fills <app>/<stack>.
    return [
        // GetAuthorizationToken has no resource type: AWS requires "*".
        { Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        // …and the repositories of the stack's workers that run their own image (ECS: infra/platforms/ecs/service-images.ts).
        { Sid: "PullAppImage", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: [repositoryArn, ...ownImageRepositoryArns] },
        // One JSON secret per environment, named slipway/<app>/<stack>/…
        { Sid: "ReadAppSecrets", Action: ["secretsmanager:GetSecretValue"], Resource: [arnOf(ctx, "secretsmanager", `secret:${secretNamePrefixOfTag(OWN_STACK)}*`)] },
        ...platform.runtime.statements(app, pattern, ctx),
    ];
}

/**
 * The `execution-<process>` runtime policy: the ECS agent's rights for one worker or job that chooses its secrets
 * (infra/platforms/ecs/process-secrets.ts). As runtimeStatements for ECS, except that it reads only that process's own
 * copy of the app's secrets (`slipway/<app>/<stack>/<process>/…`: process names have no '/', so no other process's
 * copy matches) and, with `database`, the stack's database secrets: its connection secret
 * (`slipway/<app>/<stack>/database-<6 random characters>`, Secrets Manager's ARN suffix) and RDS's password.
 */
export function processExecutionStatements(platform: Platform, app: string, pattern: string, process: string, database: boolean, repositoryArn: pulumi.Input<string>, ctx: AwsContext, ownImageRepositoryArns: pulumi.Input<string>[] = [], databaseKind: DatabaseKind = "serverless"): Statement[] {
    const prefix = secretNamePrefixOfTag(OWN_STACK);
    return [
        ...runtimeStatements(platform, app, pattern, repositoryArn, ctx, ownImageRepositoryArns).filter((s) => s.Sid !== "ReadAppSecrets"),
        {
            Sid: "ReadOwnProcessSecrets",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: [arnOf(ctx, "secretsmanager", `secret:${prefix}${process}/*`), ...(database ? [arnOf(ctx, "secretsmanager", `secret:${prefix}database-??????`)] : [])],
        },
        ...(database ? [databaseSecretStatement(app, pattern, ctx, databaseKind)] : []),
    ];
}

/**
 * The ceiling of every role an environment stack creates (its deploy role may create roles only with
 * it). It allows the services the runtime policies and EB's managed policies use, and denies anything
 * on a resource tagged for another stack, other stacks' secrets, passing other stacks' roles, and every
 * IAM write: whatever is attached to such a role, it cannot reach beyond its stack.
 */
export function boundaryStatements(app: string, policyStack: string, ctx: AwsContext, repositoryArn: pulumi.Input<string>, packages?: Pick<PackageSettings, "domain" | "formats">, database?: boolean, ownImageRepositoryArns: pulumi.Input<string>[] = [], queues: string[] = [], databaseConnect = false, databaseKind: DatabaseKind = "serverless"): Statement[] {
    const rdsSecret = rdsMasterSecret(databaseKind);
    const pattern = stackPattern(policyStack);
    const application = arnOf(ctx, "elasticbeanstalk", `application/${app}`);
    const index = packages ? packageIndexArns(app, packages, ctx) : undefined;
    return [
        {
            // The services of the runtime policies and of EB's managed policies (AWSElasticBeanstalkEnhancedHealth,
            // AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy, AWSElasticBeanstalkWebTier; policy/data/service-role-needs.json).
            Sid: "WorkloadServices",
            // Wildcards only for the services those policies grant broadly; account-level calls of the others
            // (log index or resource policies, ECS account settings) stay outside every role of a stack.
            Action: [
                "autoscaling:*", "cloudformation:*", "ec2:*", "elasticbeanstalk:*", "elasticloadbalancing:*", "s3:*",
                "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutRetentionPolicy", "logs:DeleteLogGroup",
                "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms", "cloudwatch:GetMetricStatistics", "cloudwatch:PutMetricData",
                "ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:RegisterTaskDefinition", "ecs:TagResource",
                "sns:CreateTopic", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Publish",
                "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
                "xray:GetSamplingRules", "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments",
                "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:GetRepositoryPolicy",
                "rds:DescribeDBEngineVersions", "rds:DescribeDBInstances", "rds:DescribeOrderableDBInstanceOptions",
                "elasticbeanstalk:PutInstanceStatistics", "kms:Decrypt", "secretsmanager:GetSecretValue", "ssm:GetParameters", "iam:PassRole",
            ],
            Resource: ["*"],
        },
        // What platforms' own roles need (ECS: the scheduler role's RunTask and SendMessage on the stack's own families and queue).
        ...PLATFORMS.flatMap((p) => p.boundaryStatements?.(app, policyStack, ctx) ?? []),
        // Queue workers (ECS, slipway:workers.<name>.queue): consuming only the queues the stack file names (queue-access.ts).
        ...queueBoundaryStatements(queues, ctx),
        {
            Sid: "NothingOfOtherStacks",
            Effect: "Deny",
            Action: ["*"],
            // The delivery stack's shared resources a workload reads (each kept read-only by the statements around it).
            NotResource: [repositoryArn, ...ownImageRepositoryArns, application, ...(index ? [index.domain, ...index.repositories] : [])],
            Condition: { Null: { [`aws:ResourceTag/${STACK_TAG}`]: "false" }, StringNotEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK } },
        },
        {
            // Elastic Beanstalk's storage bucket (elasticbeanstalk-<region>-<account>) is shared by every environment
            // of the account and untagged, so NothingOfOtherStacks cannot tell its objects apart; it holds the
            // pipeline's bundles of every stack, whose hooks run as root. AWS's managed policies grant s3:PutObject on
            // elasticbeanstalk-*/* (AWSElasticBeanstalkWebTier, instance profiles) and object writes plus
            // s3:PutBucketPolicy (AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy, the service role). A stack's
            // roles write only where instances upload tail, bundle and rotated logs: resources/environments/logs/
            // ("Viewing logs from Amazon EC2 instances", EB Developer Guide). NotResource denies object writes to every
            // other bucket too: no role of a stack writes S3 objects (add a bucket here before a task role needs one).
            Sid: "ObjectWritesOnlyBeanstalkLogs",
            Effect: "Deny",
            Action: [
                "s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutObjectTagging", "s3:PutObjectVersionTagging",
                "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
                "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:RestoreObject", "s3:ReplicateObject", "s3:ReplicateDelete",
            ],
            NotResource: [beanstalkStorageArn(ctx, "/resources/environments/logs/*")],
        },
        {
            // …and none changes EB's buckets' policy, ACL or settings (EB applies its policy when the delivery stack's
            // application first creates the bucket): a bucket policy is how any role would be granted those writes.
            Sid: "BeanstalkStorageUnchanged",
            Effect: "Deny",
            Action: ["s3:PutBucket*", "s3:DeleteBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration", "s3:PutAccelerateConfiguration"],
            Resource: [`arn:${ctx.partition}:s3:::elasticbeanstalk-*`],
        },
        {
            Sid: "SharedApplicationUnchanged",
            Effect: "Deny",
            Action: ["elasticbeanstalk:DeleteApplication", "elasticbeanstalk:UpdateApplication", "elasticbeanstalk:UpdateApplicationResourceLifecycle", "elasticbeanstalk:AddTags", "elasticbeanstalk:RemoveTags", "elasticbeanstalk:UpdateTagsForResource"],
            Resource: [application],
        },
        {
            Sid: "OnlyOwnSecrets",
            Effect: "Deny",
            Action: ["secretsmanager:GetSecretValue"],
            NotResource: [arnOf(ctx, "secretsmanager", `secret:${secretNamePrefixOfTag(OWN_STACK)}*`), ...(database ? [arnOf(ctx, "secretsmanager", rdsSecret.pattern)] : [])],
        },
        // The database-rotation restart's roles: UpdateService of the stack's services, StartExecution of its restart.
        ...(database ? rotationBoundaryStatements(app, policyStack, ctx) : []),
        // slipway:database.iamAuthentication (ECS, Beanstalk): connecting as the stack's own database user (./database-connect.ts).
        ...(database && databaseConnect ? databaseConnectBoundaryStatements(app, pattern, ctx) : []),
        ...(database
            ? [
                  {
                      // Of RDS's secrets, only the own database's: untagged or another database's is denied (StringNotLike on a missing key holds).
                      Sid: "OnlyOwnDatabaseSecret",
                      Effect: "Deny" as const,
                      Action: ["secretsmanager:GetSecretValue"],
                      Resource: [arnOf(ctx, "secretsmanager", rdsSecret.pattern)],
                      Condition: { StringNotLike: { [`aws:ResourceTag/${rdsSecret.tag}`]: ownClusterArn(app, pattern, ctx, databaseKind) } },
                  },
              ]
            : []),
        ...(packages ? packageBoundaryStatements(app, packages, ctx) : []),
        {
            Sid: "PassOnlyOwnRoles",
            Effect: "Deny",
            Action: ["iam:PassRole"],
            // The role's own stack tag fills <app>/<stack> (roles live under /slipway/<app>/<stack>/): review stacks
            // share this boundary, and none passes another's roles.
            NotResource: [ownStackRolesArn(ctx)],
        },
    ];
}

/** The package index's domain and private repositories, by ARN. */
function packageIndexArns(app: string, packages: Pick<PackageSettings, "domain" | "formats">, ctx: AwsContext) {
    return { domain: domainArn(ctx, packages.domain), repositories: packages.formats.map((f) => packageRepositoryArn(ctx, packages.domain, privateRepositoryName(app, f))) };
}

/**
 * With slipway:packages.runtimeRead, the ceiling lets a stack's roles do what packageReadStatements grants
 * and no more: a token on the domain, the bearer token for CodeArtifact alone, the read actions on the
 * private repositories. Publishing is denied outright, whatever policy a role is given.
 */
export function packageBoundaryStatements(app: string, packages: Pick<PackageSettings, "domain" | "formats">, ctx: AwsContext): Statement[] {
    const index = packageIndexArns(app, packages, ctx);
    return [
        { Sid: "PackageIndexToken", Action: ["codeartifact:GetAuthorizationToken"], Resource: [index.domain] },
        { Sid: "PackageIndexBearerToken", Action: ["sts:GetServiceBearerToken"], Resource: ["*"], Condition: { StringEquals: { "sts:AWSServiceName": "codeartifact.amazonaws.com" } } },
        { Sid: "PackageIndexRead", Action: READ_ACTIONS, Resource: index.repositories },
        { Sid: "NeverPublishPackages", Effect: "Deny", Action: PUBLISH_ACTIONS, Resource: ["*"] },
    ];
}

/**
 * The key a policy stack's config and state secrets are encrypted with (Pulumi's awskms secrets
 * provider). IAM policies in the account decide who uses it (the standard key policy): the stack's own
 * deploy role is the only slipway role granted it, so no pull request or other stack can decrypt it.
 */
export function secretsKeyPolicy(ctx: AwsContext): pulumi.Output<string> {
    return policyDocument([
        {
            Sid: "AccountAdministersKey",
            Principal: { AWS: accountRootArn(ctx) },
            Action: ["kms:*"],
            Resource: ["*"],
        },
    ]);
}

export interface StackAccessArgs {
    app: string;
    /** Policy stacks: each pipeline environment, plus `review` for every review stack. */
    stacks: string[];
    repositoryArn: pulumi.Input<string>;
    /**
     * The package index, when its slipway:packages.runtimeRead lets the environments' workloads read it: each
     * policy stack then gets a `packages-read` runtime policy and a boundary that allows exactly that.
     */
    packages?: Pick<PackageSettings, "domain" | "formats">;
    /**
     * Policy stacks whose environments have a database (slipway:database): their ECS agents may read the
     * master password RDS keeps for their own cluster, and their boundary allows exactly that. @default none
     */
    databaseStacks?: string[];
    /**
     * Each of databaseStacks → the platform its environments run on: that platform's workloads read the password
     * (the ECS agent; Beanstalk's instances, as environment secrets), and its rotation restart follows each rotation.
     */
    databasePlatforms?: Record<string, PlatformName>;
    /**
     * Those of databaseStacks (ECS or Beanstalk) whose stack file sets slipway:database.iamAuthentication: each gets a `db-connect`
     * runtime policy (rds-db:connect as its own database user, ./database-connect.ts) and a boundary that allows exactly that. @default none
     */
    databaseIamStacks?: string[];
    /** Those of databaseStacks whose stack file sets slipway:database.kind instance: RDS's secret is the DB instance's (`rds!db-*`). @default none */
    instanceDatabaseStacks?: string[];
    /**
     * Policy stack → the repositories of its workers' own images (service-images.ts): its ECS agents may pull
     * from exactly these besides the app's repository, and its boundary lets them. @default none
     */
    ownImageRepositoryArns?: Record<string, pulumi.Input<string>[]>;
    /**
     * Policy stack → worker → the SQS queue it consumes (ECS queue workers, queue-access.ts): each worker gets a
     * `queue-<worker>` runtime policy on exactly its queue, and the stack's boundary allows consuming only these. @default none
     */
    workerQueues?: Record<string, Record<string, string>>;
    /**
     * Policy stack → process → { database } of its workers and jobs that choose their secrets (process-secrets.ts):
     * each gets an `execution-<process>` runtime policy reading only its own secrets. @default none
     */
    processExecutions?: Record<string, Record<string, { database: boolean }>>;
    /** Keep the secrets-provider keys through a destroy (KMS waits 30 days before deleting). @default true */
    protect?: boolean;
    ctx: AwsContext;
}

/**
 * Per policy stack: the runtime policies, the permissions boundary and the secrets-provider key (with
 * its alias `alias/slipway/<app>/<stack>`). IAM policies cost nothing; a KMS key costs $1/month.
 */
export class StackAccess extends pulumi.ComponentResource {
    /** Policy stack → secrets-provider key ARN. */
    readonly secretsKeyArns: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: StackAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:StackAccess", name, {}, { ...opts, aliases: [{ type: "slipway:delivery:RuntimePolicies" }, ...(opts?.aliases ?? [])] });
        const { app, ctx } = args;
        const policy = (stack: string, concern: string, description: string, statements: Statement[], tags?: Record<string, string>) =>
            new iam.Policy(
                `${name}-${stack}-${concern}`,
                { name: managedPolicyName(app, stack, concern), path: rolePath(app), description, policy: policyDocument(statements), tags },
                { parent: this, aliases: renamedFrom(`${stack}-${concern}`) },
            );
        const databasePlatformOf = (stack: string): Platform => {
            const platform = args.databasePlatforms?.[stack];
            if (!platform) throw new Error(`StackAccess: databaseStacks holds ${stack}, databasePlatforms names no platform for it`);
            return platformNamed(platform);
        };
        for (const stack of args.stacks) {
            // Every platform's: a policy stack may run on any (review stacks on whichever their template picks).
            for (const platform of PLATFORMS) {
                const kind = platform.runtime.kind;
                // The workload that reads the password: that of the platform the database stack runs on (the ECS agent, Beanstalk's instances).
                const reads = args.databaseStacks?.includes(stack) && platform.name === databasePlatformOf(stack).name;
                const databaseKind: DatabaseKind = args.instanceDatabaseStacks?.includes(stack) ? "instance" : "serverless";
                const database = reads ? [databaseSecretStatement(app, stackPattern(stack), ctx, databaseKind)] : [];
                policy(stack, kind, `${kind} permissions of ${app}'s ${stackPattern(stack)} stack(s)`, [...runtimeStatements(platform, app, stackPattern(stack), args.repositoryArn, ctx, platform.ownImages ? args.ownImageRepositoryArns?.[stack] : undefined), ...database]);
                for (const r of platform.serviceRuntimes ?? []) policy(stack, r.kind, `${r.description} (${app}'s ${stackPattern(stack)} stack(s))`, r.statements(app, stackPattern(stack), ctx));
            }
            if (args.databaseStacks?.includes(stack)) {
                // After each rotation of the database password: EventBridge starts the restart, Step Functions restarts the services.
                policy(stack, ROTATION_RESTART_KIND, `Step Functions restarting the services of ${app}'s ${stackPattern(stack)} stack(s) after a database password rotation`, databasePlatformOf(stack).rotationRestartStatements(app, stackPattern(stack), ctx));
                policy(stack, ROTATION_TRIGGER_KIND, `EventBridge starting the database-rotation restart of ${app}'s ${stackPattern(stack)} stack(s)`, rotationTriggerStatements(app, stackPattern(stack), ctx));
            }
            const databaseConnect = Boolean(args.databaseStacks?.includes(stack) && args.databaseIamStacks?.includes(stack));
            if (databaseConnect) {
                policy(stack, DB_CONNECT_KIND, `The processes of ${app}'s ${stackPattern(stack)} stack(s) connect to its database as its own user (IAM database authentication)`, databaseConnectStatements(app, stackPattern(stack), ctx));
            }
            const queues = args.workerQueues?.[stack] ?? {};
            for (const [worker, queue] of Object.entries(queues)) {
                policy(stack, queueKind(worker), `The ${worker} worker of ${app}'s ${stackPattern(stack)} stack(s) consumes its SQS queue ${queue}`, queueConsumerStatements(queue, ctx));
            }
            const chooser = PLATFORMS.find((p) => p.processSecrets);
            for (const [process, { database }] of Object.entries(args.processExecutions?.[stack] ?? {})) {
                if (!chooser) break;
                policy(stack, processExecutionKind(process), `The ECS agent of ${process} in ${app}'s ${stackPattern(stack)} stack(s): its image, its logs, only its own secrets`, processExecutionStatements(chooser, app, stackPattern(stack), process, database, args.repositoryArn, ctx, args.ownImageRepositoryArns?.[stack], args.instanceDatabaseStacks?.includes(stack) ? "instance" : "serverless"));
            }
            if (args.packages) {
                policy(stack, PACKAGES_READ_KIND, `Read ${app}'s private package index from the workloads of its ${stackPattern(stack)} stack(s)`, packageReadStatements(app, args.packages, ctx));
            }
            policy(stack, BOUNDARY_CONCERN, `Permissions boundary of every role of ${app}'s ${stackPattern(stack)} stack(s)`, boundaryStatements(app, stack, ctx, args.repositoryArn, args.packages, args.databaseStacks?.includes(stack), args.ownImageRepositoryArns?.[stack], Object.values(queues), databaseConnect, args.instanceDatabaseStacks?.includes(stack) ? "instance" : "serverless"), {
                // The policy pack judges boundaries as ceilings (iam-boundary-confines), not as grants.
                [POLICY_PURPOSE_TAG]: BOUNDARY_PURPOSE,
            });
            const key = new kms.Key(
                `${name}-${stack}-secrets-key`,
                {
                    description: `Pulumi secrets provider of ${app}'s ${stackPattern(stack)} stack(s)`,
                    enableKeyRotation: true,
                    deletionWindowInDays: 30,
                    policy: secretsKeyPolicy(ctx),
                    tags: { [STACK_TAG]: stackTag(app, stackPattern(stack)) },
                },
                // A lost key makes the stack's config and state secrets unreadable: never deleted by accident.
                { parent: this, protect: args.protect ?? true },
            );
            new kms.Alias(`${name}-${stack}-secrets-key-alias`, { name: secretsKeyAlias(app, stack), targetKeyId: key.keyId }, { parent: this });
            this.secretsKeyArns[stack] = key.arn;
        }
        this.registerOutputs({ secretsKeyArns: this.secretsKeyArns });
    }
}
