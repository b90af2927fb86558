// Encrypts example `secure:` values the way Pulumi's passphrase secrets provider does (PBKDF2-SHA256,
// 1,000,000 rounds, AES-256-GCM), so the shipped stack files decrypt with the documented example
// passphrase. Usage: tsx tools/docs/encrypt-example.ts <salt-line-or-"new"> <plaintext>
import { createCipheriv, pbkdf2Sync, randomBytes } from "crypto";

export const EXAMPLE_PASSPHRASE = "slipway-example";

function key(passphrase: string, salt: Buffer): Buffer {
    return pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
}

export function encrypt(k: Buffer, plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", k, nonce);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

if (require.main === module) {
    const [saltLine, ...values] = process.argv.slice(2);
    const salt = saltLine === "new" ? randomBytes(8) : Buffer.from(saltLine.split(":")[1], "base64");
    const k = key(process.env.PULUMI_CONFIG_PASSPHRASE ?? EXAMPLE_PASSPHRASE, salt);
    if (saltLine === "new") process.stdout.write(`encryptionsalt: v1:${salt.toString("base64")}:${encrypt(k, "pulumi")}\n`);
    for (const v of values) process.stdout.write(`${encrypt(k, v)}\n`);
}
