export declare const SCREENSHOT_PATH: string;
export declare function checkDemo(options?: {
  message?: string;
  screenshotPath?: string;
  timeoutMs?: number;
}): Promise<{
  url: string;
  replies: string;
  log: { name: string; detail: string }[];
  status: string;
  screenshotPath: string;
}>;
