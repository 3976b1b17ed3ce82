#!/usr/bin/env node
import { main } from '@testgate/junit-merge/cli';
process.exitCode = await main(process.argv.slice(2));
