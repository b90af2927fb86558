// Names that two stacks must agree on (the pipeline deploys into resources an environment stack owns),
// derived in one place. Everything else is auto-named by Pulumi.
import type { Alias } from "@pulumi/pulumi";

/**
 * Aliases for a component's child now named `${component}-${suffix}`, to `legacyName`, the name it had
 * before children were named after their component. A child's URN carries its parent's type, not its
 * name, so two instances of a component with children named alike ("role") collided; a stack deployed
 * with the old names keeps its resources through the alias instead of replacing them.
 */
export function renamedFrom(legacyName: string, enabled = true): Alias[] {
    return enabled ? [{ name: legacyName }] : [];
}

/** Name of the environment's ECS cluster and service, and of its Beanstalk environment. */
export function environmentName(app: string, stack: string): string {
    return `${app}-${stack}`;
}

/** The single container in each task definition; the pipeline's imagedefinitions.json names it. */
export const CONTAINER_NAME = "app";

/** ECR repository name: one registry per app, shared by every environment. */
export function repositoryName(app: string): string {
    return app;
}

/** IAM path of every role slipway creates for an app, so PassRole can be scoped to the app. */
export function rolePath(app: string): string {
    return `/slipway/${app}/`;
}

/**
 * IAM path of an environment stack's own roles, inside the app's path: the pipeline may pass any of
 * the app's roles, while a stack's deploy role may only touch its own stack's.
 */
export function environmentRolePath(app: string, stack: string): string {
    return `${rolePath(app)}${stack}/`;
}

/** SSM parameter prefix under which an app's environments publish facts for the pipeline. */
export function parameterPrefix(app: string): string {
    return `/slipway/${app}`;
}

/**
 * The image tag an environment last verified (written by the pipeline's smoke test, read by the
 * environment stack so `pulumi up` keeps running the image the pipeline promoted).
 */
export function imageTagParameter(app: string, stack: string): string {
    return `${parameterPrefix(app)}/${stack}/image-tag`;
}

/** The full health-check URL of an environment (written by the environment stack, read by the smoke test). */
export function healthUrlParameter(app: string, stack: string): string {
    return `${parameterPrefix(app)}/${stack}/health-url`;
}
