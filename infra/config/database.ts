// The database config key (`slipway:database`, environment stacks) and its checks: one message per
// problem, naming the key path and the fix. An environment with the key gets its own Aurora PostgreSQL
// Serverless v2 cluster (infra/environment/database.ts); the delivery stack reads the same key from the
// environment's stack file and gives that stack's deploy role its RDS rights (infra/delivery/database-policy.ts).
import { z } from "zod";
import { key } from "./keys";
import type { Tier } from "./tiers";
import { DATABASE_IAM_USER_VARIABLE } from "../contract";
import { RestoreSource, restoreSource } from "./database-restore";

/**
 * Aurora PostgreSQL majors slipway accepts, and the first minor of each that can scale to 0 ACUs
 * (auto-pause). RDS API Reference, ServerlessV2ScalingConfiguration.MinCapacity: "For Aurora versions that
 * support the Aurora Serverless v2 auto-pause feature, the smallest value that you can use is 0. For
 * versions that don't support Aurora Serverless v2 auto-pause, the smallest value that you can use is
 * 0.5." The per-version table is "Aurora Serverless v2 capacity" (Aurora User Guide); the first minors
 * here are the November 2024 auto-pause launch's (16.3, 15.7, 14.12, 13.15; 17 launched with it). The
 * authoritative answer for a region is DescribeDBEngineVersions' ServerlessV2FeaturesSupport.MinCapacity
 * (docs/database.md shows the query). Majors 11 and 12 are past standard support and not offered.
 */
export const AURORA_POSTGRES_MAJORS: Readonly<Record<number, { autoPauseFrom: number }>> = {
    13: { autoPauseFrom: 15 },
    14: { autoPauseFrom: 12 },
    15: { autoPauseFrom: 7 },
    16: { autoPauseFrom: 3 },
    17: { autoPauseFrom: 4 },
};

/**
 * What each task gets, as libpq's own variables (PostgreSQL docs, "Environment Variables"): psql,
 * node-postgres, psycopg and Rails' pg adapter connect with no further configuration.
 */
export const DATABASE_SECRET_NAMES = { host: "PGHOST", port: "PGPORT", dbname: "PGDATABASE", username: "PGUSER", password: "PGPASSWORD" } as const;

/** The default engine version: a 16.x minor with auto-pause. */
export const DEFAULT_ENGINE_VERSION = "16.6";

/** RDS API Reference, ServerlessV2ScalingConfiguration: 0–256 ACUs (256 "for recent Aurora versions"), in half-step increments. */
export const ACU_MAX = 256;
/** SecondsUntilAutoPause: "a value between 300 seconds (five minutes) and 86,400 seconds (one day)"; default 300. */
export const AUTO_PAUSE_SECONDS = { min: 300, max: 86400 } as const;
/** CreateDBCluster BackupRetentionPeriod: "Must be a value from 1 to 35"; default 1. */
export const BACKUP_RETENTION = { min: 1, max: 35 } as const;
/**
 * Days between rotations of RDS's master password (Secrets Manager RotationRulesType.AutomaticallyAfterDays:
 * "Valid Range: Minimum value of 1. Maximum value of 1000"; the provider validates the same, IntBetween(1, 1000)
 * in aws_secretsmanager_secret_rotation). RDS's own default for a managed secret is 7 days.
 */
export const ROTATION_DAYS = { min: 1, max: 1000, default: 7 } as const;

/**
 * DatabaseName (CreateDBCluster, Aurora PostgreSQL): 1–63 letters, digits and underscores, starting with a
 * letter; not a PostgreSQL reserved word. MasterUsername: 1–63 letters, digits and underscores, first a
 * letter, "Can't be a reserved word for the chosen database engine" (rdsadmin and postgres' own roles).
 */
export const PG_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
export const RESERVED_DATABASE_NAMES = ["postgres", "template0", "template1", "rdsadmin", "user", "select", "table", "default"] as const;
/** CreateDBCluster MasterUsername: "Must be 1 to 16 letters or numbers", first a letter. */
export const MASTER_USERNAME = /^[a-z][a-z0-9_]{0,15}$/;
export const RESERVED_USERNAMES = ["postgres", "rdsadmin", "admin", "root", "rds_superuser", "public", "user"] as const;

/** The platforms whose environments reach a slipway:database: ECS (task secrets) and Elastic Beanstalk (environment secrets). */
export const DATABASE_PLATFORMS = ["ecs", "beanstalk"] as const;

/** Fields of slipway:database. */
export const DATABASE_FIELDS = ["kind", "name", "username", "engineVersion", "minCapacity", "maxCapacity", "secondsUntilAutoPause", "instanceClass", "allocatedStorage", "multiAz", "backupRetentionDays", "iamAuthentication", "rotationDays", "restoreFrom"] as const;

/**
 * What slipway:database declares: `serverless` (the default) an Aurora PostgreSQL Serverless v2 cluster with one
 * db.serverless writer; `instance` one RDS for PostgreSQL DB instance (aws.rds.Instance), gp3 storage, Multi-AZ in
 * production. Both keep every guarantee (docs/database.md "Serverless or one instance").
 */
export const DATABASE_KINDS = ["serverless", "instance"] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];
/** Fields that fit one kind only: set with the other, they are refused (the other kind has no such setting). */
export const KIND_ONLY_FIELDS: Readonly<Record<DatabaseKind, readonly string[]>> = {
    serverless: ["minCapacity", "maxCapacity", "secondsUntilAutoPause"],
    instance: ["instanceClass", "allocatedStorage", "multiAz"],
};

/**
 * RDS for PostgreSQL majors slipway accepts for kind `instance` (not Aurora's: the engine is `postgres`). The RDS for
 * PostgreSQL release notes ("Release calendars for Amazon RDS for PostgreSQL") list 14–18 in standard support at the
 * time of writing, 18.1 being the first 18 minor RDS offers ("Extension versions for Amazon RDS for PostgreSQL", the
 * 18.1 column); 13 left standard support on 2026-02-28 (release calendar; Extended Support only, billed extra: not
 * verified offline) and is not offered. A region's list: aws rds describe-db-engine-versions --engine postgres.
 */
export const RDS_POSTGRES_MAJORS = [14, 15, 16, 17, 18] as const;
/**
 * The default RDS for PostgreSQL version: 16.11. RDS's notice of 2026 on minors 16.5–16.8 (end of standard support
 * 2026-05-31, no new instances from 2026-05-01) names 14.20, 15.15, 16.11 and 17.7 as the upgrade targets, so 16.11
 * is offered. RDS upgrades minors itself (autoMinorVersionUpgrade); the config names the version to create.
 */
export const DEFAULT_INSTANCE_ENGINE_VERSION = "16.11";
/** The default instance class: the smallest Graviton burstable class RDS for PostgreSQL offers (2 vCPU, 1 GiB). */
export const DEFAULT_INSTANCE_CLASS = "db.t4g.micro";
/** A DB instance class: `db.<family>.<size>` (./rds-shapes.ts, shared with tools/check/aws-limits.ts). */
export { INSTANCE_CLASS } from "./rds-shapes";
import { INSTANCE_CLASS } from "./rds-shapes";

/**
 * gp3 allocated storage of RDS for PostgreSQL: "General Purpose (SSD) storage (gp2, gp3): Must be an integer from 20
 * to 65536" (CreateDBInstance AllocatedStorage, RDS API Reference). Default 20 GiB: the smallest, the cheapest.
 */
export const ALLOCATED_STORAGE = { min: 20, max: 65536, default: 20 } as const;

/**
 * Kind `instance`: Multi-AZ (a standby in a second zone, automatic failover) in production, a single zone elsewhere.
 * Multi-AZ doubles the instance and storage bill (tools/estimates/prices.ts); staging and review stacks trade the
 * failover for half the cost, production keeps its database through the loss of a zone.
 */
export const INSTANCE_MULTI_AZ_DEFAULT: Readonly<Record<Tier, boolean>> = { production: true, staging: false, review: false };

/** Per tier: the capacity range and backups unless set. Staging and review pause when idle (0 ACU); production never pauses (resume takes up to 15 s). */
export const DATABASE_TIER_DEFAULTS: Readonly<Record<Tier, { minCapacity: number; maxCapacity: number; backupRetentionDays: number }>> = {
    production: { minCapacity: 0.5, maxCapacity: 4, backupRetentionDays: 14 },
    staging: { minCapacity: 0, maxCapacity: 2, backupRetentionDays: 1 },
    review: { minCapacity: 0, maxCapacity: 1, backupRetentionDays: 1 },
};

export const DATABASE_KEYS = [
    key({
        key: "database",
        roles: ["environment"],
        type: "map",
        description:
            `A PostgreSQL database for the environment (ECS or Elastic Beanstalk, docs/database.md): an Aurora PostgreSQL Serverless v2 cluster in the stack's isolated subnets, reachable only from the app's tasks or Beanstalk instances, encrypted with its own KMS key, its master password made and kept by RDS in Secrets Manager. Fields: name (database, default app), username (default app), engineVersion (Aurora PostgreSQL 13–17, default 16.6), minCapacity and maxCapacity (ACUs, 0–256 in steps of 0.5; defaults production 0.5–4, staging 0–2, review 0–1; 0 pauses when idle and needs a version with auto-pause), secondsUntilAutoPause (300–86400, default 300), backupRetentionDays (1–35; defaults production 14, else 1), iamAuthentication (default false; true: each process that uses the database may connect as the stack's own user <app>__<stack>, told in the plain variable PGUSER_IAM, after the app creates it with GRANT rds_iam; on ECS the task roles of those processes are granted it, on Elastic Beanstalk the instance role, which every container of the environment uses), rotationDays (days between rotations of the master password, ${ROTATION_DAYS.min}–${ROTATION_DAYS.max}, default ${ROTATION_DAYS.default}: after each rotation the web service and workers restart, or the Beanstalk environment's app servers, to read the new password). kind: serverless (the default: the cluster above) or instance (one RDS for PostgreSQL DB instance instead, with the same isolation, encryption, password, backups, logs, protection and rotation; the capacity fields do not apply): engineVersion RDS for PostgreSQL ${RDS_POSTGRES_MAJORS[0]}–${RDS_POSTGRES_MAJORS[RDS_POSTGRES_MAJORS.length - 1]} (default ${DEFAULT_INSTANCE_ENGINE_VERSION}), instanceClass (db.<family>.<size>, default ${DEFAULT_INSTANCE_CLASS}), allocatedStorage (GiB of gp3, ${ALLOCATED_STORAGE.min}–${ALLOCATED_STORAGE.max}, default ${ALLOCATED_STORAGE.default}), multiAz (a standby in a second zone; default true in production, else false). restoreFrom (the review template only, kind serverless: a staging stack, e.g. staging, whose most recent automated snapshot each new review stack's cluster starts from instead of empty; name, username and engineVersion must agree with that stack's, and it needs the written waiver slipway:policyWaivers.review-staging-data: pull-request code then runs against a copy of staging's data). The app's tasks and release command get ${Object.values(DATABASE_SECRET_NAMES).join(", ")} as task secrets (libpq's names); on Beanstalk they are environment secrets (aws:elasticbeanstalk:application:environmentsecrets). Empty: no database.`,
        schema: z.record(z.string(), z.unknown()),
        example: "name",
    }),
] as const;

export interface DatabaseSettings {
    /** `<app>-<stack>`: the cluster (or instance) identifier the pipeline and the deploy policies derive (contract.ts databaseIdentifier). */
    identifier: string;
    /** serverless: an Aurora cluster; instance: one RDS for PostgreSQL DB instance. */
    kind: DatabaseKind;
    engine: "aurora-postgresql" | "postgres";
    engineVersion: string;
    name: string;
    username: string;
    /** Kind serverless only. */
    minCapacity?: number;
    maxCapacity?: number;
    /** Kind instance only: `db.<family>.<size>`, GiB of gp3 storage, a standby in a second zone. */
    instanceClass?: string;
    allocatedStorage?: number;
    multiAz?: boolean;
    /** Set when minCapacity is 0. */
    secondsUntilAutoPause?: number;
    backupRetentionDays: number;
    iamAuthentication: boolean;
    /** Days between rotations of the master password RDS keeps (the services restart after each). */
    rotationDays: number;
    /** The review template's slipway:database.restoreFrom: start from the newest automated snapshot of this staging cluster. */
    restoreFrom?: RestoreSource;
}

/** What the database defaults to and where it may run. */
export interface DatabaseContext {
    platform: string;
    tier: Tier;
    /** `<app>-<stack>`. */
    environmentName: string;
    /** For restoreFrom (infra/config/database-restore.ts): the app, region, the review-staging-data waiver, other stacks' files. */
    restore?: { appName: string; region: string; waived: boolean; readStackConfig?: (stack: string) => Record<string, string> | undefined };
}

/** RDS DB cluster identifier: 1–63 letters, digits or hyphens, first a letter, no trailing hyphen nor two consecutive (CreateDBCluster DBClusterIdentifier). */
export const CLUSTER_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
export const CLUSTER_IDENTIFIER_MAX = 63;
/**
 * Names derived from the cluster's identifier are at most 63 characters too: the writer `<id>-writer`
 * (CreateDBInstance) and production's pre-release snapshots `<id>-pre-<UTC YYYYMMDDHHMMSS>`
 * (CreateDBClusterSnapshot, infra/delivery/database-snapshot.ts): the identifier keeps 19 characters free.
 */
export const DATABASE_IDENTIFIER_MAX = CLUSTER_IDENTIFIER_MAX - "-pre-YYYYMMDDHHMMSS".length;

/** Whether an Aurora PostgreSQL version can scale to 0 ACUs. */
export function autoPauses(version: string): boolean {
    const [major, minor] = version.split(".").map(Number);
    const m = AURORA_POSTGRES_MAJORS[major];
    return m !== undefined && minor >= m.autoPauseFrom;
}

const halfStep = (v: number) => Number.isFinite(v) && Math.round(v * 2) === v * 2;

/** The validated database, or undefined (none configured, or problems pushed, one per mistake). */
export function databaseSettings(value: Record<string, unknown> | undefined, c: DatabaseContext, stack: string, problems: string[]): DatabaseSettings | undefined {
    const at = "slipway:database";
    if (!value || !Object.keys(value).length) return undefined;
    const set = (path: string, example: string) => `pulumi config set --path '${at}.${path}' ${example} --stack ${stack}`;
    const rm = (path: string) => `pulumi config rm --path '${at}.${path}' --stack ${stack}`;
    // ECS (task secrets, infra/platforms/ecs) and Elastic Beanstalk (environment secrets, infra/platforms/beanstalk/database.ts).
    if (!(DATABASE_PLATFORMS as readonly string[]).includes(c.platform)) {
        problems.push(
            `${at} is set, but slipway:platform is ${c.platform}: slipway's database reaches ${DATABASE_PLATFORMS.join(" and ")} environments only (docs/database.md). Fix: pulumi config set slipway:platform ecs --stack ${stack}, or remove the database: pulumi config rm ${at} --stack ${stack}`,
        );
        return undefined;
    }
    const before = problems.length;
    for (const field of Object.keys(value)) {
        if (!(DATABASE_FIELDS as readonly string[]).includes(field)) problems.push(`${at}.${field} is not a database setting (it takes ${DATABASE_FIELDS.join(", ")}). Fix: ${rm(field)}`);
    }
    const byTier = DATABASE_TIER_DEFAULTS[c.tier];
    let kind: DatabaseKind = "serverless";
    if (value.kind !== undefined && !(DATABASE_KINDS as readonly unknown[]).includes(value.kind)) {
        problems.push(`${at}.kind = ${JSON.stringify(value.kind)} is not a database kind: ${DATABASE_KINDS.join(" (an Aurora Serverless v2 cluster, the default) or ")} (one RDS for PostgreSQL instance). Fix: ${set("kind", "instance")} or ${rm("kind")}`);
    } else if (value.kind !== undefined) kind = value.kind as DatabaseKind;
    const other: DatabaseKind = kind === "serverless" ? "instance" : "serverless";
    const kindName = (k: DatabaseKind) => (k === "serverless" ? "serverless (an Aurora Serverless v2 cluster)" : "instance (one RDS for PostgreSQL DB instance)");
    for (const field of KIND_ONLY_FIELDS[other]) {
        if (value[field] !== undefined) problems.push(`${at}.${field} applies only with kind ${other}; this database is kind ${kindName(kind)}, which has no such setting. Fix: ${rm(field)}${other === "instance" ? ` or ${set("kind", "instance")}` : ` or ${rm("kind")}`}`);
    }
    const text = (field: string, fallback: string): string => {
        const v = value[field];
        if (v === undefined) return fallback;
        if (typeof v !== "string" && typeof v !== "number") {
            problems.push(`${at}.${field} must be a string. Fix: ${set(field, fallback)}`);
            return fallback;
        }
        return String(v);
    };
    const name = text("name", "app");
    if (!PG_IDENTIFIER.test(name) || (RESERVED_DATABASE_NAMES as readonly string[]).includes(name)) {
        problems.push(`${at}.name = ${JSON.stringify(name)} is not a database name RDS accepts: 1–63 of a–z, 0–9 and '_', starting with a letter, and not one of ${RESERVED_DATABASE_NAMES.join(", ")}. Fix: ${set("name", "app")}`);
    }
    const username = text("username", "app");
    if (!MASTER_USERNAME.test(username) || (RESERVED_USERNAMES as readonly string[]).includes(username)) {
        problems.push(`${at}.username = ${JSON.stringify(username)} is not a master username RDS accepts: 1–16 of a–z, 0–9 and '_', starting with a letter, and not one of ${RESERVED_USERNAMES.join(", ")}. Fix: ${set("username", "app")}`);
    }
    const engineVersion = text("engineVersion", kind === "instance" ? DEFAULT_INSTANCE_ENGINE_VERSION : DEFAULT_ENGINE_VERSION);
    const versionMatch = /^(\d+)\.(\d+)$/.exec(engineVersion);
    const majors = Object.keys(AURORA_POSTGRES_MAJORS).join(", ");
    if (kind === "instance") {
        if (!versionMatch || !(RDS_POSTGRES_MAJORS as readonly number[]).includes(Number(versionMatch[1]))) {
            problems.push(`${at}.engineVersion = ${JSON.stringify(engineVersion)} is not an RDS for PostgreSQL version slipway offers: <major>.<minor> with major ${RDS_POSTGRES_MAJORS.join(", ")} (e.g. ${DEFAULT_INSTANCE_ENGINE_VERSION}; aws rds describe-db-engine-versions --engine postgres lists a region's). Fix: ${set("engineVersion", DEFAULT_INSTANCE_ENGINE_VERSION)}`);
        }
    } else if (!versionMatch || !AURORA_POSTGRES_MAJORS[Number(versionMatch[1])]) {
        problems.push(`${at}.engineVersion = ${JSON.stringify(engineVersion)} is not an Aurora PostgreSQL version slipway offers: <major>.<minor> with major ${majors} (e.g. ${DEFAULT_ENGINE_VERSION}; aws rds describe-db-engine-versions --engine aurora-postgresql lists a region's). Fix: ${set("engineVersion", DEFAULT_ENGINE_VERSION)}`);
    }
    const num = (field: string, fallback: number): number => {
        const v = value[field];
        if (v === undefined) return fallback;
        const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isFinite(n)) {
            problems.push(`${at}.${field} = ${JSON.stringify(v)} must be a number. Fix: ${set(field, String(fallback))}`);
            return fallback;
        }
        return n;
    };
    let minCapacity: number | undefined;
    let maxCapacity: number | undefined;
    let secondsUntilAutoPause: number | undefined;
    if (kind === "serverless") {
        minCapacity = num("minCapacity", byTier.minCapacity);
        maxCapacity = num("maxCapacity", Math.max(byTier.maxCapacity, minCapacity));
        for (const [field, v] of [["minCapacity", minCapacity], ["maxCapacity", maxCapacity]] as const) {
            if (v < 0 || v > ACU_MAX || !halfStep(v)) problems.push(`${at}.${field} = ${v} is not an Aurora Serverless v2 capacity: 0 to ${ACU_MAX} ACUs in steps of 0.5. Fix: ${set(field, String(byTier[field]))}`);
        }
        if (maxCapacity < 1 && maxCapacity >= 0) problems.push(`${at}.maxCapacity = ${maxCapacity}: Aurora Serverless v2's maximum capacity is at least 1 ACU. Fix: ${set("maxCapacity", "1")}`);
        if (minCapacity > maxCapacity) problems.push(`${at}.minCapacity = ${minCapacity} is greater than maxCapacity = ${maxCapacity}. Fix: ${set("maxCapacity", String(Math.max(1, minCapacity)))}`);
        if (minCapacity === 0 && versionMatch && AURORA_POSTGRES_MAJORS[Number(versionMatch[1])] && !autoPauses(engineVersion)) {
            const m = AURORA_POSTGRES_MAJORS[Number(versionMatch[1])];
            problems.push(
                `${at}.minCapacity = 0 needs an engine version with auto-pause; ${engineVersion} allows 0.5 at the least (Aurora PostgreSQL ${versionMatch[1]}.${m.autoPauseFrom} and later scale to 0). Fix: ${set("engineVersion", `${versionMatch[1]}.${m.autoPauseFrom}`)} or ${set("minCapacity", "0.5")}`,
            );
        }
        if (value.secondsUntilAutoPause !== undefined) {
            const s = num("secondsUntilAutoPause", AUTO_PAUSE_SECONDS.min);
            if (minCapacity !== 0) problems.push(`${at}.secondsUntilAutoPause applies only with minCapacity 0 (a cluster that pauses). Fix: ${rm("secondsUntilAutoPause")} or ${set("minCapacity", "0")}`);
            else if (!Number.isInteger(s) || s < AUTO_PAUSE_SECONDS.min || s > AUTO_PAUSE_SECONDS.max) problems.push(`${at}.secondsUntilAutoPause = ${s} must be an integer from ${AUTO_PAUSE_SECONDS.min} to ${AUTO_PAUSE_SECONDS.max}. Fix: ${set("secondsUntilAutoPause", "300")}`);
            else secondsUntilAutoPause = s;
        } else if (minCapacity === 0) secondsUntilAutoPause = AUTO_PAUSE_SECONDS.min;
    }
    let instanceClass: string | undefined;
    let allocatedStorage: number | undefined;
    let multiAz: boolean | undefined;
    if (kind === "instance") {
        instanceClass = text("instanceClass", DEFAULT_INSTANCE_CLASS);
        if (!INSTANCE_CLASS.test(instanceClass)) {
            problems.push(`${at}.instanceClass = ${JSON.stringify(instanceClass)} is not a DB instance class RDS for PostgreSQL takes: db.<family>.<size>, e.g. ${DEFAULT_INSTANCE_CLASS} or db.m7g.large${instanceClass === "db.serverless" ? " (db.serverless is Aurora's: use kind serverless)" : ""}. Fix: ${set("instanceClass", DEFAULT_INSTANCE_CLASS)}`);
        }
        allocatedStorage = num("allocatedStorage", ALLOCATED_STORAGE.default);
        if (!Number.isInteger(allocatedStorage) || allocatedStorage < ALLOCATED_STORAGE.min || allocatedStorage > ALLOCATED_STORAGE.max) {
            problems.push(`${at}.allocatedStorage = ${allocatedStorage} must be a whole number of GiB from ${ALLOCATED_STORAGE.min} to ${ALLOCATED_STORAGE.max} (RDS for PostgreSQL's gp3 storage). Fix: ${set("allocatedStorage", String(ALLOCATED_STORAGE.default))}`);
        }
        const m = value.multiAz;
        if (m !== undefined && m !== true && m !== false && m !== "true" && m !== "false") problems.push(`${at}.multiAz must be true or false. Fix: ${set("multiAz", String(INSTANCE_MULTI_AZ_DEFAULT[c.tier]))}`);
        multiAz = m === undefined ? INSTANCE_MULTI_AZ_DEFAULT[c.tier] : m === true || m === "true";
    }
    const backupRetentionDays = num("backupRetentionDays", byTier.backupRetentionDays);
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < BACKUP_RETENTION.min || backupRetentionDays > BACKUP_RETENTION.max) {
        problems.push(`${at}.backupRetentionDays = ${backupRetentionDays} must be an integer from ${BACKUP_RETENTION.min} to ${BACKUP_RETENTION.max} (RDS keeps automated backups 1–35 days). Fix: ${set("backupRetentionDays", String(byTier.backupRetentionDays))}`);
    }
    const rotationDays = num("rotationDays", ROTATION_DAYS.default);
    if (!Number.isInteger(rotationDays) || rotationDays < ROTATION_DAYS.min || rotationDays > ROTATION_DAYS.max) {
        problems.push(`${at}.rotationDays = ${rotationDays} must be an integer from ${ROTATION_DAYS.min} to ${ROTATION_DAYS.max} (Secrets Manager rotates a secret every 1–1000 days). Fix: ${set("rotationDays", String(ROTATION_DAYS.default))}`);
    }
    const iam = value.iamAuthentication;
    if (iam !== undefined && iam !== true && iam !== false && iam !== "true" && iam !== "false") problems.push(`${at}.iamAuthentication must be true or false. Fix: ${set("iamAuthentication", "true")}`);
    if (!CLUSTER_IDENTIFIER.test(c.environmentName) || c.environmentName.length > DATABASE_IDENTIFIER_MAX) {
        problems.push(`${at}: the cluster identifier ${c.environmentName} (<app>-<stack>) is not one RDS accepts with room for its writer and pre-release snapshots (<id>-writer, <id>-pre-<time>): 1–${DATABASE_IDENTIFIER_MAX} of a–z, 0–9 and '-', starting with a letter, without '--' or a trailing '-'. Fix: a shorter slipway:appName or stack name, or pulumi config rm ${at} --stack ${stack}`);
    }
    const iamAuthentication = iam === true || iam === "true";
    // restoreFrom restores an Aurora cluster snapshot (RestoreDBClusterFromSnapshot): a DB instance is not restored from one.
    if (value.restoreFrom !== undefined && kind === "instance") {
        problems.push(`${at}.restoreFrom starts an Aurora cluster from staging's cluster snapshot, but ${at}.kind is instance (one RDS for PostgreSQL DB instance, which cannot restore a cluster snapshot). Fix: ${rm("restoreFrom")} (an empty review database), or ${rm("kind")} (serverless)`);
    }
    const restoreFrom =
        value.restoreFrom === undefined || kind === "instance"
            ? undefined
            : restoreSource(
                  value.restoreFrom,
                  { tier: c.tier, appName: c.restore?.appName ?? "", region: c.restore?.region ?? "", name, username, engineVersion, iamAuthentication, waived: c.restore?.waived ?? false, readStackConfig: c.restore?.readStackConfig },
                  stack,
                  problems,
                  { name: "app", username: "app", engineVersion: DEFAULT_ENGINE_VERSION },
              );
    if (problems.length > before) return undefined;
    return {
        identifier: c.environmentName,
        kind,
        engine: kind === "instance" ? "postgres" : "aurora-postgresql",
        engineVersion,
        name,
        username,
        ...(kind === "serverless" ? { minCapacity, maxCapacity, secondsUntilAutoPause } : { instanceClass, allocatedStorage, multiAz }),
        backupRetentionDays,
        iamAuthentication,
        rotationDays,
        ...(restoreFrom ? { restoreFrom } : {}),
    };
}

/**
 * With a database, PG* are the database's (task secrets on ECS, environment secrets on Beanstalk): an app setting
 * or secret of the same name would give the process two values for one variable (on Beanstalk a plain property
 * beside the environment secret). One problem per colliding name.
 */
export function databaseNameProblems(database: Record<string, unknown> | undefined, appSettings: Record<string, unknown>, appSecrets: Record<string, unknown>, stack: string): string[] {
    if (!database || !Object.keys(database).length) return [];
    // With iamAuthentication the processes that use the database also get the plain variable naming their IAM user.
    const iam = database.iamAuthentication === true || database.iamAuthentication === "true";
    const names = [...(Object.values(DATABASE_SECRET_NAMES) as string[]), ...(iam ? [DATABASE_IAM_USER_VARIABLE] : [])];
    return [...Object.keys(appSettings).map((n) => ["appSettings", n] as const), ...Object.keys(appSecrets).map((n) => ["appSecrets", n] as const)]
        .filter(([, n]) => names.includes(n))
        .map(([key, n]) => `slipway:${key}.${n} collides with slipway:database, which gives the app ${names.join(", ")} itself. Fix: pulumi config rm --path 'slipway:${key}.${n}' --stack ${stack}`);
}

/** Whether a stack file sets slipway:database (the delivery stack gives its deploy role the database policy). */
export function databaseOfStackFile(config: Record<string, string> | undefined): boolean {
    const text = config?.["slipway:database"];
    if (!text) return false;
    try {
        const parsed = JSON.parse(text) as unknown;
        return Boolean(parsed) && typeof parsed === "object" && !Array.isArray(parsed) && Object.keys(parsed as object).length > 0;
    } catch {
        return false;
    }
}

/**
 * The kind of database a stack file declares (slipway:database.kind; serverless unless it says instance): the delivery
 * stack's deploy policy, runtime read of the password and pre-release snapshot differ per kind. Read like
 * databaseOfStackFile; the environment's own check (databaseSettings) refuses any other value.
 */
export function databaseKindOfStackFile(config: Record<string, string> | undefined): DatabaseKind | undefined {
    if (!databaseOfStackFile(config)) return undefined;
    return (JSON.parse(config?.["slipway:database"] ?? "{}") as { kind?: unknown }).kind === "instance" ? "instance" : "serverless";
}

/**
 * Whether a stack file sets slipway:database.iamAuthentication to true (the delivery stack then writes the stack's
 * `db-connect` runtime policy: infra/delivery/database-connect.ts). Read like databaseOfStackFile; the environment's
 * own config check (databaseSettings) refuses any value but true or false.
 */
export function databaseIamAuthOfStackFile(config: Record<string, string> | undefined): boolean {
    if (!databaseOfStackFile(config)) return false;
    const iam = (JSON.parse(config?.["slipway:database"] ?? "{}") as { iamAuthentication?: unknown }).iamAuthentication;
    return iam === true || iam === "true";
}
