import * as pulumi from "@pulumi/pulumi";
// Per-resource modules: the @pulumi/github index adds ~170 declaration files to every type-check.
import { ActionsSecret } from "@pulumi/github/actionsSecret";
import { ActionsVariable } from "@pulumi/github/actionsVariable";
import { renamedFrom } from "./names";

export interface RepoSettingsArgs {
    /** Repository name (the provider carries the owner). */
    repository: string;
    /** Non-sensitive values CI reads as `vars.NAME` (role ARNs, registry URL, region). */
    variables: Record<string, pulumi.Input<string>>;
    /** Sensitive values CI reads as `secrets.NAME`; each must be a secret Output. */
    secrets: Record<string, pulumi.Output<string>>;
    /**
     * Alias each child to its name before children were named after their component. Only the first
     * RepoSettings of a stack can: two instances' children had one URN, so the engine stopped at the second.
     * @default true
     */
    aliasLegacyNames?: boolean;
}

/**
 * The app repository's GitHub Actions variables and secrets. Secret values go through Pulumi as secret
 * Outputs: encrypted in state, "[secret]" in every plan, and updated in GitHub when the config changes.
 */
export class RepoSettings extends pulumi.ComponentResource {
    constructor(name: string, args: RepoSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:RepoSettings", name, {}, opts);
        for (const [variableName, value] of Object.entries(args.variables)) {
            const legacy = variableName.toLowerCase();
            new ActionsVariable(`${name}-${legacy}`, { repository: args.repository, variableName, value }, { parent: this, aliases: renamedFrom(legacy, args.aliasLegacyNames) });
        }
        for (const [secretName, value] of Object.entries(args.secrets)) {
            new ActionsSecret(
                `${name}-${secretName.toLowerCase()}`,
                // `value` replaces the deprecated plaintextValue; pulumi.secret keeps it out of plain state.
                { repository: args.repository, secretName, value: pulumi.secret(value) },
                { parent: this, aliases: renamedFrom(secretName.toLowerCase(), args.aliasLegacyNames) },
            );
        }
        this.registerOutputs({});
    }
}
