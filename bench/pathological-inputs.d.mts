/** Hostile markdown at scale `n` (see pathological-inputs.mjs). */
export function pathologicalInputs(n: number): { name: string; text: string }[];
