import * as pulumi from "@pulumi/pulumi";
// Per-resource modules, as in repo-settings.ts: the @pulumi/github index is large to type-check.
import { getUserOutput } from "@pulumi/github/getUser";
import { RepositoryEnvironment } from "@pulumi/github/repositoryEnvironment";
import { RepositoryEnvironmentDeploymentPolicy } from "@pulumi/github/repositoryEnvironmentDeploymentPolicy";
import { ActionsEnvironmentSecret } from "@pulumi/github/actionsEnvironmentSecret";
import { renamedFrom } from "../contract";

export interface DeploymentEnvironmentSpec {
    /** GitHub environment name, e.g. `staging`; OIDC tokens of jobs in it carry `environment:<name>`. */
    name: string;
    /** Users who must approve a job that enters the environment (none: no approval). */
    reviewers?: string[];
    /** Only this branch may deploy (the release branch); undefined: any branch (review stacks). */
    branch?: string;
    /**
     * Secrets only this environment's jobs can read (environment secrets, not repository secrets): a
     * pull-request job that names no environment, or another one, never sees them. Each must be a secret Output.
     */
    secrets?: Record<string, pulumi.Output<string>>;
}

export interface DeploymentEnvironmentsArgs {
    /** Repository that runs the workflows (this program's repository). */
    repository: string;
    environments: DeploymentEnvironmentSpec[];
}

/**
 * The GitHub environments the workflows deploy from. They gate the OIDC roles: the production deploy
 * role trusts only `environment:production`, and that environment demands its reviewers (who may not
 * approve their own runs, and whom admins cannot bypass) and accepts only the release branch.
 */
export class DeploymentEnvironments extends pulumi.ComponentResource {
    constructor(name: string, args: DeploymentEnvironmentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:DeploymentEnvironments", name, {}, opts);
        for (const env of args.environments) {
            const userIds = (env.reviewers ?? []).map((username) => getUserOutput({ username }, { parent: this }).id.apply(Number));
            const environment = new RepositoryEnvironment(
                `${name}-${env.name}`,
                {
                    repository: args.repository,
                    environment: env.name,
                    reviewers: userIds.length ? [{ users: userIds }] : [],
                    preventSelfReview: userIds.length > 0,
                    // GitHub's default lets repository admins skip the required reviewers.
                    canAdminsBypass: false,
                    deploymentBranchPolicy: env.branch ? { protectedBranches: false, customBranchPolicies: true } : undefined,
                },
                { parent: this, aliases: renamedFrom(env.name) },
            );
            for (const [secretName, value] of Object.entries(env.secrets ?? {})) {
                new ActionsEnvironmentSecret(
                    `${name}-${env.name}-${secretName.toLowerCase()}`,
                    // `value` is the non-deprecated input; pulumi.secret keeps it encrypted in state.
                    { repository: args.repository, environment: environment.environment, secretName, value: pulumi.secret(value) },
                    { parent: this },
                );
            }
            if (env.branch) {
                new RepositoryEnvironmentDeploymentPolicy(
                    `${name}-${env.name}-branch`,
                    { repository: args.repository, environment: environment.environment, branchPattern: env.branch },
                    { parent: this, aliases: renamedFrom(`${env.name}-branch`) },
                );
            }
        }
        this.registerOutputs({});
    }
}
