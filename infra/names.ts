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

// --- Stack ownership: the tag every AWS resource of a stack carries, and what AWS enforces with it ---

/**
 * Tag key on every AWS resource a slipway stack declares (the provider's defaultTags). Deploy roles
 * may create only resources tagged for their own stacks (`aws:RequestTag`) and change or delete only
 * resources tagged so (`aws:ResourceTag`).
 */
export const STACK_TAG = "slipway:stack";

/**
 * The stack tag's value: `<app>/<stack>`. The app is part of the value so that app `shop`'s review
 * pattern (`shop/review-*`) can never match another app's stacks, whatever their names.
 */
export function stackTag(app: string, stackOrPattern: string): string {
    return `${app}/${stackOrPattern}`;
}

/** Review stacks share one policy set (and KMS key); every other stack has its own. */
export function policyStackOf(stack: string, tier: string): string {
    return tier === "review" ? "review" : stack;
}

/** The stack-name pattern a policy set covers: `review` covers every `review-*` stack. */
export function stackPattern(policyStack: string): string {
    return policyStack === "review" ? "review-*" : policyStack;
}

/** Name of a managed policy the delivery stack owns for a policy stack: `<app>-<stack>-<concern>`. */
export function managedPolicyName(app: string, policyStack: string, concern: string): string {
    return `${app}-${policyStack}-${concern}`;
}

/** The permissions boundary every role of a policy stack's environments must carry. */
export const BOUNDARY_CONCERN = "boundary";

// The tag marking a boundary (POLICY_PURPOSE_TAG) is the policy pack's vocabulary: policy/kit.ts.

/** KMS alias of a policy stack's secrets provider (`pulumi stack init --secrets-provider awskms://…`). */
export function secretsKeyAlias(app: string, policyStack: string): string {
    return `alias/slipway/${app}/${policyStack}`;
}

/** The secrets-provider URL a stack is created with. */
export function secretsProviderUrl(app: string, policyStack: string, region: string): string {
    return `awskms://${secretsKeyAlias(app, policyStack)}?region=${region}`;
}

/** Secrets Manager name prefix of an environment's app secret. */
export function secretNamePrefix(app: string, stack: string): string {
    return `slipway/${app}/${stack}/`;
}

/** CloudWatch log-group prefix of an environment's own log groups. */
export function logGroupPrefix(app: string, stack: string): string {
    return `/slipway/${app}/${stack}/`;
}

/** GitHub variable holding the deploy role ARN for an environment stack: AWS_DEPLOY_ROLE_ARN_STAGING. */
export function deployRoleVariable(stack: string): string {
    return `AWS_DEPLOY_ROLE_ARN_${stack.toUpperCase().replace(/-/g, "_")}`;
}

/** Stage names are the environment names, capitalised: `staging` → `Staging`. */
export function stageName(stack: string): string {
    return stack
        .split("-")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("-");
}
