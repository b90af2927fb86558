// Command-line flags of the offline tools: node:util parseArgs parses them; what it would refuse is
// refused first here, as one line naming the flag and the fix, thrown as the tool's own usage error.
import { parseArgs, type ParseArgsConfig } from "node:util";

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Edit distance, to suggest the flag a typo meant. */
function distance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        row = next;
    }
    return row[b.length];
}

/**
 * What strict parseArgs would refuse, said so a user can act on it; undefined when argv is fine.
 * Read from parseArgs' own tokens (non-strict), not from its error text, which Node may reword.
 */
export function flagProblem(argv: string[], options: FlagOptions): string | undefined {
    const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
    for (const t of tokens) {
        if (t.kind === "positional") return `unexpected argument "${t.value}": every value follows its flag (--flag <value>)`;
        if (t.kind !== "option") continue;
        const option = options[t.name];
        if (!option) {
            const near = Object.keys(options)
                .map((name) => ({ name, d: distance(t.name, name) }))
                .filter((x) => x.d <= 2 || x.name === `no-${t.name}`)
                .sort((a, b) => a.d - b.d)[0];
            return `unknown option ${t.rawName}${near ? ` (did you mean --${near.name}?)` : ""}`;
        }
        // As strict parseArgs: a value that looks like a flag is taken as a forgotten value, unless given inline (--stack=-x).
        const { value, rawName } = t;
        if (option.type === "string" && value === undefined) return `${rawName} needs a value`;
        if (option.type === "string" && value !== undefined && !t.inlineValue && value.startsWith("-")) {
            const flag = Object.entries(options).some(([name, o]) => value.split("=")[0] === `--${name}` || (o.short && value === `-${o.short}`));
            return flag ? `${rawName} needs a value (${value} is the next flag)` : `${rawName} needs a value, not "${value}": a value starting with "-" goes inline, ${rawName}=${value}`;
        }
        if (option.type === "boolean" && value !== undefined) return `${rawName} takes no value: drop "=${value}"`;
    }
    return undefined;
}

/**
 * Parses `argv` against `options` (no positionals); a problem becomes `fail("<problem>. <usage>")`.
 * Returns parseArgs' typed values.
 */
export function parseFlags<const O extends FlagOptions>(argv: string[], options: O, usage: string, fail: (message: string) => Error) {
    const problem = flagProblem(argv, options);
    if (problem) throw fail(`${problem}. ${usage}`);
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (e) {
        // Anything strict parsing refuses that flagProblem did not foresee: still one line, never a stack.
        throw fail(`${e instanceof Error ? e.message : String(e)}. ${usage}`);
    }
}

/** A number flag's value: a plain decimal within [min, max], else `fail` naming the flag and the range. */
export function numberFlag(flag: string, raw: string, range: { min: number; max?: number; integer?: boolean }, fail: (message: string) => Error): number {
    const v = /^\s*$/.test(raw) ? NaN : Number(raw);
    const max = range.max ?? Infinity;
    const ok = Number.isFinite(v) && v >= range.min && v <= max && (!range.integer || Number.isInteger(v));
    if (ok) return v;
    const kind = range.integer ? "a whole number" : "a number";
    const bounds = max === Infinity ? `≥ ${range.min}` : `from ${range.min} to ${max}`;
    throw fail(`${flag} needs ${kind} ${bounds}, not "${raw}"`);
}
