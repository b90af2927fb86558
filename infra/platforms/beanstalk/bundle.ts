// The source bundle an Elastic Beanstalk environment deploys: a Docker Compose file naming the
// sha-tagged image, plus platform hooks that turn the environment's Secrets Manager secret into an
// env file for the container. One pure function builds it, used by the pipeline's build (buildspec)
// and by the environment stack's first application version, so both ship the same bundle.
//
// Why Compose and not Dockerrun.aws.json v1: a v1 file can only pass EB environment properties to the
// container, and app secrets must never be environment properties (they would sit in plain text in
// the environment's configuration). Compose's `env_file` reads a second file that the hook writes on
// the instance, so secrets reach the app as the same environment variables ECS gives it.
//
// AWS facts this depends on (EB Developer Guide):
// - Docker platform with Compose: EB writes the environment properties to `.env` in the project
//   directory; a service receives them only through `env_file` ("Docker configuration").
// - `.platform/hooks/prebuild/*` runs on every application deployment after the bundle is extracted
//   and before the app starts; `.platform/confighooks/prebuild/*` runs on configuration deployments
//   (e.g. an environment property changed) ("Platform hooks"). EB makes hook files executable on
//   AL2023 platform versions.
// - `/opt/elasticbeanstalk/bin/get-config environment -k NAME` prints one environment property
//   ("Platform script tools").
// - EB authenticates to Amazon ECR with the instance profile ("Authenticating with image repositories").
// - The release phase (slipway:releaseCommand): a leader-only container command and its script, in
//   every bundle (the script does nothing without the environment's release property): ./release.ts.

import { releaseBundleFiles } from "./release";

/** Environment property holding the ARN of the environment's app secret (an ARN, not a secret). */
export const SECRET_ARN_PROPERTY = "SLIPWAY_SECRET_ARN";
/** Environment property holding the secret's version id: changing it makes EB run a config deployment. */
export const SECRETS_VERSION_PROPERTY = "SLIPWAY_SECRETS_VERSION";
/** Where the hook writes the secrets env file: outside the app directory, root-only. */
export const SECRETS_ENV_FILE = "/var/app/slipway/secrets.env";
/** Replaced by the image URI (`<repository>:<sha>`) when the bundle is written. */
export const IMAGE_PLACEHOLDER = "@IMAGE_URI@";
/** The Compose service name. */
export const BEANSTALK_SERVICE = "app";

export const COMPOSE_FILE = "docker-compose.yml";
export const PREBUILD_HOOK = ".platform/hooks/prebuild/10-slipway-secrets.sh";
export const CONFIG_PREBUILD_HOOK = ".platform/confighooks/prebuild/10-slipway-secrets.sh";

/** Compose file: one service on host port 80 (the load balancer's or the single instance's port). */
export function composeFile(image: string): string {
    return [
        "# Written by slipway's build: the image is the commit's sha tag, promoted unchanged between environments.",
        "services:",
        `  ${BEANSTALK_SERVICE}:`,
        `    image: "${image}"`,
        "    ports:",
        // ${PORT} is interpolated by Compose from EB's .env (the environment sets PORT = containerPort).
        '      - "80:${PORT}"',
        "    env_file:",
        "      - .env",
        `      - ${SECRETS_ENV_FILE}`,
        "    restart: unless-stopped",
        "",
    ].join("\n");
}

/**
 * The hook: read the JSON secret named by SLIPWAY_SECRET_ARN with the instance profile and write it
 * as `NAME=value` lines (mode 600). Values are never printed, so they stay out of eb-hooks.log.
 */
export function secretsHook(): string {
    return [
        "#!/bin/bash",
        "# Written by slipway: app secrets from Secrets Manager into the env file docker-compose.yml reads.",
        "set -euo pipefail",
        `arn="$(/opt/elasticbeanstalk/bin/get-config environment -k ${SECRET_ARN_PROPERTY} 2>/dev/null || true)"`,
        `install -d -m 700 "$(dirname ${SECRETS_ENV_FILE})"`,
        "umask 077",
        `if [ -z "$arn" ]; then : > ${SECRETS_ENV_FILE}; exit 0; fi`,
        'region="$(echo "$arn" | cut -d: -f4)"',
        'aws secretsmanager get-secret-value --region "$region" --secret-id "$arn" --query SecretString --output text \\',
        "  | python3 -c 'import json, sys",
        "for k, v in sorted(json.load(sys.stdin).items()):",
        '    if \"\\n\" in v: sys.exit(\"secret \" + k + \" spans several lines; an env file holds one line per value\")',
        "    print(k + \"=\" + v)' > " + `${SECRETS_ENV_FILE}.tmp`,
        `mv ${SECRETS_ENV_FILE}.tmp ${SECRETS_ENV_FILE}`,
        `echo "slipway: wrote $(wc -l < ${SECRETS_ENV_FILE}) app secrets to ${SECRETS_ENV_FILE}"`,
        "",
    ].join("\n");
}

/** Every file of the bundle, path → content, with `image` (or the placeholder) in the Compose file. */
export function beanstalkBundleFiles(image: string = IMAGE_PLACEHOLDER): Record<string, string> {
    const hook = secretsHook();
    return { [COMPOSE_FILE]: composeFile(image), [PREBUILD_HOOK]: hook, [CONFIG_PREBUILD_HOOK]: hook, ...releaseBundleFiles() };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Buildspec commands that write the bundle into the build's working directory, substituting the
 * image URI built from REPOSITORY_URL and IMAGE_TAG (the buildspec's variables).
 */
export function bundleBuildCommands(): string[] {
    const commands = Object.entries(beanstalkBundleFiles()).map(
        ([file, content]) => `mkdir -p "$(dirname ${file})" && printf '%s' ${shellQuote(content)} > ${file}`,
    );
    commands.push(`sed -i "s|${IMAGE_PLACEHOLDER}|$REPOSITORY_URL:$IMAGE_TAG|" ${COMPOSE_FILE}`);
    commands.push(`chmod +x ${PREBUILD_HOOK} ${CONFIG_PREBUILD_HOOK}`);
    return commands;
}
