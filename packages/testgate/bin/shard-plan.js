#!/usr/bin/env node
import { main } from '@testgate/shard-plan/cli';
process.exitCode = await main(process.argv.slice(2));
