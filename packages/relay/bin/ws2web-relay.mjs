#!/usr/bin/env node
// The `ws2web-relay` command. A committed file rather than dist/cli.js itself, so that installing
// the workspace links the command before the first build (pnpm warns about a missing bin target).
import '../dist/cli.js';
