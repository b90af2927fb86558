// The review deploy role's reach into staging's data, for a review template with slipway:database.restoreFrom and its
// written review-staging-data waiver (infra/config/database-restore.ts): it may restore a review cluster from the
// source stack's automated snapshots, find them, and let RDS use the source stack's database key for the restore. It may
// not modify, delete, copy or share the source cluster or its snapshots, nor touch another stack's (production's) at
// all: every grant names the source cluster's automated snapshots by RDS's own name, `rds:<cluster>-<YYYY-MM-DD-HH-MM>`
// (no manual snapshot can be named so: a manual snapshot identifier has no ':'), and the key only by the source stack's
// tag and only through RDS.
//
// Facts: RestoreDBClusterFromSnapshot authorizes the new cluster and the snapshot (service authorization reference,
// RDS: resource types cluster and cluster-snapshot, with the subnet group and parameter/option groups it names).
// A restore of an encrypted snapshot into another key needs the caller's rights on both keys: RDS reads the source with
// a grant and writes with the target key (RDS API RestoreDBClusterFromSnapshot KmsKeyId: "When you don't specify a value
// for the KmsKeyId parameter … the restored DB cluster is encrypted using the KMS key that was used to encrypt the DB
// snapshot"; the target key's rights are the review role's own, infra/delivery/database-policy.ts GrantOwnKeysToRds).
import { arnOf } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { databaseIdentifier, managedPolicyName, STACK_TAG, stackPattern, stackTag } from "../contract";
import { DeployerScope, DeployRolePolicy, tagConditions } from "./deployer-policy";
import { databaseArns } from "./database-policy";

/**
 * RDS's name of an automated cluster snapshot, `rds:<cluster>-<YYYY-MM-DD-HH-MM>`, as an IAM pattern (each `?` one
 * character): `rds:shop-staging-????-??-??-??-??` matches staging's, not those of a cluster `shop-staging-2`
 * (`rds:shop-staging-2-2026-…` is longer).
 */
export function automatedSnapshotPattern(clusterIdentifier: string): string {
    return `rds:${clusterIdentifier}-????-??-??-??-??`;
}

export function databaseRestoreStatements(scope: DeployerScope, source: string): Statement[] {
    const { ctx } = scope;
    const t = tagConditions(scope);
    const own = databaseArns(scope);
    const sourceCluster = databaseIdentifier(scope.app, source);
    const snapshots = arnOf(ctx, "rds", `cluster-snapshot:${automatedSnapshotPattern(sourceCluster)}`);
    const viaRds = `rds.${ctx.region}.amazonaws.com`;
    const sourceKeys = { [`aws:ResourceTag/${STACK_TAG}`]: stackTag(scope.app, source) };
    return [
        {
            // The new cluster is the review stack's own (its name and the stack tag the request carries); it uses its own subnet group.
            Sid: "RestoreOwnCluster",
            Action: ["rds:RestoreDBClusterFromSnapshot"],
            Resource: [own.cluster],
            Condition: t.creating,
        },
        { Sid: "RestoreIntoOwnSubnets", Action: ["rds:RestoreDBClusterFromSnapshot"], Resource: [own.subnetGroup], Condition: t.owned },
        {
            // AWS's default parameter and option groups (named, never tagged), as CreateDBCluster uses them.
            Sid: "RestoreWithDefaultGroups",
            Action: ["rds:RestoreDBClusterFromSnapshot"],
            Resource: [arnOf(ctx, "rds", "cluster-pg:default.aurora-postgresql*"), arnOf(ctx, "rds", "og:default:aurora-postgresql-*")],
        },
        // The source's automated snapshots: restore from, find (getClusterSnapshot's DescribeDBClusterSnapshots by cluster), read tags.
        { Sid: "RestoreFromSourceSnapshots", Action: ["rds:RestoreDBClusterFromSnapshot"], Resource: [snapshots] },
        {
            Sid: "FindSourceSnapshots",
            Action: ["rds:DescribeDBClusterSnapshots", "rds:ListTagsForResource"],
            Resource: [snapshots, arnOf(ctx, "rds", `cluster:${sourceCluster}`)],
        },
        {
            // RDS reads the snapshot with the source stack's database key (a grant it makes with the caller's rights) and
            // re-encrypts into the review stack's own key: only through RDS, only the source stack's key.
            Sid: "SourceKeyThroughRds",
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: [arnOf(ctx, "kms", "key/*")],
            Condition: { StringEquals: { ...sourceKeys, "kms:ViaService": viaRds } },
        },
        {
            Sid: "GrantSourceKeyToRds",
            Action: ["kms:CreateGrant"],
            Resource: [arnOf(ctx, "kms", "key/*")],
            Condition: { StringEquals: { ...sourceKeys, "kms:ViaService": viaRds }, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ];
}

/** The review deploy role's managed policy for restoring from `source` (`<app>-review-deploy-database-restore`). */
export function databaseRestoreRolePolicy(scope: DeployerScope, source: string): DeployRolePolicy {
    return {
        name: managedPolicyName(scope.app, scope.policyStack, "deploy-database-restore"),
        description: `GitHub deploy role of ${scope.app}'s ${stackPattern(scope.policyStack)} stack(s): restore its database from ${source}'s automated snapshots (review-staging-data waiver)`,
        statements: databaseRestoreStatements(scope, source),
    };
}
