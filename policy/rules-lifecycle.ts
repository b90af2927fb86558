// Rule 57: what survives a destroy. Production (and the delivery stack, which holds production's images)
// protects its stateful resources; staging and review stacks destroy cleanly and completely.
import { PROTECTED_TIERS, Props, SlipwayRule, stackRule } from "./kit";

/** Stateful resource types: losing one loses data (images, artifacts, the key that decrypts them, secrets, logs). */
export const STATEFUL_TYPES = [
    "aws:ecr/repository:Repository",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:cloudwatch/logGroup:LogGroup",
    // A package index's published versions live in its domain and repositories.
    "aws:codeartifact/domain:Domain",
    "aws:codeartifact/repository:Repository",
    // slipway:database: the cluster holds the data, its writer the compute that serves it.
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    // slipway:database kind instance: one DB instance holds both.
    "aws:rds/instance:Instance",
];

export const lifecycleRules: SlipwayRule[] = [
    stackRule(
        {
            name: "stateful-resources-protected",
            description: "In production and delivery stacks, the registry, artifact bucket, KMS key, secrets and log groups are `protect`ed.",
            sources: ["Pulumi docs (protect resource option)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Pass { protect: true } to the resource when the stack's tier is production (slipway's `protect` setting).",
        },
        (resources, ctx, report) => {
            if (!PROTECTED_TIERS.includes(ctx.tier)) return;
            for (const r of resources) {
                if (STATEFUL_TYPES.includes(r.type) && !r.opts.protect) report(`${r.type} "${r.name}" is not protected in a ${ctx.tier} stack: pass { protect: true }.`, r.urn);
            }
        },
    ),
    stackRule(
        {
            name: "nonproduction-destroys-cleanly",
            description: "Staging and review stacks destroy cleanly: nothing protected, ECR force-delete, S3 force-destroy, secrets deleted without a recovery window, no deletion protection.",
            sources: ["Pulumi docs (pulumi destroy)", "slipway: review stacks are created and destroyed per pull request"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Leave protect off and set forceDelete / forceDestroy: true, recoveryWindowInDays: 0 and enableDeletionProtection: false outside production.",
        },
        (resources, ctx, report) => {
            if (PROTECTED_TIERS.includes(ctx.tier)) return;
            for (const r of resources) {
                const p = r.props as Props;
                const what = `${r.type} "${r.name}"`;
                if (r.opts.protect) report(`${what} is protected in a ${ctx.tier} stack, so \`pulumi destroy\` would stop: drop protect.`, r.urn);
                if (r.type === "aws:ecr/repository:Repository" && p.forceDelete !== true) report(`${what} keeps its images on destroy: set forceDelete: true.`, r.urn);
                if (r.type === "aws:s3/bucket:Bucket" && p.forceDestroy !== true) report(`${what} cannot be deleted while it holds objects: set forceDestroy: true.`, r.urn);
                if (r.type === "aws:secretsmanager/secret:Secret" && p.recoveryWindowInDays !== 0) report(`${what} lingers for its recovery window, blocking a recreated stack's name: set recoveryWindowInDays: 0.`, r.urn);
                if (r.type === "aws:lb/loadBalancer:LoadBalancer" && p.enableDeletionProtection === true) report(`${what} has deletion protection: turn it off outside production.`, r.urn);
            }
        },
    ),
];
