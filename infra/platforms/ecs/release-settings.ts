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
            "Release phase: a shell command (run with `sh -c` in the new image, e.g. migrations), once per deploy with the environment's settings and secrets, before the new version serves. ECS: the pipeline runs it as a one-off Fargate task before any service is updated; a non-zero exit stops the stage and nothing is deployed; logs in the environment's log group under the `release/` stream prefix. Elastic Beanstalk: only with `beanstalkDeploymentPolicy: Immutable` and at most 192 bytes; a leader-only container command runs it with `docker run` of the version's image on the deployment's first new instance, and a non-zero exit fails the deployment (the new instances are terminated, the old version keeps serving). Empty: no release phase.",
        default: "",
        // ECS: a container definition's command is part of the task definition, which may be at most 64 KiB.
        schema: z.string().max(1000, "must be at most 1000 characters").refine((v) => v === "" || v.trim() !== "", "must not be only whitespace"),
        example: "./manage.py migrate --noinput",
    }),
] as const;

/**
 * One message per problem with the release settings of an environment on `platform`. ECS runs the
 * release as a one-off Fargate task; Elastic Beanstalk's own checks (the deployment policy, the
 * property's size) are infra/platforms/beanstalk/release.ts, called once its settings are known.
 */
export function releaseProblems(d: { releaseCommand: string; platform: string }, stack: string): string[] {
    if (!d.releaseCommand || d.platform === "ecs" || d.platform === "beanstalk") return [];
    return [`slipway:releaseCommand is set, but slipway:platform ${d.platform} has no release phase. Fix: pulumi config rm slipway:releaseCommand --stack ${stack}`];
}
