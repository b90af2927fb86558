// Builds the config map Pulumi would hand the program for a stack, from Pulumi.yaml and
// Pulumi.<stack>.yaml, without the Pulumi CLI: declared defaults first, then the stack's values.
// Each `secure:` value becomes a placeholder that stays secret (plans never depend on a passphrase).
//
// The real CLI refuses a stack whose secrets it cannot decrypt, so the offline plan checks them too,
// before the program runs: every `secure:` leaf must be a ciphertext of the stack's secrets provider.
//   - passphrase provider (an `encryptionsalt:` line): Pulumi's symmetric crypter format,
//     `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext + 16-byte tag>`; with
//     PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) set, every value is also decrypted.
//   - a cloud KMS provider (`secretsprovider: awskms://…`, `azurekeyvault://…`, `gcpkms://…`,
//     `hashivault://…`): the same v1 format, checked but not decrypted (that needs the key service).
//   - Pulumi Cloud (neither line): the service's base64 ciphertext, checked but not decrypted.
import { createDecipheriv, createHash, pbkdf2Sync } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../infra/config/settings";
import { configText, readStackFileDoc, readYamlFile, StackFile } from "../../infra/config/stack-files";

export const SECRET_PLACEHOLDER = "PLACEHOLDER-SECRET";

export interface StackConfig {
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
    /** The stack file's `secretsprovider:` (undefined: passphrase or the Pulumi Cloud default). */
    secretsProvider?: string;
}

export class StackNotFoundError extends Error {}

interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

/**
 * The project file, its parse kept between runs (readYamlFile's `keep`): it is the committed Pulumi.yaml,
 * which holds no secret values (`pulumi config set --secret` writes to a stack file).
 */
export function readProject(dir: string): ProjectFile {
    return readYamlFile(path.join(dir, "Pulumi.yaml"), { keep: true }) as ProjectFile;
}

/** Stack names that have a `Pulumi.<stack>.yaml` in `dir`. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s))
        .sort();
}

export interface LoadOptions {
    /**
     * Passphrase of the passphrase secrets provider. @default PULUMI_CONFIG_PASSPHRASE, else the contents
     * of PULUMI_CONFIG_PASSPHRASE_FILE, else none (ciphertexts are then checked for form only)
     */
    passphrase?: string;
}

export function loadStackConfig(dir: string, stack: string, opts: LoadOptions = {}): StackConfig {
    const project = readProject(dir);
    const doc = readStackFileDoc(dir, stack);
    if (!doc) {
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
    const problems = secureValueProblems(doc, stack, project.name, "passphrase" in opts ? opts.passphrase : envPassphrase());
    if (problems.length) {
        // RunError: the plan prints the message alone, as the program does for a ConfigError.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { RunError } = require("@pulumi/pulumi/errors") as typeof import("@pulumi/pulumi/errors");
        throw new RunError(new ConfigError(problems).message);
    }
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        let secret = false;
        config[qualify(key)] = configText(value, (ciphertext) => {
            secret = true;
            // Distinct per ciphertext (public in the repo), so a rotated secret plans as a change.
            return `${SECRET_PLACEHOLDER}-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 12)}`;
        });
        if (secret) secretKeys.add(qualify(key));
    }
    return { project: project.name, stack, config, secretKeys: [...secretKeys], secretsProvider: typeof doc.secretsprovider === "string" ? doc.secretsprovider : undefined };
}

export type { StackFile } from "../../infra/config/stack-files";

export type SecretsProvider = "passphrase" | "cloud-kms" | "pulumi-cloud";

export function secretsProviderOf(doc: StackFile): SecretsProvider {
    if (doc.secretsprovider && doc.secretsprovider !== "passphrase") return "cloud-kms";
    return doc.encryptionsalt ? "passphrase" : "pulumi-cloud";
}

function envPassphrase(): string | undefined {
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined) return process.env.PULUMI_CONFIG_PASSPHRASE;
    const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    return file ? fs.readFileSync(file, "utf8").replace(/\r?\n$/, "") : undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Why `text` is not Pulumi's symmetric-crypter ciphertext, or undefined when it is. */
export function v1CiphertextProblem(text: string): string | undefined {
    const parts = text.split(":");
    if (parts.length !== 3 || parts[0] !== "v1") return "it is not of the form v1:<nonce>:<ciphertext>";
    const [, nonce, body] = parts;
    if (!BASE64.test(nonce) || !nonce) return "its nonce is not base64";
    if (!BASE64.test(body) || !body) return "its ciphertext is not base64";
    const nonceBytes = Buffer.from(nonce, "base64").length;
    if (nonceBytes !== NONCE_BYTES) return `its nonce is ${nonceBytes} bytes, not ${NONCE_BYTES}`;
    const bodyBytes = Buffer.from(body, "base64").length;
    if (bodyBytes < TAG_BYTES) return `its ciphertext is ${bodyBytes} bytes, shorter than the ${TAG_BYTES}-byte authentication tag`;
    return undefined;
}

/** The passphrase provider's AES-256 key: PBKDF2-SHA256, 1,000,000 rounds, over the stack's salt (cached: it takes a second). */
const keys = new Map<string, Buffer>();
export function passphraseKey(passphrase: string, salt: Buffer): Buffer {
    const id = createHash("sha256").update(passphrase).update("\0").update(salt).digest("hex");
    let key = keys.get(id);
    if (!key) {
        key = pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
        keys.set(id, key);
    }
    return key;
}

/** Decrypts a `v1:` ciphertext with `key`; undefined when the authentication tag does not match (wrong key or damaged value). */
export function decryptV1(key: Buffer, ciphertext: string): string | undefined {
    const [, nonce, body] = ciphertext.split(":");
    const bytes = Buffer.from(body, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
        return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
        return undefined;
    }
}

/** Every `secure:` leaf of a stack file's config, with its `--path` form (`slipway:appSecrets.API_KEY`). */
function secureLeaves(config: Record<string, unknown>, project: string): { at: string; key: string; ciphertext: unknown }[] {
    const out: { at: string; key: string; ciphertext: unknown }[] = [];
    const walk = (v: unknown, at: string, key: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, key));
        else if (v && typeof v === "object") {
            const o = v as Record<string, unknown>;
            if (Object.keys(o).length === 1 && "secure" in o) out.push({ at, key, ciphertext: o.secure });
            else for (const [k, x] of Object.entries(o)) walk(x, `${at}.${k}`, key);
        }
    };
    for (const [k, v] of Object.entries(config)) {
        const key = k.includes(":") ? k : `${project}:${k}`;
        walk(v, key, key);
    }
    return out;
}

/**
 * Problems with a stack file's `secure:` values: a ciphertext its secrets provider could not decrypt
 * and, with the passphrase provider and a passphrase given, a value that does not decrypt (a wrong
 * passphrase is one problem, not one per value).
 */
export function secureValueProblems(doc: StackFile, stack: string, project: string, passphrase?: string): string[] {
    const problems: string[] = [];
    const file = `Pulumi.${stack}.yaml`;
    const provider = secretsProviderOf(doc);
    const reset = (at: string, key: string) => `pulumi config set --secret ${at === key ? "" : "--path "}'${at}' <value> --stack ${stack}`;
    let key: Buffer | undefined;
    if (provider === "passphrase" && passphrase !== undefined) {
        const salt = String(doc.encryptionsalt);
        const parts = salt.split(":");
        const check = parts.slice(2).join(":");
        if (parts[0] !== "v1" || !parts[1] || !BASE64.test(parts[1]) || v1CiphertextProblem(check)) {
            problems.push(`encryptionsalt in ${file} is not Pulumi's v1:<salt>:<check value> form, so no passphrase can decrypt the stack's secrets. Restore the line from version control (a new salt makes every secure: value undecryptable).`);
            return problems;
        }
        key = passphraseKey(passphrase, Buffer.from(parts[1], "base64"));
        if (decryptV1(key, check) !== "pulumi") {
            problems.push(
                `PULUMI_CONFIG_PASSPHRASE does not unlock ${file}: the stack's encryptionsalt check fails, so it is not the passphrase its secrets were encrypted with. Fix: export PULUMI_CONFIG_PASSPHRASE=<the stack's passphrase> (the shipped example stacks use slipway-example), or unset PULUMI_CONFIG_PASSPHRASE to plan without decrypting.`,
            );
            return problems;
        }
    }
    for (const { at, key: configKey, ciphertext } of secureLeaves(doc.config ?? {}, project)) {
        if (typeof ciphertext !== "string") {
            problems.push(`${at} in ${file} has a secure: entry that is not a string. Re-set it: ${reset(at, configKey)}`);
            continue;
        }
        if (provider === "pulumi-cloud") {
            if (!ciphertext || !BASE64.test(ciphertext)) {
                problems.push(`${at} in ${file} is not a Pulumi Cloud ciphertext (base64), so Pulumi cannot decrypt it. Re-set it: ${reset(at, configKey)}`);
            }
            continue;
        }
        const problem = v1CiphertextProblem(ciphertext);
        if (problem) {
            problems.push(
                `${at} in ${file} is not a Pulumi ciphertext (v1:<base64 12-byte nonce>:<base64 ciphertext with its 16-byte tag>): ${problem}, so Pulumi cannot decrypt it. Re-set it: ${reset(at, configKey)}`,
            );
            continue;
        }
        if (key && decryptV1(key, ciphertext) === undefined) {
            problems.push(
                `${at} in ${file} does not decrypt with the stack's passphrase (its authentication tag does not match: the value was damaged, or encrypted for another stack or salt). Re-set it: ${reset(at, configKey)}`,
            );
        }
    }
    return problems;
}
