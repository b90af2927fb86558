// Renders a plan as the indented tree `pulumi preview` shows, with each resource's key settings.
import { Plan, PlannedResource } from "./mock-engine";

/** Inputs worth a line in the tree, per type; other types show their short scalar inputs. */
const KEY_SETTINGS: Record<string, string[]> = {
    "aws:ecr/repository:Repository": ["name", "imageTagMutability", "imageScanningConfiguration.scanOnPush", "forceDelete"],
    "aws:codebuild/project:Project": ["environment.computeType", "environment.image", "environment.privilegedMode", "buildTimeout"],
    "aws:codepipeline/pipeline:Pipeline": ["pipelineType", "executionMode", "stages"],
    "aws:codeartifact/domain:Domain": ["domain"],
    "aws:codeartifact/repository:Repository": ["domain", "repository", "externalConnections.externalConnectionName", "upstreams"],
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": ["domain", "repository"],
    "aws:codeartifact/domainPermissions:DomainPermissions": ["domain"],
    "aws:ecs/service:Service": ["name", "desiredCount", "capacityProviderStrategies", "deploymentCircuitBreaker"],
    "aws:ecs/taskDefinition:TaskDefinition": ["family", "cpu", "memory"],
    "aws:lb/loadBalancer:LoadBalancer": ["loadBalancerType", "internal", "dropInvalidHeaderFields", "enableDeletionProtection"],
    "aws:lb/listener:Listener": ["port", "protocol", "sslPolicy"],
    "aws:lb/targetGroup:TargetGroup": ["port", "targetType", "healthCheck.path", "deregistrationDelay"],
    "aws:iam/role:Role": ["path", "description"],
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretString"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
    "aws:ec2/vpc:Vpc": ["cidrBlock"],
    "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone"],
    "aws:ssm/parameter:Parameter": ["name", "insecureValue"],
    "aws:secretsmanager/secretRotation:SecretRotation": ["rotationRules.automaticallyAfterDays", "rotateImmediately"],
    "github:index/actionsSecret:ActionsSecret": ["secretName", "value"],
    "github:index/actionsVariable:ActionsVariable": ["variableName", "value"],
};

function get(obj: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function show(v: unknown): string {
    if (typeof v === "string") return v.length > 70 ? `${v.slice(0, 67)}...` : v;
    if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && "name" in x)) {
        return `[${v.map((x) => (x as { name: unknown }).name).join(" → ")}]`;
    }
    const text = JSON.stringify(v);
    return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

function settings(r: PlannedResource): string {
    const keys =
        KEY_SETTINGS[r.type] ??
        Object.entries(r.inputs)
            .filter(([k, v]) => k !== "__defaults" && (typeof v !== "object" || v === null) && String(v).length <= 60)
            .slice(0, 4)
            .map(([k]) => k);
    const parts = keys.map((k) => [k, get(r.inputs, k)] as const).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${show(v)}`);
    if (r.protect) parts.push("protected");
    return parts.join("  ");
}

export function renderTree(plan: Plan): string {
    const children = new Map<string | null, PlannedResource[]>();
    const urns = new Set(plan.resources.map((r) => r.urn));
    for (const r of plan.resources) {
        const parent = r.parent && urns.has(r.parent) ? r.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines = [`Plan for ${plan.project}/${plan.stack} (offline, mock engine):`, ""];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const detail = r.custom ? settings(r) : "";
            lines.push(`${"    ".repeat(depth)}+ ${r.type}  ${r.name}${detail ? `  ${detail}` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);
    const custom = plan.resources.filter((r) => r.custom).length;
    lines.push("", `Resources: ${plan.resources.length} to create (${custom} cloud resources, ${plan.resources.length - custom} components)`);
    lines.push("Outputs:");
    for (const [k, v] of Object.entries(plan.outputs)) lines.push(`    ${k}: ${show(v)}`);
    return lines.join("\n");
}
