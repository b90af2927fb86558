// Backup before every production release: a CodeBuild project (one for every production target with a
// database) whose script takes a manual snapshot of the environment's Aurora cluster, waits until it is
// available, records its id as the action's output variable, and prunes the pipeline's own snapshots
// older than SNAPSHOT_KEEP_DAYS. The stage's Backup action runs first (before the release phase and the
// deploy), so a snapshot that fails stops the stage before anything changes.
import { arnOf, AwsContext } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { databaseIdentifier, stageName } from "../contract";
import type { ActionVariable } from "../platforms/platform";

/**
 * `aws rds wait db-cluster-snapshot-available` polls DescribeDBClusterSnapshots every 30 s up to 60
 * times (botocore rds waiters-2.json DBClusterSnapshotAvailable) and fails on deleted, deleting,
 * failed, incompatible-restore and incompatible-parameters. The project's timeout leaves room past it.
 */
export const SNAPSHOT_WAIT_MINUTES = 30;
export const SNAPSHOT_PROJECT_TIMEOUT_MINUTES = SNAPSHOT_WAIT_MINUTES + 10;
/** How long the pipeline keeps its pre-release snapshots (manual snapshots are kept until deleted, and billed as backup storage). */
export const SNAPSHOT_KEEP_DAYS = 14;
/** The tag every pre-release snapshot carries (value: the commit released). */
export const SNAPSHOT_TAG = "slipway:pre-release";
/**
 * The Backup action's namespace in `stack`'s stage: `#{Backup-<Stage>.SNAPSHOT_ID}` names the snapshot in
 * the execution. One per stage: CodePipeline refuses a pipeline whose actions share a namespace
 * (tools/check/aws-limits.ts codepipeline.action.namespace), and several stacks can be production-tier.
 */
export function snapshotNamespace(stack: string): string {
    return `Backup-${stageName(stack).replace(/[^A-Za-z0-9@_-]/g, "-")}`;
}

/** `<cluster>-pre-` + UTC `YYYYMMDDHHMMSS`: a DB cluster snapshot identifier is at most 63 characters (CreateDBClusterSnapshot). */
export const SNAPSHOT_SUFFIX_LENGTH = "-pre-".length + 14;

/** Where one production environment's snapshot is taken. */
export interface SnapshotTarget {
    stack: string;
    clusterIdentifier: string;
}

export function snapshotTarget(app: string, stack: string): SnapshotTarget {
    return { stack, clusterIdentifier: databaseIdentifier(app, stack) };
}

/** The Backup action's variables. */
export function snapshotActionVariables(t: SnapshotTarget): ActionVariable[] {
    return [
        { name: "STACK", value: t.stack },
        { name: "CLUSTER_ID", value: t.clusterIdentifier },
        { name: "KEEP_DAYS", value: String(SNAPSHOT_KEEP_DAYS) },
    ];
}

/**
 * The snapshot project role's rights: exactly the script's calls, on each target's own cluster and its
 * `<cluster>-pre-*` snapshots (CreateDBClusterSnapshot needs both the cluster and the new snapshot;
 * service authorization reference, RDS). It can neither delete a cluster nor touch another snapshot.
 */
export function snapshotStatements(ctx: AwsContext, targets: SnapshotTarget[]): Statement[] {
    if (!targets.length) return [];
    const clusters = targets.map((t) => arnOf(ctx, "rds", `cluster:${t.clusterIdentifier}`));
    const snapshots = targets.map((t) => arnOf(ctx, "rds", `cluster-snapshot:${t.clusterIdentifier}-pre-*`));
    return [
        ...targets.map(
            (t, i): Statement => ({
                Sid: `SnapshotBefore${stageName(t.stack).replace(/[^A-Za-z0-9]/g, "")}`,
                Action: ["rds:CreateDBClusterSnapshot"],
                Resource: [clusters[i], snapshots[i]],
            }),
        ),
        { Sid: "TagPreReleaseSnapshots", Action: ["rds:AddTagsToResource"], Resource: snapshots },
        { Sid: "WatchPreReleaseSnapshots", Action: ["rds:DescribeDBClusterSnapshots"], Resource: [...clusters, ...snapshots] },
        { Sid: "PruneOldPreReleaseSnapshots", Action: ["rds:DeleteDBClusterSnapshot"], Resource: snapshots },
    ];
}

/**
 * The Backup action's shell (bash). Variables: STACK, CLUSTER_ID, KEEP_DAYS (action); image-tag.txt
 * from the build artifact.
 *  1. Create `<cluster>-pre-<UTC time>`, tagged slipway:pre-release = <commit>.
 *  2. Wait until it is available (the CLI waiter: 30 min at most); any other end fails the action.
 *  3. Export SNAPSHOT_ID (the action's output variable, recorded in the execution).
 *  4. Delete this cluster's `-pre-` snapshots older than KEEP_DAYS; a failed prune only warns.
 */
export function snapshotScript(): string {
    return [
        "# slipway pre-release backup: a manual snapshot of the database before anything is released or deployed.",
        'fail() { echo "pre-release snapshot of ${CLUSTER_ID} (${STACK}): $* Nothing was released or deployed: the stage stops here." >&2; exit 1; }',
        'tag="$(cat image-tag.txt 2>/dev/null)"',
        `[[ "$tag" =~ ^[0-9a-f]{7,40}$ ]] || fail "image-tag.txt says \\"$tag\\", which is not a commit sha."`,
        'id="${CLUSTER_ID}-pre-$(date -u +%Y%m%d%H%M%S)"',
        `out="$(aws rds create-db-cluster-snapshot --db-cluster-identifier "$CLUSTER_ID" --db-cluster-snapshot-identifier "$id" --tags "Key=${SNAPSHOT_TAG},Value=$tag" --query DBClusterSnapshot.Status --output text 2>&1)" || fail "aws rds create-db-cluster-snapshot failed: $out"`,
        'echo "snapshot $id of $CLUSTER_ID: $out; waiting until it is available"',
        'out="$(aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier "$id" 2>&1)" || fail "snapshot $id did not become available: $out"',
        'export SNAPSHOT_ID="$id"',
        'echo "snapshot $id is available (commit $tag)"',
        'cutoff="$(date -u -d "-${KEEP_DAYS} days" +%Y-%m-%dT%H:%M:%S)"',
        `old="$(aws rds describe-db-cluster-snapshots --db-cluster-identifier "$CLUSTER_ID" --snapshot-type manual --query "DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '\${CLUSTER_ID}-pre-') && SnapshotCreateTime<'\${cutoff}'].DBClusterSnapshotIdentifier" --output text 2>&1)" || { echo "warning: could not list old pre-release snapshots: $old" >&2; old=""; }`,
        'for s in $old; do',
        '  [ "$s" = "$id" ] && continue',
        '  aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier "$s" > /dev/null 2>&1 && echo "pruned $s (older than ${KEEP_DAYS} days)" || echo "warning: could not delete $s" >&2',
        "done",
    ].join("\n");
}

/** Buildspec of the snapshot project: the script, SNAPSHOT_ID exported to the action's namespace. */
export function snapshotBuildSpec(): Record<string, unknown> {
    return {
        version: 0.2,
        env: { shell: "bash", "exported-variables": ["SNAPSHOT_ID"] },
        phases: { build: { commands: [snapshotScript()] } },
    };
}
