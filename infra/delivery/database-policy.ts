// What a deploy role may do for its stack's database (infra/environment/database.ts): create, change and
// delete its own Aurora cluster, writer, subnet group and storage key, and nothing of another stack's.
// Every RDS name is pinned by ARN (contract.ts databaseIdentifier: `<app>-<stack>`, its writer
// `<id>-writer`, its subnet group `<id>`, production's final snapshot `<id>-final`) and every change needs
// the stack tag as well (RDS resources take aws:ResourceTag; service authorization reference, RDS).
// AWS's default parameter and option groups are named, untagged and read-only to everyone: they are
// allowed by name. The master password's secret is made by RDS with the caller's rights (Aurora User
// Guide, "Password management with Amazon Aurora and AWS Secrets Manager": secretsmanager:CreateSecret and
// TagResource), only as RDS's own (`rds!cluster-…`) and only through RDS (aws:ViaAWSService).
import { arnOf } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { databaseIdentifier, finalSnapshotIdentifier, managedPolicyName, rdsLogGroupName, stackPattern, writerIdentifier } from "../contract";
import { DeployerScope, DeployRolePolicy, tagConditions } from "./deployer-policy";
import { rotationDeployStatements } from "../platforms/ecs/rotation-restart";
import type { Platform } from "../platforms/platform";
import { instanceDatabaseStatements } from "./database-instance-policy";

/** The ARNs of a policy stack's database (`review`: every review stack's). */
export function databaseArns(scope: Pick<DeployerScope, "app" | "policyStack" | "ctx">) {
    const id = databaseIdentifier(scope.app, stackPattern(scope.policyStack));
    const { ctx } = scope;
    return {
        cluster: arnOf(ctx, "rds", `cluster:${id}`),
        writer: arnOf(ctx, "rds", `db:${writerIdentifier(id)}`),
        subnetGroup: arnOf(ctx, "rds", `subgrp:${id}`),
        finalSnapshot: arnOf(ctx, "rds", `cluster-snapshot:${finalSnapshotIdentifier(id)}`),
    };
}

export function databaseStatements(scope: DeployerScope): Statement[] {
    const { ctx } = scope;
    const t = tagConditions(scope);
    const a = databaseArns(scope);
    const own = [a.cluster, a.writer, a.subnetGroup];
    const keys = arnOf(ctx, "kms", "key/*");
    return [
        {
            // Only an encrypted cluster whose master password RDS keeps (rds:StorageEncrypted, rds:ManageMasterUserPassword:
            // CreateDBCluster condition keys, service authorization reference): never a plaintext password in a request.
            Sid: "CreateOwnEncryptedCluster",
            Action: ["rds:CreateDBCluster"],
            Resource: [a.cluster],
            Condition: { ...t.creating, Bool: { "rds:StorageEncrypted": "true", "rds:ManageMasterUserPassword": "true" } },
        },
        { Sid: "CreateOwnDatabase", Action: ["rds:CreateDBInstance", "rds:CreateDBSubnetGroup"], Resource: [a.writer, a.subnetGroup], Condition: t.creating },
        {
            // RDS authorizes tags on create as AddTagsToResource on the new (untagged) resource: its name pins it.
            Sid: "TagOwnDatabase",
            Action: ["rds:AddTagsToResource"],
            Resource: [...own, a.finalSnapshot],
            Condition: t.pinnedTagging,
        },
        { Sid: "UntagOwnDatabase", Action: ["rds:RemoveTagsFromResource"], Resource: [...own, a.finalSnapshot], Condition: t.untagging },
        {
            // A writer joins its own cluster, a cluster uses its own subnet group: both already tagged for the stack.
            Sid: "ChangeOwnDatabase",
            Action: [
                "rds:CreateDBCluster", "rds:CreateDBInstance", "rds:ModifyDBCluster", "rds:ModifyDBInstance", "rds:ModifyDBSubnetGroup",
                "rds:DeleteDBCluster", "rds:DeleteDBInstance", "rds:DeleteDBSubnetGroup", "rds:RebootDBInstance", "rds:ListTagsForResource", "rds:CreateDBClusterSnapshot",
                "rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBSubnetGroups",
            ],
            Resource: own,
            Condition: t.owned,
        },
        {
            // DeleteDBCluster names the final snapshot (production; staging and review skip it): only `<id>-final`.
            Sid: "OwnFinalSnapshot",
            Action: ["rds:CreateDBClusterSnapshot", "rds:DeleteDBCluster", "rds:DescribeDBClusterSnapshots"],
            Resource: [a.finalSnapshot],
        },
        {
            // AWS's default groups (default.aurora-postgresql<major>, default:aurora-postgresql-<major>): named, never tagged.
            Sid: "UseDefaultGroups",
            Action: ["rds:CreateDBCluster", "rds:CreateDBInstance", "rds:ModifyDBCluster", "rds:ModifyDBInstance"],
            Resource: [arnOf(ctx, "rds", "cluster-pg:default.aurora-postgresql*"), arnOf(ctx, "rds", "pg:default.aurora-postgresql*"), arnOf(ctx, "rds", "og:default:aurora-postgresql-*")],
        },
        {
            // Describe calls the provider waits on; their answers are the stack's own resources' state.
            Sid: "WatchOwnDatabase",
            Action: ["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeEvents", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterAutomatedBackups", "rds:DescribeDBInstanceAutomatedBackups"],
            Resource: own,
            Condition: t.owned,
        },
        {
            // No resource-level scoping exists for these reads (service authorization reference, RDS).
            Sid: "DatabaseReads",
            Action: ["rds:DescribeDBEngineVersions", "rds:DescribeDBParameterGroups", "rds:DescribeEvents"],
            Resource: ["*"],
            Condition: t.region,
        },
        {
            Sid: "MasterPasswordThroughRds",
            Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource"],
            Resource: [arnOf(ctx, "secretsmanager", "secret:rds!cluster-*")],
            Condition: { Bool: { "aws:ViaAWSService": "true" } },
        },
        { Sid: "CreateOwnKeys", Action: ["kms:CreateKey"], Resource: ["*"], Condition: { ...t.creating, ...t.region } },
        {
            Sid: "OwnKeys",
            Action: [
                "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
                "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey",
            ],
            Resource: [keys],
            Condition: t.owned,
        },
        // A new key has no tags yet when CreateKey's tags are authorized: the request's own tag is its scope.
        { Sid: "TagOwnKeys", Action: ["kms:TagResource"], Resource: [keys], Condition: t.pinnedTagging },
        { Sid: "UntagOwnKeys", Action: ["kms:UntagResource"], Resource: [keys], Condition: t.untagging },
        {
            // RDS uses the key for the cluster's storage through a grant it makes with the caller's rights.
            Sid: "GrantOwnKeysToRds",
            Action: ["kms:CreateGrant"],
            Resource: [keys],
            Condition: { ...t.owned, Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: { "kms:ViaService": `rds.${ctx.region}.amazonaws.com` } },
        },
    ];
}

/** The deploy role's managed policy for its stack's database (`<app>-<stack>-deploy-database`). */
/** What RDS needs around the cluster: the log group it exports to and, in an account's first cluster, its service-linked role. */
export function databaseSupportStatements(scope: DeployerScope): Statement[] {
    const { ctx } = scope;
    return [
        {
            // The log group RDS exports the cluster's PostgreSQL log to, declared by the stack so it keeps a
            // retention and goes with the stack (infra/environment/database.ts rdsLogGroupName).
            Sid: "OwnDatabaseLogGroups",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup"],
            Resource: [arnOf(ctx, "logs", `log-group:${rdsLogGroupName(databaseIdentifier(scope.app, stackPattern(scope.policyStack)), "", scope.databaseKind === "instance" ? "instance" : "serverless")}*`)],
        },
        {
            // The account's first cluster makes AWSServiceRoleForRDS with the caller's rights (CloudFormation's
            // AWS::RDS::DBCluster create handler lists iam:CreateServiceLinkedRole; "Using service-linked roles for Amazon RDS").
            Sid: "RdsServiceLinkedRole",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: [arnOf(ctx, "iam", "role/aws-service-role/rds.amazonaws.com/*", { global: true })],
            Condition: { StringEquals: { "iam:AWSServiceName": "rds.amazonaws.com" } },
        },
    ];
}

/**
 * A database stack's deploy policies: its cluster, writer, subnet group and key; and what RDS needs
 * around them (a second policy: together they pass IAM's 6,144-character managed-policy quota).
 */
export function databaseRolePolicies(scope: DeployerScope, platform: Pick<Platform, "databaseDeployStatements">): DeployRolePolicy[] {
    const what = `GitHub deploy role of ${scope.app}'s ${stackPattern(scope.policyStack)} stack(s)`;
    return [
        scope.databaseKind === "instance"
            ? { name: managedPolicyName(scope.app, scope.policyStack, "deploy-database"), description: `${what}: its RDS for PostgreSQL instance, subnet group and storage key`, statements: instanceDatabaseStatements(scope) }
            : { name: managedPolicyName(scope.app, scope.policyStack, "deploy-database"), description: `${what}: its Aurora cluster, writer, subnet group and storage key`, statements: databaseStatements(scope) },
        {
            name: managedPolicyName(scope.app, scope.policyStack, "deploy-database-support"),
            description: `${what}: its database's log group, RDS's service-linked role, the password's rotation schedule and the services' restart after each rotation`,
            // The restart (infra/platforms/ecs/rotation-restart.ts): the rule, the state machine, their roles, the schedule.
            // And what the stack's platform adds (Platform.databaseDeployStatements).
            statements: [...databaseSupportStatements(scope), ...rotationDeployStatements(scope), ...(platform.databaseDeployStatements?.(scope) ?? [])],
        },
    ];
}
