#!/usr/bin/env node
import { main } from '@testgate/quarantine-filter/cli';
process.exitCode = await main(process.argv.slice(2));
