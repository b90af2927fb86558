// A review stack restoring staging's snapshot (slipway:database.restoreFrom): the requests its deploy role makes on the
// source stack's side, beyond its own resources (tools/check/iam-requests.ts deployRequests covers those and the
// restore call's snapshot), and the requests on staging's and production's data it must never be allowed.
import { STACK_TAG } from "../../infra/contract";
import { MOCK_ACCOUNT, PlannedResource } from "../plan/mock-engine";
import type { Request } from "./iam-sim";
import type { StackView } from "./iam-requests";
import { keysOf, PlannedKey } from "./kms-requests";

const cluster = (v: StackView): PlannedResource | undefined => v.plan.resources.find((r) => r.type === "aws:rds/cluster:Cluster");

/** The source stack's database key (the Database component's `database-key`). */
function databaseKey(v: StackView): PlannedKey {
    const key = keysOf(v.plan, v.region, v.tag).find((k) => k.resource.name === "database-key");
    if (!key) throw new Error(`${v.plan.stack} declares no database key (database-key): it has no slipway:database`);
    return key;
}

/** Automated snapshot of a cluster as RDS names it (the offline plan's time: tools/plan/mock-engine.ts MOCK_SNAPSHOT_TIME). */
export const automatedSnapshotArn = (v: StackView, clusterId: string, time = "2026-01-01-03-00") => `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:cluster-snapshot:rds:${clusterId}-${time}`;

/**
 * What the review deploy role does on the source's side: find the newest automated snapshot (getClusterSnapshot:
 * DescribeDBClusterSnapshots by cluster; older provider versions list the snapshot's tags), and let RDS use the
 * source's database key for the restore (a grant for RDS, decrypt and describe, through RDS only).
 */
export function restoreSourceRequests(review: StackView, source: StackView): Request[] {
    const restoring = cluster(review);
    const snapshot = restoring?.inputs.snapshotIdentifier;
    if (typeof snapshot !== "string") throw new Error(`${review.plan.stack}'s cluster restores no snapshot (no snapshotIdentifier)`);
    const sourceCluster = cluster(source);
    if (!sourceCluster) throw new Error(`${source.plan.stack} declares no cluster`);
    const snapshotArn = `arn:aws:rds:${review.region}:${MOCK_ACCOUNT}:cluster-snapshot:${snapshot}`;
    const clusterArn = `arn:aws:rds:${source.region}:${MOCK_ACCOUNT}:cluster:${String(sourceCluster.inputs.clusterIdentifier)}`;
    const base = { "aws:RequestedRegion": review.region };
    const why = (what: string) => `${review.plan.stack} restores ${snapshot} of ${source.plan.stack}: ${what}`;
    const key = databaseKey(source);
    const keyContext = { ...base, [`aws:ResourceTag/${STACK_TAG}`]: key.stackTag ?? source.tag, "kms:ViaService": `rds.${review.region}.amazonaws.com` };
    return [
        { action: "rds:DescribeDBClusterSnapshots", resource: clusterArn, context: base, why: why("getClusterSnapshot by cluster") },
        { action: "rds:DescribeDBClusterSnapshots", resource: snapshotArn, context: base, why: why("getClusterSnapshot's answer") },
        // RestoreDBClusterFromSnapshot's cluster-snapshot resource is optional in the service authorization reference, so
        // deployRequests (required types only) does not name it; AWS authorizes the named snapshot all the same.
        { action: "rds:RestoreDBClusterFromSnapshot", resource: snapshotArn, context: base, why: why("the restore names the snapshot") },
        { action: "rds:ListTagsForResource", resource: snapshotArn, context: base, why: why("the snapshot's tags (provider versions that list them)") },
        { action: "kms:DescribeKey", resource: key.arn, context: keyContext, why: why("RDS describes the snapshot's key"), resourcePolicy: key.policy },
        { action: "kms:Decrypt", resource: key.arn, context: keyContext, why: why("RDS reads the encrypted snapshot"), resourcePolicy: key.policy },
        { action: "kms:CreateGrant", resource: key.arn, context: { ...keyContext, "kms:GrantIsForAWSResource": "true" }, why: why("RDS grants itself the snapshot's key"), resourcePolicy: key.policy },
    ];
}

/**
 * What the review deploy role must never do, though it may restore from `source`: change, delete, snapshot, copy or
 * share the source's cluster and snapshots; use the source's key other than through RDS or for anything but RDS's
 * grant; restore from or read another stack's (production's) snapshots, or use its key at all.
 */
export function restoreAttackRequests(review: StackView, source: StackView, other: StackView): Request[] {
    const out: Request[] = [];
    const base = { "aws:RequestedRegion": review.region };
    for (const [v, reach] of [[source, "source"], [other, "other"]] as const) {
        const c = cluster(v);
        if (!c) throw new Error(`${v.plan.stack} declares no cluster`);
        const id = String(c.inputs.clusterIdentifier);
        const clusterArn = `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:cluster:${id}`;
        const snapshots = [automatedSnapshotArn(v, id), `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:cluster-snapshot:${id}-pre-20261202043000`, `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:cluster-snapshot:${id}-final`];
        const tag = { [`aws:ResourceTag/${STACK_TAG}`]: v.tag };
        const why = (what: string) => `${review.plan.stack} against ${v.plan.stack}: ${what}`;
        for (const action of ["rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:CreateDBClusterSnapshot", "rds:RebootDBCluster", "rds:StopDBCluster", "rds:FailoverDBCluster", "rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance"]) {
            out.push({ action, resource: clusterArn, context: { ...base, ...tag }, why: why(`${action} on its cluster`) });
        }
        for (const snapshot of snapshots) {
            for (const action of ["rds:DeleteDBClusterSnapshot", "rds:CopyDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute", "rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:CreateDBClusterSnapshot"]) {
                out.push({ action, resource: snapshot, context: { ...base, ...tag }, why: why(`${action} on ${snapshot.split(":").slice(6).join(":")}`) });
            }
            // The source's own manual snapshots (pre-release, final) and everything of another stack: not even a restore or a read.
            if (reach === "other" || !snapshot.includes(":cluster-snapshot:rds:")) {
                for (const action of ["rds:RestoreDBClusterFromSnapshot", "rds:DescribeDBClusterSnapshots"]) {
                    out.push({ action, resource: snapshot, context: { ...base, ...tag }, why: why(`${action} on ${snapshot.split(":").slice(6).join(":")}`) });
                }
            }
        }
        const key = databaseKey(v);
        const keyTag = { [`aws:ResourceTag/${STACK_TAG}`]: key.stackTag ?? v.tag };
        const viaRds = { "kms:ViaService": `rds.${v.region}.amazonaws.com` };
        const keyRequests: [string, Record<string, string>][] =
            reach === "source"
                ? // The source's key: not directly, not through another service, not for a grant that is not RDS's, never to encrypt or re-key.
                  [
                      ["kms:Decrypt", {}],
                      ["kms:Decrypt", { "kms:ViaService": `secretsmanager.${v.region}.amazonaws.com` }],
                      ["kms:CreateGrant", viaRds],
                      ["kms:Encrypt", viaRds],
                      ["kms:GenerateDataKey", viaRds],
                      ["kms:ReEncryptFrom", viaRds],
                      ["kms:ScheduleKeyDeletion", {}],
                      ["kms:PutKeyPolicy", {}],
                      ["kms:DisableKey", {}],
                  ]
                : [
                      ["kms:Decrypt", viaRds],
                      ["kms:DescribeKey", viaRds],
                      ["kms:CreateGrant", { ...viaRds, "kms:GrantIsForAWSResource": "true" }],
                  ];
        for (const [action, extra] of keyRequests) {
            out.push({ action, resource: key.arn, context: { ...base, ...keyTag, ...extra }, why: why(`${action} on its database key ${JSON.stringify(extra)}`), resourcePolicy: key.policy });
        }
    }
    return out;
}
