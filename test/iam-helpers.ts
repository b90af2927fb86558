// Shared by the tests that simulate a role's calls (tools/check/iam-sim.ts).
import { decideAll, Principal, Request } from "../tools/check/iam-sim";
import type { StackView } from "../tools/check/iam-requests";
import type { Plan } from "../tools/plan/mock-engine";
import { planStack } from "./helpers";

/** Each request `principal` decides otherwise than `want`, one line naming action, resource, decision and why. */
export async function decisions(principal: Principal, requests: Request[], want: "Allowed" | "denied"): Promise<string[]> {
    const decided = await decideAll(principal, requests);
    return requests.flatMap((r, i) => ((want === "Allowed") !== (decided[i] === "Allowed") ? [`${principal.name}: ${r.action} on ${r.resource} is ${decided[i]} (${r.why})`] : []));
}

/** The fixtures' region. */
export const REGION = "us-east-1";

/** A plan as the request builders see it: the fixtures' region, the stack tag `<app>/<stack>`. */
export const view = (p: Plan, app = "shop"): StackView => ({ plan: p, region: REGION, tag: `${app}/${p.stack}`, app });

const shared = new Map<string, Promise<Plan>>();
/**
 * A fixture plan with `set` applied, one object per file for reading only (planStack hands each call a copy to
 * change; tests that only read share one).
 */
export function plan(stack: string, set: Record<string, string> = {}): Promise<Plan> {
    const key = `${stack}/${JSON.stringify(set)}`;
    if (!shared.has(key)) shared.set(key, planStack(stack, { set }));
    return shared.get(key) as Promise<Plan>;
}
