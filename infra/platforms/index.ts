// The platforms slipway can run an environment on. Adding one: a folder implementing Platform
// (./platform.ts), its name in PLATFORM_NAMES, and one line here.
import { beanstalk } from "./beanstalk";
import { ecs } from "./ecs";
import { Platform, PLATFORM_NAMES, PlatformName } from "./platform";

const BY_NAME: Record<PlatformName, Platform> = { ecs, beanstalk };

/** Every platform, in PLATFORM_NAMES order (the order their parts appear in the delivery stack's policies). */
export const PLATFORMS: readonly Platform[] = PLATFORM_NAMES.map((name) => BY_NAME[name]);

/** The platform named `name` (config validation guarantees it is registered). */
export function platformNamed(name: PlatformName | string): Platform {
    const found = PLATFORMS.find((p) => p.name === name);
    if (!found) throw new Error(`no platform named ${name}; registered: ${PLATFORMS.map((p) => p.name).join(", ")}`);
    return found;
}
