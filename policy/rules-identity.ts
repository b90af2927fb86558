// Rules for identities and secrets handling: IAM policies, GitHub OIDC trust, GitHub settings, SSM
// parameters, and secret values anywhere in the plan.
import { expandAction } from "./iam-reference";
import {
    asArray,
    get,
    identityDocuments,
    iamWildcardSource,
    IDENTITY_POLICY_TYPES,
    isBoundaryPolicy,
    ofType,
    PolicyStatement,
    Props,
    RESOURCE_POLICY_INPUTS,
    resourceRule,
    SENSITIVE_NAME,
    SlipwayRule,
    stackRule,
    statementLabel,
    statements,
} from "./kit";

const ROLE = "aws:iam/role:Role";
const OIDC_HOST = "token.actions.githubusercontent.com";

/** Allow statements of every identity policy a resource carries. */
function allows(type: string, p: Props): PolicyStatement[] {
    // A permissions boundary's Allow statements grant nothing; iam-boundary-confines checks boundaries.
    if (isBoundaryPolicy(type, p)) return [];
    return identityDocuments(type, p).flatMap((d) => statements(d)).filter((s) => s.Effect === "Allow");
}

const hasWildcardResource = (s: PolicyStatement) => s.Resource.includes("*");

/** Actions (expanded) in a statement that AWS lets a policy scope to resources. */
async function scopableActions(s: PolicyStatement): Promise<string[]> {
    const out: string[] = [];
    for (const a of s.Action) {
        if (a === "*") continue;
        const facts = await expandAction(a);
        if (facts.some((f) => !f.wildcardOnly)) out.push(a);
    }
    return out;
}

function list(items: string[], max = 6): string {
    return items.length > max ? `${items.slice(0, max).join(", ")} and ${items.length - max} more` : items.join(", ");
}

/** Actions that let a principal grant itself more than it has (Rhino Security Labs' list, as Checkov uses). */
const ESCALATION = [
    "iam:passrole", "iam:createpolicyversion", "iam:setdefaultpolicyversion", "iam:attachrolepolicy", "iam:attachuserpolicy",
    "iam:attachgrouppolicy", "iam:putrolepolicy", "iam:putuserpolicy", "iam:putgrouppolicy", "iam:createaccesskey",
    "iam:createloginprofile", "iam:updateloginprofile", "iam:addusertogroup", "iam:updateassumerolepolicy",
    "lambda:updatefunctioncode", "sts:assumerole",
];

/** OIDC trust statements of a role (those whose principal is GitHub's provider). */
function githubTrust(p: Props): PolicyStatement[] {
    return statements(p.assumeRolePolicy).filter((s) => s.Effect === "Allow" && String(get(s.Principal, "Federated") ?? "").includes(OIDC_HOST));
}

/** Values a trust condition pins a claim to, across StringEquals / StringLike / ForAnyValue variants. */
function claimValues(s: PolicyStatement, claim: string): { op: string; values: string[] }[] {
    return Object.entries(s.Condition ?? {}).flatMap(([op, block]) =>
        block && typeof block === "object" && `${OIDC_HOST}:${claim}` in block ? [{ op, values: asArray((block as Props)[`${OIDC_HOST}:${claim}`]).map(String) }] : [],
    );
}

const CREDENTIAL_PATTERNS: [RegExp, string][] = [
    [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key id"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
    [/\b(ghp|gho|ghs|ghu)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}/, "a GitHub token"],
    [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
    // The offline plan replaces each `secure:` config value with this marker; seeing it means a secret escaped.
    [/PLACEHOLDER-SECRET/, "a secret config value (the offline plan's placeholder)"],
];

/**
 * Inputs made to carry secrets. CrossGuard hands policies secret values unwrapped, so the credential
 * scan skips these paths (offline they are "[secret]" anyway).
 */
export const SECRET_INPUTS: Record<string, string[]> = {
    "github:index/actionsSecret:ActionsSecret": ["value", "plaintextValue", "encryptedValue"],
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": ["value", "plaintextValue", "encryptedValue"],
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretString", "secretBinary"],
    "aws:ssm/parameter:Parameter": ["value"],
};

/** Every string inside a value, with its path. */
function strings(v: unknown, path: string, out: [string, string][] = []): [string, string][] {
    if (typeof v === "string") out.push([path, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) strings(x, path ? `${path}.${k}` : k, out);
    return out;
}

export const identityRules: SlipwayRule[] = [
    // --- IAM -----------------------------------------------------------------------------------------
    resourceRule(
        {
            name: "iam-no-admin",
            description: "No identity policy allows every action (\"*\" or \"*:*\") or uses Allow with NotAction.",
            sources: ["Checkov CKV_AWS_62", "Checkov CKV_AWS_63"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "List the actions the role calls; never \"*\".",
        },
        IDENTITY_POLICY_TYPES,
        (p, report, args) => {
            allows(args.type, p).forEach((s, i) => {
                if (s.Action.some((a) => a === "*" || a === "*:*")) report(`${statementLabel(s, i)} allows every action: list the actions the role uses.`);
                if (s.NotAction.length) report(`${statementLabel(s, i)} is Allow with NotAction, which grants everything else: list the actions instead.`);
            });
        },
    ),
    resourceRule(
        {
            name: "iam-no-wildcard-resource",
            description: "No unconditioned Allow statement uses Resource \"*\" for actions that AWS lets a policy scope to resources.",
            sources: ["cdk-nag AwsSolutions-IAM5", "Checkov CKV_AWS_355"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Name the resources' ARNs (AWS's service authorization reference lists each action's resource types); keep \"*\" only for actions without one, and say so in a comment.",
        },
        IDENTITY_POLICY_TYPES,
        async (p, report, args) => {
            const found = allows(args.type, p);
            for (let i = 0; i < found.length; i++) {
                const s = found[i];
                if (!hasWildcardResource(s) || s.Condition) continue;
                const scopable = await scopableActions(s);
                if (scopable.length) report(`${statementLabel(s, i)} grants ${list(scopable)} on "*", but they support resource-level permissions: name the resources.`);
            }
        },
    ),
    resourceRule(
        {
            name: "iam-wildcard-resource-conditioned",
            description: "Statements that use Resource \"*\" under a condition (e.g. region-limited) for scopable actions are listed (advisory).",
            sources: ["cdk-nag AwsSolutions-IAM5", "Checkov CKV_AWS_355"],
            severity: "medium",
            enforcementLevel: "advisory",
            remediationSteps: "Where a create call can be scoped by name or by aws:RequestTag/aws:ResourceTag, replace \"*\" with ARNs or tag conditions.",
        },
        IDENTITY_POLICY_TYPES,
        async (p, report, args) => {
            const found = allows(args.type, p);
            for (let i = 0; i < found.length; i++) {
                const s = found[i];
                if (!hasWildcardResource(s) || !s.Condition) continue;
                const scopable = await scopableActions(s);
                if (scopable.length) report(`${statementLabel(s, i)} grants ${scopable.length} scopable action(s) on "*" under a condition: ${list(scopable, 4)}.`);
            }
        },
    ),
    resourceRule(
        {
            name: "iam-no-privilege-escalation",
            description: "No identity policy allows privilege-escalation actions (iam:PassRole, iam:PutRolePolicy, iam:CreatePolicyVersion, …) on Resource \"*\".",
            sources: ["Checkov CKV_AWS_286"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Scope the action to the roles or policies slipway creates (e.g. arn:aws:iam::<account>:role/slipway/<app>/*).",
        },
        IDENTITY_POLICY_TYPES,
        (p, report, args) => {
            allows(args.type, p).forEach((s, i) => {
                if (!hasWildcardResource(s)) return;
                const bad = s.Action.filter((a) => {
                    const re = new RegExp(`^${iamWildcardSource(a)}$`, "i");
                    return ESCALATION.some((e) => re.test(e));
                });
                if (bad.length) report(`${statementLabel(s, i)} allows ${bad.join(", ")} on every resource: scope it to slipway's own roles.`);
            });
        },
    ),
    resourceRule(
        {
            name: "iam-boundary-confines",
            description: "A permissions boundary confines its roles to their stack: it denies every action on resources tagged for another stack, other stacks' secrets, passing other roles, and allows no IAM writes.",
            sources: ["AWS IAM docs (permissions boundaries)", "Checkov CKV_AWS_286"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Build the boundary with boundaryStatements() (infra/delivery/stack-access.ts): Deny * where aws:ResourceTag/slipway:stack is another stack's, Deny secretsmanager:GetSecretValue and iam:PassRole outside the stack's own (NotResource).",
        },
        ["aws:iam/policy:Policy"],
        (p, report, args) => {
            if (!isBoundaryPolicy(args.type, p)) return;
            const all = identityDocuments(args.type, p).flatMap((d) => statements(d));
            const denies = all.filter((s) => s.Effect === "Deny");
            const deniesOtherStacks = denies.some(
                (s) => s.Action.includes("*") && Object.entries(s.Condition ?? {}).some(([op, block]) => /^StringNotLike|^StringNotEquals/.test(op) && Object.keys(block).some((k) => k.startsWith("aws:ResourceTag/slipway:stack"))),
            );
            if (!deniesOtherStacks) report("does not deny actions on resources tagged for another stack (aws:ResourceTag/slipway:stack).");
            for (const action of ["secretsmanager:GetSecretValue", "iam:PassRole"]) {
                if (!denies.some((s) => s.Action.includes(action) && s.NotResource.length > 0)) report(`does not deny ${action} outside the stack's own resources (Deny with NotResource).`);
            }
            for (const s of all.filter((x) => x.Effect === "Allow")) {
                const writes = s.Action.filter((a) => /^iam:(\*|create|put|attach|detach|delete|update|add|remove|set|tag|untag)/i.test(a));
                if (writes.length) report(`allows IAM writes (${writes.join(", ")}): a role under this boundary must never change permissions.`);
            }
        },
    ),
    stackRule(
        {
            name: "iam-environment-roles-bounded",
            description: "Every role an environment stack creates carries its stack's permissions boundary (the only kind of role its deploy role may create).",
            sources: ["AWS IAM docs (permissions boundaries)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Pass permissionsBoundary: boundaryArn(ctx, app, policyStackOf(stack, tier)) to every role of the environment stack.",
        },
        (resources, ctx, report) => {
            if (ctx.tier === "delivery") return;
            for (const r of ofType(resources, ROLE)) {
                if (!(r.props as Props).permissionsBoundary) report(`role ${r.name} has no permissions boundary: its stack's deploy role could not create it.`, r.urn);
            }
        },
    ),
    resourceRule(
        {
            name: "iam-passrole-scoped",
            description: "iam:PassRole names the roles passed and limits the service with iam:PassedToService.",
            sources: ["AWS IAM best practice (PassRole)", "Checkov CKV_AWS_286"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Resource: the role ARNs (or the app's role path), Condition: StringEquals iam:PassedToService <service>.amazonaws.com.",
        },
        IDENTITY_POLICY_TYPES,
        (p, report, args) => {
            allows(args.type, p).forEach((s, i) => {
                if (!s.Action.some((a) => /^iam:(passrole|\*|pass\*)$/i.test(a))) return;
                if (s.Resource.some((r) => r === "*" || /:role\/\*$/.test(r))) report(`${statementLabel(s, i)} passes any role: name the roles (or the app's role path).`);
                const passedTo = Object.values(s.Condition ?? {}).some((block) => block && typeof block === "object" && "iam:PassedToService" in block);
                if (!passedTo) report(`${statementLabel(s, i)} has no iam:PassedToService condition: limit which service receives the role.`);
            });
        },
    ),
    resourceRule(
        {
            name: "iam-managed-policies-documented",
            description: "AWS managed policies are attached only where AWS requires them (advisory: each is listed for review).",
            sources: ["cdk-nag AwsSolutions-IAM4"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Replace the managed policy with an inline policy of the actions used, or keep it where AWS requires it (e.g. Elastic Beanstalk's instance profile) and say why in a comment.",
        },
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", ROLE],
        (p, report, args) => {
            const arns = args.type === ROLE ? asArray(p.managedPolicyArns).map(String) : [String(p.policyArn ?? "")];
            for (const arn of arns) if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn)) report(`attaches the AWS managed policy ${arn}.`);
        },
    ),
    resourceRule(
        {
            name: "iam-actions-exist",
            description: "Every action in every policy document exists in AWS's service authorization reference (a typo grants nothing and hides a bug).",
            sources: ["AWS service authorization reference", "slipway fidelity"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Fix the action's spelling or service prefix (see the service authorization reference for the service).",
        },
        [...new Set([...IDENTITY_POLICY_TYPES, ...Object.keys(RESOURCE_POLICY_INPUTS)])],
        async (p, report, args) => {
            const docs = [...(IDENTITY_POLICY_TYPES.includes(args.type) ? identityDocuments(args.type, p) : [])];
            if (RESOURCE_POLICY_INPUTS[args.type]) docs.push(p[RESOURCE_POLICY_INPUTS[args.type]]);
            for (const doc of docs) {
                for (const s of statements(doc)) {
                    for (const a of [...s.Action, ...s.NotAction]) {
                        if (a === "*") continue;
                        if (!(await expandAction(a)).length) report(`action ${a} does not exist in AWS's service authorization reference.`);
                    }
                }
            }
        },
    ),
    resourceRule(
        {
            name: "iam-short-sessions",
            description: "Roles allow sessions of at most one hour.",
            sources: ["AWS IAM best practice (short-lived credentials)"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Set maxSessionDuration to 3600 or less.",
        },
        [ROLE],
        (p, report) => {
            if (typeof p.maxSessionDuration === "number" && p.maxSessionDuration > 3600) report(`maxSessionDuration is ${p.maxSessionDuration} s: set at most 3600.`);
        },
    ),

    // --- GitHub OIDC -------------------------------------------------------------------------------------
    resourceRule(
        {
            name: "oidc-audience-sts",
            description: "GitHub OIDC trust policies pin the audience to sts.amazonaws.com.",
            sources: ["GitHub docs (configuring OIDC in AWS)", "AWS IAM docs (GitHub OIDC)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Add Condition StringEquals token.actions.githubusercontent.com:aud = sts.amazonaws.com.",
        },
        [ROLE],
        (p, report) => {
            for (const s of githubTrust(p)) {
                const aud = claimValues(s, "aud").filter((c) => c.op === "StringEquals");
                if (!aud.length || aud.some((c) => c.values.some((v) => v !== "sts.amazonaws.com"))) report("the trust policy does not pin token.actions.githubusercontent.com:aud to sts.amazonaws.com with StringEquals.");
            }
        },
    ),
    resourceRule(
        {
            name: "oidc-subject-pinned",
            description: "GitHub OIDC trust policies pin `sub` to `repo:OWNER/REPO:…` of one repository, without wildcards in owner or repo.",
            sources: ["Checkov CKV_AWS_358", "AWS IAM docs (GitHub OIDC sub condition)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Add Condition StringEquals token.actions.githubusercontent.com:sub = [\"repo:OWNER/REPO:environment:NAME\", …].",
        },
        [ROLE],
        (p, report) => {
            for (const s of githubTrust(p)) {
                const sub = claimValues(s, "sub");
                if (!sub.length) {
                    report("the trust policy has no token.actions.githubusercontent.com:sub condition: any repository on GitHub could assume the role.");
                    continue;
                }
                for (const v of sub.flatMap((c) => c.values)) {
                    const m = /^repo:([^/:]+)\/([^:]+):(.+)$/.exec(v);
                    if (!m || /[*?]/.test(m[1]) || /[*?]/.test(m[2])) report(`sub ${JSON.stringify(v)} does not name one repository: use repo:OWNER/REPO:<context>.`);
                    else if (/^[*?]+$/.test(m[3])) report(`sub ${JSON.stringify(v)} trusts every workflow context of the repository: name the environment, branch or pull_request.`);
                }
            }
        },
    ),
    resourceRule(
        {
            name: "oidc-production-subject",
            description: "A production deploy role trusts only the production environment (or the release branch), never pull requests.",
            sources: ["GitHub docs (OIDC subject claims for environments)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Trust only repo:OWNER/REPO:environment:production (GitHub puts the job's environment in sub), and protect that environment with required reviewers.",
        },
        [ROLE],
        (p, report, args) => {
            if (!/prod/i.test(`${args.name} ${p.description ?? ""}`)) return;
            for (const s of githubTrust(p)) {
                for (const v of claimValues(s, "sub").flatMap((c) => c.values)) {
                    const context = v.split(":").slice(2).join(":");
                    if (!/^environment:[^*?]*prod[^*?]*$/i.test(context) && !/^ref:refs\/heads\/[^*?]+$/.test(context)) {
                        report(`the production role trusts ${JSON.stringify(v)}: trust only environment:production or the release branch.`);
                    }
                }
            }
        },
    ),

    // --- Secrets stay secret -----------------------------------------------------------------------------
    resourceRule(
        {
            name: "no-plaintext-credentials",
            description: "No resource input (names, descriptions, tags, settings) holds a credential or a secret config value in plain text.",
            sources: ["Pulumi docs (secrets)", "Checkov CKV_AWS_45/CKV_AWS_46 (hard-coded secrets)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Pass secrets as secret Outputs (pulumi.secret / `pulumi config set --secret`) into secret-carrying inputs only; never into names, descriptions or tags.",
        },
        ["*"],
        (p, report, args) => {
            const secretInputs = SECRET_INPUTS[args.type] ?? [];
            for (const [path, value] of strings(p, "")) {
                if (secretInputs.includes(path.split(/[.[]/)[0])) continue;
                const hit = CREDENTIAL_PATTERNS.find(([re]) => re.test(value));
                if (hit) report(`input ${path} contains ${hit[1]}: pass it as a secret into a secret-carrying input instead.`);
            }
        },
    ),
    resourceRule(
        {
            name: "github-sensitive-as-secrets",
            description: "Sensitive values reach GitHub Actions as secrets, never as variables; secrets use the `value` input.",
            sources: ["GitHub docs (variables vs secrets)", "@pulumi/github 6.15 (plaintextValue deprecated)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Move the value to slipway:ciSecrets (an ActionsSecret with a secret `value`).",
        },
        ["github:index/actionsVariable:ActionsVariable", "github:index/actionsSecret:ActionsSecret", "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable"],
        (p, report, args) => {
            if (args.type.endsWith("actionsSecret:ActionsSecret")) {
                if (p.plaintextValue !== undefined) report("uses the deprecated plaintextValue: pass a secret Output as `value`.");
                return;
            }
            if (SENSITIVE_NAME.test(String(p.variableName ?? ""))) report(`variable ${p.variableName} looks sensitive: make it an Actions secret (slipway:ciSecrets).`);
        },
    ),
    resourceRule(
        {
            name: "ssm-sensitive-securestring",
            description: "SSM parameters whose names look sensitive are SecureString.",
            sources: ["AWS SSM docs (SecureString)", "Pulumi docs (secrets)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Use type SecureString (and a secret Output as value), or store it in Secrets Manager.",
        },
        ["aws:ssm/parameter:Parameter"],
        (p, report) => {
            if (SENSITIVE_NAME.test(String(p.name ?? "")) && p.type !== "SecureString") report(`parameter ${p.name} looks sensitive but is ${p.type}: use SecureString.`);
        },
    ),
    stackRule(
        {
            name: "iam-role-path-scoped",
            description: "Roles slipway creates live under the app's IAM path (an environment's under its own sub-path), so PassRole and deployer grants can be scoped to them.",
            sources: ["AWS IAM best practice (paths for scoping)"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Set path: rolePath(app) (\"/slipway/<app>/\") on delivery roles and environmentRolePath(app, stack) (\"/slipway/<app>/<stack>/\") on environment roles.",
        },
        (resources, _ctx, report) => {
            for (const r of ofType(resources, ROLE)) {
                const path = String((r.props as Props).path ?? "/");
                if (!/^\/slipway\/[^/]+\/([^/]+\/)?$/.test(path)) report(`role ${r.name} has path ${path}: put it under /slipway/<app>/ or /slipway/<app>/<stack>/.`, r.urn);
            }
        },
    ),
];

