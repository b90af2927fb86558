import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "../shared/aws-context";
import { policyDocument, Statement } from "../shared/iam";
import { renamedFrom } from "../contract";
import { jsonOutput } from "../shared/json";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** A role GitHub Actions workflows of one repository may assume, for the subjects listed. */
export interface GitHubRoleSpec {
    /** Logical name, e.g. `preview` or `deploy-production`. */
    name: string;
    description: string;
    /**
     * OIDC `sub` values allowed, without the `repo:OWNER/REPO:` prefix: `pull_request`,
     * `environment:production`, `ref:refs/heads/main`. Never a bare wildcard.
     */
    subjects: string[];
    /** The repository whose workflows may assume it. @default the component's `owner`/`repo`. */
    repository?: { owner: string; repo: string };
    /** Inline statements (kept small: a role's inline policies together may hold 10,240 characters). */
    statements?: Statement[];
    /**
     * Managed policies, one per concern, each attached to the role (a managed policy may hold 6,144
     * characters; a role may have 10 attached). `name` is the policy's IAM name.
     */
    policies?: { name: string; description: string; statements: Statement[] }[];
}

export interface GitHubOidcArgs {
    owner: string;
    repo: string;
    /** Reuse the account's existing provider (an account holds one per URL). Empty: create it. */
    existingProviderArn?: string;
    roles: GitHubRoleSpec[];
    rolePath: string;
    ctx: AwsContext;
}

/** Trust policy for GitHub's OIDC tokens: audience pinned to STS, subject pinned to this repository. */
export function githubTrustPolicy(providerArn: pulumi.Input<string>, owner: string, repo: string, subjects: string[]): pulumi.Output<string> {
    for (const s of subjects) {
        if (!s || s.includes("*")) throw new Error(`GitHub OIDC subject "${s}" must name one pull_request, environment or ref, without wildcards`);
    }
    return jsonOutput({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: subjects.map((s) => `repo:${owner}/${repo}:${s}`),
                    },
                },
            },
        ],
    });
}

/** GitHub Actions' OIDC identity provider and one role per job kind: no long-lived AWS keys anywhere. */
export class GitHubOidc extends pulumi.ComponentResource {
    readonly providerArn: pulumi.Output<string>;
    readonly roles: Record<string, iam.Role> = {};

    constructor(name: string, args: GitHubOidcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:GitHubOidc", name, {}, opts);
        if (args.existingProviderArn) {
            this.providerArn = pulumi.output(args.existingProviderArn);
        } else {
            const provider = new iam.OpenIdConnectProvider(
                `${name}-github`,
                // AWS validates GitHub's certificate against its trusted CAs; no thumbprint is needed.
                { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [GITHUB_OIDC_AUDIENCE] },
                { parent: this, aliases: renamedFrom("github") },
            );
            this.providerArn = provider.arn;
        }
        for (const spec of args.roles) {
            const role = new iam.Role(
                `${name}-${spec.name}`,
                {
                    path: args.rolePath,
                    description: spec.description,
                    assumeRolePolicy: githubTrustPolicy(this.providerArn, spec.repository?.owner ?? args.owner, spec.repository?.repo ?? args.repo, spec.subjects),
                    maxSessionDuration: 3600,
                },
                { parent: this, aliases: renamedFrom(spec.name) },
            );
            if (spec.statements?.length) {
                new iam.RolePolicy(`${name}-${spec.name}-policy`, { role: role.id, policy: policyDocument(spec.statements) }, { parent: this, aliases: renamedFrom(`${spec.name}-policy`) });
            }
            for (const p of spec.policies ?? []) {
                const policy = new iam.Policy(
                    `${name}-${p.name}`,
                    { name: p.name, path: args.rolePath, description: p.description, policy: policyDocument(p.statements) },
                    { parent: this },
                );
                new iam.RolePolicyAttachment(`${name}-${p.name}`, { role: role.name, policyArn: policy.arn }, { parent: this });
            }
            this.roles[spec.name] = role;
        }
        this.registerOutputs({ providerArn: this.providerArn });
    }
}
