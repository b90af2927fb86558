// Placeholder until the policy pack issue lands: evaluates the pack's rules against a plan offline.
import { Plan } from "../tools/mock-engine";
import { StackConfig } from "../tools/stack-config";

export interface PolicyReport {
    /** Human-readable section printed after the plan tree. */
    text: string;
    mandatoryViolations: number;
}

export function policyReport(plan: Plan, config: StackConfig): PolicyReport {
    void plan;
    void config;
    return { text: "Policy: no rules evaluated yet", mandatoryViolations: 0 };
}
