#!/usr/bin/env node
import { main } from '@testgate/test-metrics/cli';
process.exitCode = await main(process.argv.slice(2));
