// `npm run check` over a project's own stacks: every GitHub deploy role can do all its stacks' job
// (sufficiency) and nothing to any other stack (containment), evaluated with iam-simulate on the plans
// just made. The same functions back test/iam-sufficiency.test.ts and test/iam-containment.test.ts.
import { Plan } from "../plan/mock-engine";
import { decideAll, Doc, Principal, principalOf, Request } from "./iam-sim";
import { attackRequests, deployRequests, StackView } from "./iam-requests";
import { kmsDeployRequests } from "./kms-requests";
import { policyStackOf } from "../../infra/contract";
import { REVIEW_TEMPLATE_STACK } from "../../infra/delivery/state-backend";
import { stateAttacks, stateRequests } from "./state-requests";

/**
 * Actions AWS gives no resource type and no tag condition key, which a deploy role needs: they reach
 * every stack of the account by AWS's design (test/iam-containment.test.ts checks each has no resource type).
 */
export const ACCOUNT_WIDE: Record<string, string> = {
    "logs:CreateLogDelivery": "HTTP API access logs are CloudWatch Logs vended deliveries (API Gateway's logging permissions); another stack's delivery can be created, never read",
    "logs:PutResourcePolicy": "the account's CloudWatch Logs resource policies let API Gateway deliver access logs; replacing one can stop other stacks' access logs, not reveal or change them",
    "ecs:DeregisterTaskDefinition": "marks a revision INACTIVE; services keep running and scaling it, and the pipeline's next deploy registers a new one",
};

/**
 * Requests the principal is not allowed, as "role: action on resource is <decision> (why)". `policyOf`: a
 * request's resource policy, as decideAll takes it (its own by default).
 */
export async function denials(principal: Principal, requests: Request[], policyOf?: (r: Request) => Doc | undefined): Promise<string[]> {
    const decided = await decideAll(principal, requests, policyOf);
    return requests.flatMap((r, i) => (decided[i] !== "Allowed" ? [`${principal.name}: ${r.action} on ${r.resource} is ${decided[i]} (${r.why})`] : []));
}

/** Attacks the principal gets through, as "role: action on resource is allowed (why)". */
export async function breaches(principal: Principal, requests: Request[]): Promise<string[]> {
    const asked = requests.filter((r) => !ACCOUNT_WIDE[r.action]);
    const decided = await decideAll(principal, asked);
    return asked.flatMap((r, i) => (decided[i] === "Allowed" ? [`${principal.name}: ${r.action} on ${r.resource} is allowed (${r.why})`] : []));
}

/** One planned stack with what the checks need to know of its config. */
export interface CheckedStack {
    plan: Plan;
    region: string;
    app: string;
    tier: string;
    role: "delivery" | "environment";
    /** The delivery stack that deploys it (environments). */
    deliveryStack?: string;
    /** The stack file's `secretsprovider:` (`awskms://…`); undefined: a passphrase or Pulumi Cloud. */
    secretsProvider?: string;
    /** Plans the same config under another stack name (the review template as a review stack). */
    planAs?: (stackName: string) => Promise<Plan>;
    /** Delivery stacks: their `pulumiBackendUrl` (the deploy roles' state statements follow it). */
    backendUrl?: string;
    /** Pulumi project name (the S3 backend's path segment). */
    project?: string;
}

/** The review stack the review template (stack `review`) is checked as: review-pr-<N> stacks are made from its config. */
export const REVIEW_STAND_IN = "review-pr-0";

const viewOf = (s: CheckedStack): StackView => ({ plan: s.plan, region: s.region, tag: `${s.app}/${s.plan.stack}`, app: s.app });

/** An environment's deploy job against delivery's S3 state backend (none for other backends). */
function stateJobRequests(env: CheckedStack, delivery: CheckedStack): Request[] {
    if (!delivery.backendUrl) return [];
    const review = env.tier === "review";
    return stateRequests({
        backendUrl: delivery.backendUrl,
        project: delivery.project ?? "slipway",
        stack: env.plan.stack,
        kind: "up",
        reads: [delivery.plan.stack, ...(review ? [REVIEW_TEMPLATE_STACK] : [])],
    });
}

/** Every sufficiency and containment problem of the deploy roles of `stacks`; [] when none. */
export async function deployRoleProblems(stacks: CheckedStack[]): Promise<string[]> {
    const problems: string[] = [];
    const byName = new Map(stacks.map((s) => [s.plan.stack, s]));
    // The review template (stack `review`) only holds config for review-pr-N stacks and is never deployed:
    // it is checked as the review stack its config makes, for that stack's deploy role and as a victim.
    const deployed: CheckedStack[] = [];
    for (const s of stacks) {
        if (!(s.role === "environment" && s.plan.stack === "review" && s.tier === "review")) {
            deployed.push(s);
        } else if (s.planAs) {
            deployed.push({ ...s, plan: await s.planAs(REVIEW_STAND_IN) });
        } else {
            problems.push(`review template ${s.plan.stack}: cannot be planned as ${REVIEW_STAND_IN}, so the review deploy role is not simulated`);
        }
    }
    for (const env of deployed.filter((s) => s.role === "environment")) {
        const delivery = byName.get(env.deliveryStack ?? "delivery");
        if (!delivery) continue;
        const roleName = `github-oidc-deploy-${policyStackOf(env.plan.stack, env.tier)}`;
        if (!delivery.plan.resources.some((r) => r.type === "aws:iam/role:Role" && r.name === roleName)) continue;
        const principal = principalOf(delivery.plan, roleName);
        // Its stack's resources, and its own secrets-provider key (a workflow creates review stacks: stack init encrypts).
        const own = kmsDeployRequests(viewOf(env), viewOf(delivery), env.secretsProvider, { createsStack: env.tier === "review" });
        problems.push(...(await denials(principal, [...(await deployRequests(viewOf(env))), ...own])));
        problems.push(...(await denials(principal, stateJobRequests(env, delivery))));
        // Everything of every other stack of the project is out of reach.
        for (const other of deployed) {
            if (other === env || (other.role === "environment" && policyStackOf(other.plan.stack, other.tier) === policyStackOf(env.plan.stack, env.tier))) continue;
            problems.push(...(await breaches(principal, await attackRequests(viewOf(other), `${env.app}/${env.plan.stack}`))));
            if (delivery.backendUrl) {
                // Delivery's checkpoint is every environment's StackReference: readable, never writable.
                problems.push(...(await breaches(principal, stateAttacks(delivery.backendUrl, delivery.project ?? "slipway", other.plan.stack, other === delivery))));
            }
        }
    }
    return problems;
}
