// The Pulumi program: validate the stack's config, then declare the delivery or an environment stack.
import { RunError } from "@pulumi/pulumi/errors";
import { ConfigError, loadSettings, Settings } from "../infra/config";
import { PolicyContext } from "../policy/context-component";
import { deliveryStack } from "./delivery";
import { environmentStack } from "./environment";

export interface ProgramOptions {
    /** Directory of the `Pulumi.<stack>.yaml` files. @default the working directory (Pulumi's project directory) */
    stackDir?: string;
}

/** Declares the current stack's resources and returns its outputs. */
export function program(opts: ProgramOptions = {}): Record<string, unknown> {
    let settings: Settings;
    try {
        settings = loadSettings(opts.stackDir);
    } catch (e) {
        // RunError prints the message alone, without a stack trace: config errors are the user's to fix.
        if (e instanceof ConfigError) throw new RunError(e.message);
        throw e;
    }
    // The policy pack reads waivers and the tier from this component (CrossGuard cannot read config).
    new PolicyContext({ waivers: settings.policyWaivers, tier: settings.role === "delivery" ? "delivery" : settings.tier });
    return settings.role === "delivery" ? deliveryStack(settings) : environmentStack(settings);
}
