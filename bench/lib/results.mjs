// Where results go: bench/results/latest-<suite>.json, committed so a change shows up in review.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** The machine a result was measured on: numbers mean little without it. */
export function environment() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** Writes the suite's result file and returns its path. */
export function writeResults(suite, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `latest-${suite}.json`);
  writeFileSync(path, `${JSON.stringify({ suite, environment: environment(), ...data }, null, 2)}\n`);
  return path;
}
