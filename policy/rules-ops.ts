// Rules for roles people assume (the ops roles, infra/delivery/ops-access.ts): an AWS-principal trust
// statement names its principals, or, when it trusts a whole account, demands MFA.
import { asArray, get, resourceRule, SlipwayRule, statementLabel, statements } from "./kit";

/** A whole account as a principal: `arn:…:iam::<id>:root` or a bare 12-digit account id. */
const ACCOUNT = /^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$/;

/** True when the statement requires aws:MultiFactorAuthPresent true (Bool or BoolIfExists is not enough: IfExists lets a session without the key through). */
function requiresMfa(condition: Record<string, Record<string, unknown>> | undefined): boolean {
    const v = condition?.Bool?.["aws:MultiFactorAuthPresent"];
    return asArray(v).map(String).length > 0 && asArray(v).map(String).every((x) => x === "true");
}

export const opsRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "iam-human-trust-guarded",
            description: "A role trusted by AWS principals never trusts \"*\", and a statement trusting a whole account requires MFA (aws:MultiFactorAuthPresent true).",
            sources: [
                "Amazon Q detector library: Restrict assumed IAM role access (cloudformation/restrict-assumed-role)",
                "Amazon Q detector library: Restrict IAM permissive role assumption (cloudformation/restrict-iam-permissive-role)",
                "IAM User Guide: Configuring MFA-protected API access (aws:MultiFactorAuthPresent in a role's trust policy)",
            ],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Name the roles or users that may assume it (slipway:opsPrincipals), or keep the account principal with Condition { Bool: { aws:MultiFactorAuthPresent: \"true\" } }.",
        },
        ["aws:iam/role:Role"],
        (p, report) => {
            statements(p.assumeRolePolicy).forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                const principals = asArray(get(s.Principal, "AWS")).map(String);
                if (s.Principal === "*" || principals.includes("*")) report(`trust ${statementLabel(s, i)} lets any AWS principal assume the role: name the principals.`);
                else if (principals.some((x) => ACCOUNT.test(x)) && !requiresMfa(s.Condition)) {
                    report(`trust ${statementLabel(s, i)} lets every principal of account ${principals.find((x) => ACCOUNT.test(x))} that may call sts:AssumeRole assume the role without MFA: require aws:MultiFactorAuthPresent true, or name the principals.`);
                }
            });
        },
    ),
];
