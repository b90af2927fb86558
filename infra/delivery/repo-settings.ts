import * as pulumi from "@pulumi/pulumi";
// Per-resource modules: the @pulumi/github index adds ~170 declaration files to every type-check.
import { ActionsVariable } from "@pulumi/github/actionsVariable";
import { renamedFrom } from "../contract";

export interface RepoSettingsArgs {
    /** Repository name (the provider carries the owner). */
    repository: string;
    /** Non-sensitive values CI reads as `vars.NAME` (role ARNs, registry URL, region). */
    variables: Record<string, pulumi.Input<string>>;
    /**
     * Alias each child to its name before children were named after their component. Only the first
     * RepoSettings of a stack can: two instances' children had one URN, so the engine stopped at the second.
     * @default true
     */
    aliasLegacyNames?: boolean;
}

/**
 * A repository's GitHub Actions variables (non-sensitive: role ARNs, registry URL, region). Secrets are
 * never repository secrets: each is an environment secret of the GitHub environment whose jobs use it
 * (infra/delivery/github-environments.ts), so a pull-request job cannot read production's.
 */
export class RepoSettings extends pulumi.ComponentResource {
    constructor(name: string, args: RepoSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:RepoSettings", name, {}, opts);
        for (const [variableName, value] of Object.entries(args.variables)) {
            const legacy = variableName.toLowerCase();
            new ActionsVariable(`${name}-${legacy}`, { repository: args.repository, variableName, value }, { parent: this, aliases: renamedFrom(legacy, args.aliasLegacyNames) });
        }
        this.registerOutputs({});
    }
}
