// The private package index: one CodeArtifact domain encrypted with its own KMS key, and per package
// format a private repository in front of an upstream repository that holds the external connection to
// the public registry, so one index URL serves the team's packages and the public ones.
import * as pulumi from "@pulumi/pulumi";
import * as codeartifact from "@pulumi/aws/codeartifact";
import * as kms from "@pulumi/aws/kms";
import { accountRootArn, AwsContext } from "../shared/aws-context";
import { policyDocument, Statement } from "../shared/iam";
import { privateRepositoryName, repositoryEndpoint, upstreamRepositoryName } from "./names";
import type { PackageFormat, PackageSettings } from "./settings";
import { PACKAGE_FORMAT_TAG } from "../../policy/rules-packages";

/** What a reader may do in a private repository: resolve its endpoint, install, and look versions up. */
export const READ_ACTIONS = [
    "codeartifact:GetRepositoryEndpoint",
    "codeartifact:ReadFromRepository",
    "codeartifact:DescribePackageVersion",
    "codeartifact:ListPackageVersions",
];
/** Publishing through npm, twine and mvn (Maven also needs PutPackageMetadata): CodeArtifact User Guide, "Publishing permissions". */
export const PUBLISH_ACTIONS = ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"];

export interface PackageIndexArgs {
    app: string;
    /** Domain, formats and each format's pinned external connection (infra/packages/settings.ts). */
    settings: Pick<PackageSettings, "domain" | "formats" | "upstreams">;
    /** Roles that install from the private repositories (the image build's, the publish job's). */
    readers: pulumi.Input<string>[];
    /**
     * ARN patterns of the roles that read at run time (the environments' workloads, slipway:packages.runtimeRead:
     * `arn:…:role/slipway/<app>/<stack>/*`). A Principal cannot hold a wildcard, so the policies name the
     * account and pin aws:PrincipalArn to these patterns. Empty: none.
     */
    environmentReaders?: pulumi.Input<string>[];
    /** The one role that may publish, and the format whose repository it publishes to; undefined: nobody publishes. */
    publisher?: { roleArn: pulumi.Input<string>; format: PackageFormat };
    /**
     * Keep the domain (and so every published version) and its key through a destroy. The key cannot be
     * changed later (no UpdateDomain in the API): a new key means a new domain.
     * @default true
     */
    protect?: boolean;
    ctx: AwsContext;
}

export interface PackageRepository {
    name: string;
    repository: codeartifact.Repository;
    /** The endpoint package managers use (no credential in it). */
    endpoint: string;
}

/**
 * Repository policy of a private repository: the readers read, the publisher publishes, and nobody else
 * in the account publishes even if an identity policy let them (an explicit deny outranks any allow).
 * Principals are role ARNs and the account; never `*`.
 */
export function repositoryPolicyStatements(args: { readers: pulumi.Input<string>[]; publisher?: pulumi.Input<string>; environmentReaders?: pulumi.Input<string>[]; ctx: AwsContext }): Statement[] {
    const account = accountRootArn(args.ctx);
    const statements: Statement[] = [
        // In a repository policy the resource is the repository itself (CodeArtifact User Guide, "Repository policies").
        { Sid: "ReadPackages", Principal: { AWS: pulumi.all([...args.readers, ...(args.publisher ? [args.publisher] : [])]) }, Action: READ_ACTIONS, Resource: "*" },
    ];
    if (args.environmentReaders?.length) statements.push(environmentReadStatement("EnvironmentsReadPackages", READ_ACTIONS, args.environmentReaders, account));
    if (args.publisher) statements.push({ Sid: "PublishPackages", Principal: { AWS: pulumi.all([args.publisher]) }, Action: PUBLISH_ACTIONS, Resource: "*" });
    statements.push({
        Sid: "OnlyThePublishJobPublishes",
        Effect: "Deny",
        Principal: { AWS: account },
        Action: PUBLISH_ACTIONS,
        Resource: "*",
        ...(args.publisher ? { Condition: { ArnNotEquals: { "aws:PrincipalArn": args.publisher } } } : {}),
    });
    return statements;
}

/**
 * Read for the environments' workloads: the account as principal, narrowed by aws:PrincipalArn to the
 * environment role paths (their own identity policies and boundary must grant it too).
 */
function environmentReadStatement(sid: string, actions: string[], patterns: pulumi.Input<string>[], account: pulumi.Input<string>): Statement {
    return { Sid: sid, Principal: { AWS: account }, Action: actions, Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": patterns } } };
}

/** Domain policy: who may get an authorization token (every reader and the publisher, and the environments' workloads with runtimeRead). */
export function domainPolicyStatements(principals: pulumi.Input<string>[], environmentReaders: pulumi.Input<string>[] = [], ctx?: AwsContext): Statement[] {
    const statements: Statement[] = [{ Sid: "IssueTokens", Principal: { AWS: pulumi.all(principals) }, Action: ["codeartifact:GetAuthorizationToken"], Resource: "*" }];
    if (environmentReaders.length && ctx) {
        statements.push(environmentReadStatement("EnvironmentsGetTokens", ["codeartifact:GetAuthorizationToken"], environmentReaders, accountRootArn(ctx)));
    }
    return statements;
}

/** A CodeArtifact domain with a customer-managed key, and per format a private repository behind a public upstream. */
export class PackageIndex extends pulumi.ComponentResource {
    readonly key: kms.Key;
    readonly domain: codeartifact.Domain;
    readonly repositories: Partial<Record<PackageFormat, PackageRepository>> = {};

    constructor(name: string, args: PackageIndexArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:packages:PackageIndex", name, {}, opts);
        const { ctx, settings } = args;
        const protect = args.protect ?? true;
        this.key = new kms.Key(
            `${name}-key`,
            {
                description: `CodeArtifact domain ${settings.domain} of ${args.app}: encrypts every package asset`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                // AWS's default key policy: IAM policies in the account decide who uses the key; the domain's
                // creator needs kms:DescribeKey and kms:CreateGrant on it (CodeArtifact CreateDomain encryptionKey).
                policy: policyDocument([
                    { Sid: "AccountAdministersKey", Principal: { AWS: accountRootArn(ctx) }, Action: ["kms:*"], Resource: ["*"] },
                ]),
            },
            { parent: this, protect },
        );
        this.domain = new codeartifact.Domain(`${name}-domain`, { domain: settings.domain, encryptionKey: this.key.arn }, { parent: this, protect });
        const readers = args.readers;
        const principals = [...readers, ...(args.publisher ? [args.publisher.roleArn] : [])];
        for (const format of settings.formats) {
            const connection = settings.upstreams[format] as string;
            const upstreamName = upstreamRepositoryName(args.app, format);
            const upstream = new codeartifact.Repository(
                `${name}-${format}-public`,
                {
                    domain: this.domain.domain,
                    repository: upstreamName,
                    description: `${connection} for ${args.app}'s ${format} builds (reached only through ${privateRepositoryName(args.app, format)})`,
                    // One external connection per repository (AssociateExternalConnection).
                    externalConnections: { externalConnectionName: connection },
                    tags: { [PACKAGE_FORMAT_TAG]: format },
                },
                { parent: this, protect },
            );
            const repoName = privateRepositoryName(args.app, format);
            const repository = new codeartifact.Repository(
                `${name}-${format}`,
                {
                    domain: this.domain.domain,
                    repository: repoName,
                    description: `${args.app}'s private ${format} packages; public ones through ${upstreamName}`,
                    upstreams: [{ repositoryName: upstream.repository }],
                    tags: { [PACKAGE_FORMAT_TAG]: format },
                },
                { parent: this, protect },
            );
            new codeartifact.RepositoryPermissionsPolicy(
                `${name}-${format}-policy`,
                {
                    domain: this.domain.domain,
                    repository: repository.repository,
                    policyDocument: policyDocument(
                        repositoryPolicyStatements({ readers, publisher: args.publisher?.format === format ? args.publisher.roleArn : undefined, environmentReaders: args.environmentReaders, ctx }),
                    ),
                },
                { parent: this },
            );
            // Nobody installs from the upstream directly, and nothing is ever published to it.
            new codeartifact.RepositoryPermissionsPolicy(
                `${name}-${format}-public-policy`,
                { domain: this.domain.domain, repository: upstream.repository, policyDocument: policyDocument(repositoryPolicyStatements({ readers: [], ctx }).filter((s) => s.Effect === "Deny")) },
                { parent: this },
            );
            this.repositories[format] = { name: repoName, repository, endpoint: repositoryEndpoint(ctx, settings.domain, format, repoName) };
        }
        new codeartifact.DomainPermissions(`${name}-domain-policy`, { domain: this.domain.domain, policyDocument: policyDocument(domainPolicyStatements(principals, args.environmentReaders, ctx)) }, { parent: this });
        this.registerOutputs({
            domain: this.domain.domain,
            keyArn: this.key.arn,
            endpoints: Object.fromEntries(Object.entries(this.repositories).map(([f, r]) => [f, r?.endpoint])),
        });
    }
}
