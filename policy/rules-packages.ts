// Rules for the private package index (CodeArtifact): who its policies name, the key that encrypts it,
// and where its upstreams reach. The vocabulary (formats, their public connections, the format tag) is
// the rules' own; infra/packages/settings.ts validates config against the same table.
import { asRecords, get, isPublicPrincipal, Props, resourceRule, SlipwayRule, stackRule, statements } from "./kit";

export const CODEARTIFACT_DOMAIN = "aws:codeartifact/domain:Domain";
export const CODEARTIFACT_REPOSITORY = "aws:codeartifact/repository:Repository";
export const CODEARTIFACT_REPOSITORY_POLICY = "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy";
export const CODEARTIFACT_DOMAIN_POLICY = "aws:codeartifact/domainPermissions:DomainPermissions";

/** Tag naming the package format a repository serves (its external connection must be that format's). */
export const PACKAGE_FORMAT_TAG = "slipway:package-format";

/**
 * CodeArtifact's external connections by format (AWS API model, botocore `codeartifact`
 * AssociateExternalConnection.externalConnection, read 2026-12-01). The first is the format's public
 * registry, the default; the others are pins a team may choose.
 */
export const EXTERNAL_CONNECTIONS: Record<string, readonly string[]> = {
    npm: ["public:npmjs"],
    pypi: ["public:pypi"],
    maven: ["public:maven-central", "public:maven-googleandroid", "public:maven-gradleplugins", "public:maven-commonsware", "public:maven-clojars"],
};

const PUBLISH = /^codeartifact:(PublishPackageVersion|PutPackageMetadata|\*)$/;

export const packageRules: SlipwayRule[] = [
    resourceRule(
        {
            name: "codeartifact-policy-no-public-principal",
            description: "CodeArtifact repository and domain policies name roles or accounts, never the `*` principal.",
            sources: ["AWS CodeArtifact User Guide (repository and domain policies)", "Checkov (resource policy not public, intent)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Name the readers' and the publisher's role ARNs in Principal.AWS (or the account with an aws:PrincipalArn condition).",
        },
        [CODEARTIFACT_REPOSITORY_POLICY, CODEARTIFACT_DOMAIN_POLICY],
        (p, report) => {
            statements(p.policyDocument).forEach((s, i) => {
                if (s.Effect === "Allow" && (isPublicPrincipal(s.Principal) || s.Principal === undefined)) report(`${s.Sid ?? `statement #${i + 1}`} allows Principal "*" (or names none): name the roles instead.`);
            });
        },
    ),
    resourceRule(
        {
            name: "codeartifact-publish-only-publisher",
            description: "Every CodeArtifact repository policy denies publishing to everyone but the one publish role.",
            sources: ["slipway: tag-triggered publishing only", "AWS IAM policy evaluation (an explicit deny wins)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Add a Deny of codeartifact:PublishPackageVersion and codeartifact:PutPackageMetadata for the account, conditioned ArnNotEquals aws:PrincipalArn <publish role> (or unconditioned where nobody publishes).",
        },
        [CODEARTIFACT_REPOSITORY_POLICY],
        (p, report) => {
            const all = statements(p.policyDocument);
            const denies = all.filter((s) => s.Effect === "Deny" && s.Action.some((a) => /^codeartifact:PublishPackageVersion$/.test(a)) && s.Action.some((a) => /^codeartifact:PutPackageMetadata$/.test(a)));
            if (!denies.length) report("no statement denies publishing to everyone else: an identity policy anywhere in the account could publish here.");
            const allowed = all.filter((s) => s.Effect === "Allow" && s.Action.some((a) => PUBLISH.test(a)));
            if (allowed.length > 1 || allowed.some((s) => asRecords([s.Principal]).some((x) => [get(x, "AWS")].flat().length !== 1))) {
                report("publishing is allowed to more than one principal: only the publish job's role publishes.");
            }
        },
    ),
    resourceRule(
        {
            name: "codeartifact-domain-customer-key",
            description: "CodeArtifact domains are encrypted with a customer-managed KMS key (chosen at creation: it cannot be changed later).",
            sources: ["AWS CodeArtifact User Guide (data encryption)", "Checkov CKV_AWS_* KMS CMK family (intent)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set encryptionKey to the ARN of a symmetric customer-managed key with rotation on; a new key later replaces the domain and deletes its packages.",
        },
        [CODEARTIFACT_DOMAIN],
        (p, report) => {
            if (typeof p.encryptionKey !== "string" || !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//.test(p.encryptionKey)) {
                report("the domain has no customer-managed encryptionKey (AWS's aws/codeartifact key would be used): set encryptionKey to a KMS key ARN.");
            }
        },
    ),
    resourceRule(
        {
            name: "codeartifact-upstream-pinned",
            description: "A repository's external connection is its tagged format's public registry (a pinned connection), and such a proxy repository has no upstreams of its own.",
            sources: ["AWS CodeArtifact User Guide (external connections, upstream repositories)", "slipway: no public upstream without a pin"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: `Tag the repository ${PACKAGE_FORMAT_TAG}=<format> and connect it to one of that format's public connections; put private repositories in front of it as upstream users, not behind it.`,
        },
        [CODEARTIFACT_REPOSITORY],
        (p, report) => {
            const connection = get(p, "externalConnections.externalConnectionName");
            if (connection === undefined) return;
            const format = String(((p.tags ?? {}) as Props)[PACKAGE_FORMAT_TAG] ?? "");
            const allowed = EXTERNAL_CONNECTIONS[format];
            if (!allowed) report(`the repository connects to ${JSON.stringify(connection)} but carries no ${PACKAGE_FORMAT_TAG} tag naming a format (${Object.keys(EXTERNAL_CONNECTIONS).join(", ")}): nothing pins what it may proxy.`);
            else if (!allowed.includes(String(connection))) report(`the ${format} repository connects to ${JSON.stringify(connection)}, not one of ${format}'s public connections (${allowed.join(", ")}).`);
            if (asRecords(p.upstreams).length) report("a repository holding an external connection also has upstreams: keep the public proxy a leaf.");
        },
    ),
    stackRule(
        {
            name: "codeartifact-private-behind-pinned-upstream",
            description: "Every upstream a CodeArtifact repository lists is a repository of the same stack and format.",
            sources: ["slipway: one index URL per format, public packages only through its pinned proxy"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "List as upstreams only this stack's repositories tagged with the same package format.",
        },
        (resources, _ctx, report) => {
            const repos = resources.filter((r) => r.type === CODEARTIFACT_REPOSITORY);
            for (const r of repos) {
                const format = ((r.props.tags ?? {}) as Props)[PACKAGE_FORMAT_TAG];
                for (const u of asRecords(r.props.upstreams)) {
                    const target = repos.find((x) => x.props.repository === u.repositoryName);
                    if (!target) report(`repository ${String(r.props.repository)} lists upstream ${String(u.repositoryName)}, which this stack does not declare.`, r.urn);
                    else if (((target.props.tags ?? {}) as Props)[PACKAGE_FORMAT_TAG] !== format) report(`repository ${String(r.props.repository)} (${String(format)}) lists upstream ${String(u.repositoryName)} of another format.`, r.urn);
                }
            }
        },
    ),
];
