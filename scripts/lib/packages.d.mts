export const ROOT: string;
export const PACKAGES_DIR: string;
export const REQUIRED_FILES: string[];
export function publishablePackages(): { name: string; version: string; dir: string; tarballName: string }[];
export function staleOutputs(pkg: { dir: string }): string[];
export function packAll(destination?: string): string[];
export function missingFiles(tarball: string): string[];
export function checkTarball(tarball: string): Promise<string[]>;
