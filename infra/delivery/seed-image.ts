import * as pulumi from "@pulumi/pulumi";
import { Image } from "@pulumi/docker/image";
import { getAuthorizationTokenOutput } from "@pulumi/aws/ecr/getAuthorizationToken";
import { renamedFrom } from "../contract";

/** The tag a seed image is pushed under (once: later `pulumi up`s never rebuild it). */
export const SEED_TAG = "seed";

export interface SeedImageArgs {
    /** Registry repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    repositoryUrl: pulumi.Input<string>;
    /** Local path of an app checkout to build, relative to this project. */
    context: string;
    /** Dockerfile path inside the context. @default "Dockerfile" */
    dockerfile?: string;
}

/**
 * Builds the app once with the local Docker engine and pushes it as `<repo>:seed`, so environment
 * stacks can start before the pipeline's first run. Opt-in (`slipway:seedImageContext`): the
 * pipeline remains the only publisher of commit-sha images.
 */
export class SeedImage extends pulumi.ComponentResource {
    readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: SeedImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:SeedImage", name, {}, opts);
        const registryId = pulumi.output(args.repositoryUrl).apply((url) => url.split(".")[0]);
        const token = getAuthorizationTokenOutput({ registryId }, { parent: this });
        const image = new Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${args.repositoryUrl}:${SEED_TAG}`,
                // Fargate runs linux/amd64 (our task definitions pin X86_64), whatever the laptop is.
                build: { context: args.context, dockerfile: `${args.context}/${args.dockerfile ?? "Dockerfile"}`, platform: "linux/amd64" },
                registry: { server: args.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) },
            },
            // The seed tag is immutable like every other: build it once.
            { parent: this, aliases: renamedFrom("image"), ignoreChanges: ["build"] },
        );
        this.imageRef = image.imageName;
        this.registerOutputs({ imageRef: this.imageRef });
    }
}
