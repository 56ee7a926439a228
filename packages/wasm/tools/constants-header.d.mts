export function cLiteral(value: number): string;
export function renderConstantsHeader(constants: Record<string, unknown>): string;
