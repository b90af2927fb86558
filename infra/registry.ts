import * as pulumi from "@pulumi/pulumi";
import * as ecr from "@pulumi/aws/ecr";
import { renamedFrom } from "./names";

/** Tags that stay movable in an otherwise immutable registry. */
export const MUTABLE_TAGS = ["latest"];

export interface RegistryArgs {
    /** Repository name (one per app). */
    name: string;
    /** Keep this many most recent images. @default 50 */
    keepImages?: number;
    /** Expire untagged images after this many days. @default 7 */
    untaggedImageDays?: number;
    /**
     * Protect the repository from deletion (production images live here). When false, the repository
     * is deleted with its images on destroy.
     * @default true
     */
    protect?: boolean;
}

/** lifecycle policy: untagged images expire first, then only the newest `keep` images remain. */
export function lifecyclePolicy(untaggedImageDays: number, keepImages: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images after ${untaggedImageDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedImageDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the ${keepImages} most recent images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
                action: { type: "expire" },
            },
        ],
    });
}

/**
 * The app's container registry: scan on push, commit-sha tags immutable (only `latest` and the build
 * cache tag move), KMS encryption with the AWS-managed key, and a lifecycle policy.
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
            { parent: this, aliases: renamedFrom("repository"), protect },
        );
        new ecr.LifecyclePolicy(
            `${name}-lifecycle`,
            {
                repository: this.repository.name,
                policy: lifecyclePolicy(args.untaggedImageDays ?? 7, args.keepImages ?? 50),
            },
            { parent: this, aliases: renamedFrom("lifecycle") },
        );
        this.repositoryUrl = this.repository.repositoryUrl;
        this.arn = this.repository.arn;
        this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn });
    }
}
