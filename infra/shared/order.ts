// One order for names in what AWS receives (a container's environment, the pipeline's image lists), the same
// on every machine. String.prototype.localeCompare orders by the machine's locale (LANG): under da_DK "AA_X"
// sorts after "ZONE", under lt_LT "YEAR" before "IMAGE" (Node 24, 2026-12-04), so a `pulumi up` from such a
// machine would reorder a task definition's environment and register a new revision. The order is the
// Unicode root collation's (CLDR), which `new Intl.Collator("en")` gives and every shipped plan was made with.

/**
 * The root collation of names made of ASCII letters, digits, "_" and "-" (environment variables, service
 * names), without ICU (whose first comparison costs about 7 ms): letters compare case-insensitively first,
 * after "_", "-" and the digits, in that order; of names equal so, lowercase comes first, letter by letter.
 * Any other name is compared by `Intl.Collator("en")`. test/order.test.ts checks it against that collator.
 */
export function byName(a: string, b: string): number {
    if (!NAME.test(a) || !NAME.test(b)) return (englishCollator ??= new Intl.Collator("en")).compare(a, b);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        const d = primary(a.charCodeAt(i)) - primary(b.charCodeAt(i));
        if (d) return Math.sign(d);
    }
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    for (let i = 0; i < n; i++) {
        const d = upper(a.charCodeAt(i)) - upper(b.charCodeAt(i));
        if (d) return Math.sign(d);
    }
    return 0;
}

const NAME = /^[A-Za-z0-9_-]*$/;
let englishCollator: Intl.Collator | undefined;

/** The root collation's primary order of the NAME characters: "_" < "-" < 0-9 < a/A-z/Z. */
function primary(c: number): number {
    if (c === 0x5f) return 0;
    if (c === 0x2d) return 1;
    if (c <= 0x39) return 2 + c - 0x30;
    return 12 + ((c | 0x20) - 0x61);
}

/** 1 for an uppercase letter (after its lowercase form when all else is equal), else 0. */
function upper(c: number): number {
    return c >= 0x41 && c <= 0x5a ? 1 : 0;
}
