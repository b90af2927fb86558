// slipway:database.restoreFrom (the review template only): each new review stack's Aurora cluster starts from the
// most recent automated snapshot of a staging stack's cluster instead of empty. The checks here run before any
// resource is declared, against the staging stack's own file (Pulumi.<stack>.yaml, read as the delivery stack reads
// its targets'): what RDS restores comes from the snapshot, not from the review config, so the two must agree.
//
// Facts (terraform-provider-aws internal/service/rds/cluster.go resourceClusterCreate, the SDK v2 version read
// 2026-12-02, search-index file id 4025829563): with snapshot_identifier the provider calls
// RestoreDBClusterFromSnapshot with DatabaseName, EngineVersion, KmsKeyId, the subnet group, security groups, port and
// log exports; it sends no MasterUsername (the snapshot's user is the cluster's) and no
// EnableIAMDatabaseAuthentication; backup retention, the Serverless v2 scaling and manage_master_user_password follow
// in one ModifyDBCluster after the restore. master_username and database_name are ForceNew
// (tools/plan/data/force-new.json): a review config that disagrees with the snapshot would read back staging's values
// and replace the cluster on the next `pulumi up`, and the connection secret would name a user that is not there.
import { databaseIdentifier } from "../contract";
import { tierForStack } from "./tiers";
import type { Tier } from "./tiers";

/** The config check a review template waives to restore staging's data into review stacks (slipway:policyWaivers). */
export const REVIEW_STAGING_DATA_WAIVER = "review-staging-data";

/** What the waiver accepts: policy/kit.ts STACK_FILE_CHECKS["review-staging-data"] (the policy pack imports nothing of infra/). */

/** A restore source, resolved: the staging stack and its cluster's identifier (contract.ts databaseIdentifier). */
export interface RestoreSource {
    stack: string;
    /** `<app>-<stack>`: the cluster whose automated snapshots are restored. */
    clusterIdentifier: string;
}

/** What the restore checks need besides the field itself. */
export interface RestoreContext {
    tier: Tier;
    appName: string;
    region: string;
    /** The review's own database settings as configured (name, username, engineVersion, iamAuthentication). */
    name: string;
    username: string;
    engineVersion: string;
    iamAuthentication: boolean;
    /** The stack waives review-staging-data with a written reason. */
    waived: boolean;
    /** Reads another stack's file (infra/config/stack-files.ts readStackFile); undefined: no file here. */
    readStackConfig?: (stack: string) => Record<string, string> | undefined;
}

/** `<major>.<minor>` → numbers, or undefined. */
function version(v: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+)$/.exec(v);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The source stack's slipway:database map as its file writes it, or undefined. */
function databaseOfFile(file: Record<string, string>): Record<string, unknown> | undefined {
    const text = file["slipway:database"];
    if (!text) return undefined;
    try {
        const parsed = JSON.parse(text) as unknown;
        return parsed && typeof parsed === "object" && !Array.isArray(parsed) && Object.keys(parsed).length ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The checked restore source of slipway:database.restoreFrom, or undefined (not set, or problems pushed: one per
 * mistake, each naming the key path and the fix).
 */
export function restoreSource(value: unknown, c: RestoreContext, stack: string, problems: string[], defaults: { name: string; username: string; engineVersion: string }): RestoreSource | undefined {
    if (value === undefined || value === "") return undefined;
    const at = "slipway:database.restoreFrom";
    const rm = `pulumi config rm --path '${at}' --stack ${stack}`;
    if (typeof value !== "string" || !/^[A-Za-z0-9._-]+$/.test(value)) {
        problems.push(`${at} must name a staging stack (e.g. staging), not ${JSON.stringify(value)}. Fix: pulumi config set --path '${at}' staging --stack ${stack}, or ${rm}`);
        return undefined;
    }
    if (c.tier !== "review") {
        problems.push(
            `${at} is set on ${stack}, a ${c.tier}-tier stack: only the review template (Pulumi.review.yaml, copied into each review-pr-<N> stack) may start its database from a snapshot of staging's. Fix: ${rm}`,
        );
        return undefined;
    }
    const before = problems.length;
    if (!c.waived) {
        problems.push(
            `${at} = ${value}: every review stack's database would start from a copy of ${value}'s data, pull-request code would run against it, and the review deploy role (one for all review stacks) could read ${value}'s automated snapshots and use its database key through RDS. Fix: ${rm} (each review stack gets an empty database), or accept it with a written reason: pulumi config set --path 'slipway:policyWaivers.${REVIEW_STAGING_DATA_WAIVER}' '<why review stacks may hold staging data>' --stack ${stack}`,
        );
    }
    const file = c.readStackConfig?.(value);
    if (!file) {
        problems.push(`${at} = ${value}: there is no Pulumi.${value}.yaml here to check the review database against (its database name, user and version come from ${value}'s snapshot). Fix: name the staging stack whose file is in this directory, or ${rm}`);
        return undefined;
    }
    const sourceTier = (file["slipway:tier"] as Tier | undefined) || tierForStack(value);
    if (sourceTier !== "staging" || (file["slipway:role"] ?? "environment") !== "environment") {
        problems.push(`${at} = ${value}: ${value} is not a staging-tier environment stack (it is ${file["slipway:role"] === "delivery" ? "a delivery stack" : `the ${sourceTier} tier`}); review stacks may start only from staging's data, never production's. Fix: pulumi config set --path '${at}' staging --stack ${stack}, or ${rm}`);
        return undefined;
    }
    if ((file["slipway:appName"] ?? "") !== c.appName || (file["aws:region"] ?? "") !== c.region) {
        problems.push(`${at} = ${value}: ${value} is app ${file["slipway:appName"] ?? "(none)"} in ${file["aws:region"] ?? "(no region)"}, this stack app ${c.appName} in ${c.region}: a snapshot is restored in its own region and account, from this app's cluster. Fix: name this app's staging stack in ${c.region}, or ${rm}`);
        return undefined;
    }
    const source = databaseOfFile(file);
    if (!source) {
        problems.push(`${at} = ${value}: ${value} has no slipway:database, so there is no cluster (${databaseIdentifier(c.appName, value)}) and no snapshot to restore. Fix: give ${value} a database first (pulumi config set --path 'slipway:database.name' app --stack ${value}), or ${rm}`);
        return undefined;
    }
    if (source.kind === "instance") {
        problems.push(`${at} = ${value}: ${value}'s database is kind instance (one RDS for PostgreSQL DB instance), whose snapshots are DB snapshots, not the Aurora cluster snapshots a review cluster restores. Fix: ${rm} (an empty review database)`);
        return undefined;
    }
    const str = (v: unknown, fallback: string) => (v === undefined ? fallback : String(v));
    const sourceName = str(source.name, defaults.name);
    const sourceUser = str(source.username, defaults.username);
    const sourceVersion = str(source.engineVersion, defaults.engineVersion);
    const set = (field: string, v: string) => `pulumi config set --path 'slipway:database.${field}' ${v} --stack ${stack}`;
    if (c.name !== sourceName) {
        problems.push(`slipway:database.name = ${c.name}, but the database in ${value}'s snapshot is ${sourceName}: the restored cluster holds ${value}'s databases, and the connection secret would name one it does not have. Fix: ${set("name", sourceName)}`);
    }
    if (c.username !== sourceUser) {
        problems.push(`slipway:database.username = ${c.username}, but ${value}'s master user is ${sourceUser}: a restored cluster keeps the snapshot's master user (RestoreDBClusterFromSnapshot takes none), so PGUSER would name a user that is not there and the next pulumi up would replace the cluster (masterUsername is ForceNew). Fix: ${set("username", sourceUser)}`);
    }
    const mine = version(c.engineVersion);
    const theirs = version(sourceVersion);
    if (mine && theirs && (mine[0] !== theirs[0] || mine[1] < theirs[1])) {
        problems.push(`slipway:database.engineVersion = ${c.engineVersion} cannot restore ${value}'s snapshot (Aurora PostgreSQL ${sourceVersion}): a review cluster restores at the same major version and at the snapshot's minor or later (the cluster allows no major-version upgrade). Fix: ${set("engineVersion", sourceVersion)}`);
    }
    if (c.iamAuthentication) {
        problems.push(`slipway:database.iamAuthentication = true with ${at}: the provider's restore sends no EnableIAMDatabaseAuthentication (only a later pulumi up would turn it on). Fix: pulumi config rm --path 'slipway:database.iamAuthentication' --stack ${stack}, or ${rm}`);
    }
    if (problems.length > before) return undefined;
    return { stack: value, clusterIdentifier: databaseIdentifier(c.appName, value) };
}

/**
 * The review template's restore source as the delivery stack reads it (Pulumi.review.yaml), or undefined. The
 * template's own program (each review-pr-<N> stack) runs every check above; the delivery stack widens the review deploy
 * role only when the template also carries the written waiver, so a template without one gets no rights either.
 */
export function restoreSourceOfStackFile(config: Record<string, string> | undefined): { stack: string; waived: boolean } | undefined {
    const text = config?.["slipway:database"];
    if (!text) return undefined;
    let from: unknown;
    try {
        from = (JSON.parse(text) as { restoreFrom?: unknown }).restoreFrom;
    } catch {
        return undefined;
    }
    if (typeof from !== "string" || !from || !/^[A-Za-z0-9._-]+$/.test(from) || tierForStack(from) === "production") return undefined;
    let waivers: Record<string, unknown> = {};
    try {
        waivers = JSON.parse(config?.["slipway:policyWaivers"] ?? "{}") as Record<string, unknown>;
    } catch {
        waivers = {};
    }
    const reason = waivers[REVIEW_STAGING_DATA_WAIVER];
    return { stack: from, waived: typeof reason === "string" && reason.trim() !== "" };
}
