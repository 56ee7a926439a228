/**
 * @ws2web/wasm — unmodified Winsock C in a web page. Build with `ws2web-cc prog.c` (see
 * docs/porting.md); run the result with runWinsockProgram (or the generated prog.js loader).
 */
export { runWinsockProgram, chooseMode } from './program.js';
export type { ProgramOptions, ProgramResult, RunMode, WasmSource } from './program.js';
export { jspiSupported } from './jspi.js';
export { ProgramExit } from './wasi.js';
export { winsockImports, blockingImportNames } from './imports-table.js';
export { GlueContext } from './context.js';
export { WasmMemory } from './memory.js';
