// Runs slipway's rules (the very objects the CrossGuard pack wraps) against a set of resources, and
// applies waivers. Used by the pack on the real path (policy/pack.ts) and by the offline plan
// (tools/check/policy-report.ts), so both report the same violations.
import type { PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { STACK_FILE_CHECKS } from "./kit";
import { appliesTo, SlipwayRule } from "./kit";

/** Thrown by notApplicable() in the args this module builds; the rule is then skipped for that resource. */
class NotApplicable extends Error {}

/**
 * CrossGuard wraps props in a proxy that throws UnknownValueError when a policy reads a value not known
 * until the update (an ARN during the first preview). A resource policy would be skipped for that one
 * resource; the wrapped rules do the same, and check it again on `pulumi up`, when the value is known.
 */
function isUnknownValue(e: unknown): boolean {
    return e instanceof Error && e.constructor.name === "UnknownValueError";
}

/** The minimum a resource needs to be checked: what the plan JSON and CrossGuard both know. */
export interface CheckedResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    protect: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    parent?: string | null;
}

function options(r: CheckedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges ?? [],
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent ?? undefined,
    };
}

const isTypeOf = (type: string) => (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === type;

/** A plan resource in the shape CrossGuard hands a stack policy. */
export function toPolicyResource(r: CheckedResource): PolicyResource {
    const isType = isTypeOf(r.type);
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        opts: options(r),
        dependencies: [],
        propertyDependencies: {},
        isType,
        asType: (cls) => (isType(cls) ? (r.props as never) : undefined),
    };
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

/** The args CrossGuard passes a resource policy, built from a stack policy's view of one resource. */
export function resourceArgs(r: PolicyResource): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        provider: r.provider,
        stackTags: new Map(),
        isType: (cls) => r.isType(cls),
        asType: (cls) => (r.isType(cls) ? (r.props as never) : undefined),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

export function stackArgs(resources: PolicyResource[]): StackValidationArgs {
    return { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable };
}

/**
 * Runs one rule over a stack's resources: a resource rule's validateResource on each resource of its
 * types, a stack rule's validateStack once. Violations name the resource they concern.
 */
export async function runRule(rule: SlipwayRule, resources: PolicyResource[], report: ReportViolation, args?: StackValidationArgs): Promise<void> {
    try {
        if (rule.kind === "stack") {
            await rule.validateStack(args ?? stackArgs(resources), report);
            return;
        }
        const validations = rule.validateResource === undefined ? [] : Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
        for (const r of resources) {
            if (!appliesTo(rule.resourceTypes, r.type)) continue;
            for (const validate of validations) {
                try {
                    await validate(resourceArgs(r), (message, urn) => report(message, urn ?? r.urn));
                } catch (e) {
                    if (!(e instanceof NotApplicable) && !isUnknownValue(e)) throw e;
                }
            }
        }
    } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
    }
}

export interface Finding {
    rule: string;
    enforcementLevel: "mandatory" | "advisory";
    severity: string;
    message: string;
    urn?: string;
}

export interface Evaluation {
    violations: Finding[];
    /** Rule id → reason, for waived rules that exist. */
    waived: Record<string, string>;
    /** Waived rule id → how many violations the waiver hides (0: the waiver is no longer needed). */
    hidden: Record<string, number>;
    /** Waiver ids that name no rule (an error: a typo would silently waive nothing). */
    unknownWaivers: string[];
}

/** Waiver ids that name no rule of `rules`. */
export function unknownWaivers(waivers: Record<string, string>, rules: SlipwayRule[]): string[] {
    return Object.keys(waivers).filter((id) => !rules.some((r) => r.name === id) && !(id in STACK_FILE_CHECKS));
}

/** Evaluates every rule on a stack's resources, skipping waived rules. */
export async function evaluate(rules: SlipwayRule[], resources: CheckedResource[], waivers: Record<string, string>): Promise<Evaluation> {
    const policyResources = resources.map(toPolicyResource);
    const violations: Finding[] = [];
    const waived: Record<string, string> = {};
    const hidden: Record<string, number> = {};
    for (const rule of rules) {
        const found: Finding[] = [];
        await runRule(rule, policyResources, (message, urn) =>
            found.push({ rule: rule.name, enforcementLevel: rule.enforcementLevel, severity: rule.severity ?? "low", message, urn }),
        );
        if (waivers[rule.name]) {
            waived[rule.name] = waivers[rule.name];
            hidden[rule.name] = found.length;
        } else {
            violations.push(...found);
        }
    }
    return { violations, waived, hidden, unknownWaivers: unknownWaivers(waivers, rules) };
}
