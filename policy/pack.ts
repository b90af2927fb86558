// The CrossGuard shape of slipway's rules. CrossGuard cannot read stack config, so waivers reach the pack
// through the slipway:policy:Waivers component (policy/context-component.ts) that only a stack policy
// sees. Each rule is therefore wrapped as a stack policy that first looks the rule up in the stack's
// waivers, then runs the rule's own validateResource (per resource) or validateStack: the same function
// objects the offline plan calls. Stack policies run at the end of `pulumi preview`, which fails on a
// mandatory violation before `pulumi up` changes anything.
import type { StackValidationPolicy } from "@pulumi/policy";
import { runRule, unknownWaivers } from "./evaluate";
import { SlipwayRule, stackContext } from "./kit";

export const WAIVERS_RULE = "policy-waivers-known";

/** Fails the stack when a waiver names no rule: a typo would otherwise waive nothing, silently. */
export function waiversKnownPolicy(rules: SlipwayRule[]): StackValidationPolicy {
    return {
        name: WAIVERS_RULE,
        description: "Every waiver in slipway:policyWaivers names an existing rule.",
        enforcementLevel: "mandatory",
        severity: "high",
        validateStack: (args, reportViolation) => {
            for (const id of unknownWaivers(stackContext(args.resources).waivers, rules)) {
                reportViolation(`slipway:policyWaivers.${id} names no policy rule (see docs/security.md): fix or remove the waiver.`);
            }
        },
    };
}

/** One rule as a stack policy that honours the stack's waivers. */
export function waivable(rule: SlipwayRule): StackValidationPolicy {
    return {
        name: rule.name,
        description: `${rule.description} Fix: ${rule.remediationSteps} (mirrors ${rule.sources.join(", ")})`,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        remediationSteps: rule.remediationSteps,
        validateStack: async (args, reportViolation) => {
            const reason = stackContext(args.resources).waivers[rule.name];
            if (reason) args.notApplicable(`waived for this stack: ${reason}`);
            await runRule(rule, args.resources, reportViolation, args);
        },
    };
}

/** The pack's policies: the waiver check, then every rule. */
export function packPolicies(rules: SlipwayRule[]): StackValidationPolicy[] {
    return [waiversKnownPolicy(rules), ...rules.map(waivable)];
}
