export const BLOCKING_IMPORTS: readonly string[];
