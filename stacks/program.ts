// The Pulumi program: validate the stack's config, then declare the delivery or an environment stack.
import * as pulumi from "@pulumi/pulumi";
import { RunError } from "@pulumi/pulumi/errors";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { ConfigError, loadSettings, Settings } from "../infra/config/settings";
import { PolicyContext } from "../policy/context-component";
import { deliveryStack } from "./delivery";
import { environmentStack } from "./environment";
import { stackTag, STACK_TAG } from "../infra/contract";

/**
 * Every AWS resource of the stack goes through one provider whose defaultTags carry the stack tag
 * (`slipway:stack = <app>/<stack>`), which the deploy roles' tag conditions and the roles' boundaries
 * rely on. A stack transformation gives the provider to each AWS resource that has none, so no
 * component can forget it. (Moving resources from the default to this provider is no replacement:
 * the engine asks the provider's DiffConfig, pulumi/pulumi#18509, and defaultTags is no replace key.)
 */
export function useTaggedProvider(app: string, stack: string, region: string): AwsProvider {
    const provider = new AwsProvider("aws", {
        region,
        defaultTags: { tags: { [STACK_TAG]: stackTag(app, stack) } },
    });
    pulumi.runtime.registerStackTransformation((args) => {
        if (!args.type.startsWith("aws:") || args.opts.provider) return undefined;
        return { props: args.props, opts: pulumi.mergeOptions(args.opts, { provider }) };
    });
    return provider;
}

export interface ProgramOptions {
    /** Directory of the `Pulumi.<stack>.yaml` files. @default the working directory (Pulumi's project directory) */
    stackDir?: string;
}

/**
 * Declares the current stack's resources and resolves to its outputs. Config is validated before this returns:
 * a bad config throws here, before any resource is declared.
 */
export function program(opts: ProgramOptions = {}): Promise<Record<string, unknown>> {
    let settings: Settings;
    try {
        settings = loadSettings(opts.stackDir);
    } catch (e) {
        // RunError prints the message alone, without a stack trace: config errors are the user's to fix.
        if (e instanceof ConfigError) throw new RunError(e.message);
        throw e;
    }
    useTaggedProvider(settings.appName, settings.stack, settings.region);
    // The policy pack reads waivers and the tier from this component (CrossGuard cannot read config).
    new PolicyContext({ waivers: settings.policyWaivers, tier: settings.role === "delivery" ? "delivery" : settings.tier });
    return settings.role === "delivery" ? deliveryStack(settings) : environmentStack(settings);
}
