// The release phase's config key and its checks. Light on purpose (zod only): infra/config/schema.ts
// adds the key to the table, infra/config/settings.ts calls releaseProblems.
import { z } from "zod";
import { key } from "../../config/keys";

/** The release phase's keys (environment stacks; Pulumi.yaml declares them for every stack). */
export const RELEASE_KEYS = [
    key({
        key: "releaseCommand",
        roles: ["environment"],
        type: "string",
        description:
            "Release phase (ECS only): a shell command (run with `sh -c` in the new image, e.g. migrations) that the pipeline runs once per deploy as a one-off Fargate task with the environment's secrets and network, before any service is updated. A non-zero exit stops the stage: nothing is deployed. Its logs go to the environment's log group under the `release/` stream prefix. Empty: no release phase.",
        default: "",
        // ECS: a container definition's command is part of the task definition, which may be at most 64 KiB.
        schema: z.string().max(1000, "must be at most 1000 characters").refine((v) => v === "" || v.trim() !== "", "must not be only whitespace"),
        example: "./manage.py migrate --noinput",
    }),
] as const;

/**
 * What Elastic Beanstalk lacks for a release phase, and so why slipway refuses one there (EB Developer
 * Guide, "Extending Elastic Beanstalk Linux platforms" → platform hooks, and "Customizing software on
 * Linux servers" → container_commands): its predeploy hooks run on every instance, not once; leader_only
 * exists only for .ebextensions container_commands, which run on the host (not in the new image) and are
 * skipped on instances that scaling adds; and EB has no one-off task to run before a deploy.
 */
export const BEANSTALK_RELEASE_GAP =
    "Elastic Beanstalk cannot run a command once per deploy in the new image before it serves: its predeploy platform hooks run on every instance, and leader_only exists only for .ebextensions container_commands, which run on the host, outside the app's image";

/** One message per problem with the release settings of an environment on `platform`. */
export function releaseProblems(d: { releaseCommand: string; platform: string }, stack: string): string[] {
    if (!d.releaseCommand || d.platform === "ecs") return [];
    return [
        `slipway:releaseCommand is set, but slipway:platform is ${d.platform}: ${BEANSTALK_RELEASE_GAP}. Fix: run the command from the app's own start-up (idempotent), or run this environment on ECS (pulumi config set slipway:platform ecs --stack ${stack}); or remove it: pulumi config rm slipway:releaseCommand --stack ${stack}`,
    ];
}
