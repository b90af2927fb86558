// The policy pack, offline: evaluates the pack's rules (the same objects CrossGuard runs) against a
// plan from the mock engine, with the stack's waivers from its config. `npm run plan` prints the
// report after the tree; `npm run check` exits 3 when a mandatory rule is violated.
import { Plan } from "../plan/mock-engine";
import { StackConfig } from "../plan/stack-config";
import { evaluate, Evaluation, Finding } from "../../policy/evaluate";
import { CONTEXT_TYPE, parseWaivers, SlipwayRule, STACK_FILE_CHECKS } from "../../policy/kit";
import { policyStackOf, secretsKeyAlias } from "../../infra/contract";
import { RULES } from "../../policy/rules";

export const WAIVERS_KEY = "slipway:policyWaivers";

export interface PolicyReport {
    /** Human-readable section printed after the plan tree. */
    text: string;
    mandatoryViolations: number;
    evaluation: Evaluation;
}

/** Evaluates `rules` on a plan; waivers come from the stack's config (`slipway:policyWaivers`). */
export async function evaluatePlan(plan: Plan, waivers: Record<string, string>, rules: SlipwayRule[] = RULES): Promise<Evaluation> {
    const resources = plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        parent: r.parent,
    }));
    return evaluate(rules, resources, waivers);
}

function where(plan: Plan, f: Finding): string {
    const r = plan.resources.find((x) => x.urn === f.urn);
    return r ? `${r.type} "${r.name}"` : "stack";
}

/**
 * The stack-file check CrossGuard cannot make (it never sees the stack's secrets provider): an
 * environment stack's config and state secrets are encrypted with its own KMS key, which only its own
 * deploy role may use, so no pull request or other stack can decrypt them.
 */
export function secretsProviderProblem(plan: Plan, config: StackConfig): string | undefined {
    const tier = String(plan.resources.find((r) => r.type === CONTEXT_TYPE)?.inputs.tier ?? "");
    if (!tier || tier === "delivery") return undefined;
    const app = config.config["slipway:appName"];
    const expected = `awskms://${secretsKeyAlias(app, policyStackOf(config.stack, tier))}`;
    const actual = config.secretsProvider ?? "";
    if (actual === expected || actual.startsWith(`${expected}?`)) return undefined;
    return `the stack's secrets are encrypted with ${actual || "a passphrase or Pulumi Cloud's default key"}, which its own deploy role does not alone control (${STACK_FILE_CHECKS["stack-secrets-provider"]}). Fix: pulumi stack change-secrets-provider "${expected}?region=${config.config["aws:region"]}" --stack ${config.stack}`;
}

export async function policyReport(plan: Plan, config: StackConfig, rules: SlipwayRule[] = RULES): Promise<PolicyReport> {
    const waivers = parseWaivers(config.config[WAIVERS_KEY]);
    const evaluation = await evaluatePlan(plan, waivers, rules);
    const provider = secretsProviderProblem(plan, config);
    if (provider && !waivers["stack-secrets-provider"]) {
        evaluation.violations.push({ rule: "stack-secrets-provider", severity: "critical", enforcementLevel: "mandatory", message: provider });
    } else if (waivers["stack-secrets-provider"]) {
        evaluation.waived["stack-secrets-provider"] = waivers["stack-secrets-provider"];
        evaluation.hidden["stack-secrets-provider"] = provider ? 1 : 0;
    }
    const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory");
    const advisory = evaluation.violations.filter((v) => v.enforcementLevel === "advisory");
    const mandatoryRules = rules.filter((r) => r.enforcementLevel === "mandatory").length;
    const lines = [
        "",
        `Policy for ${plan.stack}: ${rules.length} rules (${mandatoryRules} mandatory, ${rules.length - mandatoryRules} advisory): ` +
            `${mandatory.length + evaluation.unknownWaivers.length} mandatory violation(s), ${advisory.length} advisory warning(s), ${Object.keys(evaluation.waived).length} waived`,
    ];
    for (const id of evaluation.unknownWaivers) {
        lines.push(`    ERROR  ${WAIVERS_KEY}.${id}: no policy rule is named "${id}" (see docs/security.md); fix or remove the waiver.`);
    }
    for (const v of mandatory) lines.push(`    ERROR  [${v.rule}, ${v.severity}] ${where(plan, v)}: ${v.message}`);
    for (const v of advisory) lines.push(`    warn   [${v.rule}, ${v.severity}] ${where(plan, v)}: ${v.message}`);
    for (const [id, reason] of Object.entries(evaluation.waived)) {
        const unused = evaluation.hidden[id] === 0 ? " (unused: the stack passes this rule without it; remove the waiver)" : "";
        lines.push(`    waived [${id}] ${reason}${unused}`);
    }
    return { text: lines.join("\n"), mandatoryViolations: mandatory.length + evaluation.unknownWaivers.length, evaluation };
}
