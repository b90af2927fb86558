// Placeholder until the change-review issue lands: `--diff` compares a plan with a saved one.
import { Plan } from "./mock-engine";

export interface DiffOutput {
    markdown: boolean;
    write: (text: string) => void;
}

/** Prints the difference between `plan` and the plan saved at `basePath`; returns the exit code. */
export function diffCommand(plan: Plan, basePath: string, out: DiffOutput): number {
    void plan;
    void out;
    throw new Error(`--diff ${basePath}: plan diffs are not implemented yet`);
}
