// JSON text of a value that holds Inputs (policy documents, action variables), with fewer Outputs.
import * as pulumi from "@pulumi/pulumi";

/** Where the template holds the `index`th Input of the value. */
class Slot {
    constructor(readonly index: number) {}
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/**
 * The JSON text `pulumi.jsonStringify(value)` gives: the same string, secret, unknown and dependencies
 * as it. jsonStringify lifts every array and object on the way into an Output of its own; this gathers
 * the Outputs and promises the value holds into one `pulumi.all`, and fills a plain copy once they
 * resolve. With one Output per ARN (arnOf's, before ARNs became strings), that took the delivery plan from 241,000 promises to 143,000,
 * and Output bookkeeping is most of what planning a stack costs (docs/performance.md). Outputs, promises
 * and Resources are lifted; only plain objects and arrays are walked, and any other object (the callers
 * pass none) goes to JSON.stringify as it is.
 */
export function jsonOutput(value: unknown): pulumi.Output<string> {
    const inputs: unknown[] = [];
    // One slot per Input object: a document names the same ARN Output in several statements.
    const slots = new Map<unknown, Slot>();
    const template = (v: unknown): unknown => {
        if (pulumi.Output.isInstance(v) || pulumi.Resource.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function")) {
            let slot = slots.get(v);
            if (!slot) slots.set(v, (slot = new Slot(inputs.push(v) - 1)));
            return slot;
        }
        if (Array.isArray(v)) return v.map(template);
        if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, template(x)]));
        return v;
    };
    const shape = template(value);
    // A document of plain strings (a trust policy, ARNs from the AwsContext) waits on nothing.
    if (inputs.length === 0) return pulumi.output(JSON.stringify(shape));
    const fill = (v: unknown, values: unknown[]): unknown => {
        if (v instanceof Slot) return values[v.index];
        if (Array.isArray(v)) return v.map((x) => fill(x, values));
        if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, values)]));
        return v;
    };
    return pulumi.all(inputs as pulumi.Input<unknown>[]).apply((values) => JSON.stringify(fill(shape, values)));
}
