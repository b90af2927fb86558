// How a CodeBuild job uses the package index: its role's statements (read, or read and publish), the
// plain variables that name the index, and the buildspec commands that fetch a short-lived token and
// point pip, npm or Maven at the private repositories. The token lives in the build's shell only: never
// in a project variable, an image layer or a build argument.
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { domainArn, packagesArn, privateRepositoryName, repositoryArn, repositoryEndpoint } from "./names";
import { PUBLISH_ACTIONS, READ_ACTIONS } from "./package-index";
import type { PackageFormat, PackageSettings } from "./settings";

/** CodeArtifact's GetAuthorizationToken durationSeconds: 900–43200 (or 0: the caller's session). */
export const TOKEN_SECONDS = { min: 900, max: 43200 };

/** A token that outlives the job it is fetched in (its timeout), within CodeArtifact's bounds. */
export function tokenSeconds(timeoutMinutes: number): number {
    return Math.min(TOKEN_SECONDS.max, Math.max(TOKEN_SECONDS.min, timeoutMinutes * 60));
}

/** The token and the bearer token STS issues for it (CodeArtifact User Guide, "Using … in CodeBuild"). */
function tokenStatements(ctx: AwsContext, domain: string): Statement[] {
    return [
        { Sid: "PackageIndexToken", Action: ["codeartifact:GetAuthorizationToken"], Resource: [domainArn(ctx, domain)] },
        {
            // sts:GetServiceBearerToken has no resource type: AWS requires "*"; the condition limits it to CodeArtifact.
            Sid: "PackageIndexBearerToken",
            Action: ["sts:GetServiceBearerToken"],
            Resource: ["*"],
            Condition: { StringEquals: { "sts:AWSServiceName": "codeartifact.amazonaws.com" } },
        },
    ];
}

/** How long the app repository's CI jobs' tokens last (GitHub's default job timeout is 360 minutes; a job that installs early needs less). */
export const PACKAGES_READ_TOKEN_MINUTES = 60;

/** A reader's rights: a token, and installing from the private repositories (never the upstreams directly). */
export function packageReadStatements(app: string, packages: Pick<PackageSettings, "domain" | "formats">, ctx: AwsContext): Statement[] {
    return [
        ...tokenStatements(ctx, packages.domain),
        { Sid: "InstallPackages", Action: READ_ACTIONS, Resource: packages.formats.map((f) => repositoryArn(ctx, packages.domain, privateRepositoryName(app, f))) },
    ];
}

/**
 * The publish job's rights: a reader's, plus publishing the packages of its one repository. The package
 * actions are authorized on package ARNs (no tag condition keys), so the scope is the repository's prefix.
 */
export function packagePublishStatements(app: string, packages: Pick<PackageSettings, "domain" | "formats">, format: PackageFormat, ctx: AwsContext): Statement[] {
    const repository = privateRepositoryName(app, format);
    return [
        ...packageReadStatements(app, packages, ctx),
        // DescribePackageVersion on the package: the "already published?" check before the upload.
        { Sid: "PublishOwnPackages", Action: [...PUBLISH_ACTIONS, "codeartifact:DescribePackageVersion"], Resource: [packagesArn(ctx, packages.domain, repository, format)] },
    ];
}

/** Variable names a job's buildspec reads (plain: none holds a secret). */
export const INDEX_VARIABLES = {
    domain: "CODEARTIFACT_DOMAIN",
    owner: "CODEARTIFACT_DOMAIN_OWNER",
    tokenSeconds: "CODEARTIFACT_LEASE_SECONDS",
    endpoint: (f: PackageFormat) => `CODEARTIFACT_${f.toUpperCase()}_URL`,
} as const;

/** The project variables naming the index: domain, owner, token lifetime, each private repository's endpoint. */
export function packageIndexVariables(app: string, packages: Pick<PackageSettings, "domain" | "formats">, timeoutMinutes: number, ctx: AwsContext): Record<string, pulumi.Input<string>> {
    const out: Record<string, pulumi.Input<string>> = {
        [INDEX_VARIABLES.domain]: packages.domain,
        [INDEX_VARIABLES.owner]: ctx.accountId,
        [INDEX_VARIABLES.tokenSeconds]: String(tokenSeconds(timeoutMinutes)),
    };
    for (const f of packages.formats) out[INDEX_VARIABLES.endpoint(f)] = repositoryEndpoint(ctx, packages.domain, f, privateRepositoryName(app, f));
    return out;
}

/** Maven settings: every repository mirrored through CodeArtifact, the token read from the environment by Maven itself. */
export const MAVEN_SETTINGS = [
    "<settings>",
    "  <servers><server><id>codeartifact</id><username>aws</username><password>${env.CODEARTIFACT_AUTH_TOKEN}</password></server></servers>",
    "  <mirrors><mirror><id>codeartifact</id><mirrorOf>*</mirrorOf><url>${env.CODEARTIFACT_MAVEN_URL}</url></mirror></mirrors>",
    "</settings>",
].join("\n");

/**
 * pre_build commands, before the tests: fetch the token into the shell (buildspec 0.2 runs a phase's
 * commands in one shell, and later phases inherit its exports), then point each format's tool at its
 * private repository. pip gets the index with the token in its URL (PIP_INDEX_URL; PIP_EXTRA_INDEX_URL
 * the same, so `--extra-index-url=${PIP_EXTRA_INDEX_URL}` commands never reach public PyPI directly);
 * npm gets the registry and an auth line in the user's ~/.npmrc (outside the source, so no COPY takes
 * it into an image); Maven gets ~/.m2/settings.xml, which reads the token from the environment.
 */
export function packageIndexCommands(formats: readonly PackageFormat[]): string[] {
    const V = INDEX_VARIABLES;
    const commands = [
        [
            `CODEARTIFACT_AUTH_TOKEN="$(aws codeartifact get-authorization-token --domain "$${V.domain}" --domain-owner "$${V.owner}" --duration-seconds "$${V.tokenSeconds}" --query authorizationToken --output text)"`,
            `|| { echo "could not get a CodeArtifact token for domain $${V.domain}: the role needs codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken" >&2; exit 1; }`,
        ].join(" "),
        "export CODEARTIFACT_AUTH_TOKEN",
    ];
    if (formats.includes("pypi")) {
        commands.push(
            `export PIP_INDEX_URL="https://aws:\${CODEARTIFACT_AUTH_TOKEN}@\${${V.endpoint("pypi")}#https://}simple/"`,
            'export PIP_EXTRA_INDEX_URL="$PIP_INDEX_URL"',
        );
    }
    if (formats.includes("npm")) {
        commands.push(
            `npm config set registry "$${V.endpoint("npm")}"`,
            `npm config set "//\${${V.endpoint("npm")}#https://}:_authToken" "$CODEARTIFACT_AUTH_TOKEN"`,
        );
    }
    if (formats.includes("maven")) {
        commands.push(`mkdir -p "$HOME/.m2" && cat > "$HOME/.m2/settings.xml" <<'SETTINGS'\n${MAVEN_SETTINGS}\nSETTINGS`);
    }
    return commands;
}

/**
 * `docker build` flags handing the index to the Dockerfile as BuildKit secrets: mounted for one RUN at
 * /run/secrets/<id> (or as an env with `RUN --mount=type=secret,id=…,env=…`), never a build argument,
 * never a layer, never in the image's history.
 */
export function dockerSecretFlags(formats: readonly PackageFormat[]): string[] {
    const flags = ["--secret id=codeartifact_token,env=CODEARTIFACT_AUTH_TOKEN"];
    if (formats.includes("pypi")) flags.push("--secret id=pip_index_url,env=PIP_INDEX_URL");
    if (formats.includes("npm")) flags.push('--secret id=npmrc,src="$HOME/.npmrc"');
    if (formats.includes("maven")) flags.push('--secret id=maven_settings,src="$HOME/.m2/settings.xml"');
    return flags;
}
