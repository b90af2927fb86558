import * as pulumi from "@pulumi/pulumi";
import * as ecr from "@pulumi/aws/ecr";
import { renamedFrom } from "../contract";
import { SEED_TAG } from "./seed-image";

/** Tags that stay movable in an otherwise immutable registry. */
export const MUTABLE_TAGS = ["latest"];

/**
 * Docker refuses tags over 128 characters (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, `docker tag` reference);
 * ECR's API would take 300 (ImageIdentifier.imageTag), but every tag here must stay pullable by name.
 */
export const MAX_TAG_LENGTH = 128;
/** A commit sha as GitHub's CodeConnections source action gives it (SHA-1, 40 hex digits). */
const COMMIT_SHA_LENGTH = 40;
/** ECR PutLifecyclePolicy: lifecyclePolicyText is 100 to 30,720 characters (also the ECR service quota "Lifecycle policy length"). */
export const MAX_LIFECYCLE_POLICY_CHARS = 30720;
/** ECR lifecycle policy properties, tagPatternList: "a maximum limit of four wildcards (*) per string". */
export const MAX_PATTERN_WILDCARDS = 4;

/**
 * Prefix of the immutable tag the smoke test adds to an image once it is verified on `stack`
 * (`verified-<stack>-<sha>`); the lifecycle policy keeps each stack's newest verified images by it.
 */
export function verifiedTagPrefix(stack: string): string {
    return `verified-${stack}-`;
}

/** `verified-<stack>-<sha>`: the image `sha` passed the smoke test on `stack`. */
export function verifiedTag(stack: string, sha: string): string {
    return `${verifiedTagPrefix(stack)}${sha}`;
}

/** One ECR lifecycle rule, as the policy JSON spells it. */
export interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: {
        tagStatus: "tagged" | "untagged" | "any";
        tagPatternList?: string[];
        countType: "imageCountMoreThan" | "sinceImagePushed";
        countUnit?: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

export interface LifecycleSettings {
    /** The stacks the pipeline verifies images on, in pipeline order (the last is production). */
    verifiedStacks: string[];
    /** Keep this many newest verified images per stack (what it runs and what it can roll back to). */
    keepVerifiedImages: number;
    /** Expire untagged images after this many days. */
    untaggedImageDays: number;
    /** Of all other images, keep the newest this many. */
    keepImages: number;
}

const positive = (name: string, n: number) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Registry ${name} must be a positive integer (ECR's countNumber), got ${n}`);
};

/**
 * The lifecycle rules, highest priority first. ECR applies rules by priority and "an image that
 * matches the tagging requirements of a rule cannot be expired by a rule with a lower priority"
 * (ECR User Guide, "Lifecycle policy evaluation rules"). So:
 *  1. one rule per pipeline stack keeps its newest verified images (`verified-<stack>-*`): no other
 *     rule can expire an image an environment runs or last verified. Downstream stacks come first:
 *     production only verifies what staging verified, so an image is never expired by production's
 *     rule while staging's newest still count it (the highest-priority matching rule decides alone).
 *  2. the opt-in `seed` image, which environments run until the pipeline has verified one of its own;
 *  3. untagged images after some days;
 *  4. everything else: the newest N (ECR requires the `any` rule to have the highest priority number).
 * Throws when the settings would break ECR's rules or let one stack's pattern select another's tags.
 */
export function lifecycleRules(s: LifecycleSettings): LifecycleRule[] {
    positive("keepVerifiedImages", s.keepVerifiedImages);
    positive("untaggedImageDays", s.untaggedImageDays);
    positive("keepImages", s.keepImages);
    const seen = new Set<string>();
    for (const stack of s.verifiedStacks) {
        if (seen.has(stack)) throw new Error(`Registry verifiedStacks names ${stack} twice`);
        seen.add(stack);
        if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new Error(`Registry verifiedStacks: ${JSON.stringify(stack)} cannot be part of an image tag (letters, digits, _ . - only)`);
        const longest = verifiedTag(stack, "0".repeat(COMMIT_SHA_LENGTH)).length;
        if (longest > MAX_TAG_LENGTH) throw new Error(`Registry verifiedStacks: ${stack}'s verified tags would be ${longest} characters, over Docker's ${MAX_TAG_LENGTH}`);
    }
    for (const a of s.verifiedStacks) {
        for (const b of s.verifiedStacks) {
            // verified-<a>-* also matches verified-<a>-<rest>-<sha>: a's rule would count (and expire) b's images.
            if (a !== b && b.startsWith(`${a}-`)) {
                throw new Error(`Registry verifiedStacks: ${b}'s verified tags also match ${verifiedTagPrefix(a)}*, so ${a}'s rule would expire them; rename one of the stacks`);
            }
        }
    }
    const tagged = (pattern: string, keep: number, description: string): Omit<LifecycleRule, "rulePriority"> => ({
        description,
        selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
    });
    const rules: Omit<LifecycleRule, "rulePriority">[] = [
        ...[...s.verifiedStacks].reverse().map((stack) => tagged(`${verifiedTagPrefix(stack)}*`, s.keepVerifiedImages, `Keep the ${s.keepVerifiedImages} newest images verified on ${stack}`)),
        // One image can carry the immutable seed tag: keeping 1 keeps it.
        tagged(SEED_TAG, 1, "Keep the seed image"),
        {
            description: `Expire untagged images after ${s.untaggedImageDays} days`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: s.untaggedImageDays },
            action: { type: "expire" },
        },
        {
            description: `Keep the ${s.keepImages} most recent other images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: s.keepImages },
            action: { type: "expire" },
        },
    ];
    return rules.map((r, i) => ({ rulePriority: i + 1, ...r }));
}

/** The lifecycle policy document; throws when ECR would refuse it. */
export function lifecyclePolicy(s: LifecycleSettings): string {
    const rules = lifecycleRules(s);
    for (const r of rules) {
        for (const p of r.selection.tagPatternList ?? []) {
            if ((p.match(/\*/g) ?? []).length > MAX_PATTERN_WILDCARDS) throw new Error(`lifecycle tag pattern ${p} has more than ${MAX_PATTERN_WILDCARDS} wildcards`);
        }
    }
    const text = JSON.stringify({ rules });
    if (text.length > MAX_LIFECYCLE_POLICY_CHARS) {
        throw new Error(`the registry lifecycle policy is ${text.length} characters, over ECR's ${MAX_LIFECYCLE_POLICY_CHARS}: fewer pipeline stacks (Registry verifiedStacks)`);
    }
    return text;
}

export interface RegistryArgs {
    /** Repository name (one per app). */
    name: string;
    /** Keep this many most recent images besides the verified ones and the seed. @default 50 */
    keepImages?: number;
    /** Expire untagged images after this many days. @default 7 */
    untaggedImageDays?: number;
    /**
     * The pipeline's stacks, in order: each keeps its newest verified images (`verified-<stack>-*`,
     * tagged by the smoke test) whatever the other rules would expire.
     * @default []
     */
    verifiedStacks?: string[];
    /** Verified images kept per stack. @default 10 */
    keepVerifiedImages?: number;
    /**
     * Protect the repository from deletion (production images live here). When false, the repository
     * is deleted with its images on destroy.
     * @default true
     */
    protect?: boolean;
    /**
     * Alias the children to their names before children were named after their component. Only the app's
     * registry can: a second instance (a worker's own image, infra/platforms/ecs/service-images.ts) would alias
     * the same legacy URNs. @default true
     */
    aliasLegacyNames?: boolean;
}

/**
 * The app's container registry: scan on push, commit-sha tags immutable (only `latest` moves), KMS
 * encryption with the AWS-managed key, and a lifecycle policy that never expires a verified image
 * an environment may run.
 */
export class Registry extends pulumi.ComponentResource {
    readonly repository: ecr.Repository;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:Registry", name, {}, opts);
        const protect = args.protect ?? true;
        this.repository = new ecr.Repository(
            `${name}-repository`,
            {
                name: args.name,
                imageScanningConfiguration: { scanOnPush: true },
                // A sha tag, once pushed, never changes: what staging verified is what production runs.
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                imageTagMutabilityExclusionFilters: MUTABLE_TAGS.map((filter) => ({ filter, filterType: "WILDCARD" })),
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                forceDelete: !protect,
            },
            { parent: this, aliases: renamedFrom("repository", args.aliasLegacyNames), protect },
        );
        new ecr.LifecyclePolicy(
            `${name}-lifecycle`,
            {
                repository: this.repository.name,
                policy: lifecyclePolicy({
                    verifiedStacks: args.verifiedStacks ?? [],
                    keepVerifiedImages: args.keepVerifiedImages ?? 10,
                    untaggedImageDays: args.untaggedImageDays ?? 7,
                    keepImages: args.keepImages ?? 50,
                }),
            },
            { parent: this, aliases: renamedFrom("lifecycle", args.aliasLegacyNames) },
        );
        this.repositoryUrl = this.repository.repositoryUrl;
        this.arn = this.repository.arn;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn });
    }
}
