export const TCP_CLIENT_GZIP_BUDGET: number;
export function measureBundle(options: {
  root: string;
  entry: string;
  alias?: Record<string, string>;
}): Promise<{ minified: number; gzip: number; modules: { id: string; bytes: number }[] }>;
