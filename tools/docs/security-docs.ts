// Generates docs/security.md from the policy pack's rules, so the list never drifts from the code.
//
//   npm run docs:security          (rewrites docs/security.md; a test fails when it is stale)
import * as fs from "fs";
import * as path from "path";
import { WAIVERS_RULE } from "../../policy/pack";
import { RULES } from "../../policy/rules";

export const SECURITY_DOC = path.resolve(__dirname, "..", "..", "docs", "security.md");

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function securityDoc(): string {
    const mandatory = RULES.filter((r) => r.enforcementLevel === "mandatory").length;
    const lines = [
        "<!-- Generated from policy/rules*.ts by `npm run docs:security`: edit the rules, not this file. -->",
        "# Security",
        "",
        `slipway ships a policy pack (\`policy/\`, Pulumi CrossGuard) of ${RULES.length} rules: ${mandatory} mandatory (a violation blocks`,
        `\`pulumi preview\`/\`pulumi up\` and fails \`npm run check\`) and ${RULES.length - mandatory} advisory (a warning). Each mirrors the rules of the`,
        "checkers security reviewers trust (Checkov, cdk-nag's AwsSolutions pack, tfsec/Trivy, Pulumi's awsguard) or AWS's guidance.",
        "",
        "- Offline: `npm run plan -- --stack <name>` prints every violation, warning and waiver after the tree;",
        "  `npm run check` plans every shipped stack and exits 3 on a mandatory violation.",
        "- Real path: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`) after the root `npm ci`: the pack resolves its packages from the root node_modules, and every workflow passes it.",
        "  The rules run as stack policies at the end of the preview, so a mandatory violation stops `pulumi up` before it changes anything.",
        "",
        "## Waiving a rule",
        "",
        "A stack waives a rule by its id, with a written reason (at least 10 characters), in its stack file:",
        "",
        "```yaml",
        "config:",
        "  slipway:policyWaivers:",
        "    ecr-tags-immutable: \"Only `latest` stays movable; commit-sha tags are immutable.\"",
        "```",
        "",
        "or `pulumi config set --path 'slipway:policyWaivers.ecr-tags-immutable' '<reason>' --stack <name>`. The waiver and its",
        "reason appear in every plan's policy section; the program also registers them on a `slipway:policy:Waivers` component so the",
        `CrossGuard pack honours them. A waiver that names no rule is an error (rule \`${WAIVERS_RULE}\`); a waiver without a reason is a config error.`,
        "",
        "## Rules",
        "",
        "| Rule | Enforcement | Severity | Requires | Mirrors | What to change |",
        "| --- | --- | --- | --- | --- | --- |",
        ...RULES.map(
            (r) => `| \`${r.name}\` | ${r.enforcementLevel} | ${r.severity} | ${cell(r.description)} | ${cell(r.sources.join("; "))} | ${cell(r.remediationSteps)} |`,
        ),
        "",
    ];
    return lines.join("\n");
}

if (require.main === module) {
    fs.mkdirSync(path.dirname(SECURITY_DOC), { recursive: true });
    fs.writeFileSync(SECURITY_DOC, securityDoc());
    process.stdout.write(`wrote ${path.relative(process.cwd(), SECURITY_DOC)} (${RULES.length} rules)\n`);
}
