// The private package index's stack config key (`slipway:packages`, delivery stacks) and what it allows:
// CodeArtifact's package formats, the public registries each may proxy, AWS's name patterns and
// CodePipeline's tag-filter limits. Light on purpose (zod only): infra/config/schema.ts adds the key,
// infra/config/settings.ts calls packageSettings() for the cross-field checks.
import { z } from "zod";
import { key } from "../config/keys";
import { EXTERNAL_CONNECTIONS as CONNECTIONS } from "../../policy/rules-packages";

/** Formats slipway declares a private repository for (CodeArtifact also has nuget, generic, …). */
export const PACKAGE_FORMATS = ["npm", "pypi", "maven"] as const;
export type PackageFormat = (typeof PACKAGE_FORMATS)[number];

/**
 * CodeArtifact's external connections, by the format each serves: the policy pack's table
 * (policy/rules-packages.ts, from the AWS API model). The first is the format's public registry, the
 * default upstream; the others are pins a team may choose instead.
 */
export const EXTERNAL_CONNECTIONS = CONNECTIONS as Record<PackageFormat, readonly string[]>;

/** CodeArtifact's CreateDomain `domain` pattern (botocore model): 2–50 characters, lower case, no `_`. */
export const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
/** CreateRepository `repository` pattern (botocore model): 2–100 characters. */
export const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;

/**
 * CodePipeline's GitTagFilterCriteria (botocore `codepipeline` service-2.json): 1–8 include patterns,
 * each 1–255 characters, glob syntax (`*`, `**`, `?`, `[…]`, `{a,b}`, `\` escapes;
 * "Working with glob patterns in syntax", CodePipeline User Guide).
 */
export const TAG_PATTERN_LIMITS = { maxPatterns: 8, maxLength: 255 };

/** The default tag pattern: `v1.2.3` publishes 1.2.3. */
export const DEFAULT_TAG_PATTERN = "v*";

const RAW = z
    .object({
        formats: z.array(z.string()).optional(),
        domain: z.string().optional(),
        upstreams: z.record(z.string(), z.string()).optional(),
        runtimeRead: z.unknown().optional(),
        publish: z
            .object({
                format: z.string().optional(),
                tagPattern: z.string().optional(),
                testCommand: z.string().optional(),
                directory: z.string().optional(),
            })
            .strict()
            .optional(),
    })
    .strict();

/** The key (its deep checks are packageSettings'). */
export const PACKAGE_KEYS = [
    key({
        key: "packages",
        roles: ["delivery"],
        type: "map",
        description:
            "A private package index (CodeArtifact, docs/packages.md): `formats` (npm, pypi, maven: one private repository each, behind an upstream repository proxying the public registry), optional `domain` (default: appName), `upstreams` (format → pinned external connection, default public:npmjs / public:pypi / public:maven-central), `publish` ({format, tagPattern (default v*), testCommand, directory}: a tag pipeline publishes the package) and `runtimeRead` (true: every environment's ECS task role and Beanstalk instance role may get a token and install from the private repositories at run time, never publish; default false). Empty: no package index.",
        schema: RAW,
        example: "formats[0]",
    }),
] as const;

export interface PublishSettings {
    format: PackageFormat;
    /** CodePipeline tag glob that starts a publish (`v*`). */
    tagPattern: string;
    /** Runs before the version checks and the upload; empty: none. */
    testCommand: string;
    /** Package directory inside the repository (`.`). */
    directory: string;
}

export interface PackageSettings {
    /** CodeArtifact domain name (the prefix of every repository endpoint's host name). */
    domain: string;
    formats: PackageFormat[];
    /** Format → the external connection its upstream repository holds. */
    upstreams: Partial<Record<PackageFormat, string>>;
    publish?: PublishSettings;
    /** The environments' workloads (ECS task roles, Beanstalk instance roles) read the private repositories. */
    runtimeRead: boolean;
}

/** `runtimeRead` as set in a stack file (a YAML boolean) or by `pulumi config set --path` (a string); undefined: neither. */
function runtimeReadValue(v: unknown): boolean | undefined {
    if (v === undefined || v === false || v === "false") return false;
    if (v === true || v === "true") return true;
    return undefined;
}

const isFormat = (v: string): v is PackageFormat => (PACKAGE_FORMATS as readonly string[]).includes(v);

/**
 * Problems of a tag glob CodePipeline would refuse or no git tag could match: its length, unbalanced
 * `[…]`/`{…}`, and characters git forbids in a ref name (git check-ref-format: space, `~ ^ :`, `..`,
 * `@{`, a trailing `.lock` or `/`, control characters).
 */
export function tagPatternProblems(pattern: string): string[] {
    const problems: string[] = [];
    if (pattern.length < 1 || pattern.length > TAG_PATTERN_LIMITS.maxLength) problems.push(`must be 1–${TAG_PATTERN_LIMITS.maxLength} characters (CodePipeline's tag filter limit)`);
    // eslint-disable-next-line no-control-regex
    if (/[\s~^:\x00-\x1f\x7f]|\.\.|@\{|\.lock$|\/$|^\//.test(pattern)) problems.push("holds a character or sequence git forbids in tag names (space, ~, ^, :, '..', '@{', a leading or trailing '/', '.lock' at the end), so no tag could match it");
    let square = 0;
    let curly = 0;
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "\\") {
            i++;
            continue;
        }
        if (c === "[") square++;
        if (c === "]") square--;
        if (c === "{") curly++;
        if (c === "}") curly--;
        if (square < 0 || curly < 0) break;
    }
    if (square !== 0 || curly !== 0) problems.push("has an unbalanced '[…]' or '{…}' (CodePipeline's glob syntax)");
    return problems;
}

/** The validated package index, or undefined when `slipway:packages` is empty; problems name the key and the fix. */
export function packageSettings(value: z.infer<typeof RAW>, appName: string, stack: string, problems: string[]): PackageSettings | undefined {
    const at = "slipway:packages";
    const set = (path: string, example: string) => `pulumi config set --path '${at}.${path}' ${example} --stack ${stack}`;
    if (Object.keys(value).length === 0) return undefined;
    const before = problems.length;
    const formats: PackageFormat[] = [];
    if (!value.formats?.length) {
        problems.push(`${at}.formats is required when ${at} is set: list the package formats the team uses (${PACKAGE_FORMATS.join(", ")}). Fix: ${set("formats[0]", "pypi")}`);
    }
    for (const [i, f] of (value.formats ?? []).entries()) {
        if (!isFormat(f)) {
            problems.push(`${at}.formats[${i}] = ${JSON.stringify(f)} is not a format slipway declares a repository for: it must be one of ${PACKAGE_FORMATS.join(", ")}. Fix: ${set(`formats[${i}]`, "pypi")}`);
        } else if (formats.includes(f)) {
            problems.push(`${at}.formats lists ${f} twice: one repository per format. Fix: pulumi config rm --path '${at}.formats[${i}]' --stack ${stack}`);
        } else formats.push(f);
    }
    const domain = value.domain ?? appName;
    if (!DOMAIN_NAME.test(domain)) {
        problems.push(
            `${at}.domain = ${JSON.stringify(domain)} is not a name CodeArtifact accepts: 2–50 characters of a–z, 0–9 and '-', starting with a letter and not ending with '-' (it is the public prefix of the repository host names: no sensitive words). Fix: ${set("domain", "acme")}`,
        );
    }
    const upstreams: Partial<Record<PackageFormat, string>> = {};
    for (const f of formats) upstreams[f] = EXTERNAL_CONNECTIONS[f][0];
    for (const [f, connection] of Object.entries(value.upstreams ?? {})) {
        if (!isFormat(f) || !formats.includes(f)) {
            problems.push(
                `${at}.upstreams.${f} pins an upstream for ${isFormat(f) ? `${f}, which ${at}.formats does not list` : `"${f}", which is not a package format (${PACKAGE_FORMATS.join(", ")})`}: an upstream needs its format's repository. Fix: pulumi config rm --path '${at}.upstreams.${f}' --stack ${stack} (or add the format: ${set(`formats[${formats.length}]`, isFormat(f) ? f : "pypi")})`,
            );
            continue;
        }
        if (!EXTERNAL_CONNECTIONS[f].includes(connection)) {
            problems.push(`${at}.upstreams.${f} = ${JSON.stringify(connection)} is not an external connection for ${f}: it must be one of ${EXTERNAL_CONNECTIONS[f].join(", ")}. Fix: ${set(`upstreams.${f}`, EXTERNAL_CONNECTIONS[f][0])}`);
            continue;
        }
        upstreams[f] = connection;
    }
    let publish: PublishSettings | undefined;
    if (value.publish) {
        const p = value.publish;
        const format = p.format ?? (formats.length === 1 ? formats[0] : undefined);
        if (!format || !isFormat(format) || !formats.includes(format)) {
            problems.push(
                `${at}.publish.format ${p.format === undefined ? "is required when more than one format is listed" : `= ${JSON.stringify(p.format)} is not one of ${at}.formats (${formats.join(", ") || "none"})`}: the tag pipeline publishes to that format's repository. Fix: ${set("publish.format", formats[0] ?? "pypi")}`,
            );
        }
        const tagPattern = p.tagPattern ?? DEFAULT_TAG_PATTERN;
        for (const why of tagPatternProblems(tagPattern)) {
            problems.push(`${at}.publish.tagPattern = ${JSON.stringify(tagPattern)} ${why}. Fix: ${set("publish.tagPattern", DEFAULT_TAG_PATTERN)}`);
        }
        const directory = p.directory ?? ".";
        if (!/^(\.|(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,200})$/.test(directory)) {
            problems.push(`${at}.publish.directory = ${JSON.stringify(directory)} must be '.' or a relative path inside the repository. Fix: ${set("publish.directory", ".")}`);
        }
        const testCommand = p.testCommand ?? "";
        if (testCommand.length > 1000) problems.push(`${at}.publish.testCommand must be at most 1000 characters. Fix: ${set("publish.testCommand", "'pytest'")}`);
        if (format && isFormat(format)) publish = { format, tagPattern, testCommand, directory };
    }
    const runtimeRead = runtimeReadValue(value.runtimeRead);
    if (runtimeRead === undefined) {
        problems.push(`${at}.runtimeRead = ${JSON.stringify(value.runtimeRead)} must be true or false (true: the environments' tasks and instances may install from the private repositories at run time). Fix: ${set("runtimeRead", "true")}`);
    }
    if (problems.length > before) return undefined;
    return { domain, formats, upstreams, publish, runtimeRead: runtimeRead === true };
}

/**
 * What an environment stack needs of its delivery stack's index, read from the delivery stack's file
 * (`slipway:packages` there): the domain and formats when `runtimeRead` is true, else undefined. The
 * delivery stack validates the key; an unreadable value here reads as "no runtime access".
 */
export function runtimeReadOf(deliveryConfig: Record<string, string> | undefined, appName: string): Pick<PackageSettings, "domain" | "formats"> | undefined {
    const text = deliveryConfig?.["slipway:packages"];
    if (!text) return undefined;
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return undefined;
    }
    const parsed = RAW.safeParse(value);
    if (!parsed.success || runtimeReadValue(parsed.data.runtimeRead) !== true) return undefined;
    const problems: string[] = [];
    const s = packageSettings(parsed.data, appName, "delivery", problems);
    return s?.runtimeRead ? { domain: s.domain, formats: s.formats } : undefined;
}
