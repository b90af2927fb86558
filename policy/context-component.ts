// The component a slipway program registers so the policy pack can see the stack's waivers and tier on
// the real path: CrossGuard cannot read stack config, but it sees every resource's props (inputs) and,
// for components, their registered outputs. Both carry the same values here.
import * as pulumi from "@pulumi/pulumi";
import { CONTEXT_TYPE } from "./kit";

export interface PolicyContextArgs {
    /** Rule id → written reason (slipway:policyWaivers). */
    waivers: Record<string, string>;
    /** delivery | production | staging | review */
    tier: string;
}

export class PolicyContext extends pulumi.ComponentResource {
    constructor(args: PolicyContextArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CONTEXT_TYPE, "policy-waivers", { waivers: args.waivers, tier: args.tier }, opts);
        this.registerOutputs({ waivers: args.waivers, tier: args.tier });
    }
}
