// Rules for an environment's Aurora database (slipway:database): encrypted with a customer key, never
// public, reachable only from security groups, backed up, protected in production, IAM auth (advisory),
// minor-version upgrades and exported logs. Sources name cdk-nag's rule modules (cdk-nag 2.36.45
// lib/rules/rds: RDSStorageEncrypted, RDSInstancePublicAccess, RDSRestrictedInbound, RDSInstanceBackupEnabled,
// RDSInstanceDeletionProtectionEnabled, AuroraMySQLPostgresIAMAuth, RDSAutomaticMinorVersionUpgradeEnabled,
// RDSLoggingEnabled) and the intent of Checkov's and awsguard's RDS checks.
import { PROTECTED_TIERS, Props, resourceRule, SlipwayRule, stackRule } from "./kit";

export const RDS_CLUSTER = "aws:rds/cluster:Cluster";
export const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const RDS_INSTANCE = "aws:rds/instance:Instance";

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//;

/**
 * True when an EventBridge rule on Secrets Manager's RotationSucceeded (a pattern still unknown during a preview
 * counts: it is judged when known) has a target: what restarts the readers of a rotated password.
 */
export function rotationRuleTargeted(resources: { type: string; props: unknown }[]): boolean {
    const rules = resources.filter((x) => {
        if (x.type !== "aws:cloudwatch/eventRule:EventRule") return false;
        const pattern = (x.props as Props).eventPattern;
        if (typeof pattern !== "string") return true;
        try {
            const parsed = JSON.parse(pattern) as { source?: string[]; detail?: { eventName?: string[] } };
            return (parsed.source ?? []).includes("aws.secretsmanager") && (parsed.detail?.eventName ?? []).includes("RotationSucceeded");
        } catch {
            return false;
        }
    });
    return rules.some((rule) => resources.some((t) => t.type === "aws:cloudwatch/eventTarget:EventTarget" && (t.props as Props).rule === (rule.props as Props).name));
}

/** A state machine task: its integration (Resource) and its parameters. */
export interface StateMachineTask {
    Resource?: string;
    Parameters?: Props;
}

/** Every task state of the stack's state machines; undefined while a definition is unknown (a preview: judged when known). */
export function stateMachineTasks(resources: { type: string; props: unknown }[]): StateMachineTask[] | undefined {
    const tasks: StateMachineTask[] = [];
    for (const m of resources.filter((x) => x.type === "aws:sfn/stateMachine:StateMachine")) {
        const definition = (m.props as Props).definition;
        if (typeof definition !== "string") return undefined;
        tasks.push(...Object.values((JSON.parse(definition) as { States?: Record<string, StateMachineTask> }).States ?? {}));
    }
    return tasks;
}

export const databaseRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "rds-storage-encrypted",
            description: "Aurora clusters and RDS instances encrypt their storage with a customer-managed KMS key (storageEncrypted defaults to false for Serverless v2).",
            sources: ["cdk-nag RDSStorageEncrypted", "Checkov (RDS/Aurora encrypted at rest, intent)", "awsguard (RDS storage encrypted)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set storageEncrypted: true and kmsKeyId to the stack's key ARN; encryption is chosen at creation (a change replaces the cluster).",
        },
        [RDS_CLUSTER, RDS_INSTANCE],
        (p, report) => {
            if (p.storageEncrypted !== true) report("storage is not encrypted: set storageEncrypted: true.");
            else if (typeof p.kmsKeyId !== "string" || !KMS_KEY_ARN.test(p.kmsKeyId)) report("storage is encrypted with AWS's aws/rds key, not a customer-managed key: set kmsKeyId.");
        },
    ),
    resourceRule(
        {
            name: "rds-not-public",
            description: "No database instance is publicly accessible.",
            sources: ["cdk-nag RDSInstancePublicAccess", "Checkov (RDS not publicly accessible, intent)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Set publiclyAccessible: false and keep the subnet group's subnets without a route to an internet gateway.",
        },
        [RDS_CLUSTER_INSTANCE, RDS_INSTANCE],
        (p, report) => {
            if (p.publiclyAccessible !== false) report(`publiclyAccessible is ${JSON.stringify(p.publiclyAccessible)}: set it to false.`);
        },
    ),
    resourceRule(
        {
            name: "rds-reachable-from-groups-only",
            description: "A database's security group admits no CIDR range: only the app's security groups (RDSRestrictedInbound).",
            sources: ["cdk-nag RDSRestrictedInbound", "AWS best practice (security groups as identities)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Give the security group's ingress rules securityGroups (the app tasks' clients group), never cidrBlocks.",
        },
        ["aws:ec2/securityGroup:SecurityGroup"],
        (p, report) => {
            const description = String(p.description ?? "");
            if (!/PostgreSQL/.test(description)) return;
            for (const [i, rule] of ((p.ingress as Props[] | undefined) ?? []).entries()) {
                if (((rule.cidrBlocks as unknown[] | undefined) ?? []).length || ((rule.ipv6CidrBlocks as unknown[] | undefined) ?? []).length) report(`ingress rule #${i + 1} admits a CIDR range: admit the app's security groups only.`);
            }
        },
    ),
    resourceRule(
        {
            name: "rds-backups-retained",
            description: "Automated backups are kept at least a day (RDS: 1–35 days).",
            sources: ["cdk-nag RDSInstanceBackupEnabled", "AWS reliability guidance (point-in-time recovery)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set backupRetentionPeriod from 1 to 35 (slipway:database.backupRetentionDays).",
        },
        [RDS_CLUSTER, RDS_INSTANCE],
        (p, report) => {
            const days = p.backupRetentionPeriod;
            if (typeof days !== "number" || days < 1 || days > 35) report(`backupRetentionPeriod is ${JSON.stringify(days)}: set 1 to 35 days.`);
        },
    ),
    resourceRule(
        {
            name: "rds-iam-authentication",
            description: "Aurora clusters and RDS instances allow IAM database authentication (advisory: the password from Secrets Manager is slipway's default).",
            sources: ["cdk-nag AuroraMySQLPostgresIAMAuth"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "pulumi config set --path 'slipway:database.iamAuthentication' true, and connect with rds-db:connect tokens.",
        },
        [RDS_CLUSTER, RDS_INSTANCE],
        (p, report) => {
            if (p.iamDatabaseAuthenticationEnabled !== true) report("IAM database authentication is off: only the managed password opens the database.");
        },
    ),
    resourceRule(
        {
            name: "rds-minor-version-upgrades",
            description: "Database instances take automatic minor-version upgrades (security fixes) in their maintenance window.",
            sources: ["cdk-nag RDSAutomaticMinorVersionUpgradeEnabled"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set autoMinorVersionUpgrade: true.",
        },
        [RDS_CLUSTER_INSTANCE, RDS_INSTANCE],
        (p, report) => {
            if (p.autoMinorVersionUpgrade === false) report("automatic minor-version upgrades are off: set autoMinorVersionUpgrade: true.");
        },
    ),
    resourceRule(
        {
            name: "rds-logs-exported",
            description: "Aurora PostgreSQL clusters and RDS for PostgreSQL instances export their postgresql log to CloudWatch Logs.",
            sources: ["cdk-nag RDSLoggingEnabled", "Checkov (RDS cluster log capture, intent)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: 'Set enabledCloudwatchLogsExports: ["postgresql"].',
        },
        [RDS_CLUSTER, RDS_INSTANCE],
        (p, report) => {
            const logs = (p.enabledCloudwatchLogsExports as unknown[] | undefined) ?? [];
            if (String(p.engine ?? "").includes("postgres") && !logs.includes("postgresql")) report('the postgresql log is not exported: set enabledCloudwatchLogsExports: ["postgresql"].');
        },
    ),
    stackRule(
        {
            name: "rds-production-kept",
            description: "In production a database cluster or instance has deletion protection and leaves a final snapshot; elsewhere it deletes cleanly (no protection, no final snapshot to leave behind).",
            sources: ["cdk-nag RDSInstanceDeletionProtectionEnabled", "Pulumi docs (pulumi destroy)", "RDS API Reference (DeleteDBCluster and DeleteDBInstance: SkipFinalSnapshot, FinalDBSnapshotIdentifier)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Production: deletionProtection: true, skipFinalSnapshot: false and a finalSnapshotIdentifier. Staging and review: deletionProtection: false, skipFinalSnapshot: true.",
        },
        (resources, ctx, report) => {
            const production = PROTECTED_TIERS.includes(ctx.tier);
            for (const r of resources.filter((x) => x.type === RDS_CLUSTER || x.type === RDS_INSTANCE)) {
                const p = r.props as Props;
                const what = `${r.type} "${r.name}"`;
                if (production) {
                    if (p.deletionProtection !== true) report(`${what} has no deletion protection in a ${ctx.tier} stack: set deletionProtection: true.`, r.urn);
                    if (p.skipFinalSnapshot === true || typeof p.finalSnapshotIdentifier !== "string") report(`${what} would be deleted without a final snapshot: set skipFinalSnapshot: false and a finalSnapshotIdentifier.`, r.urn);
                } else {
                    if (p.deletionProtection === true) report(`${what} has deletion protection in a ${ctx.tier} stack, so \`pulumi destroy\` would stop: turn it off.`, r.urn);
                    if (p.skipFinalSnapshot !== true) report(`${what} needs a final snapshot to be deleted (${r.type === RDS_INSTANCE ? "DeleteDBInstance" : "DeleteDBCluster"}) and would leave it behind: set skipFinalSnapshot: true.`, r.urn);
                }
            }
        },
    ),
    stackRule(
        {
            name: "rds-password-rotation-restarts-services",
            description:
                "A database whose master password RDS keeps rotates it on a schedule, and every ECS service of the stack that reads it restarts after each rotation (ECS reads secrets only at task start): a rotation schedule on the secret, an EventBridge rule on Secrets Manager's RotationSucceeded, a target, and a state machine forcing a new deployment of each service.",
            sources: ["cdk-nag AwsSolutions-SMG4", "Checkov CKV2_AWS_57", "ECS Developer Guide (secrets are injected when the container starts)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Declare the database through slipway's Database component on ECS: it sets the rotation schedule (slipway:database.rotationDays) and the RotationRestart (infra/platforms/ecs/rotation-restart.ts).",
        },
        (resources, _ctx, report) => {
            const clusters = resources.filter((x) => (x.type === RDS_CLUSTER || x.type === RDS_INSTANCE) && (x.props as Props).manageMasterUserPassword === true);
            if (!clusters.length) return;
            const rotations = resources.filter((x) => x.type === "aws:secretsmanager/secretRotation:SecretRotation");
            const scheduled = rotations.some((x) => {
                const rules = ((x.props as Props).rotationRules ?? {}) as Props;
                return typeof rules.automaticallyAfterDays === "number" || typeof rules.scheduleExpression === "string";
            });
            if (!scheduled) report(`${clusters[0].type} "${clusters[0].name}": RDS's master password has no rotation schedule of the stack's own (aws.secretsmanager.SecretRotation with rotationRules on the database's masterUserSecrets[0].secretArn).`, clusters[0].urn);
            const services = resources.filter((x) => x.type === "aws:ecs/service:Service");
            if (!services.length) return;
            const targeted = rotationRuleTargeted(resources);
            if (!targeted) {
                report(`${services.length} ECS service(s) keep the old database password after a rotation: no EventBridge rule on Secrets Manager's RotationSucceeded with a target restarts them.`, services[0].urn);
                return;
            }
            const tasks = stateMachineTasks(resources);
            if (!tasks) return;
            const restarted = new Set<string>();
            for (const st of tasks) {
                if (/:states:::aws-sdk:ecs:updateService$/.test(String(st.Resource ?? "")) && st.Parameters?.ForceNewDeployment === true) restarted.add(String(st.Parameters.Service));
            }
            // A service whose tasks never read RDS's password (a worker with `database: false`: no `rds!cluster-` or `rds!db-` secret in its
            // task definition) keeps nothing stale after a rotation. Its task definition is found by family; one not found, or
            // not yet known, still needs the restart.
            const readsPassword = (svc: (typeof services)[number]) => {
                const arn = (svc.props as Props).taskDefinition;
                const family = typeof arn === "string" ? /:task-definition\/([^:]+)(?::\d+)?$/.exec(arn)?.[1] : undefined;
                const td = family ? resources.find((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition" && (x.props as Props).family === family) : undefined;
                const defs = td ? (td.props as Props).containerDefinitions : undefined;
                return typeof defs !== "string" || /:secret:rds!(cluster|db)-/.test(defs);
            };
            for (const svc of services) {
                const name = (svc.props as Props).name;
                if (typeof name === "string" && !restarted.has(name) && readsPassword(svc)) report(`${svc.type} "${svc.name}" (${name}) is not restarted after a database password rotation: no state machine task forces its new deployment (ecs:updateService, ForceNewDeployment).`, svc.urn);
            }
        },
    ),
];
