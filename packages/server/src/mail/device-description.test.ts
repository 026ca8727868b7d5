import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDevice } from './device-description.js';

test('device names: browsers and systems by name, programs by a bare word, nothing else of the header', () => {
  const chromeMac =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
  assert.equal(describeDevice(chromeMac), 'Chrome on macOS');
  const edgeWin =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0';
  assert.equal(describeDevice(edgeWin), 'Edge on Windows');
  const safariIos =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
  assert.equal(describeDevice(safariIos), 'Safari on iOS');
  assert.equal(describeDevice('curl/8.5.0'), 'a program calling itself curl');
  assert.equal(describeDevice(undefined), 'an unknown device');
  assert.equal(describeDevice(''), 'an unknown device');
  // A lure in the header never reaches the mail: no dots, slashes or spaces survive.
  assert.equal(describeDevice('evil.example/undo'), 'an unknown device');
  assert.equal(describeDevice('Call us at +1 555 0100 to undo'), 'a program calling itself Call');
  assert.equal(describeDevice('https://evil.example'), 'an unknown device');
});
