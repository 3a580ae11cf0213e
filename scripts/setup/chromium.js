#!/usr/bin/env node
/**
 * `npm test`'s pretest: the portal's end-to-end tests drive Debian's Chromium (DEVELOPERS.md). When it is missing,
 * install it the way `playwright install --with-deps` installs its browsers' system packages: with apt-get, as
 * root. Anywhere else it stops with the command to run, so the suite never starts without its browser.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const chromium = process.env.CUSTODIA_CHROMIUM ?? '/usr/bin/chromium';

function run(command, args) {
  execFileSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

if (existsSync(chromium)) process.exit(0);
if (process.env.CUSTODIA_CHROMIUM !== undefined) {
  console.error(`CUSTODIA_CHROMIUM is set to ${chromium}, which does not exist.`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(
    'The portal tests need Chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium` ' +
      '(Debian/Ubuntu) or set CUSTODIA_CHROMIUM to a Chromium binary.',
  );
  process.exit(1);
}
console.log('Chromium is missing: installing Debian’s chromium package (apt-get) for the portal tests…');
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'chromium']);
if (!existsSync(chromium)) {
  console.error(`apt-get installed chromium, but ${chromium} is still missing.`);
  process.exit(1);
}
