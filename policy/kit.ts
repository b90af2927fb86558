// The building blocks every slipway policy rule is made of: a rule is a plain @pulumi/policy
// ResourceValidationPolicy or StackValidationPolicy carrying a little extra metadata (the source rules it
// mirrors and what to change). The same objects run under CrossGuard (policy/index.ts) and offline
// (tools/check/policy-report.ts). Nothing here starts the policy server.
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/**
 * The RegExp source of an IAM wildcard pattern: `*` any run of characters, `?` any one, everything else
 * literal. Callers anchor it and choose the flags (IAM matches action names case-insensitively).
 */
export function iamWildcardSource(pattern: string): string {
    return pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
}

/** What every slipway rule says about itself (printed by the plan and docs/security.md). */
export interface RuleMeta {
    /** lower-case-with-dashes, e.g. `ecr-scan-on-push`; what a waiver names. */
    name: string;
    /** One sentence: what the rule requires. */
    description: string;
    /** Checker rule ids this rule mirrors (Checkov, cdk-nag, tfsec, or the guidance it follows). */
    sources: string[];
    severity: Severity;
    /** mandatory blocks a preview/up (and `npm run check`); advisory warns. */
    enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
    /** What to change when the rule fires. */
    remediationSteps: string;
}

export type SlipwayResourceRule = ResourceValidationPolicy & RuleMeta & { kind: "resource"; resourceTypes: string[] };
export type SlipwayStackRule = StackValidationPolicy & RuleMeta & { kind: "stack" };
export type SlipwayRule = SlipwayResourceRule | SlipwayStackRule;

/** The props of one resource, read the way the plan JSON and CrossGuard both carry them (camelCase inputs). */
export type Props = Record<string, unknown>;

export type ResourceCheck = (props: Props, report: (message: string) => void, args: ResourceValidationArgs) => void | Promise<void>;

/** Whether a resource rule inspects a type ("*" inspects every type). */
export function appliesTo(resourceTypes: string[], type: string): boolean {
    return resourceTypes.includes("*") || resourceTypes.includes(type);
}

/** A rule over single resources of the given types ("*": every type). */
export function resourceRule(meta: RuleMeta, resourceTypes: string[], check: ResourceCheck): SlipwayResourceRule {
    return {
        ...meta,
        kind: "resource",
        resourceTypes,
        validateResource: async (args, reportViolation) => {
            if (!appliesTo(resourceTypes, args.type)) return;
            await check(args.props as Props, (message) => reportViolation(message), args);
        },
    };
}

/** What a stack rule knows about the stack it checks. */
export interface StackContext {
    /** delivery | production | staging | review (from the slipway:policy:Waivers component). */
    tier: string;
    /** Rule id → written reason. */
    waivers: Record<string, string>;
}

export type StackCheck = (
    resources: PolicyResource[],
    ctx: StackContext,
    report: ReportViolation,
    args: StackValidationArgs,
) => void | Promise<void>;

/** A rule over the whole stack (relations between resources, or tier-dependent requirements). */
export function stackRule(meta: RuleMeta, check: StackCheck): SlipwayStackRule {
    return {
        ...meta,
        kind: "stack",
        validateStack: async (args, reportViolation) => {
            await check(args.resources, stackContext(args.resources), reportViolation, args);
        },
    };
}

/** Type token of the component the program registers so policies can read the stack's waivers and tier. */
export const CONTEXT_TYPE = "slipway:policy:Waivers";

/** Tiers whose stateful resources must survive a destroy. The delivery stack holds production's images. */
export const PROTECTED_TIERS = ["production", "delivery"];

/** The stack's tier and waivers, from the slipway:policy:Waivers component (props or registered outputs). */
export function stackContext(resources: PolicyResource[]): StackContext {
    const component = resources.find((r) => r.type === CONTEXT_TYPE);
    const props = (component?.props ?? {}) as Props;
    const waivers = parseWaivers(props.waivers);
    let tier = typeof props.tier === "string" ? props.tier : "";
    if (!tier) {
        // Without the component (a program that predates it), fall back to the stack name in the URN,
        // with the naming convention infra/config/settings.ts uses.
        const stack = /^urn:pulumi:([^:]+)::/.exec(resources[0]?.urn ?? "")?.[1] ?? "";
        tier = stack === "delivery" ? "delivery" : stack === "production" || stack === "prod" ? "production" : stack.startsWith("review-") ? "review" : "staging";
    }
    return { tier, waivers };
}

/** Waivers arrive as a map, or (from stack config) as its JSON text. */
export function parseWaivers(value: unknown): Record<string, string> {
    let v = value;
    if (typeof v === "string") {
        try {
            v = JSON.parse(v);
        } catch {
            return {};
        }
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, r]) => [k, String(r)]));
}

// --- small readers -------------------------------------------------------------------------------------

export function get(obj: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Props)[k] : undefined), obj);
}

export function asArray(v: unknown): unknown[] {
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v : [v];
}

export function asRecords(v: unknown): Props[] {
    return asArray(v).filter((x): x is Props => Boolean(x) && typeof x === "object");
}

/** A JSON-string input (policy documents, container definitions, buildspecs); undefined when unknown or not JSON. */
export function parseJson(v: unknown): unknown {
    if (typeof v !== "string") return v && typeof v === "object" ? v : undefined;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

export const SENSITIVE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|DATABASE_URL|DSN)/i;

// --- IAM policy documents --------------------------------------------------------------------------------

/** A statement as statements() returns it: normalized and frozen, so read-only all the way down. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: unknown;
    readonly Action: readonly string[];
    readonly NotAction: readonly string[];
    readonly Resource: readonly string[];
    readonly NotResource: readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Statements of a policy document (a JSON string or object); [] when the document is unknown. A document's
 * text is parsed once per process: the rules ask for the same documents again and again (511 times for 79
 * documents in `npm run plan -- --all`, 2026-12-04). What is returned is frozen, so no rule changes what
 * the next one reads.
 */
export function statements(doc: unknown): readonly PolicyStatement[] {
    if (typeof doc !== "string") return parseStatements(doc);
    let found = parsedStatements.get(doc);
    if (!found) {
        // A bound on what a long-lived process (the suite's plan thread) keeps.
        if (parsedStatements.size >= 2000) parsedStatements.clear();
        found = Object.freeze(parseStatements(doc).map((st) => deepFreeze(st)));
        parsedStatements.set(doc, found);
    }
    return found;
}
const parsedStatements = new Map<string, readonly PolicyStatement[]>();

function deepFreeze<T>(v: T): T {
    if (v && typeof v === "object" && !Object.isFrozen(v)) {
        Object.freeze(v);
        for (const x of Object.values(v)) deepFreeze(x);
    }
    return v;
}

function parseStatements(doc: unknown): PolicyStatement[] {
    const parsed = parseJson(doc);
    if (!parsed || typeof parsed !== "object") return [];
    return asRecords((parsed as Props).Statement).map((s) => ({
        Sid: typeof s.Sid === "string" ? s.Sid : undefined,
        Effect: s.Effect === "Deny" ? "Deny" : "Allow",
        Principal: s.Principal,
        Action: asArray(s.Action).map(String),
        NotAction: asArray(s.NotAction).map(String),
        Resource: asArray(s.Resource).map(String),
        NotResource: asArray(s.NotResource).map(String),
        Condition: s.Condition && typeof s.Condition === "object" ? (s.Condition as Record<string, Record<string, unknown>>) : undefined,
    }));
}

export function statementLabel(s: PolicyStatement, i: number): string {
    return s.Sid ? `statement ${s.Sid}` : `statement #${i + 1}`;
}

/** True when a principal is everyone: "*" or {AWS: "*"}. */
export function isPublicPrincipal(p: unknown): boolean {
    if (p === "*") return true;
    if (p && typeof p === "object") return asArray((p as Props).AWS).some((x) => x === "*");
    return false;
}

/** Identity policies slipway declares: inline role policies, managed policies and a role's inline policies. */
export const IDENTITY_POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/role:Role"];

/**
 * Checks made on the stack's config and stack file rather than on its resources (infra/config/settings.ts and
 * tools/check/policy-report.ts): their ids are waivable like rules' (slipway:policyWaivers).
 */
export const STACK_FILE_CHECKS: Record<string, string> = {
    "production-tier": "a production-named stack (production, prod, *-production, *-prod) runs a lower slipway:tier",
    "production-reviewers": "the delivery stack's production gate is github-reviewers but slipway:productionReviewers is empty",
    "production-https": "a production-tier environment serves plain HTTP (no slipway:certificateArn and slipway:domainName)",
    "beanstalk-listener-reach":
        "a Beanstalk environment deploys by TrafficSplitting: its deploy role and the pipeline role may re-weight the listeners and rules of every load balancer Elastic Beanstalk made in the account and region (CloudFormation cannot tag them, and EB names them)",
    "review-staging-data":
        "a review stack's database starts from a snapshot of a staging database (slipway:database.restoreFrom): pull-request code runs against a copy of staging's data, and the one review deploy role may read staging's automated snapshots and use staging's database key through RDS",
    "stack-secrets-provider": "an environment stack's config is not encrypted with its own KMS key (awskms://alias/slipway/<app>/<stack>)",
};

/** Tag marking a managed policy that is a permissions boundary: a ceiling on roles, not a grant. */
export const POLICY_PURPOSE_TAG = "slipway:purpose";
export const BOUNDARY_PURPOSE = "permissions-boundary";

/** True for a managed policy tagged as a permissions boundary (its Allow statements grant nothing). */
export function isBoundaryPolicy(type: string, props: Props): boolean {
    const tags = (props.tags ?? {}) as Record<string, unknown>;
    return type === "aws:iam/policy:Policy" && tags[POLICY_PURPOSE_TAG] === BOUNDARY_PURPOSE;
}

/** The identity-policy documents of one resource. */
export function identityDocuments(type: string, props: Props): unknown[] {
    if (type === "aws:iam/role:Role") return asRecords(props.inlinePolicies).map((p) => p.policy);
    return [props.policy];
}

/** Resource policies (who may use a resource), including role trust policies. */
export const RESOURCE_POLICY_INPUTS: Record<string, string> = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
};

/** Resources of a type in a stack. */
export function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((r) => r.type === type);
}
