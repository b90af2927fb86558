// What the three ops commands share: where they write, what they read from the terminal, and how a
// refusal (bad flag, bad stack file, AWS saying no) becomes one line and exit code 1.
import { RunError } from "@pulumi/pulumi/errors";
import { ConfigError } from "../../infra/config/settings";
import { StackNotFoundError } from "../plan/stack-config";
import { OpsError } from "./aws";

export interface Io {
    out: (text: string) => void;
    err: (text: string) => void;
    /** Directory of Pulumi.yaml and the stack files. */
    dir: string;
    env: NodeJS.ProcessEnv;
    now: () => Date;
    /** Whether stdin is a terminal a person answers in. */
    isTTY: boolean;
    /** Asks a question on the terminal, resolves to the answer line. */
    ask: (question: string) => Promise<string>;
}

async function askTerminal(question: string): Promise<string> {
    const readline = await import("node:readline/promises");
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
        return await rl.question(question);
    } finally {
        rl.close();
    }
}

export function defaultIo(): Io {
    return {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
        dir: process.cwd(),
        env: process.env,
        now: () => new Date(),
        isTTY: Boolean(process.stdin.isTTY),
        ask: askTerminal,
    };
}

/** Runs a command: its refusals print as `error: <message>` and exit 1; anything else is a bug and keeps its stack. */
export async function run(io: Io, main: () => Promise<number>): Promise<number> {
    try {
        return await main();
    } catch (err) {
        const known = err instanceof OpsError || err instanceof ConfigError || err instanceof StackNotFoundError || RunError.isInstance(err);
        io.err(`error: ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}\n`);
        return 1;
    }
}

/** A usage error as an OpsError. */
export const usage = (message: string) => new OpsError(message);

/** Fixed-width table, columns padded to their widest cell. */
export function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n") + "\n";
}
