import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDevice, MAX_USER_AGENT_LENGTH, truncateUserAgent } from './device.js';

test('device labels from User-Agent strings', () => {
  assert.equal(
    describeDevice(
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    ),
    'Chrome 120 on Mac OS 10.15.7',
  );
  assert.equal(
    describeDevice(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    ),
    'Mobile Safari 17 on iOS 17.1',
  );
  assert.equal(describeDevice('curl/8.5.0'), 'curl/8.5.0');
  assert.equal(describeDevice(undefined), 'Unknown device');
  assert.equal(describeDevice(''), 'Unknown device');
  assert.equal(truncateUserAgent('x'.repeat(5000)).length, MAX_USER_AGENT_LENGTH);
});
