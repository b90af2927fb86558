// What a deploy role may do for its stack's database when slipway:database.kind is `instance`
// (infra/environment/database.ts: one RDS for PostgreSQL DB instance): create, change and delete its own DB
// instance, subnet group and storage key, and nothing of another stack's. As for the cluster
// (./database-policy.ts), every RDS name is pinned by ARN (contract.ts databaseIdentifier: the instance
// `db:<app>-<stack>`, its subnet group `subgrp:<id>`, production's final DB snapshot `snapshot:<id>-final`)
// and every change needs the stack tag as well. The instance is created only encrypted and only with the
// password RDS keeps (rds:StorageEncrypted is a condition key of the `db` resource type, rds:ManageMasterUserPassword
// of CreateDBInstance: service authorization reference, RDS), so no request of this role can carry a plaintext
// password or leave storage unencrypted. RDS makes its `rds!db-…` secret with the caller's rights, through RDS only.
import { arnOf } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { databaseIdentifier, finalSnapshotIdentifier, rdsMasterSecret, stackPattern } from "../contract";
import { DeployerScope, tagConditions } from "./deployer-policy";

/** The ARNs of a policy stack's DB instance and what belongs to it (`review`: every review stack's). */
export function instanceDatabaseArns(scope: Pick<DeployerScope, "app" | "policyStack" | "ctx">) {
    const id = databaseIdentifier(scope.app, stackPattern(scope.policyStack));
    const { ctx } = scope;
    return {
        instance: arnOf(ctx, "rds", `db:${id}`),
        subnetGroup: arnOf(ctx, "rds", `subgrp:${id}`),
        finalSnapshot: arnOf(ctx, "rds", `snapshot:${finalSnapshotIdentifier(id)}`),
    };
}

export function instanceDatabaseStatements(scope: DeployerScope): Statement[] {
    const { ctx } = scope;
    const t = tagConditions(scope);
    const a = instanceDatabaseArns(scope);
    const own = [a.instance, a.subnetGroup];
    const keys = arnOf(ctx, "kms", "key/*");
    return [
        {
            // Only an encrypted instance whose master password RDS keeps: never a plaintext password in a request.
            Sid: "CreateOwnEncryptedInstance",
            Action: ["rds:CreateDBInstance"],
            Resource: [a.instance],
            Condition: { ...t.creating, Bool: { "rds:StorageEncrypted": "true", "rds:ManageMasterUserPassword": "true" } },
        },
        { Sid: "CreateOwnSubnetGroup", Action: ["rds:CreateDBSubnetGroup"], Resource: [a.subnetGroup], Condition: t.creating },
        {
            // RDS authorizes tags on create as AddTagsToResource on the new (untagged) resource: its name pins it.
            Sid: "TagOwnDatabase",
            Action: ["rds:AddTagsToResource"],
            Resource: [...own, a.finalSnapshot],
            Condition: t.pinnedTagging,
        },
        { Sid: "UntagOwnDatabase", Action: ["rds:RemoveTagsFromResource"], Resource: [...own, a.finalSnapshot], Condition: t.untagging },
        // CreateDBInstance names the instance's own subnet group, already tagged for the stack; the instance itself is
        // created only by CreateOwnEncryptedInstance.
        { Sid: "UseOwnSubnetGroup", Action: ["rds:CreateDBInstance", "rds:ModifyDBInstance"], Resource: [a.subnetGroup], Condition: t.owned },
        {
            // Once tagged, the instance is changed, rebooted, snapshotted on delete (production) and deleted here.
            Sid: "ChangeOwnDatabase",
            Action: ["rds:ModifyDBInstance", "rds:ModifyDBSubnetGroup", "rds:DeleteDBInstance", "rds:DeleteDBSubnetGroup", "rds:RebootDBInstance", "rds:ListTagsForResource", "rds:CreateDBSnapshot", "rds:DescribeDBInstances", "rds:DescribeDBSubnetGroups"],
            Resource: own,
            Condition: t.owned,
        },
        {
            // DeleteDBInstance names the final snapshot (production; staging and review skip it): only `<id>-final`.
            Sid: "OwnFinalSnapshot",
            Action: ["rds:CreateDBSnapshot", "rds:DeleteDBInstance", "rds:DescribeDBSnapshots"],
            Resource: [a.finalSnapshot],
        },
        {
            // AWS's default groups (default.postgres<major>, default:postgres-<major>): named, never tagged.
            Sid: "UseDefaultGroups",
            Action: ["rds:CreateDBInstance", "rds:ModifyDBInstance"],
            Resource: [arnOf(ctx, "rds", "pg:default.postgres*"), arnOf(ctx, "rds", "og:default:postgres-*")],
        },
        {
            // Describe calls the provider waits on; their answers are the stack's own resources' state.
            Sid: "WatchOwnDatabase",
            Action: ["rds:DescribeDBInstances", "rds:DescribeEvents", "rds:DescribeDBSnapshots", "rds:DescribeDBInstanceAutomatedBackups"],
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
            Resource: [arnOf(ctx, "secretsmanager", rdsMasterSecret("instance").pattern)],
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
        { Sid: "TagOwnKeys", Action: ["kms:TagResource"], Resource: [keys], Condition: t.pinnedTagging },
        { Sid: "UntagOwnKeys", Action: ["kms:UntagResource"], Resource: [keys], Condition: t.untagging },
        {
            // RDS uses the key for the instance's storage through a grant it makes with the caller's rights.
            Sid: "GrantOwnKeysToRds",
            Action: ["kms:CreateGrant"],
            Resource: [keys],
            Condition: { ...t.owned, Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: { "kms:ViaService": `rds.${ctx.region}.amazonaws.com` } },
        },
    ];
}
