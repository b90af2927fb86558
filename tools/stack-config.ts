// Builds the config map Pulumi would hand the program for a stack, from Pulumi.yaml and
// Pulumi.<stack>.yaml, without the Pulumi CLI: declared defaults first, then the stack's values.
// `secure:` values cannot be decrypted offline; each becomes a placeholder that stays secret.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { configText } from "../infra/config";

export const SECRET_PLACEHOLDER = "PLACEHOLDER-SECRET";

export interface StackConfig {
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
}

export class StackNotFoundError extends Error {}

interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

export function readProject(dir: string): ProjectFile {
    return parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** Stack names that have a `Pulumi.<stack>.yaml` in `dir`. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s))
        .sort();
}

export function loadStackConfig(dir: string, stack: string): StackConfig {
    const project = readProject(dir);
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || !fs.existsSync(file)) {
        throw new StackNotFoundError(
            `no stack "${stack}": there is no Pulumi.${stack}.yaml in ${dir}. Stacks here: ${listStacks(dir).join(", ") || "(none)"}. Create one with: pulumi stack init ${stack}`,
        );
    }
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

    for (const [key, decl] of Object.entries(project.config ?? {})) {
        // A declaration is { type, description, default } or { value }; a bare scalar is a value.
        let value: unknown = decl;
        if (decl && typeof decl === "object" && !Array.isArray(decl)) {
            const d = decl as Record<string, unknown>;
            value = "value" in d ? d.value : d.default;
        }
        if (value !== undefined) config[qualify(key)] = configText(value, () => SECRET_PLACEHOLDER);
    }
    const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        let secret = false;
        config[qualify(key)] = configText(value, (ciphertext) => {
            secret = true;
            // Distinct per ciphertext (public in the repo), so a rotated secret plans as a change.
            return `${SECRET_PLACEHOLDER}-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 12)}`;
        });
        if (secret) secretKeys.add(qualify(key));
    }
    return { project: project.name, stack, config, secretKeys: [...secretKeys] };
}
