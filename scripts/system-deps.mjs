#!/usr/bin/env node
// Part of `npm test`: the Debian programs some tests run for real (headless Chromium for
// the HTML report, promtool and a Pushgateway for test-metrics, pytest for the runner
// lanes, Postgres and Redis for the stores and the reference app), installed with apt-get
// when one is missing, so that a fresh machine gets there with `npm test` alone. Without
// root (and without sudo) it stops with the one command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const onPath = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const postgresBin = () =>
  onPath('initdb') ||
  (existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((v) =>
      existsSync(`/usr/lib/postgresql/${v}/bin/initdb`),
    ));

/** What a test needs, how to tell it is there, and the Debian packages that bring it. */
const NEEDS = [
  { what: 'the HTML report tests', present: () => onPath('chromium'), packages: ['chromium'] },
  {
    what: 'the metrics tests',
    present: () => onPath('promtool') && onPath('prometheus-pushgateway'),
    packages: ['prometheus', 'prometheus-pushgateway'],
  },
  {
    what: 'the runner lane tests',
    present: () =>
      spawnSync('python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' }).status === 0,
    packages: ['python3-pytest'],
  },
  {
    what: 'the store and integration tests',
    present: () => postgresBin() && onPath('redis-server'),
    packages: ['postgresql', 'redis-server'],
  },
];

const missing = NEEDS.filter((need) => !need.present());
if (missing.length === 0) process.exit(0);
const packages = missing.flatMap((need) => need.packages);
const root = process.getuid?.() === 0;
const sudo =
  !root && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!root && !sudo) {
  console.error(
    `system-deps: ${missing.map((n) => n.what).join(', ')} need Debian's ${packages.join(' ')}: run sudo apt-get install -y ${packages.join(' ')}, then npm test again`,
  );
  process.exit(1);
}
console.error(
  `system-deps: installing Debian's ${packages.join(' ')} for ${missing.map((n) => n.what).join(', ')}`,
);
const apt = (args) =>
  spawnSync(sudo ? 'sudo' : 'apt-get', sudo ? ['-n', 'apt-get', ...args] : args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0;
if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', ...packages])) {
  console.error(`system-deps: apt-get could not install ${packages.join(' ')}`);
  process.exit(1);
}
