// A role may have 10 managed policies attached (IAM and AWS STS quotas: "Managed policies attached to an IAM role", 10
// by default) and inline policies of 10,240 characters in all. The review deploy role already has 10 concerns (every
// platform's, the domain's, the data's): a review template with slipway:database adds its database policies, and
// restoreFrom one more. Rather than raise the quota, the concerns that fit inline move there, in the order given,
// until the managed ones are within the quota; a role within it is left exactly as it was (tools/check/aws-limits.ts
// checks both quotas on the plan: the inline total is measured there, where the ARNs are known).
import type { Statement } from "../shared/iam";
import type { DeployRolePolicy } from "./deployer-policy";

/** IAM's default quota of managed policies attached to one role. */
export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The role's managed policies within the quota, and the statements that move inline (a Sid two concerns share gets a
 * number, as one document's Sids must be unique). `inlineFirst`: policy names that may move, in order.
 */
export function fitManagedPolicies(policies: DeployRolePolicy[], inlineFirst: string[], max = MANAGED_POLICIES_PER_ROLE): { policies: DeployRolePolicy[]; statements?: Statement[] } {
    if (policies.length <= max) return { policies };
    const moved = new Set<string>();
    for (const name of inlineFirst) {
        if (policies.length - moved.size <= max) break;
        if (policies.some((p) => p.name === name)) moved.add(name);
    }
    const seen = new Set<string>();
    const statements = policies
        .filter((p) => moved.has(p.name))
        .flatMap((p) => p.statements)
        .map((st) => {
            let sid = st.Sid;
            for (let n = 2; sid && seen.has(sid); n++) sid = `${st.Sid}${n}`;
            if (sid) seen.add(sid);
            return sid === st.Sid ? st : { ...st, Sid: sid };
        });
    return { policies: policies.filter((p) => !moved.has(p.name)), ...(statements.length ? { statements } : {}) };
}
