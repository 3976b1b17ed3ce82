#!/usr/bin/env node
import { main } from '@testgate/gate-verdict/cli';
process.exitCode = await main(process.argv.slice(2));
