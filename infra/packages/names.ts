// Names and ARNs of the package index, derived from config alone: the build and publish roles' policies
// name the repositories before they exist, and the buildspecs name their endpoints.
import { arnOf, AwsContext } from "../shared/aws-context";
import type { PackageFormat } from "./settings";

/** The private repository of a format: what builds install from and the publish job uploads to. */
export function privateRepositoryName(app: string, format: PackageFormat): string {
    return `${app}-${format}`;
}

/** The upstream repository of a format: it holds the external connection to the public registry. */
export function upstreamRepositoryName(app: string, format: PackageFormat): string {
    return `${app}-${format}-public`;
}

/** `arn:…:codeartifact:<region>:<account>:domain/<domain>` (Service Authorization Reference, CodeArtifact). */
export function domainArn(ctx: AwsContext, domain: string): string {
    return arnOf(ctx, "codeartifact", `domain/${domain}`);
}

/** `arn:…:repository/<domain>/<repository>` */
export function repositoryArn(ctx: AwsContext, domain: string, repository: string): string {
    return arnOf(ctx, "codeartifact", `repository/${domain}/${repository}`);
}

/**
 * Every package of a repository: `arn:…:package/<domain>/<repository>/<format>/<namespace>/<name>`
 * (CodeArtifact User Guide, "Repository policies": package ARNs). Publishing is authorized on it.
 */
export function packagesArn(ctx: AwsContext, domain: string, repository: string, format: PackageFormat): string {
    return arnOf(ctx, "codeartifact", `package/${domain}/${repository}/${format}/*`);
}

/**
 * A repository's endpoint (no secret in it): `https://<domain>-<owner>.d.codeartifact.<region>.amazonaws.com/<format>/<repository>/`,
 * the form `aws codeartifact get-repository-endpoint` answers (CodeArtifact User Guide, pip/npm/mvn pages).
 */
export function repositoryEndpoint(ctx: AwsContext, domain: string, format: PackageFormat, repository: string): string {
    return `https://${domain}-${ctx.accountId}.d.codeartifact.${ctx.region}.amazonaws.com/${format}/${repository}/`;
}
