// Backup before every production release: a CodeBuild project (one for every production target with a
// database) whose script takes a manual snapshot of the environment's Aurora cluster (or, with
// slipway:database.kind instance, a DB snapshot of its RDS instance), waits until it is
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

/**
 * `<cluster>-pre-` + UTC `YYYYMMDDHHMMSS`: a DB cluster snapshot identifier is at most 63 characters (CreateDBClusterSnapshot);
 * a DB snapshot's 1–255 (CreateDBSnapshot DBSnapshotIdentifier), so the cluster's bound holds for both.
 */
export const SNAPSHOT_SUFFIX_LENGTH = "-pre-".length + 14;

/** Where one production environment's snapshot is taken. */
export interface SnapshotTarget {
    stack: string;
    /** The database's identifier (contract.ts databaseIdentifier): its Aurora cluster's, or with kind instance its DB instance's. */
    clusterIdentifier: string;
    /** slipway:database.kind instance: a DB snapshot of the instance (CreateDBSnapshot), not a cluster snapshot. */
    kind?: "instance";
}

export function snapshotTarget(app: string, stack: string, kind?: "instance"): SnapshotTarget {
    return { stack, clusterIdentifier: databaseIdentifier(app, stack), ...(kind === "instance" ? { kind } : {}) };
}

/** The Backup action's variables (an instance's: DB_INSTANCE_ID instead of CLUSTER_ID, which the script branches on). */
export function snapshotActionVariables(t: SnapshotTarget): ActionVariable[] {
    if (t.kind === "instance") {
        return [
            { name: "STACK", value: t.stack },
            { name: "DB_INSTANCE_ID", value: t.clusterIdentifier },
            { name: "KEEP_DAYS", value: String(SNAPSHOT_KEEP_DAYS) },
        ];
    }
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
export function snapshotStatements(ctx: AwsContext, allTargets: SnapshotTarget[]): Statement[] {
    const instances = allTargets.filter((t) => t.kind === "instance");
    const targets = allTargets.filter((t) => t.kind !== "instance");
    return [...clusterSnapshotStatements(ctx, targets), ...instanceSnapshotStatements(ctx, instances)];
}

function clusterSnapshotStatements(ctx: AwsContext, targets: SnapshotTarget[]): Statement[] {
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
 * Kind instance: the same calls on DB snapshots. CreateDBSnapshot is authorized on the instance (`db:<id>`) and the new
 * snapshot (`snapshot:<id>-pre-*`); DescribeDBSnapshots on both; DeleteDBSnapshot on the snapshot (service
 * authorization reference, RDS). It can neither delete an instance nor touch another snapshot (its final one included).
 */
function instanceSnapshotStatements(ctx: AwsContext, targets: SnapshotTarget[]): Statement[] {
    if (!targets.length) return [];
    const dbs = targets.map((t) => arnOf(ctx, "rds", `db:${t.clusterIdentifier}`));
    const snapshots = targets.map((t) => arnOf(ctx, "rds", `snapshot:${t.clusterIdentifier}-pre-*`));
    return [
        ...targets.map(
            (t, i): Statement => ({
                Sid: `InstanceSnapshotBefore${stageName(t.stack).replace(/[^A-Za-z0-9]/g, "")}`,
                Action: ["rds:CreateDBSnapshot"],
                Resource: [dbs[i], snapshots[i]],
            }),
        ),
        { Sid: "TagPreReleaseInstanceSnapshots", Action: ["rds:AddTagsToResource"], Resource: snapshots },
        { Sid: "WatchPreReleaseInstanceSnapshots", Action: ["rds:DescribeDBSnapshots"], Resource: [...dbs, ...snapshots] },
        { Sid: "PruneOldPreReleaseInstanceSnapshots", Action: ["rds:DeleteDBSnapshot"], Resource: snapshots },
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

/**
 * Kind instance's shell: the same four steps on a DB snapshot of DB_INSTANCE_ID. `aws rds wait db-snapshot-available`
 * polls DescribeDBSnapshots every 30 s up to 60 times (botocore rds waiters-2.json DBSnapshotAvailable) and fails on
 * deleted, deleting, failed, incompatible-restore and incompatible-parameters, as the cluster's waiter.
 */
export function instanceSnapshotScript(): string {
    return [
        "# slipway pre-release backup: a manual DB snapshot of the database instance before anything is released or deployed.",
        'fail() { echo "pre-release snapshot of ${DB_INSTANCE_ID} (${STACK}): $* Nothing was released or deployed: the stage stops here." >&2; exit 1; }',
        'tag="$(cat image-tag.txt 2>/dev/null)"',
        `[[ "$tag" =~ ^[0-9a-f]{7,40}$ ]] || fail "image-tag.txt says \\"$tag\\", which is not a commit sha."`,
        'id="${DB_INSTANCE_ID}-pre-$(date -u +%Y%m%d%H%M%S)"',
        `out="$(aws rds create-db-snapshot --db-instance-identifier "$DB_INSTANCE_ID" --db-snapshot-identifier "$id" --tags "Key=${SNAPSHOT_TAG},Value=$tag" --query DBSnapshot.Status --output text 2>&1)" || fail "aws rds create-db-snapshot failed: $out"`,
        'echo "snapshot $id of $DB_INSTANCE_ID: $out; waiting until it is available"',
        'out="$(aws rds wait db-snapshot-available --db-snapshot-identifier "$id" 2>&1)" || fail "snapshot $id did not become available: $out"',
        'export SNAPSHOT_ID="$id"',
        'echo "snapshot $id is available (commit $tag)"',
        'cutoff="$(date -u -d "-${KEEP_DAYS} days" +%Y-%m-%dT%H:%M:%S)"',
        `old="$(aws rds describe-db-snapshots --db-instance-identifier "$DB_INSTANCE_ID" --snapshot-type manual --query "DBSnapshots[?starts_with(DBSnapshotIdentifier, '\${DB_INSTANCE_ID}-pre-') && SnapshotCreateTime<'\${cutoff}'].DBSnapshotIdentifier" --output text 2>&1)" || { echo "warning: could not list old pre-release snapshots: $old" >&2; old=""; }`,
        'for s in $old; do',
        '  [ "$s" = "$id" ] && continue',
        '  aws rds delete-db-snapshot --db-snapshot-identifier "$s" > /dev/null 2>&1 && echo "pruned $s (older than ${KEEP_DAYS} days)" || echo "warning: could not delete $s" >&2',
        "done",
    ].join("\n");
}

/**
 * Buildspec of the snapshot project: the script, SNAPSHOT_ID exported to the action's namespace. With an instance
 * among the targets the one project serves both kinds: an action naming DB_INSTANCE_ID runs the instance's script,
 * any other the cluster's (only clusters: the cluster's script alone, unchanged).
 */
export function snapshotBuildSpec(targets: SnapshotTarget[] = []): Record<string, unknown> {
    const instances = targets.some((t) => t.kind === "instance");
    const clusters = targets.some((t) => t.kind !== "instance");
    const script = !instances
        ? snapshotScript()
        : !clusters
          ? instanceSnapshotScript()
          : ['if [ -n "${DB_INSTANCE_ID:-}" ]; then', instanceSnapshotScript(), "else", snapshotScript(), "fi"].join("\n");
    return {
        version: 0.2,
        env: { shell: "bash", "exported-variables": ["SNAPSHOT_ID"] },
        phases: { build: { commands: [script] } },
    };
}
