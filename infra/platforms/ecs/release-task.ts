// The release phase's task definition in an environment stack: the app's image, secrets, roles and log
// group, with the release command instead of the web process. The pipeline's Release action
// (./release-action.ts) registers a revision of it with the new image and runs it once, before the
// stage's deploy; nothing in the environment runs it on its own.
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import { RELEASE_PROCESS } from "../../contract";
import { fargateTaskDefinitionArgs } from "./task-definition";

export interface ReleaseTaskArgs {
    /** The task family: contract.ts processFamily(app, stack, RELEASE_PROCESS), which the pipeline runs by name. */
    family: string;
    /** The shell command, run as `sh -c <command>` (the image must have a shell). */
    command: string;
    /** The image Pulumi declares (the environment's verified one); the pipeline's revisions carry the new image. */
    image: pulumi.Input<string>;
    /** Fargate cpu units and MiB (a checked pair): the web process's. */
    cpu: number;
    memory: number;
    /** The web task's roles: the release runs as the app (task role) and starts with the agent's rights (execution role). */
    executionRoleArn: pulumi.Input<string>;
    taskRoleArn: pulumi.Input<string>;
    /** Plain settings, as environment variables (the app's). */
    environment: Record<string, string>;
    /** App secrets: names and the JSON secret holding them (ECS resolves them at task start). */
    secrets?: { arn: pulumi.Input<string>; names: string[]; versionId: pulumi.Input<string> };
    /** Database connection secrets (slipway:database), by reference. The task runs in the web service's network, so it carries the database's clients group. @default none */
    databaseSecrets?: pulumi.Input<{ name: string; valueFrom: string }[]>;
    /** The environment's log group; the release writes under the `release/` stream prefix. */
    logGroupName: pulumi.Input<string>;
    region: string;
}

/** The release task definition (`<app>-<stack>_release`): declared here, run by the pipeline. */
export class ReleaseTask extends pulumi.ComponentResource {
    readonly taskDefinition: ecs.TaskDefinition;

    constructor(name: string, args: ReleaseTaskArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ReleaseTask", name, {}, opts);
        this.taskDefinition = new ecs.TaskDefinition(
            `${name}-task`,
            fargateTaskDefinitionArgs({
                family: args.family,
                cpu: args.cpu,
                memory: args.memory,
                executionRoleArn: args.executionRoleArn,
                taskRoleArn: args.taskRoleArn,
                image: args.image,
                logGroupName: args.logGroupName,
                secrets: args.secrets,
                databaseSecrets: args.databaseSecrets,
                region: args.region,
                container: { command: args.command, streamPrefix: RELEASE_PROCESS, environment: args.environment },
            }),
            { parent: this },
        );
        this.registerOutputs({ family: this.taskDefinition.family });
    }
}
