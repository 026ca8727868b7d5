import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config.js';
import {
  type DriverName,
  hasOptionalDriver,
  loadOptionalDriver,
  MissingDriverError,
  OPTIONAL_DRIVERS,
} from './optional-driver.js';

// A directory outside the repository has no node_modules: every driver is "not installed" there.
const empty = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'tessera-no-drivers-')), 'here.js'));

describe('optional drivers', () => {
  for (const name of Object.keys(OPTIONAL_DRIVERS) as DriverName[]) {
    test(`${name} missing: a configuration error naming the package and the variable`, () => {
      assert.equal(hasOptionalDriver(name, empty), false);
      assert.throws(
        () => loadOptionalDriver(name, empty),
        (err: unknown) => {
          assert.ok(err instanceof MissingDriverError);
          assert.ok(err instanceof ConfigError, 'the CLI reports it as a configuration error (exit 2)');
          assert.equal(err.packageName, name);
          assert.equal(err.variable, OPTIONAL_DRIVERS[name].variable);
          assert.match(err.message, new RegExp(`npm install ${name}$`));
          return true;
        },
      );
    });
    test(`${name} installed here: it loads`, () => {
      assert.equal(hasOptionalDriver(name), true);
      assert.ok(loadOptionalDriver(name));
    });
  }

  test('a driver that is installed but broken keeps its own error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-broken-driver-'));
    const moduleDir = join(dir, 'node_modules', 'pg');
    writeFileSync(join(dir, 'package.json'), '{}');
    mkdirSync(moduleDir, { recursive: true });
    writeFileSync(join(moduleDir, 'package.json'), '{"name":"pg","main":"index.js"}');
    writeFileSync(join(moduleDir, 'index.js'), "require('pg-missing-dependency');");
    assert.throws(
      () => loadOptionalDriver('pg', pathToFileURL(join(dir, 'here.js'))),
      (err: unknown) => !(err instanceof MissingDriverError) && /pg-missing-dependency/.test(String(err)),
    );
  });
});
