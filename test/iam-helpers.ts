// Shared by the tests that simulate a role's calls (tools/check/iam-sim.ts).
import { decide, Principal, Request } from "../tools/check/iam-sim";

/** Each request `principal` decides otherwise than `want`, one line naming action, resource, decision and why. */
export async function decisions(principal: Principal, requests: Request[], want: "Allowed" | "denied"): Promise<string[]> {
    const out: string[] = [];
    for (const r of requests) {
        const d = await decide(principal, r);
        if ((want === "Allowed") !== (d === "Allowed")) out.push(`${principal.name}: ${r.action} on ${r.resource} is ${d} (${r.why})`);
    }
    return out;
}
