// What every task definition of an ECS environment shares (the web, its workers, the release task, the
// scheduled jobs): Fargate on Linux/x86-64, awsvpc networking, and the one container containerDefinitions
// describes, reading the app's secrets by reference.
import * as pulumi from "@pulumi/pulumi";
import type * as ecs from "@pulumi/aws/ecs";
import { CONTAINER_NAME } from "../../contract";
import { HEALTH } from "../../shared/health";
import { byName } from "../../shared/order";

/** The app's secrets as a task reads them: the JSON secret, its version (a rotation changes it) and the names in it. */
export interface TaskSecrets {
    arn: pulumi.Input<string>;
    names: string[];
    versionId: pulumi.Input<string>;
}

export interface FargateTaskSpec {
    /** The task family (contract.ts names each process's). */
    family: pulumi.Input<string>;
    /** Fargate CPU units and MiB (a pair Fargate accepts: config validates it). */
    cpu: number;
    memory: number;
    executionRoleArn: pulumi.Input<string>;
    taskRoleArn: pulumi.Input<string>;
    image: pulumi.Input<string>;
    logGroupName: pulumi.Input<string>;
    /** The app's secrets; none, or none named: the container gets no `secrets` of the app's. @default none */
    secrets?: TaskSecrets;
    /** Secrets held elsewhere (the database's connection and RDS's password), by ECS valueFrom. @default none */
    databaseSecrets?: pulumi.Input<{ name: string; valueFrom: string }[]>;
    region: string;
    /** The container's own settings: its command, port, stream prefix, environment and health check. */
    container: Omit<Parameters<typeof containerDefinitions>[0], "image" | "secretArn" | "secretNames" | "secretsVersion" | "extraSecrets" | "logGroup" | "region">;
}

/** The TaskDefinition arguments of one process of the environment. */
export function fargateTaskDefinitionArgs(spec: FargateTaskSpec): ecs.TaskDefinitionArgs {
    const secrets = spec.secrets && spec.secrets.names.length ? spec.secrets : undefined;
    return {
        family: spec.family,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(spec.cpu),
        memory: String(spec.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: spec.executionRoleArn,
        taskRoleArn: spec.taskRoleArn,
        containerDefinitions: pulumi.all([spec.image, spec.logGroupName, secrets?.arn, secrets?.versionId, spec.databaseSecrets]).apply(([image, logGroup, secretArn, secretsVersion, extraSecrets]) =>
            JSON.stringify(
                containerDefinitions({
                    ...spec.container,
                    image,
                    secretArn,
                    secretNames: secrets?.names ?? [],
                    secretsVersion,
                    extraSecrets,
                    logGroup,
                    region: spec.region,
                }),
            ),
        ),
    };
}

/** Container definitions of the app's task, as ECS's RegisterTaskDefinition expects them. */
export function containerDefinitions(a: {
    image: string;
    /** The port the container listens on; none for a process without ingress (the release task). */
    containerPort?: number;
    /** The process's command (`sh -c <command>`); undefined: the image's own. */
    command?: string;
    /** awslogs stream prefix: each process of the environment has its own in the one log group. @default CONTAINER_NAME */
    streamPrefix?: string;
    environment: Record<string, string>;
    secretArn?: string;
    secretNames: string[];
    secretsVersion?: string;
    /** Secrets held elsewhere (the database's), by ECS valueFrom. @default none */
    extraSecrets?: { name: string; valueFrom: string }[];
    logGroup: string;
    region: string;
    healthCheckCommand?: string;
}): Record<string, unknown>[] {
    return [
        {
            name: CONTAINER_NAME,
            image: a.image,
            essential: true,
            portMappings: a.containerPort === undefined ? [] : [{ containerPort: a.containerPort, protocol: "tcp" }],
            ...(a.command === undefined ? {} : { command: ["sh", "-c", a.command] }),
            environment: Object.entries(a.environment)
                .sort(([x], [y]) => byName(x, y))
                .map(([name, value]) => ({ name, value })),
            // Secrets are resolved by ECS at task start from Secrets Manager; they never sit in the definition.
            secrets: [...(a.secretArn ? a.secretNames.map((name) => ({ name, valueFrom: `${a.secretArn}:${name}::` })) : []), ...(a.extraSecrets ?? [])],
            // A label, not an env var: changes with every secret rotation so the service rolls new tasks.
            dockerLabels: a.secretsVersion ? { "slipway.secrets-version": a.secretsVersion } : {},
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": a.logGroup, "awslogs-region": a.region, "awslogs-stream-prefix": a.streamPrefix ?? CONTAINER_NAME },
            },
            privileged: false,
            // ECS stops routing to (and the circuit breaker counts) a task whose command fails `retries` times.
            ...(a.healthCheckCommand
                ? {
                      healthCheck: {
                          command: ["CMD-SHELL", a.healthCheckCommand],
                          interval: HEALTH.container.intervalSeconds,
                          timeout: HEALTH.container.timeoutSeconds,
                          retries: HEALTH.container.retries,
                          startPeriod: HEALTH.container.startPeriodSeconds,
                      },
                  }
                : {}),
        },
    ];
}
