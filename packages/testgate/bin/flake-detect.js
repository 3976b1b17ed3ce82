#!/usr/bin/env node
import { main } from '@testgate/flake-detect/cli';
process.exitCode = await main(process.argv.slice(2));
